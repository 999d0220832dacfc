"""One workspace, several writers.  In one program (the GUI: the UI's actions, a probe run's worker,
the autosave) every event must chain to the one before it and arrive with the state it records; across
programs (two `migready mark` at once) no acknowledged change may be lost."""
from __future__ import annotations

import multiprocessing
import threading

import pytest

from migready.checks.store.workspace import Workspace, WorkspaceConflict


def test_events_from_two_threads_keep_one_chain_and_every_save_loads(tmp_path):
    path = tmp_path / "w.migready.json"
    Workspace.new(path, "inv.yaml", "ab" * 32).save()
    ws = Workspace.load(path)
    stop = threading.Event()
    saved_ok = []

    def actions(name):
        for i in range(400):
            with ws.changing():  # what Session._act does around a check and its mark
                ws.record_mark(f"{name}-{i}", "pass", name, "n", previous="pending")

    def saver():
        while not stop.is_set():
            ws.save()
            try:  # every file the autosave wrote passes the log checks (load raises otherwise)
                saved_ok.append(Workspace.load(path).chain_problem() is None)
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                saved_ok.append(exc)

    threads = [threading.Thread(target=actions, args=(n,)) for n in ("ui", "worker")]
    autosave = threading.Thread(target=saver)
    autosave.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    autosave.join()
    ws.save()
    final = Workspace.load(path)
    assert final.chain_problem() is None and len(final.events) == 801  # 800 marks after the inventory
    assert saved_ok and all(ok is True for ok in saved_ok), [x for x in saved_ok if x is not True][:3]


def _mark_in_a_process(path, item, go):
    go.wait(10)
    with Workspace.editing(path) as ws:  # what `migready mark` does: load, change, save, under the OS lock
        ws.record_mark(item, "pass", item, "n", previous="pending")


def concurrent_writer_trials(directory, trials: int) -> int:
    """Two processes mark one workspace at the same moment, `trials` times; returns the lost updates."""
    ctx = multiprocessing.get_context("fork")
    lost = 0
    for trial in range(trials):
        path = directory / f"t{trial}.migready.json"
        Workspace.new(path, "inv.yaml", "ab" * 32).save()
        go = ctx.Event()
        writers = [ctx.Process(target=_mark_in_a_process, args=(path, name, go)) for name in ("a", "b")]
        for w in writers:
            w.start()
        go.set()
        for w in writers:
            w.join(30)
        assert all(w.exitcode == 0 for w in writers), [w.exitcode for w in writers]
        marks = Workspace.load(path).marks
        lost += 2 - len(marks)
    return lost


def test_two_writer_processes_never_lose_an_update(tmp_path):
    assert concurrent_writer_trials(tmp_path, 200) == 0


def test_a_writer_that_read_before_another_saved_is_refused_not_silently_overwritten(tmp_path):
    path = tmp_path / "w.migready.json"
    Workspace.new(path, "inv.yaml", "ab" * 32).save()
    early = Workspace.load(path)
    with Workspace.editing(path) as other:
        other.record_mark("x", "pass", "Li", "n", previous="pending")
    early.record_mark("y", "pass", "Wang", "n", previous="pending")
    with pytest.raises(WorkspaceConflict):
        early.save()
    assert set(Workspace.load(path).marks) == {"x"}


def test_a_killed_save_leaves_no_temp_file_after_the_next_save(tmp_path):
    path = tmp_path / "w.migready.json"
    Workspace.new(path, "inv.yaml", "ab" * 32).save()
    orphan = tmp_path / f".{path.name}.k1ll3d.tmp"  # what a save killed between write and rename leaves
    orphan.write_bytes(b"x" * 1000)
    with Workspace.editing(path) as ws:
        ws.record_mark("x", "pass", "Li", "n", previous="pending")
    assert not orphan.exists()
