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

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QComboBox, QFormLayout, QHBoxLayout, QPlainTextEdit, QPushButton, QSpinBox,
                               QVBoxLayout)

from migready.checks.rehearsal import RehearsalRefused, describe_rules, prepare, run_rehearsal, staging_hosts

from .background_job import WorkspaceRun
from .page import Page, StateLine, heading

FAULTS = ("blackhole", "reject", "delay")
VERDICT_STATES = {"fails_fast": "pass", "unaffected": "pass", "hangs": "fail", "inconclusive": "pending"}


def call_line(obj: dict) -> str | None:
    """One line of the live log for an agent line (None: nothing to show)."""
    if obj.get("type") == "call":
        answer = "timed out" if obj.get("timed_out") else obj.get("error") or obj.get("status")
        return f"{obj.get('stage'):9} call {obj.get('n')}: {obj.get('latency_ms') or 0:.1f} ms ({answer})"
    if obj.get("type") == "rehearsal":
        event = obj.get("event")
        if event == "inconclusive":
            return f"inconclusive: {obj.get('reason')}: {obj.get('detail')}"
        if event in ("armed", "applied", "reverted", "recovered", "not_recovered"):
            extra = {"armed": f"watchdog pid {obj.get('watchdog_pid')}, deadline {obj.get('deadline_s')} s",
                     "applied": f"fault in chain {obj.get('chain')}",
                     "reverted": "fault removed" if obj.get("removed") else f"STILL PRESENT: {obj.get('left')}",
                     "recovered": f"healthy {obj.get('recovery_ms') or 0:.0f} ms after the revert",
                     "not_recovered": f"not healthy within {obj.get('within_s')} s"}[event]
            return f"{event}: {extra}"
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



class RehearsalPage(Page):
    key, title = "rehearsal", "Rehearsal"

    def __init__(self, session, interaction, parent=None):
        super().__init__(session, interaction, parent)
        self.current: RehearsalRun | None = None
        self.request = None  # the request whose rules are shown (the very one applied)
        self.intro = heading("<b>Rehearsal</b>: break one dependency on a staging host for a bounded time and "
                             "measure whether the service's health endpoint fails fast (incidents 2 and 3).")
        self.host = QComboBox()
        self.host.setObjectName("rehearsal-host")
        self.dependency = QComboBox()
        self.dependency.setObjectName("rehearsal-dependency")
        # sized by a typical name, not by measuring every one of 10,000 dependencies
        self.dependency.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.dependency.setMinimumContentsLength(40)
        self.fault = QComboBox()
        self.fault.addItems(FAULTS)
        self.delay = QSpinBox()
        self.delay.setRange(1, 600000)
        self.delay.setValue(500)
        self.delay.setSuffix(" ms")
        self.duration = QSpinBox()
        self.duration.setRange(1, 600)
        self.duration.setValue(30)
        self.duration.setSuffix(" s")
        self.rules = QPlainTextEdit()
        self.rules.setObjectName("rehearsal-rules")
        self.rules.setReadOnly(True)
        self.log = QPlainTextEdit()
        self.log.setObjectName("rehearsal-log")
        self.log.setReadOnly(True)
        self.run_button = QPushButton("Rehearse…")
        self.run_button.setToolTip("Show the rules and ask before applying them")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop now: the fault is removed and what came in is kept (Esc)")
        self.cancel_button.setEnabled(False)
        self.state = StateLine("rehearsal-state")

        form = QFormLayout()
        form.addRow("Staging host:", self.host)
        form.addRow("Dependency:", self.dependency)
        fault_row = QHBoxLayout()
        fault_row.addWidget(self.fault)
        fault_row.addWidget(self.delay)
        fault_row.addStretch(1)
        form.addRow("Fault:", fault_row)
        form.addRow("Duration:", self.duration)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(heading("Rules and revert (dry run)"))
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

    def _inventory_changed(self) -> None:
        """Filled when shown: opening a big inventory must not wait for a page nobody is looking at."""
        self._stale = True
        if self.isVisible():
            self.refresh()

    def activate(self) -> None:
        if getattr(self, "_stale", True):
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
        self.show_rules()
        self.state.tell("todo", "Nothing applied yet: the rules above are what Rehearse… would install.")

    @staticmethod
    def _dependencies(inventory) -> list[str]:
        """Dependencies to rehearse first (declared or middleware in the request path), then the rest."""
        if inventory is None:
            return []
        deps = [d for d in inventory.dependencies() if d.direction != "inbound"]
        return [d.ref for d in sorted(deps, key=lambda d: not d.rehearse_faults)]

    def fault_text(self) -> str:
        fault = self.fault.currentText()
        return f"delay={self.delay.value()}" if fault == "delay" else fault

    def show_rules(self) -> None:
        self.delay.setEnabled(self.fault.currentText() == "delay")
        self.request = None
        inventory = self.session.inventory
        if inventory is None:
            self.rules.setPlainText("Open an inventory first.")
        elif not self.host.currentText() or not self.dependency.currentText():
            self.rules.setPlainText("The inventory lists no staging host or no outbound dependency.")
        else:
            try:
                self.request = prepare(inventory, self.host.currentText(), self.dependency.currentText(),
                                       self.fault_text(), float(self.duration.value()))
                self.rules.setPlainText("\n".join(describe_rules(self.request)))
            except RehearsalRefused as exc:
                self.rules.setPlainText(f"Refused: {exc}")
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
                            "Another run is going on, or the workspace is not open yet.")
            return None
        text = "\n".join(describe_rules(request))
        if not self.interaction.confirm("Apply this fault?", f"{text}\n\nApply these rules on {request.host} now?"):
            self.state.tell("todo", "Not applied: nothing was sent.")
            return None
        self.log.clear()
        self.state.tell("running", f"Rehearsing {request.dependency.ref} on {request.host}…")
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
            self.state.tell("pending", "Cancelling: removing the fault…")

    def _finished(self, run: dict) -> None:
        r = run["rehearsal"]
        applied = any(e.get("event") == "applied" for e in r["events"])
        removed = "fault removed" if r.get("fault_removed") or not applied else \
            "fault removal NOT confirmed (the watchdog removes it)"
        verdict = (r.get("verdict") or "inconclusive").replace("_", " ")
        self.state.tell(VERDICT_STATES.get(r.get("verdict"), "pending"),
                        f"{run['id']}: {verdict}: {r.get('text') or ''} ({removed})")
        self.show_rules()  # a fresh chain name for the next rehearsal

    def _failed(self, why: str) -> None:
        self.state.tell("fail", f"Could not run: {why}")
        self._enable()
