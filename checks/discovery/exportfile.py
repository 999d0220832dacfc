"""Opening an export file as a stream of text rows, whatever saved it.

Exports reach migready after a trip through Excel or a colleague's mailbox,
so the reader takes what those write and never loads the whole file:

* encodings: UTF-8 with or without a BOM, UTF-16 with a BOM (Excel's
  "Unicode Text", tab-separated), UTF-16 without a BOM (told by its NUL
  bytes), and Windows-1252 for a file that is not valid UTF-8;
* separators: `,`, `;` (a re-save under a locale whose decimal mark is a
  comma) or tab, whichever the header line holds most of;
* header names compared by `column_key` (case, spaces, `_` and `-` left
  out), so `Time slot`, `Timeslot`, `sourceIp` and `source_ip` are found by
  one spelling.

Input is hostile until parsed (DESIGN.md): only regular files are opened
(a FIFO would block, a device would never end) and any problem is an
InputError naming the file.
"""
from __future__ import annotations

import codecs
import csv
import io
import os
import stat
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain, islice, repeat
from pathlib import Path
from typing import IO, Callable, Iterator, Optional

from ..text.i18n import _
from ..store.problems import InputError, Problem
from ..store.safeio import open_regular, regular_file_problem

SNIFF_BYTES = 4096
SEPARATORS = (",", ";", "\t")
MAX_EXPORT_BYTES = 4 << 30  # streaming keeps memory flat, but a zip bomb would still burn CPU for hours


def column_key(header: str) -> str:
    """'Time slot' / 'Timeslot' -> 'timeslot'; 'sourceIp' / 'source_ip' / 'Source IP' -> 'sourceip'."""
    return "".join(ch for ch in header.replace("\ufeff", "").lower() if ch.isalnum())


def sniff_encoding(head: bytes) -> str:
    """The codec of a file from its first bytes (UTF-8 when nothing says otherwise)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[:200]
    if len(sample) >= 4:
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if odd > len(sample) // 4 and even == 0:
            return "utf-16-le"
        if even > len(sample) // 4 and odd == 0:
            return "utf-16-be"
    return "utf-8"


def regular_file(path: Path, shown: str) -> int:
    """The size of `path`; InputError when it is missing or not a regular file."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise InputError([Problem(shown, 0, 0, "", _("cannot read: {reason}").format(reason=exc.strerror or exc))]) from None
    if not stat.S_ISREG(st.st_mode):  # says which: a FIFO, a device, a directory (checks/store/safeio.py)
        raise InputError([Problem(shown, 0, 0, "", regular_file_problem(path) or _("not a regular file"))])
    check_size(st.st_size, shown)
    return st.st_size


def check_size(size: int, shown: str) -> None:
    if size > MAX_EXPORT_BYTES:
        raise InputError([Problem(shown, 0, 0, "", _(
            "{size:.1f} GiB is more than the {limit} GiB an export is read up to").format(
                size=size / 2**30, limit=MAX_EXPORT_BYTES >> 30))])


@dataclass
class Source:
    """One export to read: a name for messages and a way to open its bytes (again, for a re-read)."""

    shown: str
    open_bytes: Callable[[], IO[bytes]]
    member: str = ""  # the file name inside a zip or a folder: tells source from destination files


def file_source(path: Path, shown: Optional[str] = None) -> Source:
    shown = shown or str(path)
    regular_file(path, shown)
    return Source(shown, lambda: open_regular(path), path.name)  # swapped for a FIFO since: refused, not waited on


def text_source(text: str, shown: str) -> Source:
    data = text.encode("utf-8")
    return Source(shown, lambda: io.BytesIO(data))


class NotUtf8(Exception):
    """The file, taken as UTF-8 for want of a BOM, is not: the import starts again in Windows-1252."""


def open_text(source: Source, encoding: Optional[str] = None) -> IO[str]:
    """The source as text; the encoding is sniffed from its first bytes unless given."""
    raw = source.open_bytes()
    if encoding is None:
        with raw:
            encoding = sniff_encoding(raw.read(SNIFF_BYTES))
        raw = source.open_bytes()  # from the start again (zip members cannot always seek back)
    return io.TextIOWrapper(raw, encoding=encoding, newline="")


def read_header_line(source: Source) -> str:
    """The first non-empty line, decoded (for format detection; undecodable bytes become U+FFFD)."""
    with open_text(source) as stream:
        stream.reconfigure(errors="replace")
        for _attempt in range(50):
            line = stream.readline()
            if not line:
                return ""
            if line.strip():
                return line.replace("\ufeff", "").rstrip("\r\n")
    return ""


def may_fall_back(stream: IO[str]) -> bool:
    """A decoding error is worth a re-read as Windows-1252 only when nothing but the default said UTF-8."""
    return codecs.lookup(stream.encoding).name == "utf-8"


def separator(line: str) -> str:
    return max(SEPARATORS, key=line.count)


