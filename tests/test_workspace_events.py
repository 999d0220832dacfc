"""checks/store/events.py: one table from a workspace event to the state it makes.

What a migration lead relies on: what the workspace shows (marks, waivers,
sign-offs, attestations, the inventory it judges against) is exactly what its
hash-chained log says was done, so recording an action and replaying the log
on load can never disagree; an action nobody wrote a handler for is refused,
not silently ignored; and the inventory header cannot be swapped under the
evidence without the file being refused (issue 23).
"""
from __future__ import annotations

import hashlib
import json

import pytest

from migready.checks.store import events
from migready.checks.store.problems import InputError
from migready.checks.store.workspace import Workspace, canonical_json
from test_signing import demo_ws, migready, ws  # noqa: F401 (fixtures)

INVENTORY_DIGEST = "ab" * 32
PEER = "cd" * 32


def _run(ws: Workspace) -> dict:
    return ws.record_run({"id": "run-1", "phase": "pre", "host": "ssh://ops@old", "started": "2030-01-01T00:00:00Z",
                          "results": [{"id": "p1", "dependency": "a/b", "target": "10.0.0.1",
                                       "check": "tcp_connect", "status": "pass"}]}, by="Li Wei")


def _open_run(ws: Workspace) -> None:
    ws.start_run({"id": "run-9", "phase": "post", "host": "ssh://ops@new", "started": "2030-01-02T00:00:00Z"})


def _attest(ws: Workspace) -> None:
    _run(ws)
    ws.attest_run({"run": "run-1", "digest": ws.run_logged_digest("run-1"), "name": "Li Wei", "role": "ops",
                   "public_key": "k", "signed_at": "2030-01-01T00:02:00Z", "signature": "s"})


def _waive(ws: Workspace) -> None:
    ws.record_waiver({"scope": "item", "item": "pre.device-alarm", "reason": "vendor confirmed",
                      "until": "2030-02-01", "evidence": {}}, by="Zhang Min")


def _signoff(ws: Workspace) -> None:
    ws.add_signoff({"digest": "ef" * 32, "name": "Zhang Min", "role": "store devices", "decision": "approve",
                    "comment": "", "signed_at": "2030-01-03T00:00:00Z", "public_key": "k", "signature": "s"})


def _discovery(ws: Workspace) -> None:
    ws.add_discovery({"recorded": "2030-01-01T00:00:00Z", "inventory_digest": INVENTORY_DIGEST,
                      "observation": {"source": "ss"}, "comparison": {}}, by="Li Wei")


# Each action of the table, as the workspace records it: a new action without a recorder here fails
# test_every_action_of_the_table_is_recorded_here.
RECORDERS = {
    events.INVENTORY: lambda ws: ws.record_inventory("/srv/inventories/v2.yaml", PEER, by="Li Wei"),
    "mark": lambda ws: ws.record_mark("prepare.rollback-plan", "pass", "Li Wei", "plan v3", previous="pending"),
    "waive": _waive,
    "signoff": _signoff,
    "run-attested": _attest,
    "probe-run-started": _open_run,
    "probe-run-finished": _run,
    "discovery-recorded": _discovery,
    "workspace-saved-as": lambda ws: ws.saved_as(ws.path.with_name("copy.migready.json"), by="Li Wei"),
    "workspace-migrated": lambda ws: ws.log("migready", "workspace-migrated", from_version=1, to_version=2),
    "note": lambda ws: ws.log("Li Wei", "note", text="baseline taken"),
}


def test_every_action_of_the_table_is_recorded_here():
    assert set(RECORDERS) == set(events.APPLY)


@pytest.mark.parametrize("action", sorted(RECORDERS))
def test_recording_then_replaying_gives_the_same_state(tmp_path, action):
    ws = Workspace.new(tmp_path / "review.migready.json", "/srv/inventories/v1.yaml", INVENTORY_DIGEST)
    RECORDERS[action](ws)
    assert action in [e["action"] for e in ws.events]
    replayed = events.replay(ws.events)
    for key in ("inventory", "marks", "waivers", "signoffs", "attestations"):
        assert replayed.doc[key] == (ws.data.get(key) or type(replayed.doc[key])()), key
    assert {r["id"] for r in ws.runs} == set(replayed.started)
    assert {run: d["digest"] for run, d in replayed.finished.items()} == \
        {r["id"]: ws.run_logged_digest(r["id"]) for r in ws.runs if r.get("complete")}
    assert replayed.discoveries == {d["id"]: hashlib.sha256(canonical_json(d)).hexdigest() for d in ws.discoveries}
    ws.save()
    loaded = Workspace.load(ws.path)  # the replay on load agrees with what was recorded
    assert loaded.data == ws.data and loaded.state_problem() is None


