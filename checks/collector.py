"""No cyclic garbage collection while the core builds a big, acyclic result (a review, root causes).

Every translatable sentence of a review is a `Msg` (checks/text/i18n.py): a str
that carries its message id and parameters, so, unlike a plain str, each one
is an object the cyclic collector tracks.  A 10,000-dependency review builds
about 75,000 of them, and CPython's generation-2 collections, triggered by
the allocations, then scan every live object again and again: the review took
1.3 s instead of 0.8 s, most of it in the collector (bench/README.md).  The
results are plain trees that reference counting frees, so the collector is
paused while they are built, what survived is frozen (`gc.freeze()`: without
it the first collection afterwards scans all of it once more, 0.3 s), and the
collector is put back as it was found.  The window's workers pause it around
their whole job too (loading, reviewing, building a report): the collector
runs on whichever thread allocates, holding the GIL, so a collection in a
worker froze the UI thread (gui/jobs.py, gui/report_jobs.py).

The price of freezing: reference cycles that are garbage at that moment are
never collected (they stay until the process ends).  The core builds none; a
long-lived process that makes many should call `gc.collect()` before a review.

Re-entrant and thread-safe (one count for the core's and the window's pauses):
it only ever restores the state it found when the outermost pause began.
"""
from __future__ import annotations

import contextlib
import gc
import threading

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextlib.contextmanager
def paused():
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
                gc.freeze()  # what survived is long-lived: out of later scans (refcounting still frees it)
                if _was_enabled:
                    gc.enable()
