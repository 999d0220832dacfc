"""`migready rehearse` without a network: the dry run, the refusals, and what a rehearsal run proves.

The fault itself is exercised on real iptables in tests/lab/test_lab_rehearse.py; here nothing is
ever sent (the inventory's staging host is a lab address that no test reaches: every case below
stops before connecting, and MIGREADY_ALLOWED_NETWORKS fences the rest).
"""
from __future__ import annotations

import copy
import io
import json

import pytest

from cliproc import migready

from migready.checks.probing import agent
from migready.checks.review.checklist import build_checklist
from migready.checks.inventory.load import load_inventory
from migready.checks.store.problems import InputError
from migready.checks.probing.rehearsal import RehearsalRefused, prepare
from migready.checks.review.rehearsal_verdict import judge_calls
from migready.checks.probing.transports import guard
from migready.checks.review.verdict import ActionError, mark, review
from migready.checks.store.workspace import Workspace

HOST = "ssh://root@127.0.0.1:9"  # a refusal that regresses connects to loopback discard, never out (see git log)
INVENTORY = """\
version: 1
migration:
  name: check-out API
  source: {site: old, staging_hosts: ["ssh://root@127.0.0.1:9"]}
  target: {site: new, staging_hosts: ["ssh://root@198.18.2.2:22"]}
services:
  - name: checkout
    owner: service-point
    health: http://127.0.0.1:8081/health
    dependencies:
      - name: kafka
        kind: middleware
        protocol: kafka
        hosts: [198.18.10.2, 198.18.10.3]
        port: 9092
        in_request_path: true
        timeout_ms: 200
      - name: cache
        kind: middleware
        protocol: redis
        host: 198.18.10.4
        port: 6379
  - name: reports
    owner: bi
    dependencies:
      - name: kafka
        kind: middleware
        protocol: kafka
        host: 198.18.10.2
        port: 9092
        in_request_path: true
"""


@pytest.fixture
def inventory(tmp_path):
    path = tmp_path / "checkout.yaml"
    path.write_text(INVENTORY, encoding="utf-8")
    return path


def test_dry_run_prints_the_exact_rules_and_the_revert(inventory, tmp_path):
    out = migready("rehearse", inventory, "--host", HOST, "--dependency", "checkout/kafka", "--dry-run",
                   "--workspace", tmp_path / "ws.json")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    chain = next(line.split()[-1] for line in lines if line.strip().startswith("iptables -N "))
    assert chain.startswith("MIGREADY-")
    assert f"  iptables -A {chain} -d 198.18.10.2 -p tcp --dport 9092 -j DROP" in lines
    assert f"  iptables -A {chain} -d 198.18.10.3 -p tcp --dport 9092 -j DROP" in lines
    assert f"  iptables -I OUTPUT 1 -j {chain}" in lines
    revert = lines[lines.index(next(x for x in lines if x.startswith("revert"))) + 1:]
    assert revert[:3] == [f"  iptables -D OUTPUT -j {chain}", f"  iptables -F {chain}", f"  iptables -X {chain}"]
    assert "fail_fast_ms 450" in out.stdout and "watchdog" in out.stdout
    assert not (tmp_path / "ws.json").exists()  # nothing sent, nothing stored

    one = migready("rehearse", inventory, "--host", HOST, "--dependency", "checkout/kafka", "--dry-run",
                   "--fault", "reject", "--address", "198.18.10.3")
    assert "-d 198.18.10.3 -p tcp --dport 9092 -j REJECT --reject-with tcp-reset" in one.stdout
    assert "198.18.10.2" not in one.stdout


@pytest.mark.parametrize("args, message", [
    (["--host", "ssh://root@198.18.3.3:22", "--dependency", "checkout/kafka"], "not a staging host of"),
    (["--host", "local://", "--dependency", "checkout/kafka"], "not a staging host of"),
    (["--host", HOST, "--dependency", "checkout/kafka", "--address", "198.18.10.9"],
     "refusing --address 198.18.10.9: not one of checkout/kafka's targets"),
    (["--host", HOST, "--dependency", "checkout/kafka", "--duration", "11m"], "at most 10 minutes"),
    (["--host", HOST, "--dependency", "checkout/kafka", "--duration", "0s"], "at least 1 s"),
    (["--host", HOST, "--dependency", "checkout/kafka", "--fault", "flood"],
     "give blackhole, reject, delay=MS or loss=PCT"),
    (["--host", HOST, "--dependency", "checkout/kafka", "--fault", "loss=500"], "a percentage above 0 and at most 100"),
    (["--host", HOST, "--dependency", "checkout/kafka", "--fault", "delay=0"], "within 1 and 600000 ms"),
    (["--host", HOST, "--dependency", "checkout/nope"], "no such dependency"),
    (["--host", HOST, "--dependency", "reports/kafka"], "services[1].health: service 'reports' declares no health"),
])
def test_refusals_exit_2_and_send_nothing(inventory, tmp_path, args, message):
    ws = tmp_path / "ws.json"
    out = migready("rehearse", inventory, *args, "--workspace", ws)
    assert out.returncode == 2 and message in out.stderr, out.stderr
    assert "Traceback" not in out.stderr and not ws.exists()


