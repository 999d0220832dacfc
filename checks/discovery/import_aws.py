"""AWS Application Discovery Service: the agent's connection data.

Two documented forms are read:

* the console's agent export (a zip of `<account>_sourceProcessConnection.csv`,
  `<account>_destinationProcessConnection.csv`, `<account>_process.csv`, ...;
  AWS ADS user guide, "Exporting data" and "Data collected by the Discovery
  Agent"): camelCase columns `accountNumber, agentId, sourceIp, sourcePort,
  destinationIp, destinationPort, ipVersion, transportProtocol,
  agentAssignedProcessId, agentProvidedTimeStamp` (some exports say
  `agentCreationDate`), times as `mm/dd/yyyy hh:mm:ss am/pm`;
* the Athena tables of "Data exploration" (`outbound_connection_agent`,
  `inbound_connection_agent`): the same columns in snake_case, times as
  `yyyy-mm-dd hh:mm:ss`.

Header names are compared without case, `_` or spaces, so one set of
names reads both.  A zip or a folder may hold both connection files
(outbound and inbound) and the process file, whose `name` column gives
the connection rows' process ids their names.

The agent also reports its host's loopback traffic (127.0.0.1 <-> 127.0.0.1):
those rows are left out (and counted), so they neither hide the server's
address nor become peers.
"""
from __future__ import annotations

import ipaddress
from typing import Optional

from ..text.i18n import Msg, _, ngettext
from ..store.problems import InputError, Problem
from .exportfile import Table, column_key, missing_columns
from .importcommon import OTHER_SERVERS, PEER_LIST_CAP, ImportStats, PeerTable, Problems, pick_server, summarize
from .model import Observation, normalize_ip
from .timeslots import StreamingTimes

REQUIRED = ("sourceIp", "destinationIp", "destinationPort")
TIME_COLUMNS = ("agentProvidedTimeStamp", "timestamp", "agentCreationDate", "time", "startTime")
PROCESS_NAME_COLUMNS = ("processName", "name")
PROTOCOLS = {"6": "tcp", "17": "udp", "tcp": "tcp", "udp": "udp"}
FIELDS = ("sourceIp", "sourcePort", "destinationIp", "destinationPort", "transportProtocol",
          "agentAssignedProcessId", "agentId")
TIME_EXAMPLE = "07/08/2024 10:05:00 AM or 2024-07-08 10:05:00"


def is_aws(keys: set[str]) -> bool:
    return all(column_key(c) in keys for c in REQUIRED)


def is_process_table(keys: set[str]) -> bool:
    return {"agentassignedprocessid", "name"} <= keys and "destinationip" not in keys


def _loopback_or_unspecified(ip: str) -> bool:
    addr = ipaddress.ip_address(ip)
    return addr.is_loopback or addr.is_unspecified


