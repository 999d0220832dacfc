"""Waive a checklist item (or every item of its dependency): who, why, until when.

The core refuses a waiver without a name, a justification or a future
expiry; this dialog says so before it is sent, with OK disabled until the
three are there.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from html import escape
from typing import Optional

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
                               QPlainTextEdit, QRadioButton, QVBoxLayout)

from migready.checks.text.i18n import shown

from ..models.words import word


@dataclass
class WaiverRequest:
    target: str  # an item id, or service/dependency for all its items
    by: str
    reason: str
    until: str  # YYYY-MM-DD


class WaiveDialog(QDialog):
    def __init__(self, item, default_by: str = "", today: Optional[_dt.date] = None, parent=None):
        super().__init__(parent)
        self.item = item
        today = today or _dt.date.today()
        self.setWindowTitle(self.tr("Waive checklist item"))
        now = self.tr("now: {state}").format(state=word(item.state))
        what = QLabel(f"<b>{escape(item.id)}</b><br>{escape(shown(item.title))}<br><i>{escape(now)}"
                      + (f" — {escape(shown(item.evidence))}" if item.evidence else "") + "</i>")
        what.setWordWrap(True)
        self.only_item = QRadioButton(self.tr("only this item ({id})").format(id=item.id))
        self.whole_dependency = QRadioButton(
            self.tr("every item of {dependency}").format(dependency=item.dependency) if item.dependency else
            self.tr("every item of its dependency"))
        self.only_item.setChecked(True)
        self.whole_dependency.setEnabled(bool(item.dependency))
        self.by = QLineEdit(default_by)
        self.by.setPlaceholderText(self.tr("who grants the waiver"))
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText(self.tr("why it is acceptable to go ahead anyway, and what mitigates it"))
        self.reason.setTabChangesFocus(True)
        self.until = QDateEdit(QDate(today.year, today.month, today.day).addDays(14))
        self.until.setCalendarPopup(True)
        self.until.setMinimumDate(QDate(today.year, today.month, today.day))
        self.until.setDisplayFormat("yyyy-MM-dd")
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Waive:"), self.only_item)
        form.addRow("", self.whole_dependency)
        form.addRow(self.tr("Your name:"), self.by)
        form.addRow(self.tr("Justification:"), self.reason)
        form.addRow(self.tr("Expires on:"), self.until)
        self.box = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.box.button(QDialogButtonBox.Ok).setText(self.tr("Waive"))
        self.box.accepted.connect(self.accept)
        self.box.rejected.connect(self.reject)
        note = QLabel(self.tr("The waiver is logged with your name. It counts only until it expires, and only "
                              "while the evidence stays what it is now; the verdict is {verdict} at best.").format(
            verdict=word("GO WITH WAIVERS")))
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        for widget in (what, note):
            layout.addWidget(widget)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.box)
        self.by.textChanged.connect(self._check)
        self.reason.textChanged.connect(self._check)
        self._check()
        self.setMinimumWidth(520)

    def set_values(self, by: str | None = None, reason: str | None = None, until: str | None = None,
                   whole_dependency: bool | None = None) -> None:
        if by is not None:
            self.by.setText(by)
        if reason is not None:
            self.reason.setPlainText(reason)
        if until is not None:
            self.until.setDate(QDate.fromString(until, "yyyy-MM-dd"))
        if whole_dependency is not None:
            (self.whole_dependency if whole_dependency else self.only_item).setChecked(True)

    def missing(self) -> list[str]:
        return [what for what, ok in ((self.tr("your name"), self.by.text().strip()),
                                      (self.tr("a justification"), self.reason.toPlainText().strip())) if not ok]

    def _check(self) -> None:
        missing = self.missing()
        self.box.button(QDialogButtonBox.Ok).setEnabled(not missing)
        self.hint.setText(self.tr("Needed: {what}.").format(what=self.tr(" and ").join(missing)) if missing else "")

    def request(self) -> WaiverRequest:
        target = self.item.dependency if self.whole_dependency.isChecked() and self.item.dependency else self.item.id
        return WaiverRequest(target, self.by.text().strip(), self.reason.toPlainText().strip(),
                             self.until.date().toString("yyyy-MM-dd"))
