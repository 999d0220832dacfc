"""Why? — every root cause of the verdict, with its evidence, what clears it and its item ids.

The banner shows the verdict and the first root cause only; this is the rest,
and the one place in the window where item ids are shown (the details).
"""
from __future__ import annotations

from html import escape

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout

from migready.checks.text.i18n import shown
from migready.checks.text.labels import label
from migready.checks.review.root_causes import lines, tally_text


class WhyDialog(QDialog):
    def __init__(self, verdict: str, causes: list, warnings: list[str], parent=None):
        super().__init__(parent)
        said = label("verdict", verdict)
        self.setWindowTitle(self.tr("Why {verdict}").format(verdict=said))
        head = QLabel("<b>" + escape(self.tr("{verdict}: {tally}").format(
            verdict=said, tally=shown(tally_text(causes)))) + "</b>")
        body = [shown(line) for line in lines(causes, limit_evidence=99)]
        details = [self.tr("{n}. {headline}\n     items: {items}").format(
            n=n, headline=shown(c.headline), items=", ".join(c.items) or "-") for n, c in enumerate(causes, 1)]
        text = "\n".join(body + ([""] + [f"⚠ {shown(w)}" for w in warnings] if warnings else [])
                         + ["", self.tr("Details (checklist item ids):")] + details)
        self.text = QPlainTextEdit(text)
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.WidgetWidth)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.FixedFont))
        box = QDialogButtonBox(QDialogButtonBox.Close)
        box.rejected.connect(self.reject)
        self.checklist = box.addButton(self.tr("Open the checklist"), QDialogButtonBox.AcceptRole)
        box.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(self.text, 1)
        layout.addWidget(box)
        self.resize(820, 460)
