"""Pre vs post, one row per compared check (core `compare.Change`), regressions first.

The change column always says in words what happened ("REGRESSION",
"source port 9010 → 41733 (rewritten by NAT)"); the tint only repeats it.
"""
from __future__ import annotations

from migready.checks.compare import CLASSES

from .. import style
from .table import Column, TableModel


def change_state(change) -> str:
    return "regression" if change.is_regression else change.classification


def change_label(change) -> str:
    word = style.label(change_state(change))
    if change.is_regression and change.classification != "regression":
        word += f" ({change.classification})"
    return word


def side(result) -> str:
    if result is None:
        return "not run"
    status = result.get("status") or "inconclusive"
    reason = result.get("reason")
    text = status if status == "pass" or not reason else f"{status} ({reason})"
    latency = result.get("latency_ms")
    if isinstance(latency, (int, float)) and not isinstance(latency, bool):
        text += f", {latency:.1f} ms"
    return text


def findings(change) -> str:
    if change.notes:
        return "; ".join(f.text if f.severity == "regression" else f"{f.text} [{f.severity}]" for f in change.notes)
    if change.is_regression:
        return f"{side(change.pre)} → {side(change.post)}"
    return ""


class CompareModel(TableModel):
    columns = (
        Column("Change", change_label, state=change_state,
               sort=lambda c: 0 if c.is_regression else 1 + CLASSES.index(c.classification)),
        Column("What changed", findings, tip=lambda c: findings(c) or "nothing changed"),
        Column("Dependency", lambda c: style.dependency(c.dependency), tip=lambda c: c.dependency),
        Column("Check", lambda c: c.check),
        Column("Target", lambda c: c.target or "—"),
        Column("Before (pre)", lambda c: side(c.pre), state=lambda c: (c.pre or {}).get("status") or "na"),
        Column("After (post)", lambda c: side(c.post), state=lambda c: (c.post or {}).get("status") or "na"),
    )

    def facets(self, change) -> dict:
        return {"change": change_state(change)}
