"""Fixtures shared by the loopback tests."""
from __future__ import annotations

import pytest

from migready.checks.demo import store_devices


@pytest.fixture
def store_peers():
    """inventories/demo.yaml's store on loopback: reflector 127.0.0.20, scale .21, printer .22.

    Yields {"reflector", "scale", "printer"}; `store_peers["scale"].stats.accepted` counts
    the datagrams the scale simulator accepted.
    """
    with store_devices() as peers:
        yield peers
