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

import queue
import sys
import threading
import traceback

from PySide6.QtCore import QObject, QTimer, Signal

from migready.checks.probe_run import run_probes
from migready.checks.transports import TransportError, TransportOptions

from .uicall import UiCall


def explain(exc: BaseException, host: str) -> str:
    """Why a run could not start, in words (TransportError texts are written for people)."""
    if isinstance(exc, TransportError):
        return str(exc)
    if isinstance(exc, ValueError):
        return f"host {host!r}: {exc}"
    if isinstance(exc, OSError):
        return f"{host}: {exc.strerror or exc}"
    return f"unexpected {type(exc).__name__}: {exc}"


class ProbeRun(QObject):
    results = Signal(list)  # result records that arrived since the last tick
    progress = Signal(int, int)  # done, total
    finished = Signal(object)  # the stored run (complete or not)
    failed = Signal(str)  # nothing was stored; why, in words

    def __init__(self, session, interaction, phase: str, host: str, jobs: int = 32,
                 options: TransportOptions | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.session, self.interaction = session, interaction
        self.phase, self.host, self.jobs = phase, host, jobs
        self.options = options or TransportOptions()
        self.cancel_event = threading.Event()
        self._queue: "queue.SimpleQueue" = queue.SimpleQueue()
        self._timer = QTimer(self)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self._drain)
        self.done = self.total = 0
        self.running = False
        self.run = None

    def start(self) -> None:
        ask = self.interaction
        self.options.host_key_callback = UiCall(ask.host_key, "refuse", self.cancel_event, self)
        self.options.password_callback = UiCall(ask.secret, None, self.cancel_event, self)  # gets a prompt
        self.options.passphrase_callback = UiCall(  # the transport passes the key file's path
            lambda path: ask.secret(f"Passphrase for the SSH key {path}:"), None, self.cancel_event, self)
        self.running = True
        self._runs_before = len(self.session.workspace.runs)
        self.session.probe = self
        self.session.probe_changed.emit()
        self._timer.start()
        self.session.runner.start(run_probes, self.session.inventory, self.host, self.phase, self.session.workspace,
                                  self.options, jobs=self.jobs, progress=self._queue.put,
                                  cancel=self.cancel_event, on_done=self._done, on_error=self._failed)

    def cancel(self) -> None:
        self.cancel_event.set()

    def _drain(self) -> None:
        batch = []
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            self.done, self.total = item.done, item.total
            if item.result is not None:
                batch.append(item.result)
        if batch:
            self.results.emit(batch)
            self.progress.emit(self.done, self.total)

    def _finish(self) -> None:
        self._timer.stop()
        self._drain()
        self.running = False
        if self.session.probe is self:
            self.session.probe = None
            self.session.probe_changed.emit()

    def _done(self, run: dict) -> None:
        self._finish()
        self.run = run
        self.finished.emit(run)
        self.session.changed("probe run")

    def _failed(self, exc: BaseException) -> None:
        self._finish()
        if not isinstance(exc, (TransportError, ValueError, OSError)):
            traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
        self.failed.emit(explain(exc, self.host))
        if len(self.session.workspace.runs) > self._runs_before:
            self.session.changed("probe run failed")  # what came in before the error is stored
