"""Observed connections against the inventory: what is missing on either side.

Every peer is placed in a zone by CIDR (or by domain for a peer known only
by name) and matched to the dependencies of the compared services by
address, transport (tcp/udp), port and direction.  Then:

* ``undocumented``: seen, matching no dependency.  High in a store zone
  (devices nobody listed: incident 1's kind of dependency), medium elsewhere.
  Incident 4: forgotten nodes are found by the connections they still make.
* ``inbound``: a peer connects IN that no inbound dependency declares: listed
  as an outbound peer only, or not listed at all.  After the move such a call
  lands on the old site or nowhere (incident 5), or it is a forgotten node
  still talking (incident 4).  High: recorded in a workspace, it blocks the
  verdict until it is declared or waived.  An SSH login (port 22, or the SSH
  server the discovery ran through) is a person, not a dependency: medium.
* ``unseen``: a dependency target never seen during the window.  Info: it
  may simply have been idle.
* ``unused-listener``: a listening socket on a port no inbound dependency
  declares and no undeclared caller was seen on (that caller's finding says
  it).  Low.

Loopback, link-local and multicast peers are not dependencies and are only
counted.  Dependencies written as names are compared through the addresses
the names resolved to on the sampled host (`Observation.resolved`), or by
name for exports that carry names (Azure).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Iterable, Optional

from ..text.i18n import Msg, MsgN, _, ngettext, shown
from ..text.labels import label, term
from ..inventory.model import Dependency, Inventory
from ..inventory.rules import SEVERITIES, SEVERITY_RANK
from .model import Listener, Observation, Peer, is_uninteresting, normalize_ip

# Inventory protocols carried over UDP; both for the ones that use either.
UDP_PROTOCOLS = frozenset({"udp", "dns", "ntp", "snmp", "syslog", "tftp", "sip", "rtp", "coap", "quic",
                           "http3", "mdns", "dhcp", "radius", "statsd", "netflow", "ipfix"})
BOTH_TRANSPORTS = frozenset({"dns", "sip", "syslog"})

# what clears each kind is stored with every finding: a Msg (English in the file, shown translated)
KINDS = {
    "undocumented": ("discovery.undocumented", 4,
                     Msg("list the dependency in the inventory (then probe it), or stop the traffic")),
    "inbound": ("discovery.inbound", 5,
                Msg("declare the inbound dependency (direction: inbound or both) and check reverse "
                    "reachability from the peer's side")),
    "unseen": ("discovery.unseen", 4,
               Msg("confirm it is still used (it may have been idle during the window) or remove it")),
    "unused-listener": ("discovery.unused-listener", 5,
                        Msg("declare who connects to this port (direction: inbound), or close it")),
}


def transports_of(protocol: str) -> frozenset[str]:
    if protocol in BOTH_TRANSPORTS:
        return frozenset({"tcp", "udp"})
    return frozenset({"udp"}) if protocol in UDP_PROTOCOLS else frozenset({"tcp"})


@dataclass
class Finding:
    kind: str  # undocumented | inbound | unseen | unused-listener
    severity: str
    message: str
    zone: Optional[str] = None
    zone_kind: Optional[str] = None
    peer: Optional[dict] = None  # Peer.to_dict() for peer findings
    listener: Optional[dict] = None
    dependency: Optional[str] = None  # service/dependency
    targets: list[str] = field(default_factory=list)  # unseen targets

    @property
    def rule(self) -> str:
        return KINDS[self.kind][0]

    @property
    def incident(self) -> int:
        return KINDS[self.kind][1]

    @property
    def cleared_by(self) -> str:
        return KINDS[self.kind][2]

    def to_dict(self) -> dict:
        data = asdict(self)
        data.update(rule=self.rule, incident=self.incident, cleared_by=self.cleared_by)
        return data


@dataclass
class DiscoveryReport:
    findings: list[Finding] = field(default_factory=list)
    matched: list[dict] = field(default_factory=list)  # {"peer": Peer dict, "dependencies": [refs], "zone"}
    ignored: int = 0  # loopback / link-local / multicast peers
    services: list[str] = field(default_factory=list)  # the services compared
    notes: list[str] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict) -> "DiscoveryReport":
        """The report as `to_dict` wrote it into a workspace record's ``comparison``."""
        known = {f.name for f in fields(Finding)}
        findings = [Finding(**{k: v for k, v in f.items() if k in known}) for f in data.get("findings", ())]
        return cls(findings=findings, matched=list(data.get("matched", ())), ignored=data.get("ignored", 0),
                   services=list(data.get("services", ())), notes=list(data.get("notes", ())))

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for f in self.findings if f.severity == s) for s in SEVERITIES}

    def kinds(self) -> dict[str, int]:
        return {k: sum(1 for f in self.findings if f.kind == k) for k in KINDS}

    def at_or_above(self, severity: str) -> list[Finding]:
        rank = SEVERITY_RANK[severity]
        return [f for f in self.findings if SEVERITY_RANK[f.severity] >= rank]

    def to_dict(self) -> dict:
        return {"findings": [f.to_dict() for f in self.findings], "matched": self.matched,
                "ignored": self.ignored, "services": self.services, "notes": self.notes,
                "counts": self.counts(), "kinds": self.kinds()}

    def format_text(self, observation: Observation) -> str:
        """The discovery as the CLI prints it, in the reader's language (severity and kind ids stay:
        they are what --fail-on and the JSON use)."""
        obs = observation
        lines = [_("discovery: {source}").format(source=shown(obs.label))]
        if obs.source == "live":
            window = ngettext("{n} sample", "{n} samples", obs.samples).format(n=obs.samples)
        else:
            window = ngettext("{n} time slot/snapshot", "{n} time slots/snapshots", obs.samples).format(n=obs.samples)
        if obs.first:
            window = _("{window}, {first} .. {last}").format(window=window, first=obs.first, last=obs.last)
        lines.append("  " + _("{window}; process names: {process_names}").format(
            window=window, process_names=obs.process_names))
        peers = len(obs.peers) - self.ignored
        seen = ngettext("{n} peer seen ({documented} in the inventory)", "{n} peers seen ({documented} in the inventory)",
                        peers).format(n=peers, documented=len(self.matched))
        listening = ngettext("{n} listening socket", "{n} listening sockets", len(obs.listening)).format(
            n=len(obs.listening))
        line = _("{seen}, {listening}").format(seen=seen, listening=listening)
        if self.ignored:
            line = _("{line}; {left_out}").format(line=line, left_out=ngettext(
                "{n} loopback/link-local peer left out", "{n} loopback/link-local peers left out",
                self.ignored).format(n=self.ignored))
        lines.append("  " + line)
        if not obs.complete:
            lines.append("  " + _("INCOMPLETE: {error}").format(error=shown(obs.error)))
        for note in obs.notes + self.notes:
            lines.append("  " + _("note: {note}").format(note=shown(note)))
        for f in self.findings:
            lines.append(f"[{f.severity.upper():7}] {f.kind:15} {shown(f.message)}")
        for m in self.matched:
            peer = Peer.from_dict(m["peer"])
            lines.append("  " + _("seen, listed: {peer} = {dependencies}").format(
                peer=shown(peer.describe()), dependencies=", ".join(m["dependencies"])))
        counts = _(", ").join(_("{n} {severity}").format(n=n, severity=label("severity", s))
                              for s, n in self.counts().items() if n)
        total = _("{n} findings").format(n=len(self.findings))  # "1 findings": the CLI's words since 1.0
        lines.append(_("{total} ({counts})").format(total=total, counts=counts) if counts else total)
        return "\n".join(lines)


