"""Sign-off and verification, through the CLI as a change board would use it.

Each tampering case must make `migready verify` exit 1 and name the cause.
"""
from __future__ import annotations

import json
import os

import pytest

import cliproc
from migready.checks.store.workspace import Workspace

ROLES = ("migration lead", "store devices")  # demo.yaml's signoff.roles


def migready(*args, env_extra=None, cwd=None):
    env = dict(os.environ, **(env_extra or {}))
    env.pop("MIGREADY_KEY_PASSPHRASE", None) if not env_extra else None
    return cliproc.migready(*args, cwd=cwd, env=env, timeout=120)


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    assert migready("demo", "--out", out / "d").returncode == 1
    return out / "d" / "demo.migready.json"


@pytest.fixture
def ws(demo_ws, tmp_path):
    """A private copy of the demo workspace (and its inventory) per test."""
    data = json.loads(demo_ws.read_text(encoding="utf-8"))
    path = tmp_path / "demo.migready.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def keys(tmp_path, monkeypatch):
    """Two signers, and the trust directory every verb reads ($MIGREADY_TRUST_DIR, as a team would set it)."""
    trust = tmp_path / "trust"
    trust.mkdir()
    monkeypatch.setenv("MIGREADY_TRUST_DIR", str(trust))
    made = {}
    for name, role in (("Zhang Min", ROLES[0]), ("Li Wei", ROLES[1])):
        stem = name.split()[0].lower()
        out = migready("keygen", "--name", name, "--role", role, "--out", tmp_path / stem, "--no-passphrase")
        assert out.returncode == 0, out.stderr
        (trust / f"{stem}.pub").write_bytes((tmp_path / f"{stem}.pub").read_bytes())
        made[role] = tmp_path / stem
    return made, trust


def report_json(ws, tmp_path, name="report.json"):
    out = tmp_path / name
    assert migready("report", ws, "--format", "json", "--out", out).returncode == 0
    return out


def test_keygen_writes_a_private_key_only_its_owner_reads(keys):
    made, _ = keys
    key = made[ROLES[0]]
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    public = json.loads(key.with_name(key.name + ".pub").read_text(encoding="utf-8"))
    assert public["name"] == "Zhang Min" and public["role"] == ROLES[0]
    assert "PRIVATE" not in key.with_name(key.name + ".pub").read_text(encoding="utf-8")
    assert migready("keygen", "--name", "x", "--role", "y", "--out", key, "--no-passphrase").returncode == 2  # never overwrites


def test_signed_report_verifies_and_a_changed_character_does_not(ws, keys, tmp_path):
    made, trust = keys
    for role in ROLES:
        assert migready("signoff", ws, "--key", made[role], "--comment", "seen", "--override", "seen").returncode == 0
    path = report_json(ws, tmp_path)
    ok = migready("verify", path, "--trust", trust)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "OK: intact, signed by every required role" in ok.stdout
    assert "verdict: NO-GO" in ok.stdout  # recomputed from the signed content: the demo's port is rewritten

    text = path.read_text(encoding="utf-8")
    tampered = tmp_path / "tampered.json"
    tampered.write_text(text.replace("demo-scale", "demo-scalf", 1), encoding="utf-8")
    bad = migready("verify", tampered, "--trust", trust)
    assert bad.returncode == 1 and "content was changed" in bad.stdout and "over other content" in bad.stdout


def test_one_required_role_missing_is_named(ws, keys, tmp_path):
    made, trust = keys
    assert migready("signoff", ws, "--key", made[ROLES[0]], "--override", "seen").returncode == 0
    out = migready("verify", report_json(ws, tmp_path), "--trust", trust)
    assert out.returncode == 1 and f"FAIL: awaiting sign-off: {ROLES[1]}" in out.stdout


def test_an_altered_signoff_is_an_invalid_signature(ws, keys, tmp_path):
    made, trust = keys
    migready("signoff", ws, "--key", made[ROLES[0]], "--decision", "reject", "--comment", "port rewritten")
    report = json.loads(report_json(ws, tmp_path).read_text(encoding="utf-8"))
    report["signoff"]["entries"][0]["decision"] = "approve"
    path = tmp_path / "altered.json"
    path.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    out = migready("verify", path, "--trust", trust)
    assert out.returncode == 1 and "invalid" in out.stdout and "Zhang Min" in out.stdout


def test_a_removed_signature_is_named(ws, keys, tmp_path):
    """Every required role approved (on a GO-able review) and then one signature is dropped from the file."""
    made, trust = keys
    for role in ROLES:
        assert migready("signoff", ws, "--key", made[role], "--override", "seen").returncode == 0
    report = json.loads(report_json(ws, tmp_path).read_text(encoding="utf-8"))
    assert report["signoff"]["awaiting"] == []
    report["signoff"]["entries"] = [e for e in report["signoff"]["entries"] if e["role"] != ROLES[1]]
    path = tmp_path / "removed.json"
    path.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    out = migready("verify", path, "--trust", trust)
    assert out.returncode == 1 and f"awaiting sign-off: {ROLES[1]}" in out.stdout


