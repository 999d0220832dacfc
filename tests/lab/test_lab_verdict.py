"""Issues 4 and 5 on the lab: the source-port regression makes it NO-GO; a waiver makes the evidence
GO WITH WAIVERS, which the verdict becomes once every required role signed; an expired waiver, NO-GO again."""
from __future__ import annotations

import datetime as dt
import json

from migready.checks.inventory.load import load_inventory
from migready.checks.report import DEFAULT_ROLES
from migready.checks.review.verdict import review
from migready.checks.store.workspace import Workspace

from .labflow import lab_inventory, migready_in_ops, probe  # noqa: F401  (lab_inventory is a fixture)

SCALES = "scale-adapter/scales"


def verdict(lab, ws, *more):
    out = migready_in_ops(lab, "verdict", ws, "--format", "json", *more)
    return out.returncode, json.loads(out.stdout)


def test_regression_waiver_and_expiry(lab, lab_inventory, tmp_path):
    ws = tmp_path / "lab.migready.json"
    assert probe(lab, lab_inventory, "pre", ws).returncode == 0
    assert probe(lab, lab_inventory, "post", ws).returncode == 1

    code, result = verdict(lab, ws)
    assert code == 1 and result["verdict"] == "NO-GO"
    regressions = [r for r in result["reasons"] if r.startswith("regression:")]
    assert any(SCALES in r and "reflect" in r and "source port 9010 →" in r and "(rewritten by NAT)" in r
               for r in regressions), result["reasons"]

    # Everything a person must confirm by hand, confirmed; only the scale's items still block.
    checklist = json.loads(migready_in_ops(lab, "checklist", ws, "--format", "json").stdout)
    manual = [i["id"] for i in checklist["items"] if i["source"] in ("template", "inventory") and i["blocker"]]
    assert manual
    for item in manual:
        out = migready_in_ops(lab, "mark", ws, item, "pass", "--by", "Li Wei", "--note", "done in rehearsal")
        assert out.returncode == 0, out.stderr
    code, result = verdict(lab, ws)
    assert code == 1 and all(SCALES in r for r in result["reasons"] if not r.startswith("awaiting sign-off")), \
        result["reasons"]

    until = (dt.date.today() + dt.timedelta(days=7)).isoformat()
    out = migready_in_ops(lab, "waive", ws, SCALES, "--by", "Zhang Min (migration lead)",
                          "--reason", "TopScale confirmed firmware 3.2 accepts any source port; upgrade rolled out",
                          "--until", until)
    assert out.returncode == 0, out.stderr
    code, result = verdict(lab, ws)
    assert result["evidence_verdict"] == "GO WITH WAIVERS", result
    assert (code, result["verdict"]) == (1, "NO-GO")  # the evidence is waived; nobody has signed yet
    assert [r for r in result["reasons"] if r.startswith("awaiting")] == \
        [f"awaiting sign-off: {role}" for role in DEFAULT_ROLES]
    # The verifier's trust directory: only keys in it count, for `verdict` as for `verify` (issue 23).
    trust = tmp_path / "trust"
    roles = [arg for role in DEFAULT_ROLES for arg in ("--role", role)]
    assert migready_in_ops(lab, "trust", "init", trust, *roles).returncode == 0
    for index, role in enumerate(DEFAULT_ROLES):
        key = tmp_path / f"key{index}"
        assert migready_in_ops(lab, "keygen", "--name", f"Signer {index}", "--role", role, "--out", key,
                              "--no-passphrase").returncode == 0
        assert migready_in_ops(lab, "trust", "add", trust, f"{key}.pub").returncode == 0
        assert migready_in_ops(lab, "signoff", ws, "--key", key).returncode == 0
    code, result = verdict(lab, ws, "--trust", trust)
    assert (code, result["verdict"]) == (3, "GO WITH WAIVERS"), result
    assert all("Zhang Min" in r and until in r for r in result["reasons"])

    # The same workspace a week and a day later: the waiver has expired.
    later = dt.date.today() + dt.timedelta(days=8)
    expired = review(load_inventory(lab_inventory), Workspace.load(ws), today=later).verdict
    assert expired.verdict == "NO-GO"
    assert any("expired" in w for w in expired.warnings)
    assert any(r.startswith("regression:") and SCALES in r for r in expired.reasons)

    events = [e["action"] for e in Workspace.load(ws).events]
    assert events.count("mark") == len(manual) and events.count("waive") == 1
