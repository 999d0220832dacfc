"""One probe run in the background: `run_probes` on a pool thread, results to the UI as they come.

The core function streams results through its progress callback on the
worker thread; they go into a queue that a UI-thread timer drains every
100 ms, so a fast agent (thousands of results a second) costs the UI one
table update per tick, not one per result.  Cancel sets the core's event:
the run stops, keeps what came in and is stored as incomplete.  Questions
from the transport (unknown host key, password, passphrase) reach the
person through `UiCall` and the injected interaction.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from migready.checks.probing.run import Progress, run_probes
from migready.checks.trust.signing import attest
from migready.checks.probing.transports import TransportOptions

from .background_job import WorkspaceRun, explain

__all__ = ["EVERY_HOST", "ProbeRun", "explain"]

EVERY_HOST = "*every staging host*"  # the host field's fan-out entry (never a host spec: it has spaces)


def run_phase(inventory, phase: str, workspace, options, jobs: int = 32, progress=None, cancel=None) -> dict:
    """Every staging host of the phase (checks/probing/fleet.py); returns the phase's merged view,
    whose `members` are the runs stored.  Progress counts every host's results together."""
    from migready.checks.probing.fleet import run_fleet
    from migready.checks.probing.hostsources import phase_hosts
    from migready.checks.review.compare import latest_runs

    hosts = phase_hosts(inventory, phase)
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
                 options: TransportOptions | None = None, parent: QObject | None = None):
        super().__init__(session, interaction, options, parent)
        self.phase, self.host, self.jobs = phase, host, jobs
        self.done = self.total = 0
        self.run = None

    def start(self) -> None:
        self._occupy()
        if self.host == EVERY_HOST:
            self.session.runner.start(run_phase, self.session.inventory, self.phase, self.session.workspace,
                                      self.options, jobs=self.jobs, progress=self._queue.put,
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
                workspace.attest_run(attest(signer, run_id, workspace.run_logged_digest(run_id)))
        self.run = run
        super()._done(run)
