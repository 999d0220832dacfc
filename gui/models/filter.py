"""Search and facet filtering over any model of this package (tables and trees), in C++.

Two proxies in a chain, both plain QSortFilterProxyModel filtering (no Python
`filterAcceptsRow`: with 10,000 rows a Python call per row per refresh is what
makes a window stutter).  The inner one keeps rows whose facets match: each
model gives its first cell a `FACET_TEXT_ROLE` string like
``|protocol=udp|severity=blocker|severity=high|`` and the chosen facets
become one regular expression of look-aheads; with no facet chosen the
pattern is empty and Qt accepts every row without asking the model.  The
outer one searches the text of every cell, case-insensitively, and sorts
by `SORT_ROLE`.  In trees a parent stays when a child matches, and the
children of a parent that matches the search stay.  A search, a facet or a
sort first fetches every row of a lazy model (`fetch_all`): it must see them.
"""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QModelIndex, QObject, QRegularExpression, QSortFilterProxyModel, Qt

from .table import FACET_TEXT_ROLE, SEARCH_ROLE, SORT_ROLE, facet_text  # noqa: F401 - facet_text re-exported


class FilterProxy(QSortFilterProxyModel):
    def __init__(self, parent: Optional[QObject] = None):
        super().__init__(parent)
        self._facets: dict[str, str] = {}
        self.facet_proxy = QSortFilterProxyModel(self)
        self.facet_proxy.setFilterRole(FACET_TEXT_ROLE)
        self.facet_proxy.setFilterKeyColumn(0)
        self.facet_proxy.setRecursiveFilteringEnabled(True)
        super().setSourceModel(self.facet_proxy)
        self.setFilterKeyColumn(-1)
        self.setFilterRole(SEARCH_ROLE)  # a cell's whole text, not only what it shows (CELL_CHARS)
        self.setFilterCaseSensitivity(Qt.CaseInsensitive)
        self.setRecursiveFilteringEnabled(True)
        self.setAutoAcceptChildRows(True)
        self.setSortRole(SORT_ROLE)
        self.setSortCaseSensitivity(Qt.CaseInsensitive)

    def setSourceModel(self, model) -> None:  # noqa: N802 - Qt naming
        self.facet_proxy.setSourceModel(model)
        model.modelReset.connect(self._source_reset)

    def _source_reset(self) -> None:
        """New rows under a sort or a filter that is already on (a column sorted in a past session): it
        must see them all, as when it was chosen."""
        if self.sortColumn() >= 0 or self._facets or self.filterRegularExpression().pattern():
            self._fetch_all()

    def model(self):
        return self.facet_proxy.sourceModel()

    def map_from_model(self, index: QModelIndex) -> QModelIndex:
        return self.mapFromSource(self.facet_proxy.mapFromSource(index))

    def _fetch_all(self) -> None:
        """A filter or a sort looks at every row: a lazy model (`fetchMore`) gives them all first."""
        fetch_all = getattr(self.model(), "fetch_all", None)
        if fetch_all is not None:
            fetch_all()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if column >= 0:
            self._fetch_all()
        super().sort(column, order)

    def set_text(self, text: str) -> None:
        if text.strip():
            self._fetch_all()
        self.setFilterFixedString(text.strip())

    def set_facet(self, name: str, value: Optional[str]) -> None:
        """Keep rows whose facet `name` is (or contains) `value`; None or "" clears it."""
        if value:
            self._facets[name] = value
            self._fetch_all()
        else:
            self._facets.pop(name, None)
        pattern = "".join(f"(?=.*\\|{QRegularExpression.escape(n)}={QRegularExpression.escape(v)}\\|)"
                          for n, v in sorted(self._facets.items()))
        self.facet_proxy.setFilterRegularExpression(QRegularExpression(pattern))
