"""One judgement, told once (issue 22): generated scenarios of injected faults, read by every view.

Each scenario injects a set of faults into the agent's answers for a small estate (a scale that
checks its source port, an internal API reached by name, a till that calls back in, two printers
of the same name in two services) and runs them through the real path a probe run takes: the plan
(`build_plan`), the stored result with its status for the dependency (`result_record`), the review,
the report and the command line.  Then, for every root cause:

- its status agrees with each of its evidence lines: a FAILED headline never stands on evidence
  that is all "pre pass → post pass", and the stored probe results say fail too;
- its headline names the problem with the observed value, not the requirement it breaks;
- one injected fault gives exactly one root cause;
- the window's grouping, every report and `migready verdict` count the same.
"""
from __future__ import annotations

import contextlib
import io
import re

from hypothesis import HealthCheck, given, settings, strategies as st

from migready.checks.cli import main as cli_main
from migready.checks.inventory.load import load_inventory
from migready.checks.inventory.zones import ZoneMap
from migready.checks.probing.plans import build_plan
from migready.checks.probing.run import result_record
from migready.checks.report import build_report
from migready.checks.review import root_causes
from migready.checks.review.verdict import NO_GO, review
from migready.checks.store.workspace import Workspace

INVENTORY = """\
version: 1
migration:
  name: scenarios
  source: {site: old-dc, staging_hosts: ["local://"]}
  target: {site: new-dc, egress_nat: true, nat_gateways: [198.18.2.254], staging_hosts: ["local://"]}
zones:
  - {name: idc, kind: internal, cidrs: [198.18.20.0/24], domains: [.corp.example]}
  - {name: internet, kind: external, cidrs: [198.18.30.0/24]}
  - name: stores
    kind: store
    cidrs: [198.18.10.0/24]
    reflectors: [{host: 198.18.10.5, port: 3478, protocols: [udp, tcp]}]
services:
  - name: shop-a
    owner: a
    dependencies:
      - {name: scale, kind: device, device_type: scale, protocol: udp, host: 198.18.10.21, port: 5002,
         zone: stores, source_port: 9010, requires: [reachable, source_port_preserved]}
      - {name: pay-api, kind: service, protocol: https, host: pay.corp.example, port: 443, zone: idc,
         requires: [reachable, private_dns, internal_route]}
      - {name: till, kind: device, device_type: pos, protocol: tcp, host: 198.18.10.40, port: 27777,
         direction: inbound, zone: stores}
      - {name: printer, kind: device, device_type: printer, protocol: tcp, host: 198.18.10.22, port: 9100,
         zone: stores, requires: [reachable]}
  - name: shop-b
    owner: b
    dependencies:
      - {name: printer, kind: device, device_type: printer, protocol: tcp, host: 198.18.10.23, port: 9100,
         zone: stores, requires: [reachable]}
"""
INTERNAL_ANSWER, EXTERNAL_ANSWER, NAT_GATEWAY = "198.18.20.7", "198.18.30.7", "198.18.2.254"

# fault -> (the dependency it breaks or "baseline", what its headline must name)
FAULTS = {
    "port_rewritten": ("shop-a/scale", "9010"),
    "egress": ("shop-a/pay-api", EXTERNAL_ANSWER),
    "callback_refused": ("shop-a/till", "refused"),
    "printer_a_down": ("shop-a/printer", "shop-a/printer"),  # two services call it "printer"
    "baseline_b_down": ("baseline", "1 of"),
}


def agent_line(probe: dict, phase: str, faults: frozenset[str]) -> dict:
    """What the agent would answer for `probe` in this scenario (the facts; judging is the core's)."""
    check, meta = probe["check"], probe["meta"]
    dep, post = meta.get("dependency"), phase == "post"
    line = {"id": probe["id"], "check": check, "meta": meta, "status": "pass", "reason": "ok", "detail": "",
            "latency_ms": 2.0, "started": "2030-01-01T00:00:00Z", "data": {}}
    site_gateway = "198.18.2.1" if post else "198.18.1.1"
    if check == "host_facts":
        line["data"] = {"hostname": f"{phase}-host"}
    elif check == "dns":
        moved = post and "egress" in faults
        line["data"] = {"answers": [{"ip": EXTERNAL_ANSWER if moved else INTERNAL_ANSWER, "class": "private"}]}
        line["detail"] = EXTERNAL_ANSWER if moved else INTERNAL_ANSWER
    elif check == "route":
        moved = post and "egress" in faults and dep == "shop-a/pay-api"
        ip = (EXTERNAL_ANSWER if moved else INTERNAL_ANSWER) if dep == "shop-a/pay-api" else meta["target"]
        line["data"] = {"ip": ip, "dev": "eth0", "gateway": NAT_GATEWAY if moved else site_gateway,
                        "src": "198.18.2.2" if post else "198.18.1.2"}
    elif check == "reflect":
        rewritten = post and "port_rewritten" in faults
        local = {"ip": "198.18.2.2", "port": 9010}
        line["data"] = {"local": local, "observed": {"ip": local["ip"], "port": 41733 if rewritten else 9010},
                        "proto": "udp", "nat": False, "port_preserved": not rewritten}
    elif check == "udp_exchange" and post and "port_rewritten" in faults:
        line.update(status="fail", reason="rejected", detail="ERR 266 source port 41733 != SDK port 9010",
                    latency_ms=None)
    elif check == "callback" and post and "callback_refused" in faults:
        line.update(status="fail", reason="refused", detail="the peer's call back was refused", latency_ms=None)
    elif check == "tcp_connect" and ((post and "printer_a_down" in faults and dep == "shop-a/printer") or
                                     (not post and "baseline_b_down" in faults and dep == "shop-b/printer")):
        line.update(status="fail", reason="refused", detail="connection refused", latency_ms=None)
    return line


