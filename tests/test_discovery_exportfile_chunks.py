"""`Table.chunks` (columns of many rows, the importers' fast path) reads what `Table.rows` reads.

Plain blocks are split in one go (`_split_plain`); anything the csv module
would read otherwise (a quote, a lone carriage return, a short, long or
empty row, a line longer than a block) goes to the csv module.  Whatever
the text, the first columns of every chunk, row after row, are the rows
`rows()` gives (cut or padded to the header's width), or both say the same
problem; blocks are made tiny here so that every boundary is crossed.
"""
from __future__ import annotations

import csv
from unittest import mock

from hypothesis import given, settings, strategies as st

from migready.checks.discovery import exportfile
from migready.checks.discovery.exportfile import Table, text_source
from migready.checks.store.problems import InputError

HEADERS = {",": "when,src,dst", ";": "when;src;dst", "\t": "when\tsrc\tdst"}


def read_rows(text: str) -> object:
    table = Table(text_source(text, "x.csv"))
    try:
        return [tuple((values + [""] * 3)[:3]) for values in table.rows(lambda t: None)], table.line
    except InputError as exc:
        return [str(p) for p in exc.problems]


def read_chunks(text: str, block: int) -> object:
    table = Table(text_source(text, "x.csv"))
    with mock.patch.object(exportfile, "BLOCK_CHARS", block):
        try:
            out = []
            for chunk in table.chunks(lambda t: None):
                rows = list(zip(*[chunk.column(i) for i in range(3)]))
                if chunk.lines() is not None:  # the lines as written say the same rows
                    assert '"' not in "".join(chunk.lines()) and chunk.crlf == chunk.lines()[0].endswith("\r")
                    assert [tuple((r + [""] * 3)[:3]) for r in csv.reader(chunk.lines(), delimiter=table.delimiter)
                            if len(r) > 1 or (r and r[0].strip())] == rows
                out += rows
            return out, table.line
        except InputError as exc:
            return [str(p) for p in exc.problems]


@settings(max_examples=400, deadline=None)
@given(delimiter=st.sampled_from(sorted(HEADERS)), block=st.integers(1, 48),
       lines=st.lists(st.text(alphabet="ab ,;\t\"\ré\0", max_size=12), max_size=25),
       ends=st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=25, max_size=25), final=st.booleans())
def test_chunks_read_what_rows_read(delimiter, block, lines, ends, final):
    body = "".join(line + end for line, end in zip(lines, ends))
    text = HEADERS[delimiter] + "\r\n" + (body if final else body.rstrip("\r\n"))
    assert read_chunks(text, block) == read_rows(text)


def test_plain_rows_are_split_in_one_go_and_the_rest_by_csv():
    plain = "when,src,dst\r\n" + "".join(f"t{i},a{i},b{i}\r\n" for i in range(100))
    chunks = list(Table(text_source(plain, "x.csv")).chunks(lambda t: None))
    assert sum(c.size for c in chunks) == 100 and all(c._flat is not None for c in chunks)
    assert [line for c in chunks for line in c.lines()] == [f"t{i},a{i},b{i}\r" for i in range(100)]
    quoted = plain + '"t,100",a,"b\r\nc"\r\n'
    table = Table(text_source(quoted, "x.csv"))
    got = [row for c in table.chunks(lambda t: None) for row in zip(*[c.column(i) for i in range(3)])]
    assert got[-1] == ("t,100", "a", "b\r\nc") and len(got) == 101 and table.line == 103
