"""Connections from the tools people already run, as observations.

* ``azure``: Azure Migrate agentless dependency analysis, exported as CSV.
  Columns: Timeslot, Source server name, Source application, Source process,
  Destination server name, Destination IP, Destination application,
  Destination process, Destination port.  One row per connection and time
  slot; TCP only.  The source side gives no address, so a peer that
  connects IN is known by its server name only.
* ``aws``: AWS Application Discovery Service agent connection export
  (account_number, agent_id, source_ip, source_port, destination_ip,
  destination_port, ip_version, transport_protocol,
  agent_assigned_process_id, agent_creation_date: the columns of the
  outbound/inbound_connection_agent tables; a timestamp or process_name
  column is used when present).
* ``ss``: saved `ss -tunap` (or -tunapH) output; several runs appended to one
  file count as several snapshots (each header line starts one).

An export covers many servers: `server` says whose connections to compare
(Azure: a server name; AWS: an address).  Without it, the one server every
row belongs to is taken when there is exactly one, else InputError lists
the candidates.  Rows are read leniently (unknown columns ignored, header
names matched case- and space-insensitively); a row that cannot be read is
an error naming its line.
"""
from __future__ import annotations

import csv
import io
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from ..problems import InputError, Problem
from ..safeio import read_regular
from .model import Observation, Peer, normalize_ip
from .procnet import DEFAULT_EPHEMERAL, SocketAggregator, parse_ss

FORMATS = ("azure", "aws", "ss")
AZURE_REQUIRED = ("source server name", "destination server name", "destination port")
AWS_REQUIRED = ("source_ip", "destination_ip", "destination_port")
AWS_TIME_COLUMNS = ("timestamp", "agent_provided_timestamp", "agent_creation_date", "time", "start_time")
AWS_PROCESS_COLUMNS = ("process_name", "name")  # agent_assigned_process_id is an id, not a name
_TITLES = {"azure": "an Azure Migrate dependency", "aws": "an AWS Application Discovery connection"}
PROTOCOL_NUMBERS = {"6": "tcp", "17": "udp", "tcp": "tcp", "udp": "udp"}


def _norm(header: str) -> str:
    return " ".join(header.replace("\ufeff", "").strip().lower().split())


