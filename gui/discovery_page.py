"""Discovery (a tool next to the steps): what a host really talks to, against what the inventory says.

Sample a host live (the inventory's staging hosts, `local://`, or any
``ssh://user@host:port``) for a window, or import an export people already
have (Azure Migrate dependency CSV, AWS Application Discovery connections,
saved ``ss -tunap``; the format is detected).  Sampling runs in a worker with
a progress bar; Cancel stops it and keeps what came in.  The findings
(undocumented peers, undeclared callbacks, listed peers never seen,
listeners nobody declared) and the peers that matched fill a table; the
detail pane says why and what clears each one.  "Add to inventory…" writes a
selected peer into a COPY of the inventory (never the inventory itself),
revalidates it and offers to open it.  Every discovery is recorded in the
workspace (`discoveries`) and saved by the session's autosave.
"""
from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QHBoxLayout, QLabel, QProgressBar, QPushButton,
                               QSplitter, QTextBrowser, QVBoxLayout, QWidget)

from migready.checks.discovery import DEFAULT_DURATION, DEFAULT_INTERVAL, Observation, record_discovery, recorded
from migready.checks.text.i18n import shown
from migready.checks.inventory.incidents import INCIDENTS
from migready.checks.probing.plans import staging_hosts
from migready.checks.inventory.rules import SEVERITIES

from .discovery_add import InventoryAdder
from .discovery_worker import DiscoveryRun, server_candidates
from .models.discovery import KINDS, DiscoveryModel, details_html, rows_of
from .models.table import ROW_ROLE
from .models.words import badge, plural, word
from .page import Browser, FilledWhenShown, Page, StateLine, facet_combo, heading, reset_combo, table_view

EXPORT_FILTER = QT_TRANSLATE_NOOP("DiscoveryPage", "Connection exports (*.csv *.txt *.tsv *.log *.zip);;All files (*)")


