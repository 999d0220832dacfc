"""Device fleets: targets written as a range or a CSV file, and sampling them.

A store has dozens of scales and printers; inventories name them as an
address range or a CSV exported from the asset system.  Each helper raises
`TargetError` with a message for people; the loader turns it into a Problem
at the field that caused it.
"""
from __future__ import annotations

import csv
import io
import ipaddress
from pathlib import Path

from ..text.i18n import _
from ..store.safeio import read_regular
from ..text.sanitize import host_problem

MAX_RANGE = 65_536  # a /16; anything bigger is almost certainly a typo


class TargetError(ValueError):
    pass


def expand_range(text: str) -> list[str]:
    """``10.1.4.0/24`` (usable hosts) or ``10.1.4.10-10.1.4.99`` (inclusive)."""
    text = text.strip()
    if "/" in text:
        try:
            net = ipaddress.ip_network(text, strict=False)
        except ValueError as exc:
            raise TargetError(_("'{text}' is not a valid CIDR ({error})").format(text=text, error=exc)) from None
        if net.num_addresses > MAX_RANGE:
            raise TargetError(_too_many(text, net.num_addresses))
        hosts = list(net.hosts()) or [net.network_address]
        return [str(ip) for ip in hosts]
    first_text, sep, last_text = text.partition("-")
    if not sep:
        raise TargetError(_("'{text}' is neither a CIDR (10.1.4.0/24) nor a range (10.1.4.10-10.1.4.99)")
                          .format(text=text))
    try:
        first = ipaddress.ip_address(first_text.strip())
        last = ipaddress.ip_address(last_text.strip())
    except ValueError as exc:
        raise TargetError(f"'{text}': {exc}") from None  # the address parser's own words
    if first.version != last.version:
        raise TargetError(_("'{text}' mixes IPv{first} and IPv{last}").format(text=text, first=first.version,
                                                                             last=last.version))
    count = int(last) - int(first) + 1
    if count < 1:
        raise TargetError(_("'{text}': the first address is after the last").format(text=text))
    if count > MAX_RANGE:
        raise TargetError(_too_many(text, count))
    return [str(first + i) for i in range(count)]


def _too_many(text: str, count: int) -> str:
    return _("range {text} holds {count} addresses; the limit is {limit} (split it, or list the devices in "
             "targets_csv)").format(text=text, count=count, limit=MAX_RANGE)


def read_targets_csv(path: Path) -> list[str]:
    """Hosts from a CSV: the ``host`` / ``ip`` / ``address`` column, else the first column."""
    try:
        raw = read_regular(path)
    except OSError as exc:
        raise TargetError(_("cannot read target CSV {path}: {error}").format(path=path,
                                                                             error=exc.strerror or exc)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TargetError(_("target CSV {path} is not valid UTF-8").format(path=path)) from None
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    if not rows:
        raise TargetError(_("target CSV {path} is empty").format(path=path))
    header = [cell.strip().lower() for cell in rows[0]]
    column = next((header.index(n) for n in ("host", "ip", "address") if n in header), None)
    if column is None:
        column, body = 0, rows  # no recognised header: hosts in the first column
        if _looks_like_header(rows[0][0]):
            body = rows[1:]
    else:
        body = rows[1:]
    hosts = []
    for number, row in enumerate(body, start=len(rows) - len(body) + 1):
        value = row[column].strip() if column < len(row) else ""
        if not value:
            raise TargetError(_("target CSV {path}, row {row}: no host in column {column}").format(
                path=path, row=number, column=column + 1))
        if host_problem(value):
            raise TargetError(_("target CSV {path}, row {row}: {problem}").format(path=path, row=number,
                                                                                  problem=host_problem(value)))
        hosts.append(value)
    if not hosts:
        raise TargetError(_("target CSV {path} has a header but no rows").format(path=path))
    if len(hosts) > MAX_RANGE:
        raise TargetError(_("target CSV {path} lists {count} hosts; the limit is {limit}").format(
            path=path, count=len(hosts), limit=MAX_RANGE))
    return hosts


def _looks_like_header(cell: str) -> bool:
    cell = cell.strip()
    try:
        ipaddress.ip_address(cell)
        return False
    except ValueError:
        return " " in cell or cell.isalpha()


def sample_evenly(targets: list[str] | tuple[str, ...], size: int | None) -> list[str]:
    """`size` members spread across the fleet (first and last included), deterministic.

    Spreading rather than taking the first N matters: a fleet's first
    addresses are often one store or one switch.
    """
    targets = list(targets)
    if size is None or size >= len(targets):
        return targets
    if size == 1:
        return [targets[0]]
    step = (len(targets) - 1) / (size - 1)
    return [targets[round(i * step)] for i in range(size)]
