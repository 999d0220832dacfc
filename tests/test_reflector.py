"""The reflector cannot be turned on others (issue 23, finding 8) and speaks STUN (issue 24).

Each test starts a real reflector on loopback - `agent.py reflector` (what
is shipped to hosts) or `migready reflector` as a subprocess, or the agent's
Reflector in-process - and talks to it over real sockets.  What a network
owner relies on: an answer never larger than the request (a forged source
gains no amplification), rates bounded per source and in all, slow TCP
clients that cannot lock out a fresh one nor pile up threads, token guesses
bounded across sources, no default address, every limit in --help and the
counters in the log.  No test measures speed: bounds are computed from the
time the test itself took, so a slow machine only loosens them.
"""
from __future__ import annotations

import io
import json
import os
import resource
import signal
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

from migready.checks.probing import agent

AGENT = Path(agent.__file__).resolve()
LO = "127.0.0.1"
MAGIC = 0x2112A442
COMMANDS = {"agent.py": [sys.executable, "-I", str(AGENT)], "migready": [sys.executable, "-m", "migready.checks.cli"]}


class Running:
    """A reflector subprocess; its log (stderr) goes to a file."""

    def __init__(self, argv, log: Path):
        self.log = log
        with open(log, "wb") as fh:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=fh)
        deadline = time.monotonic() + 20
        while "listening " not in self.text():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError("the reflector did not start: %s" % self.text())
            time.sleep(0.02)
        self.port = int(self.text().split("listening ", 1)[1].split("\n", 1)[0].rsplit(":", 1)[1])

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> dict:
        """SIGTERM; the counters it logged last."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            assert self.proc.wait(10) == 0
        lines = [line for line in self.text().splitlines() if line.startswith("counters: ")]
        assert lines, self.text()
        return {k: int(v) for k, v in (item.split("=") for item in lines[-1].split()[1:])}


@pytest.fixture
def reflector(tmp_path):
    started = []

    def start(*args, command="agent.py", bind=LO):
        started.append(Running(COMMANDS[command] + ["reflector", "--bind", bind, "--port", "0", *args],
                               tmp_path / ("reflector-%d.log" % len(started))))
        return started[-1]
    yield start
    for running in started:
        if running.proc.poll() is None:
            running.proc.kill()
            running.proc.wait()


def padded_request(nonce: str, size: int = 256) -> bytes:
    """A JSON reflect request padded as the agent pads it."""
    head = json.dumps({"migready": "reflect", "nonce": nonce, "pad": ""})
    return json.dumps({"migready": "reflect", "nonce": nonce, "pad": "." * (size - len(head))}).encode()


def udp_client(bind: str = LO, family=socket.AF_INET) -> socket.socket:
    sock = socket.socket(family, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    sock.bind((bind, 0))
    return sock


def drain(sock: socket.socket, quiet: float = 1.0) -> list[bytes]:
    """Every datagram that arrives until none came for `quiet` seconds."""
    got = []
    sock.settimeout(quiet)
    try:
        while True:
            got.append(sock.recv(65535))
    except socket.timeout:
        return got


# ---------------------------------------------------------------- STUN, built here from RFC 8489 (not the agent's code)

def stun_request(txid: bytes, software: bytes = b"") -> bytes:
    attrs = b""
    if software:
        attrs = struct.pack("!HH", 0x8022, len(software)) + software + b"\0" * (-len(software) % 4)
    return struct.pack("!HHI", 0x0001, len(attrs), MAGIC) + txid + attrs


def xor_mapped_address(answer: bytes, txid: bytes) -> tuple[str, int]:
    kind, length, magic = struct.unpack("!HHI", answer[:8])
    assert (kind, magic, answer[8:20], len(answer)) == (0x0101, MAGIC, txid, 20 + length)
    pos = 20
    while pos < len(answer):
        attr, size = struct.unpack("!HH", answer[pos:pos + 4])
        value = answer[pos + 4:pos + 4 + size]
        if attr == 0x0020:
            family, xport = struct.unpack("!xBH", value[:4])
            key = struct.pack("!I", MAGIC) + txid
            raw = bytes(a ^ b for a, b in zip(value[4:], key))
            return socket.inet_ntop(socket.AF_INET if family == 1 else socket.AF_INET6, raw), xport ^ (MAGIC >> 16)
        pos += 4 + size + (-size % 4)
    raise AssertionError("no XOR-MAPPED-ADDRESS in %r" % answer)


# ---------------------------------------------------------------- no default bind, everything in --help

@pytest.mark.parametrize("command", COMMANDS)
def test_the_reflector_needs_an_address_to_listen_on(command):
    proc = subprocess.run(COMMANDS[command] + ["reflector", "--port", "0"], capture_output=True, text=True,
                          timeout=30)
    assert proc.returncode == 2 and "--bind" in proc.stderr
    with pytest.raises(ValueError, match="--bind"):
        agent.Reflector("", 0)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_says_every_limit(command):
    out = subprocess.run(COMMANDS[command] + ["reflector", "--help"], capture_output=True, text=True,
                         timeout=30).stdout
    flat = " ".join(out.split())
    for flag in ("--bind", "--rate", "--rate-per-source", "--max-connections", "--idle-timeout",
                 "--callback-rate", "--bad-token-limit", "--log-every"):
        assert flag + " " in flat
    assert "never answers more bytes than the request" in flat
    assert "counters" in flat and "STUN" in flat


# ---------------------------------------------------------------- no amplification

def test_a_short_datagram_gets_no_answer_larger_than_itself(reflector):
    ref = reflector()
    short = [b"", b"x", json.dumps({"migready": "reflect", "nonce": "short"}).encode(),
             stun_request(os.urandom(12))]  # a bare 20-byte Binding request: its answer would be 32 bytes
    with udp_client() as sock:
        for payload in short:
            sock.sendto(payload, (LO, ref.port))
        sock.sendto(padded_request("alive"), (LO, ref.port))  # answered: the silence above was the rule
        got = []
        sock.settimeout(5)
        while not got or b'"alive"' not in got[-1]:
            got.append(sock.recv(65535))
    assert len(got) == 1 and len(got[0]) <= 256
    counters = ref.stop()
    assert counters["too_small"] == len(short) and counters["not_a_request"] == 0
    assert counters["answered"] == 1


# ---------------------------------------------------------------- rate limits

def test_ten_thousand_datagrams_from_one_source_get_at_most_the_configured_rate(reflector):
    rate = 100
    ref = reflector("--rate-per-source", str(rate), "--rate", "100000")
    request = padded_request("flood")
    with udp_client() as sock:
        t0 = time.monotonic()
        for _ in range(10000):
            sock.sendto(request, (LO, ref.port))
        answers = drain(sock)
        elapsed = time.monotonic() - t0
    bound = rate + rate * elapsed  # a full bucket (one second's worth), then the refill
    assert 0 < len(answers) <= bound, (len(answers), bound)
    counters = ref.stop()
    assert counters["answered"] == len(answers) and counters["rate_limited_source"] > 0
    assert counters["udp_received"] <= 10000


def test_many_sources_together_get_at_most_the_global_rate(reflector):
    rate = 50
    ref = reflector("--rate-per-source", "100000", "--rate", str(rate))
    sources = [udp_client("127.0.0.%d" % i) for i in range(2, 12)]
    try:
        t0 = time.monotonic()
        for _ in range(300):
            for sock in sources:
                sock.sendto(padded_request("many"), (LO, ref.port))
        total = sum(len(drain(sock, 0.3)) for sock in sources)
        elapsed = time.monotonic() - t0
    finally:
        for sock in sources:
            sock.close()
    assert 0 < total <= rate + rate * elapsed, (total, elapsed)
    counters = ref.stop()
    assert counters["rate_limited_global"] > 0 and counters["rate_limited_source"] == 0


def test_the_agent_resends_a_udp_reflect_the_reflector_dropped(reflector):
    """A rate-limited reflector drops some requests: the agent sends again (as STUN clients do)."""
    ref = reflector("--rate-per-source", "1")
    probe = {"check": "reflect", "protocol": "udp", "reflector_host": LO, "reflector_port": ref.port,
             "timeout_ms": 5000}
    first = agent.check_reflect(dict(probe), time.monotonic() + 5)
    second = agent.check_reflect(dict(probe), time.monotonic() + 5)  # the bucket is empty: dropped, then resent
    assert first["status"] == second["status"] == "pass", second
    assert ref.stop()["rate_limited_source"] >= 1


# ---------------------------------------------------------------- slow TCP clients

@pytest.fixture
def many_fds():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 8192
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, max(hard, want)))
    except (ValueError, OSError):
        if hard < 2600:
            pytest.skip("cannot raise the open-files limit to 2,600 (hard limit %d)" % hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def _threads_and_fds(pid: int) -> tuple[int, int]:
    status = Path("/proc/%d/status" % pid).read_text()
    threads = int(status.split("Threads:", 1)[1].split()[0])
    return threads, len(os.listdir("/proc/%d/fd" % pid))


def test_two_thousand_slow_connections_leave_a_fresh_client_answered(reflector, many_fds):
    ref = reflector("--max-connections", "256", "--idle-timeout", "60")  # only the cap can save the fresh one
    slow = []
    try:
        for _ in range(2000):
            conn = socket.create_connection((LO, ref.port), timeout=5)
            conn.sendall(b"{")  # a request that never ends
            slow.append(conn)
        with socket.create_connection((LO, ref.port), timeout=1.0) as fresh:
            fresh.settimeout(1.0)
            fresh.sendall(padded_request("fresh", 255) + b"\n")
            answer = json.loads(fresh.makefile("rb").readline())
            assert answer["nonce"] == "fresh" and answer["observed"]["port"] == fresh.getsockname()[1]
        threads, fds = _threads_and_fds(ref.proc.pid)
        assert threads <= 4 and fds <= 256 + 16, (threads, fds)  # no thread per connection, fds capped
    finally:
        for conn in slow:
            conn.close()
    counters = ref.stop()
    assert counters["tcp_evicted"] >= 2000 - 256 and counters["answered"] == 1


def test_a_connection_that_sends_nothing_is_closed_after_the_idle_timeout(reflector):
    ref = reflector("--idle-timeout", "0.3")
    with socket.create_connection((LO, ref.port), timeout=10) as conn:
        assert conn.recv(100) == b""  # closed by the reflector, unanswered
    assert ref.stop()["tcp_idle_closed"] == 1


# ---------------------------------------------------------------- bad tokens

def _callback(ref_port: int, source: str, token: str) -> dict:
    with socket.create_connection((LO, ref_port), timeout=10, source_address=(source, 0)) as conn:
        conn.sendall(json.dumps({"migready": "callback", "nonce": os.urandom(8).hex(), "proto": "tcp",
                                 "port": 9, "timeout_ms": 200, "token": token}).encode() + b"\n")
        return json.loads(conn.makefile("rb").readline())


def test_wrong_tokens_from_many_addresses_lock_every_callback_out():
    """The per-source rate alone lets a guesser spread over addresses; the lockout counts them all."""
    log = io.StringIO()
    policy = agent.CallbackPolicy(token="the-right-token", rate=100, bad_tokens=5)
    ref = agent.Reflector(LO, 0, tcp=True, udp=False, log=log, callback=policy).start()
    try:
        guesses = [_callback(ref.port, "127.0.0.%d" % i, "guess-%d" % i) for i in range(2, 7)]
        assert [g["refused"] for g in guesses] == ["bad_token"] * 5
        late = _callback(ref.port, "127.0.0.9", "the-right-token")  # a source that never guessed
        assert late["refused"] == "locked" and late["calls"] == []
    finally:
        ref.stop()
    assert "bad_token=5" in log.getvalue() and "bad_token_lockout=1" in log.getvalue()


# ---------------------------------------------------------------- STUN

@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("family, host", [(socket.AF_INET, LO), (socket.AF_INET6, "::1")], ids=["ipv4", "ipv6"])
def test_a_stun_binding_request_gets_its_xor_mapped_address_over_udp(reflector, command, family, host):
    ref = reflector(command=command, bind=host)
    bare, padded = os.urandom(12), os.urandom(12)
    request = stun_request(padded, b"test client".ljust(64))
    with udp_client(host, family) as sock:
        sock.sendto(stun_request(bare), (host, ref.port))  # 20 bytes: too small for its answer
        sock.sendto(request, (host, ref.port))
        sock.settimeout(5)
        answer = sock.recv(65535)
        assert answer[8:20] == padded  # the bare request got nothing
        assert xor_mapped_address(answer, padded) == sock.getsockname()[:2]
    assert len(answer) <= len(request)
    assert ref.stop()["too_small"] == 1


def test_a_stun_binding_request_over_tcp(reflector):
    ref = reflector()
    txid = os.urandom(12)
    request = stun_request(txid, b"test client".ljust(64))
    with socket.create_connection((LO, ref.port), timeout=5) as conn:
        conn.sendall(request)  # framed by its length field: no newline
        answer = b""
        while len(answer) < 20 or len(answer) < 20 + struct.unpack("!H", answer[2:4])[0]:
            chunk = conn.recv(4096)
            assert chunk, answer
            answer += chunk
        assert xor_mapped_address(answer, txid) == conn.getsockname()
    assert len(answer) <= len(request)


@pytest.mark.parametrize("protocol", ["udp", "tcp"])
def test_the_agent_reflects_through_stun_from_a_fixed_source_port(reflector, protocol):
    ref = reflector()
    kind = socket.SOCK_DGRAM if protocol == "udp" else socket.SOCK_STREAM
    with socket.socket(socket.AF_INET, kind) as probe_port:
        probe_port.bind((LO, 0))
        port = probe_port.getsockname()[1]
    res = agent.check_reflect({"check": "reflect", "protocol": protocol, "reflector_protocol": "stun",
                               "reflector_host": LO, "reflector_port": ref.port, "source_port": port},
                              time.monotonic() + 5)
    assert (res["status"], res["reason"]) == ("pass", "reflected"), res
    assert res["data"]["wire"] == "stun" and res["data"]["port_preserved"] is True
    assert res["data"]["observed"] == {"ip": LO, "port": port}


def test_the_agent_says_what_a_stun_error_response_said():
    txid = os.urandom(12)
    reason = b"Bad Request"
    value = struct.pack("!HBB", 0, 4, 0) + reason + b"\0" * (-len(reason) % 4)
    attrs = struct.pack("!HH", 0x0009, 4 + len(reason)) + value
    answer = struct.pack("!HHI", 0x0111, len(attrs), MAGIC) + txid + attrs
    assert agent.stun_parse_answer(answer, txid) == {"error": "STUN error 400 Bad Request"}
    assert agent.stun_parse_answer(answer, os.urandom(12)) is None  # someone else's transaction
