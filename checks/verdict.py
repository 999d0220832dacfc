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

from .checklist import Checklist, build_checklist
from .compare import Comparison, compare_runs
from .model import Inventory
from .records import run_label
from .workspace import Workspace

GO, GO_WITH_WAIVERS, NO_GO = "GO", "GO WITH WAIVERS", "NO-GO"
EXIT_CODES = {GO: 0, GO_WITH_WAIVERS: 3, NO_GO: 1}


@dataclass
class Verdict:
    verdict: str
    reasons: list[str]
    warnings: list[str] = field(default_factory=list)
    counts: dict = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.verdict]

    def to_dict(self) -> dict:
        return {"verdict": self.verdict, "reasons": self.reasons, "warnings": self.warnings, "counts": self.counts}


@dataclass
class Review:
    """Everything the verdict is computed from, computed once."""

    checklist: Checklist
    comparison: Comparison
    verdict: Verdict


def review(inventory: Inventory, workspace: Workspace, today: _dt.date | None = None) -> Review:
    today = today or _dt.date.today()
    checklist = build_checklist(inventory, workspace, today)
    comparison = compare_runs(checklist.pre_run, checklist.post_run, inventory=inventory)
    return Review(checklist, comparison, decide(inventory, workspace, checklist, comparison, today))


def decide(inventory: Inventory, workspace: Workspace, checklist: Checklist, comparison: Comparison,
           today: _dt.date) -> Verdict:
    blocking: list[str] = []
    waived: list[str] = []
    warnings: list[str] = []
    for item in checklist.items:
        warnings.extend(f"{item.id}: {note}" for note in item.waiver_notes)
        if item.state == "waived" and item.blocker:
            w = item.waiver
            waived.append(f"waived: {item.id} ({item.base_state}: {item.evidence}) by {w['by']} until "
                          f"{w['until']}: {w['reason']}")
        elif item.state in ("fail", "pending") and item.blocker:
            why = item.evidence or f"{item.title} (not marked yet)"
            blocking.append(f"blocker {'failed' if item.state == 'fail' else 'pending'}: {item.id}: {why}")
        elif item.state == "fail":
            warnings.append(f"non-blocking item failed: {item.id}: {item.evidence}")
    for change in comparison.regressions:
        text = _regression_text(change)
        w = regression_waiver(checklist, change)
        if w:
            waived.append(f"waived regression: {text} by {w['by']} until {w['until']}: {w['reason']}")
        else:
            blocking.append(f"regression: {text}")
    warnings.extend(checklist.run_notes)
    if workspace.inventory_changed(inventory.digest):
        warnings.append(f"the inventory changed since this workspace was started ({inventory.path}); "
                        "earlier runs describe the old version")
    warnings.extend(f"{run_label(run)} is incomplete: {run.get('error')}"
                    for run in (checklist.pre_run, checklist.post_run) if run and not run.get("complete"))
    counts = checklist.counts()
    counts["regressions"] = len(comparison.regressions)
    if blocking:
        order = ("regression", "blocker failed", "blocker pending")
        blocking.sort(key=lambda r: next(i for i, prefix in enumerate(order) if r.startswith(prefix)))
        return Verdict(NO_GO, blocking + waived, warnings, counts)
    if waived:
        return Verdict(GO_WITH_WAIVERS, waived, warnings, counts)
    blockers = sum(1 for i in checklist.items if i.blocker)
    return Verdict(GO, [f"all {blockers} blocker items pass; no regression"], warnings, counts)


def _regression_text(change) -> str:
    findings = "; ".join(f.text for f in change.notes if f.severity == "regression")
    if not findings:
        before = change.pre["status"] if change.pre else "none"
        after = change.post["status"] if change.post else "none"
        detail = (change.post or {}).get("detail")
        findings = f"{before} → {after}" + (f" ({detail})" if detail else "")
    target = f" {change.target}" if change.target else ""
    return f"{change.dependency or '(host)'} {change.check}{target}: {findings}"


def regression_waiver(checklist: Checklist, change) -> dict | None:
    """The waiver excusing a regression: its dependency's requirement items that the changed
    probe proves and that do not pass must all be waived (by item or dependency waivers)."""
    proves = set((change.post or change.pre or {}).get("proves") or ())
    covering = [i for i in checklist.items if i.source == "requirement" and i.dependency == change.dependency
                and i.requirement in proves and i.base_state != "pass"]
    if covering and all(i.state == "waived" for i in covering):
        return covering[0].waiver
    return None


# -- what people do ---------------------------------------------------------------------------


class ActionError(ValueError):
    """A mark or waiver that cannot be recorded; the message says why."""


def mark(workspace: Workspace, checklist: Checklist, item_id: str, state: str, by: str, note: str) -> dict:
    item = checklist.item(item_id)
    if item is None:
        raise ActionError(f"no checklist item '{item_id}' (see `migready checklist`)")
    if state not in ("pass", "fail", "na"):
        raise ActionError(f"state must be pass, fail or na, not '{state}'")
    if not by.strip() or not note.strip():
        raise ActionError("a manual change needs a name (--by) and a reason (--reason)")
    if item.source == "run":
        raise ActionError(f"'{item_id}' is the probe run itself: only a run can clear it "
                          f"({item.cleared_by}); it cannot be marked")
    if item.evidence_backed and state != "fail" and item.base_state != "pass":
        why = (f"the probe evidence says '{item_id}' fails ({item.evidence})" if item.base_state == "fail"
               else f"'{item_id}' has no probe evidence yet ({item.evidence or 'pending'})")
        raise ActionError(f"{why}; only evidence can clear it, a mark cannot: run the probes "
                          f"({item.cleared_by}), or waive it: a waiver records who accepts the risk, why and until "
                          "when, and the verdict shows GO WITH WAIVERS")
    return workspace.record_mark(item_id, state, by, note, previous=item.state)


def waive(workspace: Workspace, checklist: Checklist, target: str, by: str, reason: str, until: str,
          today: _dt.date | None = None) -> dict:
    """Waive an item, or every item of a dependency (`target` is then `service/dependency`)."""
    today = today or _dt.date.today()
    if not by.strip():
        raise ActionError("a waiver needs the name of who grants it (--by)")
    if not reason.strip():
        raise ActionError("a waiver needs a justification (--reason)")
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", until):
            raise ValueError
        expiry = _dt.date.fromisoformat(until)
    except ValueError:
        raise ActionError(f"--until must be a date YYYY-MM-DD, not '{until}'") from None
    if expiry < today:
        raise ActionError(f"--until {until} is already past")
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
        raise ActionError(f"'{target}' is neither a checklist item nor a dependency (see `migready checklist`)")
    waiver.update({"reason": reason, "until": expiry.isoformat()})
    return workspace.record_waiver(waiver, by)
