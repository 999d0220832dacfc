"""The times exports write, put in order without guessing.

* Azure Migrate writes a six-hour slot, month first: `12/15/2024 12:00-18:00`,
  `12/18/2024 18:00-0:00`; the Learn article's sample spaces the dash
  (`12/15/2024 12:00 - 18:00`) and re-saves may use `-` or `.` in the date
  or an en dash between the times.
* AWS Application Discovery writes `agentProvidedTimeStamp` as
  `mm/dd/yyyy hh:mm:ss am/pm`; its Athena tables hold `yyyy-mm-dd hh:mm:ss`.

A date such as 08/07/2024 reads month first, as the tools write it.  When
the same file also holds dates that can only be day first (15/12/2024), it
was re-saved under a day-first locale and 08/07/2024 could be either: that
value is rejected with its line rather than placed by a guess.

Parsing is by one regular expression per value, cached by the caller per
distinct text (an export repeats a few hundred slots over millions of
rows): `strptime` over every row cost most of a minute on 50 MB.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional
from ..text.i18n import _


def _not_a_time(text: str, example: str) -> str:
    return _("{value} is not a time as the tool writes it (e.g. {example})").format(value=repr(text), example=example)


def _mixed(day_first: str, line: int, month_first: str) -> str:
    return _("{value} is day first but line {line} ({other}) is month first: the dates of this file cannot be "
             "put in order").format(value=repr(day_first), line=line, other=repr(month_first))


def _ambiguous(text: str, line: int, day_first: str) -> str:
    return _("{value} is ambiguous: this file was re-saved day first (line {line}: {other}), so it may be "
             "month/day or day/month; export again from the tool, or write dates as yyyy-mm-dd").format(
                 value=repr(text), line=line, other=repr(day_first))

_STAMP = re.compile(
    r"^\s*(?:(?P<y1>\d{4})[-/.](?P<a1>\d{1,2})[-/.](?P<b1>\d{1,2})"
    r"|(?P<a2>\d{1,2})[-/.](?P<b2>\d{1,2})[-/.](?P<y2>\d{4}))"
    r"(?:[ T]+(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?)?"
    r"(?:\s*(?:Z|[+-]\d{2}:?\d{2}))?"
    r"(?:\s*[-\u2013\u2014]\s*(?P<eh>\d{1,2}):(?P<emi>\d{2})(?::\d{2})?\s*(?:[AaPp]\.?[Mm]\.?)?)?\s*$")

MONTH_FIRST, DAY_FIRST, EITHER, YEAR_FIRST = "month-first", "day-first", "either", "year-first"


@dataclass(frozen=True)
class Stamp:
    """A parsed time (or the start of a slot); `order` says how its date may be read."""

    year: int
    first: int  # the first of the two day/month numbers as written (month for year-first)
    second: int
    hour: int
    minute: int
    second_of_minute: int
    order: str

    def key(self, day_first: bool) -> tuple:
        if self.order == YEAR_FIRST or not day_first:
            month, day = self.first, self.second
        else:
            month, day = self.second, self.first
        return (self.year, month, day, self.hour, self.minute, self.second_of_minute)


def parse_stamp(text: str) -> Optional[Stamp]:
    """A time or slot as the tools write it, or None when it is not one."""
    m = _STAMP.match(text)
    if m is None:
        return None
    if m.group("y1"):
        year, a, b, order = int(m.group("y1")), int(m.group("a1")), int(m.group("b1")), YEAR_FIRST
        if not (1 <= a <= 12 and 1 <= b <= 31):
            return None
    else:
        year, a, b = int(m.group("y2")), int(m.group("a2")), int(m.group("b2"))
        if not (1 <= a <= 31 and 1 <= b <= 31) or (a > 12 and b > 12):
            return None
        order = DAY_FIRST if a > 12 else MONTH_FIRST if b > 12 else MONTH_FIRST if a == b else EITHER
    hour, minute = int(m.group("h") or 0), int(m.group("mi") or 0)
    sec = int(m.group("s") or 0)
    ampm = (m.group("ampm") or "").replace(".", "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23 or minute > 59 or sec > 59:
        return None
    return Stamp(year, a, b, hour, minute, sec, order)


class TimeOrder:
    """Distinct time texts of one file -> sort keys, once the whole file has been read.

    `add` is called for each distinct text with the line it was first seen
    on; `resolve` decides month- or day-first for the file and returns the
    problems (unreadable or ambiguous values) as (line, text, message)."""

    def __init__(self, example: str) -> None:
        self.example = example
        self.stamps: dict[str, Optional[Stamp]] = {}
        self.lines: dict[str, int] = {}
        self.day_first = False
        self.keys: dict[str, tuple] = {}
        self.rank: dict[str, int] = {}  # text -> its place among the file's times (after `resolve`)

    def add(self, text: str, line: int) -> None:
        if text not in self.stamps:
            self.stamps[text] = parse_stamp(text)
            self.lines[text] = line

    def resolve(self) -> list[tuple[int, str, str]]:
        problems = []
        for text, stamp in self.stamps.items():
            if stamp is None and text.strip():  # an empty time is no time, not a wrong one
                problems.append((self.lines[text], text, _not_a_time(text, self.example)))
        orders = {}
        for text, stamp in self.stamps.items():
            if stamp is not None and stamp.order in (MONTH_FIRST, DAY_FIRST) and stamp.first != stamp.second:
                if stamp.first > 12 or stamp.second > 12:
                    orders.setdefault(stamp.order, text)
        if MONTH_FIRST in orders and DAY_FIRST in orders:
            m, d = orders[MONTH_FIRST], orders[DAY_FIRST]
            problems.append((self.lines[d], d, _mixed(d, self.lines[m], m)))
        elif DAY_FIRST in orders:
            self.day_first = True
            d = orders[DAY_FIRST]
            for text, stamp in self.stamps.items():
                if stamp is not None and stamp.order == EITHER:
                    problems.append((self.lines[text], text, _ambiguous(text, self.lines[d], d)))
        if not problems:
            self.keys = {t: s.key(self.day_first) for t, s in self.stamps.items() if s is not None}
            self.rank = {t: i for i, t in enumerate(sorted(self.keys, key=self.keys.__getitem__))}
        return sorted(problems)

    def key(self, text: str) -> tuple:
        return self.keys[text]

    def first_last(self, texts) -> tuple[Optional[str], Optional[str]]:
        """The earliest and latest of `texts` (empty ones left out), by C-level lookups of their
        rank: a Python key function per text was a fifth of a 50 MB Azure import (issue 27)."""
        rank = self.rank
        first = min(filter(rank.__contains__, texts), key=rank.__getitem__, default=None)
        if first is None:
            return None, None
        return first, max(filter(rank.__contains__, texts), key=rank.__getitem__)


__all__ = ["Stamp", "TimeOrder", "parse_stamp"]


def stamp_number(stamp: Stamp, day_first: bool) -> int:
    """yyyymmddhhmmss as one number: sortable, and cheaper to keep than a tuple."""
    y, mo, d, h, mi, s = stamp.key(day_first)
    return ((((y * 100 + mo) * 100 + d) * 100 + h) * 100 + mi) * 100 + s


class StreamingTimes:
    """TimeOrder for exports with a time per row (AWS): nothing kept per distinct text.

    `see` parses a text (cached while the cache is small) into two sortable
    numbers, one per reading of its date (month first, day first), and
    keeps only the evidence needed to decide between them: the first value
    that can only be read one way, and the lines of values that could be
    either.  The caller keeps min/max of both numbers per connection and
    takes one set once `resolve` has decided."""

    CACHE = 50_000
    KEEP = 50

    def __init__(self, example: str) -> None:
        self.example = example
        self.cache: dict[str, Optional[tuple[int, int]]] = {}
        self.only: dict[str, tuple[int, str]] = {}  # MONTH_FIRST / DAY_FIRST -> first (line, text)
        self.either: list[tuple[int, str]] = []
        self.bad: list[tuple[int, str]] = []
        self.bad_count = self.either_count = 0
        self.day_first = False

    def see(self, text: str, line: int) -> Optional[tuple[int, int]]:
        if text in self.cache:
            return self.cache[text]
        if len(self.cache) >= self.CACHE:
            self.cache.clear()
        stamp = parse_stamp(text) if text.strip() else None
        value = None
        if stamp is None:
            if text.strip():
                self.bad_count += 1
                if len(self.bad) < self.KEEP:
                    self.bad.append((line, text))
        else:
            value = (stamp_number(stamp, False), stamp_number(stamp, True))
            if stamp.order in (MONTH_FIRST, DAY_FIRST) and (stamp.first > 12 or stamp.second > 12):
                self.only.setdefault(stamp.order, (line, text))
            elif stamp.order == EITHER:
                self.either_count += 1
                if len(self.either) < self.KEEP:
                    self.either.append((line, text))
        self.cache[text] = value
        return value

    def resolve(self) -> list[tuple[int, str, str]]:
        problems = [(line, text, _not_a_time(text, self.example)) for line, text in self.bad]
        if MONTH_FIRST in self.only and DAY_FIRST in self.only:
            (ml, m), (dl, d) = self.only[MONTH_FIRST], self.only[DAY_FIRST]
            problems.append((dl, d, _mixed(d, ml, m)))
        elif DAY_FIRST in self.only:
            self.day_first = True
            dl, d = self.only[DAY_FIRST]
            problems += [(line, text, _ambiguous(text, dl, d)) for line, text in self.either]
        self.cache.clear()
        return sorted(problems)


__all__ += ["StreamingTimes", "stamp_number"]
