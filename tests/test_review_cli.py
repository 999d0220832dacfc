"""`migready compare | checklist | verdict | mark | waive` as CI pipelines and people use them:
a real subprocess, exit codes, JSON on stdout, one-line errors on stderr, no tracebacks.

`verdict` exits 0 GO, 3 GO WITH WAIVERS, 1 NO-GO, 2 bad input; the others 0 or 2.
Workspaces are written directly (a workspace is JSON) with `inventory.path` pointing at a
small inventory in tmp_path: a scale that checks source port 9010 and a label printer.
"""
from __future__ import annotations

import datetime as dt
import json

import pytest

from cliproc import migready

from migready.checks.review.checklist import build_checklist
from migready.checks.review.compare import compare_runs
from migready.checks.inventory.load import load_inventory
from migready.checks.review.verdict import mark
from migready.checks.store.workspace import Workspace

SCALE, PRINTER = "scale-adapter/scale", "scale-adapter/printer"
REFLECTOR = "10.128.0.10:3478"
REWRITTEN = "source port 9010 → 41733 (rewritten by NAT)"
UNTIL = (dt.date.today() + dt.timedelta(days=14)).isoformat()

INVENTORY = """\
version: 1
migration:
  name: scale adapter to new IDC
  source: {site: old-idc, staging_hosts: ["ssh://ops@10.20.1.15:22"]}
  target: {site: new-idc, egress_nat: true, staging_hosts: ["local://"]}
zones:
  - name: store-lan
    kind: store
    cidrs: [10.128.0.0/12]
    reflectors: [{host: 10.128.0.10, port: 3478, protocols: [udp, tcp]}]
services:
  - name: scale-adapter
    owner: store-devices
    dependencies:
      - {name: scale, kind: device, device_type: scale, protocol: udp, host: 10.128.4.21, port: 5002,
         source_port: 9010, requires: [reachable, source_port_preserved, no_nat]}
      - {name: printer, kind: device, device_type: printer, protocol: tcp, host: 10.128.4.22, port: 9100,
         requires: [reachable]}
signoff: {roles: [migration lead]}
"""


def no_traceback(out):
    assert "Traceback" not in out.stderr and "Traceback" not in out.stdout, out.stderr


# ------------------------------------------------------------------ workspaces


def stamp(minutes):
    moment = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=minutes)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def result(check, dependency, target, proves, status="pass", **extra):
    r = {"id": f"p-{check}", "dependency": dependency, "target": target, "check": check, "proves": proves,
         "status": status, "reason": {"pass": "connected", "fail": "refused", "inconclusive": "silent"}[status],
         "detail": "", "latency_ms": 1.0 if status == "pass" else None, "started": stamp(-200), "data": {}}
    r.update(extra)
    return r


def reflect(port_preserved=True):
    local, observed = {"ip": "198.18.2.2", "port": 9010}, {"ip": "198.18.2.2", "port": 9010 if port_preserved else 41733}
    data = {"local": local, "observed": observed, "proto": "udp", "nat": False, "port_preserved": port_preserved}
    return result("reflect", SCALE, REFLECTOR, ["source_port_preserved", "no_nat"], data=data, local=local,
                  observed=observed, nat=False, port_preserved=port_preserved)


def run(phase, rid, minutes, port_preserved=True):
    return {"id": rid, "phase": phase, "host": "local://", "started": stamp(minutes), "finished": stamp(minutes + 2),
            "complete": True, "error": None, "results": [
                result("host_facts", None, None, ["host_facts"], data={"hostname": f"{phase}-host"}),
                result("udp_exchange", SCALE, "10.128.4.21", ["reachable", "within_timeout"]),
                reflect(port_preserved),
                result("tcp_connect", PRINTER, "10.128.4.22", ["reachable", "within_timeout"]),
            ]}


@pytest.fixture
def inventory_path(tmp_path):
    path = tmp_path / "inventory.yaml"
    path.write_text(INVENTORY, encoding="utf-8")
    return path