BLOCK_CHARS = 1 << 15  # text read at a time by `Table.chunks` (under csv's field limit; 32 Ki measured best:
# 2-5% faster than 64 Ki, 5-10% than 128 Ki, the chunk's values staying in cache)
CHUNK_ROWS = 2_000  # rows at a time where `Table.chunks` falls back to the csv module (20,000 was slower: cache)


class Chunk:
    """Many rows of a table: what a fast importer folds at a time.

    A run of plain lines (no quote; line ends all LF or all CRLF) is kept as its lines (`lines()`,
    for an importer that keys rows by their text); `column(i)` splits them all in one go, `,`, `;`
    or tab and the line ends alike, into one flat list with a line-end marker after each row, when
    every row is as wide as the header: a column is then a slice with a step, and no list is made
    per row.  Anything else comes as the csv module's rows (empty ones left out, short ones read as
    empty values)."""

    __slots__ = ("crlf", "_lines", "_delimiter", "_width", "_flat", "_rows", "_columns")

    def __init__(self, lines: Optional[list[str]] = None, crlf: bool = False, delimiter: str = ",",
                 width: int = 0, rows: Optional[list[list[str]]] = None) -> None:
        self.crlf = crlf  # plain lines end with "\r" (their line end was CRLF)
        self._lines, self._delimiter, self._width = lines, delimiter, width
        self._flat: Optional[list[str]] = None
        self._rows, self._columns = rows, None

    def _split(self) -> None:
        """The lines as values: flat when every row is as wide as the header, else csv's rows."""
        self._flat = _split_plain(self._lines, self._width, self._delimiter)
        if self._flat is None:
            self._rows = [r for r in csv.reader(self._lines, delimiter=self._delimiter)
                          if len(r) > 1 or (r and r[0].strip())]

    def lines(self) -> Optional[list[str]]:
        """Each row's text as written, CR left at the end when `crlf`, blank lines included; None
        when the chunk was read by the csv module (a quote)."""
        return self._lines

    @property
    def size(self) -> int:
        """The rows `column()` gives (blank lines left out)."""
        if self._flat is None and self._rows is None:
            self._split()
        return len(self._lines) if self._flat is not None else len(self._rows)

    def column(self, index: int, keep_cr: bool = False) -> list[str]:
        """The values of column `index` (0-based), one per row; "" for a row without it.  With
        `keep_cr`, the last column's values of CRLF lines keep their CR (for a caller that looks
        them up anyway: stripping makes a string per row)."""
        if self._flat is None and self._rows is None:
            self._split()
        if self._flat is not None:
            if index >= self._width:
                return [""] * len(self._lines)
            values = self._flat[index::self._width + 1]
            if self.crlf and index == self._width - 1 and not keep_cr:
                return list(map(str.rstrip, values, repeat("\r")))
            return values
        if self._columns is None:
            width = max(map(len, self._rows), default=0)
            padded = [r if len(r) == width else r + [""] * (width - len(r)) for r in self._rows]
            self._columns = list(zip(*padded))
        return list(self._columns[index]) if index < len(self._columns) else [""] * len(self._rows)


