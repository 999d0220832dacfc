"""Probe plans: from an inventory, the list of checks one staging host must run.

The plan is the JSON document the agent (`checks/probing/agent.py`) reads on stdin.
Every probe carries `meta` (dependency, target, what it proves) which the
agent echoes back, so results can be matched to the inventory without the
agent knowing anything about it.  Checks that cannot be run from the staging
host (no reflector in the zone, no vantage point in the peer's zone for a
call-back) are not dropped: they become `unrunnable` entries that the run
records as inconclusive with the reason, so nothing silently counts as checked.
"""
from __future__ import annotations

import base64
from dataclasses import dataclass, field

from .callback import needs_callback, plan_callback
from ..text.i18n import Msg
from ..inventory.model import Dependency, Inventory, parse_ip
from ..inventory.targets import sample_evenly

PLAN_VERSION = 1
DEFAULT_TIMEOUT_MS = 3000
MAX_TIMEOUT_MS = 30_000
NEUTRAL_UDP_PAYLOAD = b"migready-probe\n"


@dataclass
class Plan:
    host: str
    phase: str
    probes: list[dict] = field(default_factory=list)
    unrunnable: list[dict] = field(default_factory=list)  # results decided without the agent
    jobs: int = 32
    vantage: dict = field(default_factory=dict)  # vantage host spec -> what it serves (checks/probing/callback.py)

    def to_agent(self) -> dict:
        """The plan as the agent reads it.  A probe's `meta` (its dependency, target, requirements)
        stays here: the agent would only echo it back, and it was two thirds of a plan's bytes and a
        third of every result line's (`run_probes` puts it back on each result by the probe's id)."""
        return {"version": PLAN_VERSION, "jobs": self.jobs,
                "probes": [{k: v for k, v in p.items() if k != "meta"} for p in self.probes]}

    def metas(self) -> dict:
        """Each probe's `meta` by its id."""
        return {p["id"]: p.get("meta") or {} for p in self.probes}


def staging_hosts(inventory: Inventory, phase: str) -> tuple[str, ...]:
    """Pre-migration probes run from the source site, post-migration from the target."""
    site = inventory.migration.source if phase == "pre" else inventory.migration.target
    return site.staging_hosts


def build_plan(inventory: Inventory, host: str, phase: str, jobs: int = 32) -> Plan:
    plan = Plan(host=host, phase=phase, jobs=jobs)
    add = _Adder(plan)
    add.probe("host_facts", {"dependency": None, "target": None, "proves": ["host_facts"]})
    for dep in inventory.dependencies():
        _plan_dependency(inventory, dep, add)
    return plan


class _Adder:
    def __init__(self, plan: Plan):
        self.plan = plan

    def probe(self, check: str, meta: dict, **fields) -> None:
        probe = {"id": f"p{len(self.plan.probes) + 1}", "check": check, "meta": meta}
        probe.update({k: v for k, v in fields.items() if v is not None})
        self.plan.probes.append(probe)

    def unrunnable(self, check: str, meta: dict, reason: str, detail: str) -> None:
        self.plan.unrunnable.append({"check": check, "meta": meta, "status": "inconclusive",
                                     "reason": reason, "detail": detail})


def _timeout(dep: Dependency) -> int:
    """Long enough to measure a slow peer against its budget, bounded so a plan finishes."""
    budget = dep.timeout_ms or 0
    return max(DEFAULT_TIMEOUT_MS, min(2 * budget, MAX_TIMEOUT_MS))


def _is_name(target: str) -> bool:
    return parse_ip(target) is None


def _plan_dependency(inventory: Inventory, dep: Dependency, add: _Adder) -> None:
    timeout = _timeout(dep)
    outbound = dep.direction in ("outbound", "both")
    for target in sample_evenly(dep.targets, dep.sample):
        meta = _meta(dep, target)
        if _is_name(target):
            add.probe("dns", dict(meta, proves=["private_dns"]), name=target, timeout_ms=timeout)
        add.probe("route", dict(meta, proves=["internal_route"]), host=target, timeout_ms=timeout)
        if not outbound:
            continue
        proves = ["reachable", "within_timeout"]
        port = dep.effective_port
        if dep.protocol in ("http", "https"):
            url = f"{dep.protocol}://{_url_host(target)}:{port}{dep.path or '/'}"
            add.probe("http", dict(meta, proves=proves), url=url, timeout_ms=timeout)
        elif dep.protocol == "udp":
            add.probe("udp_exchange", dict(meta, proves=proves), host=target, port=port,
                      source_port=dep.source_port, timeout_ms=timeout,
                      payload_b64=_b64(dep.probe_payload or NEUTRAL_UDP_PAYLOAD),
                      expect_b64=_b64(dep.probe_expect) if dep.probe_expect else None)
        else:
            add.probe("tcp_connect", dict(meta, proves=proves), host=target, port=port,
                      source_port=dep.source_port, timeout_ms=timeout)
    if needs_callback(dep):
        plan_callback(inventory, dep, add, timeout)
    _plan_reflect(inventory, dep, add, timeout)


def _plan_reflect(inventory: Inventory, dep: Dependency, add: _Adder, timeout: int) -> None:
    """Port preservation and NAT are properties of the path to a zone: one reflect per dependency."""
    needs = [r for r in ("source_port_preserved", "no_nat", "egress_ip_allowlisted") if r in dep.requires]
    if dep.source_port is not None and "source_port_preserved" not in needs:
        needs.insert(0, "source_port_preserved")
    if not needs:
        return
    meta = dict(_meta(dep, None), proves=needs)
    zone = inventory.zone_of(dep)
    reflectors = zone.reflectors if zone else ()
    protocol = "udp" if dep.protocol == "udp" else "tcp"
    usable = [r for r in reflectors if protocol in r.protocols]
    if not usable:
        where = Msg("zone '{zone}'", zone=zone.name) if zone else Msg("no declared zone")
        add.unrunnable("reflect", meta, "no_reflector",
                       Msg("no {protocol} reflector in {where}: port preservation and NAT cannot be observed",
                           protocol=protocol, where=where))
        return
    reflector = usable[0]
    extra = {"reflector_protocol": "stun"} if reflector.protocol == "stun" else {}  # the agent's STUN client
    add.probe("reflect", dict(meta, target=f"{reflector.host}:{reflector.port}"), protocol=protocol,
              reflector_host=reflector.host, reflector_port=reflector.port,
              source_port=dep.source_port, timeout_ms=timeout, **extra)


def _meta(dep: Dependency, target: str | None) -> dict:
    """What a probe is for: which dependency and target, and what the dependency requires, so the
    recorded status can say good or bad for it (`checks/probing/outcome.py`).  Kept on the host
    side and put back on the probe's result (`Plan.to_agent` leaves it out)."""
    meta = {"dependency": dep.ref, "target": target, "requires": sorted(dep.requires)}
    if dep.timeout_ms:
        meta["budget_ms"] = dep.timeout_ms
    return meta


def _url_host(target: str) -> str:
    return f"[{target}]" if ":" in target else target


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")
