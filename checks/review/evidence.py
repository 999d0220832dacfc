"""What a probe run proves about one requirement of one dependency.

The agent reports facts (connected, answered, observed port 41733); whether
a requirement holds is decided here, on the host side, so the rule can be
read and tested without a network.  Inconclusive evidence never becomes a
pass: it leaves the requirement pending with the reason.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from ..text.i18n import Msg, MsgN
from ..inventory.model import Dependency, Inventory, parse_ip
from ..probing.outcome import raw_status
from ..store.records import Status, reflected, sentences, status_of
from ..inventory.zones import ZoneMap
from ..store.workspace import canonical_json

CONNECT_CHECKS = ("tcp_connect", "udp_exchange", "http")


@dataclass
class Judgement:
    state: Status  # pass | fail | pending
    text: str  # a Msg: signed in English, shown in the reader's language
    results: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.state = status_of(self.state)

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


def judge(requirement: str, dep: Dependency, run: dict | None, inventory: Inventory | None = None) -> Judgement:
    """Judge one requirement of one dependency on a run; with the inventory, addresses are
    placed in its zones and its sites' NAT egress (checks/inventory/zones.py), else by address class."""
    if run is None:
        return Judgement("pending", Msg("no probe run yet"))
    judge_fn = _JUDGES.get(requirement)
    if judge_fn is None:
        return Judgement("pending", Msg("no probe proves '{requirement}'; mark it by hand", requirement=requirement))
    if run.get("hosts"):  # a phase over many staging hosts: judged per host, naming the hosts
        from .hosts import judge_over_hosts
        return judge_over_hosts(judge_fn, dep, run, ZoneMap.of(inventory)) or _summarise([], requirement, None)
    return judge_fn(dep, run, ZoneMap.of(inventory))


def _summarise(results: list[dict], what: str, ok) -> Judgement:
    """pass when every result is ok; fail when one is not; pending while any is inconclusive."""
    if not results:
        return Judgement("pending", Msg("no {what} result in the run", what=what))
    # Each requirement is judged from the probe's own observation, not from the
    # dependency-level status (a rewritten port must not fail `reachable`).
    bad = [r for r in results if raw_status(r) == "fail" or (raw_status(r) == "pass" and not ok(r))]
    unsure = [r for r in results if raw_status(r) not in ("pass", "fail")]
    if bad:
        first = bad[0]
        return Judgement("fail", Msg("{target}: {detail}{more}", target=first.get("target") or "",
                                     detail=first.get("detail") or first.get("reason"), more=_more(len(bad) - 1)),
                         results)
    if unsure:
        first = unsure[0]
        return Judgement("pending", Msg("inconclusive: {target}: {detail}", target=first.get("target") or "",
                                        detail=first.get("detail") or first.get("reason")), results)
    return Judgement("pass", MsgN("{n} {what} check passed", "{n} {what} checks passed", len(results), what=what),
                     results)


def _more(n: int):
    """' (and 2 more)' after the first of several, else ''."""
    return Msg(" (and {n} more)", n=n) if n > 0 else ""


def _reachable(dep: Dependency, run: dict, zones: ZoneMap) -> Judgement:
    return _summarise(results_for(run, dep, CONNECT_CHECKS), "connect", lambda r: True)


def _within_timeout(dep: Dependency, run: dict, zones: ZoneMap) -> Judgement:
    if dep.timeout_ms is None:
        return Judgement("pending", Msg("no timeout_ms declared for this dependency"))
    budget = dep.timeout_ms

    def ok(r):
        return isinstance(r.get("latency_ms"), (int, float)) and r["latency_ms"] <= budget

    j = _summarise(results_for(run, dep, CONNECT_CHECKS), "connect", ok)
    if j.state == "fail" and all(raw_status(r) == "pass" for r in j.results):
        slow = max(j.results, key=lambda r: r["latency_ms"] or 0)
        what = Msg("first byte") if slow.get("check") == "http" else Msg("connect")
        j.text = Msg("slowest {what} {latency} ms exceeds the {budget} ms budget", what=what,
                     latency=f"{slow['latency_ms'] or 0:.1f}", budget=budget)
        ip = (slow.get("data") or {}).get("ip")
        if ip:  # where the slow path went: a NAT-ed, external path is the usual cause (incident 2)
            j.text = Msg("{text} ({target} → {where})", text=j.text, target=slow.get("target") or ip,
                         where=str(zones.place(ip, slow.get("target"))))
    return j


