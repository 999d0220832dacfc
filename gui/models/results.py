"""Probe results of one run as they arrive (workspace `runs[].results[]` records)."""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from migready.checks.text.i18n import shown
from migready.checks.store.records import describe

from .. import style
from .table import Column, TableModel
from .words import badge


def _latency(r: dict) -> str:
    value = r.get("latency_ms")
    return f"{value:.1f}" if isinstance(value, (int, float)) and not isinstance(value, bool) else ""


class ResultsModel(TableModel):
    columns = (
        Column(QT_TRANSLATE_NOOP("Column", "Status"), lambda r: badge(r.get("status") or "inconclusive"),
               sort=lambda r: ("fail", "inconclusive", "pass").index(r.get("status"))
               if r.get("status") in ("fail", "inconclusive", "pass") else 1,
               state=lambda r: r.get("status") or "inconclusive"),
        Column(QT_TRANSLATE_NOOP("Column", "Dependency"),
               lambda r: style.dependency(r.get("dependency")), tip=lambda r: r.get("dependency")),
        Column(QT_TRANSLATE_NOOP("Column", "Check"), lambda r: r.get("check") or ""),
        Column(QT_TRANSLATE_NOOP("Column", "Target"), lambda r: (r.get("target") or "—") + (
            f" @ {r.get('host_name') or r['host']}" if r.get("host") else "")),  # a phase over many hosts
        Column(QT_TRANSLATE_NOOP("Column", "ms"),
               _latency, sort=lambda r: r.get("latency_ms") if isinstance(r.get("latency_ms"), (int, float))
               else -1.0, align_right=True,
               tip=lambda r: QCoreApplication.translate("ResultsModel", "latency in milliseconds")),
        Column(QT_TRANSLATE_NOOP("Column", "Result"), lambda r: shown(describe(r)) or shown(r.get("reason") or "")),
    )

    def facets(self, r: dict) -> dict:
        return {"status": r.get("status") or "inconclusive"}
