"""What a probe run will contact, shown before anything is sent.

Probing is the one thing migready does to other people's networks, so, like
`terraform plan`, the run is shown first: every address, port, protocol and
check, grouped by zone, with totals.  It is read from the very `Plan` that
`run_probes` hands to the agent (`build_plan`), so what is shown is what runs;
checks decided without the agent (no reflector, peer-side callbacks) are
listed as "not run" because the run records them too.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Callable, Optional
from urllib.parse import urlsplit

from ..text.i18n import Msg, N_, _, ngettext, shown
from ..text.labels import label
from ..inventory.model import Inventory
from .plans import Plan, build_plan

NO_ZONE = N_("(no zone)")  # the zone key of contacts in no zone (JSON keeps it); shown as _(NO_ZONE)
# Checks that send nothing over the network: the agent reads the host itself.
LOCAL_CHECKS = {"host_facts": N_("facts about the staging host itself"),
                "route": N_("routing-table lookup on the staging host, no packet sent")}


@dataclass(frozen=True)
class Contact:
    id: str  # the probe's id in the plan and in the stored run
    check: str
    dependency: str | None
    target: str | None
    address: str | None  # what receives packets (None: nothing is sent)
    port: int | None
    protocol: str
    zone: str
    source_port: int | None = None
    note: str = ""

    @property
    def sends(self) -> bool:
        return self.address is not None


@dataclass
class PlanView:
    host: str
    phase: str
    contacts: list[Contact]
    not_run: list[dict]  # {"check", "dependency", "reason", "detail"}
    # The vantage hosts' SSH sessions: {"host", "address", "port", "requests", "calls": [address],
    # "ports": ["tcp/27777"]}; each runs an agent that listens there and calls the staging host back.
    vantage: list[dict] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Results the run will store: the probes plus the checks decided without the agent."""
        return len(self.contacts) + len(self.not_run)

    def totals(self) -> dict:
        sending = [c for c in self.contacts if c.sends]
        return {"probes": len(self.contacts), "sending": len(sending), "not_run": len(self.not_run),
                "results": self.total, "addresses": len({c.address for c in sending}),
                "ports": len({(c.protocol, c.port) for c in sending if c.port}),
                "zones": len({c.zone for c in sending})}

    def zones(self) -> dict[str, list[Contact]]:
        grouped: dict[str, list[Contact]] = {}
        for c in self.contacts:
            if c.sends:
                grouped.setdefault(c.zone, []).append(c)
        return grouped

    def to_dict(self) -> dict:
        return {"host": self.host, "phase": self.phase, "totals": self.totals(),
                "probes": [dict(asdict(c), sends=c.sends) for c in self.contacts], "not_run": self.not_run,
                "vantage": self.vantage}

    def summary(self) -> str:
        """One line: how much, where (the probe prompt and the GUI dialog title it), in the reader's
        language (presentation)."""
        t = self.totals()
        zones = _(", ").join(_("{zone} ({addresses})").format(zone=_zone_name(zone),
                                                             addresses=len({c.address for c in cs}))
                             for zone, cs in self.zones().items())
        counts = {"phase": label("run_phase", self.phase), "host": self.host, "probes": _probes(t["probes"]),
                  "sending": t["sending"], "addresses": _addresses(t["addresses"]), "ports": _ports(t["ports"])}
        if zones:
            return _("{phase} run from {host}: {probes} ({sending} sending) to {addresses} on {ports} "
                     "in {zones}").format(zones=zones, **counts)
        return _("{phase} run from {host}: {probes} ({sending} sending) to {addresses} on {ports}").format(**counts)

    def lines(self) -> list[str]:
        """The plan as `migready plan` prints it, in the reader's language; addresses, ports, checks and
        dependencies are data."""
        out = [_("plan: {summary}").format(summary=self.summary())]
        sending = [c for c in self.contacts if c.sends]
        # Columns as wide as their longest value (an IPv6 address or a long name stays in line).
        wide = [max([len(text) for text in column] + [minimum]) for column, minimum in (
            ([str(c.address) for c in sending], 15), ([_where(c) for c in sending], 9), ([c.check for c in sending], 12))]
        for zone, contacts in self.zones().items():
            addresses = len({c.address for c in contacts})
            out.append(_("zone {zone}: {addresses}, {probes}").format(
                zone=_zone_name(zone), addresses=_addresses(addresses), probes=_probes(len(contacts))))
            for c in sorted(contacts, key=lambda c: (_sort_ip(c.address), c.port or 0, c.check)):
                extra = _(" from source port {port}").format(port=c.source_port) if c.source_port else ""
                out.append(f"  {c.address:<{wide[0]}}  {_where(c):<{wide[1]}}  {c.check:<{wide[2]}}  "
                           f"{c.dependency or ''}{extra}".rstrip())
        for v in self.vantage:
            out.append(_("vantage host {host}: a second SSH session for this run; its agent listens on "
                         "{address}:{port}/tcp for {requests} and calls back {calls} on {ports}").format(
                host=v["host"], address=v["address"], port=v["port"],
                requests=ngettext("{n} call-back request", "{n} call-back requests", v["requests"]).format(
                    n=v["requests"]),
                calls=_(", ").join([*v["calls"], _("the address each request comes from")]),
                ports=_(", ").join(v["ports"]) or "-"))
        local = [c for c in self.contacts if not c.sends]
        if local:
            out.append(_("on the staging host only (nothing sent): {checks} ({names})").format(
                checks=ngettext("{n} check", "{n} checks", len(local)).format(n=len(local)),
                names=", ".join(sorted({c.check for c in local}))))
        for n in self.not_run:
            out.append(_("not run: {check} {dependency}: {detail}").format(
                check=n["check"], dependency=n["dependency"] or "", detail=shown(n["detail"])))
        t = self.totals()
        out.append(_("totals: {results} ({probes}, {not_run} not run); {addresses}, {ports}, {zones}").format(
            results=ngettext("{n} result", "{n} results", t["results"]).format(n=t["results"]),
            probes=_probes(t["probes"]), not_run=t["not_run"], addresses=_addresses(t["addresses"]),
            ports=_ports(t["ports"]), zones=ngettext("{n} zone", "{n} zones", t["zones"]).format(n=t["zones"])))
        return out


