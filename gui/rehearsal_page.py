"""A tool under the probes: the degraded-dependency rehearsal (incidents 2 and 3, `migready rehearse`).

Pick a staging host, a dependency, a fault and a duration: the page shows
the exact iptables rules and their revert (the dry run) as you choose, or
the reason the core refuses.  "Rehearse…" shows the rules again and asks
before anything is applied; the rehearsal runs in a worker, each health
call appears as it is made, Cancel (or Esc) stops it and the fault is
removed before the run is stored.  The verdict (fails fast / hangs /
unaffected / inconclusive) feeds the `fails_fast` checklist item.
"""
from __future__ import annotations

from html import escape

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Signal
from PySide6.QtWidgets import (QComboBox, QFormLayout, QHBoxLayout, QPlainTextEdit, QPushButton, QSpinBox,
                               QVBoxLayout)

from migready.checks.probing.rehearsal import (RehearsalRefused, describe_rules, prepare, run_rehearsal, staging_hosts)

from migready.checks.text.i18n import shown
from migready.checks.text.labels import VOCABULARY, label

from .background_job import WorkspaceRun
from .i18n import said
from .page import FilledWhenShown, Page, StateLine, heading

FAULTS = ("blackhole", "reject", "delay")  # the core's words (the combo's data); shown as FAULT_NAMES
FAULT_NAMES = {"blackhole": QT_TRANSLATE_NOOP("RehearsalPage", "blackhole"),
               "reject": QT_TRANSLATE_NOOP("RehearsalPage", "reject"),
               "delay": QT_TRANSLATE_NOOP("RehearsalPage", "delay")}
VERDICT_STATES = {"fails_fast": "pass", "unaffected": "pass", "hangs": "fail", "inconclusive": "pending"}


translate = QCoreApplication.translate  # the live log's words: a module function names its context ("rehearsal")


def call_line(obj: dict) -> str | None:
    """One line of the live log for an agent line (None: nothing to show)."""
    if obj.get("type") == "call":
        answer = translate("rehearsal", "timed out") if obj.get("timed_out") else obj.get("error") or obj.get("status")
        stage = {"baseline": translate("rehearsal", "baseline"), "fault": translate("rehearsal", "fault"),
                 "recovery": translate("rehearsal", "recovery"),
                 "after": translate("rehearsal", "after")}.get(
            obj.get("stage"), obj.get("stage"))
        return translate("rehearsal", "{stage} call {n}: {ms} ms ({answer})").format(
            stage=f"{stage:9}", n=obj.get("n"), ms=f"{obj.get('latency_ms') or 0:.1f}", answer=answer)
    if obj.get("type") == "rehearsal":
        event = obj.get("event")
        if event == "inconclusive":
            return translate("rehearsal", "inconclusive: {reason}: {detail}").format(
                reason=obj.get("reason"), detail=obj.get("detail"))
        if event == "armed":
            return translate("rehearsal", "armed: watchdog pid {pid}, deadline {deadline} s").format(
                pid=obj.get("watchdog_pid"), deadline=obj.get("deadline_s"))
        if event == "applied":
            return translate("rehearsal", "applied: fault in chain {chain}").format(chain=obj.get("chain"))
        if event == "reverted":
            return translate("rehearsal", "reverted: fault removed") if obj.get("removed") else \
                translate("rehearsal", "reverted: STILL PRESENT: {left}").format(left=obj.get("left"))
        if event == "recovered":
            return translate("rehearsal", "recovered: healthy {ms} ms after the revert").format(
                ms=f"{obj.get('recovery_ms') or 0:.0f}")
        if event == "not_recovered":
            return translate("rehearsal", "not_recovered: not healthy within {seconds} s").format(
                seconds=obj.get("within_s"))
    return None


class RehearsalRun(WorkspaceRun):
    """The running rehearsal (also `session.probe` meanwhile, so no probe run overlaps it and Esc cancels)."""

    line = Signal(str)
    finished = Signal(object)  # the stored run
    failed = Signal(str)
    phase = what = "rehearsal"

    def __init__(self, session, interaction, request, parent=None):
        super().__init__(session, interaction, parent=parent)
        self.request, self.host = request, request.host

    def start(self) -> None:
        self._occupy()
        self.session.runner.start(run_rehearsal, self.request, self.session.workspace, self.options,
                                  progress=self._queue.put, cancel_event=self.cancel_event, pass_cancel=True,
                                  on_done=self._done, on_error=self._failed)

    def _drained(self, items: list) -> None:
        for text in filter(None, map(call_line, items)):
            self.line.emit(text)



