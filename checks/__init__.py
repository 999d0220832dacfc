"""The migready core: inventory, rules, probes, comparison, verdict, reports.

Nothing in this package imports Qt; the GUI and the CLI are thin front ends
over the same functions (tests/test_no_qt.py keeps it that way).
"""
from __future__ import annotations

from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("migready")
except _metadata.PackageNotFoundError:  # running from a source tree without install
    __version__ = "0+unknown"
