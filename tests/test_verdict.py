"""checks/review/verdict.py over checks/review/checklist.py and checks/review/evidence.py: the go/no-go table.

The inventory is incident 1 in miniature: a scale on UDP 5002 that checks the source
port 9010 (requires reachable, source_port_preserved, no_nat; a reflector in its zone)
and a label printer on raw TCP 9100 (requires reachable), moving to a site that NATs
its egress.  Runs are written the way `checks/probing/run.py` stores them
(`result_record`, `_new_run`), with timestamps relative to now because marks carry
the real time they were made and are compared with the runs' `finished`.
"""
from __future__ import annotations

import datetime as dt

import pytest

from migready.checks.review.checklist import build_checklist
from migready.checks.inventory.load import load_inventory
from migready.checks.review.verdict import (GO, GO_WITH_WAIVERS, NO_GO, ActionError, decide, mark, review, waive)
from migready.checks.store.workspace import Workspace

SCALE, PRINTER = "scale-adapter/scale", "scale-adapter/printer"
SCALE_IP, PRINTER_IP, REFLECTOR = "10.128.4.21", "10.128.4.22", "10.128.0.10:3478"
TODAY = dt.date.today()
UNTIL = (TODAY + dt.timedelta(days=14)).isoformat()
REWRITTEN = "source port 9010 → 41733 (rewritten by NAT)"

INVENTORY = """\
version: 1
migration:
  name: scale adapter to new IDC
  source: {site: old-idc, staging_hosts: ["ssh://ops@10.20.1.15:22"]}
  target: {site: new-idc, egress_nat: true, network_mode: Calico natOutgoing, staging_hosts: ["local://"]}
zones:
  - name: store-lan
    kind: store
    cidrs: [10.128.0.0/12]
    reflectors: [{host: 10.128.0.10, port: 3478, protocols: [udp, tcp]}]
services:
  - name: scale-adapter
    owner: store-devices
    criticality: critical
    dependencies:
      - name: scale
        kind: device
        device_type: scale
        vendor: TopScale
        protocol: udp
        host: 10.128.4.21
        port: 5002
        zone: store-lan
        source_port: 9010
        requires: [reachable, source_port_preserved, no_nat]
      - name: printer
        kind: device
        device_type: printer
        protocol: tcp
        host: 10.128.4.22
        port: 9100
        zone: store-lan
        requires: [reachable]
checklist:
  - id: ops.wiki-updated
    phase: post-migration
    title: Store wiki updated with the new adapter address
    blocker: false
"""

# The manual blocker items the template gives this inventory (devices, a fixed source port;
# no middleware, nothing inbound).
MANUAL_BLOCKERS = {"prepare.vendor-nat", "prepare.store-ops-informed", "prepare.rollback-plan",
                   "pre.rollback-rehearsed", "pre.device-alarm", "cutover.registered-nodes",
                   "post.device-success-rate"}


# ------------------------------------------------------------------ factories


def stamp(minutes: float) -> str:
    """A workspace timestamp `minutes` from now (negative: in the past)."""
    moment = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=minutes)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def result(check, dependency, target, proves, status="pass", reason=None, detail="", latency_ms=1.0, data=None,
           **top):
    r = {"id": f"p-{check}-{target}", "dependency": dependency, "target": target, "check": check,
         "proves": list(proves), "status": status,
         "reason": reason or {"pass": "connected", "fail": "refused", "inconclusive": "silent"}[status],
         "detail": detail, "latency_ms": latency_ms, "started": stamp(-200), "data": data or {}}
    r.update(top)
    return r


def reflect(port_preserved=True, nat=False, status="pass", observed_port=41733, latency_ms=0.3):
    """The scale's reflect probe: what the reflector saw of a packet sent from port 9010."""
    if status != "pass":
        return result("reflect", SCALE, REFLECTOR, ["source_port_preserved", "no_nat"], status,
                      detail="no answer from 10.128.0.10:3478 within 3000 ms", latency_ms=None,
                      local=None, observed=None, nat=None, port_preserved=None)
    local = {"ip": "198.18.2.2", "port": 9010}
    observed = {"ip": "198.18.10.1" if nat else "198.18.2.2", "port": 9010 if port_preserved else observed_port}
    data = {"local": local, "observed": observed, "proto": "udp", "nat": nat, "port_preserved": port_preserved}
    return result("reflect", SCALE, REFLECTOR, ["source_port_preserved", "no_nat"], reason="reflected",
                  latency_ms=latency_ms, data=data, local=local, observed=observed, nat=nat,
                  port_preserved=port_preserved)


def udp(status="pass", target=SCALE_IP):
    return result("udp_exchange", SCALE, target, ["reachable", "within_timeout"], status,
                  reason={"pass": "answered", "fail": "rejected", "inconclusive": "silent"}[status],
                  detail={"pass": "OK", "fail": "ERR 266 source port mismatch",
                          "inconclusive": "no answer within 3000 ms"}[status],
                  latency_ms=2.0 if status == "pass" else None)