def _is_name(target: str) -> bool:
    return normalize_ip(target) is None


def inventory_names(inventory: Inventory, services: Optional[Iterable[str]] = None) -> list[str]:
    """Dependency targets written as DNS names (to resolve on the sampled host)."""
    names: list[str] = []
    for dep in _dependencies(inventory, services):
        for target in dep.targets:
            if _is_name(target) and target not in names:
                names.append(target)
    return names


def _dependencies(inventory: Inventory, services: Optional[Iterable[str]]) -> list[Dependency]:
    wanted = set(services) if services else None
    return [d for d in inventory.dependencies() if wanted is None or d.service in wanted]


class _Dep:
    """A dependency with its comparable addresses and names."""

    def __init__(self, dep: Dependency, resolved: dict[str, list[str]], by_name: bool = False):
        self.dep = dep
        self.transports = transports_of(dep.protocol)
        self.port = dep.effective_port
        self.ips: dict[str, str] = {}  # address -> the target it stands for
        self.names: dict[str, str] = {}  # lowercased name -> target
        self.unresolved: list[str] = []
        for target in dep.targets:
            ip = normalize_ip(target)
            if ip is not None:
                self.ips[ip] = target
                continue
            self.names[target.lower().rstrip(".")] = target
            addresses = resolved.get(target)
            for address in addresses or ():
                norm = normalize_ip(address)
                if norm:
                    self.ips.setdefault(norm, target)
            if not addresses and not by_name:
                self.unresolved.append(target)

    def holds(self, peer: Peer) -> Optional[str]:
        """The target the peer is, if any."""
        if peer.remote_ip and peer.remote_ip in self.ips:
            return self.ips[peer.remote_ip]
        if peer.remote_name:
            return self.names.get(peer.remote_name.lower().rstrip("."))
        return None

    def directions(self) -> tuple[str, ...]:
        d = self.dep.direction
        return ("outbound", "inbound") if d == "both" else (d,)

    def exact(self, peer: Peer) -> bool:
        return peer.proto in self.transports and (
            (peer.direction in self.directions() and (self.port is None or self.port == peer.port))
            or self.from_source_port(peer))

    def from_source_port(self, peer: Peer) -> bool:
        """The declared outbound flow sent from its fixed `source_port` (incident 1's SDK port 9010).

        A socket bound to a fixed port looks like a listener in the socket
        tables, so the flow reads as inbound on that port; its remote port
        being the dependency's port says who is the client."""
        sp = self.dep.source_port
        return (peer.direction == "inbound" and sp is not None and peer.port == sp
                and "outbound" in self.directions() and self.port is not None
                and self.port in peer.remote_ports)

    def describe(self) -> str:
        """'store/scale (outbound, udp 5002)': stored as that; the direction is said in the reader's words."""
        port = f" {self.port}" if self.port else ""
        return Msg("{ref} ({direction}, {protocol}{port})", ref=self.dep.ref,
                   direction=term("direction", self.dep.direction), protocol=self.dep.protocol, port=port)


