"""Which kind of migready file a path holds, so a file of the wrong kind is named as such.

Passing an inventory where a workspace is expected used to say "not valid
JSON ... truncated or edited?", which sends people looking for corruption.
`wrong_kind` recognises the three kinds cheaply (inventory: YAML; workspace:
JSON with an event log; report: JSON with a digest and a verdict) and
returns one sentence that says what the file is and what was expected.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..text.i18n import N_, _
from .safeio import loads_strict, read_head, read_regular

KINDS = {"inventory": N_("an inventory (YAML)"), "workspace": N_("a workspace (*.migready.json)"),
         "report": N_("a JSON report (migready report --format json)")}
_HINTS = {"inventory": N_("give it as INVENTORY (e.g. migready probe INVENTORY --workspace FILE)"),
          "workspace": N_("a workspace is what migready probe --workspace FILE writes"),
          "report": N_("check it with migready verify REPORT")}
SNIFF_BYTES = 1 << 16
REPORT_FORMAT = re.compile(rb'"format"\s*:\s*"migready-report"')
WORKSPACE_FORMAT = re.compile(rb'"format"\s*:\s*"migready-workspace"')
MAX_JSON_SNIFF = 64 << 20


def sniff(path: Path) -> str | None:
    """'inventory', 'workspace', 'report', or None when unsure (the loader then says why)."""
    try:  # regular files only, never waited on (a FIFO is left to the loader, which names it)
        if not path.is_file():
            return None
        head = read_head(path, SNIFF_BYTES)
    except OSError:
        return None
    text = head.decode("utf-8", "replace").lstrip("\ufeff \t\r\n")
    if not text.startswith("{"):
        lines = [line.split("#", 1)[0].strip() for line in text.splitlines()]
        keys = {line.split(":", 1)[0] for line in lines if line and not line.startswith("-") and ":" in line}
        return "inventory" if {"version", "services"} <= keys or {"version", "migration"} <= keys else None
    if path.stat().st_size > MAX_JSON_SNIFF:
        return None
    if path.stat().st_size > SNIFF_BYTES:  # a big report (10k items: 19 MB) is known by its format, unparsed
        raw = read_regular(path, MAX_JSON_SNIFF)
        if REPORT_FORMAT.search(raw):
            return "report"
        if WORKSPACE_FORMAT.search(raw):
            return "workspace"
    try:  # bounded depth, no NaN: a hostile file must reach its loader's error, not crash here
        data = loads_strict(read_regular(path, MAX_JSON_SNIFF).decode("utf-8"))
    except (ValueError, OSError):
        return None
    if not isinstance(data, dict):
        return None
    if data.get("format") == "migready-report":  # a report also carries runs and an event log
        return "report"
    if "events" in data and "runs" in data and "digest" not in data:
        return "workspace"
    if "digest" in data and "verdict" in data:
        return "report"
    if "services" in data and "version" in data:
        return "inventory"
    return None


def wrong_kind(path: Path, expected: str) -> str | None:
    """A sentence when `path` is clearly another kind of migready file than `expected`."""
    found = sniff(path)
    if found is None or found == expected:
        return None
    return _("{path}: this is {found}, not {expected}; {hint}").format(
        path=path, found=_(KINDS[found]), expected=_(KINDS[expected]), hint=_(_HINTS[found]))