def _reflect(field_name: str, wanted: bool, say):
    def judge_reflect(dep: Dependency, run: dict, zones: ZoneMap) -> Judgement:
        results = results_for(run, dep, ("reflect",))
        j = _summarise(results, "reflect", lambda r: reflected(r, field_name) is wanted)
        if j.state == "fail" and results and raw_status(results[0]) == "pass":
            j.text = say(results[0])
        return j
    return judge_reflect


def _side(r: dict, name: str, key: str):
    """The reflector's local/observed address or port; None when a (hand-made) result lacks it."""
    side = reflected(r, name)
    return side.get(key) if isinstance(side, dict) else None


def _port_text(r: dict) -> Msg:
    return Msg("source port {local} → {observed} (rewritten by NAT)", local=_side(r, "local", "port"),
               observed=_side(r, "observed", "port"))


def _nat_text(r: dict) -> Msg:
    return Msg("source address {local} → {observed} (translated by NAT)", local=_side(r, "local", "ip"),
               observed=_side(r, "observed", "ip"))


def _private_dns(dep: Dependency, run: dict, zones: ZoneMap) -> Judgement:
    """Every answer lies in an internal or store zone (with no zone matching, in private space).

    Incident 2: from the new VPC an "internal" name answered the address of the
    DDoS-protected edge.  That edge may well sit in non-global space (198.18/15,
    100.64/10), so the question is the inventory's zones, not `is_global`.
    """
    results = results_for(run, dep, ("dns",))
    if not results:
        return Judgement("pass", Msg("targets are addresses; nothing to resolve"))
    outside = {id(r): _outside_answers(r, zones) for r in results}
    j = _summarise(results, "dns", lambda r: not outside[id(r)])
    if j.state == "fail" and all(raw_status(r) == "pass" for r in results):
        bad = [r for r in results if outside[id(r)]]
        first = bad[0]
        more = MsgN(" (and {n} more name)", " (and {n} more names)", len(bad) - 1) if len(bad) > 1 else ""
        j.text = Msg("{target} → {answers}: outside every internal zone{leaves}{more}", target=first.get("target"),
                     answers=sentences(map(str, outside[id(first)][:3])), leaves=_leaves(first, run, zones),
                     more=more)
    return j


def _outside_answers(result: dict, zones: ZoneMap) -> list:
    answers = (result.get("data") or {}).get("answers") or []
    placed = [zones.place(str(a.get("ip")), result.get("target")) for a in answers if isinstance(a, dict)]
    return [p for p in placed if not p.inside]


def _leaves(result: dict, run: dict, zones: ZoneMap):
    """'; leaves via NAT gateway X of site Y' from the route probe of the same name, when it does."""
    for route in _by_dependency(run).get(result.get("dependency"), ()):
        if route.get("check") == "route" and route.get("target") == result.get("target"):
            egress = zones.route_egress(route, run.get("phase"))
            if egress:
                return Msg("; leaves via {egress}", egress=egress)
    return ""


def _internal_route(dep: Dependency, run: dict, zones: ZoneMap) -> Judgement:
    """The route stays inside: it goes to an internal zone, not through a declared NAT egress,
    and a reflector in an internal zone sees the source untranslated (incident 2)."""
    routes = results_for(run, dep, ("route",))
    problems: dict[int, Msg] = {}
    for r in routes:
        if r.get("status") != "pass":
            continue
        data = r.get("data") or {}
        why = []
        if data.get("ip"):
            dest = zones.place(data["ip"], r.get("target"))
            if not dest.inside:
                why.append(Msg("goes to {where}", where=str(dest)))
        egress = zones.route_egress(r, run.get("phase"))
        if egress:
            why.append(Msg("leaves via {egress}", egress=egress))
        if why:
            name = r.get("target") if r.get("target") != data.get("ip") else None
            problem = why[0] if len(why) == 1 else Msg("{first} and {second}", first=why[0], second=why[1])
            problems[id(r)] = Msg("{name} {problem}", name=name, problem=problem) if name else problem
    route = _summarise(routes, "route", lambda r: id(r) not in problems)
    if route.state == "fail" and problems and all(raw_status(r) == "pass" for r in routes):
        first = next(iter(problems.values()))
        route.text = Msg("{text}{more}", text=first, more=_more(len(problems) - 1)) if len(problems) > 1 else first
    reflects = results_for(run, dep, ("reflect",))
    translated = [t for t in (_translated_text(r, zones) for r in reflects) if t]
    dns = _private_dns(dep, run, zones)
    results = route.results + dns.results
    if route.state == "pass" and translated:
        return Judgement("fail", translated[0], results + reflects)
    for j in (route, dns):
        if j.state != "pass":
            return Judgement(j.state, j.text, results)
    return Judgement("pass", sentences([route.text, dns.text]), results)


