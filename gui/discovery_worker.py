"""Discovery in the background: sampling a host (or reading an export) and the comparison, off the UI thread.

`observe_job` and `import_job` are plain functions (the core calls the CLI
makes, no Qt) run on the session's pool; `DiscoveryRun` starts one, turns
the core's progress callback into a signal drained by a UI-thread timer,
and hands the observation and its comparison back.  Cancel sets the
core's cancel event: sampling stops, what came in is kept and comes back
as an incomplete observation.  SSH questions (host key, password,
passphrase) reach the person through `UiCall`, as for probe runs.
"""
from __future__ import annotations

import re
import threading
from typing import Callable, Optional

from PySide6.QtCore import QObject, Signal

from migready.checks.discovery import classify, import_file, inventory_names, sample_host
from migready.checks.discovery.sampling import CHUNK_SECONDS
from migready.checks.text.i18n import gettext
from migready.checks.store.problems import InputError
from migready.checks.probing.transports import TransportOptions

from .background_job import BackgroundJob, explain


# The sentence `checks.discovery.importcommon.pick_server` raises for an export of several servers.
COVERS = "the export covers {n} {what} ({candidates}); pick one with {flag}"


def _pattern(template: str) -> re.Pattern:
    """`template` with its literal text escaped, ``{candidates}`` captured and the other fields open."""
    parts = re.split(r"(\{\w+\})", template)
    return re.compile("".join("(?P<candidates>.*)" if part == "{candidates}"
                              else ".*?" if re.fullmatch(r"\{\w+\}", part) else re.escape(part) for part in parts))


def server_candidates(text: str) -> list[str]:
    """The servers an export of several covers, read from the core's sentence in the reader's language
    or in English ("the export covers 3 source servers (a, b, c); pick one with --server"); [] otherwise."""
    for template in dict.fromkeys((gettext(COVERS), COVERS)):
        match = _pattern(template).search(text)
        if match:
            return [c.strip() for c in match.group("candidates").split(",") if c.strip() and c.strip() != "..."]
    return []


def candidates_of(exc: BaseException) -> list[str]:
    """`server_candidates` of an import's InputError (from its problems, not from the text the
    window shows, which may say more)."""
    if not isinstance(exc, InputError):
        return []
    for problem in exc.problems:
        found = server_candidates(str(problem.message))
        if found:
            return found
    return []


def chunk_seconds(duration: float, interval: float) -> float:
    """Chunks of at most CHUNK_SECONDS, and about ten per window: the progress bar moves, a cancel keeps more."""
    return max(interval, min(CHUNK_SECONDS, duration / 10))


def observe_job(inventory, host: str, options: TransportOptions, duration: float, interval: float,
                services: Optional[list[str]] = None, use_ss: bool = True,
                progress: Optional[Callable] = None, cancel: Optional[threading.Event] = None):
    """Sample `host` and compare with the inventory: (Observation, DiscoveryReport)."""
    names = inventory_names(inventory, services)
    observation = sample_host(host, options, duration=duration, interval=interval, names=names,
                              use_ss=use_ss, chunk_s=chunk_seconds(duration, interval), progress=progress,
                              cancel=cancel)
    return observation, classify(inventory, observation, services)


def import_job(inventory, path: str, fmt: str = "auto", server: Optional[str] = None,
               services: Optional[list[str]] = None):
    """Read an export and compare with the inventory: (Observation, DiscoveryReport); InputError for people."""
    observation = import_file(path, fmt, server or None)
    return observation, classify(inventory, observation, services)


def add_job(inventory_path: str, peers: list, service: str, out_path: str, origin: str):
    """`add_to_inventory`: the copy, loaded (InputError: written but invalid; ValueError: cannot insert)."""
    from migready.checks.discovery import add_to_inventory
    return add_to_inventory(inventory_path, peers, service, out_path, origin=origin)


class DiscoveryRun(BackgroundJob):
    progress = Signal(object)  # the latest SampleProgress
    finished = Signal(object, object)  # Observation (complete or not), DiscoveryReport
    failed = Signal(str)  # nothing observed; why, in words

    def __init__(self, session, interaction, *, host: str = "", path: str = "", fmt: str = "auto",
                 server: str = "", duration: float = 60.0, interval: float = 1.0,
                 services: Optional[list[str]] = None, options: TransportOptions | None = None,
                 parent: QObject | None = None):
        super().__init__(session, interaction, options, parent)
        self.host, self.path, self.fmt, self.server = host, path, fmt, server
        self.duration, self.interval, self.services = duration, interval, services or None
        self.inventory = session.inventory  # the one compared with, even if another is opened meanwhile
        self.task = None
        self.candidates: list[str] = []  # an export of several servers: the ones it covers (see _failed)

    @property
    def live(self) -> bool:
        return bool(self.host)

    def start(self) -> None:
        self.running = True
        if self.live:
            self._ask_the_person()
            self._start_draining()
            self.task = self.session.runner.start(  # the task's cancel is ours: session.shutdown stops it too
                observe_job, self.inventory, self.host, self.options, self.duration, self.interval, self.services,
                progress=self._queue.put, cancel_event=self.cancel_event, pass_cancel=True,
                on_done=self._done, on_error=self._failed)
        else:
            self.task = self.session.runner.start(
                import_job, self.inventory, self.path, self.fmt, self.server, self.services,
                on_done=self._done, on_error=self._failed)

    def _drained(self, items: list) -> None:
        self.progress.emit(items[-1])

    def _done(self, result) -> None:
        self._finish()
        self.finished.emit(*result)

    def _failed(self, exc: BaseException) -> None:
        self._finish()
        self.candidates = candidates_of(exc)
        self._log_unexpected(exc)
        self.failed.emit(explain(exc, self.host or self.path))