def test_the_agent_refuses_a_plan_outside_the_allowed_networks(inventory):
    req = prepare(load_inventory(inventory), HOST, "checkout/kafka", "blackhole", "5s")
    plan = req.plan()
    assert guard.outside(plan, guard.allowed_networks()) == []
    hostile = copy.deepcopy(plan)
    hostile["rehearsal"]["targets"] = ["10.1.2.3"]
    hostile["rehearsal"]["health"] = "http://192.0.2.1/health"
    assert sorted(guard.outside(hostile, guard.allowed_networks())) == ["10.1.2.3", "http://192.0.2.1/health"]
    with pytest.raises(guard.TargetNotAllowed):
        guard.enforce(hostile)


def test_fault_rules_touch_only_the_dependency_and_its_own_chain():
    rules = agent.fault_rules("MIGREADY-ABCD1234", ["198.18.10.2", "2001:db8::7"], 5002, "udp", "reject")
    assert rules == [
        ("iptables", ["-N", "MIGREADY-ABCD1234"]),
        ("iptables", ["-A", "MIGREADY-ABCD1234", "-d", "198.18.10.2", "-p", "udp", "--dport", "5002",
                      "-j", "REJECT", "--reject-with", "icmp-port-unreachable"]),
        ("ip6tables", ["-N", "MIGREADY-ABCD1234"]),
        ("ip6tables", ["-A", "MIGREADY-ABCD1234", "-d", "2001:db8::7", "-p", "udp", "--dport", "5002",
                       "-j", "REJECT", "--reject-with", "icmp6-port-unreachable"]),
        ("iptables", ["-I", "OUTPUT", "1", "-j", "MIGREADY-ABCD1234"]),
        ("ip6tables", ["-I", "OUTPUT", "1", "-j", "MIGREADY-ABCD1234"]),
    ]
    with pytest.raises(ValueError):
        agent.fault_rules("INPUT", ["198.18.10.2"], 1, "tcp", "blackhole")  # never another chain


def test_delay_and_loss_rules_redirect_only_the_dependency_to_the_relay(inventory):
    """delay/loss: nat OUTPUT, the dependency's addresses and port only, the relay's own flows let through;
    the revert removes the same chain from the nat table (the dry run shows both)."""
    rules = agent.relay_rules("MIGREADY-ABCD1234", {"198.18.10.2": 41000, "2001:db8::7": 41001}, 5002, "udp")
    assert rules == [
        ("iptables", ["-t", "nat", "-N", "MIGREADY-ABCD1234"]),
        ("iptables", ["-t", "nat", "-A", "MIGREADY-ABCD1234", "-m", "mark", "--mark", "0x4d52", "-j", "RETURN"]),
        ("iptables", ["-t", "nat", "-A", "MIGREADY-ABCD1234", "-d", "198.18.10.2", "-p", "udp", "--dport", "5002",
                      "-j", "REDIRECT", "--to-ports", "41000"]),
        ("ip6tables", ["-t", "nat", "-N", "MIGREADY-ABCD1234"]),
        ("ip6tables", ["-t", "nat", "-A", "MIGREADY-ABCD1234", "-m", "mark", "--mark", "0x4d52", "-j", "RETURN"]),
        ("ip6tables", ["-t", "nat", "-A", "MIGREADY-ABCD1234", "-d", "2001:db8::7", "-p", "udp", "--dport",
                       "5002", "-j", "REDIRECT", "--to-ports", "41001"]),
        ("iptables", ["-t", "nat", "-I", "OUTPUT", "1", "-j", "MIGREADY-ABCD1234"]),
        ("ip6tables", ["-t", "nat", "-I", "OUTPUT", "1", "-j", "MIGREADY-ABCD1234"]),
    ]
    with pytest.raises(ValueError):
        agent.relay_rules("OUTPUT", {"198.18.10.2": 1}, 1, "tcp")

    out = migready("rehearse", inventory, "--host", HOST, "--dependency", "checkout/kafka", "--dry-run",
                   "--fault", "delay=3000")
    assert out.returncode == 0, out.stderr
    chain = next(line.split()[-1] for line in out.stdout.splitlines() if "-t nat -N " in line)
    assert (f"  iptables -t nat -A {chain} -d 198.18.10.3 -p tcp --dport 9092 -j REDIRECT --to-ports <relay port>"
            in out.stdout.splitlines())
    assert f"  iptables -t nat -D OUTPUT -j {chain}" in out.stdout and "no netem needed" in out.stdout
    plan = prepare(load_inventory(inventory), HOST, "checkout/kafka", "loss=12.5", "5s").plan()["rehearsal"]
    assert (plan["fault"], plan["loss_pct"], plan["delay_ms"]) == ("loss", 12.5, None)