def recorded(record: dict, inventory: Optional[Inventory]) -> DiscoveryReport:
    """A workspace's discovery record, shown again.  Against the inventory it was recorded with, the
    stored observation is compared afresh: the same findings, but said in the reader's language (the
    file keeps only the English sentences).  Against any other inventory: the comparison as it was
    recorded, which is history."""
    stored = DiscoveryReport.from_dict(record.get("comparison") or {})
    if inventory is None or not record.get("inventory_digest") or record["inventory_digest"] != inventory.digest:
        return stored
    names = {s.name for s in inventory.services}
    services = [s for s in stored.services if s in names] or None
    return classify(inventory, Observation.from_dict(record.get("observation") or {}), services)


def classify(inventory: Inventory, observation: Observation,
             services: Optional[Iterable[str]] = None) -> DiscoveryReport:
    """Diff what was observed against the dependencies of `services` (default: all)."""
    services = list(services) if services else None
    if services:
        unknown = [s for s in services if s not in {x.name for x in inventory.services}]
        if unknown:
            raise ValueError(_("no such service in the inventory: {services}").format(services=", ".join(unknown)))
    by_name = observation.source == "azure"  # the export names the peers
    deps = [_Dep(d, observation.resolved, by_name) for d in _dependencies(inventory, services)]
    report = DiscoveryReport(services=services or [s.name for s in inventory.services])
    seen_targets: dict[str, set[str]] = {d.dep.ref: set() for d in deps}
    touched: dict[str, set[str]] = {d.dep.ref: set() for d in deps}  # seen, but not as declared

    for peer in observation.peers:
        if peer.remote_ip and is_uninteresting(peer.remote_ip):
            report.ignored += 1
            continue
        zone = inventory.zone_of_target(peer.remote_ip or peer.remote_name) if peer.remote else None
        zname, zkind = (zone.name, zone.kind) if zone else (None, None)
        holders = [(d, d.holds(peer)) for d in deps]
        holders = [(d, t) for d, t in holders if t is not None]
        exact = [(d, t) for d, t in holders if d.exact(peer)]
        for d, target in holders:
            touched[d.dep.ref].add(target)
        if exact:
            for d, target in exact:
                seen_targets[d.dep.ref].add(target)
            report.matched.append({"peer": peer.to_dict(), "dependencies": [d.dep.ref for d, _target in exact],
                                   "zone": zname})
            continue
        where = _where(zname, peer)
        if peer.direction == "inbound":
            outbound_only = [d for d, _target in holders if d.dep.direction == "outbound"]
            if outbound_only:
                listed = "; ".join(d.describe() for d in outbound_only)
                report.findings.append(Finding(
                    "inbound", "high",
                    Msg("{peer}{where}: connects IN, but the inventory lists {remote} only as an outbound peer "
                        "({listed}): an undeclared callback", peer=peer.describe(), where=where,
                        remote=peer.remote, listed=listed),
                    zname, zkind, peer=peer.to_dict(), dependency=outbound_only[0].dep.ref))
                continue
        if peer.direction == "inbound" and not _admin_login(peer, observation):
            # Someone calls IN that the inventory does not know: after the move that call lands on the
            # old site or nowhere (incident 5), or it is a forgotten node still talking (incident 4).
            message = Msg("{peer}{where}: calls in, but no inbound dependency in the inventory declares it "
                          "(an undeclared caller)", peer=peer.describe(), where=where)
            report.findings.append(Finding("inbound", "high", message, zname, zkind, peer=peer.to_dict()))
            continue
        if holders:
            message = Msg("{peer}{where}: not in the inventory; the address is listed as {listed}",
                          peer=peer.describe(), where=where,
                          listed="; ".join(d.describe() for d, _target in holders))
        else:
            message = Msg("{peer}{where}: not in the inventory", peer=peer.describe(), where=where)
        severity = "high" if zkind == "store" else "medium"
        report.findings.append(Finding("undocumented", severity, message, zname, zkind, peer=peer.to_dict()))

    for d in deps:
        _unseen(report, d, seen_targets[d.dep.ref], touched[d.dep.ref], inventory)
    _listeners(report, observation, deps)
    _notes(report, observation, deps)
    report.findings.sort(key=lambda f: -SEVERITY_RANK[f.severity])  # stable within a severity
    return report


