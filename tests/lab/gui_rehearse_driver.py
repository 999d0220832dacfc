"""Drive the real window's Rehearsal page through one rehearsal on the lab, from inside `ops`.

Run by tests/lab/test_lab_rehearse.py as `ip netns exec ops python gui_rehearse_driver.py INVENTORY
WORKSPACE HOST DEPENDENCY` with HOME pointing at an ~/.ssh/config for the lab.  The person's answer
to "Apply this fault?" is yes (after the question showed the rules, which are printed too).  Prints
one JSON line: the question, the stored run's verdict and the page's state line.
"""
from __future__ import annotations

import json
import os
import sys
import time

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from PySide6.QtCore import QSettings  # noqa: E402

from migready.gui.interaction import Interaction  # noqa: E402
from migready.gui.mainwindow import MainWindow  # noqa: E402
from migready.gui.standalone import ensure_app  # noqa: E402


class SaysYes(Interaction):
    def __init__(self):
        super().__init__(None)
        self.asked = []

    def confirm(self, caption, text):
        self.asked.append(text)
        return True


def wait(app, condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        app.processEvents()
        time.sleep(0.02)


def main(inventory: str, workspace: str, host: str, dependency: str) -> None:
    app = ensure_app()
    interaction = SaysYes()
    window = MainWindow(interaction=interaction,
                        settings=QSettings(os.path.join(os.environ["HOME"], "settings.ini"), QSettings.IniFormat))
    window.session.open_path(inventory)
    wait(app, lambda: window.session.review is not None, 30, "the inventory")
    window.session.save_as(workspace)
    window.go("rehearsal")
    page = window.pages["rehearsal"]
    page.host.setCurrentText(host)
    page.dependency.setCurrentText(dependency)
    page.duration.setValue(3)
    done = []
    page.start().finished.connect(done.append)
    wait(app, lambda: done, 120, "the rehearsal")
    wait(app, lambda: not window.session.busy(), 30, "the autosave")
    wait(app, lambda: window.step_state("rehearsal") != "todo", 30, "the rail")
    print(json.dumps({"asked": interaction.asked, "verdict": done[0]["rehearsal"]["verdict"],
                      "state": page.state.told, "log": page.log.toPlainText(),
                      "rail": window.step_state("rehearsal")}, ensure_ascii=False))
    window.close()


if __name__ == "__main__":
    main(*sys.argv[1:5])
