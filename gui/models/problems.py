"""Validation problems of an inventory or workspace (core `problems.Problem`)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP

from .table import Column, TableModel


def location(problem) -> str:
    name = Path(problem.file).name
    return f"{name}:{problem.line}:{problem.column}" if problem.line else name


class ProblemsModel(TableModel):
    columns = (
        Column(QT_TRANSLATE_NOOP("Column", "Where"), location, sort=lambda p: (p.line, p.column), tip=lambda p: str(p)),
        Column(QT_TRANSLATE_NOOP("Column", "Field"), lambda p: p.path or "—"),
        Column(QT_TRANSLATE_NOOP("Column", "Problem"), lambda p: p.message),
    )
