"""checks/review/compare.py: pre vs post pairing, classification and the findings that matter
even when both probes pass (incidents 1 and 2).

The factories build results with the key names the workspace really stores
(checks/probing/run.py `result_record`, data fields from checks/probing/agent.py).
The end-to-end test talks to the demo's store in a free loopback block only.
"""
from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from cliproc import migready

from migready.checks.cli.compare_text import comparison_text
from migready.checks.review.compare import Change, Comparison, Finding, compare_runs, latest_runs

DEP = "scale-adapter/topscale"
SCALE = "10.20.1.171"

# ------------------------------------------------------------------ factories


def result(check, status="pass", dependency=DEP, target=SCALE, proves=None, reason=None, latency_ms=1.0,
           data=None, **top):
    r = {"id": f"p-{check}", "dependency": dependency, "target": target, "check": check,
         "proves": proves if proves is not None else ["reachable", "within_timeout"], "status": status,
         "reason": reason or {"pass": "connected", "fail": "refused", "inconclusive": "silent"}[status],
         "detail": "", "latency_ms": latency_ms, "started": "2030-01-01T00:00:00.000+00:00",
         "data": data if data is not None else {}}
    r.update(top)
    return r


def tcp(status="pass", latency_ms=2.1, **kw):
    data = {"ip": SCALE, "local": {"ip": "198.18.2.2", "port": 55550}} if status == "pass" else {"ip": SCALE, "local": None}
    return result("tcp_connect", status, latency_ms=latency_ms if status == "pass" else None, data=data, **kw)


def reflect(port_preserved=True, nat=False, local=("198.18.2.2", 9010), observed=None, status="pass",
            proves=("source_port_preserved", "no_nat")):
    if observed is None:
        observed = (local[0] if not nat else "198.18.10.1", local[1] if port_preserved else 41733)
    data = {"local": {"ip": local[0], "port": local[1]}, "observed": {"ip": observed[0], "port": observed[1]},
            "proto": "udp", "nat": nat, "port_preserved": port_preserved}
    return result("reflect", status, target="10.20.1.5:3478", proves=list(proves), reason="reflected",
                  latency_ms=0.3, data=data, local=data["local"], observed=data["observed"], nat=nat,
                  port_preserved=port_preserved)


def route(gateway="10.0.0.1", dev="eth0", target=SCALE):
    data = {"ip": target, "dev": dev, "gateway": gateway, "src": "198.18.2.2", "method": "ip"}
    return result("route", target=target, proves=["internal_route"], reason="routed", latency_ms=None, data=data)


def dns(*answers, name="coin-api.example.com", proves=("private_dns",)):
    data = {"answers": [{"ip": ip, "class": cls} for ip, cls in answers], "resolver": None}
    return result("dns", target=name, proves=list(proves), reason="resolved", latency_ms=1.0, data=data)


def host_facts(hostname="old-vm"):
    return result("host_facts", dependency=None, target=None, proves=["host_facts"], reason="facts",
                  latency_ms=None, data={"hostname": hostname, "in_container": False})


def run(phase, *results, id=None, complete=True, started="2030-01-01T00:00:00.000Z", error=None):
    return {"id": id or f"run-{phase}", "phase": phase, "host": "ssh://stage", "started": started,
            "finished": started, "complete": complete, "error": error, "results": list(results)}


def one(pre_results, post_results, **kw) -> Change:
    pre = None if pre_results is None else run("pre", *pre_results)
    post = None if post_results is None else run("post", *post_results)
    [change] = compare_runs(pre, post, **kw).changes
    return change


def kinds(change):
    return [(f.kind, f.severity) for f in change.notes]


# ------------------------------------------------------------------ classification


@pytest.mark.parametrize("pre, post, expected", [
    ("pass", "fail", "regression"),
    ("fail", "pass", "fixed"),
    ("pass", "pass", "unchanged"),
    ("fail", "fail", "unchanged"),
    ("pass", "inconclusive", "inconclusive"),
    ("inconclusive", "fail", "inconclusive"),
    ("inconclusive", "pass", "inconclusive"),
    ("inconclusive", "inconclusive", "inconclusive"),  # still no evidence: not "unchanged"
])
def test_classification_by_status(pre, post, expected):
    assert one([tcp(pre)], [tcp(post)]).classification == expected


def test_new_and_missing():
    assert one(None, [tcp()]).classification == "new"
    assert one([tcp()], []).classification == "missing"
    change = one([tcp()], None)
    assert change.classification == "missing" and change.post is None and change.pre["check"] == "tcp_connect"


