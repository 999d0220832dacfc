"""checks/store/workspace.py: the run file a readiness review lives in.

What a migration lead relies on: whatever happens to the process writing it
(Ctrl-C, OOM killer, a laptop lid), the workspace on disk is the old or the
new version, never half of one; a damaged file says which file and points at
the `.bak`; a file from a newer migready is refused, not misread; an event log
edited by hand is caught and the event named; and workspaces written by the
first version (schema 1) still open.
"""
from __future__ import annotations

import json
import os
import random
import signal
import stat
import subprocess
import sys
import textwrap
import time

import pytest

from migready.checks.store.problems import InputError
from migready.checks.store.workspace import (FORMAT, GENESIS, SCHEMA_VERSION, Workspace, WorkspaceConflict, event_hash)


def bak(path):
    return path.with_name(path.name + ".bak")


def message(exc_info) -> str:
    return str(exc_info.value)


def logged_workspace(tmp_path, name="review.migready.json"):
    """A saved workspace with a realistic event log: a probe run, two marks and a waiver."""
    ws = Workspace.new(tmp_path / name, "/srv/inv.yaml", "ab" * 32)
    ws.log("migready", "probe-run-started", run="run-1", phase="pre", host="ssh://ops@old")
    ws.log("Li Wei", "mark", item="prepare.rollback-plan", state="pass", note="plan v3 in the wiki",
           previous="pending")
    waiver = {"id": "W1", "scope": "dependency", "dependency": "scale-adapter/scale", "by": "Zhang Min",
              "reason": "vendor confirmed", "until": "2030-02-01", "granted": "2026-11-01T00:00:00.000Z",
              "evidence": {}}
    ws.log("Zhang Min", "waive", waiver=waiver)
    ws.log("Li Wei", "mark", item="pre.device-alarm", state="pass", note="alarm 4711", previous="pending")
    ws.save()
    return ws


def edit_file(path, change):
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")


# ------------------------------------------------------------------ round trip and .bak


def test_new_save_load_round_trip(tmp_path):
    path = tmp_path / "review.migready.json"
    ws = Workspace.new(path, "/srv/inventories/scale.yaml", "cd" * 32)
    ws.record_run({"id": "run-1", "phase": "pre", "host": "ssh://ops@old", "started": "2030-01-01T00:00:00.000Z",
                    "finished": "2030-01-01T00:01:00.000Z", "complete": True, "error": None,
                    "results": [{"id": "p1", "dependency": "a/b", "target": "10.0.0.1", "check": "tcp_connect",
                                 "status": "pass", "latency_ms": 1.2, "note": "秤 171"}]}, by="Li Wei")
    ws.save()

    loaded = Workspace.load(path)
    assert loaded.data == ws.data  # nothing lost or added, non-ASCII included
    assert loaded.data["format"] == FORMAT and loaded.data["schema_version"] == SCHEMA_VERSION
    assert loaded.data["inventory"] == {"path": "/srv/inventories/scale.yaml", "digest": "cd" * 32}
    assert loaded.runs[0]["results"][0]["note"] == "秤 171"
    assert loaded.marks == {} and loaded.waivers == [] and loaded.data["signoffs"] == []
    assert [e["action"] for e in loaded.events] == ["inventory-recorded", "probe-run-started", "probe-run-finished"]
    assert loaded.chain_problem() is None
    assert "updated" in loaded.data


def test_every_save_keeps_the_previous_file_as_bak(tmp_path):
    path = tmp_path / "review.migready.json"
    ws = Workspace.new(path)
    ws.save()
    assert not bak(path).exists()  # nothing to keep the first time
    first = path.read_bytes()

    ws.log("Li Wei", "note", item="x", state="pass", note="n", previous="pending")
    ws.save()
    second = path.read_bytes()
    assert bak(path).read_bytes() == first

    ws.log("Li Wei", "note", item="y", state="pass", note="n", previous="pending")
    ws.save()
    assert bak(path).read_bytes() == second
    assert len(Workspace.load(bak(path)).events) == 1 and len(Workspace.load(path).events) == 2
    # no temp files left over; the sidecar lock file stays (writers take turns on it)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, bak(path).name, path.name + ".lock"])


