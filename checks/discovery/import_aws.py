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

Speed (issue 27): a 50 MB export is 420,000 rows, each with its own time,
and the importer should stay within 2x of the time `csv.reader` alone takes
on the file (0.4 s).  Rows are therefore folded a chunk at a time
(`_read_fast`, over `Table.chunks`: plain lines split in one go), with
C-level maps where each row needs the same step: the times are split into
date, clock (and AM/PM) for the whole chunk, the connection and the date
make one key, and the clock text is appended to that key's list.  Nothing
is parsed per row: an `hh:mm:ss` clock sorts as text within its date and
half-day, so dates are parsed once per distinct text and each connection's
first and last time are found by comparing texts.  That path assumes a
well-formed, month-first file; on the first thing it does not expect (an
empty or unreadable time, another spelling of a clock, a day-first date, a
source port that is not a number, any problem at all) the reader starts
again with the exact row-by-row path (`_read_exact`), which finds every
problem with its line.
"""
from __future__ import annotations

import ipaddress
import re
from collections import deque
from itertools import compress, repeat
from typing import Optional

from .. import collector
from ..text.i18n import Msg, _, ngettext
from ..store.problems import InputError, Problem
from .exportfile import Table, column_key, missing_columns
from .importcommon import OTHER_SERVERS, PEER_LIST_CAP, ImportStats, PeerTable, Problems, pick_server, summarize
from .model import Observation, normalize_ip
from .timeslots import DAY_FIRST, StreamingTimes, parse_stamp, stamp_number

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

    def __init__(self, exact: bool = False) -> None:
        self.edges: dict[tuple, list] = {}  # raw values -> [rows, first line, file, ports, seen, 4 x span]
        self.times = StreamingTimes(TIME_EXAMPLE)
        self.stats = ImportStats()
        self.problems = Problems()
        self.spelling: dict[str, dict[str, str]] = {}  # file -> column_key -> the header as written
        self.process_names: dict[tuple, str] = {}  # (agentId, agentAssignedProcessId) -> name
        self.has_process_ids = False
        self.time_column = TIME_COLUMNS[0]
        self.exact = exact  # the row-by-row path only (after the fast one met something it does not expect)
        self.tables: list[Table] = []  # the connection tables read, to read again exactly
        self._groups: set[tuple] = set()  # the fast path's (date[, AM/PM]) texts
        self._parts = 0  # the fast path's words per time: 2 (date clock) or 3 (date clock AM)
        self._clocks: set[str] = set()  # the fast path's clock texts, each checked once (`hh:mm:ss`)

    def read(self, table: Table) -> None:
        """Fold one connection table in (the collector paused: every row is a list it would scan)."""
        self.tables.append(table)
        with collector.paused():
            if self.exact:
                self._read_exact(table)
                return
            try:
                self._read_fast(table)
            except _NotFast:
                self._start_over()

    def _start_over(self) -> None:
        """Forget what the fast path folded and read every connection table again, row by row."""
        tables, names, processes = self.tables, self.process_names, len(self.stats.files) - len(self.tables)
        files = self.stats.files[:processes]
        self.__init__(exact=True)
        self.process_names, self.stats.files = names, files
        for table in tables:
            self.read(Table(table.source, table.encoding))

    def _on_header(self, index: dict[str, int]):
        def on_header(t: Table) -> None:
            shown = t.source.shown
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
        return on_header

    def _read_fast(self, table: Table) -> None:
        """Fold the rows a chunk at a time; _NotFast on anything the exact path must look at.

        Per row, only C-level steps run: the times split at their spaces into date, clock (and
        AM/PM) for the whole chunk at once, the row's connection and date as one key (a dict lookup,
        made on a miss), the clock text into that key's set.  Nothing is parsed per row: a clock of
        the fixed `hh:mm:ss` spelling sorts as text within its date (and half-day), so dates are
        parsed once per distinct text, clocks checked once per distinct text, and each connection's
        first and last time found by comparing texts (`_finish_fast`)."""
        shown = table.source.shown
        index: dict[str, int] = {}
        self.stats.files.append(shown)
        edges, groups = self.edges, self._groups
        sets: list[set] = []  # by key number (this table's): the clock texts of one connection on one date
        waiting: list[list] = []  # by key number: clock texts not in its set yet (appending is cheaper)
        edge_of: list[list] = []  # by key number: the connection's edge
        open_ports: set[int] = set()  # key numbers whose connection's source-port list is not full yet
        key_fields = [f for f in FIELDS if f != "sourcePort"] + ["name"]
        present: list[int] = []
        width = 0

        class Keys(dict):
            """(the key columns the file has, date[, AM/PM]) -> a key number (made on a miss)."""

            def __missing__(self, values: tuple) -> int:
                given = iter(values)
                key = tuple(next(given) if index[f] < width else "" for f in key_fields)
                group = values[len(present):]
                edge = edges.get(key)
                if edge is None:
                    edge = edges[key] = [0, 0, shown, [], TimeSets(), None, None, None, None]
                clocks = edge[4].groups.get(group)
                if clocks is None:
                    clocks = edge[4].groups[group] = set()
                    groups.add(group)
                number = self[values] = len(sets)
                sets.append(clocks)
                waiting.append([])
                edge_of.append(edge)
                if len(edge[3]) < PEER_LIST_CAP:
                    open_ports.add(number)
                return number

        def fold() -> None:
            """The waiting clock texts into their sets: a row count, and distinct times, per key."""
            for number, texts in enumerate(waiting):
                if texts:
                    sets[number].update(texts)
                    edge_of[number][0] += len(texts)
                    self.stats.rows += len(texts)
                    texts.clear()

        keys, append, held, known_clocks = Keys(), list.append, 0, self._clocks
        for chunk in table.chunks(self._on_header(index)):
            if not present:
                width = index["width"]
                present = [index[f] for f in key_fields if index[f] < width]
                if index["time"] >= width:
                    raise _NotFast()  # no time column: every time is empty, which the exact path reads
            times = chunk.column(index["time"], keep_cr=True)  # AM/PM looked up with its CR, if any
            spaces = set(map(str.count, times, repeat(" ")))
            parts = spaces.pop() + 1 if len(spaces) == 1 else 0
            if parts not in (2, 3) or parts != (self._parts or parts):
                raise _NotFast()  # not every time is `date clock` or `date clock AM`: the exact path reads them
            self._parts = parts
            if parts == 2:
                times = chunk.column(index["time"])
            words = " ".join(times).split(" ")
            if parts == 3:
                try:
                    group_columns = [words[0::3], list(map((_AMPM_CR if chunk.crlf else _AMPM).__getitem__,
                                                           words[2::3]))]
                except KeyError:
                    raise _NotFast() from None
            else:
                group_columns = [words[0::2]]
            clocks = words[1::parts]
            if not known_clocks.issuperset(clocks):  # each distinct clock text checked once
                new = set(clocks).difference(known_clocks)
                if not (_CLOCK_12 if parts == 3 else _CLOCK_24).fullmatch("".join(c + "\n" for c in new)):
                    raise _NotFast()
                known_clocks |= new
            numbers = list(map(keys.__getitem__, zip(*[chunk.column(i) for i in present], *group_columns)))
            deque(map(append, map(waiting.__getitem__, numbers), clocks), maxlen=0)
            held += len(numbers)
            if held > _HOLD_ROWS:
                fold()
                held = 0
            if open_ports and index["sourcePort"] < width:
                ports = chunk.column(index["sourcePort"])
                if not all(map(str.isdigit, ports)):
                    ports = [p.strip() for p in ports]
                    if not all(p.isdigit() for p in ports if p):
                        raise _NotFast()
                for i, port in dict.fromkeys(compress(zip(numbers, ports), map(open_ports.__contains__, numbers))):
                    if i in open_ports and port:
                        kept = edge_of[i][3]
                        if port not in kept:
                            kept.append(port)
                        if len(kept) >= PEER_LIST_CAP:
                            open_ports.discard(i)
        fold()

    def _finish_fast(self) -> None:
        """Each connection's first and last time, once every table is read; _NotFast unless every
        date is one the fast path may order (month first, one spelling each) and every clock is
        spelled `hh:mm:ss` (01-12 with AM/PM, else 00-23: `_read_fast` checked them)."""
        if not self.edges:
            return
        days: dict[str, int] = {}
        spelled: dict[int, str] = {}
        for date in {group[0] for group in self._groups}:
            stamp = parse_stamp(date) if _PURE_DATE.fullmatch(date) else None
            if stamp is None or stamp.order == DAY_FIRST:
                raise _NotFast()
            days[date] = stamp_number(stamp, False)
            if spelled.setdefault(days[date], date) != date:
                raise _NotFast()  # one date spelled two ways: the exact path keeps the first spelling seen
        twelve = self._parts == 3
        order = {group: (days[group[0]], group[1:]) for group in self._groups}
        for edge in self.edges.values():
            by_time = sorted(edge[4].groups.items(), key=lambda item: order[item[0]])
            (first_group, first_clocks), (last_group, last_clocks) = by_time[0], by_time[-1]
            # on a 12-hour clock, 12:mm:ss comes first in its half-day, though it sorts last as text
            first = min(filter("12".__le__, first_clocks), default=None) if twelve else None
            last = max(filter("12".__gt__, last_clocks), default=None) if twelve else None
            for at, group, clock in ((5, first_group, first or min(first_clocks)),
                                     (6, last_group, last or max(last_clocks))):
                text = " ".join((group[0], clock) + group[1:])
                edge[at] = (stamp_number(parse_stamp(text), False), text)

    def _read_exact(self, table: Table) -> None:
        shown = table.source.shown
        index: dict[str, int] = {}
        on_header = self._on_header(index)

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
        if not self.exact:
            try:
                self._finish_fast()
            except _NotFast:
                self._start_over()
        problems = self.problems
        for line, _text, message in self.times.resolve():
            shown = self.stats.files[0] if len(self.stats.files) == 1 else origin
            problems.add(shown, line, _spelled(self.spelling, shown, self.time_column), message)
        if problems and not self.exact:  # say every problem with its line: read again row by row
            self._start_over()
            return self.observe(origin, server)
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
        if problems and not self.exact:
            self._start_over()
            return self.observe(origin, server)
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


class _NotFast(Exception):
    """The fast path met something only the exact, row-by-row path says right."""


_PURE_DATE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}")


_AMPM = {"AM": "AM", "PM": "PM"}  # as the agent writes them
_AMPM_CR = {**_AMPM, "AM\r": "AM", "PM\r": "PM"}  # ... the last value of a CRLF line
_HOLD_ROWS = 1 << 17  # clock texts held in lists before they go into sets (about 10 MB; more measured no faster)
_CLOCK_12 = re.compile(r"(?:(?:0[1-9]|1[0-2]):[0-5]\d:[0-5]\d\n)*")  # as the agent writes it: 01:05:00 (PM)
_CLOCK_24 = re.compile(r"(?:(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\n)*")  # as Athena writes it: 13:05:00


class TimeSets:
    """The times a connection was seen at, as the fast path keeps them: per (date[, AM/PM]) text,
    the set of clock texts.  Sized, copied and merged as a set of times is (`PeerTable`)."""

    __slots__ = ("groups",)

    def __init__(self, groups: Optional[dict] = None) -> None:
        self.groups: dict[tuple, set] = groups if groups is not None else {}

    def __len__(self) -> int:
        return sum(map(len, self.groups.values()))

    def copy(self) -> "TimeSets":
        return TimeSets({group: set(clocks) for group, clocks in self.groups.items()})

    def union(self, *others: "TimeSets") -> "TimeSets":
        """A new TimeSets of this one's times and the others' (each group's sets joined at once)."""
        every = (self,) + others
        groups = {group for times in every for group in times.groups}
        return TimeSets({group: set().union(*(t.groups[group] for t in every if group in t.groups))
                         for group in groups})

    def __ior__(self, other: "TimeSets") -> "TimeSets":
        for group, clocks in other.groups.items():
            mine = self.groups.get(group)
            if mine is None:
                self.groups[group] = set(clocks)
            else:
                mine |= clocks
        return self


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
