"""Where an address lies in the inventory's own network model (incident 2).

The agent reports facts: a DNS answer, a route's gateway and source, the
address a reflector saw.  Whether such an address is "internal" is decided
here, against the zones the inventory declares, because `ipaddress` alone
cannot know it: companies run public space internally, and DDoS-protected
edges and carrier-grade NAT use non-global ranges (198.18.0.0/15,
100.64.0.0/10).  In incident 2 an "internal" name resolved, from the new VPC,
to the protected public edge and left through a rate-limited NAT gateway;
only the inventory can say that the answer is outside.

Placement rules, in order:

1. an address goes to the zone with the most specific CIDR holding it;
2. a name (or an answer no CIDR claims, for the name it answered) goes to the
   zone with the longest matching domain suffix - but an answer is only ever
   pushed *outside* by its name: a name under an internal domain proves
   nothing about where its answer goes, which is the whole of incident 2;
3. otherwise the address class decides (private / loopback / public / other).

A site's egress (where traffic leaves through NAT) is declared with
`egress_nat`, `nat_gateways` (addresses or CIDRs) and zones of kind `egress`.
Nothing here imports Qt or touches the network.
"""
from __future__ import annotations

import functools
import ipaddress
from dataclasses import dataclass
from typing import Iterable, Optional

from ..text.i18n import Msg
from .model import Inventory, Site, Zone, parse_ip

INSIDE_KINDS = ("internal", "store")  # zones whose traffic must stay on internal paths
INSIDE_CLASSES = ("private", "loopback")  # the fallback when no zone claims an address

# The words for address classes and zone kinds inside sentences (the ids stay in files and JSON).
WORDS = {"private": Msg("private"), "loopback": Msg("loopback"), "public": Msg("public"), "other": Msg("other"),
         "name": Msg("name"), "non-public": Msg("non-public"), "internal": Msg("internal"), "store": Msg("store"),
         "external": Msg("external"), "egress": Msg("egress")}


def word(value: str):
    """An address class or zone kind as a word of a sentence (a `Msg`); anything else is data."""
    return WORDS.get(value, value)


def address_class(ip) -> str:
    """private | loopback | public | other: the fallback when no zone matches (as the agent's class)."""
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local or ip.is_multicast or ip.is_unspecified or ip.is_reserved:
        return "other"
    if ip.is_private:
        return "private"
    return "public" if ip.is_global else "other"


@dataclass(frozen=True)
class Placement:
    """One address (or name) placed: its zone, else its address class."""

    address: str
    zone: Optional[Zone]
    address_class: str  # private | loopback | public | other | name (a name no domain claims)
    by: str  # cidr | domain | class

    @property
    def inside(self) -> bool:
        """In an internal or store zone; with no zone, in private or loopback space."""
        if self.zone is not None:
            return self.zone.kind in INSIDE_KINDS
        return self.address_class in INSIDE_CLASSES

    @functools.cached_property  # one sentence per placement (placements are shared: ZoneMap.place)
    def label(self) -> str:
        """'zone idc (internal)' or 'public, in no zone'."""
        if self.zone is not None:
            return Msg("zone {zone} ({kind})", zone=self.zone.name, kind=word(self.zone.kind))
        return Msg("{address_class}, in no zone", address_class=word(self.address_class))

    @property
    def region(self) -> str:
        """What a move is judged by: the zone's name, else the address class."""
        return f"zone:{self.zone.name}" if self.zone is not None else f"class:{self.address_class}"

    def __str__(self) -> str:
        return Msg("{address}, {where}", address=self.address, where=self.label)


