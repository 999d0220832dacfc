"""What the export importers share: peers built from aggregated rows, the
server an export is about, bounded problem lists and the import summary.

Rows are never kept: each importer folds them as it reads into "edges"
(one per distinct connection description, with the set of time texts it
was seen at and how many rows said so), so memory follows the number of
distinct connections, not the size of the file.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ..text.i18n import N_, Joined, Msg, MsgN, _, ngettext
from ..store.problems import InputError, Problem
from .model import Observation, Peer

MAX_PROBLEMS = 50  # a broken 50 MB export must not print a million lines
PEER_LIST_CAP = 16  # local/remote ports and addresses kept per peer, as the live aggregator


# what an import counts and why it leaves rows out: written into the stored observation's notes
ROWS = Msg("rows")
SOCKET_LINES = Msg("socket lines")
OTHER_SERVERS = Msg("rows of other servers")
# the kinds of server `pick_server` chooses between, marked for translation
_SERVER_KINDS = (N_("address"), N_("addresses"), N_("source server"), N_("source servers"))


class Problems:
    """Problems of one import, at most MAX_PROBLEMS kept; the rest counted in a last line."""

    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.more = 0

    def add(self, file: str, line: int, column: str, message: str) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(Problem(file, line, 0, column, message))
        else:
            self.more += 1

    def raise_if_any(self) -> None:
        if not self.items:
            return
        items = list(self.items)
        if self.more:
            last = max(items)
            items.append(Problem(last.file, last.line + 1 if last.line else 0, 0, "",
                                 ngettext("... and {n} more problem like these", "... and {n} more problems like these",
                                          self.more).format(n=self.more)))
        raise InputError(items)

    def __bool__(self) -> bool:
        return bool(self.items)


@dataclass
class ImportStats:
    """What an import read and what it left out, for the summary people read first."""

    files: list[str] = field(default_factory=list)
    rows: int = 0
    used: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # why -> rows

    def skip(self, why: str, rows: int = 1) -> None:
        if rows:
            self.skipped[why] = self.skipped.get(why, 0) + rows

    def to_dict(self) -> dict:
        return {"files": list(self.files), "rows": self.rows, "used": self.used, "skipped": dict(self.skipped)}

    def sentence(self, peers: int, unit: str = ROWS) -> Msg:
        """'read 1,204 rows: 1,150 used (12 peers); left out: 50 rows of other servers, 4 loopback rows'.

        A Msg: it is the first note of the observation stored in the workspace (the reasons given
        to `skip` are Msgs too, so the whole sentence is shown in the reader's language)."""
        head = Msg("read {rows:,} {unit}: {used:,} used ({peers})", rows=self.rows, unit=unit, used=self.used,
                   peers=MsgN("{n:,} peer", "{n:,} peers", peers))
        if self.skipped:
            tail = Msg("; left out: {reasons}", reasons=Joined(", ", [Msg("{n:,} {why}", n=n, why=why)
                                                                     for why, n in self.skipped.items()]))
        else:
            tail = Msg("; nothing left out")
        return Joined("", [head, tail])


class PeerTable:
    """Peers keyed as live sampling keys them, with what they were seen at and their first/last time.

    `seen` is a set of hashable times (slot texts, or time numbers), or anything
    sized, copied, merged (`|=`) and joined (`union`) as one (AWS's `TimeSets`), whose size is
    the peer's sample count; it is kept as given until a second connection of
    the same peer is merged in (a copy then: the caller's is never changed).
    `span` is (first key, first text, last key, last text), the times as the
    export wrote them, ordered by key."""

    def __init__(self) -> None:
        self.peers: dict[tuple, Peer] = {}
        self.seen: dict[tuple, object] = {}
        self.owned: set[tuple] = set()  # keys whose seen is this table's own (a copy)
        self.conns: dict[tuple, int] = {}
        self.spans: dict[tuple, Optional[tuple]] = {}

    def add(self, proto: str, direction: str, remote_ip: str, remote_name: str, port: int, seen: set,
            connections: int, span: Optional[tuple], *, local_ip: str = "", local_ports=(),
            remote_ports=(), process: str = "") -> None:
        key = (proto, direction, remote_ip or remote_name.lower(), port)
        peer = self.peers.get(key)
        if peer is None:
            peer = self.peers[key] = Peer(proto, direction, remote_ip, port, remote_name=remote_name)
            self.seen[key], self.conns[key], self.spans[key] = seen, 0, None
        else:
            if remote_name and not peer.remote_name:
                peer.remote_name = remote_name
            if key not in self.owned:
                self.seen[key] = self.seen[key].copy()
                self.owned.add(key)
            self.seen[key] |= seen
        _add_capped(peer.local_ips, local_ip)
        for value in local_ports:
            _add_capped(peer.local_ports, value)
        for value in remote_ports:
            _add_capped(peer.remote_ports, value)
        _add_capped(peer.processes, process)
        self.conns[key] += connections
        self.spans[key] = merge_span(self.spans[key], span)

    def finish(self, obs: Observation) -> Observation:
        whole = None
        for key, peer in self.peers.items():
            peer.samples = len(self.seen[key]) or 1
            peer.connections = self.conns[key]
            span = self.spans[key]
            if span is not None:
                peer.first_seen, peer.last_seen = span[1], span[3]
            whole = merge_span(whole, span)
        obs.peers = sorted(self.peers.values(), key=lambda p: (p.direction, p.proto, p.remote, p.port))
        seen = list(self.seen.values())
        obs.samples = len(seen[0].union(*seen[1:])) if seen else 0
        if whole is not None:
            obs.first, obs.last = whole[1], whole[3]
        return obs


def merge_span(a: Optional[tuple], b: Optional[tuple]) -> Optional[tuple]:
    """(first key, first text, last key, last text) covering both."""
    if a is None or b is None:
        return a if b is None else b
    first = a[:2] if a[0] <= b[0] else b[:2]
    last = a[2:] if a[2] >= b[2] else b[2:]
    return first + last


def _add_capped(items: list, value) -> None:
    if value and value not in items and len(items) < PEER_LIST_CAP:
        items.append(value)


def pick_server(candidates: list[str], server: Optional[str], origin: str, what: str, flag: str) -> str:
    """The one candidate, or the one asked for; InputError listing them otherwise."""
    if server:
        return server
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise InputError([Problem(origin, 0, 0, "", _(
            "no {what} is common to every row; say whose connections to compare with {flag}").format(
                what=_(what), flag=flag))])
    shown = ", ".join(candidates[:10]) + (" ..." if len(candidates) > 10 else "")
    plural = what + ("es" if what.endswith("s") else "s")
    raise InputError([Problem(origin, 0, 0, "", _("the export covers {n} {what} ({candidates}); pick one with {flag}").format(
        n=len(candidates), what=_(plural), candidates=shown, flag=flag))])


def summarize(obs: Observation, stats: ImportStats, unit: str = ROWS) -> Observation:
    """Put the summary first among the notes and keep the counts for JSON readers."""
    obs.imported = stats.to_dict()
    obs.notes.insert(0, stats.sentence(len(obs.peers), unit))
    return obs


__all__ = ["ImportStats", "MAX_PROBLEMS", "PeerTable", "Problems", "merge_span", "pick_server", "summarize"]
