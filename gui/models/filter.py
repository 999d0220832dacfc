"""Search and facet filtering over any model of this package (tables and trees).

A row passes when every chosen facet matches (`FACETS_ROLE` of its first
cell) and the search text occurs, case-insensitively, in one of its cells.
In a tree a child row also matches on its parent's name (search a service,
see its dependencies that pass the facets), and a parent stays visible when
one of its children matches.
"""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QModelIndex, QObject, QSortFilterProxyModel, Qt

from .table import FACETS_ROLE, SORT_ROLE


class FilterProxy(QSortFilterProxyModel):
    def __init__(self, parent: Optional[QObject] = None):
        super().__init__(parent)
        self._text = ""
        self._facets: dict[str, str] = {}
        self.setSortRole(SORT_ROLE)
        self.setRecursiveFilteringEnabled(True)
        self.setSortCaseSensitivity(Qt.CaseInsensitive)

    def set_text(self, text: str) -> None:
        self._change(lambda: setattr(self, "_text", text.strip().lower()))

    def set_facet(self, name: str, value: Optional[str]) -> None:
        """Keep rows whose facet `name` is (or contains) `value`; None or "" clears it."""
        if value:
            self._change(lambda: self._facets.__setitem__(name, value))
        else:
            self._change(lambda: self._facets.pop(name, None))

    def _change(self, apply) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.9; invalidateFilter() is deprecated there
            self.beginFilterChange()
            apply()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            apply()
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex) -> bool:  # noqa: N802
        model = self.sourceModel()
        first = model.index(source_row, 0, source_parent)
        if self._facets:
            facets = model.data(first, FACETS_ROLE) or {}
            for name, wanted in self._facets.items():
                have = facets.get(name)
                if have is None or (wanted not in have if isinstance(have, (set, frozenset, tuple, list))
                                    else have != wanted):
                    return False
        if self._text:
            cells = [model.data(model.index(source_row, c, source_parent), Qt.DisplayRole)
                     for c in range(model.columnCount(source_parent))]
            if source_parent.isValid():
                cells.append(model.data(source_parent.siblingAtColumn(0), Qt.DisplayRole))
            return any(self._text in str(cell).lower() for cell in cells if cell)
        return True
