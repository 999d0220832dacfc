"""The GUI's workspace is changed by two threads (the UI's actions, a probe run's worker) and saved by a
third: every event must chain to the one before it and arrive together with the state it records."""
from __future__ import annotations

import threading

from migready.checks.workspace import Workspace, mark_from_event
from migready.gui.jobs import SharedWorkspace


def test_events_from_two_threads_keep_one_chain_and_every_save_loads(tmp_path):
    path = tmp_path / "w.migready.json"
    Workspace.new(path, "inv.yaml", "ab" * 32).save()
    ws = SharedWorkspace(path, Workspace.load(path).data)
    ws._stamp = Workspace.load(path)._stamp
    stop = threading.Event()
    saved_ok = []

    def actions(name):
        for i in range(400):
            with ws.changing():  # what Session._act does around a mark
                event = ws.log(name, "mark", item=f"{name}-{i}", state="pass", note="n", previous="pending")
                ws.marks[f"{name}-{i}"] = mark_from_event(event)

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
    assert final.chain_problem() is None and len(final.events) == 800
    assert saved_ok and all(ok is True for ok in saved_ok), [x for x in saved_ok if x is not True][:3]