class DiscoveryPage(FilledWhenShown, Page):
    key, title = "discovery", "Discovery"

    def __init__(self, session, interaction, parent=None):
        super().__init__(session, interaction, parent)
        self.current: DiscoveryRun | None = None
        self.adder = InventoryAdder(session, interaction, self._tell, self._enable)
        self.observation: Observation | None = None
        self.report = None
        self.intro = heading()
        self.host = QComboBox()
        self.host.setEditable(True)
        self.host.setInsertPolicy(QComboBox.NoInsert)
        self.host.lineEdit().setPlaceholderText(self.tr("ssh://user@host:port or local://"))
        self.host.setMinimumContentsLength(20)
        self.host.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.duration = QDoubleSpinBox()
        self.duration.setRange(0.0, 24 * 3600.0)
        self.duration.setDecimals(1)
        self.duration.setSuffix(self.tr(" s"))
        self.duration.setValue(DEFAULT_DURATION)
        self.duration.setToolTip(self.tr("Length of the sampling window; a sample every {interval} s "
                                         "(shorter windows: every 0.5 s)").format(interval=f"{DEFAULT_INTERVAL:g}"))
        self.services = facet_combo(self.tr("all services"), [])
        self.services.setToolTip(self.tr("Compare with the dependencies of this service only "
                                         "(the services that run on the sampled host)"))
        self.sample_button = QPushButton(self.tr("Sample"))
        self.sample_button.setToolTip(self.tr("Sample this host's connections for the window (Ctrl+R)"))
        self.import_button = QPushButton(self.tr("Import file…"))
        self.import_button.setToolTip(self.tr("Compare an Azure Migrate, AWS Application Discovery or saved ss "
                                              "export"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Stop sampling; what came in is kept (Esc)"))
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.state = StateLine("discovery-state")
        self.kind_filter = facet_combo(self.tr("all kinds"), [(word(k), k) for k in KINDS])
        self.severity_filter = facet_combo(self.tr("all severities"), [(badge(s), s) for s in SEVERITIES])
        self.history = QComboBox()
        self.history.setToolTip(self.tr("Discoveries recorded in this workspace"))
        self.history.setMinimumContentsLength(24)  # long labels elide; the page stays narrow
        self.history.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        browser = Browser(self, DiscoveryModel(parent=self), self.tr("Search peers, processes, zones…"),
                          {"kind": self.kind_filter, "severity": self.severity_filter})
        self.model, self.proxy, self.search = browser.model, browser.proxy, browser.search
        self.table = table_view(self.proxy, {0: 120, 1: 95, 2: 230, 3: 70, 4: 60, 5: 80, 6: 100, 7: 130,
                                             8: 150, 9: 150, 10: 60})
        self.table.setObjectName("discovery-results")
        self.persist("table", self.table)
        self.details = QTextBrowser()
        self.details.setOpenExternalLinks(False)
        self.add_button = QPushButton(self.tr("Add to inventory…"))
        self.add_button.setToolTip(self.tr("Write the selected peer as a dependency into a copy of the inventory"))
        detail_box = QWidget()
        detail_layout = QVBoxLayout(detail_box)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.details, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.add_button)
        detail_layout.addLayout(buttons)
        self.split = QSplitter(Qt.Vertical)
        self.split.addWidget(self.table)
        self.split.addWidget(detail_box)
        self.split.setSizes([400, 200])
        self.persist("split", self.split)

        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Host:")))
        row.addWidget(self.host, 1)
        row.addWidget(QLabel(self.tr("for")))
        row.addWidget(self.duration)
        actions = QHBoxLayout()  # a second row, so that the page fits the window's narrowest width
        actions.addWidget(self.services)
        actions.addStretch(1)
        actions.addWidget(self.sample_button)
        actions.addWidget(self.cancel_button)
        actions.addWidget(self.import_button)
        filters = browser.bar()
        filters.addWidget(self.history)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(row)
        layout.addLayout(actions)
        layout.addWidget(self.progress)
        layout.addWidget(self.state)
        layout.addLayout(filters)
        layout.addWidget(self.split, 1)

        self.sample_button.clicked.connect(lambda: self.start())
        self.import_button.clicked.connect(lambda: self.ask_import())
        self.cancel_button.clicked.connect(self.cancel)
        self.add_button.clicked.connect(lambda: self.ask_add())
        self.history.activated.connect(lambda index: self.show_record(self.history.itemData(index)))
        self.table.selectionModel().currentRowChanged.connect(self._show)
        session.inventory_changed.connect(self._inventory_changed)
        session.workspace_changed.connect(self.show_latest)
        session.busy_changed.connect(self._enable)
        self.refresh_inventory()
        self.show_latest()

    # -- inventory, hosts, recorded discoveries ---------------------------------------------------

    def fill_from_inventory(self) -> None:  # FilledWhenShown: a service list entry per service
        self.refresh_inventory()

    def refresh_inventory(self) -> None:
        self._stale = False
        inventory = self.session.inventory
        typed = self.host.currentText()
        self.host.clear()
        hosts = []
        if inventory is not None:
            for phase in ("pre", "post"):
                hosts += [h for h in staging_hosts(inventory, phase) if h not in hosts]
        for host in hosts + [h for h in ("local://",) if h not in hosts]:
            self.host.addItem(host)
        if typed and typed not in hosts and typed != "local://":
            self.host.setEditText(typed)
        reset_combo(self.services, self.tr("all services"),
                    [(s.name, s.name) for s in inventory.services] if inventory is not None else [])
        what = self.tr("the dependencies of <b>{name}</b>").format(name=escape(inventory.migration.name)) \
            if inventory is not None else self.tr("the inventory (open one first)")
        self.intro.setText(self.tr("<b>Discovery</b>: what a host really talks to, against {what}. Sample a host "
                                   "(its sockets, read repeatedly over the window) or import a dependency export; "
                                   "undocumented peers and undeclared callbacks are what inventories miss "
                                   "(incidents 4 and 5).").format(what=what))
        self._enable()

    def records(self) -> list[dict]:
        workspace = self.session.workspace
        return list(workspace.discoveries) if workspace is not None else []

    def show_latest(self) -> None:
        if self.current is not None and self.current.running:
            return
        records = self.records()
        self.history.blockSignals(True)
        self.history.clear()
        for record in reversed(records):
            obs = record.get("observation") or {}
            when = (record.get("recorded") or "").replace("T", " ")[:16]
            self.history.addItem(f"{record['id']} · {obs.get('source', '?')} {obs.get('origin', '')} · {when}",
                                 record["id"])
        self.history.setVisible(bool(records))
        self.history.blockSignals(False)
        if records:
            self.show_record(records[-1]["id"])
        elif self.observation is None:
            self.model.set_rows([])
            self._tell("todo", self.tr("No discovery yet: sample a host or import an export file."))
            self.details.setHtml("")
        self._enable()

    def show_record(self, record_id: str) -> None:
        record = next((r for r in self.records() if r["id"] == record_id), None)
        if record is None:
            return
        self.history.setCurrentIndex(max(self.history.findData(record_id), 0))
        observation = Observation.from_dict(record["observation"])
        self._show_result(observation, recorded(record, self.session.inventory), record_id)

    def _show_result(self, observation, report, record_id: str = "") -> None:
        self.observation, self.report = observation, report
        self.model.set_rows(rows_of(report, self.session.inventory))
        kinds = report.kinds()
        tally = self.tr(", ").join(self.tr("{n} {kind}").format(n=n, kind=word(k)) for k, n in kinds.items() if n) \
            or self.tr("no finding")
        seen = len(observation.peers) - report.ignored
        label = shown(observation.label)
        where = self.tr("{label} ({id})").format(label=label, id=record_id) if record_id else \
            self.tr("{label} (not recorded: no workspace)").format(label=label)
        text = self.tr("{where}: {peers} seen, {matched} in the inventory; {tally}").format(
            where=where, peers=plural(seen, self.tr("{n} peer"), self.tr("{n} peers")),
            matched=len(report.matched), tally=tally)
        if report.ignored:
            text += self.tr("; {n} loopback/link-local left out").format(n=report.ignored)
        text += self.tr(".")
        if observation.imported and observation.notes:  # an import: what was read and left out, with counts
            text += self.tr(" Import: {note}.").format(note=shown(observation.notes[0]))
        severe = report.at_or_above("high")
        if not observation.complete:
            why = shown(observation.error) if observation.error else self.tr("stopped")
            self._tell("pending", self.tr("Incomplete ({why}), what came in is kept — {text}").format(
                why=why, text=text))
        else:
            self._tell("attention" if severe else "pass", text)
        notes = observation.notes + report.notes
        self.details.setHtml("".join("<p>" + escape(self.tr("note: {note}").format(note=shown(n))) + "</p>"
                                     for n in notes)
                             or "<i>" + self.tr("Select a row to see why it is there and what clears it.") + "</i>")
        if self.model.rowCount():
            self.table.selectRow(0)

    def _tell(self, state: str, text: str) -> None:
        self.state.tell(state, text)

    def palette_changed(self) -> None:
        self.state.retint()

    # -- running -----------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.current is not None and self.current.running

    def can_run(self) -> bool:
        s = self.session
        return s.inventory is not None and not s.loading and not self.running and not self.adder.adding

    def _enable(self, *_args) -> None:
        ok = self.can_run()
        self.sample_button.setEnabled(ok)
        self.import_button.setEnabled(ok)
        self.cancel_button.setEnabled(self.running and self.current.live)
        self.host.setEnabled(not self.running)
        self.duration.setEnabled(not self.running)
        self.services.setEnabled(not self.running)
        row = self.selected_row()
        self.add_button.setEnabled(bool(row is not None and row.addable and self.session.inventory_path
                                        and not self.adder.adding and self.session.inventory is not None))

    def _selected_services(self) -> list[str] | None:
        service = self.services.currentData()
        return [service] if service else None

    def _why_not(self) -> str:
        if self.running:
            return self.tr("A discovery is already running.")
        if self.session.loading:
            return self.tr("Wait until the inventory has loaded.")
        return self.tr("Open an inventory first.")

    def start(self, host: str | None = None, duration: float | None = None,
              interval: float | None = None) -> DiscoveryRun | None:
        """Sample `host` (default: the host field) for `duration` seconds (default: the field)."""
        host = (host or self.host.currentText()).strip()
        if not self.can_run():
            self._tell("fail", self._why_not())
            return None
        if not host:
            self._tell("fail", self.tr("Pick or type a host first."))
            return None
        self.host.setEditText(host)
        duration = self.duration.value() if duration is None else float(duration)
        if interval is None:
            interval = DEFAULT_INTERVAL if duration >= 10 else 0.5
        self.progress.setRange(0, 0)
        self._tell("running", self.tr("Connecting to {host}…").format(host=host))
        return self._launch(DiscoveryRun(self.session, self.interaction, host=host, duration=duration,
                                         interval=interval, services=self._selected_services(), parent=self))

    def ask_import(self, path: str | None = None, fmt: str = "auto", server: str = "") -> DiscoveryRun | None:
        """Import an export file (asked for when not given); the format is detected."""
        if not self.can_run():
            self._tell("fail", self._why_not())
            return None
        path = path or self.interaction.open_file(self.tr("Import connections (Azure Migrate, AWS, ss)"),
                                                  self.tr(EXPORT_FILTER))
        if not path:
            return None
        self.progress.setRange(0, 0)
        self._tell("running", self.tr("Reading {name}…").format(name=Path(path).name))
        return self._launch(DiscoveryRun(self.session, self.interaction, path=str(path), fmt=fmt, server=server,
                                         services=self._selected_services(), parent=self))

    def _launch(self, run: DiscoveryRun) -> DiscoveryRun:
        run.progress.connect(self._progress)
        run.finished.connect(lambda obs, report: self._finished(run, obs, report))
        run.failed.connect(lambda why: self._failed(run, why))
        self.current = run
        run.start()
        self._enable()
        return run

    def cancel(self) -> None:
        if self.running and self.current.live:
            self.current.cancel()
            self._tell("pending", self.tr("Cancelling: what came in is kept…"))

    def _progress(self, p) -> None:
        if p.phase == "resolving":
            self.progress.setRange(0, 0)
            self._tell("running", self.tr("Resolving the inventory's names on {host}…").format(
                host=self.current.host))
            return
        self.progress.setRange(0, max(p.chunks, 1))
        self.progress.setValue(p.chunks_done)
        self.progress.setFormat(f"{p.elapsed_s:.0f} / {p.total_s:.0f} s")
        self._tell("running", self.tr("Sampling {host}: {samples} samples, {peers} so far…").format(
            host=self.current.host, samples=p.samples,
            peers=plural(p.peers, self.tr("{n} peer"), self.tr("{n} peers"))))

    def _finished(self, run: DiscoveryRun, observation, report) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(1 if observation.complete else 0)
        self.progress.setFormat("%p%")
        workspace = self.session.workspace
        record_id = ""
        if workspace is not None and run.inventory is not None:
            record = record_discovery(workspace, observation, report, run.inventory,
                                      by=self.session.default_name() or "migready")
            record_id = record["id"]
        self._enable()
        if record_id:
            self.session.changed("discovery")  # autosave; show_latest shows the record
        else:
            self._show_result(observation, report)

    def _failed(self, run: DiscoveryRun, why: str) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self._enable()
        candidates = run.candidates or server_candidates(why)
        if not run.live and candidates and not run.server:  # an export of several servers: whose connections?
            server = self.interaction.choose(
                self.tr("Import connections"),
                self.tr("{name} covers several servers. Whose connections should be compared with the inventory? "
                        "(name for Azure, address for AWS)").format(name=Path(run.path).name),
                candidates, editable=True)
            if server:
                self.ask_import(run.path, run.fmt, server)
                return
        said = self.tr("Could not sample: {why}") if run.live else self.tr("Could not import: {why}")
        self._tell("fail", said.format(why=shown(why)))

    # -- details and adding to the inventory --------------------------------------------------------

    def selected_row(self):
        index = self.table.currentIndex()
        return self.proxy.data(index, ROW_ROLE) if index.isValid() else None

    def select(self, predicate) -> bool:
        """Select the first visible row for which `predicate(row)` holds."""
        for r in range(self.proxy.rowCount()):
            if predicate(self.proxy.index(r, 0).data(ROW_ROLE)):
                self.table.selectRow(r)
                return True
        return False

    def _show(self, current, _previous=None) -> None:
        self._enable()
        row = self.proxy.data(current, ROW_ROLE) if current.isValid() else None
        if row is None:
            return
        self.details.setHtml(details_html(row, INCIDENTS))

    def ask_add(self) -> bool:
        """Ask for the service and the copy's path, then write the selected peer into the copy."""
        origin = self.observation.label if self.observation is not None else ""
        return self.adder.ask(self.selected_row(), origin, self.services.currentData() or "")


if __name__ == "__main__":  # python -m migready.gui.discovery_page [INVENTORY|WORKSPACE]
    import sys

    from .standalone import run
    sys.exit(run(DiscoveryPage))