def test_pairs_by_dependency_target_and_check():
    pre = run("pre", tcp(), tcp(target="10.20.1.172"), route())
    post = run("post", route(), tcp(target="10.20.1.172", status="fail"), tcp())
    by_key = {c.key: c for c in compare_runs(pre, post).changes}
    assert by_key[(DEP, "10.20.1.172", "tcp_connect")].classification == "regression"
    assert by_key[(DEP, SCALE, "tcp_connect")].classification == "unchanged"
    assert by_key[(DEP, SCALE, "route")].classification == "unchanged"
    assert len(by_key) == 3


def test_host_level_checks_pair_by_check_alone():
    old, new = host_facts("old-vm"), host_facts("new-vm")
    new["target"] = "new-vm"  # whatever the target, one host_facts per run
    [change] = compare_runs(run("pre", old), run("post", new)).changes
    assert change.key == (None, None, "host_facts") and change.dependency is None
    assert change.classification == "unchanged"
    assert change.pre["data"]["hostname"] == "old-vm" and change.post["data"]["hostname"] == "new-vm"


def test_lone_reflects_of_one_dependency_pair_across_reflectors():
    """No reflector declared at pre time (unrunnable, target None); one at post time."""
    pre = result("reflect", "inconclusive", target=None, reason="no_reflector",
                 proves=["source_port_preserved"], latency_ms=None)
    change = one([pre], [reflect(port_preserved=False)])
    assert change.pre is pre and change.target == "10.20.1.5:3478"
    assert change.classification == "regression" and kinds(change) == [("port_rewritten", "regression")]


# ------------------------------------------------------------------ findings: incident 1


def test_port_rewritten_when_both_reflects_pass_is_a_regression():
    change = one([reflect()], [reflect(port_preserved=False)])
    assert change.pre["status"] == change.post["status"] == "pass"
    assert change.classification == "regression" and change.is_regression
    assert change.notes == [Finding("port_rewritten", "regression", "source port 9010 → 41733 (rewritten by NAT)")]


def test_port_rewritten_without_pre_is_new_but_counted_as_regression():
    comparison = compare_runs(None, run("post", reflect(port_preserved=False)))
    [change] = comparison.changes
    assert change.classification == "new"
    assert kinds(change) == [("port_rewritten", "regression")]
    assert comparison.regressions == [change]
    assert comparison.counts()["new"] == 1 and comparison.counts()["regression"] == 0


def test_port_rewritten_already_before_is_not_a_change():
    assert one([reflect(port_preserved=False)], [reflect(port_preserved=False)]).notes == []


def test_port_rewritten_is_a_warning_when_no_fixed_source_port_is_required():
    change = one([reflect(proves=["no_nat"])], [reflect(port_preserved=False, proves=["no_nat"])])
    assert kinds(change) == [("port_rewritten", "warning")] and change.classification == "unchanged"


def test_address_translated_regression_when_no_nat_is_required():
    change = one([reflect()], [reflect(nat=True)])
    assert change.notes == [Finding("address_translated", "regression",
                                    "source address 198.18.2.2 → 198.18.10.1 (translated by NAT)")]
    assert change.classification == "regression"


def test_address_translated_warning_otherwise():
    change = one([reflect(proves=["source_port_preserved"])], [reflect(nat=True, proves=["source_port_preserved"])])
    assert kinds(change) == [("address_translated", "warning")]
    assert change.classification == "unchanged" and not change.is_regression


def test_natoutgoing_rewrites_both():
    """Incident 1 exactly: Calico natOutgoing translates the address and the port."""
    change = one([reflect()], [reflect(port_preserved=False, nat=True)])
    assert [f.kind for f in change.notes] == ["port_rewritten", "address_translated"]


def test_failed_reflect_gives_no_reflect_finding():
    failed = result("reflect", "fail", target="10.20.1.5:3478", reason="unexpected_answer",
                    data={"local": {"ip": "198.18.2.2", "port": 9010}},
                    local=None, observed=None, nat=None, port_preserved=None)
    change = one([reflect()], [failed])
    assert change.classification == "regression" and change.notes == []


# ------------------------------------------------------------------ findings: incident 2


def test_route_gateway_change():
    change = one([route("10.0.0.1", "eth0")], [route("10.8.0.1", "eth1")])
    assert change.notes == [Finding("egress_changed", "warning", "egress via gateway 10.0.0.1 (eth0) → 10.8.0.1 (eth1)")]
    assert change.classification == "unchanged"


