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

from ..text.i18n import _
from ..store.safeio import loads_strict, read_regular

REPORT_FORMAT = "migready-report"
_ENTRY_TEXT = ("name", "role", "decision", "digest", "public_key", "signature", "comment", "signed_at")


class ReportUnreadable(ValueError):
    """The file is not a report verify can examine; the text names the file and why."""


def read_report(path: str | Path) -> dict:
    path = Path(path)
    try:
        text = read_regular(path).decode("utf-8")
    except OSError as exc:
        raise ReportUnreadable(_("cannot read {path}: {reason}").format(path=path, reason=exc.strerror or exc)) \
            from None
    except UnicodeDecodeError:
        raise ReportUnreadable(_("cannot read {path}: not UTF-8 text (a PDF or HTML report? verify "
                                 "reads the JSON one)").format(path=path)) from None
    try:
        report = loads_strict(text)
    except ValueError as exc:
        kind = _other_format(path, text)
        if kind:  # a report in a format for people: say which one to give instead (issue 26)
            raise ReportUnreadable(_("{path} is the {kind} report; give the JSON one (migready report WORKSPACE "
                                     "--format json), which holds the signed content").format(path=path, kind=kind)) \
                from None
        raise ReportUnreadable(_("cannot read {path}: not valid JSON: {reason}").format(path=path, reason=exc)) \
            from None
    if not isinstance(report, dict) or report.get("format") != REPORT_FORMAT:
        raise ReportUnreadable(_("{path} is not a migready JSON report (migready report --format json)").format(
            path=path))
    problem = shape_problem(report)
    if problem:
        raise ReportUnreadable(_("{path}: malformed report: {problem}").format(path=path, problem=problem))
    return report


def _other_format(path: Path, text: str) -> str | None:
    """HTML, JUnit or Markdown, told by the file's start (or its name): the formats `report` also writes."""
    head = text.lstrip()[:200].lower()
    suffix = path.suffix.lower()
    if head.startswith(("<!doctype html", "<html")) or suffix in (".html", ".htm"):
        return "HTML"
    if head.startswith("<?xml") or "<testsuite" in head or suffix == ".xml":
        return "JUnit XML"
    if head.startswith("#") or suffix == ".md":
        return "Markdown"
    return None


def shape_problem(report: dict) -> str | None:
    """None when the fields verify reads have the types it expects, else the first that does not."""
    if not isinstance(report.get("digest"), str):
        return _("'{field}' must be a string").format(field="digest")
    if not isinstance(report.get("verdict", {}), dict):
        return _("'{field}' must be an object").format(field="verdict")
    section = report.get("signoff", {})
    if section is None:
        return None
    if not isinstance(section, dict):
        return _("'{field}' must be an object").format(field="signoff")
    entries = section.get("entries", [])
    if not isinstance(entries, list):
        return _("'{field}' must be a list").format(field="signoff.entries")
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            return _("{field} must be an object").format(field=f"signoff.entries[{index}]")
        for field in _ENTRY_TEXT:
            if field in entry and not isinstance(entry[field], str):
                return _("{field} must be a string").format(field=f"signoff.entries[{index}].{field}")
    for field in ("required_roles", "awaiting", "notes"):
        value = section.get(field, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return _("'{field}' must be a list of strings").format(field=f"signoff.{field}")
    if not isinstance(section.get("final", {}), dict):
        return _("'{field}' must be an object").format(field="signoff.final")
    return None
