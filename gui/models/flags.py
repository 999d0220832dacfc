"""The risk flags of an inventory (core `rules.Flag`), one row each."""
from __future__ import annotations

from migready.checks.rules import SEVERITY_RANK

from .. import style
from .table import Column, TableModel


class FlagsModel(TableModel):
    columns = (
        Column("Severity", lambda f: style.label(f.severity), sort=lambda f: SEVERITY_RANK[f.severity],
               state=lambda f: f.severity),
        Column("Rule", lambda f: f.rule),
        Column("Dependency", lambda f: style.dependency(f.ref), tip=lambda f: f.ref),
        Column("Risk", lambda f: f.title),
        Column("Why it fired", lambda f: f.message.split(": ", 1)[-1], tip=lambda f: f.message),
        Column("Incident", lambda f: f"#{f.incident}", sort=lambda f: f.incident,
               tip=lambda f: f"post-mortem {f.incident} (DESIGN.md)"),
        Column("Cleared by", lambda f: f.cleared_by),
    )

    def facets(self, flag) -> dict:
        return {"severity": flag.severity, "rule": flag.rule}
