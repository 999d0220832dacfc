"""Azure Migrate agentless dependency analysis: "Export application dependencies".

The layout, as the tool writes it (read by Microsoft's own sample script
`AzMig_Dependencies.ps1` in Azure-Samples/azure-docs-powershell-samples and
by graemefoster/AzureMigrateDataExtractor `Dependency.cs`):

    Time slot, Source server name, Source IP, Source application, Source process,
    Destination server name, Destination IP, Destination application,
    Destination process, Destination port

with slots such as `12/15/2024 12:00-18:00` (six hours, month first), often
an empty destination server name and `Unknown process`.  The Learn article
("Analyze server dependencies (agentless)") spells the first column
`Timeslot` and shows no `Source IP`; both are read.  Extra columns (VLANs)
are ignored.  TCP only.

Peers that connect in are told apart by `Source IP` when the column is
there (75 unnamed clients are 75 peers), else by their server name.

Speed (issue 27): a 50 MB export is read at about the time `csv.reader`
alone takes on it.  A plain line (no quote) is keyed by its text after the
slot, one split and one dict lookup per row, its values read once per
distinct text (`_read_fast`); anything the fast path cannot place (a port,
an address or a slot that is wrong) makes the reader read the files again
row by row (`_read_exact`), which names each problem's line.  Rows of other
servers cost a lookup each, and memory for their distinct connections' texts.
"""
from __future__ import annotations

from collections import deque
from itertools import compress, repeat
from operator import itemgetter, or_
from typing import Callable, Optional

from .. import collector
from ..text.i18n import Msg, _, ngettext
from ..store.problems import InputError, Problem
from .exportfile import Table, column_key, missing_columns
from .importcommon import OTHER_SERVERS, ImportStats, PeerTable, Problems, pick_server, summarize
from .model import Observation, normalize_ip
from .timeslots import TimeOrder

REQUIRED = ("source server name", "destination server name", "destination port")
OPTIONAL = ("time slot", "source ip", "source application", "source process", "destination ip",
            "destination application", "destination process")
UNKNOWN_PROCESS = "unknown process"
SLOT_EXAMPLE = "12/15/2024 12:00-18:00"
FIELDS = ("time slot", "source server name", "source ip", "source application", "source process",
          "destination server name", "destination ip", "destination application", "destination process",
          "destination port")


def is_azure(keys: set[str]) -> bool:
    return all(column_key(c) in keys for c in REQUIRED)


