"""Reading a JSON report someone hands you: the file, then its shape, before anything trusts it.

`migready verify` is pointed at files that arrive by mail or from a ticket;
whatever they hold must end in "bad input" (exit 2, the file and the reason),
never in a traceback.  `read_report` reads with `safeio` (regular file,
bounded size and depth, no NaN) and `shape_problem` checks the parts verify
reads (the sign-off section and its entries) have the types it expects.
Whether the content is *true* is verify's question; this module only makes
sure it can be asked.
"""
from __future__ import annotations

from pathlib import Path

from ..safeio import loads_strict, read_regular

REPORT_FORMAT = "migready-report"
_ENTRY_TEXT = ("name", "role", "decision", "digest", "public_key", "signature", "comment", "signed_at")


class ReportUnreadable(ValueError):
    """The file is not a report verify can examine; the text names the file and why."""


def read_report(path: str | Path) -> dict:
    path = Path(path)
    try:
        text = read_regular(path).decode("utf-8")
    except OSError as exc:
        raise ReportUnreadable(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ReportUnreadable(f"cannot read {path}: not UTF-8 text (a PDF or HTML report? verify "
                               "reads the JSON one)") from None
    try:
        report = loads_strict(text)
    except ValueError as exc:
        raise ReportUnreadable(f"cannot read {path}: not valid JSON: {exc}") from None
    if not isinstance(report, dict) or report.get("format") != REPORT_FORMAT:
        raise ReportUnreadable(f"{path} is not a migready JSON report (migready report --format json)")
    problem = shape_problem(report)
    if problem:
        raise ReportUnreadable(f"{path}: malformed report: {problem}")
    return report


def shape_problem(report: dict) -> str | None:
    """None when the fields verify reads have the types it expects, else the first that does not."""
    if not isinstance(report.get("digest"), str):
        return "'digest' must be a string"
    if not isinstance(report.get("verdict", {}), dict):
        return "'verdict' must be an object"
    section = report.get("signoff", {})
    if section is None:
        return None
    if not isinstance(section, dict):
        return "'signoff' must be an object"
    entries = section.get("entries", [])
    if not isinstance(entries, list):
        return "'signoff.entries' must be a list"
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            return f"signoff.entries[{index}] must be an object"
        for field in _ENTRY_TEXT:
            if field in entry and not isinstance(entry[field], str):
                return f"signoff.entries[{index}].{field} must be a string"
    for field in ("required_roles", "awaiting", "notes"):
        value = section.get(field, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return f"'signoff.{field}' must be a list of strings"
    if not isinstance(section.get("final", {}), dict):
        return "'signoff.final' must be an object"
    return None