def view_plan(inventory: Inventory, plan: Plan, zones: Optional[dict] = None) -> PlanView:
    """What `plan` contacts, in words.  `zones`: a dict kept across the views of one fan-out (each
    address's zone, found once: a pool's hosts are sent the same targets)."""
    zones = {} if zones is None else zones

    def zone(address: str) -> str:
        name = zones.get(address)
        if name is None:
            name = zones[address] = _zone(inventory, address)
        return name

    contacts = [_contact(zone, p) for p in plan.probes]
    not_run = [{"check": u["check"], "dependency": u["meta"].get("dependency"), "reason": u["reason"],
                "detail": u["detail"]} for u in plan.unrunnable]
    return PlanView(plan.host, plan.phase, contacts, not_run, _vantage(plan))


def view_plans(inventory: Inventory, plans: list[tuple[str, str, Plan]]) -> list[tuple[str, str, PlanView]]:
    """Each (label, pool, plan) of a fan-out as (label, pool, view).  Hosts whose plans probe the same
    things (a pool's nodes, as a rule) share one list of contacts: a pool of 300 nodes and 1,000
    targets made 600,000 contacts to print the one line a run starts with."""
    zones: dict = {}  # each address's zone, found once for the whole fan-out
    views: list[tuple[str, str, PlanView]] = []
    last: Optional[tuple[Plan, PlanView]] = None
    for name, pool, plan in plans:
        if last is not None and (plan.probes, plan.unrunnable, plan.vantage) == \
                (last[0].probes, last[0].unrunnable, last[0].vantage):
            view = PlanView(plan.host, plan.phase, last[1].contacts, last[1].not_run, last[1].vantage)
        else:
            view = view_plan(inventory, plan, zones)
            last = (plan, view)
        views.append((name, pool, view))
    return views


