"""Recorded times as people read them: the workspace writes ISO 8601 ('…Z' or '+00:00'); reports,
the window and the checklist's sentences show them to the second in UTC, one token wide
("2026-12-07 03:17:31Z"), so a report column never wraps one mid-stamp."""
from __future__ import annotations

import datetime as _dt


def parse_time(text) -> _dt.datetime | None:
    """An ISO 8601 time as the workspace writes it ('…Z' or '+00:00'); None when it is not one."""
    if not isinstance(text, str) or not text:
        return None
    try:
        value = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=_dt.timezone.utc)


def short_time(text) -> str:
    """'2026-12-07 03:17:31Z': to the second, one token wide (a report column never wraps it)."""
    value = parse_time(text)
    if value is None:
        return "" if text is None else str(text)
    return value.astimezone(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ")
