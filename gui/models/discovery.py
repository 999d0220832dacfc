"""Discovery findings (core `discovery.Finding`) and the peers that matched the inventory, one row each.

A row flattens what the table shows: an undocumented or inbound finding
shows its peer, an unused listener its socket, an unseen dependency its
targets with the dependency's protocol and port from the inventory, and a
peer the inventory lists shows as ``documented`` (so the lead sees what
was compared, not only what is wrong).  Nothing here classifies: the rows
come from the core's `DiscoveryReport`, live or as recorded in the workspace.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Optional

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from migready.checks.discovery import DiscoveryReport, Finding, Listener, Peer
from migready.checks.text.i18n import shown
from migready.checks.inventory.rules import SEVERITY_RANK

from .table import Column, TableModel
from .words import badge, plural, word

translate = QCoreApplication.translate

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
        row.message = translate("DiscoveryModel", "{peer}: in the inventory as {dependencies}").format(
            peer=shown(row.peer_obj.describe()), dependencies=", ".join(row.dependencies))
        rows.append(row)
    return rows


def _when(text: str) -> str:
    return text.replace("T", " ").rstrip("Z")


def _severity(row: DiscoveryRow) -> str:
    return badge(row.severity) if row.severity else "✓ " + translate("DiscoveryModel", "LISTED")


def _count_tip(row: DiscoveryRow) -> str:
    if row.count is None:
        return ""
    tip = plural(row.count, translate("DiscoveryModel", "seen in {n} sample"),
                 translate("DiscoveryModel", "seen in {n} samples"))
    if row.connections:
        tip += ", " + plural(row.connections, translate("DiscoveryModel", "{n} distinct connection"),
                             translate("DiscoveryModel", "{n} distinct connections"))
    return tip


class DiscoveryModel(TableModel):
    columns = (
        Column(QT_TRANSLATE_NOOP("Column", "Kind"), lambda r: word(r.kind),
               sort=lambda r: KINDS.index(r.kind) if r.kind in KINDS else len(KINDS),
               tip=lambda r: shown(r.finding.cleared_by) if r.finding
               else translate("DiscoveryModel", "seen, and in the inventory")),
        Column(QT_TRANSLATE_NOOP("Column", "Severity"), _severity, sort=lambda r: SEVERITY_RANK.get(r.severity, -1),
               state=lambda r: r.severity or "pass"),
        Column(QT_TRANSLATE_NOOP("Column", "Peer"), lambda r: r.peer, tip=lambda r: shown(r.message) or r.peer),
        Column(QT_TRANSLATE_NOOP("Column", "Protocol"), lambda r: r.proto),
        Column(QT_TRANSLATE_NOOP("Column", "Port"), lambda r: "" if r.port is None else str(r.port),
               sort=lambda r: r.port or 0, align_right=True,
               tip=lambda r: translate("DiscoveryModel", "the peer's port") if r.direction == "outbound"
               else translate("DiscoveryModel", "our port")),
        Column(QT_TRANSLATE_NOOP("Column", "Direction"), lambda r: word(r.direction)),
        Column(QT_TRANSLATE_NOOP("Column", "Zone"), lambda r: r.zone or "—"),
        Column(QT_TRANSLATE_NOOP("Column", "Process"), lambda r: r.process),
        Column(QT_TRANSLATE_NOOP("Column", "First seen"), lambda r: _when(r.first_seen)),
        Column(QT_TRANSLATE_NOOP("Column", "Last seen"), lambda r: _when(r.last_seen)),
        Column(QT_TRANSLATE_NOOP("Column", "Count"), lambda r: "" if r.count is None else str(r.count),
               sort=lambda r: r.count or 0, align_right=True, tip=_count_tip),
    )

    def facets(self, row: DiscoveryRow) -> dict:
        return {"kind": row.kind, "severity": row.severity or "none", "proto": row.proto or "none"}


def details_html(row: DiscoveryRow, incidents: dict[int, str]) -> str:
    """The detail pane of a row: why it is there, where it comes from, what clears it, what was seen."""
    parts = []
    if row.finding is not None:
        f = row.finding
        comes_from = translate("DiscoveryModel", "<b>Comes from incident {n}:</b> {incident}").format(
            n=f.incident, incident=escape(shown(incidents.get(f.incident, ""))))
        cleared = translate("DiscoveryModel", "<b>Cleared by:</b> {what}").format(what=escape(shown(f.cleared_by)))
        parts.append(f"<p><b>{escape(badge(f.severity))} {escape(word(f.kind))}</b> ({escape(f.rule)})</p>"
                     f"<p>{escape(shown(f.message))}</p><p>{comes_from}</p><p>{cleared}</p>")
    else:
        listed = translate("DiscoveryModel", "{state} in the inventory").format(state=badge("pass"))
        parts.append(f"<p><b>{escape(listed)}</b></p><p>{escape(shown(row.message))}</p>")
    peer = row.peer_obj
    if peer is not None:
        seen = translate("DiscoveryModel", "{samples} samples, {connections} connections").format(
            samples=peer.samples, connections=peer.connections)
        facts = [(translate("DiscoveryModel", "local ports"), ", ".join(map(str, peer.local_ports[:12]))),
                 (translate("DiscoveryModel", "remote ports"), ", ".join(map(str, peer.remote_ports[:12]))),
                 (translate("DiscoveryModel", "states"), ", ".join(peer.states)),
                 (translate("DiscoveryModel", "processes"), ", ".join(peer.processes)),
                 (translate("DiscoveryModel", "seen"), seen)]
        parts.append("<p>" + "<br>".join(f"{escape(k)}: {escape(v)}" for k, v in facts if v) + "</p>")
    if row.addable:
        parts.append("<p><i>" + escape(translate(
            "DiscoveryModel", "Add to inventory… writes this peer as a dependency into a copy of the "
            "inventory and validates the copy.")) + "</i></p>")
    return "".join(parts)
