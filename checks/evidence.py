"""What a probe run proves about one requirement of one dependency.

The agent reports facts (connected, answered, observed port 41733); whether
a requirement holds is decided here, on the host side, so the rule can be
read and tested without a network.  Inconclusive evidence never becomes a
pass: it leaves the requirement pending with the reason.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from .model import Dependency
from .records import reflected
from .workspace import canonical_json

CONNECT_CHECKS = ("tcp_connect", "udp_exchange", "http")


@dataclass
class Judgement:
    state: str  # pass | fail | pending
    text: str
    results: list[dict] = field(default_factory=list)

    @property
    def digest(self) -> str:
        """Identifies the evidence a waiver is granted against: stable facts only.

        Timings and NAT-chosen ports change on every run; status, reason and the
        verdict booleans do not unless the network changed.
        """
        facts = sorted(
            (r.get("check"), r.get("target") or "", r.get("status"), r.get("reason") or "",
             reflected(r, "port_preserved"), reflected(r, "nat"))
            for r in self.results
        )
        return hashlib.sha256(canonical_json([list(f) for f in facts])).hexdigest()


_INDEX: dict[int, tuple[dict, int, dict]] = {}  # id(run) -> (run, result count, results by dependency)


def _by_dependency(run: dict) -> dict[str, list[dict]]:
    """The run's results grouped by dependency, computed once per run (and again when it grows).

    A review judges every requirement of every dependency; scanning the whole
    run each time made a 10,000-item review take 11 s instead of under one.
    """
    results = run["results"]
    cached = _INDEX.get(id(run))
    if cached and cached[0] is run and cached[1] == len(results):
        return cached[2]
    grouped: dict[str, list[dict]] = {}
    for r in results:
        grouped.setdefault(r.get("dependency"), []).append(r)
    if len(_INDEX) > 16:
        _INDEX.clear()
    _INDEX[id(run)] = (run, len(results), grouped)
    return grouped


def results_for(run: dict | None, dep: Dependency, checks: tuple[str, ...]) -> list[dict]:
    if not run:
        return []
    return [r for r in _by_dependency(run).get(dep.ref, ()) if r.get("check") in checks]


def judge(requirement: str, dep: Dependency, run: dict | None) -> Judgement:
    if run is None:
        return Judgement("pending", "no probe run yet")
    judge_fn = _JUDGES.get(requirement)
    if judge_fn is None:
        return Judgement("pending", f"no probe proves '{requirement}'; mark it by hand")
    return judge_fn(dep, run)


def _summarise(results: list[dict], what: str, ok) -> Judgement:
    """pass when every result is ok; fail when one is not; pending while any is inconclusive."""
    if not results:
        return Judgement("pending", f"no {what} result in the run")
    bad = [r for r in results if r["status"] == "fail" or (r["status"] == "pass" and not ok(r))]
    unsure = [r for r in results if r["status"] == "inconclusive"]
    if bad:
        first = bad[0]
        more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
        return Judgement("fail", f"{first.get('target') or ''}: {first.get('detail') or first.get('reason')}{more}",
                         results)
    if unsure:
        first = unsure[0]
        return Judgement("pending", f"inconclusive: {first.get('target') or ''}: "
                                    f"{first.get('detail') or first.get('reason')}", results)
    return Judgement("pass", f"{len(results)} {what} result{'s' if len(results) != 1 else ''} hold", results)


def _reachable(dep: Dependency, run: dict) -> Judgement:
    return _summarise(results_for(run, dep, CONNECT_CHECKS), "connect", lambda r: True)


def _within_timeout(dep: Dependency, run: dict) -> Judgement:
    if dep.timeout_ms is None:
        return Judgement("pending", "no timeout_ms declared for this dependency")
    budget = dep.timeout_ms

    def ok(r):
        return isinstance(r.get("latency_ms"), (int, float)) and r["latency_ms"] <= budget

    j = _summarise(results_for(run, dep, CONNECT_CHECKS), "connect", ok)
    if j.state == "fail" and all(r["status"] == "pass" for r in j.results):
        slowest = max(r["latency_ms"] or 0 for r in j.results)
        j.text = f"slowest connect {slowest:.1f} ms exceeds the {budget} ms budget"
    return j


def _reflect(field_name: str, wanted: bool, say):
    def judge_reflect(dep: Dependency, run: dict) -> Judgement:
        results = results_for(run, dep, ("reflect",))
        j = _summarise(results, "reflect", lambda r: reflected(r, field_name) is wanted)
        if j.state == "fail" and results and results[0]["status"] == "pass":
            j.text = say(results[0])
        return j
    return judge_reflect


def _port_text(r: dict) -> str:
    return f"source port {reflected(r, 'local')['port']} → {reflected(r, 'observed')['port']} (rewritten by NAT)"


def _nat_text(r: dict) -> str:
    return f"source address {reflected(r, 'local')['ip']} → {reflected(r, 'observed')['ip']} (translated by NAT)"


def _private_dns(dep: Dependency, run: dict) -> Judgement:
    results = results_for(run, dep, ("dns",))
    if not results:
        return Judgement("pass", "targets are addresses; nothing to resolve")

    def ok(r):
        return all(a.get("class") != "public" for a in (r.get("data") or {}).get("answers", []))

    j = _summarise(results, "dns", ok)
    if j.state == "fail" and all(r["status"] == "pass" for r in results):
        public = [a["ip"] for r in results for a in r["data"]["answers"] if a.get("class") == "public"]
        j.text = f"resolves to public {', '.join(public[:3])}"
    return j


def _internal_route(dep: Dependency, run: dict) -> Judgement:
    route = _summarise(results_for(run, dep, ("route",)), "route", lambda r: True)
    dns = _private_dns(dep, run)
    for j in (route, dns):
        if j.state != "pass":
            return Judgement(j.state, j.text, route.results + dns.results)
    return Judgement("pass", f"{route.text}; {dns.text}", route.results + dns.results)


_JUDGES = {
    "reachable": _reachable,
    "within_timeout": _within_timeout,
    "source_port_preserved": _reflect("port_preserved", True, _port_text),
    "no_nat": _reflect("nat", False, _nat_text),
    "private_dns": _private_dns,
    "internal_route": _internal_route,
}