def scenario(tmp_path, faults: frozenset[str]):
    path = tmp_path / "inventory.yaml"
    path.write_text(INVENTORY, encoding="utf-8")
    inventory = load_inventory(path)
    ws = Workspace.new(tmp_path / "review.migready.json", str(path), inventory.digest)
    zones = ZoneMap.of(inventory)
    for n, phase in enumerate(("pre", "post")):
        plan = build_plan(inventory, "local://", phase)
        results = [result_record(agent_line(p, phase, faults), zones, phase) for p in plan.probes]
        ws.record_run({"id": f"run-{phase}", "phase": phase, "host": "local://", "started": f"2030-01-0{n + 1}T00:00:00Z",
                       "finished": f"2030-01-0{n + 1}T00:01:00Z", "complete": True, "error": None,
                       "inventory_digest": inventory.digest, "planned": len(results), "agent_version": "1",
                       "results": results})
    ws.save()
    return inventory, ws


def cli(*args) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = cli_main([str(a) for a in args])
    return code, out.getvalue()


FAULT_SETS = st.frozensets(st.sampled_from(sorted(FAULTS)))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(faults=FAULT_SETS)
def test_every_view_tells_the_same_judgement(tmp_path_factory, faults):
    tmp_path = tmp_path_factory.mktemp("scenario")
    inventory, ws = scenario(tmp_path, faults)
    result = review(inventory, ws)
    causes = root_causes.from_review(inventory, result)
    failed = [c for c in causes if c.state == "fail"]

    # one injected fault, one root cause, on the dependency it broke
    assert len(failed) == len(faults), [c.headline for c in failed]
    for fault in faults:
        where, value = FAULTS[fault]
        [cause] = [c for c in failed if (c.dependency == where if where != "baseline" else c.key == "baseline")]
        assert value in cause.headline, (fault, cause.headline)

    post = {r["dependency"]: r for r in ws.runs[-1]["results"] if r["status"] == "fail"}
    for cause in failed:
        # the headline names the problem, not the requirement it breaks
        assert " fails at " not in cause.headline and "fails fast when" not in cause.headline
        # its evidence agrees with it: never all "pass → pass", and the probe results say fail too
        assert not [line for line in cause.evidence if re.search(r"pre pass → post pass\b", str(line))], cause.evidence
        if cause.dependency:
            assert cause.dependency in post, f"probe shows PASS under a failing root cause: {cause.headline}"
        assert cause.cleared_by and "DEP" not in cause.cleared_by and cause.cleared_by != \
            "post-migration probe evidence"

    # every view counts the same: the window's grouping, the report (every format reads it), the CLI
    report = build_report(inventory, ws)
    assert root_causes.tally(root_causes.from_report(report)) == root_causes.tally(causes)
    code, printed = cli("verdict", ws.path)
    assert printed.startswith(f"{NO_GO}: {root_causes.tally_text(causes)}")
    assert sum(1 for line in printed.splitlines() if re.match(r"\d+\. \[", line)) == len(causes)
    code, listed = cli("checklist", ws.path)
    assert listed.splitlines()[-1] == f"behind them: {root_causes.tally_text(causes)} (migready verdict)"
    # compare never calls a pair a regression while both sides pass
    code, compared = cli("compare", ws.path)
    assert not [line for line in compared.splitlines() if "REGRESSION" in line and "pass → pass" in line]


def test_the_egress_root_cause_names_the_address_the_zone_and_the_nat(tmp_path):
    """Incident 2: the internal name answers into the declared external zone after the move."""
    inventory, ws = scenario(tmp_path, frozenset({"egress"}))
    [cause] = [c for c in root_causes.from_review(inventory, review(inventory, ws)) if c.state == "fail"]
    assert cause.headline.startswith("pay-api: ")
    assert EXTERNAL_ANSWER in cause.headline and "internet" in cause.headline and "new-dc" in cause.headline
    assert "incident 2" in cause.rule
    assert "resolve into an internal zone" in cause.cleared_by or "route the traffic inside" in cause.cleared_by
    lines = "\n".join(map(str, cause.evidence))
    assert "dns pay.corp.example: pre pass → post fail" in lines


