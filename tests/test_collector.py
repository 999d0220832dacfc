"""checks/collector.py: a review pauses the cyclic collector and leaves it as it found it.

The window's workers switch the collector off around their own work with the same pause;
a review that turned it back on, or left it off for a command-line run, would be a bug.
"""
from __future__ import annotations

import gc
import threading
from importlib import resources
from pathlib import Path

from migready.checks import collector
from migready.checks.inventory.load import load_inventory
from migready.checks.inventory.rules import evaluate

DEMO = Path(str(resources.files("migready.inventories"))) / "demo.yaml"


def test_the_collector_is_off_while_flags_are_built_and_back_on_afterwards():
    seen = []
    gc.callbacks.append(lambda phase, info: seen.append(info["generation"]))
    try:
        assert gc.isenabled()
        with collector.paused():
            assert not gc.isenabled()
            with collector.paused():  # nested (evaluate inside review): still off
                assert not gc.isenabled()
                garbage = [[i] for i in range(50_000)]  # would trigger young collections
            assert not gc.isenabled()
        assert gc.isenabled()
        assert seen == []
        del garbage
    finally:
        gc.callbacks.pop()


def test_a_collector_switched_off_by_someone_else_stays_off():
    gc.disable()
    try:
        evaluate(load_inventory(DEMO))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_pauses_on_two_threads_leave_the_collector_on():
    barrier = threading.Barrier(2)

    def work():
        with collector.paused():
            barrier.wait()
            evaluate(load_inventory(DEMO))

    threads = [threading.Thread(target=work) for _i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert gc.isenabled()
