"""Step 5: pre vs post — every check of the baseline next to the same check after the move.

Regressions come first (the core sorts them); every row says in words what
happened, with a tint as a second cue.  The port-rewrite case reads as the
core writes it: "source port 9010 → 41733 (rewritten by NAT)".
"""
from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QTextBrowser, QVBoxLayout

from migready.checks.compare import CLASSES
from migready.checks.records import describe

from . import style
from .models.compare import CompareModel, change_label
from .models.table import ROW_ROLE
from .page import Browser, Page, facet_combo, heading, table_view, with_details


def _run_label(run) -> str:
    if not run:
        return "no run yet"
    when = (run.get("started") or "").replace("T", " ").rstrip("Z")
    state = "" if run.get("complete") else ", INCOMPLETE"
    return f"{run['id']} from {run['host']} ({when} UTC{state})"


class ComparePage(Page):
    key, title = "compare", "Compare"

    def __init__(self, session, interaction, parent=None):
        super().__init__(session, interaction, parent)
        self.summary = heading()
        self.kind = facet_combo("all changes", [(style.label(c), c) for c in CLASSES])
        browser = Browser(self, CompareModel(parent=self), "Search changes…", {"change": self.kind})
        self.model, self.proxy, self.search = browser.model, browser.proxy, browser.search
        self.table = table_view(self.proxy, {0: 125, 2: 190, 3: 95, 4: 115, 5: 95, 6: 125}, stretch=1)
        self.table.setObjectName("compare-table")
        self.persist("table", self.table)
        self.details = QTextBrowser()
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(browser.bar())
        layout.addWidget(with_details(self, self.table, self.details, (420, 170)), 1)
        self.table.selectionModel().currentRowChanged.connect(self._show)
        session.review_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        review = self.session.review
        comparison = review.comparison if review else None
        self.model.set_rows(comparison.changes if comparison else [])
        self.details.setHtml("<i>Select a row to see both results in full.</i>")
        if comparison is None:
            self.summary.setText("Nothing to compare yet.")
            return
        if not comparison.pre_run or not comparison.post_run:
            missing = "pre-migration" if not comparison.pre_run else "post-migration"
            self.summary.setText(f"<b>Pre</b> {escape(_run_label(comparison.pre_run))} → <b>post</b> "
                                 f"{escape(_run_label(comparison.post_run))}<br>Run the {missing} probes to compare.")
            return
        regressions = len(comparison.regressions)
        counts = ", ".join(style.plural(n, c) if c == "regression" else f"{n} {c}"
                           for c, n in comparison.counts().items() if n)
        verdict = (f"{style.label('regression')}: {regressions} regression{'s' * (regressions != 1)}"
                   if regressions else f"{style.label('pass')}: no regression")
        warn = "".join(f"<br>{style.label('pending')} run {escape(r)} is incomplete: checks it did not reach "
                       "show as MISSING or NEW" for r in comparison.incomplete_runs)
        # the regressions by root cause, as the banner, the CLI and the report group them
        causes = [c for c in getattr(review, "causes", None) or () if c.regressions]
        why = "".join(f"<br>{escape(style.label(c.state))} <b>{escape(c.headline)}</b> "
                      f"({style.plural(c.regressions, 'regression')})" for c in causes)
        self.summary.setText(f"<b>Pre</b> {escape(_run_label(comparison.pre_run))} → <b>post</b> "
                             f"{escape(_run_label(comparison.post_run))}<br><b>{verdict}</b> ({counts}){warn}{why}")
        if comparison.changes:
            self.table.selectRow(0)

    def _show(self, current, _previous=None) -> None:
        change = self.proxy.data(current, ROW_ROLE) if current.isValid() else None
        if change is None:
            return

        def side(name: str, result) -> str:
            if result is None:
                return f"<p><b>{name}:</b> not run</p>"
            return (f"<p><b>{name}:</b> {escape(style.label(result.get('status') or 'inconclusive'))} "
                    f"{escape(describe(result) or '')}</p>")

        notes = "".join(f"<li>{style.symbol('regression' if f.severity == 'regression' else 'pending')} "
                        f"{escape(f.text)} ({f.severity})</li>" for f in change.notes)
        self.details.setHtml(
            f"<p><b>{escape(change_label(change))}</b> — {escape(change.dependency or '(host)')} "
            f"{escape(change.check)} {escape(change.target or '')}</p>"
            + side("Before (pre)", change.pre) + side("After (post)", change.post)
            + (f"<ul>{notes}</ul>" if notes else ""))


if __name__ == "__main__":
    import sys

    from .standalone import run
    sys.exit(run(ComparePage))