def test_a_broken_baseline_is_its_own_root_cause(tmp_path):
    inventory, ws = scenario(tmp_path, frozenset({"baseline_b_down"}))
    result = review(inventory, ws)
    baseline = result.checklist.item("baseline.pre")
    assert baseline.state == "fail" and baseline.blocker
    assert str(baseline.evidence).startswith("baseline broken: 1 of 4 targets unreachable from the source site")
    assert result.checklist.item("run.pre").state == "pass"  # the run is complete; its baseline is not
    [cause] = [c for c in root_causes.from_review(inventory, result) if c.state == "fail"]
    assert cause.key == "baseline" and "shop-b/printer" in cause.headline
    assert result.verdict.verdict == NO_GO


def test_before_any_run_the_verdict_says_not_probed_yet(tmp_path):
    path = tmp_path / "inventory.yaml"
    path.write_text(INVENTORY, encoding="utf-8")
    inventory = load_inventory(path)
    ws = Workspace.new(tmp_path / "review.migready.json", str(path), inventory.digest)
    causes = root_causes.from_review(inventory, review(inventory, ws))
    assert [c.state for c in causes] == ["pending", "pending"]  # not probed yet, and the manual steps
    assert causes[0].headline.startswith("not probed yet: ")
    assert "migready probe --phase pre" in causes[0].cleared_by
    assert root_causes.tally(root_causes.from_report(build_report(inventory, ws)))["root_causes"] == 2


REHEARSED = """\
version: 1
migration:
  name: check-out API
  source: {site: old, staging_hosts: ["ssh://root@198.18.1.2:22"]}
  target: {site: new, staging_hosts: ["ssh://root@198.18.2.2:22"]}
services:
  - name: checkout
    owner: service-point
    health: http://127.0.0.1:8081/health
    dependencies:
      - {name: kafka, kind: middleware, protocol: kafka, host: 198.18.10.2, port: 9092, in_request_path: true,
         timeout_ms: 200}
      - {name: redis, kind: middleware, protocol: redis, host: 198.18.10.4, port: 6379, in_request_path: true,
         timeout_ms: 200}
"""


def test_a_hanging_dependency_is_one_root_cause_that_says_it_hangs(tmp_path):
    """Incident 3: the rehearsal's fails_fast and every MR006 flag of the service are one fault, and the
    headline says what happened (it hangs), not the requirement ('the request path fails fast')."""
    path = tmp_path / "checkout.yaml"
    path.write_text(REHEARSED, encoding="utf-8")
    inventory = load_inventory(path)
    ws = Workspace.new(tmp_path / "ws.json", str(path), inventory.digest)
    ws.record_run({"id": "run-1", "phase": "rehearsal", "host": "ssh://root@198.18.1.2:22",
                   "started": "2030-01-01T00:00:00Z", "finished": "2030-01-01T00:01:00Z", "complete": True,
                   "error": None, "results": [{"id": "rehearsal", "dependency": "checkout/kafka", "check": "rehearsal",
                                               "status": "fail", "latency_ms": 2450.0}],
                   "rehearsal": {"dependency": "checkout/kafka", "fault": "blackhole", "verdict": "hangs",
                                 "text": "still waiting after 600 ms (cut off)"}})
    result = review(inventory, ws)
    assert result.checklist.item("flag:MR006:checkout/kafka").state == "fail"
    causes = root_causes.from_review(inventory, result)
    failed = [c for c in causes if c.state == "fail"]
    assert len(failed) == 1, [c.headline for c in failed]
    [cause] = failed
    assert cause.headline.startswith("checkout: the request path does not fail fast when a dependency is down")
    assert "checkout/kafka" in cause.headline and "fails fast when a dependency" not in cause.headline.split(":")[1]
    assert "incident 3" in cause.rule and "DEP" not in cause.cleared_by
    assert "migready rehearse --dependency checkout/kafka" in cause.cleared_by


def test_results_items_and_findings_speak_one_status(tmp_path):
    """Issue 22: one Status from the stored result to the finding, so a view compares with members,
    never with a spelling of its own; the ids in files and JSON stay the same strings."""
    from migready.checks.review.findings import findings_from
    from migready.checks.review.entries import item_entry
    from migready.checks.store.records import Status
    inventory, ws = scenario(tmp_path, frozenset({"egress"}))
    result = review(inventory, ws)
    assert all(isinstance(r.status, Status) for run in ws.run_records() for r in run.results)
    assert all(isinstance(i.state, Status) and isinstance(i.base_state, Status) for i in result.checklist.items)
    failed = [i for i in result.checklist.items if i.state is Status.FAIL and i.blocker]
    assert failed and {f.status for f in findings_from([item_entry(i) for i in failed], [], {})} == {Status.FAIL}
    assert item_entry(failed[0])["state"] == "fail"  # the JSON id, as before