def tcp(status="pass"):
    return result("tcp_connect", PRINTER, PRINTER_IP, ["reachable", "within_timeout"], status,
                  detail="" if status == "pass" else "connection refused",
                  latency_ms=1.5 if status == "pass" else None)


def host_facts(hostname):
    return result("host_facts", None, None, ["host_facts"], reason="facts", latency_ms=None,
                  data={"hostname": hostname, "in_container": hostname == "new-pod"})


def run(phase, *results, id=None, minutes=-120, complete=True):
    return {"id": id or f"run-{phase}", "phase": phase, "host": "local://" if phase == "post" else "ssh://old",
            "started": stamp(minutes), "finished": stamp(minutes + 2), "complete": complete, "error": None,
            "inventory_digest": "", "planned": len(results), "agent_version": "1", "results": list(results)}


def pre_run():
    return run("pre", host_facts("old-vm"), udp(), reflect(), tcp(), id="run-1", minutes=-180)


def post_run(scale_reflect=None, scale_udp=None, printer=None, id="run-2", minutes=-120, complete=True):
    return run("post", host_facts("new-pod"), scale_udp or udp(), scale_reflect or reflect(), printer or tcp(),
               id=id, minutes=minutes, complete=complete)


@pytest.fixture
def inventory(tmp_path):
    path = tmp_path / "inventory.yaml"
    path.write_text(INVENTORY, encoding="utf-8")
    return load_inventory(path)


@pytest.fixture
def new_ws(tmp_path, inventory):
    def make(*runs):
        ws = Workspace.new(tmp_path / "review.migready.json", str(inventory.path), inventory.digest)
        for run in runs:
            ws.record_run(run)
        return ws
    return make


def checklist(inventory, ws, today=TODAY):
    return build_checklist(inventory, ws, today)


def verdict(inventory, ws, today=TODAY):
    return review(inventory, ws, today=today).verdict


def mark_manual(inventory, ws, state="pass"):
    """Everything a person confirms by hand, confirmed (the blocker template items)."""
    cl = checklist(inventory, ws)
    for item_id in MANUAL_BLOCKERS:
        mark(ws, cl, item_id, state, "Li Wei", "done in the rehearsal")


def blocking_ids(v) -> set[str]:
    return {r.split(": ")[1] for r in v.reasons if r.startswith("blocker ")}


# ------------------------------------------------------------------ the checklist this inventory gets


def test_checklist_items_for_the_inventory(inventory, new_ws):
    cl = checklist(inventory, new_ws())
    ids = {i.id for i in cl.items}
    assert {f"req:{SCALE}:reachable", f"req:{SCALE}:source_port_preserved", f"req:{SCALE}:no_nat",
            f"req:{PRINTER}:reachable"} <= ids
    assert {f"flag:MR002:{SCALE}", f"flag:MR003:{SCALE}", f"flag:MR001:{SCALE}", f"flag:MR001:{PRINTER}"} <= ids
    assert {"run.pre", "run.post", "ops.wiki-updated"} | MANUAL_BLOCKERS <= ids
    assert "pre.degraded-rehearsal" not in ids and "cutover.callbacks" not in ids  # no middleware, no inbound
    assert {i.id for i in cl.items if i.source in ("template", "inventory") and i.blocker} == MANUAL_BLOCKERS
    assert not cl.item("ops.wiki-updated").blocker


# ------------------------------------------------------------------ (a) - (c): pending, manual, GO


def test_a_no_runs_is_no_go_with_pending_blockers(inventory, new_ws):
    v = verdict(inventory, new_ws())
    assert v.verdict == NO_GO and v.exit_code == 1
    assert "blocker pending: run.pre: no run yet" in v.reasons
    assert "blocker pending: run.post: no run yet" in v.reasons
    assert f"blocker pending: req:{SCALE}:source_port_preserved: no post-migration probe run yet" in v.reasons
    assert f"blocker pending: req:{PRINTER}:reachable: no post-migration probe run yet" in v.reasons
    assert all(r.startswith("blocker pending: ") for r in v.reasons)
    assert v.counts["pass"] == 0 and v.counts["regressions"] == 0


def test_b_evidence_passes_but_manual_items_unmarked_is_no_go_naming_them(inventory, new_ws):
    ws = new_ws(pre_run(), post_run())
    v = verdict(inventory, ws)
    assert v.verdict == NO_GO
    assert blocking_ids(v) == MANUAL_BLOCKERS  # nothing else blocks: every probe-backed item passed
    cl = checklist(inventory, ws)
    for item_id in MANUAL_BLOCKERS:
        assert f"blocker pending: {item_id}: {cl.item(item_id).title} (not marked yet)" in v.reasons
    assert not any("ops.wiki-updated" in r for r in v.reasons)  # not a blocker
    assert v.counts["regressions"] == 0


