"""JSON that people can read and diff, at the speed of CPython's C encoder.

Why: the workspace was written with ``json.dumps(..., indent=1)``, and any
``indent`` makes CPython use its pure-Python encoder: about 4 s for a
workspace of 40,000 probe results (20 hosts x 1,000 targets, bench/README.md),
paid at every save.  `dumps` indents the top ``levels`` of containers one
space per level, as before, and writes everything deeper as one compact line
through the C encoder: a workspace keeps one line per key, run and event, and
one line per probe result.  ``json.loads`` of the text gives exactly the
value that went in; digests never depend on it (they hash ``canonical_json``).
"""
from __future__ import annotations

import json
from typing import Any, Callable, Mapping, Optional

# ensure_ascii=False and sorted keys as the workspace always had; no indent, so the C encoder runs.
# Also the text every digest hashes (workspace.canonical_json): a result's line is the text its run's
# digest covers, so a result is encoded once for both (Workspace._run_digest).
compact: Callable[[Any], str] = json.JSONEncoder(ensure_ascii=False, sort_keys=True,
                                                  separators=(",", ":")).encode


def dumps(value: Any, levels: int = 4, known: Optional[Mapping[int, list[str]]] = None, end: str = "") -> str:
    """``value`` as JSON text: containers above depth ``levels`` indented (one space a level,
    keys sorted), the rest compact, one per line.

    ``known`` maps ``id(a list)`` whose items sit at depth ``levels`` to those items already
    encoded with `compact`, in order; used while it holds one text per item (the caller keeps it
    in step with the list: the workspace does so for the runs made in it).  ``end`` is written last."""
    parts: list[str] = []
    _write(value, 0, levels, parts.append, known or {})
    parts.append(end)  # here, not added to the result: a workspace's text is tens of megabytes
    return "".join(parts)


def _key(key: Any) -> str:
    """A key as json.dumps writes it: strings as they are, numbers, booleans and null as their JSON."""
    return key if isinstance(key, str) else json.dumps(key)


def _write(value: Any, depth: int, levels: int, out: Callable[[str], None],
           known: Mapping[int, list[str]]) -> None:
    if depth >= levels or not isinstance(value, (dict, list, tuple)) or not value:
        out(compact(value))
        return
    pad = "\n" + " " * (depth + 1)
    if isinstance(value, dict):
        out("{")
        for n, key in enumerate(sorted(value, key=_key)):
            out(("," if n else "") + pad + compact(_key(key)) + ": ")
            _write(value[key], depth + 1, levels, out, known)
        out("\n" + " " * depth + "}")
    else:
        texts = known.get(id(value)) if depth + 1 == levels else None
        if texts is not None and len(texts) == len(value):  # each text as it is (no copy of them joined)
            out("[" + pad)
            between = "," + pad
            for n, text in enumerate(texts):
                if n:
                    out(between)
                out(text)
            out("\n" + " " * depth + "]")
            return
        out("[")
        for n, item in enumerate(value):
            out(("," if n else "") + pad)
            _write(item, depth + 1, levels, out, known)
        out("\n" + " " * depth + "]")