def test_save_keeps_the_file_permissions(tmp_path):
    """A workspace shared by a team (group read/write) must stay readable by the team after a save."""
    path = tmp_path / "review.migready.json"
    ws = Workspace.new(path)
    ws.save()
    os.chmod(path, 0o664)
    ws.log("Li Wei", "note", item="x", state="pass", note="n", previous="pending")
    ws.save()
    assert stat.S_IMODE(path.stat().st_mode) == 0o664


# ------------------------------------------------------------------ crash safety

WRITER = textwrap.dedent("""
    import sys
    from migready.checks.store.workspace import Workspace

    path, size, disk = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if disk == "slow":  # a slow disk: the new version sits in the temp file for a while before the rename
        import os, stat, time
        real_fsync = os.fsync

        def slow_fsync(fd):
            if stat.S_ISREG(os.fstat(fd).st_mode):
                print("writing", flush=True)
                time.sleep(0.3)
            real_fsync(fd)
        os.fsync = slow_fsync
    ws = Workspace.load(path)
    gen = max((int(r["id"].split("-")[1]) for r in ws.runs), default=0)
    print("ready", flush=True)
    while True:
        gen += 1
        results = [{"id": f"p{i}", "dependency": "scale-adapter/scales", "target": f"10.128.{i // 250}.{i % 250}",
                    "check": "udp_exchange", "proves": ["reachable"], "status": "pass", "reason": "answered",
                    "detail": "OK TSCALE/1 " + "x" * 40, "latency_ms": 1.5, "started": "2030-01-01T00:00:00.000Z",
                    "data": {"generation": gen}} for i in range(size)]
        ws.runs.append({"id": f"run-{gen}", "phase": "post", "host": "local://", "started": "2030-01-01",
                        "finished": "2030-01-01", "complete": True, "error": None, "planned": size,
                        "results": results})
        del ws.runs[:-2]  # keep the file a steady ~1.5 MB
        ws.log("writer", "probe-run-started", run=f"run-{gen}")
        ws.save()
        print("saved", flush=True)
""")


def generation(ws) -> int:
    return max((int(r["id"].split("-")[1]) for r in ws.runs), default=0)


def check_whole(ws, size):
    """Every run is exactly as written: all its results, the same generation throughout."""
    for run in ws.runs:
        assert len(run["results"]) == run["planned"] == size
        gen = int(run["id"].split("-")[1])
        assert {r["data"]["generation"] for r in run["results"]} == {gen}
    assert ws.chain_problem() is None
    assert ws.events and ws.events[-1]["details"]["run"] == f"run-{generation(ws)}"


