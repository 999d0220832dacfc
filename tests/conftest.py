"""Fixtures shared by the loopback tests, and the suite's network fence."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys

import pytest

from freeaddr import demo_copy, free_block
from migready.checks.demo.scenario import store_devices
from migready.checks.text.i18n import set_language
from migready.checks.probing.transports.guard import ENV

# Every agent plan a test sends (in-process or from a migready subprocess, which
# inherits this) may reach loopback and the lab's own networks only; anything
# else is refused before a packet leaves.  See checks/probing/transports/guard.py.
os.environ[ENV] = "127.0.0.0/8,::1/128,198.18.0.0/15"


def _private_loopback() -> str:
    """As root on Linux, move this test process into a network namespace of its own with only `lo`
    (issue 26): a second test suite, a pytest-xdist worker beside it, or a `migready demo` on the
    machine then share nothing with it, not even the scale's fixed source port 9010 that the
    agent binds on 0.0.0.0, and no packet of this process can leave the machine.  Every thread
    and child started afterwards (simulators, agents, sshd, `ip netns` labs) inherits it.  Without
    root the free loopback blocks of tests/freeaddr.py are what keeps runs apart.
    MIGREADY_TEST_SHARED_NET=1 keeps the machine's namespace.  Returns what was done, for the header."""
    if os.environ.get("MIGREADY_TEST_SHARED_NET") == "1":
        return "machine's namespace (MIGREADY_TEST_SHARED_NET=1)"
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or shutil.which("ip") is None:
        return "machine's namespace (not root on Linux): free loopback blocks only"
    # The lab's networks (198.18.0.0/15) stay unreachable from the machine's own namespace, whatever a
    # lab inside the private one does: a blackhole there first (the project's network rule).  It is left
    # in place: it only drops traffic to benchmarking space, and another suite's lab may be up.
    subprocess.run(["ip", "route", "replace", "blackhole", "198.18.0.0/15"], capture_output=True)
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    clone_newnet = 0x40000000
    own = os.open("/proc/self/ns/net", os.O_RDONLY)
    try:
        if libc.unshare(clone_newnet) != 0:
            return "machine's namespace (unshare: %s)" % os.strerror(ctypes.get_errno())
        up = subprocess.run(["ip", "link", "set", "lo", "up"], capture_output=True, text=True)
        if up.returncode != 0:
            libc.setns(own, clone_newnet)  # back: a namespace without loopback would fail every test
            return "machine's namespace (lo: %s)" % up.stderr.strip()
    finally:
        os.close(own)
    return "a private network namespace (only lo)"


NETWORK = _private_loopback()


def pytest_report_header(config):
    return "network: " + NETWORK


_LAB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lab") + os.sep


def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist (`-n auto --dist loadgroup`), every test of tests/lab runs on one worker, one
    after another: they share one session lab (network namespaces, sshd, iptables), built once."""
    for item in items:
        if str(item.fspath).startswith(_LAB):
            item.add_marker(pytest.mark.xdist_group("lab"))


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
