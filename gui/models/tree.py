"""A read-only two-level tree (groups -> rows) described by columns, fetched lazily.

Services -> dependencies and phases -> checklist items are both this shape.
Top-level groups arrive in batches through `fetchMore`, so a view over
10,000 dependencies only builds what is scrolled into sight.
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
    batch = 200

    def __init__(self, groups: Sequence[tuple[Any, Sequence[Any]]] = (), parent: Optional[QObject] = None):
        super().__init__(parent)
        self._groups: list[tuple[Any, Sequence[Any]]] = []
        self._loaded = 0
        self.set_groups(groups)

    def set_groups(self, groups: Sequence[tuple[Any, Sequence[Any]]]) -> None:
        self.beginResetModel()
        self._groups = [(g, children) for g, children in groups]  # children as given: nothing copied per row
        self._loaded = min(self.batch, len(self._groups))
        self.endResetModel()

    def groups(self) -> list:
        return [g for g, _ in self._groups]

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
        if parent.internalId() == _TOP and parent.column() == 0 and row < len(self._groups[parent.row()][1]):
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
            return len(self._groups[parent.row()][1])
        return 0

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return len(self.child_columns)

    def hasChildren(self, parent: QModelIndex = QModelIndex()) -> bool:  # noqa: N802
        return self.rowCount(parent) > 0

    def canFetchMore(self, parent: QModelIndex) -> bool:  # noqa: N802
        return not parent.isValid() and self._loaded < len(self._groups)

    def fetchMore(self, parent: QModelIndex) -> None:  # noqa: N802
        if not self.canFetchMore(parent):
            return
        more = min(self.batch, len(self._groups) - self._loaded)
        self.beginInsertRows(QModelIndex(), self._loaded, self._loaded + more - 1)
        self._loaded += more
        self.endInsertRows()

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
