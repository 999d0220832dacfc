"""The steps of a migration review and the state each one is in (no widgets).

The rail shows these; each state comes straight from what the core
computed (flags, the latest runs, the comparison, the checklist, the
verdict), so the rail and `migready verdict` never disagree.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from .style import counted, word
from .tallies import InventoryTally, inventory_tally, of_review

translate = QCoreApplication.translate  # named contexts: lupdate reads translate("context", "text")


STEPS = (
    ("inventory", QT_TRANSLATE_NOOP("steps", "Inventory")),
    ("flags", QT_TRANSLATE_NOOP("steps", "Flags")),
    ("pre", QT_TRANSLATE_NOOP("steps", "Pre-migration probes")),
    ("post", QT_TRANSLATE_NOOP("steps", "Post-migration probes")),
    ("compare", QT_TRANSLATE_NOOP("steps", "Compare")),
    ("checklist", QT_TRANSLATE_NOOP("steps", "Checklist")),
    ("signoff", QT_TRANSLATE_NOOP("steps", "Sign-off & Report")),
)  # the English titles (marked for extraction); `title(key)` says them in the reader's language
# Tools: pages next to the steps (below them in the rail), not part of the review's order.
TOOLS = (
    ("discovery", QT_TRANSLATE_NOOP("steps", "Discovery")),
    ("rehearsal", QT_TRANSLATE_NOOP("steps", "Rehearsal")),
)
TITLES = dict(STEPS + TOOLS)


def title(key: str) -> str:
    """A step's or tool's title in the reader's language."""
    return translate("steps", TITLES[key])


@dataclass(frozen=True)
class StepState:
    state: str  # todo | done | attention | blocked | running
    hint: str


def _run_state(run, running: bool, run_tally: tuple[int, int] | None = None) -> StepState:
    """`run_tally`: the run's (results, fails) as the review's worker counted them."""
    if running:
        return StepState("running", translate("steps", "probing…"))
    if run is None:
        return StepState("todo", translate("steps", "no run yet"))
    results, fails = run_tally or (len(run.get("results", ())),
                                   sum(1 for r in run.get("results", ()) if r.get("status") == "fail"))
    summary = counted(results, translate("steps", "{n} result"), translate("steps", "{n} results")) + \
        (translate("steps", ", {n} fail").format(n=fails) if fails else "")
    if not run.get("complete"):
        return StepState("attention", translate("steps", "{summary}, incomplete").format(summary=summary))
    return StepState("attention" if fails else "done", summary)


def step_states(inventory, problems, flags, review, running_phase: str = "", signed: int = 0,
                awaiting: list[str] | None = None, inventory_counts: InventoryTally | None = None) -> dict:
    """`awaiting`: the required roles that have not approved the current content (None: unknown).
    `inventory_counts`: the inventory's tally (gui/tallies.py; counted here when not given).  Called after
    every change, so it reads counts and never walks the flags or the checklist itself."""
    out = {key: StepState("todo", "") for key, _ in STEPS}
    if problems:
        out["inventory"] = StepState("blocked", counted(len(problems), translate("steps", "{n} problem"),
                                                        translate("steps", "{n} problems")))
        return out
    if inventory is None:
        return out
    tally = inventory_counts or inventory_tally(inventory, flags)
    out["inventory"] = StepState("done", translate("steps", "{services} svc, {deps} deps").format(
        services=len(inventory.services), deps=tally.dependencies))
    blockers, high = tally.severities.get("blocker", 0), tally.severities.get("high", 0)
    if blockers or high:
        hint = translate("steps", "{blockers} blocker, {high} high").format(blockers=blockers, high=high)
    else:
        hint = translate("steps", "{n} flags").format(n=len(flags))
    out["flags"] = StepState("attention" if blockers or high else "done", hint)
    if review is None:
        return out
    checklist, comparison, verdict = review.checklist, review.comparison, review.verdict
    counts = of_review(review)
    out["pre"] = _run_state(checklist.pre_run, running_phase == "pre", counts.results.get("pre"))
    out["post"] = _run_state(checklist.post_run, running_phase == "post", counts.results.get("post"))
    if checklist.pre_run and checklist.post_run:
        regressions = len(comparison.regressions)
        if not regressions:
            out["compare"] = StepState("done", translate("steps", "no regression"))
        else:
            state = "blocked" if verdict.verdict == "NO-GO" else "attention"
            out["compare"] = StepState(state, counted(regressions, translate("steps", "{n} regression"),
                                                      translate("steps", "{n} regressions")))
    tally = counts.blockers  # blocker_tally: the same count the report and the checklist page show
    failed, pending, waived = tally["failed"], tally["pending"], tally["waived"]
    if failed:
        out["checklist"] = StepState("blocked", translate("steps", "{failed} failed, {pending} pending").format(
            failed=failed, pending=pending))
    elif pending or waived:
        out["checklist"] = StepState("attention", translate("steps", ", ").join(
            x for x in (translate("steps", "{n} pending").format(n=pending) if pending else "",
                        translate("steps", "{n} waived").format(n=waived) if waived else "") if x))
    else:
        out["checklist"] = StepState("done", translate("steps", "{n} blockers pass").format(n=tally["passed"]))
    said = word(verdict.verdict)
    if awaiting is None:
        out["signoff"] = StepState("todo", said)
    elif awaiting:
        one = translate("steps", "{verdict}, awaiting {n} role")
        many = translate("steps", "{verdict}, awaiting {n} roles")
        out["signoff"] = StepState("attention" if signed else "todo",
                                   (one if len(awaiting) == 1 else many).format(verdict=said, n=len(awaiting)))
    else:
        out["signoff"] = StepState("done", translate("steps", "{verdict}, every role signed").format(verdict=said))
    return out


def discovery_state(workspace) -> StepState:
    """The Discovery tool's rail entry: the latest discovery recorded in the workspace."""
    records = workspace.discoveries if workspace is not None else []
    if not records:
        return StepState("todo", translate("steps", "tool · not run"))
    latest = records[-1]
    findings = latest.get("comparison", {}).get("findings", ())
    severe = [f for f in findings if f.get("severity") in ("blocker", "high")]
    kinds = {k: sum(1 for f in findings if f.get("kind") == k) for k in ("undocumented", "inbound")}
    said = {"undocumented": translate("steps", "{n} undocumented"), "inbound": translate("steps", "{n} inbound")}
    hint = translate("steps", ", ").join(said[k].format(n=n) for k, n in kinds.items() if n) or \
        translate("steps", "{n} findings").format(n=len(findings))
    if not latest.get("observation", {}).get("complete", True):
        hint = translate("steps", "{summary}, incomplete").format(summary=hint)
    return StepState("attention" if severe else "done", translate("steps", "tool · {hint}").format(hint=hint))


def rehearsal_state(review) -> StepState:
    """The Rehearsal tool's rail entry: how many services' `fails_fast` items a rehearsal proved."""
    total, hangs, proven = of_review(review).rehearsal  # counted by the review's worker
    if not total:
        return StepState("todo", translate("steps", "tool · nothing to rehearse"))
    if hangs:
        return StepState("attention", translate("steps", "tool · {hint}").format(
            hint=counted(hangs, translate("steps", "{n} service hangs"), translate("steps", "{n} services hang"))))
    return StepState("done" if proven == total else "todo", translate("steps", "tool · {hint}").format(
        hint=translate("steps", "{proven} of {total} fail fast").format(proven=proven, total=total)))