def test_route_direct_to_gateway_says_direct():
    change = one([route(None, "eth0")], [route("10.8.0.1", "eth0")])
    assert change.notes[0].text == "egress direct (eth0) → via gateway 10.8.0.1 (eth0)"
    change = one([route("10.0.0.1", "eth0")], [route(None, "eth1")])
    assert change.notes[0].text == "egress via gateway 10.0.0.1 (eth0) → direct (eth1)"


def test_same_route_no_finding():
    assert one([route()], [route()]).notes == []


def test_dns_private_to_public_is_a_regression_when_private_dns_is_proved():
    change = one([dns(("10.1.2.3", "private"))], [dns(("203.0.113.9", "public"))])
    assert change.notes == [Finding("dns_public", "regression",
                                    "coin-api.example.com resolved to private 10.1.2.3 → public 203.0.113.9")]
    assert change.classification == "regression"


def test_dns_public_warning_without_private_dns():
    change = one([dns(("10.1.2.3", "private"), proves=())], [dns(("203.0.113.9", "public"), proves=())])
    assert kinds(change) == [("dns_public", "warning")]


def test_dns_other_answer_change_is_info():
    change = one([dns(("10.1.2.3", "private"))], [dns(("10.1.2.4", "private"))])
    assert change.notes == [Finding("dns_changed", "info", "coin-api.example.com resolved to 10.1.2.3 → 10.1.2.4")]
    assert change.classification == "unchanged"
    assert one([dns(("10.1.2.3", "private"), ("10.1.2.4", "private"))],
               [dns(("10.1.2.4", "private"), ("10.1.2.3", "private"))]).notes == []  # order is not a change


@pytest.mark.parametrize("pre_ms, post_ms, fires", [
    (10.0, 30.0, False),   # exactly 3x and exactly +20 ms
    (10.0, 30.1, True),    # above both
    (2.0, 7.0, False),     # 3.5x but only +5 ms
    (50.0, 140.0, False),  # +90 ms but only 2.8x
    (2.1, 48.0, True),
])
def test_latency_threshold_edges(pre_ms, post_ms, fires):
    change = one([tcp(latency_ms=pre_ms)], [tcp(latency_ms=post_ms)])
    assert [f.kind for f in change.notes] == (["latency_up"] if fires else [])


def test_latency_text_and_custom_thresholds():
    change = one([tcp(latency_ms=2.1)], [tcp(latency_ms=48.0)])
    assert change.notes == [Finding("latency_up", "warning", "connect latency 2.1 ms → 48.0 ms (23x)")]
    assert one([tcp(latency_ms=2.0)], [tcp(latency_ms=7.0)], latency_floor_ms=4.0).notes[0].text == \
        "connect latency 2.0 ms → 7.0 ms (3.5x)"


# ------------------------------------------------------------------ the comparison


def test_ordering_regressions_first():
    pre = run("pre", host_facts(), tcp(target="a"), tcp(target="b"), tcp(target="c"), tcp(target="d"),
              tcp("fail", target="e"), reflect())
    post = run("post", host_facts(), tcp("inconclusive", target="b"), tcp(target="c"), tcp(target="f"),
               tcp(target="d", status="fail"), tcp("pass", target="e"), reflect(port_preserved=False))
    comparison = compare_runs(pre, post)
    got = [(c.classification, c.check, c.target) for c in comparison.changes]
    assert got == [
        ("regression", "reflect", "10.20.1.5:3478"),
        ("regression", "tcp_connect", "d"),
        ("inconclusive", "tcp_connect", "b"),
        ("missing", "tcp_connect", "a"),
        ("new", "tcp_connect", "f"),
        ("fixed", "tcp_connect", "e"),
        ("unchanged", "host_facts", None),
        ("unchanged", "tcp_connect", "c"),
    ]
    assert [c.target for c in comparison.regressions] == ["10.20.1.5:3478", "d"]
    assert comparison.counts() == {"regression": 2, "inconclusive": 1, "missing": 1, "new": 1,
                                   "fixed": 1, "unchanged": 2}


def test_new_pair_with_regression_finding_sorts_with_regressions():
    pre = run("pre", tcp("pass", target="z"))
    post = run("post", tcp("fail", target="z"), reflect(port_preserved=False))
    assert [c.classification for c in compare_runs(pre, post).changes] == ["new", "regression"]


def test_to_dict_round_trips_through_json():
    pre = run("pre", host_facts(), tcp(), reflect(), dns(("10.1.2.3", "private")))
    post = run("post", host_facts(), tcp("fail"), reflect(port_preserved=False, nat=True),
               dns(("203.0.113.9", "public")), complete=False, error="connection dropped")
    d = compare_runs(pre, post).to_dict()
    assert json.loads(json.dumps(d)) == d
    assert list(d) == ["pre_run", "post_run", "incomplete_runs", "thresholds", "counts", "regressions", "changes"]
    assert d["incomplete_runs"] == ["run-post"] and d["regressions"] == 3
    first = d["changes"][0]
    assert list(first) == ["classification", "regression", "dependency", "target", "check", "pre", "post", "notes"]
    assert d["changes"][1]["notes"][0] == {"kind": "port_rewritten", "severity": "regression",
                                           "text": "source port 9010 → 41733 (rewritten by NAT)"}