class AzureReader:
    """Folds the rows of one or more Azure exports into edges as they are read."""

    def __init__(self, server: Optional[str] = None, exact: bool = False) -> None:
        self.server = server
        self.exact = exact  # the row-by-row path only (after the fast one found a problem to place)
        self.tables: list[Table] = []  # the tables read, to read again exactly
        self._slot_texts: set[str] = set()  # the fast path's distinct slots, given to `slots` at the end
        # With --server known, rows of other servers are counted and dropped as they are read:
        # a project-wide export then costs the memory of one server's connections (and, on the
        # fast path, of one text per distinct connection of the others: how a row is known).
        self.want_name = server.strip().lower() if server else None
        self.want_ip = (normalize_ip(server) or "") if server else ""
        self.other_rows = 0
        self.edges: dict[tuple, list] = {}  # raw values (no slot) -> [slots, rows, first line, file]
        self.slots = TimeOrder(SLOT_EXAMPLE)
        self.stats = ImportStats()
        self.canon: dict[str, str] = {}
        self.spelling: dict[str, dict[str, str]] = {}  # file -> column_key -> the header as written
        self.has_source_ip = False

    def read(self, table: Table) -> None:
        """Fold one export in, the cyclic collector paused (checks/collector.py).

        Every row is a list the collector tracks; with it running, a 50 MB export spent about a
        third of its import in collections (1.4 s instead of 1.0 s for one server's 484,692 rows,
        2.6x the time `csv.reader` alone takes on the file instead of 1.6x; issue 27)."""
        self.tables.append(table)
        with collector.paused():
            if self.exact:
                self._read_exact(table)
                return
            self._read_fast(table)

    def _start_over(self) -> None:
        """Forget what the fast path folded and read every table again, row by row (each problem
        is then said with its line)."""
        tables = self.tables
        self.__init__(self.server, exact=True)
        for table in tables:
            self.read(Table(table.source, table.encoding))

    def _on_header(self, shown: str, index: dict[str, int]) -> Callable[[Table], None]:
        def on_header(t: Table) -> None:
            cols = t.columns()
            missing = missing_columns(cols, REQUIRED)
            if missing:
                raise InputError([Problem(shown, t.header_line, 1, "", _(
                    "not an Azure Migrate dependency export: missing column(s) {missing} (found: {found})").format(
                        missing=", ".join(missing), found=", ".join(column_key(h) for h in t.header)))])
            width = len(t.header)
            self.spelling[shown] = {column_key(h): h for h in reversed(t.header)}
            for name in FIELDS:
                index[name] = cols.get(column_key(name), width)  # absent: the padding column
            self.has_source_ip = self.has_source_ip or column_key("source ip") in cols
            index["width"] = width
        return on_header

    def _read_fast(self, table: Table) -> None:
        """Fold the rows a chunk at a time, with C-level steps per row (issue 27: within 2x of
        `csv.reader` alone).  Plain lines (no quote) whose slot comes first are keyed by the rest
        of their text: one split at the first separator and one dict lookup per row; the values
        are read once per distinct text, which also says whether it is a row of the server asked
        for.  Other chunks are read as columns, rows of other servers dropped by a lookup per
        distinct name or address.  Each row's slot is appended to its connection's list and put
        into its set a million rows at a time.  Lines are not followed: a problem found at the end
        makes `observe` read the files again row by row."""
        shown = table.source.shown
        index: dict[str, int] = {}
        self.stats.files.append(shown)
        edges, canon = self.edges, self.canon
        records: list[Optional[list]] = []  # by connection number (this table's): the edge, None: another server's
        waiting: list[list] = []  # by connection number: slot texts not in its set yet
        want, want_ip = self.want_name, self.want_ip
        key_fields = [f for f in FIELDS if f != "time slot"]

        def number_of(key: tuple, mine: bool = True) -> int:
            edge = None
            if mine:
                edge = edges.get(key)
                if edge is None:
                    edge = edges[key] = [set(), 0, 0, shown]
            records.append(edge)
            waiting.append([])
            return len(records) - 1

        def is_mine(key: tuple) -> bool:
            return want is None or key[0].strip().lower() == want or key[4].strip().lower() == want \
                or bool(want_ip) and want_ip in (normalize_ip(key[1]) or "", normalize_ip(key[5]) or "")

        class ByValues(dict):
            """A kept row's values (no slot) -> its connection number."""

            def __missing__(self, key: tuple) -> int:
                number = self[key] = number_of(key)
                return number

        class ByText(dict):
            """The text of a plain line after its slot -> its connection number (values read here)."""

            crlf = False

            def __missing__(self, rest: str) -> int:
                values = (rest[:-1] if self.crlf else rest).split(table.delimiter)
                values += [""] * (width - len(values))
                key = tuple(values[index[f] - 1] for f in key_fields)
                number = self[rest] = number_of(key, is_mine(key))
                return number

        class Mine(dict):
            """A server name or address as written -> whether it is the server asked for."""

            def __missing__(self, text: str) -> bool:
                mine = self[text] = (text.strip().lower() == want if not self.ips else
                                     (normalize_ip(text) or "") == want_ip)
                return mine

            ips = False

        def fold() -> int:
            """The waiting slots into their sets; the number of rows of other servers among them."""
            others = 0
            for number, slots in enumerate(waiting):
                if slots:
                    edge = records[number]
                    if edge is None:
                        others += len(slots)
                    else:
                        edge[0].update(map(canon.__getitem__, slots))
                        edge[1] += len(slots)
                    slots.clear()
            return others

        by_values, by_text, append, held = ByValues(), {}, list.append, 0
        by_name, by_ip = Mine(), Mine()
        by_ip.ips = True
        rows = other = width = 0
        for chunk in table.chunks(self._on_header(shown, index)):
            width = index["width"]
            lines = chunk.lines() if index["time slot"] == 0 else None
            if lines is not None:
                parts = list(map(str.partition, lines, repeat(table.delimiter)))
                if "" in map(itemgetter(1), parts):
                    lines = None  # a blank line, or one without a separator: read as columns
            if lines is not None:
                slots = list(map(itemgetter(0), parts))
                if chunk.crlf not in by_text:
                    by_text[chunk.crlf] = ByText()
                    by_text[chunk.crlf].crlf = chunk.crlf
                numbers = map(by_text[chunk.crlf].__getitem__, map(itemgetter(2), parts))
            else:
                slots = chunk.column(index["time slot"])
                columns = [chunk.column(index[f]) for f in key_fields]
                if want is not None:
                    keep = list(map(or_, map(by_name.__getitem__, columns[0]), map(by_name.__getitem__, columns[4])))
                    if want_ip:
                        keep = list(map(or_, map(or_, keep, map(by_ip.__getitem__, columns[1])),
                                        map(by_ip.__getitem__, columns[5])))
                    kept = sum(keep)
                    if kept < len(slots):
                        other += len(slots) - kept
                        rows += len(slots) - kept
                        self._see_slots(slots)
                        columns = [list(compress(column, keep)) for column in columns]
                        slots = list(compress(slots, keep))
                numbers = map(by_values.__getitem__, zip(*columns))
            self._see_slots(slots)
            rows += len(slots)
            deque(map(append, map(waiting.__getitem__, numbers), slots), maxlen=0)
            held += len(slots)
            if held > _HOLD_ROWS:
                other += fold()
                held = 0
        other += fold()
        self.stats.rows += rows
        self.other_rows += other
        self.stats.skip(OTHER_SERVERS, other)

    def _see_slots(self, slots: list[str]) -> None:
        """Every row's slot decides the file's date order; one string per distinct slot is shared
        by every edge's set."""
        if not self._slot_texts.issuperset(slots):
            for slot in set(slots).difference(self._slot_texts):
                self.canon.setdefault(slot, slot)
                self._slot_texts.add(slot)

    def _read_exact(self, table: Table) -> None:
        shown = table.source.shown
        index: dict[str, int] = {}
        on_header = self._on_header(shown, index)
        self.stats.files.append(shown)
        edges, slots, canon = self.edges, self.slots, self.canon
        i_slot = i_src = i_sip = i_sapp = i_sproc = i_dst = i_dip = i_dapp = i_dproc = i_port = 0
        width = need = -1
        rows = other = 0
        want, want_ip, ips = self.want_name, self.want_ip, {}
        for values in table.rows(on_header):
            if width < 0:
                width = index["width"]
                (i_slot, i_src, i_sip, i_sapp, i_sproc, i_dst, i_dip, i_dapp, i_dproc,
                 i_port) = (index[f] for f in FIELDS)
                need = max(index[f] for f in FIELDS) + 1  # the padding column only when a field is absent
            if len(values) < need:  # (a list.extend on every row was 5% of the import)
                values.extend([""] * (need - len(values)))
            rows += 1
            if want is not None and values[i_src].strip().lower() != want \
                    and values[i_dst].strip().lower() != want \
                    and not (want_ip and want_ip in (_ip(ips, values[i_sip]), _ip(ips, values[i_dip]))):
                other += 1
                slot = values[i_slot]
                if slot not in canon:  # the file's date order is decided on every row's slot
                    canon[slot] = slot
                    slots.add(slot, table.line)
                continue
            key = (values[i_src], values[i_sip], values[i_sapp], values[i_sproc], values[i_dst],
                   values[i_dip], values[i_dapp], values[i_dproc], values[i_port])
            edge = edges.get(key)
            if edge is None:
                edge = edges[key] = [set(), 0, table.line, shown]
            slot = values[i_slot]
            same = canon.get(slot)  # one string object per distinct slot, shared by every edge's set
            if same is None:
                same = canon[slot] = slot
                slots.add(slot, table.line)
            edge[0].add(same)
            edge[1] += 1
        self.stats.rows += rows
        self.other_rows += other
        self.stats.skip(OTHER_SERVERS, other)

    def observe(self, origin: str, server: Optional[str]) -> Observation:
        if not self.exact:
            for slot in sorted(self._slot_texts):  # (no line: a problem found makes the exact path read again)
                self.slots.add(slot, 0)
        problems = Problems()
        parsed = []  # (src, sip, sproc, dst, dip, dproc, port, slots, rows)
        for (src, sip, sapp, sproc, dst, dip, dapp, dproc, port_text), (slots, rows, line, shown) in \
                self.edges.items():
            port = _port(port_text)
            if port is None:
                problems.add(shown, line, _spelled(self.spelling, shown, "Destination port"),
                             _("{value} is not a port").format(value=repr(port_text.strip())) + _more(rows))
                continue
            ips = []
            for column, text in (("Source IP", sip), ("Destination IP", dip)):
                text = text.strip()
                ip = normalize_ip(text) if text else ""
                if ip is None:
                    problems.add(shown, line, _spelled(self.spelling, shown, column),
                                 _("{value} is not an address").format(value=repr(text)) + _more(rows))
                ips.append(ip)
            if None in ips:
                continue
            parsed.append((src.strip(), ips[0], _process(sproc, sapp), dst.strip(), ips[1],
                           _process(dproc, dapp), port, slots, rows))
        for line, _text, message in self.slots.resolve():
            shown = self.stats.files[0] if len(self.stats.files) == 1 else origin
            problems.add(shown, line, _spelled(self.spelling, shown, "Time slot"), message)
        if problems and not self.exact:  # say every problem with its line: read again row by row
            self._start_over()
            return self.observe(origin, server)
        problems.raise_if_any()
        if not parsed and self.other_rows:
            raise InputError([Problem(origin, 0, 0, "", _("server {server} is not in this export").format(
                server=repr(server)))])
        if not parsed:
            raise InputError([Problem(origin, 0, 0, "", _("the export holds no connection rows"))])

        me_name, me_ip, chosen = self._server(parsed, server, origin)
        table, stats = PeerTable(), self.stats
        order = self.slots
        blanks = {slot for slot in order.stamps if not slot.strip()}  # an empty slot is no time
        for src, sip, sproc, dst, dip, dproc, port, slots, rows in parsed:
            out = src.lower() == me_name or (me_ip and sip == me_ip)
            into = dst.lower() == me_name or (me_ip and dip == me_ip)
            if out and into:
                stats.skip(_SELF_ROWS, rows)
                continue
            if not (out or into):
                stats.skip(OTHER_SERVERS, rows)
                continue
            seen = slots if blanks.isdisjoint(slots) else {slot for slot in slots if slot.strip()}
            first, last = order.first_last(seen)
            span = (order.key(first), first, order.key(last), last) if first is not None else None
            if out:
                table.add("tcp", "outbound", dip, dst, port, seen, len(seen), span, local_ip=sip, process=sproc)
            else:
                table.add("tcp", "inbound", sip, src, port, seen, len(seen), span, local_ip=dip, process=dproc)
            stats.used += rows
        obs = Observation(source="azure", origin=origin, server=chosen, process_names="export")
        table.finish(obs)
        obs.notes.append(Msg("Azure Migrate agentless dependency analysis records TCP only; peers that connect in "
                             "are known by their address (Source IP)") if self.has_source_ip else
                         Msg("Azure Migrate agentless dependency analysis records TCP only; this export has no "
                             "Source IP column, so peers that connect in are known by server name only"))
        if self.slots.day_first:
            obs.notes.append(Msg("the time slots of this file are day first (re-saved under a day-first locale)"))
        return summarize(obs, stats)

    def _server(self, parsed: list, server: Optional[str], origin: str) -> tuple[str, str, str]:
        """(name to match, address to match, as shown) of the server whose connections are compared."""
        if server:
            ip = normalize_ip(server) or ""
            wanted = server.lower()
            for src, sip, _proc, dst, dip, *_rest in parsed:
                if wanted in (src.lower(), dst.lower()) or (ip and ip in (sip, dip)):
                    return (wanted if not ip else "\0"), ip, server
            raise InputError([Problem(origin, 0, 0, "", _("server {server} is not in this export").format(
                server=repr(server)))])
        sources: dict[str, str] = {}
        for src, *_rest in parsed:
            if src:
                sources.setdefault(src.lower(), src)
        chosen = pick_server(sorted(sources.values(), key=str.lower), None, origin, "source server",
                             "--server NAME")
        return chosen.lower(), "", chosen


_HOLD_ROWS = 1 << 17  # slot texts held in lists before they go into sets (about 10 MB; more measured no faster)


def _ip(cache: dict, text: str) -> str:
    ip = cache.get(text)
    if ip is None:
        ip = cache[text] = normalize_ip(text) or ""
    return ip


def _port(text: str) -> Optional[int]:
    try:
        port = int(float(text))
    except ValueError:
        return None
    return port if 0 < port < 65536 else None


def _process(process: str, application: str) -> str:
    process = process.strip()
    if process and process.lower() != UNKNOWN_PROCESS:
        return process
    application = application.strip()
    return application if application.lower() != UNKNOWN_PROCESS else ""


def _spelled(spelling: dict, shown: str, name: str) -> str:
    """A column as the file spells it (problems name what the person sees)."""
    return spelling.get(shown, {}).get(column_key(name), name)


def _more(rows: int) -> str:
    return ngettext(" ({n} row like it)", " ({n} rows like it)", rows).format(n=rows) if rows > 1 else ""


_SELF_ROWS = Msg("rows from the server to itself")  # why rows are left out (stored)


__all__ = ["AzureReader", "is_azure"]
