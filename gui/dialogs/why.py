"""Why? — every root cause of the verdict, with its evidence, what clears it and its item ids.

The banner shows the verdict and the first root cause only; this is the rest,
and the one place in the window where item ids are shown (the details).

It opens on the UI thread, so it says the first `PAGE` root causes and how
many more there are; "Show more" adds the next page.  A review of 10,000
dependencies can have 8,000 root causes, and building every line of them (each
sentence translated) before the dialog shows froze the window (issue 27).
"""
from __future__ import annotations

from html import escape

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout

from migready.checks.text.i18n import shown
from migready.checks.text.labels import label
from migready.checks.review.root_causes import lines, tally_text

PAGE = 100  # root causes said per page (each with all its evidence)


class WhyDialog(QDialog):
    def __init__(self, verdict: str, causes: list, warnings: list[str], parent=None):
        super().__init__(parent)
        said = label("verdict", verdict)
        self.causes, self.warnings = causes, warnings
        self.setWindowTitle(self.tr("Why {verdict}").format(verdict=said))
        head = QLabel("<b>" + escape(self.tr("{verdict}: {tally}").format(
            verdict=said, tally=shown(tally_text(causes)))) + "</b>")
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.WidgetWidth)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.FixedFont))
        box = QDialogButtonBox(QDialogButtonBox.Close)
        box.rejected.connect(self.reject)
        self.more = QPushButton()
        self.more.clicked.connect(self.show_more)
        box.addButton(self.more, QDialogButtonBox.ActionRole)
        self.checklist = box.addButton(self.tr("Open the checklist"), QDialogButtonBox.AcceptRole)
        box.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(self.text, 1)
        layout.addWidget(box)
        self.resize(820, 460)
        self.shown_causes = 0
        self.show_more()

    def show_more(self) -> None:
        """Say the next PAGE root causes (the first page when the dialog opens)."""
        upto = min(len(self.causes), self.shown_causes + PAGE)
        self.shown_causes = upto
        shown_part = self.causes[:upto]
        body = [shown(line) for line in lines(shown_part, limit_evidence=99)]
        rest = len(self.causes) - upto
        if rest:
            body.append(self.tr("…and {n} more root causes (Show more)").format(n=rest))
        details = [self.tr("{n}. {headline}\n     items: {items}").format(
            n=n, headline=shown(c.headline), items=", ".join(c.items) or "-") for n, c in enumerate(shown_part, 1)]
        text = "\n".join(body + ([""] + [f"⚠ {shown(w)}" for w in self.warnings] if self.warnings else [])
                         + ["", self.tr("Details (checklist item ids):")] + details)
        bar = self.text.verticalScrollBar()
        position = bar.value()
        self.text.setPlainText(text)
        bar.setValue(position)
        self.more.setText(self.tr("Show {n} more").format(n=min(PAGE, rest)))
        self.more.setVisible(bool(rest))