@pytest.fixture
def make_ws(tmp_path, inventory_path):
    """A saved workspace: baseline and post-move runs, the manual blocker items confirmed."""
    def make(port_preserved=True, manual_done=True, name="review.migready.json"):
        inventory = load_inventory(inventory_path)
        ws = Workspace.new(tmp_path / name, str(inventory_path), inventory.digest)
        for r in (run("pre", "run-1", -180), run("post", "run-2", -120, port_preserved)):
            ws.record_run(r)
        if manual_done:
            checklist = build_checklist(inventory, ws)
            for item in checklist.items:
                if item.source in ("template", "inventory") and item.blocker:
                    mark(ws, checklist, item.id, "pass", "Li Wei", "done in the rehearsal")
        ws.save()
        return ws.path
    return make


def verdict_json(path, **kw):
    out = migready("verdict", path, "--format", "json", **kw)
    no_traceback(out)
    return out.returncode, json.loads(out.stdout)


# ------------------------------------------------------------------ verdict exit codes


@pytest.fixture(autouse=True)
def trust_dir(tmp_path, monkeypatch):
    """The trust directory `verdict` reads, as `verify` does (a signature by a key not in it never counts)."""
    trust = tmp_path / "trust"
    trust.mkdir()
    monkeypatch.setenv("MIGREADY_TRUST_DIR", str(trust))
    return trust


def sign(path, tmp_path):
    """The one required role (the inventory's signoff.roles) approves the current content."""
    import os
    import shutil
    key = tmp_path / "lead-key"
    if not key.exists():
        assert migready("keygen", "--name", "Zhang Min", "--role", "migration lead", "--out", key,
                        "--no-passphrase").returncode == 0
        shutil.copyfile(f"{key}.pub", os.path.join(os.environ["MIGREADY_TRUST_DIR"], "lead-key.pub"))
    out = migready("signoff", path, "--key", key)
    assert out.returncode == 0, out.stderr


def test_verdict_go_exits_0(make_ws, tmp_path):
    path = make_ws()
    code, v = verdict_json(path)
    assert (code, v["verdict"], v["evidence_verdict"]) == (1, "NO-GO", "GO")
    assert v["reasons"][0] == "awaiting sign-off: migration lead"
    sign(path, tmp_path)
    code, v = verdict_json(path, cwd=tmp_path.parent)  # from another directory
    assert code == 0 and v["verdict"] == "GO"
    assert len(v["reasons"]) == 1 and v["reasons"][0].endswith("blocker items pass; no regression")
    assert v["warnings"] == [] and v["counts"]["regressions"] == 0

    out = migready("verdict", path)
    assert out.returncode == 0 and out.stdout.splitlines()[0] == "GO"


def test_verdict_no_go_exits_1_with_every_reason(make_ws):
    path = make_ws(port_preserved=False)
    code, v = verdict_json(path)
    assert code == 1 and v["verdict"] == "NO-GO"
    assert f"regression: {SCALE} reflect {REFLECTOR}: {REWRITTEN}" in v["reasons"]
    assert f"blocker failed: req:{SCALE}:source_port_preserved: {REWRITTEN}" in v["reasons"]

    out = migready("verdict", path)
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    assert lines[0].startswith("NO-GO: ") and "root cause" in lines[0]
    # the text groups by root cause (every reason stays in --format json above)
    [scale] = [line for line in lines if line[:1].isdigit() and "source port 9010 rewritten by NAT" in line]
    assert scale.startswith("1. [FAILED] ")
    assert any(line.strip().startswith(f"reflector {REFLECTOR} from port 9010: pre ") for line in lines)
    causes = v["root_causes"]
    assert causes[0]["headline"] == scale.split("] ", 1)[1] and f"req:{SCALE}:source_port_preserved" in causes[0]["items"]
    assert v["tally"]["root_causes"] == len(causes) == sum(1 for line in lines if line[:1].isdigit())


def test_verdict_no_runs_exits_1(tmp_path, inventory_path):
    ws = Workspace.new(tmp_path / "empty.migready.json", str(inventory_path), "")
    ws.save()
    code, v = verdict_json(ws.path)
    assert code == 1 and "blocker pending: run.post: no run yet" in v["reasons"]


