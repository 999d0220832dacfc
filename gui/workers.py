"""Background work for the GUI: plain functions run on a QThreadPool.

The pattern of Orange's `concurrent.py` and git-cola's `qtutils.runtask`:
the slow work is an ordinary function (it knows nothing about Qt); a
`Task` runs it on a pool thread and reports back through a `QObject`
channel whose signals reach the UI thread by queued connection.  The
`Runner` keeps the Python side of every running task alive, routes the
results to plain callbacks on the UI thread and can cancel or wait for all
of them (on close).  A `key` supersedes: starting a task with the key of a
running one drops the older task's result, so a slow review never
overwrites a newer one.
"""
from __future__ import annotations

import gc
import itertools
import sys
import threading
from typing import Any, Callable, Optional

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot


# Workers run Python too, and Python threads share one lock (the GIL).  By default a busy thread
# keeps it for 5 ms at a time; every Qt callback into Python (a model's data(), a slot) waits for
# it, so a busy worker makes a table refresh crawl.  Handing it over every 0.5 ms keeps the UI
# thread's turns short.  And a full garbage collection stops every thread for as long as it walks
# all objects (~0.2 s with a 10,000-dependency inventory and its review in memory): collecting
# less often makes those pauses rare.  Both measured in tests/gui/test_gui_large.py.
UI_SWITCH_INTERVAL = 0.0005
GC_THRESHOLDS = (50_000, 20, 50)


def tune_for_interaction() -> None:
    """Process-wide settings for a responsive UI thread next to busy Python workers (idempotent)."""
    if sys.getswitchinterval() > UI_SWITCH_INTERVAL:
        sys.setswitchinterval(UI_SWITCH_INTERVAL)
    if gc.get_threshold()[0] < GC_THRESHOLDS[0]:
        gc.set_threshold(*GC_THRESHOLDS)


class _Channel(QObject):
    """Lives on the UI thread; the pool thread only emits."""

    done = Signal(int, object)
    failed = Signal(int, object)


class Task(QRunnable):
    def __init__(self, number: int, fn: Callable[..., Any], args: tuple, kwargs: dict, channel: _Channel,
                 cancel: Optional[threading.Event] = None):
        super().__init__()
        self.setAutoDelete(False)  # Python owns it (the Runner holds it until it reports)
        self.number = number
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.channel = channel
        self.cancel = cancel or threading.Event()
        self.finished = threading.Event()

    def run(self) -> None:  # noqa: D401 - Qt override
        try:
            result = self.fn(*self.args, **self.kwargs)
        except BaseException as exc:  # noqa: BLE001 - reported to the UI, never swallowed
            self.channel.failed.emit(self.number, exc)
        else:
            self.channel.done.emit(self.number, result)
        finally:
            self.finished.set()


class Runner(QObject):
    """Start plain functions in the background and get their outcome on the UI thread."""

    def __init__(self, parent: Optional[QObject] = None, pool: Optional[QThreadPool] = None,
                 max_threads: Optional[int] = None):
        super().__init__(parent)
        tune_for_interaction()
        self.pool = pool or QThreadPool(self)
        if max_threads:
            self.pool.setMaxThreadCount(max_threads)
        self._channel = _Channel(self)
        self._channel.done.connect(self._on_done, Qt.QueuedConnection)
        self._channel.failed.connect(self._on_failed, Qt.QueuedConnection)
        self._numbers = itertools.count(1)
        self._tasks: dict[int, tuple[Task, Callable, Callable, Optional[str]]] = {}
        self._latest: dict[str, int] = {}

    def start(self, fn: Callable[..., Any], *args, on_done: Callable[[Any], None] = lambda r: None,
              on_error: Optional[Callable[[BaseException], None]] = None, key: Optional[str] = None,
              pass_cancel: bool = False, cancel_event: Optional[threading.Event] = None, **kwargs) -> Task:
        """Run ``fn(*args, **kwargs)`` on the pool; ``pass_cancel`` adds ``cancel=<Event>`` (the caller's
        ``cancel_event`` when given, so that cancelling the runner cancels the caller's job too)."""
        number = next(self._numbers)
        task = Task(number, fn, args, kwargs, self._channel, cancel_event)
        if pass_cancel:
            task.kwargs["cancel"] = task.cancel
        if key is not None:
            older = self._latest.get(key)
            if older in self._tasks:
                self._tasks[older][0].cancel.set()
            self._latest[key] = number
        self._tasks[number] = (task, on_done, on_error or _reraise, key)
        self.pool.start(task)
        return task

    def busy(self, key: Optional[str] = None) -> bool:
        if key is None:
            return bool(self._tasks)
        return any(k == key for _, _, _, k in self._tasks.values())

    def cancel_all(self) -> None:
        for task, *_ in self._tasks.values():
            task.cancel.set()

    def wait(self, timeout_ms: int = 30_000) -> bool:
        """Block until every task has run (used on close and in scripts)."""
        return self.pool.waitForDone(timeout_ms)

    def _pop(self, number: int):
        entry = self._tasks.pop(number, None)
        if entry is None:
            return None
        task, on_done, on_error, key = entry
        if key is not None and self._latest.get(key) != number:
            return None  # superseded: a newer task with this key is running or ran
        return on_done, on_error

    @Slot(int, object)
    def _on_done(self, number: int, result: Any) -> None:
        callbacks = self._pop(number)
        if callbacks:
            callbacks[0](result)

    @Slot(int, object)
    def _on_failed(self, number: int, exc: BaseException) -> None:
        callbacks = self._pop(number)
        if callbacks:
            callbacks[1](exc)


def _reraise(exc: BaseException) -> None:
    raise exc