class ZoneMap:
    """The inventory's zones and sites, ready to place addresses and judge egress."""

    def __init__(self, zones: Iterable[Zone] = (), source: Optional[Site] = None,
                 target: Optional[Site] = None) -> None:
        self.zones = list(zones)
        self.sites = {"pre": source, "post": target}
        # (prefix length, declaration order) -> most specific first, first declared on a tie
        self._nets = sorted(((net, i, zone) for i, zone in enumerate(self.zones) for net in zone.cidrs),
                            key=lambda t: (-t[0].prefixlen, t[1]))
        self._domains = sorted(((_suffix(d), i, zone) for i, zone in enumerate(self.zones) for d in zone.domains),
                               key=lambda t: (-len(t[0]), t[1]))
        self._placed: dict[tuple, Placement] = {}

    @classmethod
    def of(cls, inventory: Optional[Inventory]) -> "ZoneMap":
        """The map of an inventory (built once per inventory object), or an empty map."""
        if inventory is None:
            return cls()
        cached = _CACHE.get(id(inventory))
        if cached is not None and cached[0] is inventory:
            return cached[1]
        built = cls(inventory.zones, inventory.migration.source, inventory.migration.target)
        if len(_CACHE) > 8:
            _CACHE.clear()
        _CACHE[id(inventory)] = (inventory, built)
        return built

    # -- placement -----------------------------------------------------------------------------

    def zone_of_ip(self, ip) -> Optional[Zone]:
        for net, _, zone in self._nets:
            if ip.version == net.version and ip in net:
                return zone
        return None

    def zone_of_name(self, name: str) -> Optional[Zone]:
        name = name.lower().rstrip(".")
        for suffix, _, zone in self._domains:
            if name == suffix or name.endswith("." + suffix):
                return zone
        return None

    def zone_of_target(self, target: str) -> Optional[Zone]:
        """A target as written in the inventory: by CIDR for an address, by domain for a name."""
        ip = parse_ip(target)
        return self.zone_of_name(target) if ip is None else self.zone_of_ip(ip)

    def place(self, address: str, name: Optional[str] = None) -> Placement:
        """Place an address (a DNS answer for `name`, a gateway, an observed source) or a name.  Remembered
        per map: a 10k-item report places the same few thousand addresses ~32,000 times, and `verify`
        does it again when it re-judges (a Placement is frozen, so sharing one is safe)."""
        key = (address, name)
        placed = self._placed.get(key)
        if placed is None:
            placed = self._placed[key] = self._place(address, name)
        return placed

    def _place(self, address: str, name: Optional[str]) -> Placement:
        ip = parse_ip(_strip_scope(address))
        if ip is None:
            zone = self.zone_of_name(address)
            return Placement(address, zone, "name", "domain" if zone else "class")
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        zone = self.zone_of_ip(ip)
        if zone is not None:
            return Placement(address, zone, address_class(ip), "cidr")
        by_name = self.zone_of_name(name) if name and parse_ip(name) is None else None
        if by_name is not None and by_name.kind not in INSIDE_KINDS:
            return Placement(address, by_name, address_class(ip), "domain")
        return Placement(address, None, address_class(ip), "class")

    # -- egress --------------------------------------------------------------------------------

    def site(self, phase: Optional[str]) -> Optional[Site]:
        return self.sites.get(phase or "")

    def egress_via(self, phase: Optional[str], address: Optional[str]) -> Optional[str]:
        """How `address` (a route's gateway or source) is a declared NAT egress of the phase's site:
        'NAT gateway 198.18.2.254 of site new' / 'egress zone natgw (198.18.2.254)', or None."""
        ip = parse_ip(_strip_scope(address or ""))
        if ip is None:
            return None
        site = self.site(phase)
        if site is not None and any(ip.version == n.version and ip in n for n in site.nat_gateways):
            return Msg("NAT gateway {address} of site '{site}'", address=address, site=site.site)
        zone = self.zone_of_ip(ip)
        if zone is not None and zone.kind == "egress":
            if site is not None:
                return Msg("egress zone {zone} ({address}) of site '{site}'", zone=zone.name, address=address,
                           site=site.site)
            return Msg("egress zone {zone} ({address})", zone=zone.name, address=address)
        return None

    def site_nats(self, phase: Optional[str]) -> Optional[str]:
        """'site new NATs its egress' when the phase's site declares egress_nat, else None."""
        site = self.site(phase)
        if site is not None and (site.egress_nat or site.nat_gateways):
            return Msg("the NAT of site '{site}'", site=site.site)
        return None

    def route_egress(self, route: dict, phase: Optional[str]) -> Optional[str]:
        """How a route probe's path leaves through NAT, or None: a declared NAT gateway or egress
        zone as its gateway or source, or a destination outside every internal zone from a site
        that NATs its egress (egress_nat: everything external shares that exit)."""
        data = route.get("data") or {}
        for address in (data.get("gateway"), data.get("src")):
            via = self.egress_via(phase, address)
            if via:
                return via
        dest = data.get("ip")
        if dest and not self.place(str(dest), route.get("target")).inside:
            return self.site_nats(phase)
        return None


_CACHE: dict[int, tuple[Inventory, ZoneMap]] = {}


def _suffix(domain: str) -> str:
    return domain.lower().strip(".")


def _strip_scope(address: str) -> str:
    """'fe80::1%eth0' -> 'fe80::1' (a scope id is not part of the address)."""
    return address.split("%", 1)[0]