def test_format_text_is_a_readable_table():
    pre = run("pre", host_facts(), tcp(), reflect())
    post = run("post", host_facts(), tcp("fail"), complete=False, error="connection dropped")
    post["results"].append(reflect(port_preserved=False))
    text = comparison_text(compare_runs(pre, post))
    lines = text.splitlines()
    assert "WARNING: post run run-post is incomplete (connection dropped)" in text
    header = next(line for line in lines if line.startswith("CLASS"))
    assert all(word in header for word in ("DEPENDENCY", "CHECK", "TARGET", "PRE → POST"))
    reflect_line = next(i for i, line in enumerate(lines) if " reflect " in line)
    assert lines[reflect_line].startswith("REGRESSION") and "pass → pass" in lines[reflect_line]
    assert lines[reflect_line + 1].strip() == "[regression] source port 9010 → 41733 (rewritten by NAT)"
    tcp_line = next(line for line in lines if "tcp_connect" in line)
    assert tcp_line.startswith("REGRESSION") and "pass → fail (refused)" in tcp_line
    assert any(line.startswith("UNCHANGED") and "(host)" in line for line in lines)
    assert "\x1b[" not in text  # no colour codes at all
    assert lines[-1] == "3 checks compared: 2 regressions, 1 unchanged."  # the count once (issue 26)


def test_format_text_marks_a_new_pair_that_is_a_regression():
    text = comparison_text(compare_runs(None, run("post", reflect(port_preserved=False))))
    assert "REGRESSION (NEW)" in text and "pre (no run)" in text
    assert text.splitlines()[-1] == "1 check compared: 1 new. Regressions in all: 1."


# ------------------------------------------------------------------ latest_runs


def test_latest_runs_picks_latest_complete_per_phase():
    runs = [run("pre", id="run-1", started="2030-01-01T01:00:00.000Z"),
            run("pre", id="run-2", started="2030-01-01T02:00:00.000Z"),
            run("pre", id="run-3", started="2030-01-01T03:00:00.000Z", complete=False),
            run("post", id="run-4", started="2030-01-02T01:00:00.000Z"),
            run("post", id="run-5", started="2030-01-02T02:00:00.000Z", complete=False)]
    pre, post = latest_runs(runs)
    assert (pre["id"], post["id"]) == ("run-2", "run-4")
    assert compare_runs(pre, post).incomplete_runs == []


def test_latest_runs_falls_back_to_incomplete_and_comparison_says_so():
    runs = [run("pre", id="run-1"),
            run("post", id="run-2", started="2030-01-02T01:00:00.000Z", complete=False),
            run("post", id="run-3", started="2030-01-02T02:00:00.000Z", complete=False)]
    pre, post = latest_runs(runs)
    assert (pre["id"], post["id"]) == ("run-1", "run-3")
    assert compare_runs(pre, post).incomplete_runs == ["run-3"]


def test_latest_runs_without_a_phase():
    assert latest_runs([]) == (None, None)
    pre, post = latest_runs([run("pre", id="run-1")])
    assert pre["id"] == "run-1" and post is None
    comparison = compare_runs(pre, post)
    assert isinstance(comparison, Comparison) and comparison.changes == []


# ------------------------------------------------------------------ end to end on loopback

DEMO = Path(str(resources.files("migready.inventories"))) / "demo.yaml"


def test_two_real_loopback_runs_compare_unchanged(tmp_path, demo_path, store_peers):
    ws_path = tmp_path / "demo.migready.json"
    for phase in ("pre", "post"):
        out = migready("probe", demo_path, "--phase", phase, "--workspace", ws_path, timeout=120)
        assert out.returncode == 0, out.stderr
    runs = json.loads(ws_path.read_text(encoding="utf-8"))["runs"]
    comparison = compare_runs(*latest_runs(runs))
    assert comparison.changes and {c.classification for c in comparison.changes} == {"unchanged"}
    assert not comparison.regressions and not comparison.incomplete_runs
    assert all(c.notes == [] for c in comparison.changes)
    checks = {c.check for c in comparison.changes}
    assert {"host_facts", "reflect", "route", "udp_exchange", "tcp_connect"} <= checks