def test_the_wording_says_what_was_measured_once_and_in_sentences(inventory):
    """Issue 26, rehearsal wording: the agent's cut-off is not a measured hang; no doubled words; the
    agent's reason is a sentence, not its code; the mechanism of a delay is said."""
    hang = judge_calls(_rehearsal(_calls("fault", 3609, ok=False, status=None, timed_out=True)), True)
    assert hang.text.endswith("still waiting after 3609 ms (cut off)") and "slowest" not in hang.text
    slow = judge_calls(_rehearsal(_calls("fault", 1210, 1230)), True)
    assert slow.verdict == "hangs" and slow.text.endswith("slowest 1230 ms (answer 200)")
    relayed = _rehearsal(_calls("fault", 205, ok=False, status=503))
    relayed["fault"] = "delay=3000"
    relayed["events"][0].update(mechanism="relay", netem=False)
    assert judge_calls(relayed, True).text.endswith(
        "slowest 205 ms; delay=3000 injected by the agent's relay (the host has no netem)")
    refused = _rehearsal([], events=("planned", "inconclusive"))
    refused["events"][1].update(reason="not_root", detail="changing the firewall needs root or CAP_NET_ADMIN")
    assert judge_calls(refused, True).text == "changing the firewall needs root or CAP_NET_ADMIN"

    import socket
    assert agent._socket_failure(socket.timeout("timed out"))["detail"] == "connect timed out"
    assert agent._socket_failure(socket.timeout("resolving x.test timed out"), what="resolve x.test")["detail"] \
        == "resolving x.test timed out"

    from migready.checks.probing.rehearsal import describe_rules
    inv = load_inventory(inventory)
    said = describe_rules(prepare(inv, HOST, "checkout/kafka", "blackhole", "5s"))[1]
    assert "fail_fast_ms 450 ms, the largest request-path timeout_ms 200 + a 250 ms margin;" in said, said
    inv.services[0].fail_fast_ms = 300
    said = describe_rules(prepare(inv, HOST, "checkout/kafka", "blackhole", "5s"))[1]
    assert "(fail_fast_ms 300 ms, as declared;" in said and "fail_fast_ms: fail_fast_ms" not in said, said


def test_agent_rejects_a_malformed_rehearsal_plan():
    plan = {"version": 1, "mode": "rehearse", "rehearsal": {"chain": "OUTPUT"}}
    out = io.StringIO()
    assert agent.run(io.BytesIO(json.dumps(plan).encode()), out) == 2
    assert json.loads(out.getvalue())["type"] == "error"
    cleanup = {"version": 1, "mode": "rehearse-cleanup", "chain": "INPUT"}
    out = io.StringIO()
    assert agent.run(io.BytesIO(json.dumps(cleanup).encode()), out) == 2
    assert "not a migready chain name" in json.loads(out.getvalue())["detail"]


