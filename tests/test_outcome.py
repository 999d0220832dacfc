"""A result's status is good/bad for its dependency; requirements are still judged from the facts."""
from __future__ import annotations

from migready.checks.review.evidence import judge
from migready.checks.inventory.load import load_inventory
from migready.checks.probing.run import result_record
from migready.checks.probing.plans import build_plan

DEMO = "inventories/demo.yaml"


def _agent_line(probe: dict, status: str, reason: str, detail: str, data: dict, latency=1.0) -> dict:
    """What the agent writes for `probe` (it echoes `meta` verbatim)."""
    return {"type": "result", "id": probe["id"], "check": probe["check"], "meta": probe["meta"],
            "status": status, "reason": reason, "detail": detail, "latency_ms": latency, "data": data}


def _plan(phase="post"):
    inventory = load_inventory(DEMO)
    return inventory, build_plan(inventory, "local://", phase)


def _reflect_line(probe, port_preserved: bool, nat: bool = False):
    local = {"ip": "127.0.0.1", "port": 9010}
    observed = {"ip": "127.0.3.1" if nat else "127.0.0.1", "port": 9010 if port_preserved else 38014}
    data = {"local": local, "observed": observed, "proto": "udp", "nat": nat, "port_preserved": port_preserved}
    return _agent_line(probe, "pass", "reflected", "local 127.0.0.1:9010 observed as 127.0.0.1:38014 "
                       "(no NAT, port rewritten)", data)


def test_reflect_with_rewritten_port_fails_a_source_port_dependency():
    inventory, plan = _plan()
    [probe] = [p for p in plan.probes if p["check"] == "reflect" and "scale" in p["meta"]["dependency"]]
    assert "source_port_preserved" in probe["meta"]["proves"]
    record = result_record(_reflect_line(probe, port_preserved=False))
    assert (record["status"], record["reason"]) == ("fail", "port_rewritten")
    assert record["probe_status"] == "pass" and "port rewritten" in record["detail"]  # the raw observation
    # the requirement it proves fails with the ports named; the one it does not touch is not failed by it
    dep = next(d for d in inventory.dependencies() if d.ref == probe["meta"]["dependency"])
    run = {"results": [record]}
    assert judge("source_port_preserved", dep, run).state == "fail"
    assert "9010 → 38014" in judge("source_port_preserved", dep, run).text
    assert judge("no_nat", dep, run).state == "pass"


def test_reflect_with_preserved_port_passes():
    _, plan = _plan("pre")
    [probe] = [p for p in plan.probes if p["check"] == "reflect" and "scale" in p["meta"]["dependency"]]
    assert result_record(_reflect_line(probe, port_preserved=True))["status"] == "pass"


def test_connect_slower_than_the_budget_fails_but_stays_reachable():
    inventory, plan = _plan()
    dep = next(d for d in inventory.dependencies() if d.timeout_ms)
    [probe] = [p for p in plan.probes if p["meta"]["dependency"] == dep.ref
               and p["check"] in ("tcp_connect", "udp_exchange", "http")][:1]
    slow = result_record(_agent_line(probe, "pass", "connected", "connected", {}, latency=dep.timeout_ms + 50))
    assert (slow["status"], slow["reason"]) == ("fail", "over_budget")
    assert judge("reachable", dep, {"results": [slow]}).state == "pass"
    fast = result_record(_agent_line(probe, "pass", "connected", "connected", {}, latency=1.0))
    assert fast["status"] == "pass"


def test_an_agent_failure_stays_a_failure():
    _, plan = _plan()
    probe = next(p for p in plan.probes if p["check"] == "reflect")
    record = result_record(_agent_line(probe, "fail", "timeout", "no answer", {}))
    assert (record["status"], record["reason"], record["probe_status"]) == ("fail", "timeout", "fail")
