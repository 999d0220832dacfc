"""What every step page shares: the session, the interaction, remembered layout, table helpers."""
from __future__ import annotations

from html import escape
from typing import Optional

from PySide6.QtCore import QEvent, QObject, QSettings, Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QSizePolicy, QSplitter, QTableView, QTreeView, QWidget)

from . import style


class Page(QWidget):
    key = ""
    title = ""

    def __init__(self, session, interaction, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.session, self.interaction = session, interaction
        self._persisted: dict[str, QWidget] = {}
        self.setObjectName(f"page-{self.key}")

    def activate(self) -> None:
        """Called when the page becomes the visible step."""

    def palette_changed(self) -> None:
        """The application palette changed (light <-> dark): redo explicit tints."""

    # -- layout remembered between sessions (QSettings) -----------------------------------

    def persist(self, name: str, widget: QWidget) -> None:
        self._persisted[name] = widget

    def save_state(self, settings: QSettings) -> None:
        for name, widget in self._persisted.items():
            if isinstance(widget, QTableView):
                state = widget.horizontalHeader().saveState()
            elif isinstance(widget, QTreeView):
                state = widget.header().saveState()
            else:
                state = widget.saveState()
            settings.setValue(f"pages/{self.key}/{name}", state)

    def restore_state(self, settings: QSettings) -> None:
        for name, widget in self._persisted.items():
            state = settings.value(f"pages/{self.key}/{name}")
            if state is None:
                continue
            if isinstance(widget, QTableView):
                widget.horizontalHeader().restoreState(state)
            elif isinstance(widget, QTreeView):
                widget.header().restoreState(state)
            elif isinstance(widget, QSplitter):
                widget.restoreState(state)


class FilledWhenShown:
    """For a page whose contents follow the inventory but cost something to fill (a combo entry per
    service or dependency): filled when it is shown, so that opening a big inventory never waits for
    a page nobody is looking at.  The page's `fill_from_inventory` fills it and clears `_stale`."""

    _stale = True

    def _inventory_changed(self) -> None:
        self._stale = True
        if self.isVisible():
            self.fill_from_inventory()

    def activate(self) -> None:
        if self._stale:
            self.fill_from_inventory()


class StateLine(QLabel):
    """The line saying how a page's work stands: a state word (not colour alone) and the text, tinted
    by state, and tinted again when the palette changes (light/dark)."""

    def __init__(self, name: str):
        super().__init__()
        self.setWordWrap(True)
        self.setObjectName(name)
        self.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Minimum)
        self.told: tuple[str, str] | None = None

    def tell(self, state: str, text: str) -> None:
        self.told = (state, text)
        self.setText(f"{style.label(state)} — {escape(text)}")
        tint = style.tint(state)
        self.setStyleSheet(f"QLabel {{ padding: 4px; background: {tint.name()}; }}" if tint else
                           "QLabel { padding: 4px; }")

    def retint(self) -> None:
        if self.told:
            self.tell(*self.told)


def heading(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.RichText)
    label.setTextInteractionFlags(Qt.TextSelectableByMouse)
    return label


def table_view(model, widths: dict[int, int] | None = None, stretch: int | None = None) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSortingEnabled(True)
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QAbstractItemView.SelectRows)
    view.setSelectionMode(QAbstractItemView.SingleSelection)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.ElideRight)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.Interactive)
    header.setStretchLastSection(stretch is None)
    for column, width in (widths or {}).items():
        view.setColumnWidth(column, width)
    if stretch is not None:
        _Stretch(view, stretch)
    view.sortByColumn(-1, Qt.AscendingOrder)
    return view


class _Stretch(QObject):
    """The explanatory column takes the room the others leave, but never less than STRETCH_MIN
    (the table scrolls sideways instead of cutting it to a few letters at 1024 px)."""

    STRETCH_MIN = 280

    def __init__(self, view, column: int):
        super().__init__(view)
        self.view, self.column = view, column
        view.viewport().installEventFilter(self)
        view.horizontalHeader().sectionResized.connect(self._other_resized)

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Resize:
            self.fit()
        return False

    def _other_resized(self, index: int, _old: int, _new: int) -> None:
        if index != self.column:
            self.fit()

    def fit(self) -> None:
        header = self.view.horizontalHeader()
        others = sum(header.sectionSize(i) for i in range(header.count())
                     if i != self.column and not header.isSectionHidden(i))
        width = max(self.STRETCH_MIN, self.view.viewport().width() - others)
        if header.sectionSize(self.column) != width:
            header.resizeSection(self.column, width)  # its sectionResized is ours: _other_resized ignores it


