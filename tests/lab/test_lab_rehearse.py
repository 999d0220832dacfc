"""Issue 16 on the lab: degraded-dependency rehearsals with real iptables in the staging host's namespace.

On `old` (the source staging host) two check-out APIs publish synchronously
to a Kafka-like broker in `store` (tests/lab/rehearsal_app.py).  Both
declare `timeout_ms: 200` on paper; variant A never applies it (incident 3:
its health calls hang under a blackhole, NO-GO), variant B does (fails fast).
Every test compares the host's firewall before and after: the fault must be
gone after a normal end, Ctrl-C, kill -9 of the client (and of the agent:
then only the watchdog is left to remove it), and a dropped SSH connection.

delay=MS and loss=PCT (issue 26) go through the agent's relay: nat OUTPUT
REDIRECTs the broker's new connections to it, and it holds them and
forwards them to the broker.  This needs no sch_netem; the relay is the
only delay mechanism of this agent, so these tests prove it whether or not
the kernel has netem (the stored run says which: `netem`).
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from migready.checks.inventory.load import load_inventory
from migready.checks.probing.run import agent_source
from migready.checks.probing.rehearsal import prepare
from migready.checks.probing.transports.base import BOOTSTRAP_CODE, encode_agent_input
from migready.checks.store.workspace import Workspace

from .labflow import migready_in_ops

APP = Path(__file__).with_name("rehearsal_app.py")
BROKER_PORT = 9092
A_PORT, B_PORT, U_PORT = 8081, 8082, 8083
U_TIMEOUT_MS = 1500  # checkout-u's UDP publish waits this long for the broker's answer
FAIL_FAST_MS = 450  # the default: timeout_ms 200 + the 250 ms margin

INVENTORY = """\
version: 1
migration:
  name: lab - check-out API, Kafka in the request path
  source: {{site: old, staging_hosts: ["ssh://root@{old}:22"]}}
  target: {{site: new, staging_hosts: ["ssh://root@{new}:22"]}}
services:
  - name: checkout-a
    owner: service-point
    health: http://127.0.0.1:{a_port}/health
    dependencies:
      - name: kafka
        kind: middleware
        protocol: kafka
        host: {broker}
        port: {broker_port}
        in_request_path: true
        timeout_ms: 200
  - name: checkout-b
    owner: service-point
    health: http://127.0.0.1:{b_port}/health
    dependencies:
      - name: kafka
        kind: middleware
        protocol: kafka
        host: {broker}
        port: {broker_port}
        in_request_path: true
        timeout_ms: 200
  - name: checkout-u
    owner: service-point
    health: http://127.0.0.1:{u_port}/health
    fail_fast_ms: 450
    dependencies:
      - name: events
        kind: middleware
        protocol: udp
        host: {broker}
        port: {broker_port}
        in_request_path: true
