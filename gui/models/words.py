"""The words the tables show for the values of the core's fixed vocabularies, in the reader's language.

States, severities, verdicts, phases and the comparison's classes are `style.word`'s
(checks/labels.py and the window's own state words); this adds the rest a table
shows as words: discovery kinds, directions, dependency kinds, device types,
criticalities, sign-off decisions and the comparison's note severities.  Facets,
sort keys, files and JSON keep the ids: only what a person reads changes, and
English reads as it always did.
"""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from .. import style

TABLE_WORDS = {
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
    if value in TABLE_WORDS:
        return QCoreApplication.translate("Words", TABLE_WORDS[value])
    return style.word(value) if value else value


badge = style.label  # ``✗ FAIL`` / ``✗ 失败``: the symbol and the word, never the colour alone
plural = style.counted  # ``one`` or ``many`` (translated, with a ``{n}``) for a count
