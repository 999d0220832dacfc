"""GUI tests: the real window, offscreen, against the loopback-only demo inventory.

Nothing here probes anything but ``local://`` with a copy of inventories/demo.yaml
moved into a free loopback block (`demo_path`; its peers are started in that block
by the `store_peers` fixture, as tests/test_probe_local.py does).  Dialogs are answered through an injected
interaction object that drives the real dialog classes, never with sleeps.
"""
from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before Qt is imported anywhere

import pytest  # noqa: E402
from PySide6.QtCore import QSettings, QStandardPaths  # noqa: E402

from guikit import FakeInteraction, start_peers  # noqa: E402

QStandardPaths.setTestModeEnabled(True)


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    """A probe run from these tests that would reach anything outside 127.0.0.0/8 fails before it starts."""
    from migready.checks.probing import run as probe_run
    from migready.gui.screenshots import outside_loopback
    real = probe_run.build_plan

    def guarded(*args, **kwargs):
        plan = real(*args, **kwargs)
        outside = outside_loopback(plan)
        if outside:
            raise AssertionError(f"GUI test tried to probe outside loopback: {outside[:5]}")
        return plan

    monkeypatch.setattr(probe_run, "build_plan", guarded)


@pytest.fixture
def store_peers(demo_block):
    peers = start_peers(demo_block)
    yield peers
    peers.stop()


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)


@pytest.fixture
def interaction():
    return FakeInteraction()


@pytest.fixture
def session(qtbot, tmp_path):
    from migready.gui.session import Session
    s = Session(data_dir=tmp_path / "data")
    yield s
    s.shutdown()


@pytest.fixture
def window(qtbot, session, interaction, settings):
    from migready.gui.mainwindow import MainWindow
    w = MainWindow(session=session, interaction=interaction, settings=settings)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    yield w
    w.close()


@pytest.fixture
def demo_window(qtbot, window, demo_path):
    """The window with the demo inventory (moved into a free loopback block) loaded and reviewed."""
    window.session.open_path(demo_path)
    qtbot.waitUntil(lambda: window.session.review is not None, timeout=10_000)
    return window