def _translated_text(r: dict, zones: ZoneMap) -> Msg | None:
    """A reflector in an internal zone that saw a translated source: the internal path is NAT-ed."""
    local, observed = reflected(r, "local"), reflected(r, "observed")
    if r.get("status") != "pass" or reflected(r, "nat") is not True or not local or not observed:
        return None
    reflector = zones.place(str(r.get("target") or "").rsplit(":", 1)[0].strip("[]"))
    if reflector.zone is None or not reflector.inside:
        return None
    return Msg("reflector in {zone} saw {local} as {observed}: the path to an internal zone is translated by NAT",
               zone=reflector.label, local=local.get("ip"), observed=observed.get("ip"))


def _reverse_reachable(dep: Dependency, run: dict, zones: ZoneMap) -> Judgement:
    """Incident 5: the peer called back the address the service registers, and within the budget
    (the scheduler's PING timeout decided its election)."""
    budget = dep.timeout_ms

    def ok(r):
        latency = r.get("latency_ms")
        return budget is None or not isinstance(latency, (int, float)) or latency <= budget

    j = _summarise(results_for(run, dep, ("callback",)), "callback", ok)
    if j.state == "fail" and all(r["status"] == "pass" for r in j.results):
        slowest = max(r["latency_ms"] or 0 for r in j.results)
        j.text = Msg("the peer needed {latency} ms to call back; the budget is {budget} ms",
                     latency=f"{slowest:.1f}", budget=budget)
    return j


def _egress_allowlisted(dep: Dependency, run: dict, zones: ZoneMap) -> Judgement:
    """The address a reflector (a STUN server) in the peer's zone saw is on that zone's
    `egress_allowlisted`: a partner that allowlists our egress address drops traffic from a new
    NAT gateway's address (incident 2's family)."""
    def allowed(r: dict) -> bool:
        zone = zones.place(str(r.get("target") or "").rsplit(":", 1)[0].strip("[]")).zone
        ip = parse_ip(str(_side(r, "observed", "ip") or ""))
        return bool(zone and ip and any(ip.version == n.version and ip in n for n in zone.egress_allowlisted))
    results = results_for(run, dep, ("reflect",))
    j = _summarise(results, "reflect", allowed)
    if j.state == "fail" and raw_status(results[0]) == "pass":
        bad = next(r for r in results if not allowed(r))
        zone = zones.place(str(bad.get("target") or "").rsplit(":", 1)[0].strip("[]")).zone
        j.text = Msg("the reflector in {zone} saw our traffic from {observed}, which is not on the zone's "
                     "egress_allowlisted ({allowed})", zone=zone.name if zone else "?",
                     observed=_side(bad, "observed", "ip"),
                     allowed=", ".join(map(str, zone.egress_allowlisted)) if zone and zone.egress_allowlisted
                     else Msg("none declared"))
    return j


_JUDGES = {
    "reachable": _reachable,
    "within_timeout": _within_timeout,
    "source_port_preserved": _reflect("port_preserved", True, _port_text),
    "no_nat": _reflect("nat", False, _nat_text),
    "private_dns": _private_dns,
    "internal_route": _internal_route,
    "reverse_reachable": _reverse_reachable,
    "egress_ip_allowlisted": _egress_allowlisted,
}
