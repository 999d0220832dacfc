"""The call-back probe and the call-back reflector (issue 15, incident 5), on loopback.

The agent runs as a real subprocess and the reflector in-process with real
sockets; every address is 127.0.0.x.  The cross-site cases (SNAT, a blocked
route, a port-forward) are in tests/lab/test_lab_callback.py.
"""
from __future__ import annotations

import io
import json
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from migready.checks.probing import agent
from migready.checks.review.checklist import build_checklist
from migready.checks.review.evidence import judge
from migready.checks.inventory.load import load_inventory
from migready.checks.store.problems import InputError
from migready.checks.probing.plans import build_plan
from migready.checks.store.workspace import Workspace

AGENT = Path(agent.__file__).resolve()
LO, LO2 = "127.0.0.1", "127.0.0.2"


def run_agent(probe: dict) -> dict:
    plan = {"version": 1, "probes": [dict(probe, id="p")]}
    proc = subprocess.run([sys.executable, str(AGENT), "run"], input=json.dumps(plan), capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return next(json.loads(line) for line in proc.stdout.splitlines() if '"result"' in line)


def free_port(host=LO, kind=socket.SOCK_STREAM) -> int:
    sock = socket.socket(socket.AF_INET, kind)
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


class Counter:
    """A TCP listener that counts who connected (stands for the staging host's port)."""

    def __init__(self, host: str, port: int = 0):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, port))
        self.sock.listen(8)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.peers: list = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stop.is_set():
            try:
                conn, peer = self.sock.accept()
            except OSError:
                continue
            self.peers.append(peer)
            conn.close()

    def seen(self, n: int, timeout: float = 5.0) -> int:
        """How many peers connected, waiting up to `timeout` for the n-th.

        The reflector reports "connected" once its connect() returns, which
        can be before this thread's accept() has run: reading `peers` at once
        races with it (CI saw 0 where the list held 1 a moment later)."""
        deadline = time.monotonic() + timeout
        while len(self.peers) < n and time.monotonic() < deadline:
            time.sleep(0.01)
        return len(self.peers)

    def close(self):
        self.stop.set()
        self.thread.join(1)
        self.sock.close()


@pytest.fixture
def make_reflector():
    started = []

    def make(**policy):
        ref = agent.Reflector(LO, 0, log=io.StringIO(), callback=agent.CallbackPolicy(**policy)).start()
        started.append(ref)
        return ref
    yield make
    for ref in started:
        ref.stop()


@pytest.fixture
def counter():
    made = []

    def make(host=LO, port=0):
        made.append(Counter(host, port))
        return made[-1]
    yield make
    for c in made:
        c.close()