def test_waive_then_verdict_exits_3(make_ws):
    path = make_ws(port_preserved=False)
    out = migready("waive", path, SCALE, "--by", "Zhang Min", "--reason", "TopScale firmware 3.2 accepts any port",
                   "--until", UNTIL)
    assert out.returncode == 0, out.stderr
    sign(path, path.parent)
    code, v = verdict_json(path)
    assert code == 3 and v["verdict"] == "GO WITH WAIVERS"
    assert v["reasons"] and all("Zhang Min" in r and UNTIL in r and "TopScale firmware 3.2" in r
                                for r in v["reasons"])


def test_verdict_missing_workspace_exits_2(tmp_path):
    path = tmp_path / "nope.migready.json"
    for fmt in ("text", "json"):
        out = migready("verdict", path, "--format", fmt)
        assert out.returncode == 2
        assert f"{path}: cannot read workspace" in out.stderr
        assert out.stdout == ""
        no_traceback(out)


def test_verdict_truncated_workspace_exits_2_and_points_at_bak(make_ws):
    path = make_ws()
    Workspace.load(path).save()  # a second save: the first version is now the .bak
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 3], encoding="utf-8")
    for command in ("verdict", "checklist", "compare"):
        out = migready(command, path)
        assert out.returncode == 2, command
        assert str(path) in out.stderr and "not valid JSON" in out.stderr
        assert f"{path}.bak" in out.stderr
        assert out.stdout == ""
        no_traceback(out)


def test_verdict_workspace_with_edited_log_exits_2(make_ws):
    path = make_ws()
    data = json.loads(path.read_text(encoding="utf-8"))
    data["events"][1]["by"] = "Mallory"  # the first event after the inventory's
    path.write_text(json.dumps(data), encoding="utf-8")
    out = migready("verdict", path)
    assert out.returncode == 2
    assert f"{path}: event log: event 2 (probe-run-started by Mallory" in out.stderr and "edited" in out.stderr
    no_traceback(out)


def test_verdict_workspace_whose_inventory_is_gone_exits_2(make_ws, inventory_path):
    path = make_ws()
    inventory_path.unlink()
    out = migready("verdict", path)
    assert out.returncode == 2 and str(inventory_path) in out.stderr
    no_traceback(out)


def test_verdict_on_an_inventory_instead_of_a_workspace_exits_2(inventory_path):
    out = migready("verdict", inventory_path)
    assert out.returncode == 2 and str(inventory_path) in out.stderr
    no_traceback(out)


def test_verdict_damaged_v1_workspace_exits_2(tmp_path, inventory_path):
    path = tmp_path / "old.migready.json"
    path.write_text(json.dumps({"format": "migready-workspace", "schema_version": 1, "runs": [], "events": None,
                                "inventory": {"path": str(inventory_path), "digest": ""}}), encoding="utf-8")
    out = migready("verdict", path)
    no_traceback(out)
    assert out.returncode == 2 and str(path) in out.stderr


def test_verdict_impossible_waiver_date_exits_2(make_ws):
    path = make_ws(port_preserved=False)
    assert migready("waive", path, SCALE, "--by", "Zhang Min", "--reason", "ok", "--until", UNTIL).returncode == 0
    data = json.loads(path.read_text(encoding="utf-8"))
    data["waivers"][0]["until"] = "2030-02-30"
    path.write_text(json.dumps(data), encoding="utf-8")
    out = migready("verdict", path)
    no_traceback(out)
    assert out.returncode == 2 and "waivers[0].until" in out.stderr


# ------------------------------------------------------------------ mark


def test_mark_persists_and_is_logged(make_ws):
    path = make_ws(manual_done=False)
    before = len(Workspace.load(path).events)
    out = migready("mark", path, "prepare.rollback-plan", "pass", "--by", "Li Wei", "--reason", "plan v3 in the wiki",
                   "--format", "json")
    assert out.returncode == 0, out.stderr
    printed = json.loads(out.stdout)
    assert (printed["state"], printed["by"], printed["note"]) == ("pass", "Li Wei", "plan v3 in the wiki")

    ws = Workspace.load(path)
    assert ws.marks["prepare.rollback-plan"] == printed
    event = ws.events[-1]
    assert len(ws.events) == before + 1
    assert (event["by"], event["action"]) == ("Li Wei", "mark")
    assert event["details"] == {"item": "prepare.rollback-plan", "state": "pass", "note": "plan v3 in the wiki",
                                "previous": "pending"}
    assert path.with_name(path.name + ".bak").exists()

    items = {i["id"]: i for i in json.loads(migready("checklist", path, "--format", "json").stdout)["items"]}
    assert items["prepare.rollback-plan"]["state"] == "pass"


