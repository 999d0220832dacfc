"""The steps of a migration review and the state each one is in (no Qt).

The rail shows these; each state comes straight from what the core
computed (flags, the latest runs, the comparison, the checklist, the
verdict), so the rail and `migready verdict` never disagree.
"""
from __future__ import annotations

from migready.checks.root_causes import blocker_tally

from dataclasses import dataclass

STEPS = (
    ("inventory", "Inventory"),
    ("flags", "Flags"),
    ("pre", "Pre-migration probes"),
    ("post", "Post-migration probes"),
    ("compare", "Compare"),
    ("checklist", "Checklist"),
    ("signoff", "Sign-off & Report"),
)
# Tools: pages next to the steps (below them in the rail), not part of the review's order.
TOOLS = (
    ("discovery", "Discovery"),
)
TITLES = dict(STEPS + TOOLS)


@dataclass(frozen=True)
class StepState:
    state: str  # todo | done | attention | blocked | running
    hint: str


def _run_state(run, running: bool) -> StepState:
    if running:
        return StepState("running", "probing…")
    if run is None:
        return StepState("todo", "no run yet")
    fails = sum(1 for r in run.get("results", ()) if r.get("status") == "fail")
    summary = f"{len(run.get('results', ()))} results" + (f", {fails} fail" if fails else "")
    if not run.get("complete"):
        return StepState("attention", f"{summary}, incomplete")
    return StepState("attention" if fails else "done", summary)


def step_states(inventory, problems, flags, review, running_phase: str = "", signed: int = 0,
                awaiting: list[str] | None = None) -> dict:
    """`awaiting`: the required roles that have not approved the current content (None: unknown)."""
    out = {key: StepState("todo", "") for key, _ in STEPS}
    if problems:
        out["inventory"] = StepState("blocked", f"{len(problems)} problem{'s' * (len(problems) != 1)}")
        return out
    if inventory is None:
        return out
    deps = sum(len(s.dependencies) for s in inventory.services)
    out["inventory"] = StepState("done", f"{len(inventory.services)} svc, {deps} deps")
    severe = [f for f in flags if f.severity in ("blocker", "high")]
    blockers = sum(1 for f in flags if f.severity == "blocker")
    hint = f"{blockers} blocker, {len(severe) - blockers} high" if severe else f"{len(flags)} flags"
    out["flags"] = StepState("attention" if severe else "done", hint)
    if review is None:
        return out
    checklist, comparison, verdict = review.checklist, review.comparison, review.verdict
    out["pre"] = _run_state(checklist.pre_run, running_phase == "pre")
    out["post"] = _run_state(checklist.post_run, running_phase == "post")
    if checklist.pre_run and checklist.post_run:
        regressions = len(comparison.regressions)
        if not regressions:
            out["compare"] = StepState("done", "no regression")
        else:
            state = "blocked" if verdict.verdict == "NO-GO" else "attention"
            out["compare"] = StepState(state, f"{regressions} regression{'s' * (regressions != 1)}")
    tally = blocker_tally(checklist.items)  # the same count the report and the checklist page show
    failed, pending, waived = tally["failed"], tally["pending"], tally["waived"]
    if failed:
        out["checklist"] = StepState("blocked", f"{failed} failed, {pending} pending")
    elif pending or waived:
        out["checklist"] = StepState("attention", ", ".join(
            x for x in (f"{pending} pending" if pending else "", f"{waived} waived" if waived else "") if x))
    else:
        out["checklist"] = StepState("done", f"{tally['passed']} blockers pass")
    if awaiting is None:
        out["signoff"] = StepState("todo", verdict.verdict)
    elif awaiting:
        out["signoff"] = StepState("attention" if signed else "todo",
                                   f"{verdict.verdict}, awaiting {len(awaiting)} role{'s' * (len(awaiting) != 1)}")
    else:
        out["signoff"] = StepState("done", f"{verdict.verdict}, every role signed")
    return out


def discovery_state(workspace) -> StepState:
    """The Discovery tool's rail entry: the latest discovery recorded in the workspace."""
    records = workspace.discoveries if workspace is not None else []
    if not records:
        return StepState("todo", "tool · not run")
    latest = records[-1]
    findings = latest.get("comparison", {}).get("findings", ())
    severe = [f for f in findings if f.get("severity") in ("blocker", "high")]
    kinds = {k: sum(1 for f in findings if f.get("kind") == k) for k in ("undocumented", "inbound")}
    hint = ", ".join(f"{n} {k}" for k, n in kinds.items() if n) or f"{len(findings)} findings"
    if not latest.get("observation", {}).get("complete", True):
        hint += ", incomplete"
    return StepState("attention" if severe else "done", f"tool · {hint}")
