"""Checklist items grouped by phase (core `checklist.Item`), with state and evidence."""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from migready.checks.review.checklist import PHASES
from migready.checks.text.i18n import shown

from .table import Column
from .tree import TreeModel
from .words import badge, plural, word

translate = QCoreApplication.translate


def evidence(item) -> str:
    """The evidence (or note) of an item as the reader reads it; a waiver says who, until when and why."""
    text = shown(item.evidence) or ""
    if item.state == "waived" and item.waiver:
        w = item.waiver
        waived = translate("ChecklistModel", "waived by {by} until {until}: {reason}").format(
            by=w["by"], until=w["until"], reason=shown(w["reason"]))
        text = waived + (f" — {text}" if text else "")
    for note in item.waiver_notes:
        text += f" ⚠ {shown(note)}"
    return text


def _summary(items) -> str:
    counts = {}
    for i in items:
        counts[i.state] = counts.get(i.state, 0) + 1
    return translate("ChecklistModel", ", ").join(translate("ChecklistModel", "{n} {state}").format(n=n, state=word(s))
                                                  for s, n in counts.items())


def _group(g) -> str:
    phase, items = g
    blockers = sum(1 for i in items if i.blocker)
    return translate("ChecklistModel", "{phase} — {items} ({blockers}): {summary}").format(
        phase=word(phase),
        items=plural(len(items), translate("ChecklistModel", "{n} item"), translate("ChecklistModel", "{n} items")),
        blockers=plural(blockers, translate("ChecklistModel", "{n} blocker"),
                        translate("ChecklistModel", "{n} blockers")),
        summary=_summary(items))


def _tip(i) -> str | None:
    parts = (evidence(i),
             translate("ChecklistModel", "before: {evidence}").format(evidence=shown(i.pre_evidence))
             if i.pre_evidence else "",
             translate("ChecklistModel", "cleared by: {what}").format(what=shown(i.cleared_by))
             if i.cleared_by else "")
    return "\n".join(x for x in parts if x) or None


class ChecklistModel(TreeModel):
    """Groups are ``(phase, items)``; children are `Item`s."""

    group_columns = (  # the view spans the first column over the row: one line per phase
        Column(QT_TRANSLATE_NOOP("Column", "State"), _group),
        Column(QT_TRANSLATE_NOOP("Column", "Item"), lambda g: ""),
        Column(QT_TRANSLATE_NOOP("Column", "Blocker"), lambda g: ""),
        Column(QT_TRANSLATE_NOOP("Column", "Evidence / note"), lambda g: ""),
    )
    child_columns = (
        Column(QT_TRANSLATE_NOOP("Column", "State"), lambda i: badge(i.state), state=lambda i: i.state,
               sort=lambda i: ("fail", "pending", "waived", "pass", "na").index(i.state)),
        Column(QT_TRANSLATE_NOOP("Column", "Item"),
               lambda i: shown(i.title), tip=lambda i: f"{i.id}\n{shown(i.title)}"),
        Column(QT_TRANSLATE_NOOP("Column", "Blocker"),
               lambda i: word("blocker") if i.blocker else "", sort=lambda i: int(i.blocker)),
        Column(QT_TRANSLATE_NOOP("Column", "Evidence / note"), evidence, tip=_tip),
    )

    def set_checklist(self, checklist) -> None:
        if checklist is None:
            self.set_groups([])
            return
        phases = checklist.by_phase()
        self.set_groups([((phase, phases[phase]), phases[phase]) for phase in PHASES if phases[phase]])

    def find(self, item_id: str):
        """(group row, child row) of the item with this id, or None."""
        for g, (_, children) in enumerate(self._groups):
            for c, item in enumerate(children):
                if item.id == item_id:
                    return g, c
        return None

    def facets(self, obj, is_group: bool) -> dict:
        if is_group:
            return {}
        return {"state": obj.state, "blocker": "blocker" if obj.blocker else "not blocker"}
