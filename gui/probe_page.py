"""Steps 3 and 4: run the probe plan from a staging host, before and after the move.

Pick a host (the inventory's staging hosts for the phase, `local://`, or
type any ``ssh://user@host:port``), run: the plan runs in a worker, results
fill the table as they arrive, Cancel stops it and keeps them.  "Every staging
host of the phase" first looks the hosts up in a worker (an Ansible inventory
through ansible-inventory, pods through kubectl: seconds each), saying which
source it is asking, then shows the plan over them.  Connection
problems (unknown or changed host key, authentication, unreachable host)
are shown in the core's words, never as a traceback.
"""
from __future__ import annotations

from html import escape

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QProgressBar, QPushButton, QTabWidget, QVBoxLayout

from migready.checks.review.compare import latest_runs
from migready.checks.text.i18n import shown
from migready.checks.probing.plan_view import view_plan
from migready.checks.probing.plans import build_plan, staging_hosts

from . import style
from .elide import elide_middle, fit_to_text
from .host_matrix import HostMatrix
from .models.results import ResultsModel
from .page import Browser, Page, StateLine, facet_combo, heading, table_view
from .probe_worker import EVERY_HOST, HostsLookup, ProbeRun

PHASES = {  # marked for extraction, translated where shown (ProbePage.tr)
    "pre": (QT_TRANSLATE_NOOP("ProbePage", "Pre-migration probes"),
            QT_TRANSLATE_NOOP("ProbePage", "source"),
            QT_TRANSLATE_NOOP("ProbePage", "before the move: the baseline every later result is compared with")),
    "post": (QT_TRANSLATE_NOOP("ProbePage", "Post-migration probes"),
             QT_TRANSLATE_NOOP("ProbePage", "target"),
             QT_TRANSLATE_NOOP("ProbePage", "after the move: what changed is on the Compare page")),
}


