"""Drive the real window through pre and post probes of the lab, from inside the `ops` namespace.

Run by tests/lab/test_lab_gui.py as `ip netns exec ops python gui_driver.py INVENTORY WORKSPACE`
with HOME pointing at an ~/.ssh/config that names the lab key and known_hosts, exactly as a
migration lead's own config would.  Prints one JSON line: the compare page's regression rows.
"""
from __future__ import annotations

import json
import os
import sys
import time

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from PySide6.QtCore import QSettings  # noqa: E402

from migready.gui.mainwindow import MainWindow  # noqa: E402
from migready.gui.standalone import ensure_app  # noqa: E402


def wait(app, condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        app.processEvents()
        time.sleep(0.02)


def run_phase(app, window, phase: str, host: str) -> dict:
    window.go(phase)
    page = window.pages[phase]
    page.host.setCurrentText(host)
    done = []
    page.start().finished.connect(done.append)
    wait(app, lambda: done, 120, f"the {phase} run")
    return done[0]


def main(inventory: str, workspace: str, old: str, new: str) -> None:
    app = ensure_app()
    window = MainWindow(settings=QSettings(os.path.join(os.environ["HOME"], "settings.ini"), QSettings.IniFormat))
    window.session.open_path(inventory)
    wait(app, lambda: window.session.review is not None, 30, "the inventory")
    window.session.save_as(workspace)
    runs = [run_phase(app, window, "pre", old), run_phase(app, window, "post", new)]
    wait(app, lambda: window.session.review and window.session.review.checklist.post_run, 30, "the review")
    window.go("compare")
    compare = window.pages["compare"]
    rows = [[compare.proxy.index(r, c).data() for c in range(compare.proxy.columnCount())]
            for r in range(compare.proxy.rowCount())]
    print(json.dumps({"runs": [{k: r[k] for k in ("phase", "host", "complete")} for r in runs],
                      "regressions": [row for row in rows if str(row[0]).startswith("✗ REGRESSION")]},
                     ensure_ascii=False))
    window.close()


if __name__ == "__main__":
    main(*sys.argv[1:5])
