"""Checklist items grouped by phase (core `checklist.Item`), with state and evidence."""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from migready.checks.text.i18n import shown

from ..tallies import ChecklistTally, PhaseTally, checklist_tally
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


def _summary(states: dict[str, int]) -> str:
    return translate("ChecklistModel", ", ").join(translate("ChecklistModel", "{n} {state}").format(n=n, state=word(s))
                                                  for s, n in states.items())


def _group(phase: PhaseTally) -> str:
    """A phase's row, from its counts (counted once by the review's worker, never per paint)."""
    return translate("ChecklistModel", "{phase} — {items} ({blockers}): {summary}").format(
        phase=word(phase.phase),
        items=plural(len(phase.items), translate("ChecklistModel", "{n} item"),
                     translate("ChecklistModel", "{n} items")),
        blockers=plural(phase.blockers, translate("ChecklistModel", "{n} blocker"),
                        translate("ChecklistModel", "{n} blockers")),
        summary=_summary(phase.states))


def _tip(i) -> str | None:
    parts = (evidence(i),
             translate("ChecklistModel", "before: {evidence}").format(evidence=shown(i.pre_evidence))
             if i.pre_evidence else "",
             translate("ChecklistModel", "cleared by: {what}").format(what=shown(i.cleared_by))
             if i.cleared_by else "")
    return "\n".join(x for x in parts if x) or None


class ChecklistModel(TreeModel):
    """Groups are `PhaseTally`s (a phase, its items and their counts); children are `Item`s."""

    tally = ChecklistTally()

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

    def set_checklist(self, checklist, tally: ChecklistTally | None = None) -> None:
        """`tally`: the checklist's, as the review's worker counted it (counted here when not given)."""
        self.tally = tally if tally is not None else checklist_tally(checklist)
        self.set_groups([(phase, phase.items) for phase in self.tally.phases])

    def find(self, item_id: str):
        """(group row, child row) of the item with this id, or None."""
        return self.tally.where.get(item_id)

    def facets(self, obj, is_group: bool) -> dict:
        if is_group:
            return {}
        return {"state": obj.state, "blocker": "blocker" if obj.blocker else "not blocker"}
