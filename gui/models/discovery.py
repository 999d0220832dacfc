"""Discovery findings (core `discovery.Finding`) and the peers that matched the inventory, one row each.

A row flattens what the table shows: an undocumented or inbound finding
shows its peer, an unused listener its socket, an unseen dependency its
targets with the dependency's protocol and port from the inventory, and a
peer the inventory lists shows as ``documented`` (so the lead sees what
was compared, not only what is wrong).  Nothing here classifies: the rows
come from the core's `DiscoveryReport`, live or as recorded in the workspace.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from html import escape
from typing import Optional

from migready.checks.discovery import DiscoveryReport, Finding, Listener, Peer
from migready.checks.rules import SEVERITY_RANK

from .. import style
from .table import Column, TableModel

KINDS = ("undocumented", "inbound", "unseen", "unused-listener", "documented")
DOCUMENTED = "documented"


@dataclass
class DiscoveryRow:
    kind: str  # a finding kind, or "documented" for a peer the inventory lists
    severity: str  # a core severity; "" for documented peers
    peer: str  # who: the remote address (or name), the listening socket, or the unseen targets
    proto: str = ""
    port: Optional[int] = None
    direction: str = ""
    zone: str = ""
    process: str = ""
    first_seen: str = ""
    last_seen: str = ""
    count: Optional[int] = None  # samples (or export time slots) it was seen in
    connections: Optional[int] = None
    message: str = ""
    finding: Optional[Finding] = None
    peer_obj: Optional[Peer] = None
    listener: Optional[Listener] = None
    dependencies: list[str] = field(default_factory=list)  # documented: the dependencies it matched

    @property
    def addable(self) -> bool:
        """A peer that can be written into the inventory as a dependency."""
        return self.peer_obj is not None and self.kind in ("undocumented", "inbound")


def _peer_fields(peer: Peer) -> dict:
    return dict(peer=peer.remote if not (peer.remote_ip and peer.remote_name)
                else f"{peer.remote_name} ({peer.remote_ip})",
                proto=peer.proto, port=peer.port, direction=peer.direction,
                process=", ".join(peer.processes), first_seen=peer.first_seen or "",
                last_seen=peer.last_seen or "", count=peer.samples, connections=peer.connections,
                peer_obj=peer)


def rows_of(report: DiscoveryReport, inventory=None) -> list[DiscoveryRow]:
    """The table rows of a report (findings in the core's order, then the documented peers)."""
    deps = {d.ref: d for d in inventory.dependencies()} if inventory is not None else {}
    rows = []
    for f in report.findings:
        row = DiscoveryRow(f.kind, f.severity, "", zone=f.zone or "", message=f.message, finding=f)
        if f.peer is not None:
            for name, value in _peer_fields(Peer.from_dict(f.peer)).items():
                setattr(row, name, value)
        elif f.listener is not None:
            listener = Listener.from_dict(f.listener)
            row.listener = listener
            row.peer = listener.describe().split(" ", 1)[1].split(" (", 1)[0]  # the address:port
            row.proto, row.port, row.direction = listener.proto, listener.port, "inbound"
            row.process = ", ".join(listener.processes)
            row.first_seen, row.last_seen = listener.first_seen or "", listener.last_seen or ""
            row.count = listener.samples
        else:  # unseen: the dependency's targets
            row.peer = ", ".join(f.targets)
            dep = deps.get(f.dependency or "")
            if dep is not None:
                row.proto, row.port, row.direction = dep.protocol, dep.effective_port, dep.direction
            row.dependencies = [f.dependency] if f.dependency else []
        rows.append(row)
    for m in report.matched:
        row = DiscoveryRow(DOCUMENTED, "", "", zone=m.get("zone") or "", dependencies=list(m["dependencies"]))
        for name, value in _peer_fields(Peer.from_dict(m["peer"])).items():
            setattr(row, name, value)
        row.message = f"{row.peer_obj.describe()}: in the inventory as {', '.join(row.dependencies)}"
        rows.append(row)
    return rows


def report_from_dict(data: dict) -> DiscoveryReport:
    """The `DiscoveryReport` of a workspace record's ``comparison`` (as `DiscoveryReport.to_dict` wrote it)."""
    known = {f.name for f in fields(Finding)}
    findings = [Finding(**{k: v for k, v in f.items() if k in known}) for f in data.get("findings", ())]
    return DiscoveryReport(findings=findings, matched=list(data.get("matched", ())),
                           ignored=data.get("ignored", 0), services=list(data.get("services", ())),
                           notes=list(data.get("notes", ())))


def _when(text: str) -> str:
    return text.replace("T", " ").rstrip("Z")


def _severity(row: DiscoveryRow) -> str:
    return style.label(row.severity) if row.severity else "✓ LISTED"


def _count_tip(row: DiscoveryRow) -> str:
    if row.count is None:
        return ""
    tip = f"seen in {style.plural(row.count, 'sample')}"
    return tip + (f", {style.plural(row.connections, 'distinct connection')}" if row.connections else "")


class DiscoveryModel(TableModel):
    columns = (
        Column("Kind", lambda r: r.kind, sort=lambda r: KINDS.index(r.kind) if r.kind in KINDS else len(KINDS),
               tip=lambda r: r.finding.cleared_by if r.finding else "seen, and in the inventory"),
        Column("Severity", _severity, sort=lambda r: SEVERITY_RANK.get(r.severity, -1),
               state=lambda r: r.severity or "pass"),
        Column("Peer", lambda r: r.peer, tip=lambda r: r.message or r.peer),
        Column("Protocol", lambda r: r.proto),
        Column("Port", lambda r: "" if r.port is None else str(r.port), sort=lambda r: r.port or 0,
               align_right=True, tip=lambda r: "the peer's port" if r.direction == "outbound" else "our port"),
        Column("Direction", lambda r: r.direction),
        Column("Zone", lambda r: r.zone or "—"),
        Column("Process", lambda r: r.process),
        Column("First seen", lambda r: _when(r.first_seen)),
        Column("Last seen", lambda r: _when(r.last_seen)),
        Column("Count", lambda r: "" if r.count is None else str(r.count), sort=lambda r: r.count or 0,
               align_right=True, tip=_count_tip),
    )

    def facets(self, row: DiscoveryRow) -> dict:
        return {"kind": row.kind, "severity": row.severity or "none", "proto": row.proto or "none"}


def details_html(row: DiscoveryRow, incidents: dict[int, str]) -> str:
    """The detail pane of a row: why it is there, where it comes from, what clears it, what was seen."""
    parts = []
    if row.finding is not None:
        f = row.finding
        parts.append(f"<p><b>{escape(style.label(f.severity))} {escape(f.kind)}</b> ({escape(f.rule)})</p>"
                     f"<p>{escape(f.message)}</p>"
                     f"<p><b>Comes from incident {f.incident}:</b> {escape(incidents.get(f.incident, ''))}</p>"
                     f"<p><b>Cleared by:</b> {escape(f.cleared_by)}</p>")
    else:
        parts.append(f"<p><b>{escape(style.label('pass'))} in the inventory</b></p><p>{escape(row.message)}</p>")
    peer = row.peer_obj
    if peer is not None:
        facts = [("local ports", ", ".join(map(str, peer.local_ports[:12]))),
                 ("remote ports", ", ".join(map(str, peer.remote_ports[:12]))),
                 ("states", ", ".join(peer.states)), ("processes", ", ".join(peer.processes)),
                 ("seen", f"{peer.samples} samples, {peer.connections} connections")]
        parts.append("<p>" + "<br>".join(f"{escape(k)}: {escape(v)}" for k, v in facts if v) + "</p>")
    if row.addable:
        parts.append("<p><i>Add to inventory… writes this peer as a dependency into a copy of the "
                     "inventory and validates the copy.</i></p>")
    return "".join(parts)
