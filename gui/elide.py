"""Table cells that keep both ends of a sentence, and columns as wide as their text where there is room.

A finding reads "source port 9010 → 41733 (rewritten by NAT)": cut at the right
("source port 901...") it loses the very number that matters.  So the
explanatory columns elide in the middle, only when the text does not fit, and
their tooltip (the model's ToolTipRole) holds the whole sentence.  A cell of
several findings ("…(rewritten by NAT); source address …") is cut at the right
instead: findings come worst first and each names its values early, so the
middle cut kept "9010 → 5…(translated by NAT)" where the right cut keeps
"source port 9010 → 51063 (rewritten b…".
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyledItemDelegate, QTableView


class MiddleElide(QStyledItemDelegate):
    def initStyleOption(self, option, index) -> None:  # noqa: N802
        super().initStyleOption(option, index)
        option.textElideMode = elide_mode(option.text)


def elide_mode(text: str) -> Qt.TextElideMode:
    """Right for a cell of several findings (the worst first, its values early), else middle."""
    text = (text or "").rstrip()
    several = any(sep in text for sep in ("; ", "；"))  # the reader's separator (full-width in Chinese)
    return Qt.TextElideMode.ElideRight if several else Qt.TextElideMode.ElideMiddle


def elide_middle(view: QTableView, *columns: int) -> None:
    delegate = MiddleElide(view)
    for column in columns:
        view.setItemDelegateForColumn(column, delegate)


SENTENCE_CAP = 640  # the widest a finding's sentence is given before the short columns widen


def fit_to_text(view: QTableView, columns: dict[int, int], stretch: int | None = None) -> None:
    """Widen each column to its text, up to its cap ({column: cap}); never narrower than it is.
    The stretching column then takes what is left (page._Stretch).  With `stretch` (that column),
    only the room its own text leaves is given away: at 1024 px the finding's sentence keeps its
    width and the dependency stays elided in the middle, at 1920 px both are whole."""
    room = None
    if stretch is not None:
        header = view.horizontalHeader()
        others = sum(header.sectionSize(i) for i in range(header.count())
                     if i != stretch and not header.isSectionHidden(i))
        room = view.viewport().width() - others - min(view.sizeHintForColumn(stretch) + 12, SENTENCE_CAP)
    for column, cap in columns.items():
        extra = min(view.sizeHintForColumn(column) + 12, cap) - view.columnWidth(column)
        if room is not None:
            extra = min(extra, room)
            room -= max(extra, 0)
        if extra > 0:
            view.setColumnWidth(column, view.columnWidth(column) + extra)
