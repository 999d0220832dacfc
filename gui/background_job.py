"""What a long job over SSH needs in the window, once: the person answers the transport's questions,
progress reaches the UI in batches, cancel stops it, and a failure is told in words.

`ProbeRun` and `DiscoveryRun` are both one of these: the core function runs on the session's pool and
reports through a callback on the worker thread; items go into a queue that a UI-thread timer drains
every 100 ms (one UI update per tick, however fast the agent), and `_drained(items)` turns a batch into
the subclass's signals.  Questions from the transport (unknown host key, password, passphrase) reach the
person through `UiCall` and the injected interaction.
"""
from __future__ import annotations

import queue
import sys
import threading
import traceback

from PySide6.QtCore import QCoreApplication, QObject, QTimer

from migready.checks.store.problems import InputError
from migready.checks.probing.transports import TransportError, TransportOptions

from .i18n import said
from .uicall import UiCall

translate = QCoreApplication.translate  # named contexts: lupdate reads translate("context", "text")


def explain(exc: BaseException, what: str) -> str:
    """Why a job could not run, in words (TransportError and InputError texts are written for people)."""
    if isinstance(exc, InputError):
        return "\n".join(str(p) for p in exc.problems)
    if isinstance(exc, TransportError):
        return said(exc)
    if isinstance(exc, ValueError):
        return translate("BackgroundJob", "host {host}: {error}").format(host=repr(what), error=said(exc))
    if isinstance(exc, OSError):
        return f"{what}: {exc.strerror or exc}"
    return translate("BackgroundJob", "unexpected {kind}: {error}").format(kind=type(exc).__name__, error=said(exc))


class BackgroundJob(QObject):
    def __init__(self, session, interaction, options: TransportOptions | None = None,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.session, self.interaction = session, interaction
        self.options = options or TransportOptions()
        self.cancel_event = threading.Event()
        self.running = False
        self._queue: "queue.SimpleQueue" = queue.SimpleQueue()
        self._timer = QTimer(self)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self._drain)

    def _ask_the_person(self) -> None:
        """Route the transport's questions to the interaction (refuse / no answer when cancelled)."""
        ask = self.interaction
        self.options.host_key_callback = UiCall(ask.host_key, "refuse", self.cancel_event, self)
        self.options.password_callback = UiCall(ask.secret, None, self.cancel_event, self)  # gets a prompt
        self.options.passphrase_callback = UiCall(  # the transport passes the key file's path
            lambda path: ask.secret(translate("BackgroundJob", "Passphrase for the SSH key {path}:").format(
                path=path)), None,
            self.cancel_event, self)

    def _start_draining(self) -> None:
        self.running = True
        self._timer.start()

    def cancel(self) -> None:
        self.cancel_event.set()

    def _drain(self) -> None:
        items = []
        while True:
            try:
                items.append(self._queue.get_nowait())
            except queue.Empty:
                break
        if items:
            self._drained(items)

    def _drained(self, items: list) -> None:
        """A batch of progress items from the worker thread, on the UI thread."""

    def _finish(self) -> None:
        self._timer.stop()
        self._drain()
        self.running = False

    @staticmethod
    def _log_unexpected(exc: BaseException) -> None:
        if not isinstance(exc, (InputError, TransportError, ValueError, OSError)):
            traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)


class WorkspaceRun(BackgroundJob):
    """A job that stores a run in the session's workspace (a probe run, a rehearsal) and holds the
    session's `probe` slot while it runs: one at a time, and Esc cancels whichever it is.  Subclasses
    define the `finished(run)` and `failed(str)` signals, `host`, and `what` (the word for the change)."""

    what = "run"

    def _occupy(self) -> None:
        self._ask_the_person()
        self._runs_before = len(self.session.workspace.runs)
        self.session.probe = self
        self.session.probe_changed.emit()
        self._start_draining()

    def _finish(self) -> None:
        super()._finish()
        if self.session.probe is self:
            self.session.probe = None
            self.session.probe_changed.emit()

    def _done(self, run: dict) -> None:
        self._finish()
        self.finished.emit(run)
        self.session.changed(self.what)

    def _failed(self, exc: BaseException) -> None:
        self._finish()
        self._log_unexpected(exc)
        self.failed.emit(explain(exc, self.host))
        if len(self.session.workspace.runs) > self._runs_before:
            self.session.changed(f"{self.what} failed")  # what came in before the error is stored
