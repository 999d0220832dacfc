"""The workspace's append-only event log (who did what, when)."""
from __future__ import annotations

import json

from PySide6.QtCore import QT_TRANSLATE_NOOP

from .table import Column, TableModel


def details(event: dict) -> str:
    parts = []
    for key, value in (event.get("details") or {}).items():
        if isinstance(value, (dict, list)):
            value = json.dumps(value, ensure_ascii=False, sort_keys=True)
        parts.append(f"{key}={value}")
    return ", ".join(parts)


class EventsModel(TableModel):
    columns = (
        Column(QT_TRANSLATE_NOOP("Column", "#"),
               lambda e: str(e.get("seq", "")), sort=lambda e: e.get("seq", 0), align_right=True),
        Column(QT_TRANSLATE_NOOP("Column", "When (UTC)"), lambda e: (e.get("at") or "").replace("T", " ").rstrip("Z")),
        Column(QT_TRANSLATE_NOOP("Column", "Who"), lambda e: e.get("by") or ""),
        Column(QT_TRANSLATE_NOOP("Column", "What"), lambda e: e.get("action") or ""),
        Column(QT_TRANSLATE_NOOP("Column", "Details"), details),
    )