def _admin_login(peer: Peer, obs: Observation) -> bool:
    """An SSH login (port 22, or the SSH server this discovery ran through) is a person, not a dependency."""
    ssh_port = obs.self_session[2] if obs.self_session and len(obs.self_session) > 2 else 22
    return peer.proto == "tcp" and peer.port in (22, ssh_port)


def _where(zname: Optional[str], peer: Peer) -> Msg:
    zone = Msg("zone {zone}", zone=zname) if zname else Msg("no zone")
    if peer.processes:
        return Msg(" ({zone}, {processes})", zone=zone, processes=", ".join(peer.processes))
    return Msg(" ({zone})", zone=zone)


def _unseen(report: DiscoveryReport, d: _Dep, seen: set[str], touched: set[str],
            inventory: Inventory) -> None:
    comparable = [t for t in d.dep.targets if t not in d.unresolved]
    missing = [t for t in comparable if t not in seen]
    if not missing:
        return
    zone = inventory.zone_of(d.dep)
    listed = ", ".join(missing[:8])
    if len(missing) > 8:
        listed = Msg("{targets}, ... ({n} more)", targets=listed, n=len(missing) - 8)
    if d.port:
        what = (Msg("connection from {targets} port {port}", targets=listed, port=d.port)
                if d.dep.direction == "inbound" else
                Msg("connection to {targets} port {port}", targets=listed, port=d.port))
    else:
        what = (Msg("connection from {targets}", targets=listed) if d.dep.direction == "inbound"
                else Msg("connection to {targets}", targets=listed))
    other = [t for t in missing if t in touched]
    otherwise = (Msg("; {targets} seen, but not as declared (see the findings above)", targets=", ".join(other[:8]))
                 if other else Msg("; idle during the window, or gone?"))
    report.findings.append(Finding(
        "unseen", "info",
        Msg("{dependency}: {missing} of {total} targets never seen as declared ({what}, {protocol}){otherwise}",
            dependency=d.dep.ref, missing=len(missing), total=len(comparable), what=what,
            protocol=d.dep.protocol, otherwise=otherwise),
        zone.name if zone else None, zone.kind if zone else None, dependency=d.dep.ref,
        targets=missing))


