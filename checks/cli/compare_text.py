"""`migready compare` as a terminal table: the comparison (checks/review/compare.py) said for a person.

Terminal formatting lives with the command line, not in the review stage: the
review judges, each front end says it (the window has its own table,
gui/compare_page.py; the reports theirs).  Classification and severity are
words, never colour alone, in the reader's language; the ids stay in JSON.
"""
from __future__ import annotations

from typing import Optional

from ..review.compare import Change, Comparison
from ..text.i18n import N_, _, ngettext, shown
from .words import column, width

# The classification column (the ids stay in JSON).
CLASS_WORDS = {"regression": N_("REGRESSION"), "inconclusive": N_("INCONCLUSIVE"), "missing": N_("MISSING"),
               "new": N_("NEW"), "fixed": N_("FIXED"), "unchanged": N_("UNCHANGED")}
SEVERITY_WORDS = {"regression": N_("regression"), "warning": N_("warning"), "info": N_("info")}
STATUS_WORDS = {"pass": N_("pass"), "fail": N_("fail"), "inconclusive": N_("inconclusive")}
COUNT_WORDS = {"inconclusive": N_("{n} inconclusive"), "missing": N_("{n} missing"), "new": N_("{n} new"),
               "fixed": N_("{n} fixed"), "unchanged": N_("{n} unchanged")}


def comparison_text(comparison: Comparison) -> str:
    """The table `migready compare` prints: the runs compared, a row per pair with its notes, the counts."""
    c = comparison
    lines = [_("pre {pre}  →  post {post}").format(pre=_run_label(c.pre_run), post=_run_label(c.post_run))]
    for run in (c.pre_run, c.post_run):
        if run and run.get("id") in c.incomplete_runs:
            if run.get("error"):
                lines.append(_("WARNING: {phase} run {run} is incomplete ({error}); checks it did not reach "
                               "show as MISSING or NEW").format(phase=run["phase"], run=run["id"],
                                                                error=shown(run["error"])))
            else:
                lines.append(_("WARNING: {phase} run {run} is incomplete; checks it did not reach show as "
                               "MISSING or NEW").format(phase=run["phase"], run=run["id"]))
    header = (_("CLASS"), _("DEPENDENCY"), _("CHECK"), _("TARGET"), _("PRE → POST"))
    rows = [(_class_label(ch), ch.dependency or _("(host)"), ch.check,
             (ch.target or "-") + (f" @ {ch.host}" if ch.host else ""),
             f"{_status(ch.pre)} → {_status(ch.post)}") for ch in c.changes]
    widths = [max(width(r[i]) for r in [header, *rows]) for i in range(4)]
    lines.append("")
    lines.append("  ".join(column(h, w) for h, w in zip(header, widths)) + "  " + header[4])
    for change, row in zip(c.changes, rows):
        lines.append("  ".join(column(v, w) for v, w in zip(row, widths)) + "  " + row[4])
        lines.extend(f"    [{_severity_word(f.severity)}] {shown(f.text)}" for f in change.notes)
    counts = c.counts()
    said = _(", ").join(_count_words(k, n) for k, n in counts.items() if n)
    lines.append("")
    warnings = sum(1 for ch in c.changes for f in ch.notes if f.severity == "warning")
    compared = ngettext("{n} check compared", "{n} checks compared", len(c.changes)).format(n=len(c.changes))
    # The counts say "N regressions" already; the total is said again only when it differs (a check
    # that went MISSING or NEW is a regression too), and warnings only when there are some.
    regressions = len(c.regressions)
    tail = ""
    if regressions != counts.get("regression", 0):
        tail += _(". Regressions in all: {regressions}").format(regressions=regressions)
    if warnings:
        tail += _(". Warnings: {warnings}").format(warnings=warnings)
    lines.append(compared + (_(": {counts}").format(counts=said) if said else "") + tail + _("."))
    return "\n".join(lines)


def _run_label(run: Optional[dict]) -> str:
    if run is None:
        return _("(no run)")
    return f"{run.get('id')} ({run.get('host')}, {run.get('started')})"


def _class_label(change: Change) -> str:
    label = _(CLASS_WORDS.get(change.classification, change.classification.upper()))
    if change.is_regression and change.classification != "regression":
        return _("REGRESSION ({classification})").format(classification=label)
    return label


def _severity_word(severity: str) -> str:
    return _(SEVERITY_WORDS[severity]) if severity in SEVERITY_WORDS else severity


def _count_words(classification: str, n: int) -> str:
    """'2 regressions', '1 new': the summary line's counts."""
    if classification == "regression":
        return ngettext("{n} regression", "{n} regressions", n).format(n=n)
    form = COUNT_WORDS.get(classification)
    return _(form).format(n=n) if form else f"{n} {classification}"


def _status(result: Optional[dict]) -> str:
    if result is None:
        return _("none")
    status = result.get("status") or "inconclusive"
    word = _(STATUS_WORDS[status]) if status in STATUS_WORDS else status
    return word if status == "pass" or not result.get("reason") else f"{word} ({result['reason']})"
