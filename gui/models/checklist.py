"""Checklist items grouped by phase (core `checklist.Item`), with state and evidence."""
from __future__ import annotations

from migready.checks.checklist import PHASES

from .. import style
from .table import Column
from .tree import TreeModel


def evidence(item) -> str:
    text = item.evidence or ""
    if item.state == "waived" and item.waiver:
        w = item.waiver
        text = f"waived by {w['by']} until {w['until']}: {w['reason']}" + (f" — {text}" if text else "")
    for note in item.waiver_notes:
        text += f" ⚠ {note}"
    return text


def _summary(items) -> str:
    counts = {}
    for i in items:
        counts[i.state] = counts.get(i.state, 0) + 1
    return ", ".join(f"{n} {s}" for s, n in counts.items())


class ChecklistModel(TreeModel):
    """Groups are ``(phase, items)``; children are `Item`s."""

    group_columns = (  # the view spans the first column over the row: one line per phase
        Column("State", lambda g: f"{g[0]} — {style.plural(len(g[1]), 'item')} "
                                  f"({style.plural(sum(1 for i in g[1] if i.blocker), 'blocker')}): {_summary(g[1])}"),
        Column("Item", lambda g: ""),
        Column("Blocker", lambda g: ""),
        Column("Evidence / note", lambda g: ""),
    )
    child_columns = (
        Column("State", lambda i: style.label(i.state), state=lambda i: i.state,
               sort=lambda i: ("fail", "pending", "waived", "pass", "na").index(i.state)),
        Column("Item", lambda i: i.title, tip=lambda i: f"{i.id}\n{i.title}"),
        Column("Blocker", lambda i: "blocker" if i.blocker else "", sort=lambda i: int(i.blocker)),
        Column("Evidence / note", evidence, tip=lambda i: "\n".join(
            x for x in (evidence(i), f"before: {i.pre_evidence}" if i.pre_evidence else "",
                        f"cleared by: {i.cleared_by}" if i.cleared_by else "") if x) or None),
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
