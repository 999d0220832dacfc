"""The inventory as typed objects, built only from a validated document.

These are plain dataclasses with no behaviour beyond derived facts (a
dependency's fleet, its effective zone), so rules, probe planning, the
CLI and the GUI all read the same thing.
"""
from __future__ import annotations

import functools
import ipaddress
from dataclasses import dataclass, field

from ..text.i18n import Msg

NON_HTTP_EXEMPT = frozenset({"http", "https"})
FLEET_FIELDS = ("hosts", "range", "targets_csv")
TARGET_FIELDS = ("host",) + FLEET_FIELDS


@functools.lru_cache(maxsize=1 << 16)
def parse_ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address `text` is, or None for a name.  Cached: rules, zones and probe planning parse
    the same targets again on every review (a third of a 10,000-dependency review, uncached)."""
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


@dataclass(frozen=True)
class HostSource:
    """Staging hosts that are only known when a run starts: an Ansible inventory group, or the pods
    a kubectl selector matches (resolved by checks/probing/hostsources.py, never by the loader)."""

    kind: str  # ansible | kubectl
    path: str = ""  # ansible: the inventory path, resolved against the inventory's folder
    group: str = ""  # ansible: the group ('' = all)
    pool: str = ""  # the pool findings name ('' = the group / the selector)
    selector: str = ""  # kubectl
    namespace: str = ""
    context: str = ""
    container: str = ""
    written: str = ""  # the path / selector as the inventory wrote it, for messages

    @property
    def pool_name(self) -> str:
        return self.pool or self.group or self.selector or self.kind


@dataclass(frozen=True)
class Site:
    site: str
    staging_hosts: tuple[str, ...] = ()  # host specs written in the inventory (pool members and exec: hosts too)
    pools: tuple[tuple[str, str], ...] = ()  # (host spec, pool name) for hosts listed in a pool
    host_sources: tuple[HostSource, ...] = ()  # resolved when a run starts
    host_names: tuple[tuple[str, str], ...] = ()  # (host spec, name) for exec: hosts given a `name`
    egress_nat: bool = False
    nat_gateways: tuple = ()  # ipaddress networks: where this site's egress is translated
    network_mode: str = ""
    notes: str = ""


@dataclass(frozen=True)
class Migration:
    name: str
    source: Site
    target: Site
    cutover: str = ""
    notes: str = ""


@dataclass(frozen=True)
class Change:
    """The change the migration runs under (inventory `change:`): what a change board files it as.
    Every field is optional; empty when not given."""
    ticket: str = ""
    window_start: str = ""
    window_end: str = ""
    rollback_owner: str = ""
    rollback_trigger: str = ""

    def __bool__(self) -> bool:
        return any((self.ticket, self.window_start, self.window_end, self.rollback_owner, self.rollback_trigger))


@dataclass(frozen=True)
class Reflector:
    host: str
    port: int
    protocols: tuple[str, ...] = ("udp", "tcp")
    token_file: str = ""  # as written, relative to the inventory (call-back requests carry the token)
    protocol: str = "migready"  # migready | stun (a STUN server such as coturn: reflect only, no call-backs)


@dataclass(frozen=True)
class VantageHost:
    """A host in a zone, reached over SSH, whose agent calls staging hosts back (incident 5)."""

    host: str  # host spec
    address: str  # where staging hosts reach it
    port: int = 3479


@dataclass(frozen=True)
class Zone:
    name: str
    kind: str  # store | internal | external | egress
    cidrs: tuple = ()  # ipaddress networks
    domains: tuple[str, ...] = ()
    reflectors: tuple[Reflector, ...] = ()
    notes: str = ""
    vantage_hosts: tuple[VantageHost, ...] = ()
    egress_allowlisted: tuple = ()  # ipaddress networks: where this zone's peers accept our traffic from

    def contains_ip(self, ip) -> bool:
        return any(ip.version == net.version and ip in net for net in self.cidrs)

    def contains_name(self, name: str) -> bool:
        name = name.lower().rstrip(".")
        for domain in self.domains:
            suffix = domain.lower().strip(".")
            if name == suffix or name.endswith("." + suffix):
                return True
        return False


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    phase: str
    title: str
    blocker: bool = True
    notes: str = ""


@dataclass(eq=False)
class Dependency:
    service: str
    name: str
    kind: str
    protocol: str
    targets: tuple[str, ...]  # every target address or name, fleets expanded
    target_spec: str  # how the targets were written: "host", "hosts", "range" or "targets_csv"
    device_type: str = ""
    vendor: str = ""
    sample: int | None = None
    port: int | None = None
    path: str = ""
    probe_payload: bytes | None = None  # udp_exchange request, from `probe.payload[_hex]`
    probe_expect: bytes | None = None  # answer prefix meaning success, from `probe.expect`
    direction: str = "outbound"
    zone: str = ""  # as written; see Inventory.zone_of for the effective zone
    source_port: int | None = None
    advertised_address: str = ""  # inbound/both: an address, "observed", or "" (the staging host's own)
    requires: tuple[str, ...] = ()
    timeout_ms: int | None = None
    in_request_path: bool = False
    allowlisted_source: bool = False
    notes: str = ""
    index: tuple[int, int] = (0, 0)  # (service index, dependency index) in the file
    rehearse: tuple[str, ...] | None = None  # as written; see rehearse_faults

    @property
    def ref(self) -> str:
        """Stable reference used everywhere: ``service/dependency``."""
        return f"{self.service}/{self.name}"

    @property
    def is_fleet(self) -> bool:
        return self.target_spec in FLEET_FIELDS and len(self.targets) > 1

    @property
    def probed_count(self) -> int:
        if self.sample is None:
            return len(self.targets)
        return min(self.sample, len(self.targets))

    @property
    def rehearse_faults(self) -> tuple[str, ...]:
        """The faults a rehearsal must inject (incident 3): as declared, else a blackhole for
        middleware called synchronously in the request path, else none."""
        if self.rehearse is not None:
            return self.rehearse
        return ("blackhole",) if self.kind == "middleware" and self.in_request_path else ()

    @property
    def effective_port(self) -> int | None:
        if self.port is not None:
            return self.port
        return {"http": 80, "https": 443}.get(self.protocol)


@dataclass(eq=False)
class Service:
    name: str
    owner: str
    criticality: str = "medium"
    notes: str = ""
    dependencies: list[Dependency] = field(default_factory=list)
    health: str = ""  # http(s):// or tcp:// endpoint on the staging host (rehearsals call it)
    fail_fast_ms: int | None = None  # as written; see fail_fast_budget

    @property
    def fail_fast_budget(self) -> tuple[int, str]:
        """(milliseconds, where the number comes from): how fast the health endpoint must answer
        while a dependency is broken.  Declared, else the largest timeout_ms in the request path
        plus a margin (half of it, at least 250 ms), else 1000 ms."""
        if self.fail_fast_ms is not None:
            return self.fail_fast_ms, "fail_fast_ms"
        budgets = [d.timeout_ms for d in self.dependencies if d.in_request_path and d.timeout_ms]
        if budgets:
            largest = max(budgets)
            margin = max(250, largest // 2)
            return largest + margin, Msg("the largest request-path timeout_ms {largest} + a {margin} ms margin",
                                         largest=largest, margin=margin)
        return 1000, Msg("default (no fail_fast_ms, no request-path timeout_ms)")


@dataclass(eq=False)
class Inventory:
    path: str
    digest: str  # sha256 of the file bytes
    migration: Migration
    zones: list[Zone]
    services: list[Service]
    signoff_roles: tuple[str, ...] = ()
    require_attested_runs: bool = False
    checklist: tuple[ChecklistItem, ...] = ()
    change: Change = Change()

    def dependencies(self):
        for service in self.services:
            yield from service.dependencies

    def zone_named(self, name: str) -> Zone | None:
        for zone in self.zones:
            if zone.name == name:
                return zone
        return None

    def zone_of_target(self, target: str) -> Zone | None:
        """The zone a target falls in: by the most specific CIDR for addresses, by the longest
        domain suffix for names (checks/inventory/zones.py)."""
        from .zones import ZoneMap  # zones builds on this module

        return ZoneMap.of(self).zone_of_target(target)

    def zone_of(self, dep: Dependency) -> Zone | None:
        """The declared zone, else the zone of the first target."""
        if dep.zone:
            return self.zone_named(dep.zone)
        return self.zone_of_target(dep.targets[0]) if dep.targets else None
