"""No garbage collection while a worker builds a big result; its survivors frozen afterwards.

CPython's cyclic collector runs on whichever thread allocates, holding the GIL:
while a worker builds a 16,000-item review or report, a generation-2
collection scans every object in the process and the UI thread waits
(half of the root-cause grouping's time on 10,000 dependencies was
collections; bench/README.md).  The results are plain, acyclic data that
reference counting frees, so the workers pause the collector and, when the
last one finishes, `gc.freeze()` moves what survived out of later scans.
"""
from __future__ import annotations

import contextlib
import gc
import threading

_lock = threading.Lock()
_depth = 0
_was_enabled = True


@contextlib.contextmanager
def no_collection():
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                gc.freeze()
                if _was_enabled:
                    gc.enable()
