"""Step 1: the inventory — services and their dependencies, or what is wrong with the file.

Open it by the button, the recent list or drag and drop.  A valid file
shows as a tree (kind, device type, protocol, zone, flags) with search and
facet filters; an invalid one lists every problem as file:line:column and
shows the offending line when a problem is clicked.
"""
from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFontDatabase, QTextCursor, QTextFormat
from PySide6.QtWidgets import (QLabel, QMenu, QPlainTextEdit, QPushButton, QSplitter,
                               QStackedWidget, QTextEdit, QToolButton, QVBoxLayout, QWidget)

from migready.checks.text.i18n import shown
from migready.checks.inventory.rules import SEVERITIES

from . import style
from .interaction import INVENTORY_FILTER
from .models.inventory import InventoryModel
from .models.problems import ProblemsModel, location
from .models.words import badge, plural, word
from .page import Browser, OpensDroppedFiles, Page, facet_combo, heading, reset_combo, table_view, tree_view


class InventoryPage(OpensDroppedFiles, Page):
    key, title = "inventory", "Inventory"

    def __init__(self, session, interaction, parent=None, recent=None):
        super().__init__(session, interaction, parent)
        self.recent = recent
        self.setAcceptDrops(True)
        self.summary = heading(self.tr("Open an inventory (File ▸ Open, or drop a YAML file here)."))
        self.open_button = QPushButton(self.tr("Open inventory…"))
        self.open_button.clicked.connect(self.ask_open)
        self.recent_button = QToolButton()
        self.recent_button.setText(self.tr("Recent"))
        self.recent_button.setPopupMode(QToolButton.InstantPopup)
        self.recent_menu = QMenu(self.recent_button)
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.recent_button.setMenu(self.recent_menu)
        self.recent_button.setVisible(recent is not None)
        self.device = facet_combo(self.tr("all device types"), [])
        self.protocol = facet_combo(self.tr("all protocols"), [])
        self.severity = facet_combo(self.tr("any flag"), [(badge(s), s) for s in SEVERITIES])
        browser = Browser(self, InventoryModel(parent=self), self.tr("Search services, dependencies, hosts…"),
                          {"device_type": self.device, "protocol": self.protocol, "severity": self.severity},
                          on_text=self._filter_text)
        self.model, self.proxy, self.search = browser.model, browser.proxy, browser.search
        self.tree = tree_view(self.proxy, {0: 175, 1: 105, 2: 100, 3: 105, 4: 60, 5: 95, 6: 130})
        self.tree.setObjectName("inventory-tree")
        self.persist("tree", self.tree)

        self.problems = ProblemsModel(parent=self)
        self.problem_table = table_view(self.problems, {0: 190, 1: 260}, stretch=2)
        self.problem_table.clicked.connect(self.show_problem)
        self.problem_table.activated.connect(self.show_problem)
        self.source = QPlainTextEdit()
        self.source.setReadOnly(True)
        self.source.setLineWrapMode(QPlainTextEdit.NoWrap)
        self.source.setFont(QFontDatabase.systemFont(QFontDatabase.FixedFont))
        self.where = QLabel()
        self.where.setWordWrap(True)
        problems = QWidget()
        problems_layout = QVBoxLayout(problems)
        problems_layout.setContentsMargins(0, 0, 0, 0)
        self.problem_title = heading()
        problems_layout.addWidget(self.problem_title)
        split = QSplitter(Qt.Vertical)
        split.addWidget(self.problem_table)
        source_box = QWidget()
        source_layout = QVBoxLayout(source_box)
        source_layout.setContentsMargins(0, 0, 0, 0)
        source_layout.addWidget(self.where)
        source_layout.addWidget(self.source)
        split.addWidget(source_box)
        split.setSizes([250, 350])
        problems_layout.addWidget(split)
        self.persist("problems-split", split)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.tree)
        self.stack.addWidget(problems)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(browser.bar(self.open_button, self.recent_button))
        layout.addWidget(self.stack, 1)

        session.inventory_changed.connect(self.refresh)
        session.busy_changed.connect(self._busy)
        self.refresh()

    # -- actions -----------------------------------------------------------------------------

    def ask_open(self) -> None:
        path = self.interaction.open_file(self.tr("Open inventory"), INVENTORY_FILTER)
        if path:
            self.session.open_inventory(path)

    def _fill_recent(self) -> None:
        if self.recent is not None:
            self.recent.fill(self.recent_menu, self.session.open_path)

    def _filter_text(self, text: str) -> None:
        self.proxy.set_text(text)
        if text:
            self.tree.expandAll()

    def _busy(self, what: str) -> None:
        if what:
            self.summary.setText(f"<i>{what}</i>")

    # -- showing -----------------------------------------------------------------------------

    def refresh(self) -> None:
        session = self.session
        if session.problems:
            self.problems.set_rows(session.problems)
            self.problem_table.resizeColumnToContents(0)
            count = len(session.problems)
            self.summary.setText(self.tr("<b>{path}</b> cannot be used yet.").format(
                path=escape(str(session.inventory_path))))
            problems = plural(count, self.tr("{n} problem to fix"), self.tr("{n} problems to fix"))
            self.problem_title.setText(self.tr("<b>{symbol} {problems}</b>; click one to see the line.").format(
                symbol=style.symbol("fail"), problems=problems))
            self.stack.setCurrentIndex(1)
            self._filters_visible(False)
            self.problem_table.setCurrentIndex(self.problems.index(0, 0))
            self.show_problem(self.problems.index(0, 0))
            return
        self.problems.set_rows([])
        self.stack.setCurrentIndex(0)
        self._filters_visible(True)
        inventory = session.inventory
        tally = session.tally()  # counted by the worker that loaded it (gui/tallies.py)
        self.model.set_inventory(inventory, session.flags, tally)
        if inventory is None:
            return
        reset_combo(self.device, self.tr("all device types"),
                    [(self.tr("(none)") if v == "(none)" else word(v), v) for v in tally.device_types])
        reset_combo(self.protocol, self.tr("all protocols"), [(v, v) for v in tally.protocols])
        m = inventory.migration

        def nat(site) -> str:
            said = self.tr("egress NAT") if site.egress_nat else self.tr("no egress NAT")
            return self.tr("{site} ({nat})").format(site=site.site, nat=said)

        counts = self.tr("{services}, {dependencies}, {flags}").format(
            services=plural(len(inventory.services), self.tr("{n} service"), self.tr("{n} services")),
            dependencies=plural(tally.dependencies, self.tr("{n} dependency"), self.tr("{n} dependencies")),
            flags=plural(len(session.flags), self.tr("{n} flag"), self.tr("{n} flags")))
        self.summary.setText(
            f"<b>{m.name}</b><br>{nat(m.source)} → {nat(m.target)}"
            f"<br>{counts} · <span style='color:gray'>{session.inventory_path}</span>")
        if len(inventory.services) <= 50:
            self.tree.expandAll()

    def _filters_visible(self, visible: bool) -> None:
        for widget in (self.search, self.device, self.protocol, self.severity):
            widget.setVisible(visible)

    def palette_changed(self) -> None:
        if self.stack.currentIndex() == 1:
            self.show_problem(self.problem_table.currentIndex())

    def show_problem(self, index) -> None:
        problem = self.problems.row(index.row()) if index.isValid() else None
        if problem is None:
            return
        self.where.setText(f"<b>{location(problem)}</b> {problem.path}: {shown(problem.message)}")
        lines = self.session.source_text.splitlines()
        width = len(str(len(lines)))
        self.source.setPlainText("\n".join(f"{n:>{width}} │ {line}" for n, line in enumerate(lines, 1)))
        if not problem.line or problem.line > len(lines):
            return
        block = self.source.document().findBlockByNumber(problem.line - 1)
        cursor = QTextCursor(block)
        highlight = QTextEdit.ExtraSelection()
        highlight.format.setBackground(QColor(style.tint("fail") or QColor("#f8d7da")))
        highlight.format.setProperty(QTextFormat.FullWidthSelection, True)
        highlight.cursor = cursor
        self.source.setExtraSelections([highlight])
        cursor.movePosition(QTextCursor.Right, n=width + 3 + max(problem.column - 1, 0))
        self.source.setTextCursor(cursor)
        self.source.centerCursor()

    def current_line(self) -> str:
        """The text of the highlighted line (what a person sees; used by tests)."""
        return self.source.textCursor().block().text()


if __name__ == "__main__":
    import sys

    from .standalone import run
    sys.exit(run(InventoryPage))
