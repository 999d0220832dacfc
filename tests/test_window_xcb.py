"""The window on a real X server (issue 26): `migready gui` under Xvfb with Qt's xcb platform plugin,
not only offscreen.  CI runs this file under `xvfb-run` with MIGREADY_XCB_SMOKE=1 (see .ci/run);
elsewhere it skips, since the offscreen suite cannot prove that the xcb plugin's libraries are there.

The window runs in a child process: tests/gui's conftest pins this process to the offscreen platform.
"""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

SMOKE = r"""
import sys
from migready.gui.preflight import preflight
if preflight():  # what `migready gui` checks first; the timer below needs the app before it starts
    sys.exit(2)
from migready.gui.standalone import ensure_app
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = ensure_app()
seen = {}

def poll():
    for w in QApplication.topLevelWidgets():
        if type(w).__name__ == "MainWindow" and w.isVisible() and w.windowHandle() and w.windowHandle().isExposed():
            image = w.grab().toImage()
            seen.update(platform=app.platformName(), size=(image.width(), image.height()),
                        colours=len({image.pixel(x, y) for x in range(0, image.width(), 37)
                                     for y in range(0, image.height(), 37)}))
            app.quit()

timer = QTimer()
timer.timeout.connect(poll)
timer.start(100)
QTimer.singleShot(60_000, app.quit)  # a cap, never an assertion: the test checks what was seen
from migready.checks import cli
code = cli.main(["gui", sys.argv[1]])
print("seen", seen.get("platform"), seen.get("size"), seen.get("colours"), "exit", code)
"""


@pytest.mark.skipif(os.environ.get("MIGREADY_XCB_SMOKE") != "1",
                    reason="the xcb smoke test runs in CI under xvfb-run (MIGREADY_XCB_SMOKE=1)")
def test_the_window_opens_on_a_real_x_server_with_the_xcb_plugin(tmp_path):
    assert os.environ.get("DISPLAY"), "run under xvfb-run"
    from importlib import resources
    demo = str(resources.files("migready.inventories").joinpath("demo.yaml"))
    # its own data and settings folders: the window autosaves an untitled workspace, which went to
    # the machine's ~/.local/share/migready on every CI run
    env = dict(os.environ, QT_QPA_PLATFORM="xcb", XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_CONFIG_HOME=str(tmp_path / "config"))
    out = subprocess.run([sys.executable, "-c", SMOKE, demo], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr  # not Qt's abort (134), not the preflight's exit 2
    words = out.stdout.split()
    assert words[:2] == ["seen", "xcb"], out.stdout + out.stderr  # the window was exposed on X, via xcb
    assert int(words[-3]) > 3 and words[-1] == "0"  # it drew something (more than a blank), and closed cleanly
    assert list((tmp_path / "data").rglob("*.migready.json")), "the untitled workspace was saved elsewhere"
