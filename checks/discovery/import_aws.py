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

Speed (issue 27): a 50 MB export is 420,000 rows, each with its own time.
The csv module parses them in about 0.4 s; a Python loop that parsed each
row's time and updated its connection took ten times that.  Rows are
therefore folded a chunk at a time (`_read_fast`), with C-level maps where
each row needs the same step, and each time split into its date and its
clock, each parsed once per distinct text.  That path assumes a well-formed,
month-first file; on the first thing it does not expect (an empty or
unreadable time, a day-first date, a source port that is not a number, any
problem at all) the reader starts again with the exact row-by-row path
(`_read_exact`), which finds every problem with its line.
"""
from __future__ import annotations

import ipaddress
import re
from collections import Counter, deque
from itertools import repeat
from operator import add as add_numbers, itemgetter
from typing import Optional

from .. import collector
from ..text.i18n import Msg, _, ngettext
from ..store.problems import InputError, Problem
from .exportfile import Table, column_key, missing_columns
from .importcommon import (OTHER_SERVERS, PEER_LIST_CAP, ImportStats, PeerTable, Problems, pick_server, row_chunks,
                           summarize)
from .model import Observation, normalize_ip
from .timeslots import DAY_FIRST, StreamingTimes, parse_stamp

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
        self._dates, self._clocks = _Dates(), _Clocks()  # the fast path's parsed dates and clocks

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

        Per row, only C-level maps run: the key (itemgetter), its edge (a dict lookup), the time
        as the sum of its date's and its clock's numbers (each parsed once per distinct text),
        the number into the edge's set.  The earliest and latest times are taken from the sets at
        the end: each number has one spelling (`_Dates`, `_Clocks`), so its text is known."""
        shown = table.source.shown
        index: dict[str, int] = {}
        self.stats.files.append(shown)
        edges, dates, clocks = self.edges, self._dates, self._clocks
        records: list[list] = []  # by id (this table's): the edge's list, as _read_exact keeps it
        open_ports: set[int] = set()  # ids whose source-port list is not full yet

        header_width = len(table.header) if table.header else 0  # set by the first chunk's header
        key_fields = [f for f in FIELDS if f != "sourcePort"] + ["name"]

        class Ids(dict):
            """The columns of the key the file has -> this table's edge number (the edge made on a miss)."""

            def __missing__(self, present: tuple) -> int:
                values = iter(present)
                key = tuple(next(values) if index[f] < header_width else "" for f in key_fields)
                edge = edges.get(key)
                if edge is None:
                    edge = edges[key] = [0, 0, shown, [], set(), None, None, None, None]
                number = self[present] = len(records)
                records.append(edge)
                if len(edge[3]) < PEER_LIST_CAP:
                    open_ports.add(number)
                return number

        ids, add = Ids(), set.add
        rows_read = 0
        key_of = None
        for chunk in row_chunks(table, self._on_header(index)):
            if key_of is None:
                header_width = index["width"]
                present = [index[f] for f in key_fields if index[f] < header_width]
                key_of = itemgetter(*present) if len(present) > 1 else (lambda row: tuple(row[i] for i in present))
                if index["time"] >= header_width:
                    raise _NotFast()  # no time column: every time is empty, which the exact path reads
            if min(map(len, chunk)) <= 1:  # empty rows are skipped, as Table.rows does
                chunk = [r for r in chunk if len(r) > 1 or (r and r[0].strip())]
                if not chunk:
                    continue
            if min(map(len, chunk)) < header_width:  # short rows read as empty values, as the exact path
                for values in chunk:
                    if len(values) < header_width:
                        values.extend([""] * (header_width - len(values)))
            rows_read += len(chunk)
            chunk_ids = list(map(ids.__getitem__, map(key_of, chunk)))
            for i, n in Counter(chunk_ids).items():
                records[i][0] += n
            parts = list(map(str.partition, map(itemgetter(index["time"]), chunk), repeat(" ")))
            if len(set(map(itemgetter(1), parts))) != 1 or not parts[0][1]:
                raise _NotFast()  # a time without a space: not the agent's spelling
            numbers = map(add_numbers, map(dates.__getitem__, map(itemgetter(0), parts)),
                          map(clocks.__getitem__, map(itemgetter(2), parts)))
            deque(map(add, map(itemgetter(4), map(records.__getitem__, chunk_ids)), numbers), maxlen=0)
            if open_ports and index["sourcePort"] < header_width:
                ports = list(map(itemgetter(index["sourcePort"]), chunk))
                if not all(map(str.isdigit, ports)):
                    ports = [p.strip() for p in ports]
                    if not all(p.isdigit() for p in ports if p):
                        raise _NotFast()
                for i, port in dict.fromkeys(zip(chunk_ids, ports)):
                    if i in open_ports and port:
                        kept = records[i][3]
                        if port not in kept:
                            kept.append(port)
                            if len(kept) >= PEER_LIST_CAP:
                                open_ports.discard(i)
        for edge in records:
            if edge[4]:
                # a month-first file: the day-first span is never read (`observe` takes the month-first one)
                first, last = min(edge[4]), max(edge[4])
                edge[5], edge[6] = (first, self._text(first)), (last, self._text(last))
        self.stats.rows += rows_read

    def _text(self, number: int) -> str:
        """The time text the fast path read as `number` (one spelling per date and per clock)."""
        clock = number % 1_000_000
        return f"{self._dates.texts[number - clock]} {self._clocks.texts[clock]}"

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


class _Dates(dict):
    """A date text (what precedes the first space) -> its month-first number x 10**6, parsed once.

    Only a bare date is taken (`parse_stamp` then reads `date + " " + clock` as this date and that
    clock, the two parts being independent in its pattern); a day-first date means the file's order
    must be decided, which the exact path does."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: dict[int, str] = {}  # number -> its one spelling

    def __missing__(self, text: str) -> int:
        stamp = parse_stamp(text) if _PURE_DATE.fullmatch(text) else None
        if stamp is None or stamp.order == DAY_FIRST:
            raise _NotFast()
        year, month, day = stamp.key(False)[:3]
        value = self[text] = ((year * 100 + month) * 100 + day) * 1_000_000
        if self.texts.setdefault(value, text) != text:
            raise _NotFast()  # one date spelled two ways: the exact path keeps the first spelling seen
        return value


_AGENT_CLOCK = re.compile(r"(\d\d):(\d\d):(\d\d) ([AP])M")  # as the agent writes it: 01:05:00 PM


class _Clocks(dict):
    """What follows the date's first space -> hhmmss as a number, parsed once per distinct text.

    A day has 86,400 of them: the agent's own spelling is read by a narrow pattern that gives what
    `parse_stamp` gives for it; any other spelling goes through `parse_stamp`."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: dict[int, str] = {}  # number -> its one spelling

    def __missing__(self, text: str) -> int:
        m = _AGENT_CLOCK.fullmatch(text)
        if m is not None:
            hour, minute, second = int(m[1]), int(m[2]), int(m[3])
            if not 1 <= hour <= 12 or minute > 59 or second > 59:
                raise _NotFast()
            hour = hour % 12 + (12 if m[4] == "P" else 0)
        else:
            stamp = parse_stamp("01/01/2000 " + text)
            if stamp is None:
                raise _NotFast()
            hour, minute, second = stamp.hour, stamp.minute, stamp.second_of_minute
        value = self[text] = (hour * 100 + minute) * 100 + second
        if self.texts.setdefault(value, text) != text:
            raise _NotFast()
        return value


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
