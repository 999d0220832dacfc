"""Fixtures shared by the loopback tests, and the suite's network fence."""
from __future__ import annotations

import os
import socket

import pytest

from freeaddr import demo_copy, free_block
from migready.checks.demo.scenario import store_devices
from migready.checks.text.i18n import set_language
from migready.checks.probing.transports.guard import ENV

# Every agent plan a test sends (in-process or from a migready subprocess, which
# inherits this) may reach loopback and the lab's own networks only; anything
# else is refused before a packet leaves.  See checks/probing/transports/guard.py.
os.environ[ENV] = "127.0.0.0/8,::1/128,198.18.0.0/15"

# The suite's expected texts are English, on any machine: a developer whose
# locale is Chinese runs it the same way.  Tests that want zh_CN say so
# (`--lang zh_CN`, `LANGUAGE=zh_CN` for a subprocess, `i18n.set_language`).
os.environ["LANGUAGE"] = "en"
set_language("en")


@pytest.fixture
def demo_block():
    """A free loopback block for the demo's store (127.A.B.20 reflector, .21 scale, .22 printer),
    chosen now: no other test run, demo or reflector on this machine uses it."""
    return free_block()


@pytest.fixture
def demo_path(tmp_path, demo_block):
    """inventories/demo.yaml moved into `demo_block`: probe this, never the bundled file (its
    fixed 127.0.0.20-22 may be another process's demo)."""
    return demo_copy(demo_block, tmp_path)


@pytest.fixture
def store_peers(demo_block):
    """The demo's store, running in `demo_block` (the addresses `demo_path` names).

    Yields {"reflector", "scale", "printer"}; `store_peers["scale"].stats.accepted` counts
    the datagrams the scale simulator accepted; `store_peers.block` is `demo_block`.
    """
    with store_devices(demo_block) as peers:
        yield peers


@pytest.fixture
def loopback_connection():
    """A live TCP connection on 127.0.0.1, as the socket tables show it: (server port, client port)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.create_connection(server.getsockname())
    accepted, _ = server.accept()
    yield server.getsockname()[1], client.getsockname()[1]
    for sock in (client, accepted, server):
        sock.close()
