"""An import read by the importer's fast path and by its row-by-row path, for the tests that hold
the two to the same answer (test_discovery_aws_fast.py, test_discovery_azure_fast.py)."""
from __future__ import annotations

import dataclasses

from migready.checks.discovery import import_file, importers
from migready.checks.store.problems import InputError


def both_ways(path, monkeypatch, fmt: str, server, reader: str, exact_reader):
    """(fast-or-fallback result, exact result): an Observation as a dict, or the problems as text.
    `reader` names the class in `importers` that `exact_reader` (made to read row by row) replaces."""
    def run():
        try:
            return dataclasses.asdict(import_file(path, fmt, server))
        except InputError as exc:
            return [str(p) for p in exc.problems]
    fast = run()
    with monkeypatch.context() as m:
        m.setattr(importers, reader, exact_reader)
        exact = run()
    return fast, exact