class RehearsalPage(FilledWhenShown, Page):
    key, title = "rehearsal", "Rehearsal"

    def __init__(self, session, interaction, parent=None):
        super().__init__(session, interaction, parent)
        self.current: RehearsalRun | None = None
        self.request = None  # the request whose rules are shown (the very one applied)
        self.intro = heading(self.tr("<b>Rehearsal</b>: break one dependency on a staging host for a bounded time "
                                     "and measure whether the service's health endpoint fails fast (incidents 2 "
                                     "and 3)."))
        self.host = QComboBox()
        self.host.setObjectName("rehearsal-host")
        self.dependency = QComboBox()
        self.dependency.setObjectName("rehearsal-dependency")
        # sized by a typical name, not by measuring every one of 10,000 dependencies
        self.dependency.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.dependency.setMinimumContentsLength(40)
        self.fault = QComboBox()
        for fault in FAULTS:
            self.fault.addItem(self.tr(FAULT_NAMES[fault]), fault)
        self.delay = QSpinBox()
        self.delay.setRange(1, 600000)
        self.delay.setValue(500)
        self.delay.setSuffix(self.tr(" ms"))
        self.duration = QSpinBox()
        self.duration.setRange(1, 600)
        self.duration.setValue(30)
        self.duration.setSuffix(self.tr(" s"))
        self.rules = QPlainTextEdit()
        self.rules.setObjectName("rehearsal-rules")
        self.rules.setReadOnly(True)
        self.log = QPlainTextEdit()
        self.log.setObjectName("rehearsal-log")
        self.log.setReadOnly(True)
        self.run_button = QPushButton(self.tr("Rehearse…"))
        self.run_button.setToolTip(self.tr("Show the rules and ask before applying them"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Stop now: the fault is removed and what came in is kept (Esc)"))
        self.cancel_button.setEnabled(False)
        self.state = StateLine("rehearsal-state")

        form = QFormLayout()
        form.addRow(self.tr("Staging host:"), self.host)
        form.addRow(self.tr("Dependency:"), self.dependency)
        fault_row = QHBoxLayout()
        fault_row.addWidget(self.fault)
        fault_row.addWidget(self.delay)
        fault_row.addStretch(1)
        form.addRow(self.tr("Fault:"), fault_row)
        form.addRow(self.tr("Duration:"), self.duration)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(heading(self.tr("Rules and revert (dry run)")))
        layout.addWidget(self.rules, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.state)
        layout.addWidget(self.log, 1)

        for combo in (self.host, self.dependency, self.fault):
            combo.currentIndexChanged.connect(self.show_rules)
        for spin in (self.delay, self.duration):
            spin.valueChanged.connect(self.show_rules)
        self.run_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        session.inventory_changed.connect(self._inventory_changed)
        session.probe_changed.connect(self._enable)
        session.busy_changed.connect(self._enable)
        self.refresh()

    # -- choices and the dry run ----------------------------------------------------------------

    def fill_from_inventory(self) -> None:  # FilledWhenShown
        self.refresh()

    def refresh(self) -> None:
        self._stale = False
        inventory = self.session.inventory
        for combo, values in ((self.host, list(staging_hosts(inventory)) if inventory else []),
                              (self.dependency, self._dependencies(inventory))):
            kept = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(values)
            if kept in values:
                combo.setCurrentText(kept)
            combo.blockSignals(False)
        self.state.told = None
        self.show_rules()

    def _say_idle(self) -> None:
        """Idle is not a state to badge ("– TODO —" read as a placeholder): the plain sentence, true of what
        the dry run shows (a refusal has no rules above to install)."""
        self.state.told = None
        self.state.setStyleSheet("QLabel { padding: 4px; }")
        self.state.setText(escape(self.tr("Nothing applied yet: the rules above are what Rehearse… would install.")
                                  if self.request is not None else
                                  self.tr("Nothing can be applied: the dry run above says why.")))
        self.log.setVisible(bool(self.log.toPlainText()))  # the run's log, once there is one

    @staticmethod
    def _dependencies(inventory) -> list[str]:
        """Dependencies to rehearse first (declared or middleware in the request path), then the rest."""
        if inventory is None:
            return []
        deps = [d for d in inventory.dependencies() if d.direction != "inbound"]
        return [d.ref for d in sorted(deps, key=lambda d: not d.rehearse_faults)]

    def fault_text(self) -> str:
        fault = self.fault.currentData()
        return f"delay={self.delay.value()}" if fault == "delay" else fault

    def show_rules(self) -> None:
        # a fault-specific field shows only for the fault that uses it (a "500 ms" beside blackhole misleads)
        self.delay.setVisible(self.fault.currentData() == "delay")
        self.request = None
        inventory = self.session.inventory
        if inventory is None:
            self.rules.setPlainText(self.tr("Open an inventory first."))
        elif not self.host.currentText() or not self.dependency.currentText():
            self.rules.setPlainText(self.tr("The inventory lists no staging host or no outbound dependency."))
        else:
            try:
                self.request = prepare(inventory, self.host.currentText(), self.dependency.currentText(),
                                       self.fault_text(), float(self.duration.value()))
                self.rules.setPlainText("\n".join(shown(describe_rules(self.request))))
            except RehearsalRefused as exc:
                self.rules.setPlainText(self.tr("Refused: {why}").format(why=said(exc)))
        if self.state.told is None:  # idle (a run's outcome stays until the next run)
            self._say_idle()
        self._enable()

    # -- running --------------------------------------------------------------------------------

    def can_run(self) -> bool:
        s = self.session
        return (self.request is not None and s.workspace is not None and s.probe is None
                and not s.loading)

    def _enable(self) -> None:
        running = self.current is not None and self.current.running
        self.run_button.setEnabled(self.can_run() and not running)
        self.cancel_button.setEnabled(running)
        for widget in (self.host, self.dependency, self.fault, self.delay, self.duration):
            widget.setEnabled(not running)

    def start(self) -> RehearsalRun | None:
        """Ask (showing the exact rules), then run; never applies anything without a yes."""
        request = self.request
        if request is None or not self.can_run():
            self.state.tell("fail", self.rules.toPlainText() if request is None else
                            self.tr("Another run is going on, or the workspace is not open yet."))
            return None
        text = "\n".join(shown(describe_rules(request)))
        if not self.interaction.confirm(self.tr("Apply this fault?"), self.tr(
                "{rules}\n\nApply these rules on {host} now?").format(rules=text, host=request.host)):
            self.state.tell("todo", self.tr("Not applied: nothing was sent."))
            return None
        self.log.clear()
        self.log.setVisible(True)
        self.state.tell("running", self.tr("Rehearsing {dependency} on {host}…").format(
            dependency=request.dependency.ref, host=request.host))
        run = RehearsalRun(self.session, self.interaction, request, parent=self)
        run.line.connect(self.log.appendPlainText)
        run.finished.connect(self._finished)
        run.failed.connect(self._failed)
        self.current = run
        run.start()
        self._enable()
        return run

    def cancel(self) -> None:
        if self.current is not None and self.current.running:
            self.current.cancel()
            self.state.tell("pending", self.tr("Cancelling: removing the fault…"))

    def _finished(self, run: dict) -> None:
        r = run["rehearsal"]
        applied = any(e.get("event") == "applied" for e in r["events"])
        removed = self.tr("fault removed") if r.get("fault_removed") or not applied else \
            self.tr("fault removal NOT confirmed (the watchdog removes it)")
        key = r.get("verdict") or "inconclusive"
        verdict = label("rehearsal", key) if key in VOCABULARY["rehearsal"] else key.replace("_", " ")
        self.state.tell(VERDICT_STATES.get(r.get("verdict"), "pending"),
                        self.tr("{run}: {verdict}: {text} ({removed})").format(
                            run=run["id"], verdict=verdict, text=shown(r.get("text")) or "", removed=removed))
        self.show_rules()  # a fresh chain name for the next rehearsal

    def _failed(self, why: str) -> None:
        self.state.tell("fail", self.tr("Could not run: {why}").format(why=why))
        self._enable()
