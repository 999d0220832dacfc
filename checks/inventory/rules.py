"""Risk flags: the dependencies ordinary HTTP health checks miss.

Each rule is one small function registered with its id, severity, the
incident it comes from (DESIGN.md) and what clears it.  A rule yields one
`Flag` per dependency it fires on, and its message always says *why* it
fired, naming the service, the dependency and the fact that triggered it.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Callable, Iterator

from .. import collector
from ..text.i18n import Msg, MsgN, N_
from ..text.labels import term
from .model import NON_HTTP_EXEMPT, Dependency, Inventory, parse_ip
from .zones import INSIDE_KINDS, ZoneMap

SEVERITIES = ("blocker", "high", "medium", "low", "info")
SEVERITY_RANK = {name: rank for rank, name in enumerate(reversed(SEVERITIES))}  # info=0 .. blocker=4
MIDDLEWARE_LIKE = {"service", "middleware", "database"}


@dataclass(frozen=True)
class Flag:
    rule: str
    title: str
    severity: str
    service: str
    dependency: str
    message: str
    incident: int
    cleared_by: str

    @property
    def ref(self) -> str:
        return f"{self.service}/{self.dependency}"

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    severity: str
    incident: int
    cleared_by: str
    check: Callable[[Inventory, Dependency], Iterator[tuple[str, str | None]]]
    doc: str


RULES: list[Rule] = []


def rule(id: str, title: str, severity: str, incident: int, cleared_by: str):
    """Register a rule.  It yields ``message`` or ``(message, severity)`` (None: the rule's own), each
    message a `Msg`.  The title (extracted by the ``rule:2`` keyword) and `cleared_by` (marked ``N_``)
    become `Msg`s: they are signed in English and shown in the reader's language."""

    def register(fn):
        RULES.append(Rule(id, Msg(title), severity, incident, Msg(cleared_by), fn, (fn.__doc__ or "").strip()))
        return fn

    return register


def evaluate(inventory: Inventory) -> list[Flag]:
    """Every flag of every rule, most severe first, then in file order (the collector paused while their
    sentences are built: checks/collector.py)."""
    with collector.paused():
        return _evaluate(inventory)


def _evaluate(inventory: Inventory) -> list[Flag]:
    flags = []
    for dep in inventory.dependencies():
        for r in RULES:
            for fired in r.check(inventory, dep):
                message, severity = fired if isinstance(fired, tuple) else (fired, None)
                severity = severity or r.severity
                flags.append(
                    Flag(r.id, r.title, severity, dep.service, dep.name,
                         Msg("{ref}: {message}", ref=dep.ref, message=message), r.incident, r.cleared_by)
                )
    flags.sort(key=lambda f: -SEVERITY_RANK[f.severity])  # stable: file order within a severity
    return flags


def at_or_above(flags: list[Flag], severity: str) -> list[Flag]:
    floor = SEVERITY_RANK[severity]
    return [f for f in flags if SEVERITY_RANK[f.severity] >= floor]


def _describe(dep: Dependency) -> Msg:
    what = term("device_type", dep.device_type) if dep.device_type else term("kind", dep.kind)
    if dep.effective_port:
        return Msg("{what} over {protocol}/{port}", what=what, protocol=dep.protocol, port=dep.effective_port)
    return Msg("{what} over {protocol}", what=what, protocol=dep.protocol)


# --- the rules ------------------------------------------------------------------------------


@rule("MR001", "non-HTTP device dependency", "high", 1,
      N_("probe: reachable from the target staging host (tcp_connect / udp_exchange), pre and post"))
def non_http_device(inv: Inventory, dep: Dependency):
    """Store devices speak raw TCP/UDP; an HTTP health check never touches them (incident 1)."""
    if dep.kind == "device" and dep.protocol not in NON_HTTP_EXEMPT:
        if dep.vendor:
            yield Msg("{what} ({vendor}): HTTP health checks never exercise this path",
                      what=_describe(dep), vendor=dep.vendor)
        else:
            yield Msg("{what}: HTTP health checks never exercise this path", what=_describe(dep))


@rule("MR002", "fixed source port across NAT", "blocker", 1,
      N_("probe: reflect from the target staging host shows port_preserved=true; "
         "or manual: vendor confirms the device accepts rewritten source ports"))
def fixed_source_port_nat(inv: Inventory, dep: Dependency):
    """The peer checks the source port (TopScale SDK port); NAT rewrites it (incident 1: error 266)."""
    target = inv.migration.target
    wants_port = dep.source_port is not None or "source_port_preserved" in dep.requires
    if wants_port and target.egress_nat:
        facts = {"site": target.site, "mode": target.network_mode}
        if dep.source_port and target.network_mode:
            yield Msg("the peer checks source port {port}, and target site '{site}' NATs its egress ({mode}): "
                      "the port may be rewritten", port=dep.source_port, **facts)
        elif dep.source_port:
            yield Msg("the peer checks source port {port}, and target site '{site}' NATs its egress: "
                      "the port may be rewritten", port=dep.source_port, **facts)
        elif target.network_mode:
            yield Msg("the peer checks its source port, and target site '{site}' NATs its egress ({mode}): "
                      "the port may be rewritten", **facts)
        else:
            yield Msg("the peer checks its source port, and target site '{site}' NATs its egress: "
                      "the port may be rewritten", **facts)
    elif dep.source_port is not None:
        # Not NAT-ed on paper: still worth proving, the inventory may be wrong about the network.
        yield (Msg("the peer checks source port {port}; target site '{site}' is declared without egress NAT, "
                   "prove it with a reflect probe", port=dep.source_port, site=target.site), "medium")


@rule("MR003", "UDP across NAT", "high", 1,
      N_("probe: udp_exchange answered and reflect shows no translation from the target staging host"))
def udp_across_nat(inv: Inventory, dep: Dependency):
    """UDP through NAT loses conntrack state and source ports; replies may never come back (incident 1)."""
    if dep.protocol == "udp" and inv.migration.target.egress_nat:
        yield Msg("UDP to port {port} will cross the NAT of target site '{site}'",
                  port=dep.port, site=inv.migration.target.site)


@rule("MR004", "internal dependency addressed publicly", "high", 2,
      N_("probe: from the target staging host, dns answers lie in internal zones (private space if no zone "
         "matches) and the route does not leave via a declared NAT gateway or egress zone"))
def internal_by_public_address(inv: Inventory, dep: Dependency):
    """An 'internal' call addressed outside the internal zones goes out through the NAT gateway (incident 2).

    Placed like probe evidence (checks/inventory/zones.py): an address in an external zone,
    or a name under an external zone's domain, is outside even in non-global
    space; a public address inside a declared internal CIDR is not.
    """
    zone = inv.zone_of(dep)
    internal = (zone is not None and zone.kind in INSIDE_KINDS) or "internal_route" in dep.requires
    if not internal:
        return
    zones = ZoneMap.of(inv)
    for target in dep.targets[:1000]:
        placed = zones.place(target)
        if placed.inside or placed.address_class == "name" and placed.zone is None:
            continue
        if parse_ip(target) is None:
            yield Msg("declared internal, but '{target}' is a name in {where}: "
                      "it may resolve to a public address and leave through the NAT gateway",
                      target=target, where=placed.label)
        elif placed.zone is not None:
            yield Msg("declared internal, but {target} lies in {where}: the call leaves the internal network",
                      target=target, where=placed.label)
        elif placed.address_class == "public":
            yield Msg("declared internal, but {target} is a public address: the call leaves the internal network",
                      target=target)
        else:
            continue
        return


@rule("MR005", "no timeout budget", "medium", 2,
      N_("inventory: set timeout_ms; a rehearsal (migready rehearse, requirement fails_fast) proves the client "
         "applies it"))
def no_timeout(inv: Inventory, dep: Dependency):
    """Without a client timeout nothing fails fast; a slow peer stalls callers (incidents 2 and 3)."""
    if dep.kind in MIDDLEWARE_LIKE and dep.timeout_ms is None:
        if dep.in_request_path:
            yield Msg("{what} is in the request path and declares no timeout_ms", what=_describe(dep)), "high"
        else:
            yield Msg("{what} declares no timeout_ms", what=_describe(dep))


@rule("MR006", "middleware in the request path", "high", 3,
      N_("rehearsal: migready rehearse (requirement fails_fast) breaks the dependency on the staging host and "
         "shows the request path fails fast or degrades gracefully"))
def middleware_in_request_path(inv: Inventory, dep: Dependency):
    """A synchronous publish to Kafka made checkout slow when the cluster went down (incident 3)."""
    if dep.kind == "middleware" and dep.in_request_path:
        if dep.timeout_ms:
            yield Msg("{kind} {protocol} is called synchronously in the request path (timeout {timeout_ms} ms)",
                      kind=term("kind", dep.kind), protocol=dep.protocol, timeout_ms=dep.timeout_ms)
        else:
            yield Msg("{kind} {protocol} is called synchronously in the request path (no timeout)",
                      kind=term("kind", dep.kind), protocol=dep.protocol)


@rule("MR007", "inbound or bidirectional dependency", "high", 5,
      N_("probe: callback (reverse_reachable) - a reflector in the peer's zone calls the target staging host "
         "back on this port, plus the forward connect for direction both; manual: callbacks and firewall "
         "rules updated for the new addresses"))
def inbound_dependency(inv: Inventory, dep: Dependency):
    """The scheduler server called workers back on their own port; outbound checks never see it (incident 5)."""
    site = inv.migration.target.site
    if dep.direction == "inbound":
        yield Msg("the peer calls in to this service (direction {direction}): reachability must hold toward the "
                  "new site '{site}' as well", direction=dep.direction, site=site)
    elif dep.direction == "both":
        yield Msg("the peer is called by and calls this service (direction {direction}): reachability must hold "
                  "toward the new site '{site}' as well", direction=dep.direction, site=site)


@rule("MR008", "peer allowlists the source address", "high", 1,
      N_("manual: the peer's allowlist includes the target site's egress addresses; probe: reflect shows "
         "the observed source address"))
def allowlisted_source(inv: Inventory, dep: Dependency):
    """A peer that filters by source address rejects the new site's (or its NAT's) address."""
    if dep.allowlisted_source:
        target = inv.migration.target
        if target.egress_nat:
            yield (Msg("the peer accepts only known source addresses; site '{site}' will reach it from "
                       "new addresses through its NAT", site=target.site), "blocker")
        else:
            yield (Msg("the peer accepts only known source addresses; site '{site}' will reach it from "
                       "new addresses", site=target.site), None)


@rule("MR009", "device fleet probed only by sample", "low", 1,
      N_("manual: accept the sample, or raise `sample` to cover every device"))
def fleet_sampled(inv: Inventory, dep: Dependency):
    """41% of scales failed while the rest worked: a sample can miss the broken part of a fleet (incident 1)."""
    if dep.is_fleet and dep.probed_count < len(dep.targets):
        yield MsgN("only {probed} of {n} target will be probed; failures limited to one vendor or store can hide",
                   "only {probed} of {n} targets will be probed; failures limited to one vendor or store can hide",
                   len(dep.targets), probed=dep.probed_count)


@rule("MR010", "requirement without a reflector", "high", 1,
      N_("inventory: add a reflector to the zone (run `migready reflector` on a host there)"))
def no_reflector(inv: Inventory, dep: Dependency):
    """Port preservation and NAT are only visible through a reflector in the peer's zone."""
    needs = sorted({"source_port_preserved", "no_nat", "egress_ip_allowlisted"} & set(dep.requires))
    if not needs:
        return
    zone = inv.zone_of(dep)
    if zone is None:
        yield Msg("requires {needs} but its target is in no declared zone, so no reflector can prove it",
                  needs=", ".join(needs))
    elif not zone.reflectors:
        yield Msg("requires {needs} but zone '{zone}' has no reflector to prove it",
                  needs=", ".join(needs), zone=zone.name)
