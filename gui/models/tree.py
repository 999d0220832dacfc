"""A read-only two-level tree (groups -> rows) described by columns, fetched lazily.

Services -> dependencies and phases -> checklist items are both this shape.
Top-level groups, and each group's rows, arrive in batches through
`fetchMore` (Qt asks when a group is expanded and when the view is scrolled
to its end), so a view over 10,000 dependencies or a phase of 12,000
checklist items only builds what is scrolled into sight; Qt's proxies and
views then only map and lay out those rows too.  A search or a filter must
look at every row, so `FilterProxy` calls `fetch_all` first.
"""
from __future__ import annotations

from typing import Any, Optional, Sequence

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QFont

from .table import DISPLAY, FACET_TEXT_ROLE, FACETS_ROLE, FONT, HORIZONTAL, ROW_ROLE, Column, facet_text

_TOP = 0  # internalId of group rows; a child's is its group's row + 1


class TreeModel(QAbstractItemModel):
    group_columns: Sequence[Column] = ()
    child_columns: Sequence[Column] = ()
    batch = 50  # rows per fetch: two screenfuls (an opened group lays out every row fetched into it)

    def __init__(self, groups: Sequence[tuple[Any, Sequence[Any]]] = (), parent: Optional[QObject] = None):
        super().__init__(parent)
        self._groups: list[tuple[Any, Sequence[Any]]] = []
        self._loaded = 0
        self._shown: dict[int, int] = {}  # group row -> its rows fetched so far (absent: the first batch)
        self._inserting = False  # a proxy or view may ask to fetch while rows are being inserted: not twice
        self.set_groups(groups)

    def set_groups(self, groups: Sequence[tuple[Any, Sequence[Any]]]) -> None:
        self.beginResetModel()
        self._groups = [(g, children) for g, children in groups]  # children as given: nothing copied per row
        self._loaded = min(self.batch, len(self._groups))
        self._shown = {}
        self.endResetModel()

    def _children_shown(self, group: int) -> int:
        shown = self._shown.get(group)
        return min(self.batch, len(self._groups[group][1])) if shown is None else shown

    def fetch_all(self) -> None:
        """Every group and every row, now (a search or a sort must see them all)."""
        root = QModelIndex()
        while self.canFetchMore(root):
            self.fetchMore(root)
        for group in range(self._loaded):
            self.fetch_to(group, len(self._groups[group][1]) - 1)

    def fetch_to(self, group: int, row: int) -> None:
        """Fetch up to `row` of `group` (and the group itself), e.g. to select an item not shown yet."""
        root = QModelIndex()
        while group >= self._loaded and self.canFetchMore(root):
            self.fetchMore(root)
        shown, size = self._children_shown(group), len(self._groups[group][1])
        if row >= shown and shown < size and not self._inserting:
            last = min(row, size - 1)
            self._inserting = True
            try:
                self.beginInsertRows(self.index(group, 0), shown, last)
                self._shown[group] = last + 1
                self.endInsertRows()
            finally:
                self._inserting = False

    def groups(self) -> list:
        return [g for g, _ in self._groups]

    def total(self) -> int:
        """Every group, fetched or not."""
        return len(self._groups)

    def facets(self, obj: Any, is_group: bool) -> dict:
        return {}

    def item(self, index: QModelIndex):
        """The core object behind an index (a group or a child)."""
        if not index.isValid():
            return None
        ident = index.internalId()
        if ident == _TOP:
            return self._groups[index.row()][0]
        return self._groups[ident - 1][1][index.row()]

    def is_group(self, index: QModelIndex) -> bool:
        return index.isValid() and index.internalId() == _TOP

    # -- Qt interface -------------------------------------------------------------------

    def index(self, row: int, column: int, parent: QModelIndex = QModelIndex()) -> QModelIndex:
        # Bounds checked here rather than with hasIndex(), which calls back into rowCount() and
        # columnCount(): every call from Qt into Python waits for the GIL while a worker runs, and
        # a view's paint makes thousands of index() calls (bench/bench_gui_open.py).
        if column < 0 or column >= len(self.child_columns) or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, _TOP) if row < self._loaded else QModelIndex()
        if parent.internalId() == _TOP and parent.column() == 0 and row < self._children_shown(parent.row()):
            return self.createIndex(row, column, parent.row() + 1)
        return QModelIndex()

    def parent(self, child: QModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not child.isValid() or child.internalId() == _TOP:
            return QModelIndex()
        return self.createIndex(child.internalId() - 1, 0, _TOP)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        if not parent.isValid():
            return self._loaded
        if parent.internalId() == _TOP and parent.column() == 0:
            return self._children_shown(parent.row())
        return 0

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return len(self.child_columns)

    def hasChildren(self, parent: QModelIndex = QModelIndex()) -> bool:  # noqa: N802
        if not parent.isValid():
            return bool(self._groups)
        return parent.internalId() == _TOP and parent.column() == 0 and len(self._groups[parent.row()][1]) > 0

    def canFetchMore(self, parent: QModelIndex) -> bool:  # noqa: N802
        if self._inserting:
            return False
        if not parent.isValid():
            return self._loaded < len(self._groups)
        return parent.internalId() == _TOP and parent.column() == 0 and \
            self._children_shown(parent.row()) < len(self._groups[parent.row()][1])

    def fetchMore(self, parent: QModelIndex) -> None:  # noqa: N802
        if not self.canFetchMore(parent):
            return
        if not parent.isValid():
            more = min(self.batch, len(self._groups) - self._loaded)
            self._inserting = True
            try:
                self.beginInsertRows(QModelIndex(), self._loaded, self._loaded + more - 1)
                self._loaded += more
                self.endInsertRows()
            finally:
                self._inserting = False
            return
        self.fetch_to(parent.row(), self._children_shown(parent.row()) + self.batch - 1)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY):  # noqa: N802
        if role == DISPLAY and orientation == HORIZONTAL and 0 <= section < len(self.child_columns):
            return self.child_columns[section].shown_header()
        return None

    def data(self, index: QModelIndex, role: int = DISPLAY):
        if not index.isValid() or not 0 <= index.column() < len(self.child_columns):
            return None
        group = index.internalId() == _TOP
        obj = self.item(index)
        if role == FONT and group:
            font = QFont()
            font.setBold(True)
            return font
        if role == ROW_ROLE:
            return obj
        if role == FACETS_ROLE:
            return self.facets(obj, group)
        if role == FACET_TEXT_ROLE:
            return facet_text(self.facets(obj, group)) if index.column() == 0 else ""
        return (self.group_columns if group else self.child_columns)[index.column()].data(obj, role)
