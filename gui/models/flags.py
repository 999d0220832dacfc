"""The risk flags of an inventory (core `rules.Flag`), one row each."""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from migready.checks.text.i18n import shown
from migready.checks.inventory.rules import SEVERITY_RANK

from .. import style
from .table import Column, TableModel
from .words import badge


def why(flag) -> str:
    """The flag's message without the dependency it names (the Dependency column shows that)."""
    text = shown(flag.message)
    for sep in (": ", "："):
        if text.startswith(flag.ref + sep):
            return text[len(flag.ref + sep):]
    return text.split(": ", 1)[-1]


class FlagsModel(TableModel):
    batch = 200  # 12,000 flags at 10,000 dependencies: fetched as the table is scrolled (TableModel)
    columns = (
        Column(QT_TRANSLATE_NOOP("Column", "Severity"),
               lambda f: badge(f.severity), sort=lambda f: SEVERITY_RANK[f.severity],
               state=lambda f: f.severity),
        Column(QT_TRANSLATE_NOOP("Column", "Rule"), lambda f: f.rule),
        Column(QT_TRANSLATE_NOOP("Column", "Dependency"), lambda f: style.dependency(f.ref), tip=lambda f: f.ref),
        Column(QT_TRANSLATE_NOOP("Column", "Risk"), lambda f: shown(f.title)),
        Column(QT_TRANSLATE_NOOP("Column", "Why it fired"), why, tip=lambda f: shown(f.message)),
        Column(QT_TRANSLATE_NOOP("Column", "Incident"), lambda f: f"#{f.incident}", sort=lambda f: f.incident,
               tip=lambda f: QCoreApplication.translate("FlagsModel", "post-mortem {n} (DESIGN.md)").format(
                   n=f.incident)),
        Column(QT_TRANSLATE_NOOP("Column", "Cleared by"), lambda f: shown(f.cleared_by)),
    )

    def facets(self, flag) -> dict:
        return {"severity": flag.severity, "rule": flag.rule}