def ask(ref, **request) -> dict:
    """One call-back request over TCP from 127.0.0.1, like the agent sends it."""
    request = dict({"migready": "callback", "nonce": "n" * 16, "proto": "tcp", "timeout_ms": 1000}, **request)
    with socket.create_connection((LO, ref.port), timeout=10) as sock:
        sock.sendall(json.dumps(request).encode() + b"\n")
        answer = b""
        while not answer.endswith(b"\n"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    return json.loads(answer)


# ---------------------------------------------------------------- the probe, end to end

@pytest.mark.parametrize("proto", ["tcp", "udp"])
def test_callback_probe_records_both_sides(make_reflector, proto):
    ref = make_reflector()
    kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    port = free_port(kind=kind)
    result = run_agent({"check": "callback", "protocol": proto, "port": port, "reflector_host": LO,
                        "reflector_port": ref.port, "call_timeout_ms": 2000, "timeout_ms": 8000})
    assert (result["status"], result["reason"]) == ("pass", "called_back"), result
    data = result["data"]
    assert data["listen"] == {"ip": LO, "port": port, "requested_port": port, "ephemeral": False}
    assert data["registered"] == {"ip": LO, "port": port, "how": "own"}
    [call] = data["calls"]
    assert call["status"] == ("connected" if proto == "tcp" else "answered")
    assert sorted(call["roles"]) == ["observed", "requested"]  # own address == observed: one call
    assert call["seen_from"] == call["local"]  # the listener saw the caller's real source
    assert "called back %s:%d/%s" % (LO, port, proto) in result["detail"]
    assert isinstance(result["latency_ms"], float)


def test_callback_listens_on_an_ephemeral_port_when_the_inbound_port_is_taken(make_reflector, counter):
    ref = make_reflector()
    busy = counter("0.0.0.0")  # the real service already listens on the inbound port
    result = run_agent({"check": "callback", "protocol": "tcp", "port": busy.port, "reflector_host": LO,
                        "reflector_port": ref.port, "timeout_ms": 8000})
    assert result["status"] == "pass", result
    listen = result["data"]["listen"]
    assert listen["ephemeral"] is True and listen["requested_port"] == busy.port and listen["port"] != busy.port
    assert busy.peers == []  # the service was not disturbed


def test_callback_to_an_address_the_reflector_may_not_call_is_inconclusive(make_reflector):
    ref = make_reflector()
    result = run_agent({"check": "callback", "protocol": "tcp", "port": free_port(), "advertise": LO2,
                        "reflector_host": LO, "reflector_port": ref.port, "timeout_ms": 8000})
    assert (result["status"], result["reason"]) == ("inconclusive", "not_allowed"), result
    assert "--callback-allow" in result["detail"] and LO2 in result["detail"]


def test_callback_from_a_reflector_with_call_backs_disabled_is_inconclusive(make_reflector):
    """A reflector that will not call back proves nothing about the reverse direction: never a pass."""
    ref = make_reflector()
    ref.callback = None
    result = run_agent({"check": "callback", "protocol": "tcp", "port": free_port(), "reflector_host": LO,
                        "reflector_port": ref.port, "timeout_ms": 8000})
    assert (result["status"], result["reason"]) == ("inconclusive", "callback_refused"), result
    assert "disabled" in result["detail"]


# ---------------------------------------------------------------- the reflector's refusals

def test_reflector_calls_only_the_observed_address_unless_allowed(make_reflector, counter):
    there = counter(LO2)
    answer = ask(make_reflector(), port=there.port, addresses=[LO2])
    calls = {c["ip"]: c for c in answer["calls"]}
    assert calls[LO2]["status"] == "not_allowed" and "--callback-allow" in calls[LO2]["detail"]
    assert answer["allow"] == [] and answer["observed"]["ip"] == LO
    assert calls[LO]["port"] == there.port  # the observed address, on the port named, nothing else
    assert there.peers == []  # 127.0.0.2 was never called

    answer = ask(make_reflector(allow=["127.0.0.2/32"]), port=there.port, addresses=[LO2], nonce="m" * 16)
    calls = {c["ip"]: c for c in answer["calls"]}
    assert calls[LO2]["status"] == "connected" and answer["allow"] == ["127.0.0.2/32"]
    assert there.seen(1) == 1


def test_reflector_calls_back_once_per_request(make_reflector, counter):
    here = counter(LO)
    ref = make_reflector()
    first = ask(ref, port=here.port)
    assert [c["status"] for c in first["calls"]] == ["connected"] and first["refused"] is None
    again = ask(ref, port=here.port)  # the same nonce: a replayed request
    assert again["refused"] == "repeated" and again["calls"] == []
    assert here.seen(1) == 1


def test_reflector_rate_limits_per_source(make_reflector, counter):
    here = counter(LO)
    ref = make_reflector(rate=2)
    answers = [ask(ref, port=here.port, nonce="%016d" % i) for i in range(3)]
    assert [a["refused"] for a in answers] == [None, None, "rate_limited"]
    assert "more than 2 call-back requests from 127.0.0.1" in answers[2]["detail"]
    assert here.seen(2) == 2


def test_reflector_with_a_token_calls_only_for_requests_carrying_it(make_reflector, counter):
    here = counter(LO)
    ref = make_reflector(token="s3cret")
    refused = ask(ref, port=here.port)
    assert refused["refused"] == "bad_token" and refused["token_required"] is True and here.peers == []
    assert ask(ref, port=here.port, nonce="t" * 16, token="wrong")["refused"] == "bad_token"
    ok = ask(ref, port=here.port, nonce="u" * 16, token="s3cret")
    assert ok["refused"] is None and ok["calls"][0]["status"] == "connected" and here.seen(1) == 1


@pytest.mark.parametrize("request_, reason", [
    ({"port": 0}, "bad_request"),
    ({"port": 80, "addresses": ["printer.example"]}, "bad_request"),  # names are never resolved
    ({"port": 80, "addresses": ["127.0.0.%d" % i for i in range(2, 8)]}, "bad_request"),
    ({"port": 80, "nonce": "x"}, "bad_request"),
])
def test_reflector_refuses_malformed_requests(make_reflector, request_, reason):
    answer = ask(make_reflector(), **request_)
    assert answer["refused"] == reason and answer["calls"] == []


def test_reflector_never_calls_back_for_a_datagram(make_reflector, counter):
    """A UDP source address can be spoofed: over UDP the reflector only reflects."""
    here = counter(LO)
    ref = make_reflector()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(5)
        sock.sendto(json.dumps({"migready": "callback", "nonce": "d" * 16, "proto": "tcp",
                                "port": here.port}).encode().ljust(256), (LO, ref.port))  # padded: see the size rule
        answer = json.loads(sock.recv(4096))
    assert answer["migready"] == "reflect" and here.peers == []


@pytest.mark.parametrize("args, says", [
    (["--token-file", "/nonexistent/token"], "/nonexistent/token"),
    (["--callback-allow", "10.0.0.300/8"], "10.0.0.300/8"),
])
@pytest.mark.parametrize("command", [[str(AGENT)], ["-m", "migready.checks.cli"]], ids=["agent.py", "migready"])
def test_reflector_command_line_refuses_bad_options(command, args, says):
    proc = subprocess.run([sys.executable, *command, "reflector", "--bind", LO, "--port", "0"] + args,
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 2 and says in proc.stderr


# ---------------------------------------------------------------- plan, evidence, checklist

INVENTORY = """\
version: 1
migration:
  name: callback
  source: {site: old, staging_hosts: ["local://"]}
  target: {site: new, staging_hosts: ["local://"]}
zones:
  - name: servers
    kind: internal
    cidrs: [127.0.0.0/24]
REFLECTORS
services:
  - name: worker
    owner: jobs
    dependencies:
      - name: scheduler
        kind: service
        protocol: tcp
        host: 127.0.0.1
        port: 27777
        direction: DIRECTION
        timeout_ms: 1000
EXTRA
"""


def inventory(tmp_path, reflectors="", direction="inbound", extra=""):
    path = tmp_path / "inv.yaml"
    path.write_text(INVENTORY.replace("REFLECTORS", reflectors).replace("DIRECTION", direction)
                    .replace("EXTRA", extra), encoding="utf-8")
    return load_inventory(path)


def test_plan_without_a_vantage_point_says_what_to_add(tmp_path):
    plan = build_plan(inventory(tmp_path), "local://", "post")
    assert not [p for p in plan.probes if p["check"] == "callback"]
    [entry] = [u for u in plan.unrunnable if u["check"] == "callback"]
    assert entry["reason"] == "no_vantage_point" and entry["status"] == "inconclusive"
    assert "zone 'servers'" in entry["detail"] and "migready reflector" in entry["detail"]
    assert "--callback-allow" in entry["detail"] and "reflectors:" in entry["detail"]
    udp_only = "    reflectors: [{host: 127.0.0.1, port: 3478, protocols: [udp]}]"
    assert [u["reason"] for u in build_plan(inventory(tmp_path, udp_only), "local://", "post").unrunnable
            if u["check"] == "callback"] == ["no_vantage_point"]


def test_plan_with_a_reflector_in_the_peers_zone(tmp_path):
    (tmp_path / "token").write_text("s3cret\n")
    reflectors = "    reflectors: [{host: 127.0.0.1, port: 3478, token_file: token}]"
    plan = build_plan(inventory(tmp_path, reflectors, extra="        advertised_address: observed"),
                      "local://", "post")
    assert not [u for u in plan.unrunnable if u["check"] == "callback"]
    [probe] = [p for p in plan.probes if p["check"] == "callback"]
    assert probe["meta"] == {"dependency": "worker/scheduler", "target": "127.0.0.1:3478",
                             "proves": ["reverse_reachable"]}
    assert (probe["port"], probe["protocol"], probe["advertise"], probe["token"]) == (27777, "tcp", "observed", "s3cret")
    assert probe["call_timeout_ms"] == 2000 and probe["timeout_ms"] > probe["call_timeout_ms"]


def test_a_missing_token_file_is_named_when_the_inventory_loads(tmp_path):
    with pytest.raises(InputError) as err:
        inventory(tmp_path, "    reflectors: [{host: 127.0.0.1, port: 3478, token_file: missing-token}]")
    assert "zones[0].reflectors[0].token_file" in str(err.value) and "missing-token" in str(err.value)


def test_advertised_address_must_be_an_address_or_observed(tmp_path):
    with pytest.raises(InputError) as err:
        inventory(tmp_path, extra="        advertised_address: worker-01")
    assert "services[0].dependencies[0].advertised_address" in str(err.value)
    assert "'worker-01' is neither an IP address nor 'observed'" in str(err.value)


def _run(dep, status, latency, phase="post"):
    return {"id": "run-1", "phase": phase, "results": [
        {"dependency": dep, "target": "127.0.0.1:3478", "check": "callback", "proves": ["reverse_reachable"],
         "status": status, "reason": "called_back" if status == "pass" else "no_callback",
         "detail": "the peer cannot call back 127.0.0.9:27777/tcp: refused", "latency_ms": latency, "data": {}}]}


def test_reverse_reachable_needs_the_call_back_within_the_budget(tmp_path):
    dep = next(inventory(tmp_path).dependencies())
    assert judge("reverse_reachable", dep, _run(dep.ref, "pass", 3.0)).state == "pass"
    slow = judge("reverse_reachable", dep, _run(dep.ref, "pass", 1500.0))
    assert slow.state == "fail" and slow.text == "the peer needed 1500.0 ms to call back; the budget is 1000 ms"
    failed = judge("reverse_reachable", dep, _run(dep.ref, "fail", None))
    assert failed.state == "fail" and "the peer cannot call back 127.0.0.9:27777/tcp" in failed.text
    assert judge("reverse_reachable", dep, {"results": []}).state == "pending"


@pytest.mark.parametrize("direction, needs", [("inbound", ["reverse_reachable"]),
                                              ("both", ["reachable", "reverse_reachable"])])
def test_mr007_is_cleared_by_the_call_back_and_for_both_by_the_forward_connect_too(tmp_path, direction, needs):
    inv = inventory(tmp_path, direction=direction)
    ws = Workspace.new(tmp_path / "w.migready.json", inv.path, inv.digest)
    checklist = build_checklist(inv, ws)
    [flag] = [i for i in checklist.items if i.rule == "MR007"]
    assert flag.evidence_backed and "callback (reverse_reachable)" in flag.cleared_by
    assert [p.split(":")[0] for p in flag.evidence.split("; ")] == needs
    reqs = sorted(i.requirement for i in checklist.items if i.source == "requirement")
    assert reqs == needs  # an evidence item per direction, even when `requires` does not list it


# ---------------------------------------------------------------- vantage hosts

VANTAGE = """\
    vantage_hosts: [{host: "VANTAGE", address: 127.0.0.1, port: VPORT}]"""


def test_a_vantage_host_calls_back_during_the_run(tmp_path):
    """No reflector in the peer's zone, a vantage host there: its agent (here local://, a second
    agent process) serves the staging host's call-back request for this run, with a fresh token."""
    from migready.checks.probing.run import run_probes

    vport = free_port()
    inv = inventory(tmp_path, VANTAGE.replace("VANTAGE", "local://").replace("VPORT", str(vport)))
    plan = build_plan(inv, "local://", "pre")
    [probe] = [p for p in plan.probes if p["check"] == "callback"]
    assert (probe["reflector_host"], probe["reflector_port"]) == (LO, vport)
    assert plan.vantage["local://"]["expect"] == 1 and probe["token"] == plan.vantage["local://"]["token"]
    assert build_plan(inv, "local://", "pre").vantage["local://"]["token"] != probe["token"]  # per run

    ws = Workspace.new(tmp_path / "w.migready.json", inv.path, inv.digest)
    run = run_probes(inv, "local://", "pre", ws)
    [result] = [r for r in run["results"] if r["check"] == "callback"]
    assert (result["status"], result["reason"]) == ("pass", "called_back"), result
    assert result["target"] == f"{LO}:{vport}" and "token" not in result["data"]
    assert result["data"]["calls"][0]["seen_from"]["ip"] == LO
    assert judge("reverse_reachable", next(inv.dependencies()), run).state == "pass"


def test_an_unreachable_vantage_host_is_inconclusive_and_says_why(tmp_path, monkeypatch):
    from migready.checks.probing import callback
    from migready.checks.probing.run import run_probes

    monkeypatch.setattr(callback, "VANTAGE_CONNECT_WAIT_MS", 1500)
    closed = free_port()
    spec = f"ssh://root@127.0.0.1:{closed}"
    inv = inventory(tmp_path, VANTAGE.replace("VANTAGE", spec).replace("VPORT", str(free_port())))
    ws = Workspace.new(tmp_path / "w.migready.json", inv.path, inv.digest)
    run = run_probes(inv, "local://", "pre", ws)
    [result] = [r for r in run["results"] if r["check"] == "callback"]
    assert (result["status"], result["reason"]) == ("inconclusive", "vantage_unreachable"), result
    assert "proves nothing about the peer" in result["detail"] and f"vantage host {spec}:" in result["detail"]
    # the first cause first: the SSH session to the vantage host, then what followed on its agent port
    assert result["detail"].startswith(f"vantage host {spec}: "), result["detail"]
    assert judge("reverse_reachable", next(inv.dependencies()), run).state == "pending"


def test_a_vantage_host_needs_an_address_the_staging_host_can_reach(tmp_path):
    with pytest.raises(InputError) as err:
        inventory(tmp_path, '    vantage_hosts: [{host: "ssh://ops@sched-vantage"}]')
    assert "zones[0].vantage_hosts[0]" in str(err.value) and "give `address`" in str(err.value)


def test_a_reflector_that_cannot_be_reached_proves_nothing():
    """Refused by the reflector is not refused by the peer: inconclusive, never a failure."""
    result = run_agent({"check": "callback", "protocol": "tcp", "port": free_port(), "reflector_host": LO,
                        "reflector_port": free_port(), "timeout_ms": 5000})
    assert (result["status"], result["reason"]) == ("inconclusive", "vantage_unreachable"), result
    assert "proves nothing about the peer" in result["detail"]


def test_the_service_can_bind_its_port_right_after_a_call_back(make_reflector):
    """The probe runs on the host the service will run on: it must not leave its inbound port
    in TIME_WAIT (a server without SO_REUSEADDR could not start for a minute)."""
    ref = make_reflector()
    port = free_port()
    for _ in range(2):
        result = run_agent({"check": "callback", "protocol": "tcp", "port": port, "reflector_host": LO,
                            "reflector_port": ref.port, "timeout_ms": 8000})
        assert result["status"] == "pass" and result["data"]["listen"]["ephemeral"] is False, result
    with socket.socket() as server:  # no SO_REUSEADDR, like many services
        server.bind(("0.0.0.0", port))
        server.listen(1)


def test_a_refused_call_back_says_why_in_a_sentence():
    """The agent's refusal codes (bad_token, rate_limited...) are read as sentences, never shown raw."""
    from migready.checks.probing.callback import callback_lines

    def lines(code):
        return [str(line) for line in callback_lines({"check": "callback", "data": {
            "listen": {"ip": LO, "port": 27777}, "reflector": {"ip": LO, "port": 3478}, "refused": code}})]
    assert lines("bad_token")[-1] == ("the reflector refused the request: it needs its shared token (the "
                                      "reflector's token_file) and the request did not carry it")
    assert "too many call-back requests" in lines("rate_limited")[-1] and "rate_limited" not in lines("rate_limited")[-1]
    assert lines("from_the_future")[-1] == "the reflector refused the request (its reason: from_the_future)"
