"""The words the tables show for the values of the core's fixed vocabularies, in the reader's language.

States, severities, verdicts, phases and the comparison's classes are `style.word`'s
(checks/text/labels.py and the window's own state words); this adds the rest a table
shows as words: discovery kinds, criticalities, sign-off decisions and the
comparison's note severities; directions, dependency kinds and device types are
the core's (`checks/text/labels.py`, as the reports say them).  Facets,
sort keys, files and JSON keep the ids: only what a person reads changes, and
English reads as it always did.
"""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from migready.checks.text.labels import VOCABULARY, label

from .. import style

CORE_VOCABULARIES = ("kind", "device_type", "direction")  # said by the core, the same in reports and CLI

TABLE_WORDS = {
    "warning": QT_TRANSLATE_NOOP("Words", "warning"),
    "undocumented": QT_TRANSLATE_NOOP("Words", "undocumented"),
    "unseen": QT_TRANSLATE_NOOP("Words", "unseen"),
    "unused-listener": QT_TRANSLATE_NOOP("Words", "unused-listener"),
    "documented": QT_TRANSLATE_NOOP("Words", "documented"),
    "other": QT_TRANSLATE_NOOP("Words", "other"),
    "critical": QT_TRANSLATE_NOOP("Words", "critical"),
    "approve": QT_TRANSLATE_NOOP("Words", "approve"),
    "reject": QT_TRANSLATE_NOOP("Words", "reject"),
}


def word(value: str) -> str:
    """`value` (a state, severity, class, kind, direction...) as the reader says it; unknown values are data."""
    if value in TABLE_WORDS:
        return QCoreApplication.translate("Words", TABLE_WORDS[value])
    for vocabulary in CORE_VOCABULARIES:
        if value in VOCABULARY[vocabulary]:
            return label(vocabulary, value)
    return style.word(value) if value else value


badge = style.label  # ``✗ FAIL`` / ``✗ 失败``: the symbol and the word, never the colour alone
plural = style.counted  # ``one`` or ``many`` (translated, with a ``{n}``) for a count
