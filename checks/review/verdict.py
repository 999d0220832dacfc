"""Go / no-go, with every reason; and the two ways people change it: marks and waivers.

NO-GO when a blocker item fails or is still pending, or a regression is not
waived.  GO WITH WAIVERS when blockers pass only thanks to waivers.  GO
otherwise.  The verdict never hides anything: each reason names the item or
the regression, and expired waivers or waivers whose evidence changed are
listed as warnings (they no longer count).
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field

from .. import collector
from .checklist import Checklist, checklist_from
from .inputs import ReviewInput
from .compare import Comparison, compare_runs
from ..text.i18n import Joined, Msg, _, shown
from ..text.labels import term
from ..text.suggest import did_you_mean
from ..inventory.model import Inventory
from ..store.records import Waiver, run_label
from ..store.workspace import Workspace

GO, GO_WITH_WAIVERS, NO_GO = "GO", "GO WITH WAIVERS", "NO-GO"
EXIT_CODES = {GO: 0, GO_WITH_WAIVERS: 3, NO_GO: 1}


@dataclass
class Verdict:
    verdict: str
    reasons: list[str]
    warnings: list[str] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    probed: bool = True  # False while no run counts as evidence: the window says "not probed yet", not NO-GO

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.verdict]

    def to_dict(self) -> dict:
        return {"verdict": self.verdict, "reasons": self.reasons, "warnings": self.warnings, "counts": self.counts,
                "probed": self.probed}


@dataclass
class Review:
    """Everything the verdict is computed from, computed once."""

    checklist: Checklist
    comparison: Comparison
    verdict: Verdict
    inputs: ReviewInput | None = None  # what it was judged from (records)


def review(inventory: Inventory, workspace: Workspace, today: _dt.date | None = None) -> Review:
    """The checklist, the comparison and the verdict (the collector paused: checks/collector.py)."""
    today = today or _dt.date.today()
    with collector.paused():
        inputs = ReviewInput.of(inventory, workspace)  # the workspace is read here, once
        checklist = checklist_from(inventory, inputs, today)
        comparison = compare_runs(checklist.pre_run, checklist.post_run, inventory=inventory)
        return Review(checklist, comparison, decide(inventory, inputs, checklist, comparison, today), inputs)


def cutover_warnings(inventory: Inventory, waivers: list) -> list[Msg]:
    """A waiver that ends before the cutover does not cover the move: a warning of the verdict, so every
    view that says the verdict says it too (the CLI, every report format, the window's banner and Why?)."""
    try:
        cutover = _dt.date.fromisoformat(str(inventory.migration.cutover)[:10])
    except ValueError:
        return []
    out = []
    for w in waivers:  # Waiver records (store.records)
        try:
            if _dt.date.fromisoformat(str(w.until)) < cutover:
                out.append(Msg("waiver {id} expires on {until}, before the cutover on {cutover}: it does not cover "
                               "the move", id=str(w.id), until=str(w.until), cutover=cutover.isoformat()))
        except ValueError:
            continue
    return out


def decide(inventory: Inventory, inputs: ReviewInput, checklist: Checklist, comparison: Comparison,
           today: _dt.date) -> Verdict:
    blocking: list[str] = []
    waived: list[str] = []
    warnings: list[str] = []
    for item in checklist.items:
        warnings.extend(Msg("{ref}: {message}", ref=item.id, message=note) for note in item.waiver_notes)
        if item.state == "waived" and item.blocker:
            w = item.waiver
            waived.append(Msg("waived: {item} ({state}: {evidence}) by {by} until {until}: {reason}", item=item.id,
                              state=term("state", item.base_state), evidence=item.evidence, by=w.by,
                              until=w.until, reason=w.reason))
        elif item.state in ("fail", "pending") and item.blocker:
            why = item.evidence or Msg("{title} (not marked yet)", title=item.title)
            if item.state == "fail":
                blocking.append(Msg("blocker failed: {item}: {why}", item=item.id, why=why))
            else:
                blocking.append(Msg("blocker pending: {item}: {why}", item=item.id, why=why))
        elif item.state == "fail":
            warnings.append(Msg("non-blocking item failed: {item}: {evidence}", item=item.id, evidence=item.evidence))
    for change in comparison.regressions:
        text = _regression_text(change)
        w = regression_waiver(checklist, change)
        if w:
            waived.append(Msg("waived regression: {regression} by {by} until {until}: {reason}", regression=text,
                              by=w.by, until=w.until, reason=w.reason))
        else:
            blocking.append(Msg("regression: {regression}", regression=text))
    warnings.extend(checklist.run_notes)
    if inputs.inventory_changed(inventory):
        warnings.append(Msg("the inventory changed since this workspace was started ({path}); "
                            "earlier runs describe the old version", path=inventory.path))
    warnings.extend(Msg("{run} is incomplete: {error}", run=run_label(run), error=run.get("error"))
                    for run in (checklist.pre_run, checklist.post_run) if run and not run.get("complete"))
    warnings.extend(cutover_warnings(inventory, inputs.waivers))  # last: where the report put them (same digest)
    counts = checklist.counts()
    counts["regressions"] = len(comparison.regressions)
    if blocking:
        order = ("regression", "blocker failed", "blocker pending")
        blocking.sort(key=lambda r: next(i for i, prefix in enumerate(order) if r.startswith(prefix)))
        probed = checklist.pre_run is not None or checklist.post_run is not None
        return Verdict(NO_GO, blocking + waived, warnings, counts, probed)
    if waived:
        return Verdict(GO_WITH_WAIVERS, waived, warnings, counts)
    blockers = sum(1 for i in checklist.items if i.blocker)
    return Verdict(GO, [Msg("all {n} blocker items pass; no regression", n=blockers)], warnings, counts)


def _regression_text(change) -> Msg:
    findings = Joined("; ", [f.text for f in change.notes if f.severity == "regression"])
    if not findings:
        before = term("status", change.pre["status"]) if change.pre else Msg("none")
        after = term("status", change.post["status"]) if change.post else Msg("none")
        detail = (change.post or {}).get("detail")
        findings = (Msg("{before} → {after} ({detail})", before=before, after=after, detail=detail) if detail
                    else Msg("{before} → {after}", before=before, after=after))
    where = change.dependency or Msg("(host)")
    if change.target:
        return Msg("{dependency} {check} {target}: {findings}", dependency=where, check=change.check,
                   target=change.target, findings=findings)
    return Msg("{dependency} {check}: {findings}", dependency=where, check=change.check, findings=findings)


def regression_waiver(checklist: Checklist, change) -> Waiver | None:
    """The waiver excusing a regression: its dependency's requirement items that the changed
    probe proves and that do not pass must all be waived (by item or dependency waivers)."""
    proves = set((change.post or change.pre or {}).get("proves") or ())
    covering = [i for i in _open_requirements(checklist).get(change.dependency, ()) if i.requirement in proves]
    if covering and all(i.state == "waived" for i in covering):
        return covering[0].waiver
    return None


def _open_requirements(checklist: Checklist) -> dict:
    """Requirement items that do not pass, by dependency, indexed once per checklist: a review with
    thousands of regressions scanned every item for each one (issue 27: the review grew as the square)."""
    index = getattr(checklist, "_open_requirements", None)
    if index is None:
        index = {}
        for i in checklist.items:
            if i.source == "requirement" and i.base_state != "pass":
                index.setdefault(i.dependency, []).append(i)
        checklist._open_requirements = index
    return index


# -- what people do ---------------------------------------------------------------------------


class ActionError(ValueError):
    """A mark or waiver that cannot be recorded; the message says why."""


def mark(workspace: Workspace, checklist: Checklist, item_id: str, state: str, by: str, note: str) -> dict:
    item = checklist.item(item_id)
    if item is None:
        raise ActionError(_("no checklist item '{item}'{hint} (see `migready checklist`)").format(
            item=item_id, hint=did_you_mean(item_id, [i.id for i in checklist.items])))
    if state not in ("pass", "fail", "na"):
        raise ActionError(_("state must be pass, fail or na, not '{state}'").format(state=state))
    if not by.strip() or not note.strip():
        raise ActionError(_("a manual change needs a name (--by) and a reason (--reason)"))
    if item.source == "run":
        raise ActionError(_("'{item}' is the probe run itself: only a run can clear it ({cleared_by}); it cannot "
                            "be marked").format(item=item_id, cleared_by=shown(item.cleared_by)))
    if item.evidence_backed and state != "fail" and item.base_state != "pass":
        why = (_("the probe evidence says '{item}' fails ({evidence})") if item.base_state == "fail"
               else _("'{item}' has no probe evidence yet ({evidence})")).format(
            item=item_id, evidence=shown(item.evidence) or _("pending"))
        raise ActionError(_("{why}; only evidence can clear it, a mark cannot: run the probes ({cleared_by}), or "
                            "waive it: a waiver records who accepts the risk, why and until when, and the verdict "
                            "shows GO WITH WAIVERS").format(why=why, cleared_by=shown(item.cleared_by)))
    return workspace.record_mark(item_id, state, by, note, previous=item.state)


def waive(workspace: Workspace, checklist: Checklist, target: str, by: str, reason: str, until: str,
          today: _dt.date | None = None) -> dict:
    """Waive an item, or every item of a dependency (`target` is then `service/dependency`)."""
    today = today or _dt.date.today()
    if not by.strip():
        raise ActionError(_("a waiver needs the name of who grants it (--by)"))
    if not reason.strip():
        raise ActionError(_("a waiver needs a justification (--reason)"))
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", until):
            raise ValueError
        expiry = _dt.date.fromisoformat(until)
    except ValueError:
        raise ActionError(_("--until must be a date YYYY-MM-DD, not '{until}'").format(until=until)) from None
    if expiry < today:
        raise ActionError(_("--until {until} is already past").format(until=until))
    item = checklist.item(target)
    deps = {i.dependency for i in checklist.items if i.dependency}
    if item is not None:
        waiver = {"scope": "item", "item": target,
                  "evidence": {"digest": item.evidence_digest, "state": item.base_state, "text": item.evidence}}
    elif target in deps:
        covered = [i for i in checklist.items if i.dependency == target]
        waiver = {"scope": "dependency", "dependency": target,
                  "evidence": {"items": {i.id: i.base_state for i in covered}}}
    else:
        raise ActionError(_("'{target}' is neither a checklist item nor a dependency{hint} (see `migready "
                            "checklist`)").format(target=target,
                                                  hint=did_you_mean(target, [*(i.id for i in checklist.items), *deps])))
    waiver.update({"reason": reason, "until": expiry.isoformat()})
    return workspace.record_waiver(waiver, by)
