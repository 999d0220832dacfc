"""What was observed: peers, listening sockets, and where they came from.

The same shapes whether the connections were sampled live on a host or
imported from a file, so classification, the draft inventory, the
workspace record and the GUI read one thing.  Directions are seen from the
observed host: outbound = it connected out (`port` is the peer's port),
inbound = the peer connected in (`port` is OUR port), the convention of
`direction` in the inventory.
"""
from __future__ import annotations

import ipaddress
from dataclasses import asdict, dataclass, field
from typing import Optional

from ..text.i18n import Msg


def normalize_ip(text: str) -> Optional[str]:
    """'::ffff:10.0.0.1' -> '10.0.0.1', '2001:DB8::1' -> '2001:db8::1'; None if not an address."""
    try:
        addr = ipaddress.ip_address(str(text).strip().strip("[]").split("%", 1)[0])
    except ValueError:
        return None
    mapped = getattr(addr, "ipv4_mapped", None)
    return str(mapped if mapped is not None else addr)


def is_uninteresting(ip: str) -> bool:
    """Loopback, link-local, multicast, unspecified: never a cross-host dependency."""
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return addr.is_loopback or addr.is_link_local or addr.is_multicast or addr.is_unspecified


@dataclass
class Peer:
    proto: str  # tcp | udp
    direction: str  # outbound | inbound
    remote_ip: str  # "" when the source names the peer only (Azure inbound rows)
    port: int  # the service port: the peer's for outbound, ours for inbound
    remote_name: str = ""
    local_ips: list[str] = field(default_factory=list)
    local_ports: list[int] = field(default_factory=list)
    remote_ports: list[int] = field(default_factory=list)
    processes: list[str] = field(default_factory=list)
    states: list[str] = field(default_factory=list)
    first_seen: Optional[str] = None
    last_seen: Optional[str] = None
    samples: int = 0  # samples (or export time slots) the peer was seen in
    connections: int = 0  # distinct connections (local port, remote port) seen

    @property
    def remote(self) -> str:
        return self.remote_ip or self.remote_name

    @property
    def key(self) -> tuple:
        return (self.proto, self.direction, self.remote, self.port)

    def describe(self) -> str:
        """'udp -> 198.18.10.11:5002' or 'tcp 198.18.10.21 -> our port 27777'."""
        who = self.remote_ip or self.remote_name
        if self.remote_ip and self.remote_name:
            who = f"{self.remote_name} ({self.remote_ip})"
        if self.direction == "outbound":
            return f"{self.proto} -> {who}:{self.port}"
        return Msg("{proto} {who} -> our port {port}", proto=self.proto, who=who, port=self.port)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Peer":
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})

    @classmethod
    def from_aggregate(cls, entry: dict) -> "Peer":
        """A peer of `SocketAggregator.to_data()` (the agent's result data)."""
        conns = entry.get("conns") or []
        return cls(proto=entry["proto"], direction=entry["direction"], remote_ip=entry["remote_ip"],
                   port=entry["port"], local_ips=list(entry.get("local_ips") or []),
                   local_ports=list(entry.get("local_ports") or []),
                   remote_ports=list(entry.get("remote_ports") or []),
                   processes=list(entry.get("processes") or []), states=list(entry.get("states") or []),
                   first_seen=entry.get("first_seen"), last_seen=entry.get("last_seen"),
                   samples=entry.get("samples", 0), connections=len(conns))


@dataclass
class Listener:
    proto: str
    ip: str  # 0.0.0.0 / :: for every address
    port: int
    processes: list[str] = field(default_factory=list)
    ephemeral: bool = False  # in the host's ephemeral range: for UDP, a client socket
    first_seen: Optional[str] = None
    last_seen: Optional[str] = None
    samples: int = 0

    def describe(self) -> str:
        where = f"[{self.ip}]" if ":" in self.ip else self.ip
        procs = f" ({', '.join(self.processes)})" if self.processes else ""
        return f"{self.proto} {where}:{self.port}{procs}"

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Listener":
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


SOURCES = ("live", "azure", "aws", "ss")


@dataclass
class Observation:
    """Connections seen on one host (live) or in one export file."""

    source: str  # live | azure | aws | ss
    origin: str  # the host spec sampled, or the file imported
    server: str = ""  # whose connections: the server picked in an export
    started: Optional[str] = None
    finished: Optional[str] = None
    duration_s: Optional[float] = None
    interval_s: Optional[float] = None
    samples: int = 0
    first: Optional[str] = None  # first and last sample (or time slot) in the data
    last: Optional[str] = None
    complete: bool = True
    error: Optional[str] = None
    interrupted: bool = False  # Ctrl-C during live sampling: what came in is kept
    peers: list[Peer] = field(default_factory=list)
    listening: list[Listener] = field(default_factory=list)
    resolved: dict[str, list[str]] = field(default_factory=dict)  # inventory names -> addresses
    notes: list[str] = field(default_factory=list)
    process_names: str = "unknown"  # ss | partial (ss failed at times) | export | none | unknown
    ephemeral: Optional[list[int]] = None
    self_session: Optional[list] = None  # the agent's own SSH session, left out
    imported: Optional[dict] = None  # imports: files, rows read and used, rows left out and why

    @property
    def label(self) -> str:
        """Where the observation came from (a Msg: it is written into findings and draft comments)."""
        if self.source == "live":
            return Msg("live sampling on {origin}", origin=self.origin)
        what = {"azure": Msg("Azure Migrate dependency export"), "aws": Msg("AWS Application Discovery export"),
                "ss": Msg("saved ss output")}[self.source]
        if self.server:
            return Msg("{source} {origin} (server {server})", source=what, origin=self.origin, server=self.server)
        return Msg("{source} {origin}", source=what, origin=self.origin)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["peers"] = [p.to_dict() for p in self.peers]
        data["listening"] = [l.to_dict() for l in self.listening]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Observation":
        known = {f for f in cls.__dataclass_fields__}
        values = {k: v for k, v in data.items() if k in known}
        values["peers"] = [Peer.from_dict(p) for p in data.get("peers", ())]
        values["listening"] = [Listener.from_dict(l) for l in data.get("listening", ())]
        return cls(**values)

    def absorb(self, aggregate: dict) -> None:
        """Take peers and listeners from a `SocketAggregator.to_data()`."""
        self.peers = [Peer.from_aggregate(e) for e in aggregate.get("peers", ())]
        self.listening = [Listener.from_dict(e) for e in aggregate.get("listening", ())]
        self.samples = aggregate.get("samples", 0)
        self.first, self.last = aggregate.get("first"), aggregate.get("last")
        self.ephemeral = aggregate.get("ephemeral")