"""


@pytest.fixture(scope="module")
def checkout(lab):
    """The broker in `store`, variants A and B on `old`; stopped after this module."""
    broker = lab.store
    procs = [lab.start_daemon("store", "broker", [sys.executable, "-I", APP, "broker", broker, BROKER_PORT],
                              f"listening broker {broker}:{BROKER_PORT}"),
             lab.start_daemon("old", "checkout-a", [sys.executable, "-I", APP, "service", A_PORT, broker,
                                                    BROKER_PORT], f"listening service 127.0.0.1:{A_PORT}"),
             lab.start_daemon("old", "checkout-b", [sys.executable, "-I", APP, "service", B_PORT, broker,
                                                    BROKER_PORT, "--timeout-ms", 200],
                              f"listening service 127.0.0.1:{B_PORT}"),
             lab.start_daemon("old", "checkout-u", [sys.executable, "-I", APP, "service", U_PORT, broker,
                                                    BROKER_PORT, "--timeout-ms", U_TIMEOUT_MS, "--udp"],
                              f"listening service 127.0.0.1:{U_PORT}")]
    # The staging host's own firewall: one rule of its own that the rehearsals must leave alone.
    site_rule = ["OUTPUT", "-p", "tcp", "--dport", "65000", "-j", "ACCEPT"]
    assert lab.exec_in("old", ["iptables", "-A", *site_rule]).returncode == 0
    yield broker
    lab.exec_in("old", ["iptables", "-D", *site_rule])
    for proc in procs:
        proc.kill()
        proc.wait(5)


@pytest.fixture
def inventory(lab, checkout, tmp_path) -> Path:
    path = tmp_path / "checkout.yaml"
    path.write_text(INVENTORY.format(old=lab.old, new=lab.new, broker=checkout, broker_port=BROKER_PORT,
                                     a_port=A_PORT, b_port=B_PORT, u_port=U_PORT), encoding="utf-8")
    return path


def host(lab) -> str:
    return f"ssh://root@{lab.old}:22"


def ssh_args(lab):
    return ["--identity", lab.client_key, "--known-hosts", lab.known_hosts, "--ssh-config", "/dev/null",
            "--connect-timeout", "5"]


def rehearse(lab, inventory, ws, dependency, *extra, duration="3s", timeout=120):
    return migready_in_ops(lab, "rehearse", inventory, "--host", host(lab), "--dependency", dependency,
                           "--duration", duration, "--workspace", ws, *ssh_args(lab), *extra, timeout=timeout)


def rehearse_in_background(lab, inventory, ws, dependency, duration, fault="blackhole"):
    argv = [sys.executable, "-m", "migready.checks.cli", "rehearse", inventory, "--host", host(lab),
            "--dependency", dependency, "--duration", duration, "--fault", fault, "--workspace", ws, *ssh_args(lab)]
    return lab.popen_in("ops", argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def chains(lab) -> list[str]:
    """migready chains in the staging host's filter and nat tables (delay and loss use nat)."""
    found = []
    for table in ("filter", "nat"):
        out = lab.exec_in("old", ["iptables", "-t", table, "-S"]).stdout
        found += [line.split()[1] for line in out.splitlines() if line.startswith("-N MIGREADY-")]
    return found


def firewall(lab) -> str:
    """The staging host's iptables, as `lab.firewall` gives them, less tables that hold no rule and only
    built-in chains with ACCEPT policies: iptables-nft creates the nat table when the delay relay's
    rules first use it, and leaves it empty after they are removed (nothing in it acts on a packet)."""
    tables, current = [], None
    for line in lab.firewall("old").splitlines(keepends=True):
        if line.startswith("*"):
            current = [line]
            tables.append(current)
        elif current is not None:
            current.append(line)
    builtin = {"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"}

    def empty(table):
        body = [x.strip() for x in table[1:] if x.strip() and x.strip() != "COMMIT"]
        return all(x.startswith(":") and x[1:].split()[0] in builtin and x.split()[1] == "ACCEPT" for x in body)
    return "".join("".join(t) for t in tables if not empty(t))


