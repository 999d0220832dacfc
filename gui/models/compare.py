"""Pre vs post, one row per compared check (core `compare.Change`), regressions first.

The change column always says in words what happened ("REGRESSION",
"source port 9010 → 41733 (rewritten by NAT)"); the tint only repeats it.
"""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from migready.checks.review.compare import CLASSES
from migready.checks.text.i18n import shown

from .. import style
from .table import Column, TableModel
from .words import badge, word

translate = QCoreApplication.translate


def change_state(change) -> str:
    return "regression" if change.is_regression else change.classification


def change_label(change) -> str:
    text = badge(change_state(change))
    if change.is_regression and change.classification != "regression":
        text += f" ({word(change.classification)})"
    return text


def side(result) -> str:
    """One side of a change: the status word, why, and the latency (``fail (timeout), 3.0 ms``)."""
    if result is None:
        return translate("CompareModel", "not run")
    status = result.get("status") or "inconclusive"
    reason = result.get("reason")
    text = word(status) if status == "pass" or not reason else \
        translate("CompareModel", "{status} ({reason})").format(status=word(status), reason=shown(reason))
    latency = result.get("latency_ms")
    if isinstance(latency, (int, float)) and not isinstance(latency, bool):
        text = translate("CompareModel", "{result}, {latency} ms").format(result=text, latency=f"{latency:.1f}")
    return text


def findings(change) -> str:
    if change.notes:
        return translate("CompareModel", "; ").join(
            shown(f.text) if f.severity == "regression" else
            translate("CompareModel", "{finding} [{severity}]").format(finding=shown(f.text), severity=word(f.severity))
            for f in change.notes)
    if change.is_regression:
        if change.failure:  # the peer's answer or the error, not only "pass → fail"
            return translate("CompareModel", "{pre} → {post}: {failure}").format(
                pre=word((change.pre or {}).get("status") or "inconclusive"),
                post=word(change.post.get("status")), failure=shown(change.failure))
        return f"{side(change.pre)} → {side(change.post)}"
    return ""


class CompareModel(TableModel):
    columns = (
        Column(QT_TRANSLATE_NOOP("Column", "Change"), change_label, state=change_state,
               sort=lambda c: 0 if c.is_regression else 1 + CLASSES.index(c.classification)),
        Column(QT_TRANSLATE_NOOP("Column", "What changed"), findings,
               tip=lambda c: findings(c) or translate("CompareModel", "nothing changed")),
        Column(QT_TRANSLATE_NOOP("Column", "Dependency"), lambda c: style.dependency(c.dependency),
               tip=lambda c: c.dependency),
        Column(QT_TRANSLATE_NOOP("Column", "Check"), lambda c: c.check),
        Column(QT_TRANSLATE_NOOP("Column", "Target"), lambda c: c.target or "—"),
        Column(QT_TRANSLATE_NOOP("Column", "Before (pre)"), lambda c: side(c.pre),
               state=lambda c: (c.pre or {}).get("status") or "na"),
        Column(QT_TRANSLATE_NOOP("Column", "After (post)"), lambda c: side(c.post),
               state=lambda c: (c.post or {}).get("status") or "na"),
    )

    def facets(self, change) -> dict:
        return {"change": change_state(change)}