def test_sigkill_during_saves_never_leaves_half_a_workspace(tmp_path):
    """A writer that saves a large run in a loop is SIGKILLed at random moments, 20 times over.

    After every kill `Workspace.load` accepts the file (and its `.bak`), the content is one
    complete version, and it is never older than what a previous round left.  Every other
    round simulates a slow disk (fsync takes 300 ms) and kills while the new version is
    being written, so that case is hit for sure, not by luck; the temp files those kills
    leave behind prove it.
    """
    size = 2000
    path = tmp_path / "review.migready.json"
    ws = Workspace.new(path)
    ws.log("Li Wei", "note")
    ws.save()
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    rng = random.Random(20300101)
    last = 0
    for round_ in range(20):
        disk = "slow" if round_ % 2 else "fast"
        writer = subprocess.Popen([sys.executable, str(script), str(path), str(size), disk],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert writer.stdout.readline().strip() == "ready", writer.stderr.read()
            if disk == "slow":  # kill while the new version is in the temp file
                assert writer.stdout.readline().strip() == "writing", writer.stderr.read()
                time.sleep(rng.uniform(0.0, 0.2))
            else:  # kill anywhere: serialising, writing, renaming, linking the .bak
                # after one whole save, so that a loaded machine (CI runs this beside other
                # tests) still moves the generation on, and `last >= 5` below tests the kills
                assert writer.stdout.readline().strip() == "saved", writer.stderr.read()
                time.sleep(rng.uniform(0.0, 0.4))
            assert writer.poll() is None, f"writer died on its own: {writer.stderr.read()}"
            writer.send_signal(signal.SIGKILL)
            writer.wait(timeout=30)
        finally:
            if writer.poll() is None:
                writer.kill()
                writer.wait()
            writer.stdout.close()
            writer.stderr.close()
        assert writer.returncode == -signal.SIGKILL

        ws = Workspace.load(path)  # never half a file
        check_whole(ws, size)
        assert generation(ws) >= last  # a kill never rolls the file back
        last = generation(ws)
        if bak(path).exists():  # may be missing for an instant between unlink and link
            previous = Workspace.load(bak(path))
            if previous.runs:
                check_whole(previous, size)
            assert generation(previous) <= last
    assert last >= 5, "the writer hardly ever saved: the kills did not test anything"
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert leftovers, "no kill landed while a new version was being written"
    assert all(p.startswith(f".{path.name}.") for p in leftovers)


# ------------------------------------------------------------------ damaged or foreign files


def test_truncated_file_names_file_says_truncated_and_points_at_bak(tmp_path):
    ws = logged_workspace(tmp_path)
    ws.save()  # second save: a .bak now exists
    text = ws.path.read_text(encoding="utf-8")
    ws.path.write_text(text[: len(text) // 2], encoding="utf-8")
    good_backup = bak(ws.path).read_bytes()

    with pytest.raises(InputError) as caught:
        Workspace.load(ws.path)
    text = message(caught)
    assert text.startswith(f"{ws.path}:")  # file:line:col of where parsing stopped
    [problem] = caught.value.problems
    assert problem.file == str(ws.path) and problem.line > 1
    assert "not valid JSON" in text and "truncated" in text
    assert f"previous good copy is {bak(ws.path)}" in text
    assert bak(ws.path).read_bytes() == good_backup  # the backup is left alone
    assert Workspace.load(bak(ws.path)).events == ws.events


def test_truncated_file_without_bak_does_not_mention_one(tmp_path):
    path = tmp_path / "review.migready.json"
    Workspace.new(path).save()
    assert not bak(path).exists()
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(InputError) as caught:
        Workspace.load(path)
    assert str(path) in message(caught) and "not valid JSON" in message(caught)
    assert ".bak" not in message(caught)


def test_missing_file_is_an_input_error_naming_it(tmp_path):
    path = tmp_path / "nope.migready.json"
    with pytest.raises(InputError) as caught:
        Workspace.load(path)
    assert str(path) in message(caught) and "cannot read workspace" in message(caught)


@pytest.mark.parametrize("content", [
    '{"name": "scale adapter", "services": []}',
    '[1, 2, 3]',
    '{"format": "migready-report", "schema_version": 2}',
], ids=["other-json-object", "json-array", "other-format"])
def test_json_that_is_not_a_workspace(tmp_path, content):
    path = tmp_path / "inventory.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        Workspace.load(path)
    assert message(caught) == f'{path}: not a migready workspace (no "format": "migready-workspace")'


@pytest.mark.parametrize("version", [3, 99, "2", None, 0, True])
def test_schema_version_not_understood(tmp_path, version):
    path = tmp_path / "review.migready.json"
    ws = Workspace.new(path)
    ws.data["schema_version"] = version
    ws.save()
    with pytest.raises(InputError) as caught:
        Workspace.load(path)
    assert message(caught).startswith(f"{path}: workspace schema version {version!r} is not one this migready "
                                      f"understands (1 to {SCHEMA_VERSION})")
    if version in (3, 99):
        assert "newer migready" in message(caught)


def test_schema_violation_names_the_field(tmp_path):
    path = tmp_path / "review.migready.json"
    ws = Workspace.new(path)
    ws.data["waivers"].append({"id": "W1", "scope": "item", "item": "x", "by": "", "reason": "r",
                               "until": "2030-02-01", "granted": "g", "evidence": {}})
    ws.save()
    with pytest.raises(InputError) as caught:
        Workspace.load(path)
    [problem] = caught.value.problems
    assert problem.file == str(path) and problem.path == "waivers[0].by"


# ------------------------------------------------------------------ the hash-chained event log


def test_log_chains_events(tmp_path):
    ws = logged_workspace(tmp_path)
    assert [e["seq"] for e in ws.events] == [1, 2, 3, 4, 5]
    assert ws.events[0]["prev"] == GENESIS
    for before, after in zip(ws.events, ws.events[1:]):
        assert after["prev"] == before["hash"]
    assert all(e["hash"] == event_hash(e) for e in ws.events)
    assert ws.events[0]["action"] == "inventory-recorded" and ws.events[0]["details"]["digest"] == "ab" * 32
    assert ws.events[2]["by"] == "Li Wei" and ws.events[2]["details"]["item"] == "prepare.rollback-plan"
    assert Workspace.load(ws.path).chain_problem() is None


@pytest.mark.parametrize("field, value", [
    ("by", "Mallory"),
    ("action", "note"),
    ("at", "2020-01-01T00:00:00.000Z"),
])
def test_edited_event_is_named(tmp_path, field, value):
    ws = logged_workspace(tmp_path)
    edit_file(ws.path, lambda d: d["events"][1].__setitem__(field, value))
    with pytest.raises(InputError) as caught:
        Workspace.load(ws.path)
    event = dict(ws.events[1], **{field: value})
    assert message(caught) == (f"{ws.path}: event log: event 2 ({event['action']} by {event['by']} at "
                               f"{event['at']}) was edited after it was recorded")


def test_edited_event_details_are_caught(tmp_path):
    """The waiver's reason and date in the log cannot be changed quietly either."""
    ws = logged_workspace(tmp_path)
    edit_file(ws.path, lambda d: d["events"][3]["details"].__setitem__("until", "2031-12-31"))
    with pytest.raises(InputError) as caught:
        Workspace.load(ws.path)
    assert "event 4 (waive by Zhang Min" in message(caught) and "edited" in message(caught)


def test_edited_event_with_recomputed_hash_breaks_the_next_link(tmp_path):
    ws = logged_workspace(tmp_path)

    def forge(d):
        d["events"][2]["by"] = "Mallory"
        d["events"][2]["hash"] = event_hash(d["events"][2])
    edit_file(ws.path, forge)
    with pytest.raises(InputError) as caught:
        Workspace.load(ws.path)
    assert "event 4 (waive by Zhang Min" in message(caught)
    assert "does not follow the event before it" in message(caught)


def test_event_removed_from_the_middle_names_the_event_after_the_gap(tmp_path):
    ws = logged_workspace(tmp_path)
    edit_file(ws.path, lambda d: d["events"].pop(2))  # the first mark disappears
    with pytest.raises(InputError) as caught:
        Workspace.load(ws.path)
    after = ws.events[3]
    assert message(caught) == (f"{ws.path}: event log: event 3 (waive by Zhang Min at {after['at']}) has sequence "
                               "number 4: an event before it was removed")


def test_event_removed_and_renumbered_is_still_caught(tmp_path):
    ws = logged_workspace(tmp_path)

    def remove(d):
        d["events"].pop(2)
        for seq, e in enumerate(d["events"], start=1):
            e["seq"] = seq
    edit_file(ws.path, remove)
    with pytest.raises(InputError) as caught:
        Workspace.load(ws.path)
    assert "event 3 (waive by Zhang Min" in message(caught) and "removed or edited" in message(caught)


def test_removing_the_last_mark_event_is_detected_through_the_marks(tmp_path):
    """The newest event is a mark: cutting it off leaves a mark the log no longer explains."""
    ws = logged_workspace(tmp_path)
    edit_file(ws.path, lambda d: d["events"].pop())
    with pytest.raises(InputError) as caught:
        Workspace.load(ws.path)
    assert "marks['pre.device-alarm'] does not match the event log" in message(caught)


def test_removing_a_trailing_event_that_changed_no_state_is_not_detected(tmp_path):
    """A known limit of a hash chain kept in the same file: nothing records where the chain
    ends, so a tail of events that changed no mark or waiver (here a probe-run note) can be
    cut off without a trace.  Only something kept outside the file (the signed report's
    digest, a copy of the head hash) can catch it.  This pins what the code does today."""
    ws = logged_workspace(tmp_path)
    ws.log("migready", "probe-run-started", run="run-2", phase="post", host="ssh://ops@new")
    ws.save()
    edit_file(ws.path, lambda d: d["events"].pop())
    loaded = Workspace.load(ws.path)
    assert loaded.chain_problem() is None and loaded.state_problem() is None
    assert loaded.events == ws.events[:-1]


# ------------------------------------------------------------------ v1 -> v2 migration

V1 = {
    "format": "migready-workspace",
    "schema_version": 1,
    "created": "2029-12-30T08:00:00.000Z",
    "updated": "2029-12-30T08:20:00.000Z",
    "inventory": {"path": "/srv/inventories/scale-adapter-nat.yaml", "digest": "ef" * 32},
    "runs": [{
        "id": "run-1", "phase": "pre", "host": "ssh://ops@10.20.1.15:22",
        "started": "2029-12-30T08:00:01.000Z", "finished": "2029-12-30T08:00:09.000Z",
        "complete": True, "error": None, "inventory_digest": "ef" * 32, "planned": 2, "agent_version": "1",
        "results": [
            {"id": "p1", "dependency": None, "target": None, "check": "host_facts", "proves": ["host_facts"],
             "status": "pass", "reason": "facts", "detail": "", "latency_ms": None, "started": "x",
             "data": {"hostname": "old-vm"}},
            {"id": "p2", "dependency": "scale-adapter/scales", "target": "10.128.4.21", "check": "udp_exchange",
             "proves": ["reachable"], "status": "pass", "reason": "answered", "detail": "OK",
             "latency_ms": 2.5, "started": "x", "data": {}},
        ],
    }],
    "events": [
        {"at": "2029-12-30T08:00:01.000Z", "by": "migready", "action": "probe-run-started",
         "run": "run-1", "phase": "pre", "host": "ssh://ops@10.20.1.15:22"},
        {"at": "2029-12-30T08:10:00.000Z", "by": "Li Wei", "action": "note", "text": "baseline taken"},
    ],
}


def test_v1_workspace_is_refused_on_load_with_the_upgrade_command(tmp_path):
    """Loading never migrates: a silent migration would re-chain whatever was edited into the file."""
    path = tmp_path / "old.migready.json"
    path.write_text(json.dumps(V1, indent=1), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        Workspace.load(path)
    assert f"migready upgrade {path}" in message(caught)
    assert json.loads(path.read_text(encoding="utf-8")) == V1  # untouched


def test_v1_workspace_upgrades_to_v2_with_a_chained_log(tmp_path):
    path = tmp_path / "old.migready.json"
    path.write_text(json.dumps(V1, indent=1), encoding="utf-8")
    assert Workspace.upgrade(path) == (1, 2)
    ws = Workspace.load(path)

    assert ws.data["schema_version"] == 2
    assert ws.marks == {} and ws.waivers == [] and ws.data["signoffs"] == [] and ws.data["flags"] == []
    assert ws.runs == V1["runs"] and ws.data["inventory"] == V1["inventory"]
    assert ws.chain_problem() is None
    first, second, migrated, finished, inventory = ws.events
    assert finished["action"] == "probe-run-finished" and finished["details"]["run"] == "run-1"
    assert finished["details"]["migrated"] is True and finished["prev"] == migrated["hash"]
    assert (first["seq"], first["at"], first["by"], first["action"]) == (1, V1["events"][0]["at"], "migready",
                                                                          "probe-run-started")
    assert first["details"] == {"run": "run-1", "phase": "pre", "host": "ssh://ops@10.20.1.15:22"}
    assert first["prev"] == GENESIS and second["prev"] == first["hash"]
    assert (second["by"], second["action"], second["details"]) == ("Li Wei", "note", {"text": "baseline taken"})
    assert migrated["seq"] == 3 and migrated["action"] == "workspace-migrated" and migrated["by"] == "migready"
    assert migrated["details"] == {"from_version": 1, "to_version": 2}
    assert migrated["prev"] == second["hash"]

    again = Workspace.load(path)
    assert again.data == ws.data  # saved as v2: no second migration, chain intact
    assert [e["action"] for e in again.events].count("workspace-migrated") == 1
    assert json.loads(bak(path).read_text(encoding="utf-8")) == V1  # the v1 original kept as .bak


def test_v1_workspace_without_events_migrates(tmp_path):
    path = tmp_path / "old.migready.json"
    path.write_text(json.dumps(dict(V1, events=[])), encoding="utf-8")
    Workspace.upgrade(path)
    ws = Workspace.load(path)
    migrated, started, finished, inventory = ws.events  # the run and the inventory now tied to the log, as found
    assert migrated["seq"] == 1 and migrated["prev"] == GENESIS and migrated["action"] == "workspace-migrated"
    assert [started["action"], finished["action"]] == ["probe-run-started", "probe-run-finished"]
    assert inventory["action"] == "inventory-recorded" and inventory["details"] == dict(V1["inventory"], as_found=True)
    assert ws.state_problem() is None


def test_v1_workspace_that_v1_could_not_have_written_is_an_input_error(tmp_path):
    path = tmp_path / "old.migready.json"
    path.write_text(json.dumps({k: v for k, v in V1.items() if k != "inventory"}), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        Workspace.upgrade(path)
    assert str(path) in message(caught) and "inventory" in message(caught)


@pytest.mark.parametrize("events", [None, "baseline taken", [1]], ids=["null", "string", "number-entry"])
def test_damaged_v1_events_are_an_input_error(tmp_path, events):
    path = tmp_path / "old.migready.json"
    path.write_text(json.dumps(dict(V1, events=events)), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        Workspace.upgrade(path)
    assert str(path) in message(caught) and "events" in message(caught)


# ------------------------------------------------------------------ state vs log, concurrent writers

def test_a_hand_edited_waiver_is_named(tmp_path):
    ws = logged_workspace(tmp_path)
    edit_file(ws.path, lambda d: d["waivers"][0].update(until="2099-12-31"))
    with pytest.raises(InputError) as caught:
        Workspace.load(ws.path)
    assert "waivers[0] does not match the event log: edited by hand?" in message(caught)


def test_a_hand_added_mark_is_named(tmp_path):
    ws = logged_workspace(tmp_path)
    edit_file(ws.path, lambda d: d["marks"].update({"run.post": {"state": "pass", "by": "x", "note": "y",
                                                                  "at": "2030-01-01T00:00:00.000Z"}}))
    with pytest.raises(InputError) as caught:
        Workspace.load(ws.path)
    assert "marks['run.post'] does not match the event log" in message(caught)


def test_save_refuses_to_overwrite_another_writers_changes(tmp_path):
    """Two programs on one workspace (a probe run and a `migready mark`): the slower save must not
    silently drop the other's change."""
    first = logged_workspace(tmp_path)
    second = Workspace.load(first.path)
    second.log("Wang Fang", "note", note="second writer")
    second.save()
    first.log("Li Wei", "note", note="first writer, stale copy")
    with pytest.raises(WorkspaceConflict) as caught:
        first.save()
    assert str(first.path) in str(caught.value) and "reopen" in str(caught.value)
    assert Workspace.load(first.path).events[-1]["details"]["note"] == "second writer"


def test_new_workspace_refuses_to_clobber_an_existing_file(tmp_path):
    logged_workspace(tmp_path)
    fresh = Workspace.new(tmp_path / "review.migready.json")
    with pytest.raises(WorkspaceConflict):
        fresh.save()


def test_a_hand_edited_discovery_is_named(tmp_path):
    from migready.checks.discovery.store import record_digest
    ws = logged_workspace(tmp_path)
    record = {"id": "discovery-1", "recorded": "2030-01-01T00:00:00.000Z", "observation": {"peers": []}}
    ws.data["discoveries"] = [record]
    ws.log("migready", "discovery-recorded", discovery="discovery-1", digest=record_digest(record))
    ws.save()
    assert Workspace.load(ws.path).state_problem() is None
    edit_file(ws.path, lambda d: d["discoveries"][0]["observation"]["peers"].append({"ip": "10.0.0.9"}))
    with pytest.raises(InputError) as caught:
        Workspace.load(ws.path)
    assert "discoveries[0] does not match the event log" in message(caught)


# ------------------------------------------------------------------ probe runs are tied to the log

def _with_runs(tmp_path):
    path = tmp_path / "w.migready.json"
    ws = Workspace.new(path, "inv.yaml", "ab" * 32)
    for rid, phase, status in (("run-1", "pre", "pass"), ("run-2", "post", "fail")):
        ws.record_run({"id": rid, "phase": phase, "host": "local://", "started": "2030-01-01T00:00:00.000Z",
                       "finished": "2030-01-01T00:01:00.000Z", "complete": True, "error": None,
                       "results": [{"id": "p1", "dependency": "a/b", "target": "10.0.0.1", "check": "reflect",
                                    "status": status}]})
    ws.save()
    return path, json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("edit, words", [
    (lambda d: d["runs"][1]["results"][0].update(status="pass"), "runs[1] (run-2) does not match the event log"),
    (lambda d: d["runs"].pop(), "probe run run-2 is in the event log but not in the workspace"),
    (lambda d: d["runs"].append(dict(d["runs"][0], id="run-3", phase="post")), "runs[2] (run-3) is not in the event"),
], ids=["fail-turned-pass", "run-removed", "run-added"])
def test_a_run_edited_by_hand_is_named_on_load(tmp_path, edit, words):
    path, data = _with_runs(tmp_path)
    assert Workspace.load(path).state_problem() is None
    edit(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        Workspace.load(path)
    assert words in message(caught)


def test_a_run_cut_short_without_its_finished_event_still_loads(tmp_path):
    """The program was killed mid-run: what came in is kept, not refused."""
    path, data = _with_runs(tmp_path)
    ws = Workspace.load(path)
    ws.runs.append({"id": "run-3", "phase": "post", "host": "local://", "started": "2030-01-02T00:00:00.000Z",
                    "finished": None, "complete": False, "error": None, "results": []})
    ws.log("migready", "probe-run-started", run="run-3")
    ws.save()
    assert Workspace.load(path).runs[-1]["id"] == "run-3"


def test_saves_during_a_run_and_after_it_hold_every_result_as_added(tmp_path):
    """An open run's results are saved from their text as they came, then encoded again once it ends."""
    ws = Workspace.new(tmp_path / "ws.json", "/srv/inv.yaml", "ab" * 32)
    result = {"dependency": "a/b", "target": "10.0.0.1", "check": "tcp_connect"}
    run = ws.start_run({"phase": "post", "host": "ssh://ops@new", "started": "2030-01-01T00:00:00.000Z",
                        "error": None, "results": [dict(result, id="u1", status="inconclusive")]})
    for n in range(3):
        ws.add_result(run["id"], dict(result, id=f"p{n}", status="pass", latency_ms=n / 7, note="秤"))
        ws.save()
        assert Workspace.load(tmp_path / "ws.json").run(run["id"])["results"] == run["results"]
    ws.finish_run(run["id"], True)
    ws.save()
    reread = Workspace.load(tmp_path / "ws.json")
    assert reread.run(run["id"])["results"] == run["results"] and len(run["results"]) == 4
    assert reread.state_problem() is None
