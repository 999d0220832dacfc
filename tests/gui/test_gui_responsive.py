"""The UI thread never waits for the probes: it keeps ticking during a run, and Cancel keeps results."""
from __future__ import annotations

import socket
import time

import pytest
from guikit import Peers, _retry
from PySide6.QtCore import QTimer


@pytest.fixture
def slow_scale(demo_block):
    """The demo's peers, but the scale (udp 5002 in the test's free block) swallows datagrams: its
    probe waits for its 3 s timeout, so a run lasts long enough to watch the UI and to cancel it."""
    peers = Peers(demo_block)
    peers.scale.stop()
    silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    _retry(lambda: silent.bind(demo_block.scale))
    yield peers
    silent.close()
    peers.stop_printer()
    peers.reflector.stop()


def test_ui_thread_keeps_ticking_during_a_probe_run(qtbot, demo_window, slow_scale):
    ticks = []
    timer = QTimer()
    timer.setInterval(50)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    demo_window.go("pre")
    timer.start()
    started = time.monotonic()
    run = demo_window.pages["pre"].start()
    with qtbot.waitSignal(run.finished, timeout=20_000):
        pass
    timer.stop()
    assert time.monotonic() - started > 2.5  # the run really lasted (the scale's timeout)
    during = [t for t in ticks if t >= started]
    gaps = [b - a for a, b in zip(during, during[1:])]
    assert len(during) > 30 and max(gaps) < 0.2, f"longest gap {max(gaps):.3f} s"


def test_cancel_keeps_the_results_that_arrived(qtbot, demo_window, slow_scale):
    session = demo_window.session
    page = demo_window.pages["pre"]
    run = page.start()
    qtbot.waitUntil(lambda: page.model.rowCount() >= 3, timeout=10_000)  # the quick probes are in
    assert page.cancel_button.isEnabled() and not page.run_button.isEnabled()
    with qtbot.waitSignal(run.finished, timeout=10_000) as finished:
        page.cancel()
    stored = finished.args[0]
    assert not stored["complete"] and stored["error"] == "cancelled"
    assert len(stored["results"]) >= 3 and page.model.rowCount() == len(stored["results"])
    assert "incomplete" in page.state.text() and "kept" in page.state.text()
    qtbot.waitUntil(lambda: session.review is not None and session.review.checklist.pre_run is stored)
    assert demo_window.step_state("pre") == "attention"
    assert page.run_button.isEnabled()