def plan_fleet(inventory: Inventory, hosts: list, phase: str, jobs: int = 32) -> tuple[dict[str, Plan], FleetPlanView]:
    """Each host's plan, by its spec, and what the fan-out contacts in words (the CLI's plan line and
    `migready plan`, the window's fleet plan).  `hosts`: FleetHost (label, pool, spec)."""
    plans = {h.spec: build_plan(inventory, h.spec, phase, jobs=jobs) for h in hosts}
    return plans, FleetPlanView(phase, view_plans(inventory, [(h.label, h.pool, plans[h.spec]) for h in hosts]))


def _where(c: Contact) -> str:
    return f"{c.protocol}/{c.port}" if c.port else c.protocol


def _vantage(plan: Plan) -> list[dict]:
    """The vantage hosts the run opens an SSH session to, where each listens, and whom it calls back
    (the plan's own record; its token is a secret and stays out)."""
    found = []
    for host, serve in sorted(getattr(plan, "vantage", {}).items()):
        ports = sorted({f"{p.get('protocol', 'tcp')}/{p.get('port')}" for p in plan.probes
                        if p["check"] == "callback" and p.get("reflector_host") == serve["address"]
                        and p.get("reflector_port") == serve["port"]})
        calls = [cidr[:-3] if cidr.endswith("/32") else cidr[:-4] if cidr.endswith("/128") else cidr
                 for cidr in serve.get("allow", [])]
        found.append({"host": host, "address": serve["address"], "port": serve["port"],
                      "requests": serve.get("expect", 0), "calls": calls, "ports": ports})
    return found


def _contact(zone: Callable[[str], str], probe: dict) -> Contact:
    meta = probe.get("meta") or {}
    check = probe["check"]
    common = {"id": probe["id"], "check": check, "dependency": meta.get("dependency"),
              "target": meta.get("target")}
    if check in LOCAL_CHECKS:
        return Contact(address=None, port=None, protocol="local", zone=NO_ZONE, note=Msg(LOCAL_CHECKS[check]),
                       **common)
    if check == "dns":
        # the query goes to the staging host's own resolver, which may forward it
        return Contact(address=probe["name"], port=None, protocol="dns", zone=zone(probe["name"]),
                       note=Msg("name resolved by the staging host's resolver"), **common)
    if check == "reflect":
        host = probe["reflector_host"]
        stun = probe.get("reflector_protocol") == "stun"  # a STUN server such as coturn
        return Contact(address=host, port=probe["reflector_port"], protocol=probe.get("protocol", "udp"),
                       zone=zone(host), source_port=probe.get("source_port"),
                       note=Msg("STUN Binding request: the server's XOR-MAPPED-ADDRESS is the source it saw")
                       if stun else "", **common)
    if check == "callback":
        # the request goes to the peer zone's reflector (or vantage host), which calls the listener back
        host = probe["reflector_host"]
        return Contact(address=host, port=probe["reflector_port"], protocol="tcp", zone=zone(host),
                       note=Msg("asks it to call back on {protocol} port {port}", protocol=probe.get("protocol", "tcp"),
                                port=probe.get("port")),
                       **common)
    if check == "http":
        url = urlsplit(probe["url"])
        port = url.port or (443 if url.scheme == "https" else 80)
        return Contact(address=url.hostname, port=port, protocol=url.scheme, zone=zone(url.hostname),
                       **common)
    protocol = "udp" if check == "udp_exchange" else "tcp"
    return Contact(address=probe["host"], port=probe.get("port"), protocol=protocol,
                   zone=zone(probe["host"]), source_port=probe.get("source_port"), **common)


