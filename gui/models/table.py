"""A read-only table model over a list of core objects, described by columns.

Every table of the GUI is one of these with its own `Column` list: text,
a sort key (`SORT_ROLE`, so "blocker" sorts above "high" and numbers sort
as numbers), a state word whose tint colours the cell (always shown with
the word itself), a tooltip, and the facets the filter proxy matches on.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional, Sequence

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QObject, Qt

from migready.checks.text.i18n import shown

from .. import style

# Roles as plain ints, read once.  A view's paint asks data() for ~10 roles per cell, and spelling a role
# `Qt.DisplayRole` costs ~7.5 us per access in PySide6 6.x (the old-enum compatibility lookup) against
# 0.01 us for comparing ints: it made each data() call ~57 us, most of a 10,000-row table's first paint
# (bench/bench_gui_open.py; gui/host_matrix.py does the same).
DISPLAY, TOOLTIP, BACKGROUND, ALIGNMENT, FONT = (int(r.value) for r in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.BackgroundRole,
    Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.FontRole))
HORIZONTAL = Qt.Orientation.Horizontal
RIGHT_ALIGNED = int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)
_USER = int(Qt.ItemDataRole.UserRole.value)
SORT_ROLE = _USER + 1
ROW_ROLE = _USER + 2  # the core object behind the row
FACETS_ROLE = _USER + 3  # {facet name: value or set of values}, for FilterProxy
TONE_ROLE = _USER + 4  # the state word the cell's tint comes from
FACET_TEXT_ROLE = _USER + 5  # the facets as "|name=value|...|", what FilterProxy matches in C++
SEARCH_ROLE = _USER + 6  # a cell's whole text, what the search matches (the cell may show less)
# A cell shows at most this many characters (no column is wider; the tooltip and the details have the
# rest).  Qt lays out the whole string to elide it: a checklist item's 1,600-character evidence made
# each painted row cost ~2 ms, a repaint of the checklist 60-110 ms instead of ~20 (bench_gui_open.py).
CELL_CHARS = 400
_TINTED = (BACKGROUND, TONE_ROLE)


def facet_text(facets: dict) -> str:
    """``|name=value|...|`` for a facets dict whose values are strings or sets of strings."""
    parts = []
    for name, value in facets.items():
        values = value if isinstance(value, (set, frozenset, tuple, list)) else (value,)
        parts += [f"{name}={v}" for v in sorted(values)]
    return "|" + "|".join(parts) + "|" if parts else ""


@dataclass
class Column:
    header: str  # marked QT_TRANSLATE_NOOP("Column", ...): translated when the view asks for it
    text: Callable[[Any], str]
    sort: Optional[Callable[[Any], Any]] = None
    state: Optional[Callable[[Any], str]] = None
    tip: Optional[Callable[[Any], str]] = None
    align_right: bool = False

    def shown_header(self) -> str:
        return QCoreApplication.translate("Column", self.header) if self.header else ""

    def data(self, obj: Any, role: int):
        """This column's value of `obj` for the roles tables and trees share; None for any other role.

        Text from the core (a `Msg`: rule titles, reasons, evidence) is shown in the reader's
        language, and the search filter and the default sort see that same text (the whole of it,
        where the cell shows the first CELL_CHARS)."""
        if role == DISPLAY:
            text = shown(self.text(obj))
            return text if len(text) <= CELL_CHARS else text[:CELL_CHARS - 1] + "…"
        if role == SEARCH_ROLE:
            return shown(self.text(obj))
        if role == SORT_ROLE:
            return self.sort(obj) if self.sort else shown(self.text(obj))
        if role == TOOLTIP:
            return shown(self.tip(obj) if self.tip else self.text(obj)) or None
        if role in _TINTED and self.state:
            state = self.state(obj)
            return state if role == TONE_ROLE else style.tint(state)
        if role == ALIGNMENT and self.align_right:
            return RIGHT_ALIGNED
        return None


class TableModel(QAbstractTableModel):
    """`batch`: when set, the view gets that many rows at first and as many more each time it is
    scrolled to the end (`fetchMore`), so Qt's proxies and the view only map and lay out what is seen;
    a search, a filter or a sort fetches them all first (`FilterProxy`)."""

    columns: Sequence[Column] = ()
    batch: Optional[int] = None

    def __init__(self, rows: Sequence[Any] = (), parent: Optional[QObject] = None):
        super().__init__(parent)
        self._rows = list(rows)
        self._shown = self._first_batch()
        self._inserting = False  # a proxy or view may ask to fetch while rows are being inserted: not twice

    def _first_batch(self) -> int:
        return len(self._rows) if self.batch is None else min(self.batch, len(self._rows))

    # -- contents -------------------------------------------------------------------------

    def rows(self) -> list:
        return list(self._rows)

    def total(self) -> int:
        """Every row, fetched or not."""
        return len(self._rows)

    def row(self, index: QModelIndex | int):
        number = index if isinstance(index, int) else index.row()
        return self._rows[number] if 0 <= number < len(self._rows) else None

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._shown = self._first_batch()
        self.endResetModel()

    def append_rows(self, rows: Sequence[Any]) -> None:
        if not rows:
            return
        if self._shown < len(self._rows):  # not all fetched yet: the new ones come with the rest
            self._rows.extend(rows)
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        self._shown = len(self._rows)
        self.endInsertRows()

    def fetch_all(self) -> None:
        self.fetch_to(len(self._rows) - 1)

    def fetch_to(self, row: int) -> None:
        last = min(row, len(self._rows) - 1)
        if last < self._shown or self._inserting:
            return
        self._inserting = True
        try:
            self.beginInsertRows(QModelIndex(), self._shown, last)
            self._shown = last + 1
            self.endInsertRows()
        finally:
            self._inserting = False

    def facets(self, row: Any) -> dict:
        return {}

    # -- Qt interface -----------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else self._shown

    def canFetchMore(self, parent: QModelIndex) -> bool:  # noqa: N802
        return not parent.isValid() and self._shown < len(self._rows) and not self._inserting

    def fetchMore(self, parent: QModelIndex) -> None:  # noqa: N802
        if self.canFetchMore(parent):
            self.fetch_to(self._shown + (self.batch or len(self._rows)) - 1)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY):  # noqa: N802
        if role == DISPLAY and orientation == HORIZONTAL and 0 <= section < len(self.columns):
            return self.columns[section].shown_header()
        return None

    def data(self, index: QModelIndex, role: int = DISPLAY):
        if not index.isValid() or not (0 <= index.row() < self._shown) \
                or not (0 <= index.column() < len(self.columns)):
            return None
        row = self._rows[index.row()]
        if role == ROW_ROLE:
            return row
        if role == FACETS_ROLE:
            return self.facets(row)
        if role == FACET_TEXT_ROLE:
            return facet_text(self.facets(row)) if index.column() == 0 else ""
        return self.columns[index.column()].data(row, role)