def test_recording_an_action_without_a_handler_is_refused_and_appends_nothing(tmp_path):
    ws = Workspace.new(tmp_path / "review.migready.json", "/srv/inventories/v1.yaml", INVENTORY_DIGEST)
    before = list(ws.events)
    with pytest.raises(events.UnknownAction) as caught:
        ws.log("Mallory", "grant-go", verdict="GO")
    assert "'grant-go'" in str(caught.value) and "mark" in str(caught.value)  # names it and what is known
    assert ws.events == before


def test_a_logged_event_without_a_handler_is_refused_on_load_naming_the_event(tmp_path):
    ws = Workspace.new(tmp_path / "review.migready.json", "/srv/inventories/v1.yaml", INVENTORY_DIGEST)
    ws.record_mark("prepare.rollback-plan", "pass", "Li Wei", "plan v3", previous="pending")
    event = {"seq": 3, "at": "2030-01-01T00:00:00.000Z", "by": "Mallory", "action": "grant-go", "details": {},
             "prev": ws.events[-1]["hash"]}
    event["hash"] = events_hash(event)
    ws.events.append(event)  # chained properly: only the table can tell
    ws.save()
    with pytest.raises(InputError) as caught:
        Workspace.load(ws.path)
    assert "event 3 (grant-go by Mallory" in str(caught.value) and "does not know" in str(caught.value)


def events_hash(event: dict) -> str:
    from migready.checks.store.workspace import event_hash
    return event_hash(event)


# ------------------------------------------------------------------ the inventory is inside the chain

def test_a_new_workspace_logs_its_inventory_and_a_replacement_is_logged_too(tmp_path):
    ws = Workspace.new(tmp_path / "review.migready.json", "/srv/inventories/v1.yaml", INVENTORY_DIGEST)
    assert ws.events[0]["action"] == events.INVENTORY
    assert ws.events[0]["details"] == {"path": "/srv/inventories/v1.yaml", "digest": INVENTORY_DIGEST}
    ws.record_inventory("/srv/inventories/v2.yaml", PEER, by="Li Wei")
    assert ws.inventory_ref == {"path": "/srv/inventories/v2.yaml", "digest": PEER}
    assert not ws.inventory_changed(PEER) and ws.inventory_changed(INVENTORY_DIGEST)
    ws.save()
    assert Workspace.load(ws.path).inventory_ref == {"path": "/srv/inventories/v2.yaml", "digest": PEER}


@pytest.mark.parametrize("edit", [
    {"digest": PEER},
    {"path": "/tmp/mallory.yaml"},
    {"path": "/tmp/mallory.yaml", "digest": PEER},
])
def test_an_inventory_header_edited_by_hand_is_refused(tmp_path, edit):
    """The attacker edits the header and leaves every hash as it was (nothing in the chain changes)."""
    ws = Workspace.new(tmp_path / "review.migready.json", "/srv/inventories/v1.yaml", INVENTORY_DIGEST)
    ws.record_mark("prepare.rollback-plan", "pass", "Li Wei", "plan v3", previous="pending")
    ws.save()
    data = json.loads(ws.path.read_text(encoding="utf-8"))
    data["inventory"].update(edit)
    ws.path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        Workspace.load(ws.path)
    said = str(caught.value)
    assert "inventory" in said and "/srv/inventories/v1.yaml" in said and "edited by hand" in said


