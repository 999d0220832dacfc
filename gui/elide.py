"""Table cells that keep both ends of a sentence, and columns as wide as their text where there is room.

A finding reads "source port 9010 → 41733 (rewritten by NAT)": cut at the right
("source port 901...") it loses the very number that matters.  So the
explanatory columns elide in the middle, only when the text does not fit, and
their tooltip (the model's ToolTipRole) holds the whole sentence.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyledItemDelegate, QTableView


class MiddleElide(QStyledItemDelegate):
    def initStyleOption(self, option, index) -> None:  # noqa: N802
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideMiddle


def elide_middle(view: QTableView, *columns: int) -> None:
    delegate = MiddleElide(view)
    for column in columns:
        view.setItemDelegateForColumn(column, delegate)


def fit_to_text(view: QTableView, columns: dict[int, int]) -> None:
    """Widen each column to its text, up to its cap ({column: cap}); never narrower than it is.
    The stretching column then takes what is left (page._Stretch)."""
    for column, cap in columns.items():
        wanted = view.sizeHintForColumn(column) + 12
        if wanted > view.columnWidth(column):
            view.setColumnWidth(column, min(wanted, cap))