def test_mark_and_waive_print_a_sentence_and_accept_the_old_flag_names(make_ws):
    path = make_ws(port_preserved=False)
    out = migready("mark", path, "prepare.rollback-plan", "pass", "--by", "Li Wei", "--note", "plan v3")
    assert out.returncode == 0, out.stderr
    assert out.stdout == f"marked prepare.rollback-plan PASS by Li Wei: plan v3; saved in {path}\n"
    out = migready("waive", path, SCALE, "--by", "Zhang Min", "--reason", "vendor confirmed", "--until", UNTIL)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(f"waiver W1: {SCALE} waived until {UNTIL} by Zhang Min: vendor confirmed")
    assert Workspace.load(path).marks["prepare.rollback-plan"]["note"] == "plan v3"


@pytest.mark.parametrize("args, message", [
    (["prepare.rollbackplan", "pass", "--by", "Li Wei", "--reason", "n"],
     "error: no checklist item 'prepare.rollbackplan'; did you mean 'prepare.rollback-plan'? "
     "(see `migready checklist`)"),
    (["prepare.rollback-plan", "pass", "--by", "Li Wei", "--reason", ""],
     "error: a manual change needs a name (--by) and a reason (--reason)"),
    (["prepare.rollback-plan", "pass", "--by", " ", "--reason", "n"],
     "error: a manual change needs a name (--by) and a reason (--reason)"),
    (["prepare.rollback-plan", "done", "--by", "Li Wei", "--reason", "n"], "invalid choice: 'done'"),
    (["prepare.rollback-plan", "pass", "--reason", "n"], "the following arguments are required: --by"),
    (["prepare.rollback-plan", "pass", "--by", "Li Wei"], "the following arguments are required: --reason"),
], ids=["unknown-item", "empty-note", "blank-by", "bad-state", "no-by", "no-note"])
def test_mark_rejects_bad_input_and_changes_nothing(make_ws, args, message):
    path = make_ws(manual_done=False)
    before = path.read_bytes()
    out = migready("mark", path, *args)
    assert out.returncode == 2 and message in out.stderr and out.stdout == ""
    no_traceback(out)
    assert path.read_bytes() == before


# ------------------------------------------------------------------ waive


def test_waive_item_persists_and_is_logged(make_ws):
    path = make_ws(port_preserved=False)
    item = f"req:{SCALE}:source_port_preserved"
    out = migready("waive", path, item, "--by", "Zhang Min", "--reason", "vendor confirmed", "--until", UNTIL,
                   "--format", "json")
    assert out.returncode == 0, out.stderr
    printed = json.loads(out.stdout)
    ws = Workspace.load(path)
    [waiver] = ws.waivers
    assert waiver == printed
    assert (waiver["id"], waiver["scope"], waiver["item"], waiver["by"], waiver["reason"], waiver["until"]) == \
        ("W1", "item", item, "Zhang Min", "vendor confirmed", UNTIL)
    assert waiver["evidence"]["state"] == "fail" and waiver["evidence"]["text"] == REWRITTEN
    event = ws.events[-1]
    assert (event["by"], event["action"], event["details"]["waiver"]) == ("Zhang Min", "waive", waiver)

    items = {i["id"]: i for i in json.loads(migready("checklist", path, "--format", "json").stdout)["items"]}
    assert items[item]["state"] == "waived" and items[item]["waiver"]["id"] == "W1"


PAST = (dt.date.today() - dt.timedelta(days=1)).isoformat()


