"""The verdict banner (always visible, updated live) and the inline message bar.

The banner says the verdict in words (GO / GO WITH WAIVERS / NO-GO) on a
solid colour, with the counts and the first reasons; the message bar shows
errors in words without a modal dialog, so nothing ever waits for a click
nobody will make.

The banner runs on the UI thread after every review, and a review of 10,000
dependencies can have 8,000 root causes: its tooltip says the first
`TOOLTIP_CAUSES` of them and how many more there are ("Why?" pages through the
rest), so what the UI thread does here does not grow with the root causes.
Building all of them (a 3 MB tooltip, every sentence translated) froze the
window for 160-230 ms (issue 27).
"""
from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QVBoxLayout

from migready.checks.text.i18n import shown
from migready.checks.review.root_causes import lines, tally_text

from . import style

SHOWN_REASONS = 2
TOOLTIP_CAUSES = 10  # root causes said in the tooltip (with their first evidence); the rest are counted
HEADLINE_CHARS = 110  # the banner stays two lines: the tally and the first root cause


class VerdictBanner(QFrame):
    details_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("verdict-banner")
        self.setFrameShape(QFrame.NoFrame)
        self.verdict = QLabel()
        self.verdict.setObjectName("verdict")
        font = self.verdict.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.verdict.setFont(font)
        self.reasons = QLabel()
        self.reasons.setWordWrap(True)
        self.reasons.setTextFormat(Qt.RichText)
        self.more = QPushButton(self.tr("Why? ▸"))
        self.more.setToolTip(self.tr("Every root cause, with its evidence and what clears it"))
        self.more.clicked.connect(self.details_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 10, 4)
        layout.addWidget(self.verdict)
        layout.addWidget(self.reasons, 1)
        layout.addWidget(self.more)
        self.word = ""
        self.causes = []
        self.show_verdict(None)

    def show_verdict(self, verdict, pending: bool = False, why: str = "", causes=None) -> None:
        """`verdict` is the core's Verdict (None: nothing to judge yet, `why` says so if given);
        `causes` its root causes (checks/review/root_causes.py): the banner shows the tally and the first."""
        if verdict is None:
            self.word = ""
            self.verdict.setText("…" if pending else self.tr("No verdict yet"))
            self.reasons.setText(self.tr("Computing…") if pending else why or self.tr("Open an inventory to start."))
            self._paint("todo")
            self.more.setVisible(False)
            return
        self.word = verdict.verdict
        self.verdict.setText(f"{style.symbol(verdict.verdict)} {style.word(verdict.verdict)}")
        if not getattr(verdict, "probed", True):  # nothing measured yet: not a red NO-GO (issue 22)
            self.verdict.setText(self.tr("Not probed yet"))
        causes = causes if isinstance(causes, list) else list(causes or ())  # no copy of a big list
        self.causes = causes
        tally = shown(tally_text(causes)) if causes else self.tr("nothing open")
        first = ""
        if causes:
            c = causes[0]
            headline = shown(c.headline)
            headline = headline if len(headline) <= HEADLINE_CHARS else headline[:HEADLINE_CHARS - 1] + "…"
            first = f"<br>{escape(style.label(c.state))} {escape(headline)}"  # all of it: tooltip, Why?
        warn = " · ⚠ " + style.counted(len(verdict.warnings), self.tr("{n} warning"), self.tr("{n} warnings")) \
            if verdict.warnings else ""
        self.reasons.setText(f"<b>{escape(tally)}</b>{warn}{first}")
        self.reasons.setToolTip(self._tooltip(causes, verdict.reasons))
        self._paint(verdict.verdict if getattr(verdict, "probed", True) else "todo")
        self.more.setVisible(True)

    def _tooltip(self, causes: list, reasons: list) -> str:
        """The first TOOLTIP_CAUSES root causes as the CLI says them, then how many more (Why? has them all)."""
        if not causes:
            text = [shown(r) for r in reasons[:TOOLTIP_CAUSES]]
            more = len(reasons) - len(text)
        else:
            text = lines(causes[:TOOLTIP_CAUSES])
            more = len(causes) - min(len(causes), TOOLTIP_CAUSES)
        if more > 0:
            text.append(style.counted(more, self.tr("…and {n} more root cause (Why? ▸)"),
                                      self.tr("…and {n} more root causes (Why? ▸)")))
        return "\n".join(text)

    def _paint(self, state: str) -> None:
        if state == "todo":
            self.setStyleSheet("")
            return
        colour = style.strong(state)
        text = "#000000" if state == "GO WITH WAIVERS" else "#ffffff"
        if state == "GO WITH WAIVERS":
            colour = style.QColor("#f2b600")
        # the button too: left to the style it stays light on the dark palette and on a red banner
        self.setStyleSheet(f"#verdict-banner {{ background: {colour.name()}; }} "
                           f"#verdict-banner QLabel {{ color: {text}; }} "
                           f"#verdict-banner QPushButton {{ color: {text}; background: rgba(0, 0, 0, 40); "
                           f"border: 1px solid {text}; border-radius: 3px; padding: 3px 10px; }}")


class MessageBar(QFrame):
    """An error or note in words, until closed; the status bar keeps a short copy."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("message-bar")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextSelectableByMouse)
        close = QToolButton()
        close.setText("✕")
        close.setToolTip(self.tr("Dismiss"))
        close.clicked.connect(self.hide)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(self.text, 1)
        row.addWidget(close, 0, Qt.AlignTop)
        layout.addLayout(row)
        layout.setContentsMargins(10, 6, 6, 6)
        self.hide()

    def show_message(self, title: str, text: str, state: str = "fail") -> None:
        self.text.setText(f"<b>{escape(style.label(state))} {escape(title)}</b><br>"
                          + escape(text).replace("\n", "<br>"))
        self.state = state
        self._paint()
        self.show()

    def _paint(self) -> None:
        tint = style.tint(getattr(self, "state", "fail"))
        self.setStyleSheet(f"#message-bar {{ background: {tint.name()}; }}" if tint else "")

    def palette_changed(self) -> None:
        self._paint()
