"""Validation problems of an inventory or workspace (core `problems.Problem`)."""
from __future__ import annotations

from pathlib import Path

from .table import Column, TableModel


def location(problem) -> str:
    name = Path(problem.file).name
    return f"{name}:{problem.line}:{problem.column}" if problem.line else name


class ProblemsModel(TableModel):
    columns = (
        Column("Where", location, sort=lambda p: (p.line, p.column), tip=lambda p: str(p)),
        Column("Field", lambda p: p.path or "—"),
        Column("Problem", lambda p: p.message),
    )
