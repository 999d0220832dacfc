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
        assert migready("signoff", ws, "--key", made[role]).returncode == 0
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


# ================================================================== issue 23: one insider with one trusted key
# Each test below reproduces a finding of issue 23 as the insider would try it, and shows it refused.

def verifier_policy(trust, roles=ROLES, **extra) -> None:
    """The verifier's own policy, beside the keys it trusts (what `migready trust init` writes)."""
    lines = [f"required_roles: {json.dumps(list(roles))}"] + [f"{k}: {json.dumps(v)}" for k, v in extra.items()]
    (trust / "policy.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def resign(report: dict, key_path, decision="approve") -> dict:
    """What the insider does after editing the content: recompute the digest and sign it with their key."""
    from migready.checks.trust import signing
    report["digest"] = content_digest(report)
    entry = signing.sign(signing.load_signer(key_path), report["digest"], decision, "")
    report["signoff"]["entries"] = [entry]
    return report


def test_f1_one_signer_cannot_lower_the_verifiers_required_roles(ws, keys, tmp_path):
    made, trust = keys
    verifier_policy(trust)
    report = json.loads(report_json(ws, tmp_path).read_text(encoding="utf-8"))  # honest: NO-GO
    report["verdict"]["verdict"] = "GO"
    report["signoff_policy"]["required_roles"] = [ROLES[1]]
    out = migready("verify", write(tmp_path / "f1.json", resign(report, made[ROLES[1]])), "--trust", trust)
    assert out.returncode == 1, out.stdout
    assert f"FAIL: awaiting sign-off: {ROLES[0]}" in out.stdout
    assert "the verdict was edited" in out.stdout and "'GO'" in out.stdout  # re-judged from the signed evidence
    assert "policy.yaml and the report's content" in out.stdout and "verdict: NO-GO" in out.stdout


def test_f1_without_a_policy_file_verify_says_which_policy_and_still_rejudges(ws, keys, tmp_path):
    made, trust = keys
    report = json.loads(report_json(ws, tmp_path).read_text(encoding="utf-8"))
    report["verdict"]["verdict"] = "GO"
    report["signoff_policy"]["required_roles"] = [ROLES[1]]
    out = migready("verify", write(tmp_path / "f1b.json", resign(report, made[ROLES[1]])), "--trust", trust)
    assert out.returncode == 1 and "the verdict was edited" in out.stdout
    assert "has no policy.yaml (migready trust init)" in out.stdout


def test_f1_trust_init_add_show(keys, tmp_path):
    made, _ = keys
    directory = tmp_path / "verifier"
    assert migready("trust", "init", directory, "--role", ROLES[0], "--role", ROLES[1],
                    "--require-attested-runs").returncode == 0
    assert migready("trust", "add", directory, f"{made[ROLES[0]]}.pub").returncode == 0
    shown_ = migready("trust", "show", directory)
    assert shown_.returncode == 0, shown_.stderr
    assert f"required roles: {ROLES[0]}, {ROLES[1]}" in shown_.stdout and "runs must be attested: yes" in shown_.stdout
    assert f"key: Zhang Min ({ROLES[0]}), SHA256:" in shown_.stdout
    again = migready("trust", "init", directory, "--role", "x")
    assert again.returncode == 2 and "--force" in again.stderr


def test_f2_a_dropped_reject_breaks_the_chain_or_the_expected_head(go_report, keys, ws, tmp_path):
    made, trust = keys
    assert migready("signoff", ws, "--key", made[ROLES[1]], "--decision", "reject", "--comment", "no").returncode == 0
    path = report_json(ws, tmp_path, "rejected.json")
    honest = migready("verify", path, "--trust", trust)
    assert honest.returncode == 1 and f"rejected by Li Wei ({ROLES[1]})" in honest.stdout
    head = honest.stdout.split("sign-off chain head ")[1].split()[0]
    assert "(3 entries" in honest.stdout
    report = json.loads(path.read_text(encoding="utf-8"))
    tail_cut = json.loads(json.dumps(report))
    tail_cut["signoff"]["entries"].pop()  # the reject was the last entry: the chain alone cannot tell
    cut = migready("verify", write(tmp_path / "cut.json", tail_cut), "--trust", trust, "--expect-head", head)
    assert cut.returncode == 1 and f"not the expected {head}" in cut.stdout
    middle = json.loads(json.dumps(report))
    del middle["signoff"]["entries"][0]  # an entry from the middle: the next one no longer chains
    out = migready("verify", write(tmp_path / "mid.json", middle), "--trust", trust)
    assert out.returncode == 1 and "chain is broken at entry 1" in out.stdout


def test_f3_a_failing_run_cut_from_the_end_is_caught_by_the_expected_heads(ws, keys, tmp_path):
    """Attested pre and post runs, then an attested failing post run; its events, run and attestation
    are cut off the end without touching a hash.  The file is consistent: what proves the cut is the
    head recorded outside (`--expect-attested`), and the sign-off states how many runs it covers."""
    from migready.checks import actions
    from migready.checks.trust import signing
    made, trust = keys
    verifier_policy(trust, require_attested_runs=True)
    make_go_able(ws)
    signer = signing.load_signer(made[ROLES[0]])
    wsx = Workspace.load(ws)
    for run in list(wsx.runs):
        actions.attest_run(wsx, signer, run["id"])
    failing = json.loads(json.dumps(wsx.runs[-1]))
    for result in failing["results"]:
        result["status"] = "fail"
    failing["started"] = failing["started"].replace(failing["started"][:4], str(int(failing["started"][:4]) + 1), 1)
    stored = wsx.record_run({k: v for k, v in failing.items() if k != "id"})
    last = actions.attest_run(wsx, signer, stored["id"])
    wsx.save()
    ticket_head = signing.entry_hash(last)  # what the change ticket records when the run is attested
    assert "NO-GO" in migready("verdict", ws).stdout
    data = json.loads(ws.read_text(encoding="utf-8"))
    assert [e["action"] for e in data["events"][-3:]] == ["probe-run-started", "probe-run-finished", "run-attested"]
    del data["events"][-3:], data["runs"][-1], data["attestations"][-1]
    write(ws, data)
    for role in ROLES:
        assert migready("signoff", ws, "--key", made[role]).returncode == 0
    path = report_json(ws, tmp_path, "cut.json")
    plain = migready("verify", path, "--trust", trust)
    assert "runs covered" in plain.stdout and "attestation chain head" in plain.stdout
    out = migready("verify", path, "--trust", trust, "--expect-attested", ticket_head)
    assert out.returncode == 1 and f"not the expected {ticket_head}" in out.stdout


def test_f4_verdict_and_reports_trust_only_the_trust_directory(ws, keys, tmp_path):
    _, trust = keys
    make_go_able(ws)
    for name, role in (("Zhang Min", ROLES[0]), ("Li Wei", ROLES[1])):  # same names and roles, other keys
        out = tmp_path / f"fake-{role.split()[0]}"
        assert migready("keygen", "--name", name, "--role", role, "--out", out, "--no-passphrase").returncode == 0
        assert migready("signoff", ws, "--key", out).returncode == 0
    verdict = migready("verdict", ws)
    assert verdict.returncode == 1 and verdict.stdout.startswith("NO-GO"), verdict.stdout
    assert "unverified: key not trusted" in verdict.stdout
    html = tmp_path / "r.html"
    assert migready("report", ws, "--format", "html", "--out", html).returncode == 0
    page = html.read_text(encoding="utf-8")
    assert "unverified: key not trusted" in page and "valid signature over this content" not in page


def test_f5_a_run_phase_of_the_wrong_type_is_bad_input_not_an_internal_error(go_report, tmp_path):
    path, trust = go_report
    for phase in ({"a": 1}, ["pre"]):
        report = json.loads(path.read_text(encoding="utf-8"))
        report["runs"][0]["phase"] = phase
        if "evidence" in report:  # the signed evidence the verdict is judged from (report_version 3)
            report["evidence"]["state"]["runs"][0]["phase"] = phase
        report["digest"] = content_digest(report)
        out = migready("verify", write(tmp_path / "f5.json", report), "--trust", trust)
        assert out.returncode == 2, out.stdout + out.stderr
        assert "evidence.state.runs.0.phase" in out.stderr


def test_f6_run_items_cannot_be_waived_even_by_hand(ws):
    out = migready("waive", ws, "run.post", "--by", "Mallory", "--reason", "later", "--until", "2031-01-01")
    assert out.returncode == 2 and "cannot be waived" in out.stderr
    data = json.loads(ws.read_text(encoding="utf-8"))
    data["runs"] = [r for r in data["runs"] if r["phase"] != "post"]
    post = {e["details"]["run"] for e in data["events"] if e["action"] == "probe-run-started"} - \
        {r["id"] for r in data["runs"]}
    data["events"] = [e for e in data["events"] if e["details"].get("run") not in post]
    waiver = {"scope": "item", "item": "run.post", "reason": "trust me", "until": "2031-01-01", "id": "W1",
              "by": "Mallory", "granted": "2026-01-01T00:00:00.000Z", "evidence": {}}
    data["waivers"].append(waiver)
    data["events"].append({"seq": 0, "at": "2026-01-01T00:00:00.000Z", "by": "Mallory", "action": "waive",
                           "details": {"waiver": waiver}, "prev": "", "hash": ""})
    for index, event in enumerate(data["events"]):
        event["seq"] = index + 1
    rechain(data)
    write(ws, data)
    out = migready("verdict", ws, "--format", "json")
    result = json.loads(out.stdout)
    assert result["evidence_verdict"] == "NO-GO" and any("run.post" in r for r in result["reasons"])


def test_f6_a_waiver_ending_before_the_cutover_is_said(ws):
    out = migready("waive", ws, "demo-scale-deviceadapter/demo-scale", "--by", "Zhang Min", "--reason", "vendor",
                   "--until", "2029-12-01")  # demo.yaml's cutover is 2030-01-01
    assert out.returncode == 0, out.stderr
    verdict = migready("verdict", ws)
    assert "expires on 2029-12-01, before the cutover on 2030-01-01" in verdict.stdout


def test_f6_a_post_migration_step_cannot_be_marked_before_a_post_run(ws, tmp_path):
    data = json.loads(ws.read_text(encoding="utf-8"))
    fresh = Workspace.new(tmp_path / "fresh.migready.json", data["inventory"]["path"], data["inventory"]["digest"])
    fresh.save()
    items = json.loads(migready("checklist", fresh.path, "--format", "json").stdout)["items"]
    post = next(i["id"] for i in items if i["phase"] == "post-migration" and i["source"] == "template")
    out = migready("mark", fresh.path, post, "pass", "--by", "Mallory", "--note", "watched it")
    assert out.returncode == 2 and "before a post-migration probe run exists" in out.stderr


def test_f6_signing_twice_replaces_and_a_reject_is_not_also_awaited(ws, keys, tmp_path):
    made, _ = keys
    make_go_able(ws)
    assert migready("signoff", ws, "--key", made[ROLES[0]]).returncode == 0
    assert migready("signoff", ws, "--key", made[ROLES[0]]).returncode == 0
    assert migready("signoff", ws, "--key", made[ROLES[1]], "--decision", "reject").returncode == 0
    report = json.loads(report_json(ws, tmp_path).read_text(encoding="utf-8"))
    assert [e["status"] for e in report["signoff"]["entries"]] == ["replaced", "valid", "valid"]
    reasons = report["signoff"]["final"]["reasons"]
    assert f"rejected by Li Wei ({ROLES[1]})" in reasons
    assert not any(r == f"awaiting sign-off: {ROLES[1]}" for r in reasons)  # never both
    assert [e["action"] for e in Workspace.load(ws).events].count("signoff") == 3  # the log keeps both


def test_f6_approving_a_no_go_needs_an_override_and_the_report_says_so(ws, keys, tmp_path):
    made, _ = keys
    out = migready("signoff", ws, "--key", made[ROLES[0]])
    assert out.returncode == 2 and "--override" in out.stderr
    assert migready("signoff", ws, "--key", made[ROLES[0]], "--override", "vendor fix tonight").returncode == 0
    md = tmp_path / "r.md"
    assert migready("report", ws, "--format", "md", "--out", md).returncode == 0
    report = json.loads(report_json(ws, tmp_path).read_text(encoding="utf-8"))
    assert any("approved although the evidence says NO-GO, overriding: vendor fix tonight" in n
               for n in report["signoff"]["notes"])


def test_f6_a_role_no_policy_requires_is_refused_unless_extra(ws, keys, tmp_path):
    out_key = tmp_path / "aud"
    assert migready("keygen", "--name", "Auditor", "--role", "audit", "--out", out_key,
                    "--no-passphrase").returncode == 0
    refused = migready("signoff", ws, "--key", out_key, "--decision", "reject")
    assert refused.returncode == 2 and "--extra-role" in refused.stderr
    assert migready("signoff", ws, "--key", out_key, "--decision", "reject", "--extra-role").returncode == 0


def test_f6_the_trust_directory_ignores_hidden_files_and_names_symlinks_and_bad_files(go_report, keys, tmp_path):
    import os
    path, trust = go_report
    made, _ = keys
    outside = tmp_path / "outside"
    outside.mkdir()
    (trust / "li.pub").rename(outside / "li.pub")
    os.symlink(outside / "li.pub", trust / "li.pub")  # a symlink out of the directory
    (trust / ".hidden.pub").write_bytes((outside / "li.pub").read_bytes())
    os.mkfifo(trust / "zz-fifo.pub")
    out = migready("verify", path, "--trust", trust)
    assert out.returncode == 1, out.stdout
    assert "a symlink out of the trust directory" in out.stdout and "zz-fifo.pub" in out.stdout
    assert f"untrusted signer: Li Wei ({ROLES[1]})" in out.stdout  # the hidden copy is not trusted either
    (trust / "li.pub").unlink()
    (trust / "li.pub").write_bytes((outside / "li.pub").read_bytes())
    ok = migready("verify", path, "--trust", trust)  # one FIFO is skipped and named, never fatal
    assert ok.returncode == 0 and "zz-fifo.pub" in ok.stdout, ok.stdout


def test_f6_duplicate_json_keys_are_refused(go_report, tmp_path):
    path, trust = go_report
    text = path.read_text(encoding="utf-8")
    doubled = text.replace('"format":', '"verdict": {"verdict": "GO"}, "format":', 1)
    out = migready("verify", write_text(tmp_path / "dup.json", doubled), "--trust", trust)
    assert out.returncode == 2 and "given twice" in out.stderr


def write_text(path, text):
    path.write_text(text, encoding="utf-8")
    return path