def _listeners(report: DiscoveryReport, obs: Observation, deps: list[_Dep]) -> None:
    inbound_ports = {(t, d.port) for d in deps if "inbound" in d.directions() for t in d.transports}
    source_ports = {d.dep.source_port for d in deps if d.dep.source_port}
    # the sshd we sampled through: every staging host has one, and it is not the service's
    ssh = tuple(obs.self_session[:1]) + (obs.self_session[2],) if obs.self_session else None
    by_port: dict[tuple, list[Listener]] = {}
    callers = {(f.peer["proto"], f.peer["port"]) for f in report.findings
               if f.kind == "inbound" and f.peer and f.peer.get("direction") == "inbound"}
    for listener in obs.listening:
        if ssh and (listener.proto, listener.port) == ssh:
            note = Msg("{proto} port {port} is the SSH server this discovery ran through: not "
                       "reported as an unused listener", proto=listener.proto, port=listener.port)
            if note not in report.notes:
                report.notes.append(note)
            continue
        if is_uninteresting(listener.ip) and listener.ip not in ("0.0.0.0", "::"):
            continue  # loopback-only: nobody from elsewhere can connect
        if listener.proto == "udp" and listener.ephemeral:
            continue  # an unconnected UDP client socket, not a service
        if (listener.proto, listener.port) in inbound_ports or listener.port in source_ports:
            continue
        if (listener.proto, listener.port) in callers:
            continue  # the undeclared caller on this port already says it: one fault, one finding
        by_port.setdefault((listener.proto, listener.port), []).append(listener)
    for (proto, port), listeners in sorted(by_port.items()):
        peers = [p for p in obs.peers if p.direction == "inbound" and p.proto == proto and p.port == port
                 and not (p.remote_ip and is_uninteresting(p.remote_ip))]
        where = ", ".join(l.describe() for l in listeners)
        used = MsgN("; {n} peer connected during the window: {peers}",
                    "; {n} peers connected during the window: {peers}", len(peers),
                    peers=", ".join(p.remote for p in peers[:5])) if peers else Msg("; no connection seen")
        report.findings.append(Finding(
            "unused-listener", "low",
            Msg("{listeners} listens, but no dependency in the inventory connects to {proto} port {port}{used}",
                listeners=where, proto=proto, port=port, used=used),
            listener=listeners[0].to_dict()))


def _notes(report: DiscoveryReport, obs: Observation, deps: list[_Dep]) -> None:
    unresolved = sorted({t for d in deps for t in d.unresolved})
    if unresolved:
        names = ", ".join(unresolved[:6]) + (" ..." if len(unresolved) > 6 else "")
        if obs.source == "live":
            note = MsgN("{n} target written as a name did not resolve on the host, so whether it was "
                        "seen is unknown: {names}",
                        "{n} targets written as names did not resolve on the host, so whether they were "
                        "seen is unknown: {names}", len(unresolved), names=names)
        else:
            note = MsgN("{n} target is written as a name; this source gives addresses only, so whether it "
                        "was seen is unknown: {names}",
                        "{n} targets written as names are names; this source gives addresses only, so whether "
                        "they were seen is unknown: {names}", len(unresolved), names=names)
        report.notes.append(note)
    if obs.source in ("live", "ss"):
        report.notes.append(Msg("UDP sent from an unconnected socket (sendto) has no peer in the socket "
                                "tables: such traffic is only seen in exports that record it"))