def test_c_everything_passes_and_manual_items_marked_is_go(inventory, new_ws):
    ws = new_ws(pre_run(), post_run())
    mark_manual(inventory, ws)
    result = review(inventory, ws, today=TODAY)
    v = result.verdict
    blockers = sum(1 for i in result.checklist.items if i.blocker)
    assert (v.verdict, v.exit_code) == (GO, 0)
    assert v.reasons == [f"all {blockers} blocker items pass; no regression"]
    assert v.warnings == []
    assert all(i.state == "pass" for i in result.checklist.items if i.blocker)
    # decide() on the same inputs gives the same verdict
    again = decide(inventory, result.inputs, result.checklist, result.comparison, TODAY)
    assert again.to_dict() == v.to_dict()


def test_marking_manual_items_na_also_clears_them(inventory, new_ws):
    ws = new_ws(pre_run(), post_run())
    mark_manual(inventory, ws, state="na")
    assert verdict(inventory, ws).verdict == GO


def test_a_manual_fail_blocks(inventory, new_ws):
    ws = new_ws(pre_run(), post_run())
    mark_manual(inventory, ws)
    mark(ws, checklist(inventory, ws), "pre.rollback-rehearsed", "fail", "Li Wei", "rollback took 40 min")
    v = verdict(inventory, ws)
    assert v.verdict == NO_GO
    assert v.reasons == ["blocker failed: pre.rollback-rehearsed: marked fail by Li Wei: rollback took 40 min"]


# ------------------------------------------------------------------ (d) the port rewrite


def test_d_port_rewritten_is_no_go_with_the_port_and_the_regression(inventory, new_ws):
    ws = new_ws(pre_run(), post_run(reflect(port_preserved=False)))
    mark_manual(inventory, ws)
    v = verdict(inventory, ws)
    assert v.verdict == NO_GO and v.exit_code == 1
    assert f"blocker failed: req:{SCALE}:source_port_preserved: {REWRITTEN}" in v.reasons
    assert f"regression: {SCALE} reflect {REFLECTOR}: {REWRITTEN}" in v.reasons
    assert any(r.startswith(f"blocker failed: flag:MR002:{SCALE}: ") and REWRITTEN in r for r in v.reasons)
    assert all(SCALE in r for r in v.reasons)  # the printer and the rest are fine
    assert v.counts["regressions"] == 1


def test_d_port_rewritten_shows_the_port_nat_chose(inventory, new_ws):
    ws = new_ws(pre_run(), post_run(reflect(port_preserved=False, observed_port=1024)))
    v = verdict(inventory, ws)
    assert any("source port 9010 → 1024 (rewritten by NAT)" in r and r.startswith("regression: ") for r in v.reasons)


def test_d_address_translated_fails_no_nat(inventory, new_ws):
    ws = new_ws(pre_run(), post_run(reflect(port_preserved=False, nat=True)))
    mark_manual(inventory, ws)
    v = verdict(inventory, ws)
    assert v.verdict == NO_GO
    assert (f"blocker failed: req:{SCALE}:no_nat: source address 198.18.2.2 → 198.18.10.1 (translated by NAT)"
            in v.reasons)
    assert any(r.startswith("regression: ") and "(translated by NAT)" in r for r in v.reasons)


def test_port_rewritten_without_a_baseline_still_blocks(inventory, new_ws):
    ws = new_ws(post_run(reflect(port_preserved=False)))
    v = verdict(inventory, ws)
    assert "blocker pending: run.pre: no run yet" in v.reasons
    assert f"regression: {SCALE} reflect {REFLECTOR}: {REWRITTEN}" in v.reasons


def test_status_regression_names_both_statuses(inventory, new_ws):
    ws = new_ws(pre_run(), post_run(printer=tcp("fail")))
    mark_manual(inventory, ws)
    v = verdict(inventory, ws)
    assert v.verdict == NO_GO
    assert f"regression: {PRINTER} tcp_connect {PRINTER_IP}: pass → fail (connection refused)" in v.reasons
    assert f"blocker failed: req:{PRINTER}:reachable: {PRINTER_IP}: connection refused" in v.reasons


# ------------------------------------------------------------------ (e) waivers


def rewritten_ws(inventory, new_ws, **reflect_kw):
    ws = new_ws(pre_run(), post_run(reflect(port_preserved=False, **reflect_kw)))
    mark_manual(inventory, ws)
    return ws


