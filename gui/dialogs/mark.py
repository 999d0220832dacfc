"""Mark a checklist item pass / fail / n.a. by hand: who and why are required (logged)."""
from __future__ import annotations

from dataclasses import dataclass
from html import escape

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout

from migready.checks.text.i18n import shown

from ..models.words import badge


@dataclass
class MarkRequest:
    state: str
    by: str
    note: str


class MarkDialog(QDialog):
    def __init__(self, item, state: str, default_by: str = "", parent=None):
        super().__init__(parent)
        self.item, self.state = item, state
        self.setWindowTitle(self.tr("Mark {state}").format(state=badge(state)))
        what = QLabel(self.tr("<b>{id}</b><br>{title}<br>mark it <b>{state}</b>").format(
            id=escape(item.id), title=escape(shown(item.title)), state=badge(state)))
        what.setWordWrap(True)
        self.by = QLineEdit(default_by)
        self.by.setPlaceholderText(self.tr("your name"))
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText(self.tr("what you checked, or why it does not apply"))
        self.note.setTabChangesFocus(True)
        form = QFormLayout()
        form.addRow(self.tr("Your name:"), self.by)
        form.addRow(self.tr("Note:"), self.note)
        self.box = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.box.accepted.connect(self.accept)
        self.box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(what)
        if item.evidence_backed:
            warn = QLabel(self.tr("This item is decided by probe evidence: your mark holds only until newer "
                                  "evidence arrives."))
            warn.setWordWrap(True)
            layout.addWidget(warn)
        layout.addLayout(form)
        layout.addWidget(self.box)
        self.by.textChanged.connect(self._check)
        self.note.textChanged.connect(self._check)
        self._check()
        self.setMinimumWidth(460)

    def set_values(self, by: str | None = None, note: str | None = None) -> None:
        if by is not None:
            self.by.setText(by)
        if note is not None:
            self.note.setPlainText(note)

    def _check(self) -> None:
        ok = bool(self.by.text().strip() and self.note.toPlainText().strip())
        self.box.button(QDialogButtonBox.Ok).setEnabled(ok)

    def request(self) -> MarkRequest:
        return MarkRequest(self.state, self.by.text().strip(), self.note.toPlainText().strip())