@pytest.mark.parametrize("args, message", [
    ([SCALE, "--by", "Zhang Min", "--reason", "", "--until", UNTIL], "error: a waiver needs a justification (--reason)"),
    ([SCALE, "--by", "", "--reason", "ok", "--until", UNTIL], "error: a waiver needs the name of who grants it (--by)"),
    ([SCALE, "--by", "Zhang Min", "--reason", "ok", "--until", "31/01/2030"],
     "error: --until must be a date YYYY-MM-DD, not '31/01/2030'"),
    ([SCALE, "--by", "Zhang Min", "--reason", "ok", "--until", PAST], f"error: --until {PAST} is already past"),
    (["scale-adapter/scales", "--by", "Zhang Min", "--reason", "ok", "--until", UNTIL],
     "error: 'scale-adapter/scales' is neither a checklist item nor a dependency; did you mean "
     "'scale-adapter/scale'? (see `migready checklist`)"),
    ([SCALE, "--by", "Zhang Min", "--until", UNTIL], "the following arguments are required: --reason"),
], ids=["empty-reason", "empty-by", "bad-date", "past-date", "unknown-target", "no-reason"])
def test_waive_rejects_bad_input_and_changes_nothing(make_ws, args, message):
    path = make_ws(port_preserved=False)
    before = path.read_bytes()
    out = migready("waive", path, *args)
    assert out.returncode == 2 and message in out.stderr and out.stdout == ""
    no_traceback(out)
    assert path.read_bytes() == before


def test_waive_with_a_compact_date_never_leaves_an_unloadable_workspace(make_ws):
    path = make_ws(port_preserved=False)
    compact = UNTIL.replace("-", "")
    out = migready("waive", path, SCALE, "--by", "Zhang Min", "--reason", "ok", "--until", compact)
    if out.returncode == 2:
        return  # rejected up front: fine
    assert out.returncode == 0
    later = migready("verdict", path)  # the workspace must still load
    no_traceback(later)
    assert later.returncode == 3, later.stderr


# ------------------------------------------------------------------ checklist and compare


def test_checklist_json_lists_items_with_id_phase_state(make_ws):
    path = make_ws(port_preserved=False)
    out = migready("checklist", path, "--format", "json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    items = doc["items"]
    assert items and all({"id", "phase", "state", "title", "blocker", "evidence"} <= set(i) for i in items)
    assert {i["phase"] for i in items} <= {"prepare", "pre-migration", "cutover", "post-migration", "sign-off"}
    by_id = {i["id"]: i for i in items}
    assert len(by_id) == len(items)  # ids are unique
    assert by_id[f"req:{SCALE}:source_port_preserved"]["state"] == "fail"
    assert by_id[f"req:{SCALE}:source_port_preserved"]["evidence"] == REWRITTEN
    assert by_id[f"req:{PRINTER}:reachable"]["state"] == "pass"
    assert by_id["prepare.rollback-plan"]["state"] == "pass"  # marked by make_ws
    assert by_id["run.pre"]["phase"] == "pre-migration" and by_id["run.post"]["phase"] == "post-migration"
    assert doc["counts"]["fail"] == sum(1 for i in items if i["state"] == "fail") >= 2


def test_checklist_text_groups_by_phase(make_ws):
    path = make_ws(port_preserved=False)
    out = migready("checklist", path)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert text.index("== prepare ==") < text.index("== pre-migration ==") < text.index("== post-migration ==")
    assert f"[FAIL   ] blocker req:{SCALE}:source_port_preserved" in text
    assert f"evidence: {REWRITTEN}" in text


def test_compare_json_round_trips(make_ws):
    path = make_ws(port_preserved=False)
    out = migready("compare", path, "--format", "json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    ws = Workspace.load(path)
    expected = compare_runs(ws.runs[0], ws.runs[1]).to_dict()
    assert doc == json.loads(json.dumps(expected))
    assert doc["pre_run"]["id"] == "run-1" and doc["post_run"]["id"] == "run-2"
    assert doc["regressions"] == 1
    [regression] = [c for c in doc["changes"] if c["regression"]]
    assert regression["dependency"] == SCALE and regression["check"] == "reflect"
    assert regression["notes"] == [{"kind": "port_rewritten", "severity": "regression", "text": REWRITTEN}]


def test_compare_text_names_the_regression(make_ws):
    path = make_ws(port_preserved=False)
    out = migready("compare", path)
    assert out.returncode == 0, out.stderr
    assert f"[regression] {REWRITTEN}" in out.stdout
    assert "checks compared: 1 regression, " in out.stdout and "Regressions" not in out.stdout  # said once
