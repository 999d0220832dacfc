"""The command line's fixed words for the core's vocabularies, and exceptions said in the reader's language.

In English the terminal keeps today's forms exactly (`[PASS   ]`, `NO-GO`,
`[HIGH   ]`): scripts and people read them.  In another language a state,
severity or phase is the reader's word (checks/text/labels.py), and a verdict is
the lead's word with the id beside it, `不放行 (NO-GO)`, as the reports
write it, so the id a pipeline greps for is still on the line.
"""
from __future__ import annotations

from ..text.i18n import SOURCE_LANGUAGE, language
from ..text.labels import VOCABULARY, label

def english() -> bool:
    """True when the reader reads the source language: today's output, to the byte."""
    return language() == SOURCE_LANGUAGE


def tag(kind: str, value: str, upper: bool = True) -> str:
    """A state/severity/phase as the terminal shows it: the upper-case id in English, the word otherwise."""
    if english():
        return value.upper() if upper else value
    if value in VOCABULARY["rehearsal"]:  # a rehearsal's outcome, whichever vocabulary the caller named
        return label("rehearsal", value)
    return label(kind, value)


def verdict(value: str) -> str:
    """'NO-GO' in English; '不放行 (NO-GO)' in zh_CN (the id stays for whoever greps for it)."""
    word = label("verdict", value)
    return value if word == value else f"{word} ({value})"


def width(text: str) -> int:
    """Columns `text` takes on a terminal: CJK characters take two."""
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def column(text: str, columns: int) -> str:
    """`text` padded to `columns` terminal columns (f"{text:7}" counts characters, not columns)."""
    return text + " " * max(0, columns - width(text))
