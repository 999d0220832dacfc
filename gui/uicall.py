"""Call a UI-thread function from a worker thread and wait for its answer.

The SSH transport asks "trust this host key?" from the thread that runs the
probes; a dialog may only be shown on the UI thread.  `UiCall` wraps a
function living on the UI thread: called on the UI thread it just runs it;
called from any other thread it posts the call (queued signal), waits on an
event for the answer, and gives up with ``default`` when the worker is
cancelled or the window closes, so a closing window never deadlocks on a
dialog nobody will answer.
"""
from __future__ import annotations

import threading
from typing import Any, Callable, Optional

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot


class _Call:
    def __init__(self, args: tuple):
        self.args = args
        self.result: Any = None
        self.error: Optional[BaseException] = None
        self.answered = threading.Event()


class UiCall(QObject):
    _posted = Signal(object)

    def __init__(self, fn: Callable[..., Any], default: Any = None,
                 cancel: Optional[threading.Event] = None, parent: Optional[QObject] = None):
        super().__init__(parent)
        self.fn = fn
        self.default = default
        self.cancel = cancel or threading.Event()
        self._posted.connect(self._serve, Qt.QueuedConnection)

    def __call__(self, *args) -> Any:
        if QThread.currentThread() is self.thread():
            return self.fn(*args)
        call = _Call(args)
        self._posted.emit(call)
        while not call.answered.wait(0.05):
            if self.cancel.is_set():
                return self.default
        if call.error is not None:
            raise call.error
        return call.result

    @Slot(object)
    def _serve(self, call: _Call) -> None:
        if self.cancel.is_set():
            call.result = self.default
        else:
            try:
                call.result = self.fn(*call.args)
            except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
                call.error = exc
        call.answered.set()
