"""Tests for checks/probing/agent.py, the probe agent and the reflector.

All traffic stays on loopback (127.0.0.1).  Protocol tests run the agent as a
real subprocess, the way the staging host runs it; the rest run in-process.
"""
import ast
import base64
import datetime
import http.server
import io
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from migready.checks.probing import agent

AGENT = Path(agent.__file__).resolve()
LO = "127.0.0.1"
# The agent runs on staging hosts with Python >= 3.6: point this at an old
# interpreter to run every subprocess test under it (CI can set it).
AGENT_PYTHON = os.environ.get("MIGREADY_AGENT_PYTHON", sys.executable)


def oldest_python():
    """A Python 3.6 interpreter if this machine has one (pyenv or PATH)."""
    root = Path(os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv")))
    candidates = [str(p) for p in sorted(root.glob("versions/3.6*/bin/python3"))]
    candidates.append(shutil.which("python3.6"))
    for python in filter(None, candidates):
        try:  # a pyenv shim exists even when that version is not selected
            subprocess.run([python, "-c", "pass"], check=True, timeout=10,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            return python
        except (OSError, subprocess.SubprocessError):
            continue
    return None


# ---------------------------------------------------------------- helpers

def run_plan(plan, args=("run",), timeout=20):
    """Run the agent as a subprocess; -> (parsed lines, exit code, raw stdout)."""
    raw = plan if isinstance(plan, str) else json.dumps(plan)
    proc = subprocess.run([AGENT_PYTHON, str(AGENT)] + list(args), input=raw,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=timeout)
    return [json.loads(line) for line in proc.stdout.splitlines()], proc.returncode, proc.stdout


def results_by_id(lines):
    return {line["id"]: line for line in lines if line["type"] == "result"}


def one(probe, **plan):
    """Run a single probe through the real subprocess; -> its result line."""
    probe.setdefault("id", "p")
    lines, code, _ = run_plan(dict(plan, version=1, probes=[probe]))
    assert code == 0
    return results_by_id(lines)["p"]


def free_port(kind=socket.SOCK_STREAM):
    """A port that was free a moment ago (nothing listens on it afterwards)."""
    sock = socket.socket(socket.AF_INET, kind)
    sock.bind((LO, 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def free_port_both():
    """A port free for both TCP and UDP, for fixed-source-port probes."""
    for _ in range(50):
        port = free_port()
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            probe.bind(("0.0.0.0", port))
            return port
        except OSError:
            continue
        finally:
            probe.close()
    raise RuntimeError("no free port")


def b64(raw):
    return base64.b64encode(raw).decode("ascii")


class UdpServer(object):
    """A loopback UDP server answering each datagram via answer(data) (None: stay silent)."""

    def __init__(self, answer, delay=0.0):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((LO, 0))
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.answer, self.delay = answer, delay
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self):
        while not self.stop.is_set():
            try:
                data, peer = self.sock.recvfrom(65535)
            except socket.timeout:
                continue
            reply = self.answer(data)
            if reply is not None:
                time.sleep(self.delay)
                self.sock.sendto(reply, peer)

    def close(self):
        self.stop.set()
        self.thread.join(1)
        self.sock.close()


@pytest.fixture
def udp_server():
    servers = []

    def make(answer, delay=0.0):
        servers.append(UdpServer(answer, delay))
        return servers[-1]
    yield make
    for server in servers:
        server.close()


@pytest.fixture
def reflector():
    log = io.StringIO()
    ref = agent.Reflector(LO, 0, log=log).start()
    ref.logtext = log
    yield ref
    ref.stop()


# ---------------------------------------------------------------- protocol

def test_protocol_hello_results_summary(reflector):
    closed = free_port()
    plan = {"version": 1, "jobs": 4, "probes": [
        {"id": "ok", "check": "tcp_connect", "host": LO, "port": reflector.port,
         "meta": {"dep": "scale-adapter", "n": 3}},
        {"id": "no", "check": "tcp_connect", "host": LO, "port": closed},
        {"id": "what", "check": "teleport"},
        {"id": 7, "check": "tcp_connect", "host": LO},  # missing port
    ]}
    lines, code, raw = run_plan(plan)
    assert code == 0
    assert lines[0]["type"] == "hello"
    assert lines[0]["agent_version"] == agent.AGENT_VERSION == "1"
    assert lines[0]["python"].count(".") == 2 and isinstance(lines[0]["pid"], int)
    assert lines[-1] == dict(lines[-1], type="summary", agent_version="1", total=4,
                             **{"pass": 1, "fail": 1, "inconclusive": 2})
    assert isinstance(lines[-1]["elapsed_ms"], float)
    res = results_by_id(lines)
    assert set(res) == {"ok", "no", "what", 7}
    for line in res.values():
        assert set(line) == {"type", "id", "check", "meta", "status", "reason", "detail",
                             "latency_ms", "started", "data"}
        assert line["started"].endswith("+00:00") and "T" in line["started"]
    assert res["ok"]["meta"] == {"dep": "scale-adapter", "n": 3}
    assert res["no"]["meta"] == {}
    assert res["what"]["reason"] == "unknown_check"
    assert res[7]["reason"] == "bad_probe"
    assert "Traceback" not in raw


def test_default_subcommand_is_run():
    lines, code, _ = run_plan({"version": 1, "probes": []}, args=())
    assert code == 0
    assert [line["type"] for line in lines] == ["hello", "summary"]
    assert lines[-1]["total"] == 0


@pytest.mark.parametrize("plan", [
    "this is not json",
    "[1, 2]",
    {"version": 1},
    {"version": 2, "probes": []},
    {"version": 1, "probes": [{"check": "dns"}]},
    {"version": 1, "probes": [{"id": "a", "check": "dns"}, {"id": "a", "check": "dns"}]},
    {"version": 1, "probes": [{"id": "a", "check": "dns", "timeout_ms": "soon"}]},
    {"version": 1, "jobs": "many", "probes": []},
])
def test_malformed_plan_is_one_error_line_and_exit_2(plan):
    lines, code, raw = run_plan(plan)
    assert code == 2
    assert len(lines) == 1 and lines[0]["type"] == "error" and lines[0]["detail"]
    assert "Traceback" not in raw


def test_exception_in_one_probe_is_agent_error_others_still_run(monkeypatch):
    def boom(probe, deadline):
        raise RuntimeError("kaboom")
    monkeypatch.setitem(agent.CHECKS, "boom", boom)
    stdin = io.BytesIO(json.dumps({"version": 1, "probes": [
        {"id": "a", "check": "boom"}, {"id": "b", "check": "host_facts"}]}).encode())
    stdout = io.StringIO()
    assert agent.run(stdin, stdout) == 0
    lines = [json.loads(line) for line in stdout.getvalue().splitlines()]
    res = results_by_id(lines)
    assert res["a"]["status"] == "inconclusive" and res["a"]["reason"] == "agent_error"
    assert "kaboom" in res["a"]["detail"]
    assert res["b"]["status"] == "pass"


def test_jobs_are_clamped():
    assert agent.parse_plan('{"jobs": 0, "probes": []}')[0] == 1
    assert agent.parse_plan('{"jobs": 100000, "probes": []}')[0] == 256
    assert agent.parse_plan('{"probes": []}')[0] == 16


# ---------------------------------------------------------------- tcp_connect

def full_backlog_listener():
    """A loopback listener whose accept queue is full: Linux drops the next SYN (-> listener, fillers)."""
    listener = socket.socket()
    listener.bind((LO, 0))
    listener.listen(0)
    fillers = []
    for _ in range(3):
        filler = socket.socket()
        filler.settimeout(0.2)
        try:
            filler.connect(listener.getsockname())
        except OSError:
            pass
        fillers.append(filler)
    return listener, fillers


def test_tcp_connect_pass_and_refused(reflector):
    ok = one({"check": "tcp_connect", "host": LO, "port": reflector.port})
    assert ok["status"] == "pass" and ok["latency_ms"] >= 0
    assert ok["data"]["ip"] == LO and ok["data"]["local"]["ip"] == LO
    bad = one({"check": "tcp_connect", "host": LO, "port": free_port()})
    assert (bad["status"], bad["reason"]) == ("fail", "refused")


def test_tcp_connect_timeout_on_full_backlog():
    # A listener with backlog 0 whose queue is already full: Linux drops the
    # next SYN, so the connect honestly hangs until the probe's timeout.
    listener, fillers = full_backlog_listener()
    try:
        res = one({"check": "tcp_connect", "host": LO, "port": listener.getsockname()[1],
                   "timeout_ms": 300})
    finally:
        for sock in fillers + [listener]:
            sock.close()
    if res["reason"] == "connected":
        pytest.skip("this kernel accepted past the backlog; timeout class not producible here")
    assert (res["status"], res["reason"]) == ("fail", "timeout")


def test_plain_connects_say_what_the_threaded_check_says(reflector):
    """Plain connects run on one non-blocking loop (tcp_many.py); a fixed source port or a name keeps
    the threaded check.  A result must not say which of the two measured it."""
    listener, fillers = full_backlog_listener()
    cases = {
        "pass": {"host": LO, "port": reflector.port},
        "refused": {"host": LO, "port": free_port()},
        # this test's own network namespace has no route there: the kernel says so, nothing is sent
        "unreachable": {"host": "198.18.250.1", "port": 9},
        "timeout": {"host": LO, "port": listener.getsockname()[1], "timeout_ms": 300},
    }
    try:
        probes = [dict(probe, id=name, check="tcp_connect") for name, probe in cases.items()]
        assert all(agent.plain_connect(p) for p in probes)
        looped = results_by_id(run_plan({"version": 1, "probes": probes})[0])
        threaded = {p["id"]: agent.run_probe(p) for p in probes}
    finally:
        for sock in fillers + [listener]:
            sock.close()
    for name in cases:
        a, b = looped[name], threaded[name]
        if name == "timeout" and "connected" in (a["reason"], b["reason"]):
            continue  # this kernel accepted past the backlog (as test_tcp_connect_timeout_on_full_backlog)
        assert (a["status"], a["reason"], a["data"]["ip"]) == (b["status"], b["reason"], b["data"]["ip"]), name
        assert a["detail"].split(":")[0] == b["detail"].split(":")[0], name
        assert (a["data"]["local"] is None) == (b["data"]["local"] is None), name
        assert set(a) == set(b) and (a["latency_ms"] is None) == (b["latency_ms"] is None), name
    assert looped["pass"]["detail"] == threaded["pass"]["detail"] == "connected to %s:%s" % (LO, reflector.port)
    assert looped["refused"]["detail"] == threaded["refused"]["detail"]
    assert agent.plain_connect({"check": "tcp_connect", "host": LO, "port": 1, "source_port": 5002}) is None
    assert agent.plain_connect({"check": "tcp_connect", "host": "db.example", "port": 1}) is None


def test_plain_connects_keep_to_jobs_at_once():
    """`jobs` bounds the connects in flight on the loop as it bounds the threads: six connects that
    each wait out a 300 ms timeout, two at a time, start in three waves."""
    listener, fillers = full_backlog_listener()
    try:
        probes = [{"id": n, "check": "tcp_connect", "host": LO, "port": listener.getsockname()[1],
                   "timeout_ms": 300} for n in range(6)]
        lines, code, _ = run_plan({"version": 1, "jobs": 2, "probes": probes})
    finally:
        for sock in fillers + [listener]:
            sock.close()
    results = results_by_id(lines)
    if any(r["reason"] == "connected" for r in results.values()):
        pytest.skip("this kernel accepted past the backlog; the connects do not wait here")
    starts = sorted(datetime.datetime.fromisoformat(r["started"]) for r in results.values())
    assert code == 0 and [r["reason"] for r in results.values()] == ["timeout"] * 6
    for first, third in zip(starts, starts[2:]):  # never a third connect while two are in flight
        assert (third - first).total_seconds() >= 0.28


@pytest.mark.parametrize("code, status, reason", [
    (socket.EAI_NONAME, "fail", "nxdomain"),
    (socket.EAI_AGAIN, "inconclusive", "timeout"),
])
def test_name_that_does_not_resolve(monkeypatch, code, status, reason):
    # In-process with a fake getaddrinfo: a real lookup of a missing name would
    # ask the system's (non-loopback) resolver.
    def no_such_name(*args, **kwargs):
        raise socket.gaierror(code, "fake resolver says no")
    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)
    tcp = agent._run_check({"check": "tcp_connect", "host": "db.example", "port": 5432})
    assert (tcp["status"], tcp["reason"]) == ("fail", "dns")
    dns = agent._run_check({"check": "dns", "name": "db.example"})
    assert (dns["status"], dns["reason"]) == (status, reason)


def test_tcp_fixed_source_port_twice(reflector):
    port = free_port_both()
    plan = {"version": 1, "jobs": 4, "probes": [
        {"id": i, "check": "tcp_connect", "host": LO, "port": reflector.port, "source_port": port}
        for i in range(3)]}
    lines, code, _ = run_plan(plan)
    for res in results_by_id(lines).values():
        assert res["status"] == "pass", res
        assert res["data"]["local"]["port"] == port


# ---------------------------------------------------------------- udp_exchange

def test_udp_answered_and_expected(udp_server):
    server = udp_server(lambda data: b"ACK " + data)
    res = one({"check": "udp_exchange", "host": LO, "port": server.port,
               "payload_b64": b64(b"price"), "expect_b64": b64(b"ACK")})
    assert (res["status"], res["reason"]) == ("pass", "answered")
    assert base64.b64decode(res["data"]["answer_b64"]) == b"ACK price"
    assert res["data"]["local"]["ip"] == LO


def test_udp_unexpected_answer_is_printable_and_truncated(udp_server):
    server = udp_server(lambda data: b"NAK\x00\x01" + b"x" * 400)
    res = one({"check": "udp_exchange", "host": LO, "port": server.port,
               "payload_b64": b64(b"price"), "expect_b64": b64(b"ACK")})
    assert (res["status"], res["reason"]) == ("fail", "unexpected_answer")
    assert "NAK.." in res["detail"] and res["detail"].endswith("...")
    assert len(res["detail"]) < 300


def test_udp_port_unreachable():
    res = one({"check": "udp_exchange", "host": LO, "port": free_port(socket.SOCK_DGRAM),
               "payload_b64": b64(b"hi")})
    assert (res["status"], res["reason"]) == ("fail", "port_unreachable")


def test_udp_silence_is_not_a_pass(udp_server):
    server = udp_server(lambda data: None)
    res = one({"check": "udp_exchange", "host": LO, "port": server.port,
               "payload_b64": b64(b"hi"), "timeout_ms": 300})
    assert (res["status"], res["reason"]) == ("inconclusive", "silent")


def test_bad_base64_is_bad_probe():
    res = one({"check": "udp_exchange", "host": LO, "port": 9, "payload_b64": "!!"})
    assert (res["status"], res["reason"]) == ("inconclusive", "bad_probe")


# ---------------------------------------------------------------- reflect

@pytest.mark.parametrize("protocol", ["udp", "tcp"])
def test_reflect_fixed_port_on_loopback(reflector, protocol):
    port = free_port_both()
    res = one({"check": "reflect", "protocol": protocol, "reflector_host": LO,
               "reflector_port": reflector.port, "source_port": port})
    assert (res["status"], res["reason"]) == ("pass", "reflected"), res
    data = res["data"]
    assert data["local"] == {"ip": LO, "port": port}
    assert data["observed"] == {"ip": LO, "port": port}
    assert data["nat"] is False and data["port_preserved"] is True
    assert data["proto"] == protocol
    assert "%s %s:%d" % (protocol, LO, port) in reflector.logtext.getvalue()


def test_reflect_unreachable_reflector():
    udp = one({"check": "reflect", "protocol": "udp", "reflector_host": LO,
               "reflector_port": free_port(socket.SOCK_DGRAM)})
    assert (udp["status"], udp["reason"]) == ("fail", "port_unreachable")
    tcp = one({"check": "reflect", "protocol": "tcp", "reflector_host": LO,
               "reflector_port": free_port()})
    assert (tcp["status"], tcp["reason"]) == ("fail", "refused")


def test_reflect_silent_udp(udp_server):
    server = udp_server(lambda data: None)
    res = one({"check": "reflect", "protocol": "udp", "reflector_host": LO,
               "reflector_port": server.port, "timeout_ms": 300})
    assert (res["status"], res["reason"]) == ("inconclusive", "silent")


def test_fixed_source_port_probes_are_serialised(udp_server, reflector):
    # The slow server keeps the first probe's socket (bound to `port`) open for
    # 300 ms; without the per-(udp, port) lock the second probe's bind would
    # collide (EADDRINUSE -> inconclusive port_in_use).
    slow = udp_server(lambda data: b"ok", delay=0.3)
    port = free_port_both()
    plan = {"version": 1, "jobs": 4, "probes": [
        {"id": "slow", "check": "udp_exchange", "host": LO, "port": slow.port,
         "source_port": port, "payload_b64": b64(b"x")},
        {"id": "refl", "check": "reflect", "protocol": "udp", "reflector_host": LO,
         "reflector_port": reflector.port, "source_port": port},
    ]}
    lines, code, _ = run_plan(plan)
    res = results_by_id(lines)
    assert res["slow"]["status"] == "pass", res["slow"]
    assert res["refl"]["status"] == "pass", res["refl"]
    assert res["refl"]["data"]["port_preserved"] is True


def test_port_lock_is_per_protocol_and_port():
    a = agent._fixed_port_lock({"check": "tcp_connect", "source_port": 5002})
    b = agent._fixed_port_lock({"check": "reflect", "protocol": "tcp", "source_port": 5002})
    c = agent._fixed_port_lock({"check": "udp_exchange", "source_port": 5002})
    assert a is b and a is not c
    assert agent._fixed_port_lock({"check": "tcp_connect"}) is None


# ---------------------------------------------------------------- reflector CLI

def test_reflector_subprocess_listens_answers_and_stops_on_sigterm():
    proc = subprocess.Popen([AGENT_PYTHON, str(AGENT), "reflector", "--bind", LO,
                             "--port", "0", "--udp"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            universal_newlines=True)
    try:
        line = proc.stderr.readline().strip()
        assert line.startswith("listening udp %s:" % LO)
        port = int(line.rsplit(":", 1)[1])
        assert port > 0
        client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        client.settimeout(3)
        # padded to 256 bytes: the reflector never answers more bytes than it received
        client.sendto(b'{"migready":"reflect","nonce":"abc"}'.ljust(256), (LO, port))
        answer = json.loads(client.recv(4096).decode())
        local_port = client.getsockname()[1]
        client.close()
        assert answer == {"migready": "reflect", "nonce": "abc", "proto": "udp",
                          "observed": {"ip": LO, "port": local_port}}
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(5) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_reflector_once_and_non_json_datagram():
    proc = subprocess.Popen([AGENT_PYTHON, str(AGENT), "reflector", "--bind", LO,
                             "--port", "0", "--tcp", "--once"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            universal_newlines=True)
    try:
        line = proc.stderr.readline().strip()
        assert line.startswith("listening tcp %s:" % LO)
        port = int(line.rsplit(":", 1)[1])
        conn = socket.create_connection((LO, port), timeout=3)
        local_port = conn.getsockname()[1]
        conn.sendall(b"hello there".ljust(255) + b"\n")  # padded: no answer larger than the request
        answer = json.loads(conn.makefile().readline())
        conn.close()
        assert answer["nonce"] is None and answer["proto"] == "tcp"
        assert answer["observed"] == {"ip": LO, "port": local_port}
        assert proc.wait(5) == 0  # --once: gone after one peer
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_serve_reflector_in_process_with_stop_event():
    stop, started = threading.Event(), []
    thread = threading.Thread(target=agent.serve_reflector, daemon=True, kwargs=dict(
        bind=LO, port=0, tcp=False, ready=started.append, stop=stop, log=io.StringIO()))
    thread.start()
    for _ in range(100):
        if started:
            break
        time.sleep(0.02)
    ref = started[0]
    assert ref.port > 0 and "tcp" not in ref.sockets
    stop.set()
    thread.join(3)
    assert not thread.is_alive()


# ---------------------------------------------------------------- dns

def test_dns_getaddrinfo_localhost():
    res = one({"check": "dns", "name": "localhost", "rdtype": "A"})
    assert (res["status"], res["reason"]) == ("pass", "resolved")
    assert {"ip": LO, "class": "loopback"} in res["data"]["answers"]
    assert res["data"]["resolver"] is None


def _dns_name(msg, pos):
    labels = []
    while msg[pos]:
        labels.append(msg[pos + 1:pos + 1 + msg[pos]].decode())
        pos += 1 + msg[pos]
    return ".".join(labels), pos + 1


def fake_dns(query):
    """A tiny authoritative server for *.test names, enough for the agent.
    The addresses it hands out are only data: nothing ever connects to them."""
    qid = struct.unpack("!H", query[:2])[0]
    name, pos = _dns_name(query, 12)
    qtype = struct.unpack("!H", query[pos:pos + 2])[0]
    question = query[12:pos + 4]
    if name == "silent.test":
        return None
    rcode, answers = 0, []
    ptr = struct.pack("!H", 0xC00C)  # compression pointer to the question name
    if name == "nx.test":
        rcode = 3
    elif name == "www.test" and qtype == 1:
        target = b"\x04real\x04test\x00"
        answers.append(ptr + struct.pack("!HHIH", 5, 1, 60, len(target)) + target)
        answers.append(b"\x04real\x04test\x00" + struct.pack("!HHIH", 1, 1, 60, 4)
                       + socket.inet_aton("10.20.30.40"))
        answers.append(b"\x04real\x04test\x00" + struct.pack("!HHIH", 1, 1, 60, 4)
                       + socket.inet_aton("8.8.8.8"))
    elif name == "www.test" and qtype == 28:
        answers.append(ptr + struct.pack("!HHIH", 28, 1, 60, 16)
                       + socket.inet_pton(socket.AF_INET6, "fd00::7"))
    header = struct.pack("!HHHHHH", qid, 0x8180 | rcode, 1, len(answers), 0, 0)
    return header + question + b"".join(answers)


def test_dns_via_named_resolver(udp_server):
    server = udp_server(fake_dns)
    base = {"check": "dns", "resolver": LO, "resolver_port": server.port, "timeout_ms": 1000}
    res = one(dict(base, name="www.test"))
    assert (res["status"], res["reason"]) == ("pass", "resolved")
    assert res["data"]["resolver"] == LO
    assert sorted(res["data"]["answers"], key=lambda a: a["ip"]) == [
        {"ip": "10.20.30.40", "class": "private"},
        {"ip": "8.8.8.8", "class": "public"},
        {"ip": "fd00::7", "class": "private"}]
    only_a = one(dict(base, name="www.test", rdtype="A"))
    assert len(only_a["data"]["answers"]) == 2
    nx = one(dict(base, name="nx.test"))
    assert (nx["status"], nx["reason"]) == ("fail", "nxdomain")
    empty = one(dict(base, name="empty.test"))
    assert (empty["status"], empty["reason"]) == ("fail", "no_answer")
    silent = one(dict(base, name="silent.test", timeout_ms=300))
    assert (silent["status"], silent["reason"]) == ("inconclusive", "timeout")


def test_dns_query_roundtrip_parser():
    query = agent.build_dns_query(0x1234, "www.test", 1)
    qid, rcode, ips = agent.parse_dns_response(fake_dns(query))
    assert (qid, rcode, ips) == (0x1234, 0, ["10.20.30.40", "8.8.8.8"])
    with pytest.raises(ValueError):  # a query echoed back is not an answer
        agent.parse_dns_response(query)


def test_dns_resolver_that_echoes_is_not_an_answer(udp_server):
    echo = udp_server(lambda data: data)
    res = one({"check": "dns", "name": "www.test", "resolver": LO,
               "resolver_port": echo.port, "timeout_ms": 300})
    assert (res["status"], res["reason"]) == ("inconclusive", "timeout")


# ---------------------------------------------------------------- route

PROC_ROUTE = """\
Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0
eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
eth1\t0000000A\tFE0200C0\t0003\t0\t0\t0\t000000FF\t0\t0\t0
eth2\t0000010A\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0
eth3\t0000020A\t00000000\t0000\t0\t0\t0\t0000FFFF\t0\t0\t0
"""


def test_proc_route_parser_longest_prefix():
    assert agent.parse_proc_route(PROC_ROUTE, "10.1.2.3") == {"dev": "eth2", "gateway": None}
    assert agent.parse_proc_route(PROC_ROUTE, "10.9.9.9") == {"dev": "eth1",
                                                              "gateway": "192.0.2.254"}
    assert agent.parse_proc_route(PROC_ROUTE, "10.2.0.1") == {"dev": "eth1",  # eth3 is down
                                                              "gateway": "192.0.2.254"}
    assert agent.parse_proc_route(PROC_ROUTE, "192.0.2.77") == {"dev": "eth0", "gateway": None}
    assert agent.parse_proc_route(PROC_ROUTE, "203.0.113.5") == {"dev": "eth0",
                                                                 "gateway": "192.0.2.1"}
    assert agent.parse_proc_route(PROC_ROUTE.splitlines()[0], "10.1.2.3") is None


def test_route_loopback_subprocess():
    res = one({"check": "route", "host": LO})
    assert (res["status"], res["reason"]) == ("pass", "routed"), res
    assert res["data"]["dev"] == "lo" and res["data"]["gateway"] is None
    assert res["data"]["method"] in ("ip", "proc")


def test_route_falls_back_to_proc_without_ip_tool(monkeypatch):
    monkeypatch.setattr(agent, "_run_tool", lambda argv, deadline: None)
    out = agent.check_route({"host": LO}, time.monotonic() + 2)
    assert out["status"] == "pass"
    assert out["data"] == {"ip": LO, "dev": "lo", "gateway": None, "src": LO, "method": "proc"}
    with pytest.raises(agent.Done) as done:
        agent.check_route({"host": "::1"}, time.monotonic() + 2)
    assert done.value.outcome["reason"] == "no_tool"
    assert done.value.outcome["status"] == "inconclusive"


# ---------------------------------------------------------------- host_facts

def test_host_facts():
    res = one({"check": "host_facts"})
    assert res["status"] == "pass"
    data = res["data"]
    assert data["hostname"] == socket.gethostname()
    assert data["kernel"]["release"] == os.uname().release
    assert data["python"].count(".") == 2
    assert isinstance(data["in_container"], bool)
    assert any(a["ip"] == LO for a in data["addresses"]) or data["addresses_method"] == "socket"


# ---------------------------------------------------------------- http

@pytest.fixture
def http_url():
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response({"/": 200, "/moved": 302}.get(self.path, 404))
            self.send_header("Location", "/elsewhere")  # followed, it would be a 404
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass
    server = http.server.ThreadingHTTPServer((LO, 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "http://%s:%d" % (LO, server.server_address[1])
    server.shutdown()
    server.server_close()


def test_http_200_404_and_expect(http_url):
    ok = one({"check": "http", "url": http_url + "/"})
    assert (ok["status"], ok["data"]) == ("pass", {"status": 200, "ip": LO})
    missing = one({"check": "http", "url": http_url + "/nope"})
    assert (missing["status"], missing["reason"]) == ("fail", "http_status")
    assert missing["data"]["status"] == 404
    wanted = one({"check": "http", "url": http_url + "/nope", "expect_status": [404, 410]})
    assert wanted["status"] == "pass"
    moved = one({"check": "http", "url": http_url + "/moved"})
    assert (moved["status"], moved["data"]["status"]) == ("pass", 302)  # not followed
    strict = one({"check": "http", "url": http_url + "/moved", "expect_status": 200})
    assert (strict["status"], strict["reason"]) == ("fail", "http_status")


def test_http_refused_and_bad_url():
    res = one({"check": "http", "url": "http://%s:%d/" % (LO, free_port())})
    assert (res["status"], res["reason"]) == ("fail", "refused")
    bad = one({"check": "http", "url": "ftp://%s/" % LO})
    assert (bad["status"], bad["reason"]) == ("inconclusive", "bad_probe")


# ---------------------------------------------------------------- portability

def test_agent_imports_only_the_standard_library():
    tree = ast.parse(AGENT.read_text())
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0 and node.module
            modules.add(node.module.split(".")[0])
    assert "migready" not in modules
    assert modules <= set(sys.stdlib_module_names), modules - set(sys.stdlib_module_names)


def test_python_36_floor_with_vermin():
    pytest.importorskip("vermin", reason="vermin is not installed")
    proc = subprocess.run(
        [sys.executable, "-c", "import sys; from vermin import main; sys.exit(main())",
         "--target=3.6-", "--violations", "--no-tips", "--eval-annotations", str(AGENT)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
        timeout=60)
    assert proc.returncode == 0, proc.stdout


def test_real_python36_runs_a_plan(reflector, udp_server):
    python = oldest_python()
    if python is None:
        pytest.skip("no Python 3.6 interpreter here (set MIGREADY_AGENT_PYTHON in CI)")
    echo = udp_server(lambda data: b"ACK")
    dns = udp_server(fake_dns)
    plan = {"version": 1, "probes": [
        {"id": "nx", "check": "dns", "name": "nx.test", "resolver": LO,
         "resolver_port": dns.port},
        {"id": "www", "check": "dns", "name": "_x.www.test", "resolver": LO,
         "resolver_port": dns.port},
        {"id": "refl", "check": "reflect", "protocol": "tcp", "reflector_host": LO,
         "reflector_port": reflector.port, "source_port": free_port_both()},
        {"id": "udp", "check": "udp_exchange", "host": LO, "port": echo.port,
         "payload_b64": b64(b"x"), "expect_b64": b64(b"ACK")},
        {"id": "dns", "check": "dns", "name": "localhost"},
        {"id": "route", "check": "route", "host": LO},
        {"id": "facts", "check": "host_facts"},
    ]}
    proc = subprocess.run([python, str(AGENT), "run"], input=json.dumps(plan),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=20)
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert lines[0]["python"].startswith("3.6")
    res = results_by_id(lines)
    assert res.pop("nx")["reason"] == "nxdomain"
    assert res.pop("www")["reason"] == "no_answer"
    assert {r["status"] for r in res.values()} == {"pass"}, proc.stdout


def test_route_probes_of_a_plan_share_one_ip_batch():
    """1,000 route probes must not start 1,000 `ip` processes (bench/README.md)."""
    if shutil.which("ip") is None:
        pytest.skip("iproute2 not installed")
    targets = ["127.0.0.%d" % i for i in range(1, 6)]
    plan = {"version": 1, "jobs": 4, "probes": [{"id": "r%d" % i, "check": "route", "host": t}
                                                for i, t in enumerate(targets)]}
    out = io.StringIO()
    assert agent.run(io.BytesIO(json.dumps(plan).encode()), out) == 0
    results = [json.loads(line) for line in out.getvalue().splitlines() if '"result"' in line]
    assert sorted(r["data"]["ip"] for r in results) == targets
    assert all(r["status"] == "pass" and r["data"]["dev"] == "lo" and r["data"]["method"] == "ip" for r in results)
    assert sorted(agent._ROUTES.answers) == targets  # answered by the one batch


def test_an_address_literal_is_resolved_without_a_thread(monkeypatch):
    """resolve() runs getaddrinfo in a thread only for its deadline on a name: a 10,000-target plan of
    address literals started 20,000 threads (bench/README.md).  A name still gets the thread."""
    started, Thread = [], threading.Thread

    class Counting(Thread):
        def start(self):
            started.append(self.name)
            Thread.start(self)

    monkeypatch.setattr(agent.threading, "Thread", Counting)
    deadline = time.monotonic() + 5
    assert agent.resolve("127.0.0.1", 80, socket.SOCK_STREAM, deadline)[0][4][:2] == ("127.0.0.1", 80)
    assert agent.resolve("::1", 80, socket.SOCK_STREAM, deadline)[0][4][:2] == ("::1", 80)
    assert started == []
    agent.resolve("localhost", 80, socket.SOCK_STREAM, deadline)
    assert started == ["resolve"]


def test_results_leave_in_batches_in_order_and_the_summary_after_them():
    """Results wait up to PACE to go out together (an SSH packet per batch, not per result); a line
    written at once (the summary) first writes what waits, and close() leaves nothing behind."""
    class Stream(list):
        def write(self, text):
            self.append(text)

        def flush(self):
            pass

    stream = Stream()
    out = agent._Out(stream)
    for n in range(50):
        out.result({"type": "result", "id": n})
    out.line({"type": "summary"})
    out.result({"type": "result", "id": 50})
    out.close()
    lines = [json.loads(line) for line in "".join(stream).splitlines()]
    assert [line.get("id") for line in lines] == list(range(50)) + [None, 50]
    assert lines[50]["type"] == "summary" and len(stream) <= 3  # 51 results, the summary: three writes at most