def test_a_workspace_from_before_the_inventory_was_logged_is_refused_until_upgraded(tmp_path):
    """A file whose header was never logged cannot be told from a swapped one: `upgrade` records it as
    found (once, in the log), and from then on the header is held to the chain."""
    path = tmp_path / "old.migready.json"
    ws = Workspace.new(path)
    ws.data["inventory"] = {"path": "/srv/inventories/v1.yaml", "digest": INVENTORY_DIGEST}
    ws.record_mark("prepare.rollback-plan", "pass", "Li Wei", "plan v3", previous="pending")
    ws.save()
    with pytest.raises(InputError) as caught:
        Workspace.load(path)
    assert "migready upgrade" in str(caught.value)
    upgraded = Workspace.upgrade(path, by="Li Wei")
    assert upgraded == (2, 2) and upgraded.inventory_recorded["path"] == "/srv/inventories/v1.yaml"
    loaded = Workspace.load(path)
    assert loaded.events[-1]["action"] == events.INVENTORY and loaded.events[-1]["by"] == "Li Wei"
    assert loaded.events[-1]["details"] == {"path": "/srv/inventories/v1.yaml", "digest": INVENTORY_DIGEST,
                                            "as_found": True}
    again = Workspace.upgrade(path)
    assert again == (2, 2) and again.inventory_recorded is None and len(Workspace.load(path).events) == len(loaded.events)


def test_swapping_the_inventory_under_the_evidence_makes_the_verdict_refuse_the_workspace(ws, tmp_path):
    """Issue 23: an insider points the workspace at another inventory (one the evidence was not taken
    against) and writes that inventory's digest into the header, so no "inventory changed" warning
    shows.  The verdict must refuse the file (exit 2) and say why."""
    data = json.loads(ws.read_text(encoding="utf-8"))
    original = data["inventory"]["path"]
    swapped = tmp_path / "swapped.yaml"
    swapped.write_bytes(open(original, "rb").read() + b"\n# nothing to see here\n")
    data["inventory"] = {"path": str(swapped), "digest": hashlib.sha256(swapped.read_bytes()).hexdigest()}
    ws.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = migready("verdict", ws)
    assert out.returncode == 2, out.stdout + out.stderr
    assert "inventory" in out.stderr and "edited by hand" in out.stderr and original in out.stderr


def test_upgrading_a_file_whose_log_holds_an_unknown_action_is_refused_with_the_event_named(tmp_path):
    path = tmp_path / "old.migready.json"
    ws = Workspace.new(path)
    ws.data["inventory"] = {"path": "/srv/inventories/v1.yaml", "digest": INVENTORY_DIGEST}  # header not logged
    event = {"seq": 1, "at": "2030-01-01T00:00:00.000Z", "by": "Mallory", "action": "grant-go", "details": {},
             "prev": "0" * 64}
    event["hash"] = events_hash(event)
    ws.events.append(event)
    ws.save()
    with pytest.raises(InputError) as caught:
        Workspace.upgrade(path)
    assert "event 1 (grant-go by Mallory" in str(caught.value)
    out = migready("upgrade", path)
    assert out.returncode == 2 and "grant-go" in out.stderr and "Traceback" not in out.stderr


def test_migready_upgrade_says_it_recorded_the_inventory_as_found(tmp_path):
    path = tmp_path / "old.migready.json"
    ws = Workspace.new(path)
    ws.data["inventory"] = {"path": "/srv/inventories/v1.yaml", "digest": INVENTORY_DIGEST}
    ws.record_mark("prepare.rollback-plan", "pass", "Li Wei", "plan v3", previous="pending")
    ws.save()
    assert migready("verdict", path).returncode == 2  # refused until then
    out = migready("upgrade", path, "--by", "Li Wei")
    assert out.returncode == 0 and "/srv/inventories/v1.yaml" in out.stdout and "as found" in out.stdout
    assert Workspace.load(path).events[-1]["action"] == events.INVENTORY


def test_the_report_appendix_names_the_inventory_the_log_recorded(ws, tmp_path):
    """What a lead reads at the end of the report: which inventory the evidence was logged against."""
    out = tmp_path / "report.md"
    assert migready("report", ws, "--format", "md", "--out", out).returncode == 0
    inventory = json.loads(ws.read_text(encoding="utf-8"))["inventory"]
    assert f"inventory {inventory['path']} recorded (digest {inventory['digest']})" in out.read_text(encoding="utf-8")
