"""Saved `ss -tunap` output (several runs appended count as several snapshots).

What iproute2 has written over the years, all read by the agent's parser:

* process column `users:(("sshd",pid=901,fd=3))` (4.x and later),
  `users:(("sshd",901,3))` (3.x) and `users:(("java",pid=3100,tid=3107,fd=9))`
  (`-T`, `--threads`): the name is kept in each;
* without `-n`, ports are service names (`10.0.0.1:ssh`): they are turned
  into numbers through this machine's services database (`getservbyname`),
  and a name it does not know is reported with its line, never dropped
  without a word.
"""
from __future__ import annotations

import socket
from datetime import datetime, timezone
from functools import lru_cache
from typing import IO, Optional

from ..text.i18n import Joined, Msg, _
from ..store.problems import InputError, Problem
from .importcommon import SOCKET_LINES, ImportStats, summarize
from .model import Observation
from .procnet import DEFAULT_EPHEMERAL, SocketAggregator, parse_ss

MAX_REPORTED_LINES = 5


@lru_cache(maxsize=1024)
def service_port(name: str, proto: str) -> Optional[int]:
    """A service name as ss prints it without -n -> its port, from the local services database."""
    try:
        return socket.getservbyname(name, proto)
    except OSError:
        return None


def is_ss_header(line: str) -> bool:
    tokens = line.split()
    return bool(tokens) and tokens[0] in ("Netid", "State") and "Local" in line


def import_ss_stream(stream: IO[str], origin: str, written: Optional[str]) -> Observation:
    """One snapshot per header line (or the whole file without headers)."""
    at = written or datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    aggregate = SocketAggregator(DEFAULT_EPHEMERAL)
    stats = ImportStats(files=[origin])
    rejected: list[tuple[int, str, str]] = []
    named = {"ports": 0}
    with_process = 0
    current: list[str] = []
    start = 1

    def resolve(name: str, proto: str) -> Optional[int]:
        port = service_port(name, proto)
        if port is not None:
            named["ports"] += 1
        return port

    def flush() -> None:
        nonlocal with_process
        lines = [l for l in current if l.strip()]
        if not lines:
            return
        before = len(rejected)
        sockets = parse_ss("\n".join(current), resolve, rejected)
        for i in range(before, len(rejected)):  # line numbers of the file, not of the snapshot
            number, line, why = rejected[i]
            rejected[i] = (number + start - 1, line, why)
        stats.rows += len(lines)
        stats.used += len(sockets)
        stats.skip(_NOT_SOCKETS, len(lines) - len(sockets) - (len(rejected) - before))
        with_process += sum(1 for s in sockets if s["processes"])
        if sockets:
            aggregate.add(sockets, at)

    number = 0
    for number, line in enumerate(stream, 1):
        line = line.rstrip("\r\n")
        if is_ss_header(line):
            flush()
            current, start = [], number + 1
            continue
        current.append(line)
    flush()
    if rejected:
        stats.skip(_NAMED_PORTS, len(rejected))
    if not stats.used:
        message = _("no TCP or UDP socket found in this ss output ({n} lines have service names instead "
                    "of ports: save it again with ss -tunap -n)").format(n=len(rejected)) \
            if rejected else _("no TCP or UDP socket found in this ss output")
        raise InputError([Problem(origin, 0, 0, "", message)])
    obs = Observation(source="ss", origin=origin, process_names="ss" if with_process else "none")
    obs.absorb(aggregate.to_data())
    obs.notes.append(Msg("times are when the file was written ({at}); the ephemeral port range is assumed "
                         "to be the Linux default {low}-{high}", at=at, low=DEFAULT_EPHEMERAL[0],
                         high=DEFAULT_EPHEMERAL[1]))
    if named["ports"] or rejected:
        obs.notes.append(Msg("ss was run without -n: ports are service names, read through this machine's "
                             "services database; use -n (ss -tunapn) for numbers"))
    if rejected:
        shown = Joined("; ", [Msg("line {n}: {why}", n=n, why=why) for n, _line, why in rejected[:MAX_REPORTED_LINES]])
        extra = len(rejected) - MAX_REPORTED_LINES
        if extra > 0:
            obs.notes.append(Msg("{n} socket lines left out: {lines} (and {more} more)", n=len(rejected),
                                 lines=shown, more=extra))
        else:
            obs.notes.append(Msg("{n} socket lines left out: {lines}", n=len(rejected), lines=shown))
    if not with_process:
        obs.notes.append(Msg("no process names in the file (ss run without -p, or not as root)"))
    return summarize(obs, stats, SOCKET_LINES)


# why lines were left out (stored with the observation)
_NOT_SOCKETS = Msg("lines that are not TCP or UDP sockets")
_NAMED_PORTS = Msg("socket lines whose port is a service name this machine does not know")


__all__ = ["import_ss_stream", "is_ss_header", "service_port"]
