"""What the pages say about a whole inventory or review, counted once, in the worker that made it.

A page's summary line, the rail's hints, the tree's service rows and the
checklist's phase rows all speak of every dependency, flag or item: counts
per state and severity, the worst flag of a service, the phases' groups.
Counted on the UI thread, each refresh walked 10,000 dependencies, 12,000
flags and 16,000 items again, and a phase row counted its items every time
it was painted (issue 27: the window's gap at 10,000 dependencies).  So the
worker that loads an inventory or reviews it also counts (`inventory_tally`,
`checklist_tally`), and the UI thread only reads the answers: what it does per
refresh no longer grows with the inventory.  Nothing here is Qt; the words
are said where they are shown (counts, not sentences, are kept).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from migready.checks.inventory.rules import SEVERITIES, SEVERITY_RANK
from migready.checks.review.checklist import PHASES, STATES
from migready.checks.review.root_causes import blocker_tally


def worst(flags) -> str:
    """The most severe of `flags` ('' for none)."""
    return max((f.severity for f in flags), key=SEVERITY_RANK.__getitem__, default="")


@dataclass(frozen=True)
class InventoryTally:
    dependencies: int = 0
    flags_by_ref: dict[str, list] = field(default_factory=dict)  # service/dependency -> its flags
    service_flags: dict[str, tuple[str, int]] = field(default_factory=dict)  # service -> (worst, how many)
    severities: dict[str, int] = field(default_factory=dict)  # every severity, in SEVERITIES order
    device_types: tuple[str, ...] = ()  # sorted; "(none)" for a dependency without one
    protocols: tuple[str, ...] = ()


def inventory_tally(inventory, flags) -> InventoryTally:
    if inventory is None:
        return InventoryTally()
    by_ref: dict[str, list] = {}
    for flag in flags:
        by_ref.setdefault(flag.ref, []).append(flag)
    service_flags = {}
    device_types, protocols = set(), set()
    count = 0
    for service in inventory.services:
        mine = [f for d in service.dependencies for f in by_ref.get(d.ref, ())]
        service_flags[service.name] = (worst(mine), len(mine))
        for dep in service.dependencies:
            device_types.add(dep.device_type or "(none)")
            protocols.add(dep.protocol)
        count += len(service.dependencies)
    severities = Counter(f.severity for f in flags)
    return InventoryTally(count, by_ref, service_flags, {s: severities.get(s, 0) for s in SEVERITIES},
                          tuple(sorted(device_types)), tuple(sorted(protocols)))


@dataclass(frozen=True)
class PhaseTally:
    phase: str
    items: list  # the phase's checklist items, in the checklist's order
    blockers: int
    states: dict[str, int]  # state -> count, only the states present, in first-seen order


@dataclass(frozen=True)
class ChecklistTally:
    phases: list[PhaseTally] = field(default_factory=list)  # the phases that have items, in PHASES order
    counts: dict[str, int] = field(default_factory=dict)  # Checklist.counts()
    blockers: dict[str, int] = field(default_factory=dict)  # root_causes.blocker_tally()
    where: dict[str, tuple[int, int]] = field(default_factory=dict)  # item id -> (phase row, item row)
    rehearsal: tuple[int, int, int] = (0, 0, 0)  # fails_fast items: how many, hang (fail), proven (pass)
    results: dict[str, tuple[int, int]] = field(default_factory=dict)  # "pre"/"post" run: results, fails


def checklist_tally(checklist: Any) -> ChecklistTally:
    if checklist is None:
        return ChecklistTally()
    items = checklist.items
    grouped: dict[str, list] = {phase: [] for phase in PHASES}
    for item in items:
        if item.phase in grouped:  # the phases the checklist shows (Checklist.by_phase)
            grouped[item.phase].append(item)
    phases, where = [], {}
    for phase, members in grouped.items():
        if not members:
            continue
        for row, item in enumerate(members):
            where[item.id] = (len(phases), row)
        phases.append(PhaseTally(phase, members, sum(1 for i in members if i.blocker),
                                 dict(Counter(i.state for i in members))))
    states = Counter(i.state for i in items)
    rehearsed = [i.base_state for i in items if i.requirement == "fails_fast" and i.source == "requirement"]
    results = {phase: (len(run.get("results", ())), sum(1 for r in run.get("results", ()) if r.get("status") == "fail"))
               for phase, run in (("pre", checklist.pre_run), ("post", checklist.post_run)) if run}
    return ChecklistTally(phases, {s: states.get(s, 0) for s in STATES}, blocker_tally(items), where,
                          (len(rehearsed), rehearsed.count("fail"), rehearsed.count("pass")), results)


def of_review(review: Any) -> ChecklistTally:
    """The review's checklist tally: the one its worker counted (gui/jobs.py), or counted now (a review
    made elsewhere, by a test or a script)."""
    if review is None:
        return ChecklistTally()
    tally = getattr(review, "tally", None)
    if tally is None:
        tally = review.tally = checklist_tally(review.checklist)
    return tally
