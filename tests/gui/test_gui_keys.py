"""Keys at rest in the window: the sign dialog asks for the passphrase of an encrypted key (and only
then), a wrong one signs nothing and says why, and a new key needs a passphrase unless the person
says it should have none."""
from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox

from migready.checks.trust import signing
from migready.gui.dialogs.signoff import KeyDialog, SignDialog


def ok(dialog) -> bool:
    return dialog.box.button(QDialogButtonBox.Ok).isEnabled()


def test_the_sign_dialog_asks_for_a_passphrase_only_for_an_encrypted_key(qtbot, tmp_path):
    signing.keygen("Lin Wei", "migration lead", tmp_path / "locked", b"correct horse")
    signing.keygen("CI", "migration lead", tmp_path / "plain")
    dialog = SignDialog("ab" * 32, "GO WITH WAIVERS")  # (approving NO-GO evidence also takes a reason)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_values(key_path=str(tmp_path / "plain"))
    assert not dialog.passphrase.isVisible() and ok(dialog)
    assert dialog.request().passphrase is None
    dialog.set_values(key_path=str(tmp_path / "locked"))
    assert dialog.passphrase.isVisible() and not ok(dialog)  # no signing without it
    dialog.set_values(passphrase="correct horse")
    assert ok(dialog) and dialog.request().passphrase == "correct horse"


def test_signing_in_the_window_with_an_encrypted_key(qtbot, demo_window, tmp_path):
    window = demo_window
    signing.keygen("Lin Wei", "migration lead", tmp_path / "locked", b"correct horse")
    window.go("signoff")
    page = window.pages["signoff"]
    qtbot.waitUntil(lambda: page.report is not None and not page.stale, timeout=15_000)
    errors = []
    window.session.error.connect(lambda title, text: errors.append((title, text)))

    window.interaction.sign_values = {"key_path": str(tmp_path / "locked"), "passphrase": "wrong",
                                      "override": "vendor fix tonight"}
    page.ask_sign()
    qtbot.waitUntil(lambda: bool(errors), timeout=10_000)
    assert errors[0][0] == "Not signed" and "wrong passphrase" in errors[0][1]
    assert window.session.workspace.data["signoffs"] == []

    window.interaction.sign_values = {"key_path": str(tmp_path / "locked"), "passphrase": "correct horse",
                                      "override": "vendor fix tonight"}  # the demo is NO-GO: the override reason
    page.ask_sign()
    qtbot.waitUntil(lambda: len(window.session.workspace.data["signoffs"]) == 1, timeout=10_000)
    assert window.session.workspace.data["signoffs"][0]["name"] == "Lin Wei"
    assert not [a for a in window.interaction.asked if a[0] == "secret"]  # asked in the dialog, not after


def test_a_new_key_needs_a_passphrase_unless_none_is_chosen(qtbot, tmp_path):
    dialog = KeyDialog(["migration lead"], "Lin Wei")
    qtbot.addWidget(dialog)
    dialog.set_values(path=str(tmp_path / "k"))
    assert not ok(dialog) and "passphrase" in dialog.hint.text()
    dialog.set_values(passphrase="correct horse")
    assert ok(dialog) and dialog.request().passphrase == "correct horse"
    dialog.again.setText("different")
    assert not ok(dialog) and "differ" in dialog.hint.text()
    dialog.set_values(unencrypted=True)
    assert ok(dialog) and dialog.request().passphrase is None