def test_budget_defaults_and_schema(inventory, tmp_path):
    inv = load_inventory(inventory)
    checkout = inv.services[0]
    assert checkout.fail_fast_budget[0] == 450  # timeout_ms 200 + 250 ms margin
    assert inv.services[1].fail_fast_budget[0] == 1000  # nothing declared
    kafka, cache = checkout.dependencies
    assert kafka.rehearse_faults == ("blackhole",) and cache.rehearse_faults == ()
    bad = tmp_path / "bad.yaml"
    bad.write_text(INVENTORY.replace("health: http://127.0.0.1:8081/health", "health: ftp://x")
                   .replace("        timeout_ms: 200\n", "        rehearse: [flood]\n"), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_inventory(bad)
    text = "\n".join(str(p) for p in err.value.problems)
    assert "services[0].health" in text and "rehearse[0]" in text


def _calls(stage, *latencies, ok=True, status=200, timed_out=False):
    return [{"stage": stage, "latency_ms": ms, "ok": ok, "status": status, "error": None, "timed_out": timed_out}
            for ms in latencies]


def _rehearsal(fault_calls, events=("planned", "armed", "applied", "reverted")):
    return {"fail_fast_ms": 450, "events": [{"event": e} for e in events],
            "calls": _calls("baseline", 3, 4) + fault_calls}


def test_judgement_of_the_calls():
    hang = judge_calls(_rehearsal(_calls("fault", 2450, 2451, ok=False, status=None, timed_out=True)), True)
    assert hang.verdict == "hangs" and hang.status == "fail" and "fail_fast_ms 450 ms" in hang.text
    fast = judge_calls(_rehearsal(_calls("fault", 205, 210, ok=False, status=503)), True)
    assert fast.verdict == "fails_fast" and fast.status == "pass"
    slow_error = judge_calls(_rehearsal(_calls("fault", 205, 900, ok=False, status=503)), True)
    assert slow_error.verdict == "hangs"  # an error that takes longer than the budget is no fast failure
    same = judge_calls(_rehearsal(_calls("fault", 3, 5)), True)
    assert same.verdict == "unaffected" and same.status == "pass"
    nothing = judge_calls(_rehearsal([], events=("planned", "inconclusive")), True)
    assert nothing.verdict == "inconclusive" and nothing.status == "inconclusive"
    cut = judge_calls(_rehearsal(_calls("fault", 205, ok=False, status=503)), False)
    assert cut.verdict == "inconclusive"  # cut short with no hang seen proves nothing
    cut_hang = judge_calls(_rehearsal(_calls("fault", 2450, ok=False, status=None, timed_out=True)), False)
    assert cut_hang.verdict == "hangs"


def _rehearsal_run(run_id, verdict, dependency="checkout/kafka", fault="blackhole"):
    status = {"hangs": "fail", "fails_fast": "pass", "inconclusive": "inconclusive"}[verdict]
    return {"id": run_id, "phase": "rehearsal", "host": HOST, "started": f"2026-01-01T00:00:0{run_id[-1]}Z",
            "finished": f"2026-01-01T00:01:0{run_id[-1]}Z", "complete": True, "error": None,
            "results": [{"id": "rehearsal", "dependency": dependency, "check": "rehearsal", "status": status,
                         "latency_ms": 2450.0}],
            "rehearsal": {"dependency": dependency, "fault": fault, "verdict": verdict,
                          "text": "slowest 2450 ms (timed out)" if verdict == "hangs" else "503 in 205 ms"}}


def test_fails_fast_item_follows_the_latest_rehearsal_and_only_a_rehearsal_clears_it(inventory, tmp_path):
    inv = load_inventory(inventory)
    ws = Workspace.new(tmp_path / "ws.json", str(inventory), inv.digest)
    item = build_checklist(inv, ws).item("req:checkout:fails_fast")
    assert item.state == "pending" and "not rehearsed yet" in item.evidence
    reports = build_checklist(inv, ws).item("req:reports:fails_fast")
    assert reports.state == "pending" and "declare the health endpoint of service 'reports'" in reports.evidence
    with pytest.raises(ActionError, match="only evidence can clear it.*migready rehearse"):
        mark(ws, build_checklist(inv, ws), "req:checkout:fails_fast", "pass", "Li Wei", "looked at the code")

    ws.record_run(_rehearsal_run("run-1", "hangs"))
    ws.save()
    verdict = review(inv, Workspace.load(ws.path)).verdict
    assert verdict.verdict == "NO-GO"
    assert any(r.startswith("blocker failed: req:checkout:fails_fast: checkout/kafka blackhole (run-1")
               and "hangs" in r and "2450 ms" in r for r in verdict.reasons), verdict.reasons
    assert any(r.startswith("blocker failed: flag:MR006:checkout/kafka") for r in verdict.reasons)

    ws = Workspace.load(ws.path)
    ws.record_run(_rehearsal_run("run-2", "fails_fast"))
    checklist = build_checklist(inv, ws)
    assert checklist.item("req:checkout:fails_fast").state == "pass"
    assert checklist.item("flag:MR006:checkout/kafka").state == "pass"
    assert checklist.item("req:reports:fails_fast").state == "pending"  # another service's dependency

    ws.record_run(_rehearsal_run("run-3", "inconclusive"))
    assert build_checklist(inv, ws).item("req:checkout:fails_fast").state == "pending"
    assert Workspace.load(ws.path).runs  # the file written above is a valid workspace


def test_every_listed_fault_must_be_rehearsed(inventory, tmp_path):
    path = tmp_path / "both.yaml"
    both = "        timeout_ms: 200\n        rehearse: [blackhole, delay]\n"
    path.write_text(INVENTORY.replace("        timeout_ms: 200\n", both), encoding="utf-8")
    inv = load_inventory(path)
    ws = Workspace.new(tmp_path / "ws.json", str(path), inv.digest)
    ws.record_run(_rehearsal_run("run-1", "fails_fast"))
    item = build_checklist(inv, ws).item("req:checkout:fails_fast")
    assert item.state == "pending" and "checkout/kafka delay: not rehearsed yet" in item.evidence
    ws.record_run(_rehearsal_run("run-2", "inconclusive", fault="delay=300"))
    assert build_checklist(inv, ws).item("req:checkout:fails_fast").state == "pending"
    ws.record_run(_rehearsal_run("run-3", "fails_fast", fault="delay=300"))
    assert build_checklist(inv, ws).item("req:checkout:fails_fast").state == "pass"


def test_rehearse_is_in_the_help():
    out = migready("rehearse", "--help")
    assert out.returncode == 0 and "--dry-run" in out.stdout and "--cleanup" in out.stdout


def test_prepare_refuses_an_unspecified_target(tmp_path):
    path = tmp_path / "any.yaml"
    path.write_text(INVENTORY.replace("hosts: [198.18.10.2, 198.18.10.3]", "host: 0.0.0.0"), encoding="utf-8")
    with pytest.raises(RehearsalRefused, match="not one peer's address"):
        prepare(load_inventory(path), HOST, "checkout/kafka", "blackhole")


def test_a_rehearsal_is_in_the_reports(inventory, tmp_path):
    inv = load_inventory(inventory)
    path = tmp_path / "ws.migready.json"
    ws = Workspace.new(path, str(inventory), inv.digest)
    run = _rehearsal_run("run-1", "hangs")
    run["rehearsal"].update(fail_fast_ms=450, worst_ms=2450.0, chain="MIGREADY-ABCD1234", fault_removed=True)
    ws.record_run(run)
    ws.save()
    out = migready("report", path, "--format", "json", "--out", tmp_path / "report.json")
    assert out.returncode == 0, out.stderr
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    text = json.dumps(report, ensure_ascii=False)
    entry = next(r for r in report_runs(report) if r["id"] == "run-1")
    assert entry["phase"] == "rehearsal"
    assert entry["rehearsal"]["verdict"] == "hangs" and entry["rehearsal"]["worst_ms"] == 2450.0
    assert "req:checkout:fails_fast" in text and "NO-GO" in text
    assert migready("report", path, "--format", "md", "--out", tmp_path / "report.md").returncode == 0
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "req:checkout:fails_fast" in md and "| rehearsal |" in md


def report_runs(report: dict) -> list[dict]:
    """The runs table of a JSON report, wherever the report model keeps it."""
    if isinstance(report.get("runs"), list):
        return report["runs"]
    for value in report.values():
        if isinstance(value, dict) and isinstance(value.get("runs"), list):
            return value["runs"]
    raise AssertionError(f"no runs in the report: {sorted(report)}")


@pytest.fixture
def loopback_listener():
    """A TCP listener on 127.0.0.1 that answers each connection with `answer` (None: stays silent)."""
    import socket
    import threading
    servers = []

    def start(answer):
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        held = []

        def serve():
            while True:
                try:
                    conn, _ = server.accept()
                except OSError:
                    return
                if answer is None:
                    held.append(conn)
                else:
                    if answer.startswith(b"HTTP"):
                        conn.recv(4096)  # the request
                    conn.sendall(answer)
                    conn.close()
        threading.Thread(target=serve, daemon=True).start()
        servers.append((server, held))
        return server.getsockname()[1]
    yield start
    for server, held in servers:
        server.close()
        for conn in held:
            conn.close()


def test_health_calls_report_answers_errors_and_timeouts(loopback_listener):
    banner = loopback_listener(b"READY\n")
    assert agent.health_call(f"tcp://127.0.0.1:{banner}", 2.0)["ok"]
    silent = loopback_listener(None)
    hung = agent.health_call(f"tcp://127.0.0.1:{silent}", 0.3)
    assert not hung["ok"] and hung["timed_out"] and hung["latency_ms"] >= 300
    degraded = loopback_listener(b"HTTP/1.0 503 Service Unavailable\r\nContent-Length: 9\r\n\r\ndegraded\n")
    call = agent.health_call(f"http://127.0.0.1:{degraded}/health", 2.0)
    assert call["status"] == 503 and not call["ok"] and not call["timed_out"]
    stuck = agent.health_call(f"http://127.0.0.1:{silent}/health", 0.3)
    assert stuck["timed_out"] and stuck["status"] is None
