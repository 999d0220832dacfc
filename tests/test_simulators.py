"""The device simulators on loopback (127.0.0.1 only).

The scale must reject a datagram whose source port differs from its declared
SDK port with error 266 — the failure of incident 1 — or the lab proves nothing.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from migready.checks.demo import simulators

LOOPBACK = "127.0.0.1"
SIMULATORS_PY = Path(simulators.__file__).resolve()


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def _ask_scale(address, payload: bytes, source_port: int = 0) -> str:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((LOOPBACK, source_port))
        sock.settimeout(3.0)
        sock.sendto(payload, address)
        data, peer = sock.recvfrom(2048)
        assert peer == tuple(address)
        return data.decode("ascii")


@pytest.fixture
def scale():
    with simulators.start_scale(LOOPBACK, 0, log=None) as running:
        yield running


def test_scale_accepts_matching_source_port(scale):
    port = _free_udp_port()
    reply = _ask_scale(scale.address, b"TSCALE/1 SDKPORT=%d PLU 42 price 1.99" % port, port)
    assert reply == "OK PLU 42 price 1.99"
    assert scale.stats.accepted == 1 and scale.stats.rejected == 0


def test_scale_rejects_rewritten_source_port_with_error_266(scale):
    sent_from = _free_udp_port()
    declared = 5002 if sent_from != 5002 else 5003
    reply = _ask_scale(scale.address, b"TSCALE/1 SDKPORT=%d PLU 42" % declared, sent_from)
    assert reply == "ERR 266 source port %d != SDK port %d" % (sent_from, declared)
    assert scale.stats.rejected == 1 and scale.stats.accepted == 0


@pytest.mark.parametrize("payload", [
    b"", b"hello", b"TSCALE/1", b"TSCALE/1 SDKPORT=", b"TSCALE/1 SDKPORT=abc x",
    b"TSCALE/1 SDKPORT=70000 x", b"TSCALE/2 SDKPORT=5002 x", b"TSCALE/1 SDKPORT=5002 \xff",
])
def test_scale_answers_malformed_with_error_400(scale, payload):
    assert _ask_scale(scale.address, payload) == "ERR 400 bad request"
    assert scale.stats.malformed == 1


def test_scale_echo_is_short():
    verdict, reply = simulators.scale_reply(b"TSCALE/1 SDKPORT=7000 " + b"x" * 500, 7000)
    assert verdict == "accepted"
    assert reply == b"OK " + b"x" * simulators.ECHO_MAX


def test_printer_accepts_and_discards(tmp_path):
    with simulators.start_printer(LOOPBACK, 0, log=None) as printer:
        for _ in range(3):
            with socket.create_connection(printer.address, timeout=3.0) as conn:
                conn.sendall(b"^XA^FO50,50^FDPLU 42^FS^XZ" * 100)
                conn.shutdown(socket.SHUT_WR)
                assert conn.recv(16) == b""  # it reads and never answers
        deadline = time.monotonic() + 3.0
        while printer.stats.bytes_received < 3 * 2600 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert printer.stats.connections == 3
        assert printer.stats.bytes_received == 3 * 2600


def _start_cli(argv, **kw):
    proc = subprocess.Popen(argv, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            text=True, **kw)
    line = proc.stderr.readline()
    return proc, line


@pytest.mark.parametrize("as_module", [True, False], ids=["module", "standalone"])
def test_cli_announces_real_port_and_stops_on_sigterm(as_module):
    if as_module:
        argv = [sys.executable, "-m", "migready.checks.demo.simulators"]
    else:  # the file must run on its own (copied to a lab host, no migready installed)
        argv = [sys.executable, "-I", str(SIMULATORS_PY)]
    proc, line = _start_cli(argv + ["scale", "--bind", LOOPBACK, "--port", "0"])
    try:
        assert line.startswith("listening udp %s:" % LOOPBACK), line
        port = int(line.strip().rsplit(":", 1)[1])
        assert port > 0
        src = _free_udp_port()
        assert _ask_scale((LOOPBACK, port), b"TSCALE/1 SDKPORT=%d hi" % src, src) == "OK hi"
    finally:
        proc.send_signal(signal.SIGTERM)
        rest = proc.communicate(timeout=5)[1]
    assert proc.returncode == 0
    assert "accepted=1" in rest


def test_cli_printer_announces_tcp():
    proc, line = _start_cli([sys.executable, "-m", "migready.checks.demo.simulators",
                             "printer", "--bind", LOOPBACK, "--port", "0"])
    try:
        assert line.startswith("listening tcp %s:" % LOOPBACK), line
        port = int(line.strip().rsplit(":", 1)[1])
        with socket.create_connection((LOOPBACK, port), timeout=3.0) as conn:
            conn.sendall(b"label")
        assert " connected to " in proc.stderr.readline()  # accepted before we stop it
    finally:
        os.kill(proc.pid, signal.SIGTERM)
        rest = proc.communicate(timeout=5)[1]
    assert proc.returncode == 0
    assert "connections=1" in rest