def test_an_untrusted_signer_is_unknown(ws, keys, tmp_path):
    _, trust = keys
    stranger = tmp_path / "stranger"
    migready("keygen", "--name", "Mallory", "--role", ROLES[0], "--out", stranger, "--no-passphrase")
    assert migready("signoff", ws, "--key", stranger, "--override", "seen").returncode == 0
    out = migready("verify", report_json(ws, tmp_path), "--trust", trust)
    assert out.returncode == 1 and "untrusted signer: Mallory" in out.stdout


def test_a_change_after_signing_makes_the_signature_stale(ws, keys, tmp_path):
    made, _ = keys
    assert migready("signoff", ws, "--key", made[ROLES[0]], "--override", "seen").returncode == 0
    assert migready("mark", ws, "prepare.rollback-plan", "pass", "--by", "Li Wei", "--note", "v3").returncode == 0
    verdict = json.loads(migready("verdict", ws, "--format", "json").stdout)
    assert ROLES[0] in verdict["signoff"]["awaiting"]
    assert any("stale" in note and "Zhang Min" in note for note in verdict["signoff"]["notes"])


def make_go_able(ws) -> None:
    """The demo with its pre run also taken as the post run (nothing moved) and every manual item
    marked: the evidence says GO."""
    workspace = Workspace.load(ws)
    pre = next(r for r in workspace.runs if r["phase"] == "pre")
    later = pre["started"].replace(pre["started"][:4], str(int(pre["started"][:4]) + 1), 1)
    workspace.record_run(dict(json.loads(json.dumps(pre)), id=f"run-{len(workspace.runs) + 1}", phase="post",
                              started=later))  # the pre run taken as post too: nothing moved
    workspace.save()
    checklist = json.loads(migready("checklist", ws, "--format", "json").stdout)
    for item in checklist["items"]:
        if item["state"] == "pending" and item["source"] in ("template", "inventory"):
            assert migready("mark", ws, item["id"], "pass", "--by", "Li Wei", "--note", "done").returncode == 0


def test_sign_off_gates_the_verdict(ws, keys, tmp_path):
    """A GO needs every required role; until then it is NO-GO with 'awaiting sign-off: ROLE'."""
    made, _ = keys
    make_go_able(ws)
    before = migready("verdict", ws, "--format", "json")
    result = json.loads(before.stdout)
    assert result["evidence_verdict"] == "GO", result["reasons"]
    assert result["verdict"] == "NO-GO" and before.returncode == 1
    assert [r for r in result["reasons"] if r.startswith("awaiting")] == [f"awaiting sign-off: {r}" for r in ROLES]
    for role in ROLES:
        assert migready("signoff", ws, "--key", made[role], "--override", "seen").returncode == 0
    after = migready("verdict", ws, "--format", "json")
    assert after.returncode == 0 and json.loads(after.stdout)["verdict"] == "GO"
    assert [e["action"] for e in Workspace.load(ws).events].count("signoff") == 2


def test_passphrase_protected_key(tmp_path, ws):
    env = {"MIGREADY_KEY_PASSPHRASE": "correct horse"}
    assert migready("keygen", "--name", "Wang Fang", "--role", ROLES[0], "--out", tmp_path / "wf",
                    "--passphrase", env_extra=env).returncode == 0
    assert b"ENCRYPTED" in (tmp_path / "wf").read_bytes()
    wrong = migready("signoff", ws, "--key", tmp_path / "wf", "--override", "seen", env_extra={"MIGREADY_KEY_PASSPHRASE": "nope"})
    assert wrong.returncode == 2 and "wrong passphrase" in wrong.stderr
    assert "nope" not in wrong.stderr + wrong.stdout
    assert migready("signoff", ws, "--key", tmp_path / "wf", "--override", "seen", env_extra=env).returncode == 0
    assert "correct horse" not in ws.read_text(encoding="utf-8")


def test_an_encrypted_key_asks_for_its_passphrase_in_chinese_too(tmp_path, ws, keys):
    """Issue 22: the front ends chose to prompt by searching the (translated) error for "passphrase", so in
    zh_CN an encrypted key was an error.  They now go by the error's type (actions.PassphraseRequired)."""
    env = {"MIGREADY_KEY_PASSPHRASE": "correct horse"}
    assert migready("keygen", "--name", "Wang Fang", "--role", ROLES[0], "--out", tmp_path / "wf",
                    "--passphrase", env_extra=env).returncode == 0
    make_go_able(ws)
    out = migready("--lang", "zh_CN", "signoff", ws, "--key", tmp_path / "wf", env_extra=env)
    assert out.returncode == 0, out.stderr
    assert [e["name"] for e in Workspace.load(ws).signoffs] == ["Wang Fang"]
