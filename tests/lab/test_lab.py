"""The lab is what netlab.py claims: old is routed as is, new is NATed with
rewritten source ports (incident 1), devices answer, sshd takes the lab key,
and nothing leaks into the root namespace.  Every probe runs in a lab namespace.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from . import netlab
from .netlab import Lab

pytestmark = pytest.mark.lab

SDK_PORT = 9010


def test_old_reaches_the_store_untranslated(lab: Lab, reflector):
    seen = lab.reflect("old", "udp", src_port=SDK_PORT)
    assert seen["migready"] == "reflect" and seen["proto"] == "udp"
    assert seen["observed"] == {"ip": lab.old, "port": SDK_PORT}
    seen = lab.reflect("old", "tcp")
    assert seen["observed"]["ip"] == lab.old and seen["proto"] == "tcp"


def test_new_is_source_nated_with_rewritten_ports(lab: Lab, reflector):
    # random-fully: a fresh random port per flow even though the port is free.
    # (Each assertion has a 1 in ~64k chance of a coincidental equal port.)
    ports = set()
    for src in (SDK_PORT, SDK_PORT + 1, SDK_PORT + 2):
        seen = lab.reflect("new", "udp", src_port=src)
        assert seen["observed"]["ip"] == lab.nat_address
        assert seen["observed"]["port"] != src
        ports.add(seen["observed"]["port"])
    assert len(ports) == 3
    assert lab.reflect("new", "tcp")["observed"]["ip"] == lab.nat_address


def test_ops_reaches_the_store_untranslated(lab: Lab, reflector):
    assert lab.reflect("ops", "udp", src_port=SDK_PORT)["observed"] == {"ip": lab.ops, "port": SDK_PORT}


def test_scales_accept_old_and_reject_new_with_error_266(lab: Lab):
    request = b"TSCALE/1 SDKPORT=%d PLU 42 price 1.99" % SDK_PORT
    for scale in lab.scales:
        ok = lab.exchange("old", "udp", scale, request, src_port=SDK_PORT)
        assert ok.reply == b"OK PLU 42 price 1.99", ok
        refused = lab.exchange("new", "udp", scale, request, src_port=SDK_PORT)
        assert refused.reply is not None, refused
        assert refused.reply.startswith(b"ERR 266 source port "), refused
        assert refused.reply.endswith(b" != SDK port %d" % SDK_PORT)
        assert refused.reply != b"ERR 266 source port %d != SDK port %d" % (SDK_PORT, SDK_PORT)


@pytest.mark.parametrize("site", ["old", "new", "ops"])
def test_printers_accept_connections(lab: Lab, site):
    for printer in lab.printers:
        result = lab.exchange(site, "tcp", printer, b"^XA^FDlabel^FS^XZ")
        assert result.error is None and result.peer == printer
        assert result.reply == b""  # a raw print port never answers


@pytest.mark.parametrize("site", ["old", "new"])
def test_sshd_accepts_the_lab_key(lab: Lab, site):
    proc = lab.exec_in("ops", lab.ssh_argv(site, "ip", "-4", "-br", "addr", "show", "eth0"))
    assert proc.returncode == 0, proc.stderr
    assert lab.addresses[site] in proc.stdout  # the session runs in the site's namespace


def test_ssh_config_aliases(lab: Lab, tmp_path: Path):
    config = lab.write_ssh_config(tmp_path / "ssh_config")
    for site in ("old", "new"):
        proc = lab.exec_in("ops", ["ssh", "-F", str(config), site, "true"])
        assert proc.returncode == 0, proc.stderr


def test_unknown_host_key_is_refused(lab: Lab, tmp_path: Path):
    known = lab.write_known_hosts(tmp_path / "known_hosts", hosts=["old"])
    assert lab.exec_in("ops", lab.ssh_argv("old", "true", known_hosts=known)).returncode == 0
    proc = lab.exec_in("ops", lab.ssh_argv("new", "true", known_hosts=known))
    assert proc.returncode == 255
    assert "Host key verification failed" in proc.stderr


def test_root_namespace_is_blackholed_while_up(lab: Lab):
    assert netlab.blackhole_present()
    # `ip route get` sends nothing; it only asks the root namespace's table.
    proc = subprocess.run(["ip", "route", "get", lab.old], capture_output=True, text=True)
    assert proc.returncode != 0 or proc.stdout.startswith("blackhole"), proc.stdout
    links = subprocess.run(["ip", "-br", "link"], capture_output=True, text=True).stdout
    assert "to-" not in links and lab.prefix not in links  # no lab veth in the root ns


@pytest.mark.parametrize("site", ["ops", "old", "new", "store"])
def test_sites_cannot_leave_the_lab(lab: Lab, site):
    proc = lab.exec_in(site, ["ip", "route", "get", "192.0.2.1"])
    assert proc.returncode != 0 and "unreachable" in proc.stderr.lower()


def test_teardown_of_a_second_lab(lab: Lab):
    other = Lab.build(services=False)
    try:
        assert other.prefix != lab.prefix
        assert set(other.namespaces.values()) <= set(netlab.netns_list())
        assert netlab.owner(other.prefix) == os.getpid()
    finally:
        other.teardown()
    other.teardown()  # idempotent
    assert not other.workdir.exists()
    # A concurrent test run may already have claimed the freed prefix.
    if netlab.owner(other.prefix) is None:
        assert not set(other.namespaces.values()) & set(netlab.netns_list())
    else:
        assert netlab.owner(other.prefix) != os.getpid()
    # The session lab is still up, so it still has its route; its own
    # teardown is checked to remove it by the `lab` fixture's final check.
    assert netlab.blackhole_present()
    assert lab.exchange("old", "udp", lab.scale, b"x").reply == b"ERR 400 bad request"


_CRASHING_LAB = """
import sys, time
sys.path.insert(0, sys.argv[1])
import netlab
lab = netlab.Lab.build(services=False)
print(lab.prefix, flush=True)
time.sleep(60)
"""


def test_a_crashed_lab_is_cleaned_up_by_the_next_build(lab: Lab):
    proc = subprocess.Popen([sys.executable, "-c", _CRASHING_LAB, str(Path(netlab.__file__).parent)],
                            stdout=subprocess.PIPE, text=True)
    try:
        prefix = proc.stdout.readline().strip()
        assert prefix.startswith("mr"), prefix
    finally:
        os.kill(proc.pid, signal.SIGKILL)  # no finalizer, no atexit
        proc.wait()
    crashed = {"%s-%s" % (prefix, role) for role in netlab.ROLES}
    with netlab._Lock():  # no other build can clean up or claim meanwhile
        present = crashed & set(netlab.netns_list())
        removed = set(netlab.cleanup_stale())
        left = crashed & set(netlab.netns_list())
    # `present` is short only if a concurrent test run's build cleaned up first.
    assert present <= removed and not left
    assert netlab.owner(lab.prefix) == os.getpid()  # a live lab is never touched
    assert netlab.blackhole_present()


def test_build_is_quick_enough(lab: Lab):
    start = time.monotonic()
    Lab.build(services=False).teardown()
    assert time.monotonic() - start < 10


_AS_NON_ROOT = """
import os, sys
import pytest
os.geteuid = lambda: 1000  # what the lab sees when not run as root
sys.exit(pytest.main(sys.argv[1:]))
"""


@pytest.mark.parametrize("ci", ["", "true"])
def test_missing_lab_skips_with_reason_but_fails_in_ci(ci):
    env = dict(os.environ, CI=ci)
    target = "%s::test_ops_reaches_the_store_untranslated" % Path(__file__).resolve()
    proc = subprocess.run([sys.executable, "-c", _AS_NON_ROOT, "-q", "-rsf", "-p", "no:cacheprovider", target],
                          capture_output=True, text=True, env=env, timeout=60,
                          cwd=str(netlab.REPO))
    if ci:
        assert proc.returncode == 1, proc.stdout
        assert "CI=true but the lab cannot be used: the lab needs root" in proc.stdout
    else:
        assert proc.returncode == 0, proc.stdout
        assert "SKIPPED" in proc.stdout and "lab unavailable: the lab needs root" in proc.stdout
