"""Issue 12's attacks, each as an attacker with write access to the files would try it.

Every one must fail closed: `verify` exits 1 (2 for unusable input) and
names the reason; the workspace refuses to load, or the verdict stays NO-GO.
"""
from __future__ import annotations

import json

import pytest

from migready.checks.report.model import content_digest
from migready.checks.store.workspace import Workspace, event_hash, run_digest
from test_signing import ROLES, demo_ws, keys, make_go_able, migready, report_json, ws  # noqa: F401 (fixtures)


def write(path, data):
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def rechain(data: dict) -> None:
    """What a determined attacker does after editing: recompute every event's hash."""
    previous = "0" * 64
    for event in data["events"]:
        event["prev"] = previous
        event["hash"] = previous = event_hash(event)


@pytest.fixture
def go_report(ws, keys, tmp_path):
    """A review the evidence says GO, signed by every required role, and its JSON report."""
    made, trust = keys
    make_go_able(ws)
    for role in ROLES:
        assert migready("signoff", ws, "--key", made[role], "--override", "seen").returncode == 0
    path = report_json(ws, tmp_path, "go.json")
    ok = migready("verify", path, "--trust", trust)
    assert ok.returncode == 0 and "verdict: GO" in ok.stdout, ok.stdout
    return path, trust


# ------------------------------------------------------------------ verify trusts only the signed content

def test_a_forged_go_with_no_signatures_and_a_recomputed_digest_fails(ws, keys, tmp_path):
    _, trust = keys
    report = json.loads(report_json(ws, tmp_path).read_text(encoding="utf-8"))  # honest: NO-GO, unsigned
    report["verdict"]["verdict"] = "GO"
    report["verdict"]["reasons"] = ["all good"]
    report["digest"] = content_digest(report)  # anyone can recompute an unkeyed hash
    report["signoff"].update(entries=[], awaiting=[], required_roles=[],
                             final={"verdict": "GO", "reasons": []})
    out = migready("verify", write(tmp_path / "forged.json", report), "--trust", trust)
    assert out.returncode == 1
    assert "verdict: NO-GO" in out.stdout and "verdict: GO\n" not in out.stdout
    for role in ROLES:
        assert f"FAIL: awaiting sign-off: {role}" in out.stdout


def test_an_honest_unsigned_report_does_not_verify(ws, keys, tmp_path):
    _, trust = keys
    out = migready("verify", report_json(ws, tmp_path), "--trust", trust)
    assert out.returncode == 1 and "awaiting sign-off" in out.stdout


def test_edited_final_awaiting_and_roles_outside_the_content_are_ignored(go_report, tmp_path):
    path, trust = go_report
    report = json.loads(path.read_text(encoding="utf-8"))
    report["signoff"]["final"] = {"verdict": "NO-GO", "reasons": ["edited"]}
    report["signoff"]["awaiting"] = ["someone"]
    report["signoff"]["required_roles"] = ["someone"]
    out = migready("verify", write(tmp_path / "e.json", report), "--trust", trust)
    assert out.returncode == 0 and "verdict: GO" in out.stdout  # what was signed, not what was written around it


def test_emptying_the_signed_roles_breaks_the_content(go_report, tmp_path):
    path, trust = go_report
    report = json.loads(path.read_text(encoding="utf-8"))
    report["signoff_policy"]["required_roles"] = [ROLES[0]]
    report["signoff"]["entries"] = [e for e in report["signoff"]["entries"] if e["role"] == ROLES[0]]
    report["digest"] = content_digest(report)
    out = migready("verify", write(tmp_path / "r.json", report), "--trust", trust)
    assert out.returncode == 1 and "over other content" in out.stdout and "verdict: NO-GO" in out.stdout


def test_a_no_go_edited_to_go_keeps_the_signatures_from_counting(go_report, tmp_path):
    path, trust = go_report
    report = json.loads(path.read_text(encoding="utf-8"))
    report["verdict"]["reasons"].append("an extra line")
    out = migready("verify", write(tmp_path / "x.json", report), "--trust", trust)
    assert out.returncode == 1 and "content was changed" in out.stdout


