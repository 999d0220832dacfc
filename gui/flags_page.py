"""Step 2: the flags — risky dependencies, the incident each comes from and what clears it."""
from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QTextBrowser, QVBoxLayout

from migready.checks.text.i18n import shown

from migready.checks.inventory.incidents import INCIDENTS
from migready.checks.inventory.rules import RULES, SEVERITIES

from .models.flags import FlagsModel
from .models.table import ROW_ROLE
from .models.words import badge, plural
from .page import Browser, Page, facet_combo, heading, table_view, with_details


class FlagsPage(Page):
    key, title = "flags", "Flags"

    def __init__(self, session, interaction, parent=None):
        super().__init__(session, interaction, parent)
        self.summary = heading()
        self.severity = facet_combo(self.tr("all severities"), [(badge(s), s) for s in SEVERITIES])
        self.rule = facet_combo(self.tr("all rules"), [(f"{r.id} {shown(r.title)}", r.id) for r in RULES])
        browser = Browser(self, FlagsModel(parent=self), self.tr("Search flags…"),
                          {"severity": self.severity, "rule": self.rule})
        self.model, self.proxy, self.search = browser.model, browser.proxy, browser.search
        self.table = table_view(self.proxy, {0: 105, 1: 60, 2: 200, 3: 200, 5: 70, 6: 240}, stretch=4)
        self.table.setObjectName("flags-table")
        self.persist("table", self.table)
        self.details = QTextBrowser()
        self.details.setOpenExternalLinks(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(browser.bar())
        layout.addWidget(with_details(self, self.table, self.details, (420, 160)), 1)
        self.table.selectionModel().currentRowChanged.connect(self._show)
        session.inventory_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        flags = self.session.flags if self.session.inventory is not None else []
        self.model.set_rows(flags)
        counts = self.session.tally().severities  # counted by the loading worker (gui/tallies.py)
        if self.session.inventory is None:
            self.summary.setText(self.tr("No inventory loaded."))
        else:
            text = self.tr(", ").join(f"{n} {badge(s)}" for s, n in counts.items() if n) or self.tr("no flags")
            self.summary.setText(self.tr("<b>{flags}</b>: {counts}. Most severe first; click a column to sort.").format(
                flags=plural(len(flags), self.tr("{n} flag"), self.tr("{n} flags")), counts=text))
        self.details.setHtml("<i>" + self.tr("Select a flag to see why it fired and what clears it.") + "</i>")
        if flags:
            self.table.selectRow(0)

    def _show(self, current, _previous=None) -> None:
        flag = self.proxy.data(current, ROW_ROLE) if current.isValid() else None
        if flag is None:
            return
        head = self.tr("<b>{severity} {rule} — {title}</b> on <b>{ref}</b>").format(
            severity=escape(badge(flag.severity)), rule=escape(flag.rule), title=escape(shown(flag.title)),
            ref=escape(flag.ref))
        comes_from = self.tr("<b>Comes from incident {n}:</b> {incident}").format(
            n=flag.incident, incident=escape(shown(INCIDENTS.get(flag.incident, ""))))
        cleared = self.tr("<b>Cleared by:</b> {what}").format(what=escape(shown(flag.cleared_by)))
        self.details.setHtml(f"<p>{head}</p><p>{escape(shown(flag.message))}</p><p>{comes_from}</p><p>{cleared}</p>")

    def selected_flag(self):
        index = self.table.currentIndex()
        return self.proxy.data(index, ROW_ROLE) if index.isValid() else None


if __name__ == "__main__":
    import sys

    from .standalone import run
    sys.exit(run(FlagsPage))
