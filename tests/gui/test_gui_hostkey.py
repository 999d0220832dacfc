"""Questions from the worker thread reach a person on the UI thread: host keys and connection errors."""
from __future__ import annotations

import threading

import fake_transport
import pytest
from guikit import answer_when_shown
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from migready.gui.dialogs.hostkey import HostKeyDialog
from migready.gui.interaction import Interaction
from migready.gui.uicall import UiCall


def ask_from_worker(call, *args):
    out = {}
    thread = threading.Thread(target=lambda: out.setdefault("answer", call(*args)), daemon=True)
    thread.start()
    return thread, out


@pytest.mark.parametrize("answer", ["once", "remember", "refuse"])
def test_host_key_dialog_answered_from_a_worker_thread(qtbot, answer):
    interaction = Interaction()
    call = UiCall(interaction.host_key, default="refuse")
    shown = {}

    def respond(dialog):
        shown["texts"] = [w.text() for w in dialog.findChildren(QLabel)]
        if answer == "refuse":
            qtbot.keyClick(dialog, Qt.Key_Escape)  # Esc refuses
        else:
            dialog.button(answer).click()

    answer_when_shown(interaction, respond, HostKeyDialog)
    thread, out = ask_from_worker(call, fake_transport.INFO)
    qtbot.waitUntil(lambda: "answer" in out, timeout=5000)
    assert out["answer"] == answer
    assert fake_transport.INFO.fingerprint_sha256 in shown["texts"] and "ssh-ed25519" in shown["texts"]
    assert any("staging.test:2222" in t for t in shown["texts"])
    assert interaction.current_dialog is None


def test_cancel_unblocks_a_worker_waiting_for_an_answer(qtbot):
    interaction = Interaction()
    cancel = threading.Event()
    call = UiCall(interaction.host_key, default="refuse", cancel=cancel)
    late = []

    def respond(dialog):
        cancel.set()  # e.g. the run was cancelled or the window is closing while the dialog is up
        thread.join(5)  # the worker stops waiting although nobody answered
        late.append(thread.is_alive())
        dialog.choose("once")  # answering late changes nothing

    answer_when_shown(interaction, respond)
    thread, out = ask_from_worker(call, fake_transport.INFO)
    qtbot.waitUntil(lambda: bool(late), timeout=5000)
    assert late == [False] and out["answer"] == "refuse"


@pytest.mark.parametrize("answer, stored", [("once", True), ("refuse", False)])
def test_probe_run_asks_about_the_host_key(qtbot, demo_window, answer, stored):
    fake_transport.register()
    window = demo_window
    window.interaction.host_key_answer = answer
    window.interaction.secret_value = "correct horse"
    window.go("pre")
    page = window.pages["pre"]
    run = page.start("asking://staging.test:2222")
    signal = run.finished if stored else run.failed
    with qtbot.waitSignal(signal, timeout=20_000):
        pass
    [(kind, info)] = [a for a in window.interaction.asked if a[0] == "host_key"]
    assert info.fingerprint_sha256 == fake_transport.INFO.fingerprint_sha256
    assert bool(window.session.workspace.runs) is stored
    if stored:  # the key passphrase was asked on the UI thread, with the key's path, and handed back
        assert fake_transport.passphrases[-1] == "correct horse"
        assert ("secret", "Passphrase for the SSH key /home/ops/.ssh/id_ed25519:") in window.interaction.asked
    if not stored:
        text = page.state.text()
        assert "host key of staging.test:2222 is unknown" in text and "Traceback" not in text


def test_connection_errors_are_shown_in_words(qtbot, demo_window):
    fake_transport.register()
    page = demo_window.pages["pre"]
    for host, words in (("refusing://staging.test", "authentication failed"),
                        ("ftp://example", "unknown scheme")):
        run = page.start(host)
        with qtbot.waitSignal(run.failed, timeout=10_000) as failed:
            pass
        assert words in failed.args[0]
        assert words in page.state.text() and "Traceback" not in page.state.text()
        assert page.run_button.isEnabled()
    assert demo_window.session.workspace.runs == []