class AwsReader:
    """Folds connection rows (and process names) from one or more files as they are read.

    The agent writes a row per connection observed, each with its own
    source port and time, so nothing per row may be kept: an edge is keyed
    without the source port and time, and holds a row count, up to 16
    source ports, the set of time numbers (for the sample count) and the
    earliest and latest time under both readings of the date."""

    def __init__(self) -> None:
        self.edges: dict[tuple, list] = {}  # raw values -> [rows, first line, file, ports, seen, 4 x span]
        self.times = StreamingTimes(TIME_EXAMPLE)
        self.stats = ImportStats()
        self.problems = Problems()
        self.spelling: dict[str, dict[str, str]] = {}  # file -> column_key -> the header as written
        self.process_names: dict[tuple, str] = {}  # (agentId, agentAssignedProcessId) -> name
        self.has_process_ids = False
        self.time_column = TIME_COLUMNS[0]

    def read(self, table: Table) -> None:
        shown = table.source.shown
        index: dict[str, int] = {}

        def on_header(t: Table) -> None:
            cols = t.columns()
            missing = missing_columns(cols, REQUIRED)
            if missing:
                raise InputError([Problem(shown, t.header_line, 1, "", _(
                    "not an AWS Application Discovery connection export: missing column(s) {missing} "
                    "(found: {found})").format(missing=", ".join(missing), found=", ".join(t.header)))])
            width = len(t.header)
            self.spelling[shown] = {column_key(h): h for h in reversed(t.header)}
            for name in FIELDS:
                index[name] = cols.get(column_key(name), width)
            index["time"] = next((cols[column_key(c)] for c in TIME_COLUMNS if column_key(c) in cols), width)
            self.time_column = next((c for c in TIME_COLUMNS if column_key(c) in cols), self.time_column)
            index["name"] = next((cols[column_key(c)] for c in PROCESS_NAME_COLUMNS if column_key(c) in cols),
                                 width)
            self.has_process_ids = self.has_process_ids or column_key("agentAssignedProcessId") in cols
            index["width"] = width

        self.stats.files.append(shown)
        edges, see, problems = self.edges, self.times.see, self.problems
        width, order, i_time, i_name, i_sport = -1, (), 0, 0, 0
        rows = 0
        for values in table.rows(on_header):
            if width < 0:
                width, order = index["width"], tuple(index[f] for f in FIELDS if f != "sourcePort")
                i_time, i_name, i_sport = index["time"], index["name"], index["sourcePort"]
            if len(values) <= width:
                values.extend([""] * (width + 1 - len(values)))
            rows += 1
            key = tuple(values[i] for i in order) + (values[i_name],)
            edge = edges.get(key)
            if edge is None:
                edge = edges[key] = [0, table.line, shown, [], set(), None, None, None, None]
            edge[0] += 1
            sport = values[i_sport].strip()
            if sport:
                ports = edge[3]
                if not sport.isdigit():
                    problems.add(shown, table.line, _spelled(self.spelling, shown, "sourcePort"),
                                 _("{value} is not a port").format(value=repr(sport)))
                elif len(ports) < PEER_LIST_CAP and sport not in ports:
                    ports.append(sport)
            text = values[i_time]
            value = see(text, table.line)
            if value is not None:
                month_first, day_first = value
                edge[4].add(month_first)
                if edge[5] is None or month_first < edge[5][0]:
                    edge[5] = (month_first, text)
                if edge[6] is None or month_first > edge[6][0]:
                    edge[6] = (month_first, text)
                if edge[7] is None or day_first < edge[7][0]:
                    edge[7] = (day_first, text)
                if edge[8] is None or day_first > edge[8][0]:
                    edge[8] = (day_first, text)
        self.stats.rows += rows

    def read_processes(self, table: Table) -> None:
        """`<account>_process.csv`: agentAssignedProcessId -> name, for the connection rows."""
        index: dict[str, int] = {}

        def on_header(t: Table) -> None:
            index.update(t.columns())

        for values in table.rows(on_header):
            at_pid, at_name = index["agentassignedprocessid"], index["name"]
            pid = values[at_pid].strip() if at_pid < len(values) else ""
            name = values[at_name].strip() if at_name < len(values) else ""
            agent_at = index.get("agentid")
            agent = values[agent_at].strip() if agent_at is not None and agent_at < len(values) else ""
            if pid and name:
                self.process_names.setdefault((agent, pid), name)
        self.stats.files.append(table.source.shown)

    def observe(self, origin: str, server: Optional[str]) -> Observation:
        problems = self.problems
        for line, _text, message in self.times.resolve():
            shown = self.stats.files[0] if len(self.stats.files) == 1 else origin
            problems.add(shown, line, _spelled(self.spelling, shown, self.time_column), message)
        day_first = self.times.day_first
        parsed = []
        ips: dict[str, Optional[str]] = {}
        for (sip, dip, dport, proto, pid, agent, name), edge in self.edges.items():
            rows, line, shown, ports, seen = edge[:5]
            src = ips[sip] if sip in ips else ips.setdefault(sip, normalize_ip(sip) if sip.strip() else None)
            dst = ips[dip] if dip in ips else ips.setdefault(dip, normalize_ip(dip) if dip.strip() else None)
            bad = False
            spell = lambda column: _spelled(self.spelling, shown, column)  # noqa: E731
            for column, text, value in (("sourceIp", sip, src), ("destinationIp", dip, dst)):
                if value is None:
                    problems.add(shown, line, spell(column),
                                 _("{value} is not an address").format(value=repr(text.strip())) + _more(rows))
                    bad = True
            port = _port(dport)
            if port is None:
                problems.add(shown, line, spell("destinationPort"),
                             _("{value} is not a port").format(value=repr(dport.strip())) + _more(rows))
                bad = True
            local_ports = [p for p in (_port(text) for text in ports) if p is not None]
            if len(local_ports) < len(ports):
                problems.add(shown, line, spell("sourcePort"), _("source ports out of range: {ports}").format(
                    ports=", ".join(p for p in ports if _port(p) is None)))
                bad = True
            protocol = PROTOCOLS.get(proto.strip().lower() or "tcp")
            if protocol is None:
                problems.add(shown, line, spell("transportProtocol"),
                             _("{value} is neither TCP nor UDP").format(value=repr(proto.strip())) + _more(rows))
                bad = True
            if bad:
                continue
            process = name.strip() or self.process_names.get((agent.strip(), pid.strip()), "") \
                or self.process_names.get(("", pid.strip()), "")
            lo, hi = (edge[7], edge[8]) if day_first else (edge[5], edge[6])
            span = lo + hi if lo is not None else None
            parsed.append((src, local_ports, dst, port, protocol, process, seen, rows, span))
        problems.raise_if_any()

        stats = self.stats
        kept = []
        for entry in parsed:
            if _loopback_or_unspecified(entry[0]) or _loopback_or_unspecified(entry[2]):
                stats.skip(_LOOPBACK_ROWS, entry[7])
            else:
                kept.append(entry)
        chosen = self._server(kept, server, origin)
        table = PeerTable()
        for src, sports, dst, port, proto, process, seen, rows, span in kept:
            if src == chosen:
                table.add(proto, "outbound", dst, "", port, seen, rows, span, local_ip=src, local_ports=sports,
                          remote_ports=[port], process=process)
            elif dst == chosen:
                table.add(proto, "inbound", src, "", port, seen, rows, span, local_ip=dst, local_ports=[port],
                          remote_ports=sports, process=process)
            else:
                stats.skip(OTHER_SERVERS, rows)
                continue
            stats.used += rows
        named = any(p.processes for p in table.peers.values())
        obs = Observation(source="aws", origin=origin, server=chosen, process_names="export" if named else "none")
        table.finish(obs)
        if not named and self.has_process_ids:
            obs.notes.append(Msg("the export carries process ids only (agent_assigned_process_id); import it "
                                 "together with the process file (the export zip, or a folder holding both) "
                                 "for names"))
        if day_first:
            obs.notes.append(Msg("the times of this file are day first (re-saved under a day-first locale)"))
        return summarize(obs, stats)

    def _server(self, kept: list, server: Optional[str], origin: str) -> str:
        if server is not None:
            norm = normalize_ip(server)
            if norm is None:
                raise InputError([Problem(origin, 0, 0, "", _(
                    "--server {server}: an AWS export needs the server's address").format(server=repr(server)))])
            return norm
        if not kept:
            raise InputError([Problem(origin, 0, 0, "", _(
                "the export holds no connection rows other than loopback ones"))])
        common = None
        for src, _ports, dst, *_rest in kept:
            common = {src, dst} if common is None else common & {src, dst}
            if not common:
                break
        return pick_server(sorted(common or ()), None, origin, "address", "--server ADDRESS")


def _port(text: str) -> Optional[int]:
    try:
        port = int(float(text))
    except ValueError:
        return None
    return port if 0 < port < 65536 else None


def _spelled(spelling: dict, shown: str, name: str) -> str:
    """A column as the file spells it (problems name what the person sees)."""
    return spelling.get(shown, {}).get(column_key(name), name)


def _more(rows: int) -> str:
    return ngettext(" ({n} row like it)", " ({n} rows like it)", rows).format(n=rows) if rows > 1 else ""


_LOOPBACK_ROWS = Msg("loopback rows (the host talking to itself)")  # why rows are left out (stored)


__all__ = ["AwsReader", "is_aws", "is_process_table"]
