"""Before a probe run: what it will contact, by zone, with totals (the `migready plan` text).

Probing is the one thing the app does to other people's networks, so Run
shows the plan first and sends nothing until the person presses Run probes.
"""
from __future__ import annotations

from html import escape

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout

from migready.checks.text.i18n import shown


class PlanDialog(QDialog):
    def __init__(self, view, parent=None):
        super().__init__(parent)
        self.view = view
        self.setWindowTitle(self.tr("Probe plan: what this run will contact"))
        head = QLabel(self.tr("<b>{summary}</b><br>Nothing has been sent yet.").format(
            summary=escape(shown(view.summary()))))
        head.setWordWrap(True)
        self.text = QPlainTextEdit("\n".join(shown(line) for line in view.lines()[1:]))
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.NoWrap)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.FixedFont))
        self.box = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.box.button(QDialogButtonBox.Ok).setText(self.tr("Run probes"))
        self.box.button(QDialogButtonBox.Cancel).setDefault(True)
        self.box.accepted.connect(self.accept)
        self.box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.box)
        self.resize(760, 420)