class Table:
    """The rows of one delimited export, streamed; `line` is the current row's line number.

    `rows()` gives one row at a time with its line (the exact path, which names every problem's
    line); `chunks()` gives many at a time as columns (the fast path: issue 27 asks the importers to
    stay within 2x of `csv.reader` alone, and a Python step per row costs about as much as the
    parse).  Both read the header, and say a decoding or csv problem, the same way (`_opened`)."""

    def __init__(self, source: Source, encoding: Optional[str] = None) -> None:
        self.source = source
        self.encoding = encoding
        self.header: list[str] = []
        self.header_line = 0
        self.line = 0
        self.delimiter = ","

    def columns(self) -> dict[str, int]:
        """column_key -> index, of the header read by `rows()` or `chunks()`."""
        index: dict[str, int] = {}
        for i, name in enumerate(self.header):
            index.setdefault(column_key(name), i)
        return index

    def rows(self, on_header: Callable[["Table"], None]) -> Iterator[list[str]]:
        """Each non-empty row as a list of raw values; on_header is called once the header is read.

        A file that turns out not to be UTF-8 part-way raises NotUtf8: the
        caller starts the whole import again in Windows-1252 (every file of
        it, so nothing half-read is kept)."""
        with self._opened(on_header) as stream:
            reader = csv.reader(stream, delimiter=self.delimiter)
            base = self.header_line
            while True:
                try:
                    values = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    raise self._unreadable(base + reader.line_num, exc) from None
                self.line = base + reader.line_num
                if values and (len(values) > 1 or values[0].strip()):
                    yield values

    def chunks(self, on_header: Callable[["Table"], None]) -> Iterator[Chunk]:
        """The rows as Chunks of many; `line` is the last line read.  Rows that `rows()` would skip
        (empty ones) are not in them; which rows share a chunk is not said."""
        with self._opened(on_header) as stream:
            width, delimiter = len(self.header), self.delimiter
            line, carry = self.header_line, ""
            while True:
                block = stream.read(BLOCK_CHARS)
                text = carry + block if carry else block
                cut = text.rfind("\n") + 1 if block else len(text)
                body, carry = text[:cut], text[cut:]
                if '"' in body or len(carry) > BLOCK_CHARS:
                    # a quoted value may hold line ends, and a line longer than a block may be over
                    # csv's field limit: the csv module reads the rest (and says what it finds)
                    yield from self._csv_chunks(stream, body + carry + stream.readline(), line)
                    return
                plain = _plain_lines(body)
                if plain is not None:
                    line += len(plain[0])
                    self.line = line
                    yield Chunk(plain[0], plain[1], delimiter, width)
                elif body:
                    rows, lines = _csv_rows(body, delimiter, self, line)
                    line += lines
                    self.line = line
                    if rows:
                        yield Chunk(rows=rows)
                if not block:
                    return

    def _csv_chunks(self, stream: IO[str], pending: str, line: int) -> Iterator[Chunk]:
        reader = csv.reader(chain(io.StringIO(pending, newline=""), stream), delimiter=self.delimiter)
        while True:
            try:
                rows = list(islice(reader, CHUNK_ROWS))
            except csv.Error as exc:
                raise self._unreadable(line + reader.line_num, exc) from None
            if not rows:
                return
            self.line = line + reader.line_num
            if min(map(len, rows)) <= 1:
                rows = [r for r in rows if len(r) > 1 or (r and r[0].strip())]
            if rows:
                yield Chunk(rows=rows)

    @contextmanager
    def _opened(self, on_header: Callable[["Table"], None]) -> Iterator[IO[str]]:
        """The stream past the header (on_header called), and a decoding problem said one way."""
        stream = open_text(self.source, self.encoding)
        try:
            first = ""
            while not first.strip():
                first = stream.readline()
                self.header_line += 1
                if not first:
                    raise InputError([Problem(self.source.shown, 0, 0, "", _("the file is empty"))])
            first = first.replace("\ufeff", "")
            self.delimiter = separator(first)
            self.header = [h.strip() for h in next(csv.reader([first], delimiter=self.delimiter))]
            self.line = self.header_line
            on_header(self)
            yield stream
        except UnicodeDecodeError:
            if may_fall_back(stream):
                raise NotUtf8() from None
            raise InputError([Problem(self.source.shown, self.line + 1, 0, "",
                                      _("cannot decode the file as {encoding}").format(encoding=stream.encoding))]) from None
        finally:
            stream.close()

    def _unreadable(self, line: int, exc: csv.Error) -> InputError:
        return InputError([Problem(self.source.shown, line, 0, "",
                                   _("not a readable CSV row: {detail}").format(detail=exc))])


def _plain_lines(body: str) -> Optional[tuple[list[str], bool]]:
    """(the lines, whether they end with CR) of whole lines with nothing the csv module would read
    otherwise than a split at line ends and separators: no quote (checked by the caller), no NUL
    (refused before Python 3.11), every line end LF or every one CRLF (a lone CR ends a row for
    csv), no line over csv's field limit.  None otherwise.  One split and searches for one
    character: a `replace` of CRLF cost as much as the split (issue 27)."""
    if not body or "\0" in body:
        return None
    lines = body.split("\n")
    if lines[-1]:
        return None  # the last line of the file without its line end: csv reads it
    lines.pop()
    crlf = "\r" in body
    if crlf and (body.count("\r") != len(lines) or not all(map(str.endswith, lines, repeat("\r")))):
        return None
    if len(body) > csv.field_size_limit() and max(map(len, lines)) > csv.field_size_limit():
        return None
    return lines, crlf


def _split_plain(lines: list[str], width: int, delimiter: str) -> Optional[list[str]]:
    """The values of plain lines in one flat list, a line feed after each row's; None unless every row has
    exactly `width` values (a short, long or empty row: csv reads them)."""
    if width < 2:
        return None
    flat = f"{delimiter}\n{delimiter}".join(lines).split(delimiter)
    rows = len(lines)
    # no line holds a line feed, so the markers are the only "\n" values: all at their places
    # means every row has `width` values
    if len(flat) != rows * (width + 1) - 1 or flat[width::width + 1].count("\n") != rows - 1:
        return None
    flat.append("\n")
    return flat


def _csv_rows(body: str, delimiter: str, table: Table, line: int) -> tuple[list[list[str]], int]:
    """(the non-empty rows, the lines read) of whole lines without a quote, by the csv module."""
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)
    try:
        rows = [r for r in reader if len(r) > 1 or (r and r[0].strip())]
    except csv.Error as exc:
        raise table._unreadable(line + reader.line_num, exc) from None
    return rows, reader.line_num


def missing_columns(index: dict[str, int], required: tuple[str, ...]) -> list[str]:
    return [name for name in required if column_key(name) not in index]


__all__ = ["MAX_EXPORT_BYTES", "Chunk", "NotUtf8", "Source", "Table", "check_size", "column_key", "file_source",
           "may_fall_back", "missing_columns", "open_text", "read_header_line", "regular_file", "separator",
           "sniff_encoding", "text_source"]