def tree_view(model, widths: dict[int, int] | None = None, stretch: int | None = None) -> QTreeView:
    """`stretch`: the explanatory column that takes the room left (default: the last)."""
    view = QTreeView()
    view.setModel(model)
    view.setSortingEnabled(True)
    view.sortByColumn(-1, Qt.AscendingOrder)
    view.setAlternatingRowColors(True)
    view.setUniformRowHeights(True)
    view.setSelectionBehavior(QAbstractItemView.SelectRows)
    view.setTextElideMode(Qt.ElideRight)
    for column, width in (widths or {}).items():
        view.setColumnWidth(column, width)
    if stretch is not None:
        view.header().setStretchLastSection(False)
        view.header().setSectionResizeMode(stretch, QHeaderView.Stretch)
    return view


def facet_combo(everything: str, values: list[tuple[str, str]]) -> QComboBox:
    """A filter drop-down: first entry shows everything; the others carry their facet value as data."""
    combo = QComboBox()
    combo.addItem(everything, "")
    for text, value in values:
        combo.addItem(text, value)
    combo.setSizeAdjustPolicy(QComboBox.AdjustToContents)
    return combo


def reset_combo(combo: QComboBox, everything: str, values: list[tuple[str, str]]) -> None:
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(everything, "")
    for text, value in values:
        combo.addItem(text, value)
    index = combo.findData(current)
    combo.setCurrentIndex(max(index, 0))
    combo.blockSignals(False)


class OpensDroppedFiles:
    """For a widget with a `session`: an inventory or workspace file dropped on it is opened."""

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if dropped_path(event):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        path = dropped_path(event)
        if path:
            self.session.open_path(path)
            event.acceptProposedAction()


def dropped_path(event) -> str | None:
    """The first local file of a drag-and-drop event, if any."""
    mime = event.mimeData()
    if mime is None or not mime.hasUrls():
        return None
    for url in mime.urls():
        if url.isLocalFile():
            return url.toLocalFile()
    return None


class Browser:
    """The scaffold five pages share: a search field and facet combos over a filtering proxy of the
    page's model, laid out as one bar.  `facets` maps the proxy's facet name to its combo; the text
    search calls `on_text` (default: the proxy's own text filter)."""

    def __init__(self, page: QWidget, model, placeholder: str, facets: dict[str, QComboBox],
                 on_text=None):
        from .models.filter import FilterProxy
        self.model = model
        self.proxy = FilterProxy(page)
        self.proxy.setSourceModel(model)
        self.search = QLineEdit()
        self.search.setPlaceholderText(placeholder)
        self.search.setClearButtonEnabled(True)
        self.facets = facets
        self.search.textChanged.connect(on_text or self.proxy.set_text)
        for name, combo in facets.items():
            combo.currentIndexChanged.connect(lambda _=0, n=name, c=combo: self.proxy.set_facet(n, c.currentData()))

    def bar(self, *before: QWidget) -> QHBoxLayout:
        """The filter bar: `before` widgets, the search (taking the stretch), then the facets."""
        row = QHBoxLayout()
        for widget in before:
            row.addWidget(widget)
        row.addWidget(self.search, 1)
        for combo in self.facets.values():
            row.addWidget(combo)
        return row


def with_details(page: "Page", top: QWidget, bottom: QWidget, sizes: tuple[int, int],
                 name: str = "split") -> QSplitter:
    """A view above its details, the division remembered per page."""
    split = QSplitter(Qt.Vertical)
    split.addWidget(top)
    split.addWidget(bottom)
    split.setSizes(list(sizes))
    page.persist(name, split)
    return split