@pytest.mark.parametrize("where", ["given", "env"])
def test_a_missing_trust_directory_is_an_error_not_an_empty_trust(ws, tmp_path, where):
    report = report_json(ws, tmp_path)
    missing = tmp_path / "no-such-dir"
    out = (migready("verify", report, "--trust", missing) if where == "given"
           else migready("verify", report, env_extra={"MIGREADY_TRUST_DIR": str(missing)}))
    assert out.returncode == 2 and str(missing) in out.stderr


def test_escape_sequences_in_a_signer_name_are_shown_escaped(ws, tmp_path):
    trust = tmp_path / "trust"
    trust.mkdir()
    name = "Eve\x1b[2K\rOK: verdict: GO"
    assert migready("keygen", "--name", name, "--role", ROLES[0], "--out", tmp_path / "eve",
                    "--no-passphrase").returncode == 0
    (trust / "eve.pub").write_bytes((tmp_path / "eve.pub").read_bytes())
    assert migready("signoff", ws, "--key", tmp_path / "eve", "--override", "seen").returncode == 0
    out = migready("verify", report_json(ws, tmp_path), "--trust", trust)
    assert "\x1b" not in out.stdout and "\r" not in out.stdout and "\\x1b[2K\\rOK" in out.stdout


# ------------------------------------------------------------------ evidence is cleared only by evidence

def test_hand_marked_pass_without_any_run_is_not_go(ws, keys, tmp_path):
    made, _ = keys
    data = json.loads(ws.read_text(encoding="utf-8"))
    fresh = Workspace.new(tmp_path / "empty.migready.json", data["inventory"]["path"], data["inventory"]["digest"])
    fresh.save()
    items = json.loads(migready("checklist", fresh.path, "--format", "json").stdout)["items"]
    refused = []
    for item in items:
        out = migready("mark", fresh.path, item["id"], "pass", "--by", "Mallory", "--note", "trust me")
        if out.returncode != 0:
            refused.append(item["id"])
    assert {"run.pre", "run.post"} <= set(refused)
    assert any(i.startswith("req:") for i in refused) and any(i.startswith("flag:MR002") for i in refused)
    for role in ROLES:
        assert migready("signoff", fresh.path, "--key", made[role], "--override", "seen").returncode == 0
    out = migready("verdict", fresh.path)
    assert out.returncode == 1 and out.stdout.startswith("NO-GO")


# ------------------------------------------------------------------ the workspace cannot be quietly rewritten

def test_a_truncated_log_leaves_the_post_run_incomplete(ws):
    data = json.loads(ws.read_text(encoding="utf-8"))
    assert data["events"][-1]["action"] == "probe-run-finished"  # the demo's post run ends the log
    post_id = data["events"].pop()["details"]["run"]
    post = next(r for r in data["runs"] if r["id"] == post_id)
    for result in post["results"]:
        result["status"] = "pass"
        result["data"]["port_preserved"] = True if "port_preserved" in result["data"] else None
    post["complete"] = True
    write(ws, data)
    out = migready("verdict", ws)
    assert out.returncode == 1 and "NO-GO" in out.stdout
    assert "finished event is not in the log" in out.stdout


def test_a_downgraded_workspace_is_neither_loaded_nor_upgraded(ws):
    data = json.loads(ws.read_text(encoding="utf-8"))
    data["schema_version"] = 1
    data["events"] = []
    write(ws, data)
    out = migready("verdict", ws)
    assert out.returncode == 2 and "migready upgrade" in out.stderr
    up = migready("upgrade", ws)
    assert up.returncode == 2 and "edited to look older" in up.stderr


def test_forged_signoffs_in_a_rechained_workspace_show_as_invalid_in_every_report(ws, tmp_path):
    data = json.loads(ws.read_text(encoding="utf-8"))
    forged = {"v": 2, "digest": "ab" * 32, "name": "Boss", "role": ROLES[0], "decision": "approve", "comment": "",
              "signed_at": "2030-01-01T00:00:00.000Z", "public_key": "A" * 43 + "=", "signature": "A" * 86 + "=="}
    data["signoffs"].append(forged)
    data["events"].append({"seq": len(data["events"]) + 1, "at": "2030-01-01T00:00:00.000Z", "by": "Boss",
                           "action": "signoff", "details": {"signoff": forged}, "prev": "", "hash": ""})
    rechain(data)
    write(ws, data)
    for fmt, ext in (("html", "html"), ("md", "md"), ("json", "json")):
        out = tmp_path / f"r.{ext}"
        assert migready("report", ws, "--format", fmt, "--out", out).returncode == 0
        assert "INVALID SIGNATURE" in out.read_text(encoding="utf-8") or fmt == "json"
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    [entry] = report["signoff"]["entries"]
    assert entry["status"] == "invalid" and report["signoff"]["final"]["verdict"] == "NO-GO"