def test_e_dependency_waiver_gives_go_with_waivers(inventory, new_ws):
    ws = rewritten_ws(inventory, new_ws)
    w = waive(ws, checklist(inventory, ws), SCALE, "Zhang Min (migration lead)",
              "TopScale confirmed firmware 3.2 accepts any source port", UNTIL, today=TODAY)
    assert w["scope"] == "dependency" and w["dependency"] == SCALE and w["id"] == "W1"
    v = verdict(inventory, ws)
    assert (v.verdict, v.exit_code) == (GO_WITH_WAIVERS, 3)
    assert v.reasons and all("Zhang Min (migration lead)" in r and UNTIL in r
                             and "TopScale confirmed firmware 3.2 accepts any source port" in r for r in v.reasons)
    assert any(r.startswith(f"waived: req:{SCALE}:source_port_preserved (fail: {REWRITTEN})") for r in v.reasons)
    assert any(r.startswith(f"waived regression: {SCALE} reflect {REFLECTOR}: {REWRITTEN}") for r in v.reasons)
    assert v.warnings == []


def test_e_dependency_waiver_does_not_cover_another_dependency(inventory, new_ws):
    ws = new_ws(pre_run(), post_run(reflect(port_preserved=False), printer=tcp("fail")))
    mark_manual(inventory, ws)
    waive(ws, checklist(inventory, ws), SCALE, "Zhang Min", "vendor confirmed", UNTIL, today=TODAY)
    v = verdict(inventory, ws)
    assert v.verdict == NO_GO
    assert blocking_ids(v) == {f"req:{PRINTER}:reachable", f"flag:MR001:{PRINTER}"}
    assert f"regression: {PRINTER} tcp_connect {PRINTER_IP}: pass → fail (connection refused)" in v.reasons


def test_e_item_waiver_on_the_failing_requirement_gives_go_with_waivers(inventory, new_ws):
    ws = rewritten_ws(inventory, new_ws)
    item = f"req:{SCALE}:source_port_preserved"
    w = waive(ws, checklist(inventory, ws), item, "Zhang Min", "vendor confirmed any source port is accepted",
              UNTIL, today=TODAY)
    assert w["scope"] == "item" and w["evidence"]["state"] == "fail" and w["evidence"]["text"] == REWRITTEN
    v = verdict(inventory, ws)
    assert v.verdict == GO_WITH_WAIVERS, v.reasons


def test_e_item_waiver_waives_the_flag_that_follows_the_requirement(inventory, new_ws):
    ws = rewritten_ws(inventory, new_ws)
    waive(ws, checklist(inventory, ws), f"req:{SCALE}:source_port_preserved", "Zhang Min", "vendor ok", UNTIL,
          today=TODAY)
    cl = checklist(inventory, ws)
    assert cl.item(f"req:{SCALE}:source_port_preserved").state == "waived"
    flag = cl.item(f"flag:MR002:{SCALE}")
    assert (flag.state, flag.base_state, flag.waiver["by"]) == ("waived", "fail", "Zhang Min")
    v = verdict(inventory, ws)
    assert not any(r.startswith("blocker ") for r in v.reasons)  # only the regression can still block


def test_e_item_waivers_on_every_failing_requirement_give_go_with_waivers(inventory, new_ws):
    """Port rewritten and address translated: both requirements the reflect proves fail and are waived."""
    ws = rewritten_ws(inventory, new_ws, nat=True)
    for req in ("source_port_preserved", "no_nat"):
        waive(ws, checklist(inventory, ws), f"req:{SCALE}:{req}", "Zhang Min", f"vendor accepts NAT ({req})",
              UNTIL, today=TODAY)
    v = verdict(inventory, ws)
    assert (v.verdict, v.exit_code) == (GO_WITH_WAIVERS, 3), v.reasons
    assert f"waived: req:{SCALE}:no_nat (fail: source address 198.18.2.2 → 198.18.10.1 (translated by NAT)) by " \
           f"Zhang Min until {UNTIL}: vendor accepts NAT (no_nat)" in v.reasons
    assert any(r.startswith(f"waived regression: {SCALE} reflect") and f"by Zhang Min until {UNTIL}" in r
               for r in v.reasons)


def test_e_item_waiver_on_a_status_regression(inventory, new_ws):
    ws = new_ws(pre_run(), post_run(printer=tcp("fail")))
    mark_manual(inventory, ws)
    waive(ws, checklist(inventory, ws), f"req:{PRINTER}:reachable", "Wang Fang", "printer replaced on Monday",
          UNTIL, today=TODAY)
    v = verdict(inventory, ws)
    assert v.verdict == GO_WITH_WAIVERS, v.reasons
    assert (f"waived regression: {PRINTER} tcp_connect {PRINTER_IP}: pass → fail (connection refused) by Wang Fang until {UNTIL}: "
            "printer replaced on Monday") in v.reasons


# ------------------------------------------------------------------ (f) expiry


