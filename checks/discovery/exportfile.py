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
from dataclasses import dataclass
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


class Table:
    """The rows of one delimited export, streamed; `line` is the current row's line number."""

    def __init__(self, source: Source, encoding: Optional[str] = None) -> None:
        self.source = source
        self.encoding = encoding
        self.header: list[str] = []
        self.header_line = 0
        self.line = 0

    def columns(self) -> dict[str, int]:
        """column_key -> index, of the header read by `rows()`."""
        index: dict[str, int] = {}
        for i, name in enumerate(self.header):
            index.setdefault(column_key(name), i)
        return index

    def rows(self, on_header: Callable[["Table"], None]) -> Iterator[list[str]]:
        """Each non-empty row as a list of raw values; on_header is called once the header is read.

        A file that turns out not to be UTF-8 part-way raises NotUtf8: the
        caller starts the whole import again in Windows-1252 (every file of
        it, so nothing half-read is kept)."""
        stream = open_text(self.source, self.encoding)
        try:
            first = ""
            while not first.strip():
                first = stream.readline()
                self.header_line += 1
                if not first:
                    raise InputError([Problem(self.source.shown, 0, 0, "", _("the file is empty"))])
            first = first.replace("\ufeff", "")
            delimiter = separator(first)
            self.header = [h.strip() for h in next(csv.reader([first], delimiter=delimiter))]
            self.line = self.header_line
            on_header(self)
            reader = csv.reader(stream, delimiter=delimiter)
            base = self.header_line
            while True:
                try:
                    values = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    raise InputError([Problem(self.source.shown, base + reader.line_num, 0, "",
                                              _("not a readable CSV row: {detail}").format(detail=exc))]) from None
                self.line = base + reader.line_num
                if values and (len(values) > 1 or values[0].strip()):
                    yield values
        except UnicodeDecodeError:
            if may_fall_back(stream):
                raise NotUtf8() from None
            raise InputError([Problem(self.source.shown, self.line + 1, 0, "",
                                      _("cannot decode the file as {encoding}").format(encoding=stream.encoding))]) from None
        finally:
            stream.close()


def missing_columns(index: dict[str, int], required: tuple[str, ...]) -> list[str]:
    return [name for name in required if column_key(name) not in index]


__all__ = ["MAX_EXPORT_BYTES", "NotUtf8", "Source", "Table", "check_size", "column_key", "file_source",
           "may_fall_back", "missing_columns", "open_text", "read_header_line", "regular_file", "separator",
           "sniff_encoding", "text_source"]