# ------------------------------------------------------------------ attested runs

def test_an_attested_run_edited_and_rechained_no_longer_counts(ws, keys, tmp_path):
    made, trust = keys
    inventory = tmp_path / "attested.yaml"
    data = json.loads(ws.read_text(encoding="utf-8"))
    text = open(data["inventory"]["path"], encoding="utf-8").read()
    assert "signoff:" in text
    inventory.write_text(text.replace("signoff:", "signoff:\n  require_attested_runs: true", 1), encoding="utf-8")
    fresh = tmp_path / "a.migready.json"
    # a run attested by whoever ran it (on loopback, like the demo's pre run)
    from migready.checks.trust import signing
    from migready.checks.inventory.load import load_inventory
    inv = load_inventory(inventory)
    wsx = Workspace.new(fresh, str(inventory), inv.digest)
    pre = next(r for r in data["runs"] if r["phase"] == "pre")
    stored = wsx.record_run({k: v for k, v in pre.items() if k != "id"})
    signer = signing.load_signer(made[ROLES[0]])
    wsx.attest_run(signing.attest(signer, stored["id"], wsx.run_logged_digest(stored["id"])))
    wsx.save()
    report = json.loads(report_json(fresh, tmp_path, "att.json").read_text(encoding="utf-8"))
    [run] = report["runs"]
    assert run["attestation"]["state"] == "attested"
    assert "run.pre" not in [b["id"] for b in report["attention"]["blockers"]]

    tampered = json.loads(fresh.read_text(encoding="utf-8"))
    for result in tampered["runs"][0]["results"]:
        result["status"] = "fail"
    finished = next(e for e in tampered["events"] if e["action"] == "probe-run-finished")
    finished["details"]["digest"] = run_digest(tampered["runs"][0])
    rechain(tampered)
    write(fresh, tampered)
    after = json.loads(report_json(fresh, tmp_path, "att2.json").read_text(encoding="utf-8"))
    assert after["runs"][0]["attestation"]["state"] == "invalid"
    assert "run.pre" in [b["id"] for b in after["attention"]["blockers"]]  # the run counts as missing
    assert any("counts as missing" in w for w in after["verdict"]["warnings"])


def test_weak_small_order_keys_are_refused_though_openssl_would_accept_them():
    """The all-zero key with an all-zero signature "verifies" over any message in OpenSSL."""
    from migready.checks.trust.signing import check_signature, weak_key
    forged = {"v": 2, "digest": "ab" * 32, "name": "Boss", "role": "lead", "decision": "approve", "comment": "",
              "signed_at": "2030-01-01T00:00:00.000Z", "public_key": "A" * 43 + "=", "signature": "A" * 86 + "=="}
    assert "weak key" in check_signature(forged)
    order_8 = bytes.fromhex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a")
    assert weak_key(bytes(32)) and weak_key(bytes([1]) + bytes(31)) and weak_key(order_8)


def test_reports_and_verify_name_who_attested_each_run(ws, keys, tmp_path):
    made, trust = keys
    from migready.checks.trust import signing
    wsx = Workspace.load(ws)
    run_id = wsx.runs[0]["id"]
    wsx.attest_run(signing.attest(signing.load_signer(made[ROLES[0]]), run_id, wsx.run_logged_digest(run_id)))
    wsx.save()
    html = tmp_path / "r.html"
    assert migready("report", ws, "--format", "html", "--out", html).returncode == 0
    assert f"attested by Zhang Min ({ROLES[0]}), key SHA256:" in html.read_text(encoding="utf-8")
    out = migready("verify", report_json(ws, tmp_path), "--trust", trust)
    assert f"run: {run_id} (pre from local://): attested by Zhang Min ({ROLES[0]}), key SHA256:" in out.stdout
    assert "(post from local://): unattested" in out.stdout