def test_f_waiver_after_its_until_date_no_longer_counts(inventory, new_ws):
    ws = rewritten_ws(inventory, new_ws)
    waive(ws, checklist(inventory, ws), SCALE, "Zhang Min", "vendor confirmed", UNTIL, today=TODAY)
    until = dt.date.fromisoformat(UNTIL)

    assert verdict(inventory, ws, today=until).verdict == GO_WITH_WAIVERS  # the until day itself still counts
    v = verdict(inventory, ws, today=until + dt.timedelta(days=1))
    assert v.verdict == NO_GO
    assert f"regression: {SCALE} reflect {REFLECTOR}: {REWRITTEN}" in v.reasons
    assert f"blocker failed: req:{SCALE}:source_port_preserved: {REWRITTEN}" in v.reasons
    assert not any(r.startswith("waived") for r in v.reasons)
    assert f"req:{SCALE}:source_port_preserved: waiver W1 by Zhang Min expired on {UNTIL}" in v.warnings


def test_f_expired_item_waiver_warns(inventory, new_ws):
    ws = new_ws(pre_run(), post_run(printer=tcp("fail")))
    mark_manual(inventory, ws)
    waive(ws, checklist(inventory, ws), f"req:{PRINTER}:reachable", "Wang Fang", "replaced Monday", UNTIL,
          today=TODAY)
    later = dt.date.fromisoformat(UNTIL) + dt.timedelta(days=1)
    v = verdict(inventory, ws, today=later)
    assert v.verdict == NO_GO
    assert f"req:{PRINTER}:reachable: waiver W1 by Wang Fang expired on {UNTIL}" in v.warnings
    assert f"regression: {PRINTER} tcp_connect {PRINTER_IP}: pass → fail (connection refused)" in v.reasons


# ------------------------------------------------------------------ (g) evidence changed under a waiver


def test_g_item_waiver_needs_review_when_the_evidence_changes(inventory, new_ws):
    ws = new_ws(pre_run(), post_run(printer=tcp("fail")))
    mark_manual(inventory, ws)
    waive(ws, checklist(inventory, ws), f"req:{PRINTER}:reachable", "Wang Fang", "refused: port closed for now",
          UNTIL, today=TODAY)
    assert verdict(inventory, ws).verdict == GO_WITH_WAIVERS

    silent = tcp("inconclusive")
    ws.record_run(post_run(printer=silent, id="run-3", minutes=-60))  # now it does not even answer
    v = verdict(inventory, ws)
    assert v.verdict == NO_GO
    assert (f"req:{PRINTER}:reachable: waiver W1 by Wang Fang needs review: the evidence changed since it "
            "was granted") in v.warnings
    assert any(r.startswith(f"blocker pending: req:{PRINTER}:reachable: inconclusive") for r in v.reasons)
    assert not any(r.startswith("waived") for r in v.reasons)


def test_g_reflect_going_silent_puts_the_port_waiver_under_review(inventory, new_ws):
    ws = rewritten_ws(inventory, new_ws, nat=True)
    for req in ("source_port_preserved", "no_nat"):
        waive(ws, checklist(inventory, ws), f"req:{SCALE}:{req}", "Zhang Min", "vendor ok", UNTIL, today=TODAY)
    assert verdict(inventory, ws).verdict == GO_WITH_WAIVERS

    ws.record_run(post_run(reflect(status="inconclusive"), id="run-3", minutes=-60))
    v = verdict(inventory, ws)
    assert v.verdict == NO_GO
    for req in ("source_port_preserved", "no_nat"):
        assert f"req:{SCALE}:{req}: waiver W{1 if req == 'source_port_preserved' else 2} by Zhang Min needs " \
               "review: the evidence changed since it was granted" in v.warnings
        assert any(r.startswith(f"blocker pending: req:{SCALE}:{req}: inconclusive") for r in v.reasons)


def test_g_a_rerun_with_the_same_facts_keeps_the_waiver(inventory, new_ws):
    """Timings and the port NAT picks change on every run; the waiver is about the facts."""
    ws = rewritten_ws(inventory, new_ws, nat=True)
    for req in ("source_port_preserved", "no_nat"):
        waive(ws, checklist(inventory, ws), f"req:{SCALE}:{req}", "Zhang Min", "vendor ok", UNTIL, today=TODAY)
    ws.record_run(post_run(reflect(port_preserved=False, nat=True, observed_port=50211, latency_ms=4.2),
                            id="run-3", minutes=-60))
    v = verdict(inventory, ws)
    assert v.verdict == GO_WITH_WAIVERS, v.reasons
    assert v.warnings == []


def test_g_dependency_waiver_needs_review_when_the_evidence_changes(inventory, new_ws):
    ws = rewritten_ws(inventory, new_ws)
    waive(ws, checklist(inventory, ws), SCALE, "Zhang Min", "vendor accepts rewritten source ports", UNTIL,
          today=TODAY)
    assert verdict(inventory, ws).verdict == GO_WITH_WAIVERS

    ws.record_run(post_run(reflect(port_preserved=False), scale_udp=udp("fail"), id="run-3", minutes=-60))
    v = verdict(inventory, ws)
    assert any("W1" in w and "needs review" in w for w in v.warnings), v.warnings
    assert v.verdict == NO_GO