def detect_format(text: str) -> Optional[str]:
    """azure | aws | ss from the first line, or None when it is not clear."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    first = first.replace("\ufeff", "")
    if "," in first or "\t" in first or ";" in first:
        headers = {_norm(h) for h in next(csv.reader([first], dialect=_dialect(first)))}
        if set(AZURE_REQUIRED) <= headers:
            return "azure"
        if set(AWS_REQUIRED) <= headers:
            return "aws"
    tokens = first.split()
    if tokens and tokens[0] in ("Netid", "State") and "Local" in first:
        return "ss"
    if tokens and parse_ss(first):
        return "ss"
    return None


def _dialect(first_line: str):
    class Dialect(csv.excel):
        delimiter = max((",", ";", "\t"), key=first_line.count)
    return Dialect


def import_file(path: str | Path, fmt: str = "auto", server: Optional[str] = None) -> Observation:
    """Read an export; InputError (file:line: what) for anything unreadable."""
    path = Path(path)
    shown = str(path)
    try:
        raw = read_regular(path)
    except OSError as exc:
        raise InputError([Problem(shown, 0, 0, "", f"cannot read: {exc.strerror or exc}")]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")  # exports from Windows tools are not always UTF-8
    mtime = datetime.fromtimestamp(os.stat(path).st_mtime, timezone.utc)
    return import_text(text, fmt, shown, server, mtime.isoformat(timespec="seconds").replace("+00:00", "Z"))


def import_text(text: str, fmt: str = "auto", origin: str = "<text>", server: Optional[str] = None,
                written: Optional[str] = None) -> Observation:
    if fmt in (None, "", "auto"):
        fmt = detect_format(text)
        if fmt is None:
            raise InputError([Problem(origin, 1, 1, "", "cannot tell the format of this file: expected an "
                                      "Azure Migrate dependency CSV, an AWS Application Discovery connection "
                                      "export or ss -tunap output; give --input-format")])
    if fmt not in FORMATS:
        raise InputError([Problem(origin, 0, 0, "", f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")])
    if fmt == "ss":
        return _import_ss(text, origin, written)
    rows = _rows(text, origin, AZURE_REQUIRED if fmt == "azure" else AWS_REQUIRED, fmt)
    return _import_azure(rows, origin, server) if fmt == "azure" else _import_aws(rows, origin, server)


def _rows(text: str, origin: str, required: tuple, fmt: str) -> list[tuple[int, dict]]:
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip()), 0)
    body = "\n".join(lines[start:])
    reader = csv.reader(io.StringIO(body), dialect=_dialect(lines[start] if lines else ","))
    try:
        header = [_norm(h) for h in next(reader)]
    except StopIteration:
        raise InputError([Problem(origin, 0, 0, "", "the file is empty")]) from None
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError([Problem(origin, start + 1, 1, "", f"not {_TITLES[fmt]} export: "
                                  f"missing column(s) {', '.join(missing)} (found: {', '.join(header)})")])
    rows = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        rows.append((start + reader.line_num, {h: (values[i].strip() if i < len(values) else "")
                                               for i, h in enumerate(header)}))
    return rows


def _port(value: str, origin: str, line: int, column: str, problems: list) -> Optional[int]:
    try:
        port = int(float(value))
        if 0 < port < 65536:
            return port
    except ValueError:
        pass
    problems.append(Problem(origin, line, 0, column, f"{value!r} is not a port"))
    return None


class _Collector:
    """Export rows -> peers (the same aggregation rules as live sampling)."""

    def __init__(self) -> None:
        self.peers: dict[tuple, Peer] = {}
        self.slots: dict[tuple, set] = {}
        self.conns: dict[tuple, set] = {}
        self.all_slots: set = set()

    def add(self, proto: str, direction: str, remote_ip: str, remote_name: str, port: int,
            local_ip: str = "", local_port: Optional[int] = None, remote_port: Optional[int] = None,
            process: str = "", slot: str = "") -> None:
        key = (proto, direction, remote_ip or remote_name.lower(), port)
        peer = self.peers.get(key)
        if peer is None:
            peer = self.peers[key] = Peer(proto, direction, remote_ip, port, remote_name=remote_name)
            self.slots[key], self.conns[key] = set(), set()
        if local_ip and local_ip not in peer.local_ips:
            peer.local_ips.append(local_ip)
        if local_port and local_port not in peer.local_ports and len(peer.local_ports) < 16:
            peer.local_ports.append(local_port)
        if remote_port and remote_port not in peer.remote_ports and len(peer.remote_ports) < 16:
            peer.remote_ports.append(remote_port)
        if process and process not in peer.processes:
            peer.processes.append(process)
        if slot:
            self.slots[key].add(slot)
            self.all_slots.add(slot)
            peer.first_seen = slot if peer.first_seen is None else min(peer.first_seen, slot, key=_time_key)
            peer.last_seen = slot if peer.last_seen is None else max(peer.last_seen, slot, key=_time_key)
        self.conns[key].add((local_port, remote_port, slot))

    def finish(self, obs: Observation) -> Observation:
        for key, peer in self.peers.items():
            peer.samples = len(self.slots[key]) or 1
            peer.connections = len(self.conns[key])
        obs.peers = sorted(self.peers.values(), key=lambda p: (p.direction, p.proto, p.remote, p.port))
        obs.samples = len(self.all_slots)
        if self.all_slots:
            obs.first = min(self.all_slots, key=_time_key)
            obs.last = max(self.all_slots, key=_time_key)
        return obs


_TIME_FORMATS = ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d-%m-%Y %H:%M",
                 "%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M %p", "%d.%m.%Y %H:%M")


def _time_key(text: str):
    """Order time slots written in the usual export formats (unknown ones by text)."""
    head = text.strip().split(" - ")[0].replace("Z", "").split("+")[0].split(".")[0]
    for fmt in _TIME_FORMATS:
        try:
            return (0, datetime.strptime(head, fmt).isoformat(), text)
        except ValueError:
            continue
    return (1, text, text)


def _pick_server(candidates: list[str], server: Optional[str], origin: str, what: str, flag: str) -> str:
    if server:
        return server
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise InputError([Problem(origin, 0, 0, "", f"no {what} is common to every row; say whose "
                                  f"connections to compare with {flag}")])
    shown = ", ".join(candidates[:10]) + (" ..." if len(candidates) > 10 else "")
    plural = what + ("es" if what.endswith("s") else "s")
    raise InputError([Problem(origin, 0, 0, "", f"the export covers {len(candidates)} {plural} ({shown}); "
                              f"pick one with {flag}")])


def _import_azure(rows: list[tuple[int, dict]], origin: str, server: Optional[str]) -> Observation:
    problems: list[Problem] = []
    sources = sorted({r["source server name"] for _, r in rows if r["source server name"]}, key=str.lower)
    chosen = _pick_server(sources, server, origin, "source server", "--server NAME")
    me = chosen.lower()
    names = {r["source server name"].lower() for _, r in rows} | {r["destination server name"].lower()
                                                                    for _, r in rows}
    if me not in names:
        raise InputError([Problem(origin, 0, 0, "", f"server {chosen!r} is not in this export")])
    collector, skipped = _Collector(), 0
    for line, r in rows:
        src, dst = r["source server name"], r["destination server name"]
        port = _port(r["destination port"], origin, line, "Destination port", problems)
        if port is None:
            continue
        dst_ip = r.get("destination ip", "")
        if dst_ip and normalize_ip(dst_ip) is None:
            problems.append(Problem(origin, line, 0, "Destination IP", f"{dst_ip!r} is not an address"))
            continue
        slot = r.get("timeslot", "")
        if src.lower() == me:
            collector.add("tcp", "outbound", normalize_ip(dst_ip) if dst_ip else "", dst, port,
                          process=r.get("source process", "") or r.get("source application", ""), slot=slot)
        elif dst.lower() == me:
            collector.add("tcp", "inbound", "", src, port,
                          process=r.get("destination process", "") or r.get("destination application", ""),
                          slot=slot)
        else:
            skipped += 1
    if problems:
        raise InputError(problems)
    obs = Observation(source="azure", origin=origin, server=chosen, process_names="export")
    obs.notes.append("Azure Migrate agentless dependency analysis records TCP only; peers that connect in "
                     "are known by server name, not address")
    if skipped:
        obs.notes.append(f"{skipped} rows of other servers left out")
    return collector.finish(obs)


def _import_aws(rows: list[tuple[int, dict]], origin: str, server: Optional[str]) -> Observation:
    problems: list[Problem] = []
    parsed = []
    for line, r in rows:
        src, dst = normalize_ip(r["source_ip"]), normalize_ip(r["destination_ip"])
        if src is None or dst is None:
            bad = r["source_ip"] if src is None else r["destination_ip"]
            problems.append(Problem(origin, line, 0, "source_ip" if src is None else "destination_ip",
                                    f"{bad!r} is not an address"))
            continue
        port = _port(r["destination_port"], origin, line, "destination_port", problems)
        sport = r.get("source_port", "")
        sport = _port(sport, origin, line, "source_port", problems) if sport else None
        proto = PROTOCOL_NUMBERS.get(r.get("transport_protocol", "tcp").strip().lower() or "tcp")
        if port is None:
            continue
        if proto is None:
            problems.append(Problem(origin, line, 0, "transport_protocol",
                                    f"{r.get('transport_protocol')!r} is neither TCP nor UDP"))
            continue
        slot = next((r[c] for c in AWS_TIME_COLUMNS if r.get(c)), "")
        process = next((r[c] for c in AWS_PROCESS_COLUMNS if r.get(c)), "")
        parsed.append((src, dst, port, sport, proto, slot, process))
    if problems:
        raise InputError(problems)
    if server is not None:
        norm = normalize_ip(server)
        if norm is None:
            raise InputError([Problem(origin, 0, 0, "", f"--server {server!r}: an AWS export needs the "
                                      "server's address")])
        server = norm
    common = None
    for src, dst, *_ in parsed:
        common = {src, dst} if common is None else common & {src, dst}
    chosen = _pick_server(sorted(common or ()), server, origin, "address", "--server ADDRESS")
    collector, skipped = _Collector(), 0
    for src, dst, port, sport, proto, slot, process in parsed:
        if src == chosen:
            collector.add(proto, "outbound", dst, "", port, local_ip=src, local_port=sport,
                          remote_port=port, process=process, slot=slot)
        elif dst == chosen:
            collector.add(proto, "inbound", src, "", port, local_ip=dst, local_port=port,
                          remote_port=sport, process=process, slot=slot)
        else:
            skipped += 1
    obs = Observation(source="aws", origin=origin, server=chosen,
                      process_names="export" if any(p for *_, p in parsed) else "none")
    if obs.process_names == "none" and any("agent_assigned_process_id" in r for _, r in rows):
        obs.notes.append("the export carries process ids only (agent_assigned_process_id); join it with "
                         "the process export for names")
    if skipped:
        obs.notes.append(f"{skipped} rows of other servers left out")
    return collector.finish(obs)


def _import_ss(text: str, origin: str, written: Optional[str]) -> Observation:
    """One snapshot per header line (or the whole file without headers)."""
    snapshots, current = [], []
    for line in text.splitlines():
        tokens = line.split()
        if tokens and tokens[0] in ("Netid", "State") and "Local" in line:
            if current:
                snapshots.append(current)
            current = []
            continue
        current.append(line)
    if current:
        snapshots.append(current)
    at = written or datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    aggregate = SocketAggregator(DEFAULT_EPHEMERAL)
    sockets_total, with_process = 0, 0
    for lines in snapshots:
        sockets = parse_ss("\n".join(lines))
        if not sockets:
            continue
        sockets_total += len(sockets)
        with_process += sum(1 for s in sockets if s["processes"])
        aggregate.add(sockets, at)
    if not sockets_total:
        raise InputError([Problem(origin, 0, 0, "", "no TCP or UDP socket found in this ss output")])
    obs = Observation(source="ss", origin=origin, process_names="ss" if with_process else "none")
    obs.absorb(aggregate.to_data())
    obs.notes.append(f"times are when the file was written ({at}); the ephemeral port range is assumed "
                     f"to be the Linux default {DEFAULT_EPHEMERAL[0]}-{DEFAULT_EPHEMERAL[1]}")
    if not with_process:
        obs.notes.append("no process names in the file (ss run without -p, or not as root)")
    return obs


__all__ = ["FORMATS", "detect_format", "import_file", "import_text"]