def wait_until(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def old_processes(lab, marker: str) -> list[int]:
    """Processes in the staging host's namespace whose command line contains ``marker``."""
    found = []
    for pid in lab.exec_in("old", ["ip", "netns", "pids", lab.ns("old")]).stdout.split():
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if marker.encode() in cmdline:
            found.append(int(pid))
    return found


def stored(ws: Path) -> dict:
    runs = [r for r in Workspace.load(ws).runs if r["phase"] == "rehearsal"]
    assert runs, "no rehearsal run stored"
    return runs[-1]


def test_variant_a_hangs_and_the_verdict_is_no_go(lab, inventory, tmp_path):
    ws = tmp_path / "a.migready.json"
    before = firewall(lab)
    out = rehearse(lab, inventory, ws, "checkout-a/kafka", duration="4s")
    assert out.returncode == 1, out.stdout + out.stderr
    assert "HANGS" in out.stdout and "fault removed: yes" in out.stdout, out.stdout
    assert firewall(lab) == before and not chains(lab)

    run = stored(ws)
    r = run["rehearsal"]
    assert run["complete"] and r["verdict"] == "hangs" and r["fail_fast_ms"] == FAIL_FAST_MS
    assert any(c["stage"] == "baseline" and c["ok"] for c in r["calls"])
    fault = [c for c in r["calls"] if c["stage"] == "fault"]
    assert fault and all(c["timed_out"] for c in fault), fault
    assert r["rules"][0][:2] == ["iptables", "-N"] and [lab.store, "-p", "tcp", "--dport", str(BROKER_PORT),
                                                           "-j", "DROP"] == r["rules"][1][4:]
    assert r["recovery_ms"] is not None  # healthy again once the rule is gone
    events = [e["action"] for e in Workspace.load(ws).events]
    assert events == ["inventory-recorded", "probe-run-started", "probe-run-finished"]

    verdict = migready_in_ops(lab, "verdict", ws, "--format", "json")
    result = json.loads(verdict.stdout)
    assert verdict.returncode == 1 and result["verdict"] == "NO-GO"
    reason = next(r for r in result["reasons"] if r.startswith("blocker failed: req:checkout-a:fails_fast"))
    worst = r["worst_ms"]
    assert "checkout-a/kafka blackhole" in reason and f"fail_fast_ms {FAIL_FAST_MS} ms" in reason
    # the agent's own cut-off, said as such: not how long the service would have hung
    assert f"still waiting after {worst:.0f} ms (cut off)" in reason and worst > FAIL_FAST_MS, reason
    assert "slowest" not in reason and "(timed out)" not in reason, reason
    # The MR006 flag of that dependency follows the rehearsal, not a checkbox.
    assert any(r.startswith("blocker failed: flag:MR006:checkout-a/kafka") for r in result["reasons"])
    refused = migready_in_ops(lab, "mark", ws, "req:checkout-a:fails_fast", "pass", "--by", "Li Wei",
                              "--note", "we checked the code")
    assert refused.returncode == 2 and "only evidence can clear it" in refused.stderr and "migready rehearse" in refused.stderr


def test_variant_b_fails_fast_and_the_requirement_passes(lab, inventory, tmp_path):
    ws = tmp_path / "b.migready.json"
    before = firewall(lab)
    out = rehearse(lab, inventory, ws, "checkout-b/kafka")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "FAILS FAST" in out.stdout
    assert firewall(lab) == before and not chains(lab)
    r = stored(ws)["rehearsal"]
    fault = [c for c in r["calls"] if c["stage"] == "fault"]
    assert fault and all(c["status"] == 503 and c["latency_ms"] <= FAIL_FAST_MS for c in fault), fault

    def items():
        checklist = json.loads(migready_in_ops(lab, "checklist", ws, "--format", "json").stdout)
        return {i["id"]: i for i in checklist["items"]}
    passed = items()
    assert passed["req:checkout-b:fails_fast"]["state"] == "pass"
    assert "checkout-b/kafka blackhole" in passed["req:checkout-b:fails_fast"]["evidence"]
    assert "fails fast" in passed["req:checkout-b:fails_fast"]["evidence"]
    assert passed["flag:MR006:checkout-b/kafka"]["state"] == "pass"
    assert passed["req:checkout-a:fails_fast"]["state"] == "pending"  # never rehearsed here

    # a delay rehearsal is stored too, but checkout-b's item asks for a blackhole only
    delay = rehearse(lab, inventory, ws, "checkout-b/kafka", "--fault", "delay=3000")
    assert delay.returncode == 0 and firewall(lab) == before, delay.stdout + delay.stderr
    assert stored(ws)["rehearsal"]["fault"] == "delay=3000" and items()["req:checkout-b:fails_fast"]["state"] == "pass"


def _relayed(r: dict) -> dict:
    """The stored run's relay facts: the plan's mechanism and the relay's counts at the revert."""
    planned = next(e for e in r["events"] if e["event"] == "planned")
    reverted = next(e for e in r["events"] if e["event"] == "reverted")
    assert planned["mechanism"] == r["mechanism"] == "relay" and isinstance(planned["netem"], bool)
    return reverted["relay"]


def test_delay_through_the_relay_variant_a_hangs_and_the_verdict_is_no_go(lab, inventory, tmp_path):
    """Issue 26: delay=3000 without netem.  Variant A never applied its 200 ms timeout: it hangs."""
    ws = tmp_path / "delay-a.migready.json"
    before = firewall(lab)
    out = rehearse(lab, inventory, ws, "checkout-a/kafka", "--fault", "delay=3000", duration="4s")
    assert out.returncode == 1, out.stdout + out.stderr
    assert "HANGS" in out.stdout and "fault removed: yes" in out.stdout and "agent's relay" in out.stdout, out.stdout
    assert firewall(lab) == before and not chains(lab)

    run = stored(ws)
    r = run["rehearsal"]
    assert run["complete"] and r["verdict"] == "hangs" and r["fault"] == "delay=3000"
    # the nat rules, only for the broker's address and port, to the relay's loopback port
    assert r["rules"][0] == ["iptables", "-t", "nat", "-N", r["chain"]]
    assert ["-d", lab.store, "-p", "tcp", "--dport", str(BROKER_PORT), "-j", "REDIRECT"] == r["rules"][2][5:13]
    assert r["revert"][0] == ["iptables", "-t", "nat", "-D", "OUTPUT", "-j", r["chain"]]
    fault = [c for c in r["calls"] if c["stage"] == "fault"]
    assert fault and all(c["timed_out"] and c["latency_ms"] > FAIL_FAST_MS for c in fault), fault
    relay = _relayed(r)
    assert relay["flows"] >= len(fault) and relay["refused"] == 0, relay
    assert r["recovery_ms"] is not None  # healthy again once the rules are gone
    worst = r["worst_ms"]
    assert f"still waiting after {worst:.0f} ms (cut off)" in r["text"], r["text"]

    verdict = migready_in_ops(lab, "verdict", ws, "--format", "json")
    result = json.loads(verdict.stdout)
    assert verdict.returncode == 1 and result["verdict"] == "NO-GO"


def test_delay_through_the_relay_reaches_the_broker_late(lab, inventory, tmp_path):
    """A delay the agent can wait out: every call answers 200, about 2 x 600 ms late (the relay's connect
    and the request each held 600 ms, as netem holds a SYN and a segment); the measured time is said."""
    ws = tmp_path / "delay-short.migready.json"
    before = firewall(lab)
    out = rehearse(lab, inventory, ws, "checkout-a/kafka", "--fault", "delay=600")
    assert out.returncode == 1, out.stdout + out.stderr
    assert firewall(lab) == before and not chains(lab)
    r = stored(ws)["rehearsal"]
    fault = [c for c in r["calls"] if c["stage"] == "fault"]
    assert fault and all(c["status"] == 200 and 1200 <= c["latency_ms"] < 2450 for c in fault), fault
    assert r["verdict"] == "hangs" and "(answer 200)" in r["text"] and "cut off" not in r["text"], r["text"]
    assert _relayed(r)["forwarded"] >= len(fault)


def test_delay_through_the_relay_variant_b_fails_fast(lab, inventory, tmp_path):
    ws = tmp_path / "delay-b.migready.json"
    before = firewall(lab)
    out = rehearse(lab, inventory, ws, "checkout-b/kafka", "--fault", "delay=3000")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "FAILS FAST" in out.stdout and firewall(lab) == before and not chains(lab)
    r = stored(ws)["rehearsal"]
    fault = [c for c in r["calls"] if c["stage"] == "fault"]
    assert fault and all(c["status"] == 503 and c["latency_ms"] <= FAIL_FAST_MS for c in fault), fault
    assert _relayed(r)["flows"] >= len(fault)


def test_where_runs_must_be_attested_only_a_signed_rehearsal_counts(lab, inventory, tmp_path):
    strict = tmp_path / "strict.yaml"
    strict.write_text(inventory.read_text(encoding="utf-8") + "signoff:\n  require_attested_runs: true\n",
                      encoding="utf-8")
    key = tmp_path / "sre.key"
    assert migready_in_ops(lab, "keygen", "--name", "Wang Fang", "--role", "SRE", "--out", key,
                           "--no-passphrase").returncode == 0
    ws = tmp_path / "strict.migready.json"

    def state():
        checklist = json.loads(migready_in_ops(lab, "checklist", ws, "--format", "json").stdout)
        return next(i["state"] for i in checklist["items"] if i["id"] == "req:checkout-b:fails_fast")
    assert rehearse(lab, strict, ws, "checkout-b/kafka").returncode == 0
    assert state() == "pending"  # unattested: it cannot count here
    out = rehearse(lab, strict, ws, "checkout-b/kafka", "--sign-with", key)
    assert out.returncode == 0 and "attested by Wang Fang (SRE)" in out.stdout, out.stdout + out.stderr
    assert state() == "pass"


def test_reject_makes_even_variant_a_fail_fast(lab, inventory, tmp_path):
    """A refused connection is answered at once: only a blackhole shows variant A's missing timeout."""
    ws = tmp_path / "reject.migready.json"
    before = firewall(lab)
    out = rehearse(lab, inventory, ws, "checkout-a/kafka", "--fault", "reject")
    assert out.returncode == 0, out.stdout + out.stderr
    r = stored(ws)["rehearsal"]
    assert r["verdict"] == "fails_fast" and r["rules"][1][-4:] == ["-j", "REJECT", "--reject-with", "tcp-reset"]
    assert firewall(lab) == before


def test_udp_delay_and_loss_through_the_relay(lab, inventory, tmp_path):
    """UDP through the relay (one loopback port per address, answers sent back through conntrack):
    delay=600 gets the broker's answer ~600 ms late; loss=100 drops every datagram, so the service
    waits out its own 1500 ms timeout.  Both hang against fail_fast_ms 450, with the measured time."""
    before = firewall(lab)
    ws = tmp_path / "udp.migready.json"
    out = rehearse(lab, inventory, ws, "checkout-u/events", "--fault", "delay=600")
    assert out.returncode == 1 and firewall(lab) == before and not chains(lab), out.stdout + out.stderr
    r = stored(ws)["rehearsal"]
    assert ["-p", "udp", "--dport", str(BROKER_PORT), "-j", "REDIRECT"] == r["rules"][2][7:13], r["rules"]
    fault = [c for c in r["calls"] if c["stage"] == "fault"]
    assert fault and all(c["status"] == 200 and 600 <= c["latency_ms"] < U_TIMEOUT_MS for c in fault), fault
    assert "(answer 200)" in r["text"] and _relayed(r)["forwarded"] >= len(fault)
    assert all(c["ok"] and c["latency_ms"] < 450 for c in r["calls"] if c["stage"] == "after")

    out = rehearse(lab, inventory, ws, "checkout-u/events", "--fault", "loss=100")
    assert out.returncode == 1 and firewall(lab) == before and not chains(lab), out.stdout + out.stderr
    r = stored(ws)["rehearsal"]
    fault = [c for c in r["calls"] if c["stage"] == "fault"]
    assert fault and all(c["status"] == 503 and c["latency_ms"] >= U_TIMEOUT_MS for c in fault), fault
    relay = _relayed(r)
    assert relay["dropped"] >= len(fault) and relay["forwarded"] == 0, relay


@contextmanager
def interrupted(lab, inventory, tmp_path, how, fault="blackhole"):
    """A 20 s rehearsal in the background, yielded once its fault is in place."""
    ws = tmp_path / f"{how}.migready.json"
    before = firewall(lab)
    proc = rehearse_in_background(lab, inventory, ws, "checkout-a/kafka", "20s", fault)
    try:
        assert wait_until(lambda: chains(lab), 30), "the fault never appeared"
        assert firewall(lab) != before
        yield proc, ws, before
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate(timeout=30)


def test_ctrl_c_removes_the_fault(lab, inventory, tmp_path):
    with interrupted(lab, inventory, tmp_path, "sigint") as (proc, ws, before):
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 4, err
        assert "the fault was removed" in err
        assert not chains(lab) and firewall(lab) == before  # removed before the client returned
        run = stored(ws)
        assert not run["complete"] and run["rehearsal"]["fault_removed"]


@pytest.mark.parametrize("fault", ["blackhole", "delay=3000"])
def test_killed_client_the_fault_is_gone_by_the_deadline(lab, inventory, tmp_path, fault):
    with interrupted(lab, inventory, tmp_path, "kill", fault) as (proc, ws, before):
        proc.kill()
        proc.wait(10)
        deadline = stored(ws)["rehearsal"]["events"]
        armed = next(e for e in deadline if e["event"] == "armed")
        assert wait_until(lambda: not chains(lab), armed["deadline_s"] + 10)
        assert firewall(lab) == before
        if fault != "blackhole":  # the item asks for a blackhole; the delay run is kept, unjudged
            assert stored(ws)["rehearsal"]["verdict"] is None
            return
        # the workspace keeps the run cut short; the review reads it for what it is
        checklist = migready_in_ops(lab, "checklist", ws, "--format", "json")
        assert checklist.returncode == 0, checklist.stderr
        item = next(i for i in json.loads(checklist.stdout)["items"] if i["id"] == "req:checkout-a:fails_fast")
        assert "the client stopped before the end" in item["evidence"] and item["state"] in ("pending", "fail")


@pytest.mark.parametrize("fault", ["blackhole", "delay=3000"])
def test_killed_client_and_agent_the_watchdog_removes_the_fault(lab, inventory, tmp_path, fault):
    """Nothing but the detached watchdog is left on the host: it still removes the chain (delay's, in nat)."""
    with interrupted(lab, inventory, tmp_path, "watchdog", fault) as (proc, ws, before):
        watchdogs = old_processes(lab, "migready-rehearsal-watchdog")
        agents = [p for p in old_processes(lab, "migready-agent") if p not in watchdogs]
        assert len(watchdogs) == 1 and agents
        for pid in agents:
            os.kill(pid, signal.SIGKILL)
        proc.kill()
        proc.wait(10)
        time.sleep(1)
        assert chains(lab), "something other than the watchdog removed the chain"
        armed = next(e for e in stored(ws)["rehearsal"]["events"] if e["event"] == "armed")
        assert wait_until(lambda: not chains(lab), armed["deadline_s"] + 10)
        assert firewall(lab) == before
        assert wait_until(lambda: not old_processes(lab, "migready-rehearsal-watchdog"), 10)


def test_dropped_ssh_connection_removes_the_fault(lab, inventory, tmp_path):
    with interrupted(lab, inventory, tmp_path, "dropped") as (proc, ws, before):
        listener = lab.sshd["old"].proc.pid
        sessions = [pid for pid in old_processes(lab, "sshd") if pid != listener]
        assert sessions
        for pid in sessions:
            os.kill(pid, signal.SIGKILL)
        _, err = proc.communicate(timeout=90)
        assert proc.returncode in (1, 4), err
        armed = next(e for e in stored(ws)["rehearsal"]["events"] if e["event"] == "armed")
        assert wait_until(lambda: not chains(lab), armed["deadline_s"] + 10)
        assert firewall(lab) == before


def test_cleanup_removes_leftover_chains_only(lab, inventory, tmp_path):
    before = firewall(lab)
    for argv in (["-N", "MIGREADY-LEFTOVER1"], ["-A", "MIGREADY-LEFTOVER1", "-d", lab.store, "-j", "DROP"],
                 ["-I", "OUTPUT", "1", "-j", "MIGREADY-LEFTOVER1"], ["-N", "OTHER-TEAM"]):
        assert lab.exec_in("old", ["iptables", *argv]).returncode == 0
    try:
        out = migready_in_ops(lab, "rehearse", inventory, "--host", host(lab), "--cleanup", *ssh_args(lab))
        assert out.returncode == 0 and "MIGREADY-LEFTOVER1" in out.stdout, out.stdout + out.stderr
        assert not chains(lab) and "OTHER-TEAM" in lab.exec_in("old", ["iptables", "-S"]).stdout
    finally:
        lab.exec_in("old", ["iptables", "-X", "OTHER-TEAM"])
    assert firewall(lab) == before


def test_refusals_send_nothing(lab, inventory, tmp_path):
    ws = tmp_path / "refused.migready.json"
    before = firewall(lab)
    other = migready_in_ops(lab, "rehearse", inventory, "--host", f"ssh://root@{lab.store}:22", "--dependency",
                            "checkout-a/kafka", "--workspace", ws, *ssh_args(lab))
    assert other.returncode == 2 and "not a staging host" in other.stderr
    stray = rehearse(lab, inventory, ws, "checkout-a/kafka", "--address", lab.scale[0])
    assert stray.returncode == 2 and f"refusing --address {lab.scale[0]}" in stray.stderr
    long = rehearse(lab, inventory, ws, "checkout-a/kafka", duration="11m")
    assert long.returncode == 2 and "at most 10 minutes" in long.stderr
    assert not ws.exists() and firewall(lab) == before


def test_gui_page_rehearses_on_the_lab(lab, inventory, tmp_path):
    """The window's Rehearsal page, run in `ops` like a person would, over real SSH to `old`."""
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "config").write_text(
        f"Host {lab.old}\n  User root\n  IdentityFile {lab.client_key}\n  IdentitiesOnly yes\n"
        f"  UserKnownHostsFile {lab.known_hosts}\n", encoding="utf-8")
    ws = tmp_path / "gui.migready.json"
    before = firewall(lab)
    out = lab.exec_in("ops", [sys.executable, str(Path(__file__).with_name("gui_rehearse_driver.py")), str(inventory),
                              str(ws), host(lab), "checkout-a/kafka"],
                      env={"HOME": str(home), "PATH": "/usr/bin:/bin",
                           "MIGREADY_ALLOWED_NETWORKS": "198.18.0.0/15,127.0.0.0/8"},
                      timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert len(result["asked"]) == 1 and f"-d {lab.store} -p tcp --dport {BROKER_PORT} -j DROP" in result["asked"][0]
    assert result["verdict"] == "hangs" and result["state"][0] == "fail" and "fault removed" in result["state"][1]
    assert result["rail"] == "attention"
    assert "applied: fault in chain MIGREADY-" in result["log"] and "reverted: fault removed" in result["log"]
    assert firewall(lab) == before and not chains(lab)
    run = stored(ws)
    assert run["rehearsal"]["verdict"] == "hangs" and run["complete"]


def test_without_net_admin_the_rehearsal_is_inconclusive(lab, inventory):
    """The agent itself, as `nobody` on the staging host: no fault, never a pass, the reason said."""
    before = firewall(lab)
    plan = prepare(load_inventory(inventory), host(lab), "checkout-a/kafka", "blackhole", "3s").plan()
    out = lab.exec_in("old", ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                              "--inh-caps=-all", "--bounding-set=-all",
                              sys.executable, "-I", "-u", "-c", BOOTSTRAP_CODE, "run"],
                      input=encode_agent_input(agent_source(), plan), timeout=60)
    lines = [json.loads(line) for line in out.stdout.decode().splitlines()]
    verdicts = [x for x in lines if x.get("event") == "inconclusive"]
    assert verdicts and verdicts[0]["reason"] == "not_root", lines
    assert not any(x.get("event") in ("armed", "applied") for x in lines)
    assert firewall(lab) == before