def _zone(inventory: Inventory, address: str) -> str:
    zone = inventory.zone_of_target(address)
    return zone.name if zone else NO_ZONE


def _sort_ip(address: str | None):
    from ..inventory.model import parse_ip

    ip = parse_ip(address or "")
    return (0, ip.version, int(ip), "") if ip is not None else (1, 0, 0, address or "")


def _zone_name(zone: str) -> str:
    return _(NO_ZONE) if zone == NO_ZONE else zone  # a zone's name is data


def _probes(n: int) -> str:
    return ngettext("{n} probe", "{n} probes", n).format(n=n)


def _addresses(n: int) -> str:
    return ngettext("{n} address", "{n} addresses", n).format(n=n)


def _ports(n: int) -> str:
    return ngettext("{n} port", "{n} ports", n).format(n=n)


@dataclass
class FleetPlanView:
    """The plan over many staging hosts: one `PlanView` per host, and the totals of the whole run."""

    phase: str
    hosts: list  # (label, pool, PlanView)

    def totals(self) -> dict:
        views = [v for _l, _p, v in self.hosts]
        sending = [c for v in views for c in v.contacts if c.sends]
        return {"hosts": len(views), "probes": sum(len(v.contacts) for v in views),
                "sending": len(sending), "not_run": sum(len(v.not_run) for v in views),
                "results": sum(v.total for v in views), "addresses": len({c.address for c in sending}),
                "ports": len({(c.protocol, c.port) for c in sending if c.port})}

    def to_dict(self) -> dict:
        return {"phase": self.phase, "totals": self.totals(),
                "hosts": [dict(v.to_dict(), name=name, pool=pool or None) for name, pool, v in self.hosts]}

    def summary(self) -> str:
        t = self.totals()
        return _("{phase} run from {hosts}: {probes} ({sending} sending) to {addresses} on {ports}").format(
            phase=label("run_phase", self.phase),
            hosts=ngettext("{n} staging host", "{n} staging hosts", t["hosts"]).format(n=t["hosts"]),
            probes=_probes(t["probes"]), sending=t["sending"], addresses=_addresses(t["addresses"]),
            ports=_ports(t["ports"]))

    def lines(self) -> list[str]:
        """Per host one line (and the whole plan of a host whose plan differs from the first's), the
        first host's plan in full, then the totals of the run."""
        out = [_("plan: {summary}").format(summary=self.summary())]
        first = self.hosts[0][2] if self.hosts else None
        for name, pool, view in self.hosts:
            t = view.totals()
            where = _("{host} (pool {pool})").format(host=name, pool=pool) if pool else name
            out.append(_("  host {host}: {probes} ({sending} sending), {not_run} not run").format(
                host=where, probes=_probes(t["probes"]), sending=t["sending"], not_run=t["not_run"]))
        for index, (name, _pool, view) in enumerate(self.hosts):
            if index == 0 or _shape(view) != _shape(first):
                out.append("")
                out.append(_("from {host}:").format(host=name) if index else
                           _("from {host} (every other host runs the same plan unless shown below):").format(host=name))
                out += ["  " + line for line in view.lines()[1:]]
        t = self.totals()
        out.append("")
        out.append(_("run totals: {hosts}, {results} ({probes}, {not_run} not run); {addresses}, {ports}").format(
            hosts=ngettext("{n} staging host", "{n} staging hosts", t["hosts"]).format(n=t["hosts"]),
            results=ngettext("{n} result", "{n} results", t["results"]).format(n=t["results"]),
            probes=_probes(t["probes"]), not_run=t["not_run"], addresses=_addresses(t["addresses"]),
            ports=_ports(t["ports"])))
        return out


def _shape(view: PlanView) -> list:
    return [(c.check, c.address, c.port, c.protocol, c.source_port) for c in view.contacts] + \
        [(n["check"], n["dependency"], n["reason"]) for n in view.not_run]