class ProbePage(Page):
    started = Signal(object)  # a ProbeRun began (after its plan was accepted)

    def __init__(self, session, interaction, phase: str = "pre", parent=None):
        self.key, (self.title, self.side, self.why) = phase, PHASES[phase]
        super().__init__(session, interaction, parent)
        self.phase = phase
        self.current: ProbeRun | None = None
        self.lookup: HostsLookup | None = None  # the staging hosts being looked up (Ansible, kubectl)
        self.intro = heading()
        self.host = QComboBox()
        self.host.setEditable(True)
        self.host.setInsertPolicy(QComboBox.NoInsert)
        self.host.lineEdit().setPlaceholderText(self.tr("ssh://user@host:port or local://"))
        self.host.setMinimumContentsLength(22)
        self.host.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.run_button = QPushButton(self.tr("Run probes"))
        self.run_button.setToolTip(self.tr("Run the probe plan on this host (Ctrl+R)"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Stop the run; the results that arrived are kept (Esc)"))
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setFormat(self.tr("%v / %m probes"))
        self.progress.setValue(0)
        self.state = StateLine("probe-state")
        self.status_filter = facet_combo(self.tr("all results"),
                                         [(style.label(s), s) for s in ("fail", "inconclusive", "pass")])
        browser = Browser(self, ResultsModel(parent=self), self.tr("Search results…"), {"status": self.status_filter})
        self.model, self.proxy, self.search = browser.model, browser.proxy, browser.search
        # the Result (the finding's sentence) takes the room; the dependency is elided in the middle at 1024 px
        self.table = table_view(self.proxy, {0: 105, 1: 140, 2: 95, 3: 110, 4: 45}, stretch=5)
        self.table.setObjectName(f"{phase}-results")
        elide_middle(self.table, 1, 5)  # the dependency and the result keep both ends, tooltip has the whole
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # failed rows first, then inconclusive, then passes
        self.persist("table", self.table)

        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Staging host:")))
        row.addWidget(self.host, 1)
        row.addWidget(self.run_button)
        row.addWidget(self.cancel_button)
        filters = browser.bar()
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(row)
        layout.addWidget(self.progress)
        layout.addWidget(self.state)
        self.matrix = HostMatrix(self)
        self.matrix.table.setObjectName(f"{phase}-host-matrix")
        self.views = QTabWidget()
        self.views.addTab(self.table, self.tr("Results"))
        self.views.addTab(self.matrix, self.tr("By host"))
        self.views.setTabToolTip(1, self.tr("Every dependency on every staging host of the phase: click a cell "
                                            "for its evidence"))
        layout.addLayout(filters)
        layout.addWidget(self.views, 1)

        self.run_button.clicked.connect(lambda: self.request_run())
        self.cancel_button.clicked.connect(self.cancel)
        session.inventory_changed.connect(self.refresh_hosts)
        session.workspace_changed.connect(self.show_latest)
        session.probe_changed.connect(self._enable)
        session.busy_changed.connect(self._enable)
        self.refresh_hosts()

    # -- hosts and the last run ------------------------------------------------------------

    def refresh_hosts(self) -> None:
        if self.lookup is not None and self.lookup.running:  # its answer was for the inventory that went
            self.cancel()
        inventory = self.session.inventory
        typed = self.host.currentText()
        self.host.clear()
        hosts = list(staging_hosts(inventory, self.phase)) if inventory is not None else []
        site_obj = None if inventory is None else \
            inventory.migration.source if self.phase == "pre" else inventory.migration.target
        if site_obj is not None and (len(hosts) > 1 or site_obj.pools or site_obj.host_sources):
            self.host.addItem(self.tr("every staging host of the phase"), EVERY_HOST)  # the fan-out
        for host in hosts + [h for h in ("local://",) if h not in hosts]:
            self.host.addItem(host)
        if typed and typed not in hosts and typed != "local://":
            self.host.setEditText(typed)
        site = ""
        if inventory is not None:
            site_obj = inventory.migration.source if self.phase == "pre" else inventory.migration.target
            site = self.tr(" of the {side} site <b>{site}</b>").format(side=self.tr(self.side),
                                                                        site=escape(site_obj.site))
        self.intro.setText(self.tr("<b>{title}</b>: run the probe plan from a staging host{site}, {why}.").format(
            title=self.tr(self.title), site=site, why=self.tr(self.why)))
        self._enable()

    def show_latest(self) -> None:
        if self.current is not None and self.current.running:
            return
        workspace = self.session.workspace
        pre, post = latest_runs(workspace.runs) if workspace is not None else (None, None)
        run = pre if self.phase == "pre" else post
        self.model.set_rows(run["results"] if run else [])
        self._fit()
        self.matrix.set_view(run if run and run.get("hosts") else None)
        if run is None:
            self.progress.setMaximum(1)
            self.progress.setValue(0)
            self._tell("todo", self.tr("No run yet: pick a staging host and press Run probes."))
            return
        self.progress.setMaximum(max(run.get("planned") or len(run["results"]), 1))
        self.progress.setValue(len(run["results"]))
        self._say_run(run)

    def _fit(self) -> None:
        """Where there is room (1920 px), the dependency and the target show whole; the Result keeps its own."""
        fit_to_text(self.table, {1: 300, 3: 170}, stretch=5)

    def _say_run(self, run: dict) -> None:
        counts = {s: sum(1 for r in run["results"] if r.get("status") == s) for s in ("pass", "fail", "inconclusive")}
        tally = self.tr(", ").join(f"{n} {style.label(s)}" for s, n in counts.items() if n)
        when = (run.get("finished") or run.get("started") or "").replace("T", " ").rstrip("Z")
        if run.get("complete"):
            self._tell("pass" if not counts["fail"] else "fail",
                       self.tr("{run} from {host} finished {when} UTC: {tally}.").format(
                           run=run["id"], host=run["host"], when=when, tally=tally))
        else:
            self._tell("pending", self.tr("{run} from {host} is incomplete ({why}): {kept} of {planned} results "
                                          "kept: {tally}.").format(
                run=run["id"], host=run["host"], why=shown(run.get("error")) or self.tr("stopped"),
                kept=len(run["results"]), planned=run.get("planned"), tally=tally))

    def _tell(self, state: str, text: str) -> None:
        self.state.tell(state, text)

    def palette_changed(self) -> None:
        self.state.retint()

    # -- running -------------------------------------------------------------------------------

    def can_run(self) -> bool:
        s = self.session
        return s.inventory is not None and s.workspace is not None and s.probe is None and not s.loading

    def _enable(self) -> None:
        running = self.current is not None and self.current.running
        looking = self.lookup is not None and self.lookup.running
        self.run_button.setEnabled(self.can_run() and not running and not looking)
        self.cancel_button.setEnabled(running or looking)
        self.host.setEnabled(not running and not looking)

    def _picked(self) -> str:
        """The host field: a host spec, or EVERY_HOST when the fan-out entry is chosen."""
        text = self.host.currentText().strip()
        index = self.host.currentIndex()
        if index >= 0 and self.host.itemData(index) == EVERY_HOST and text == self.host.itemText(index):
            return EVERY_HOST
        return text

    def request_run(self, host: str | None = None) -> ProbeRun | None:
        """Run (the button, Ctrl+R): show what the run will contact, start only when accepted."""
        host = (host or self._picked()).strip()
        if not self.can_run() or not host:
            return self.start(host)  # says why it cannot
        if host == EVERY_HOST:  # its Ansible / kubectl sources are asked in a worker; the plan comes after
            self.look_up_hosts()
            return None
        view = view_plan(self.session.inventory, build_plan(self.session.inventory, host, self.phase))
        if not self.interaction.probe_plan(view):
            self._tell("todo", self.tr("Not run: nothing was sent."))
            return None
        return self.start(host)

    def look_up_hosts(self) -> HostsLookup:
        """Every staging host of the phase: look them up (Ansible, kubectl) in a worker, with progress;
        then show the plan over them and run on exactly those hosts when it is accepted."""
        if self.lookup is not None:
            self.lookup.cancel()
        lookup = self.lookup = HostsLookup(self.session, self.phase, self)
        lookup.progress.connect(self._looking_up)
        lookup.done.connect(self._looked_up)
        lookup.failed.connect(self._lookup_failed)
        self.progress.setMaximum(0)  # busy: how long ansible-inventory or kubectl take is theirs
        self._tell("running", self.tr("Looking up the staging hosts of the phase…"))
        lookup.start()
        self._enable()
        return lookup

    def _looking_up(self, number: int, total: int, what: str) -> None:
        if self.lookup is not None and self.lookup.running:
            self._tell("running", self.tr("Looking up the staging hosts: {what} ({number} of {total})…").format(
                what=what, number=number, total=total))

    def _looked_up(self, plan) -> None:
        self.lookup = None
        self.progress.setMaximum(1)
        self.progress.setValue(0)
        self._enable()
        if not plan.hosts:
            self._tell("fail", self.tr("Could not run: the phase has no staging host."))
            return
        if not self.interaction.probe_plan(plan.view):
            self._tell("todo", self.tr("Not run: nothing was sent."))
            return
        self.start(EVERY_HOST, hosts=plan.hosts)

    def _lookup_failed(self, why: str) -> None:
        self.lookup = None
        self.progress.setMaximum(1)
        self.progress.setValue(0)
        self._tell("fail", self.tr("Could not look up the staging hosts: {why}").format(why=why))
        self._enable()

    def start(self, host: str | None = None, hosts: list | None = None) -> ProbeRun | None:
        """Start a run on `host` (default: the host field); never starts by itself.  `hosts`: for
        EVERY_HOST, the hosts a lookup found (the plan shown was theirs)."""
        host = (host or self._picked()).strip()
        if not self.can_run():
            self._tell("fail", self.tr("Another probe run is going on.") if self.session.probe else
                       self.tr("Wait until the inventory has loaded.") if self.session.loading else
                       self.tr("Open an inventory first."))
            return None
        if not host:
            self._tell("fail", self.tr("Pick or type a staging host first."))
            return None
        if host != EVERY_HOST:
            self.host.setEditText(host)
        self.model.set_rows([])
        self.matrix.set_view(None)
        self.progress.setMaximum(0)  # busy until the first result says how many
        self._tell("running", self.tr("Connecting to {host}…").format(
            host=self.tr("every staging host") if host == EVERY_HOST else host))
        run = ProbeRun(self.session, self.interaction, self.phase, host, parent=self, hosts=hosts)
        run.results.connect(self._arrived)
        run.progress.connect(self._progress)
        run.finished.connect(self._finished)
        run.failed.connect(self._failed)
        self.current = run
        run.start()
        self._enable()
        self.started.emit(run)
        return run

    def cancel(self) -> None:
        if self.lookup is not None and self.lookup.running:
            self.lookup.cancel()
            self.lookup = None
            self.progress.setMaximum(1)
            self.progress.setValue(0)
            self._tell("todo", self.tr("Not run: the lookup of the staging hosts was cancelled; nothing was sent."))
            self._enable()
            return
        if self.current is not None and self.current.running:
            self.current.cancel()
            self._tell("pending", self.tr("Cancelling: the results that arrived are kept…"))

    def _arrived(self, results: list) -> None:
        self.model.append_rows(results)

    def _progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)
        self._tell("running", self.tr("Probing from {host}: {done} of {total}…").format(
            host=self.tr("every staging host") if self.current.host == EVERY_HOST else self.current.host,
            done=done, total=total))

    def _finished(self, run: dict) -> None:
        self.progress.setMaximum(max(run.get("planned") or 1, 1))
        self.progress.setValue(len(run["results"]))
        self.model.set_rows(run["results"])
        self._fit()
        self.matrix.set_view(run if run.get("hosts") else None)
        if run.get("hosts"):
            self.views.setCurrentWidget(self.matrix)
        self._say_run(run)
        self._enable()

    def _failed(self, why: str) -> None:
        self.progress.setMaximum(1)
        self.progress.setValue(0)
        self._tell("fail", self.tr("Could not run: {why}").format(why=why))
        self._enable()


if __name__ == "__main__":  # python -m migready.gui.probe_page [--post] [INVENTORY|WORKSPACE]
    import sys

    from .standalone import run
    args = sys.argv[1:]
    phase = "post" if "--post" in args else "pre"
    sys.exit(run(lambda session, interaction: ProbePage(session, interaction, phase),
                 [a for a in args if a != "--post"]))