# ------------------------------------------------------------------ (h) marks and waivers: rules


def test_h_missing_evidence_cannot_be_marked_pass_only_waived(inventory, new_ws):
    """Inconclusive (missing) evidence is not cleared by hand: a person who accepts the risk records a
    waiver, and the verdict then says GO WITH WAIVERS, never GO."""
    ws = new_ws(pre_run(), post_run(reflect(status="inconclusive")))
    mark_manual(inventory, ws)
    item = f"req:{SCALE}:source_port_preserved"
    assert checklist(inventory, ws).item(item).state == "pending"
    for state in ("pass", "na"):
        with pytest.raises(ActionError) as caught:
            mark(ws, checklist(inventory, ws), item, state, "Zhang Min", "scale 171 weighed fine by hand")
        assert "no probe evidence yet" in str(caught.value) and "waive it" in str(caught.value)
    assert item not in ws.marks
    assert verdict(inventory, ws).verdict == NO_GO
    waive(ws, checklist(inventory, ws), SCALE, "Zhang Min", "scales tested by hand in store 171", UNTIL, TODAY)
    assert verdict(inventory, ws).verdict == GO_WITH_WAIVERS


def test_h_a_mark_recorded_by_hand_on_missing_evidence_is_ignored(inventory, new_ws):
    """A pass mark that reached the file anyway (an older migready, a hand-made event) clears nothing."""
    ws = new_ws(pre_run(), post_run(reflect(status="inconclusive")))
    mark_manual(inventory, ws)
    item = f"req:{SCALE}:source_port_preserved"
    ws.record_mark(item, "pass", "Mallory", "trust me", previous="pending")
    now = checklist(inventory, ws).item(item)
    assert now.state == "pending" and now.mark is None
    assert "manual pass by Mallory ignored" in now.evidence
    assert verdict(inventory, ws).verdict == NO_GO


def test_h_run_items_cannot_be_marked(inventory, new_ws):
    ws = new_ws()
    for item in ("run.pre", "run.post"):
        with pytest.raises(ActionError) as caught:
            mark(ws, checklist(inventory, ws), item, "pass", "Mallory", "ran it, honest")
        assert "cannot be marked" in str(caught.value)


def test_h_a_mark_cannot_overrule_failing_evidence(inventory, new_ws):
    """Failing evidence is excused only by a waiver: it has a reason, an expiry and is re-checked."""
    ws = rewritten_ws(inventory, new_ws)
    item = f"req:{SCALE}:source_port_preserved"
    for state in ("pass", "na"):
        with pytest.raises(ActionError) as caught:
            mark(ws, checklist(inventory, ws), item, state, "Zhang Min", "looks fine")
        assert "waive it" in str(caught.value) and REWRITTEN in str(caught.value)
    assert item not in ws.marks
    v = verdict(inventory, ws)
    assert v.verdict == NO_GO
    assert f"regression: {SCALE} reflect {REFLECTOR}: {REWRITTEN}" in v.reasons


def test_h_mark_on_a_manual_item_survives_new_runs(inventory, new_ws):
    ws = new_ws(pre_run(), post_run())
    mark_manual(inventory, ws)
    ws.record_run(post_run(id="run-3", minutes=1))
    assert verdict(inventory, ws).verdict == GO


@pytest.mark.parametrize("state, by, note, expected", [
    ("pass", "", "note", "a manual change needs a name (--by) and a reason (--reason)"),
    ("pass", "   ", "note", "a manual change needs a name (--by) and a reason (--reason)"),
    ("pass", "Li Wei", "", "a manual change needs a name (--by) and a reason (--reason)"),
    ("pass", "Li Wei", " \t", "a manual change needs a name (--by) and a reason (--reason)"),
    ("done", "Li Wei", "note", "state must be pass, fail or na, not 'done'"),
    ("waived", "Li Wei", "note", "state must be pass, fail or na, not 'waived'"),
])
def test_h_mark_rejects_bad_input(inventory, new_ws, state, by, note, expected):
    ws = new_ws(pre_run(), post_run())
    logged = list(ws.events)  # the two runs
    with pytest.raises(ActionError) as caught:
        mark(ws, checklist(inventory, ws), "prepare.rollback-plan", state, by, note)
    assert str(caught.value) == expected
    assert ws.marks == {} and ws.events == logged


def test_h_mark_rejects_an_unknown_item(inventory, new_ws):
    ws = new_ws()
    with pytest.raises(ActionError) as caught:
        mark(ws, checklist(inventory, ws), "prepare.rollbackplan", "pass", "Li Wei", "n")
    assert str(caught.value) == ("no checklist item 'prepare.rollbackplan'; did you mean 'prepare.rollback-plan'? "
                                 "(see `migready checklist`)")
    assert ws.marks == {} and [e["action"] for e in ws.events] == ["inventory-recorded"]


