"""One probe run in the background: `run_probes` on a pool thread, results to the UI as they come;
and, before a run over every host of a phase, the lookup of those hosts (`HostsLookup`): an Ansible
inventory or a kubectl selector is asked in a worker, never on the UI thread.

The core function streams results through its progress callback on the
worker thread; they go into a queue that a UI-thread timer drains every
100 ms, so a fast agent (thousands of results a second) costs the UI one
table update per tick, not one per result.  Cancel sets the core's event:
the run stops, keeps what came in and is stored as incomplete.  Questions
from the transport (unknown host key, password, passphrase) reach the
person through `UiCall` and the injected interaction.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QObject, Signal

from migready.checks.probing.run import Progress, run_probes
from migready.checks.actions import attest_run
from migready.checks.probing.transports import TransportOptions

from .background_job import WorkspaceRun, explain

__all__ = ["EVERY_HOST", "FleetPlan", "HostsLookup", "ProbeRun", "explain", "fleet_plan"]

EVERY_HOST = "*every staging host*"  # the host field's fan-out entry (never a host spec: it has spaces)


@dataclass
class FleetPlan:
    """A phase's staging hosts as they were looked up, and the plan each would run (what the person
    accepts before anything is sent: the run then covers exactly these hosts)."""

    hosts: list
    view: object  # FleetPlanView


def fleet_plan(inventory, phase: str, progress: Callable[[int, int, str], None] | None = None) -> FleetPlan:
    """Run on a worker: the phase's hosts, with its Ansible and kubectl sources asked
    (`ansible-inventory`, `kubectl get pods`: seconds, or the 120 s timeout), and each host's plan.
    `progress(number, total, what)` names the source being asked, as the person would type it."""
    from migready.checks.probing.hostsources import phase_hosts
    from migready.checks.probing.plan_view import plan_fleet

    def asking(number: int, total: int, source) -> None:
        if progress is not None:
            what = f"ansible-inventory -i {source.written or source.path} --list" if source.kind == "ansible" \
                else f"kubectl get pods -l {source.selector}"
            progress(number, total, what)

    hosts = phase_hosts(inventory, phase, progress=asking)
    return FleetPlan(hosts, plan_fleet(inventory, hosts, phase)[1])


class HostsLookup(QObject):
    """`fleet_plan` in the session's worker pool, its progress and its outcome as signals on the UI
    thread.  A later lookup supersedes an earlier one (the Runner's key); `cancel` drops the answer
    (the lookup itself runs to its end or its timeout: it only reads)."""

    progress = Signal(int, int, str)  # number, total, what is being asked
    done = Signal(object)  # FleetPlan
    failed = Signal(str)  # why, in words

    def __init__(self, session, phase: str, parent: QObject | None = None):
        super().__init__(parent)
        self.session, self.phase = session, phase
        self.running = False
        self._task = None

    def start(self) -> None:
        self.running = True
        self._task = self.session.runner.start(fleet_plan, self.session.inventory, self.phase,
                                               progress=self.progress.emit, key=f"hosts-{self.phase}",
                                               on_done=self._done, on_error=self._failed)

    def cancel(self) -> None:
        if self.running and self._task is not None:
            self._task.cancel.set()
        self.running = False

    def _done(self, plan: FleetPlan) -> None:
        if self.running and not self._task.cancel.is_set():
            self.running = False
            self.done.emit(plan)

    def _failed(self, exc: BaseException) -> None:
        if not self.running or self._task.cancel.is_set():
            return
        self.running = False
        from migready.checks.probing.hostsources import HostSourceError
        self.failed.emit(str(exc) if isinstance(exc, HostSourceError) else explain(exc, self.phase))


def run_phase(inventory, phase: str, workspace, options, jobs: int = 32, progress=None, cancel=None,
              hosts: list | None = None) -> dict:
    """Every staging host of the phase (checks/probing/fleet.py), or `hosts` as a lookup found them;
    returns the phase's merged view, whose `members` are the runs stored.  Progress counts every
    host's results together."""
    from migready.checks.probing.fleet import run_fleet
    from migready.checks.probing.hostsources import phase_hosts
    from migready.checks.review.compare import latest_runs

    hosts = phase_hosts(inventory, phase) if hosts is None else hosts
    totals: dict = {}
    done = [0]

    def said(event) -> None:
        if event.progress is None or progress is None:
            return
        totals[event.host.spec] = event.progress.total
        done[0] += 1
        progress(Progress(done[0], max(sum(totals.values()), done[0]), event.progress.result))

    fleet = run_fleet(inventory, hosts, phase, workspace, options, jobs=jobs, progress=said, cancel=cancel)
    pre, post = latest_runs(workspace.runs)
    view = pre if phase == "pre" else post
    return dict(view, members=[r["id"] for r in fleet.runs]) if view else {"results": [], "members": []}


class ProbeRun(WorkspaceRun):
    what = "probe run"
    results = Signal(list)  # result records that arrived since the last tick
    progress = Signal(int, int)  # done, total
    finished = Signal(object)  # the stored run (complete or not)
    failed = Signal(str)  # nothing was stored; why, in words

    def __init__(self, session, interaction, phase: str, host: str, jobs: int = 32,
                 options: TransportOptions | None = None, parent: QObject | None = None, hosts: list | None = None):
        """`hosts`: for EVERY_HOST, the hosts a `HostsLookup` found (None: looked up by the run)."""
        super().__init__(session, interaction, options, parent)
        self.phase, self.host, self.jobs, self.hosts = phase, host, jobs, hosts
        self.done = self.total = 0
        self.run = None

    def start(self) -> None:
        self._occupy()
        if self.host == EVERY_HOST:
            self.session.runner.start(run_phase, self.session.inventory, self.phase, self.session.workspace,
                                      self.options, jobs=self.jobs, progress=self._queue.put, hosts=self.hosts,
                                      cancel_event=self.cancel_event, pass_cancel=True,
                                      on_done=self._done, on_error=self._failed)
            return
        self.session.runner.start(run_probes, self.session.inventory, self.host, self.phase, self.session.workspace,
                                  self.options, jobs=self.jobs, progress=self._queue.put,
                                  cancel_event=self.cancel_event, pass_cancel=True,
                                  on_done=self._done, on_error=self._failed)

    def _drained(self, items: list) -> None:
        self.done, self.total = items[-1].done, items[-1].total
        batch = [item.result for item in items if item.result is not None]
        if batch:
            self.results.emit(batch)
            self.progress.emit(self.done, self.total)

    def _done(self, run: dict) -> None:
        signer, workspace = self.session.run_signer, self.session.workspace
        for run_id in run.get("members") or [run["id"]]:  # a fan-out: every host's run is attested
            if signer is not None and workspace.run_logged_digest(run_id) is not None:
                attest_run(workspace, signer, run_id)  # chained to the previous attestation
        self.run = run
        super()._done(run)
