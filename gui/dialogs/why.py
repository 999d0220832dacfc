"""Why? — every root cause of the verdict, with its evidence, what clears it and its item ids.

The banner shows the verdict and the first root cause only; this is the rest,
and the one place in the window where item ids are shown (the details).
"""
from __future__ import annotations

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout

from migready.checks.root_causes import lines, tally_text


class WhyDialog(QDialog):
    def __init__(self, verdict: str, causes: list, warnings: list[str], parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"Why {verdict}")
        head = QLabel(f"<b>{verdict}: {tally_text(causes)}</b>")
        body = lines(causes, limit_evidence=99)
        details = [f"{n}. {c.headline}\n     items: {', '.join(c.items) or '-'}" for n, c in enumerate(causes, 1)]
        text = "\n".join(body + ([""] + [f"⚠ {w}" for w in warnings] if warnings else [])
                         + ["", "Details (checklist item ids):"] + details)
        self.text = QPlainTextEdit(text)
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.WidgetWidth)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.FixedFont))
        box = QDialogButtonBox(QDialogButtonBox.Close)
        box.rejected.connect(self.reject)
        self.checklist = box.addButton("Open the checklist", QDialogButtonBox.AcceptRole)
        box.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(self.text, 1)
        layout.addWidget(box)
        self.resize(820, 460)
