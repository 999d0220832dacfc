"""The state words the tables show (``✗ FAIL``, ``! INCONCLUSIVE``, ``✗ REGRESSION``) in the reader's language.

The core's own vocabularies (verdicts, severities, checklist states, phases)
come translated from `checks.labels` (gettext); the words only the window
shows (a probe's "inconclusive", the comparison's classes, discovery kinds,
directions) are translated here by Qt.  Facets, sort keys, files and JSON keep
the ids: only what a person reads changes, and English reads as it always did.
"""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from migready.checks.labels import VOCABULARY, label

from .. import style

CORE_KINDS = ("state", "severity", "verdict", "phase")

WINDOW_WORDS = {
    "inconclusive": QT_TRANSLATE_NOOP("Words", "inconclusive"),
    "regression": QT_TRANSLATE_NOOP("Words", "regression"),
    "missing": QT_TRANSLATE_NOOP("Words", "missing"),
    "new": QT_TRANSLATE_NOOP("Words", "new"),
    "fixed": QT_TRANSLATE_NOOP("Words", "fixed"),
    "unchanged": QT_TRANSLATE_NOOP("Words", "unchanged"),
    "warning": QT_TRANSLATE_NOOP("Words", "warning"),
    "undocumented": QT_TRANSLATE_NOOP("Words", "undocumented"),
    "unseen": QT_TRANSLATE_NOOP("Words", "unseen"),
    "unused-listener": QT_TRANSLATE_NOOP("Words", "unused-listener"),
    "documented": QT_TRANSLATE_NOOP("Words", "documented"),
    "inbound": QT_TRANSLATE_NOOP("Words", "inbound"),
    "outbound": QT_TRANSLATE_NOOP("Words", "outbound"),
    "both": QT_TRANSLATE_NOOP("Words", "both"),
    "device": QT_TRANSLATE_NOOP("Words", "device"),
    "service": QT_TRANSLATE_NOOP("Words", "service"),
    "middleware": QT_TRANSLATE_NOOP("Words", "middleware"),
    "database": QT_TRANSLATE_NOOP("Words", "database"),
    "scale": QT_TRANSLATE_NOOP("Words", "scale"),
    "printer": QT_TRANSLATE_NOOP("Words", "printer"),
    "pos": QT_TRANSLATE_NOOP("Words", "pos"),
    "pda": QT_TRANSLATE_NOOP("Words", "pda"),
    "other": QT_TRANSLATE_NOOP("Words", "other"),
    "critical": QT_TRANSLATE_NOOP("Words", "critical"),
    "approve": QT_TRANSLATE_NOOP("Words", "approve"),
    "reject": QT_TRANSLATE_NOOP("Words", "reject"),
}


def word(value: str) -> str:
    """`value` (a state, severity, class, kind, direction...) as the reader says it; unknown values are data."""
    if not value:
        return value
    for kind in CORE_KINDS:
        if value in VOCABULARY[kind]:
            return label(kind, value)
    if value in WINDOW_WORDS:
        return QCoreApplication.translate("Words", WINDOW_WORDS[value])
    return value


def badge(state: str) -> str:
    """``✗ FAIL``: the symbol and the word, never the colour alone (English as `style.label` writes it)."""
    return f"{style.symbol(state)} {word(state).upper()}"


def plural(n: int, one: str, many: str) -> str:
    """``one`` or ``many`` (both already translated, with a ``{n}``) for the count `n`.

    Two messages instead of Qt's ``%n`` numerus forms keep the English exactly
    as it reads without an English catalog ("1 flag", "2 flags"); Chinese has
    one form and translates both alike."""
    return (one if n == 1 else many).format(n=n)