@pytest.mark.parametrize("target, by, reason, until, expected", [
    (SCALE, "Zhang Min", "", UNTIL, "a waiver needs a justification (--reason)"),
    (SCALE, "Zhang Min", "   ", UNTIL, "a waiver needs a justification (--reason)"),
    (SCALE, "", "vendor ok", UNTIL, "a waiver needs the name of who grants it (--by)"),
    (SCALE, "Zhang Min", "vendor ok", "next friday", "--until must be a date YYYY-MM-DD, not 'next friday'"),
    (SCALE, "Zhang Min", "vendor ok", "2030-02-30", "--until must be a date YYYY-MM-DD, not '2030-02-30'"),
    (SCALE, "Zhang Min", "vendor ok", (TODAY - dt.timedelta(days=1)).isoformat(),
     f"--until {(TODAY - dt.timedelta(days=1)).isoformat()} is already past"),
    ("scale-adapter/scales", "Zhang Min", "vendor ok", UNTIL,
     "'scale-adapter/scales' is neither a checklist item nor a dependency; did you mean 'scale-adapter/scale'? "
     "(see `migready checklist`)"),
    ("req:scale-adapter/scale:reachabel", "Zhang Min", "vendor ok", UNTIL,
     "'req:scale-adapter/scale:reachabel' is neither a checklist item nor a dependency; did you mean "
     "'req:scale-adapter/scale:reachable'? (see `migready checklist`)"),
], ids=["empty-reason", "blank-reason", "no-by", "not-a-date", "no-such-day", "past", "unknown-dependency",
        "unknown-item"])
def test_h_waive_rejects_bad_input(inventory, new_ws, target, by, reason, until, expected):
    ws = rewritten_ws(inventory, new_ws)
    events = len(ws.events)
    with pytest.raises(ActionError) as caught:
        waive(ws, checklist(inventory, ws), target, by, reason, until, today=TODAY)
    assert str(caught.value) == expected
    assert ws.waivers == [] and len(ws.events) == events


def test_h_waive_until_today_is_accepted(inventory, new_ws):
    ws = rewritten_ws(inventory, new_ws)
    waive(ws, checklist(inventory, ws), SCALE, "Zhang Min", "tonight only", TODAY.isoformat(), today=TODAY)
    assert verdict(inventory, ws).verdict == GO_WITH_WAIVERS


@pytest.mark.parametrize("until", ["basic", "week"])
def test_h_waive_until_in_another_iso_spelling_is_rejected_or_normalised(inventory, new_ws, until):
    day = TODAY + dt.timedelta(days=14)
    spelled = day.strftime("%Y%m%d") if until == "basic" else "{0}-W{1:02d}-{2}".format(*day.isocalendar())
    ws = rewritten_ws(inventory, new_ws)
    try:
        waive(ws, checklist(inventory, ws), SCALE, "Zhang Min", "vendor ok", spelled, today=TODAY)
    except ActionError:
        return  # rejected: fine
    ws.save()
    assert Workspace.load(ws.path).waivers[0]["until"] == day.isoformat()  # normalised: fine


# ------------------------------------------------------------------ (i) everything people do is logged


def test_i_marks_and_waivers_append_chained_events_with_who_and_what(inventory, new_ws):
    ws = rewritten_ws(inventory, new_ws)  # seven marks by Li Wei
    item = f"req:{SCALE}:source_port_preserved"
    mark(ws, checklist(inventory, ws), item, "fail", "Zhang Min", "confirmed: port rewritten")
    waive(ws, checklist(inventory, ws), SCALE, "Zhang Min", "vendor accepts any port", UNTIL, today=TODAY)
    waive(ws, checklist(inventory, ws), "ops.wiki-updated", "Wang Fang", "wiki frozen this week", UNTIL,
          today=TODAY)

    assert [e["seq"] for e in ws.events] == list(range(1, len(ws.events) + 1))
    assert ws.chain_problem() is None
    events = [e for e in ws.events if e["action"] in ("mark", "waive")]  # the inventory and runs were logged first
    assert [e["action"] for e in events] == ["mark"] * 8 + ["waive"] * 2
    manual = events[:7]
    assert {e["details"]["item"] for e in manual} == MANUAL_BLOCKERS
    assert all(e["by"] == "Li Wei" and e["details"]["state"] == "pass" and e["details"]["previous"] == "pending"
               for e in manual)
    m = events[7]
    assert m["by"] == "Zhang Min" and m["details"] == {"item": item, "state": "fail",
                                                       "note": "confirmed: port rewritten", "previous": "fail"}
    w1, w2 = events[8:]
    first, second = w1["details"]["waiver"], w2["details"]["waiver"]
    assert w1["by"] == "Zhang Min" and first["id"] == "W1" and first["dependency"] == SCALE
    assert first["reason"] == "vendor accepts any port" and first["until"] == UNTIL
    assert first["evidence"]["items"][item] == "fail"
    assert w2["by"] == "Wang Fang" and second["id"] == "W2" and second["item"] == "ops.wiki-updated"
    assert ws.waivers == [first, second]  # the stored waivers are exactly what the log records

    ws.save()
    loaded = Workspace.load(ws.path)
    assert loaded.events == ws.events and loaded.marks == ws.marks and loaded.waivers == ws.waivers


