"""An unknown SSH host key: show the key type and SHA-256 fingerprint, ask what to do.

Three answers, as the core expects: "once" (trust for this run), "remember"
(trust and add it to known_hosts) and "refuse" (the default, also on Esc).
"""
from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QPushButton, QVBoxLayout

from migready.checks.probing.transports.errors import hostport


class HostKeyDialog(QDialog):
    def __init__(self, info, parent=None):
        super().__init__(parent)
        self.info = info
        self.choice = "refuse"
        self.setWindowTitle(self.tr("Unknown SSH host key"))
        where = hostport(info.host, info.port)
        intro = QLabel(self.tr("<b>{where}</b> presented a host key that is not in your known_hosts. "
                               "Compare the fingerprint with the one the host's owner gives you "
                               "(<tt>ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub</tt> on the host) before "
                               "trusting it.").format(where=escape(where)))
        intro.setWordWrap(True)
        fingerprint = QLabel(info.fingerprint_sha256)
        fingerprint.setFont(QFontDatabase.systemFont(QFontDatabase.FixedFont))
        fingerprint.setTextInteractionFlags(Qt.TextSelectableByMouse)
        fingerprint.setObjectName("fingerprint")
        form = QFormLayout()
        form.addRow(self.tr("Host:"), QLabel(where))
        form.addRow(self.tr("Key type:"), QLabel(info.key_type))
        form.addRow(self.tr("SHA-256 fingerprint:"), fingerprint)
        if info.known_types:
            form.addRow(self.tr("Already known:"), QLabel(self.tr("{types} (a different key type)").format(
                types=", ".join(info.known_types))))
        buttons = QDialogButtonBox()
        self.buttons = {
            "once": buttons.addButton(self.tr("Accept &once"), QDialogButtonBox.AcceptRole),
            "remember": buttons.addButton(self.tr("Accept and &remember"), QDialogButtonBox.AcceptRole),
            "refuse": buttons.addButton(self.tr("Re&fuse"), QDialogButtonBox.RejectRole),
        }
        for answer, button in self.buttons.items():
            button.clicked.connect(lambda _=False, a=answer: self.choose(a))
        self.buttons["refuse"].setDefault(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)

    def choose(self, answer: str) -> None:
        if answer not in self.buttons:
            raise ValueError(f"answer must be once, remember or refuse, not {answer!r}")
        self.choice = answer
        (self.reject if answer == "refuse" else self.accept)()

    def reject(self) -> None:  # Esc, the close button
        self.choice = "refuse"
        super().reject()

    def button(self, answer: str) -> QPushButton:
        return self.buttons[answer]
