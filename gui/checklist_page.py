"""Step 6: the checklist — items by phase, their state and evidence; mark and waive.

Marking (pass / fail / n.a.) needs a name and a note; waiving needs a name,
a justification and an expiry.  Both go through the core (`verdict.mark`,
`verdict.waive`), which logs them in the workspace's event log, shown in
the second tab.
"""
from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTabWidget, QTextBrowser, QVBoxLayout, QWidget

from migready.checks.report.paths import layout as path_layout, path_for_review
from migready.checks.review.checklist import STATES
from migready.checks.text.i18n import shown
from migready.checks.text.labels import label

from . import style
from .models.checklist import ChecklistModel, evidence
from .models.events import EventsModel
from .models.table import ROW_ROLE
from .page import Browser, Page, facet_combo, heading, table_view, tree_view, with_details
from .path_view import PathView
from .tallies import PhaseTally, of_review


EXPAND_LIMIT = 400


class ChecklistPage(Page):
    key, title = "checklist", "Checklist"

    def __init__(self, session, interaction, parent=None):
        super().__init__(session, interaction, parent)
        self.summary = heading()
        self.state_filter = facet_combo(self.tr("all states"), [(style.label(s), s) for s in STATES])
        self.blocker_filter = facet_combo(self.tr("blockers and others"), [(self.tr("blockers only"), "blocker"),
                                                                           (self.tr("non-blockers only"),
                                                                            "not blocker")])
        browser = Browser(self, ChecklistModel(parent=self), self.tr("Search items…"),
                          {"state": self.state_filter, "blocker": self.blocker_filter})
        self.model, self.proxy, self.search = browser.model, browser.proxy, browser.search
        self.tree = tree_view(self.proxy, {0: 125, 1: 320, 2: 65})
        self.tree.setObjectName("checklist-tree")
        self.tree.setSortingEnabled(False)
        self.tree.setWordWrap(False)
        self.persist("tree", self.tree)
        self.details = QTextBrowser()
        self.buttons = {}
        actions = QHBoxLayout()
        for state, text in (("pass", self.tr("Mark pass…")), ("fail", self.tr("Mark fail…")),
                            ("na", self.tr("Not applicable…"))):
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, s=state: self.ask_mark(s))
            self.buttons[state] = button
            actions.addWidget(button)
        self.buttons["waive"] = QPushButton(self.tr("Waive…"))
        self.buttons["waive"].clicked.connect(self.ask_waive)
        actions.addWidget(self.buttons["waive"])
        actions.addStretch(1)
        items = QWidget()
        items_layout = QVBoxLayout(items)
        items_layout.addLayout(browser.bar())
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addLayout(actions)
        self.path = PathView()  # the Path panel: the item's dependency, pre vs post, as the report draws it
        self.path.set_drawing(None)
        bottom_layout.addWidget(self.path)
        bottom_layout.addWidget(self.details, 1)
        items_layout.addWidget(with_details(self, self.tree, bottom, (440, 200)), 1)
        self.events = EventsModel(parent=self)
        self.log = table_view(self.events, {0: 50, 1: 190, 2: 120, 3: 160}, stretch=4)
        self.log.setObjectName("event-log")
        self.tabs = QTabWidget()
        self.tabs.addTab(items, self.tr("Items"))
        self.tabs.addTab(self.log, self.tr("Event log"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        for changed in (self.search.textChanged, self.state_filter.currentIndexChanged,
                        self.blocker_filter.currentIndexChanged):
            changed.connect(self._expand)  # after the Browser's filter: the matches are shown opened
        self.tree.selectionModel().currentRowChanged.connect(self._show)
        for signal in (self.proxy.modelReset, self.proxy.layoutChanged, self.proxy.rowsInserted):
            signal.connect(self._span_phases)
        session.review_changed.connect(self.refresh)
        session.workspace_changed.connect(self._refresh_log)
        self.refresh()

    # -- showing ---------------------------------------------------------------------------

    def refresh(self) -> None:
        selected = self.selected_item()
        review = self.session.review
        tally = of_review(review)  # counted by the review's worker (gui/tallies.py)
        self.model.set_checklist(review.checklist if review else None, tally)
        self._expand()
        self._refresh_log()
        if review is None:
            self.summary.setText(self.tr("No checklist yet: open an inventory."))
            self._enable(None)
            return
        counts, blockers = tally.counts, tally.blockers  # blocker_tally: the rail and the report count so too
        words = {"failed": self.tr("{n} failed"), "pending": self.tr("{n} pending"), "waived": self.tr("{n} waived")}
        said = self.tr(", ").join(words[k].format(n=blockers[k]) for k in ("failed", "pending", "waived")
                                  if blockers[k]) or self.tr("all pass")
        self.summary.setText(self.tr("<b>{items}</b>: {counts}. <b>Blockers: {blockers}</b>. Select an item to mark "
                                     "or waive it.").format(
            items=style.counted(len(review.checklist.items), self.tr("{n} item"), self.tr("{n} items")),
            counts=self.tr(", ").join(f"{n} {style.label(s)}" for s, n in counts.items() if n), blockers=said))
        if selected is not None and not self.select(selected.id):
            self._enable(None)
        elif selected is None:
            self._enable(None)

    def _expand(self, *_args) -> None:
        """Open every phase that has few enough items to read through (a phase of thousands stays closed,
        and opened it fetches its items as they are scrolled to).  Unfiltered, the phase's size is the
        review's count: asking the proxy would make Qt map every item of the phase."""
        filtering = bool(self.search.text().strip()) or bool(self.state_filter.currentData()) or \
            bool(self.blocker_filter.currentData())
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            size = self.proxy.rowCount(index) if filtering else len(self.proxy.data(index, ROW_ROLE).items)
            if (size <= EXPAND_LIMIT) != self.tree.isExpanded(index):  # Qt lays the tree out for each change
                self.tree.setExpanded(index, size <= EXPAND_LIMIT)

    def _span_phases(self, parent=None, *_args) -> None:
        """One line per phase.  Items fetched into a phase (rowsInserted under it) change no phase row:
        each span makes Qt lay the tree out again, ~1 ms apiece."""
        if parent is not None and hasattr(parent, "isValid") and parent.isValid():
            return
        for row in range(self.proxy.rowCount()):
            self.tree.setFirstColumnSpanned(row, self.tree.rootIndex(), True)

    def _refresh_log(self) -> None:
        workspace = self.session.workspace
        self.events.set_rows(list(reversed(workspace.events)) if workspace is not None else [])

    def select(self, item_id: str) -> bool:
        found = self.model.find(item_id)
        if found is None:
            return False
        self.model.fetch_to(*found)  # an item far down a big phase is fetched before it is shown
        group = self.model.index(found[0], 0)
        index = self.proxy.map_from_model(self.model.index(found[1], 0, group))
        if not index.isValid():
            return False
        self.tree.setCurrentIndex(index)
        self.tree.scrollTo(index)
        return True

    def selected_item(self):
        index = self.tree.currentIndex()
        obj = self.proxy.data(index, ROW_ROLE) if index.isValid() else None
        return obj if obj is not None and not isinstance(obj, PhaseTally) else None

    def _enable(self, item) -> None:
        for state, button in self.buttons.items():
            button.setEnabled(item is not None)
        if item is not None:
            self.buttons["waive"].setEnabled(item.base_state in ("fail", "pending"))

    def _show(self, current, _previous=None) -> None:
        item = self.selected_item()
        self._enable(item)
        review = self.session.review
        model = path_for_review(self.session.inventory, review.comparison if review else None,
                                item.dependency) if item is not None and item.dependency else None
        self.path.set_drawing(path_layout(model) if model else None)
        if item is None:
            self.details.setHtml("<i>{}</i>".format(escape(self.tr("Select an item."))))
            return
        rows = [(self.tr("State"), style.label(item.state) + (
                    self.tr(" (before waiver: {state})").format(state=style.word(item.base_state))
                    if item.state == "waived" else "")),
                (self.tr("Id"), item.id), (self.tr("Phase"), label("phase", item.phase)),
                (self.tr("Blocker"), self.tr("yes") if item.blocker else self.tr("no")),
                (self.tr("Evidence"), shown(evidence(item))), (self.tr("Before the move"), shown(item.pre_evidence)),
                (self.tr("Cleared by"), shown(item.cleared_by)),
                (self.tr("Incident"), f"#{item.incident}" if item.incident else ""),
                (self.tr("Marked"), self.tr("{state} by {by} at {at}: {note}").format(
                    state=style.word(item.mark["state"]), by=item.mark["by"], at=item.mark["at"],
                    note=item.mark["note"]) if item.mark else "")]
        body = "".join(f"<tr><td valign='top'><b>{escape(k)}</b></td><td>{escape(str(v))}</td></tr>"
                       for k, v in rows if v)
        self.details.setHtml(f"<p><b>{escape(shown(item.title))}</b></p><table cellspacing='4'>{body}</table>")

    # -- acting ---------------------------------------------------------------------------

    def default_name(self) -> str:
        return self.session.default_name()

    def ask_mark(self, state: str) -> bool:
        item = self.selected_item()
        if item is None:
            return False
        answer = self.interaction.mark(item, state, self.default_name())
        if answer is None:
            return False
        return self.session.mark(item.id, answer.state, answer.by, answer.note)

    def ask_waive(self) -> bool:
        item = self.selected_item()
        if item is None:
            return False
        answer = self.interaction.waiver(item, self.default_name())
        if answer is None:
            return False
        return self.session.waive(answer.target, answer.by, answer.reason, answer.until)


if __name__ == "__main__":
    import sys

    from .standalone import run
    sys.exit(run(ChecklistPage))