# ------------------------------------------------------------------ (j) inconclusive never passes


def test_j_inconclusive_connect_leaves_reachable_pending(inventory, new_ws):
    ws = new_ws(pre_run(), post_run(scale_udp=udp("inconclusive")))
    mark_manual(inventory, ws)
    cl = checklist(inventory, ws)
    item = cl.item(f"req:{SCALE}:reachable")
    assert item.state == "pending"
    assert item.evidence == f"inconclusive: {SCALE_IP}: no answer within 3000 ms"
    assert cl.item(f"flag:MR001:{SCALE}").state == "pending"
    v = verdict(inventory, ws)
    assert v.verdict == NO_GO
    assert f"blocker pending: req:{SCALE}:reachable: inconclusive: {SCALE_IP}: no answer within 3000 ms" in v.reasons


def test_j_one_inconclusive_among_passes_is_still_pending(inventory, new_ws):
    post = post_run()
    post["results"].append(udp("inconclusive", target=SCALE_IP))  # a second probe of the same scale
    ws = new_ws(pre_run(), post)
    assert checklist(inventory, ws).item(f"req:{SCALE}:reachable").state == "pending"


def test_j_silent_reflector_proves_neither_port_nor_nat(inventory, new_ws):
    ws = new_ws(pre_run(), post_run(reflect(status="inconclusive")))
    mark_manual(inventory, ws)
    cl = checklist(inventory, ws)
    for req in ("source_port_preserved", "no_nat"):
        assert cl.item(f"req:{SCALE}:{req}").state == "pending"
    assert cl.item(f"flag:MR002:{SCALE}").state == "pending"
    v = verdict(inventory, ws)
    assert v.verdict == NO_GO and v.counts["pass"] < len(cl.items)
    assert not any(r.startswith("regression") for r in v.reasons)  # no evidence of a change, but no pass either


def test_j_inconclusive_on_both_sides_is_no_go(inventory, new_ws):
    pre = run("pre", host_facts("old-vm"), udp("inconclusive"), reflect(status="inconclusive"), tcp(),
              id="run-1", minutes=-180)
    ws = new_ws(pre, post_run(reflect(status="inconclusive"), scale_udp=udp("inconclusive")))
    mark_manual(inventory, ws)
    v = verdict(inventory, ws)
    assert v.verdict == NO_GO
    assert blocking_ids(v) == {f"req:{SCALE}:reachable", f"req:{SCALE}:source_port_preserved",
                               f"req:{SCALE}:no_nat", f"flag:MR001:{SCALE}", f"flag:MR002:{SCALE}",
                               f"flag:MR003:{SCALE}"}


def test_incomplete_post_run_is_pending_and_warned(inventory, new_ws):
    post = post_run(complete=False)
    post["error"] = "connection dropped after 3 results"
    ws = new_ws(pre_run(), post)
    mark_manual(inventory, ws)
    v = verdict(inventory, ws)
    assert v.verdict == NO_GO
    assert "blocker pending: run.post: run-2 from local:// is incomplete: connection dropped after 3 results" \
        in v.reasons
    assert "run-2 (post from local://) is incomplete: connection dropped after 3 results" in v.warnings


# ------------------------------------------------------------------ (k) non-blocking items


def test_k_failing_non_blocking_item_is_only_a_warning(inventory, new_ws):
    ws = new_ws(pre_run(), post_run())
    mark_manual(inventory, ws)
    mark(ws, checklist(inventory, ws), "ops.wiki-updated", "fail", "Wang Fang", "wiki is read-only until Monday")
    v = verdict(inventory, ws)
    assert (v.verdict, v.exit_code) == (GO, 0)
    assert v.warnings == ["non-blocking item failed: ops.wiki-updated: marked fail by Wang Fang: "
                          "wiki is read-only until Monday"]
    assert v.counts["fail"] == 1


def test_inventory_changed_since_the_workspace_started_is_warned(inventory, new_ws):
    ws = new_ws(pre_run(), post_run())
    mark_manual(inventory, ws)
    ws.data["inventory"]["digest"] = "0" * 64
    v = verdict(inventory, ws)
    assert v.verdict == GO
    assert any("the inventory changed since this workspace was started" in w for w in v.warnings)
