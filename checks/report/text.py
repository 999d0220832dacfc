"""Small text helpers shared by the renderers: labels, numbers, untrusted strings.

Inventory and workspace text is untrusted (anyone can write a note); every
renderer escapes for its own format, and all of them drop the control
characters no viewer shows and XML 1.0 forbids.
"""
from __future__ import annotations

import re

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
STATE_LABELS = {"pass": "PASS", "fail": "FAIL", "pending": "PENDING", "waived": "WAIVED", "na": "N/A"}
VERDICT_CLASS = {"GO": "go", "GO WITH WAIVERS": "waivers", "NO-GO": "nogo"}


def clean(value) -> str:
    """str(value) without control characters; None is empty."""
    if value is None:
        return ""
    return _CONTROL.sub("", str(value))


def ms(value) -> str:
    return "" if value is None else f"{value:.1f} ms"


def side_lines(side: dict | None) -> list[str]:
    """One probe result as short lines of plain text (the renderers escape them)."""
    if side is None:
        return ["(not probed)"]
    head = side["status"].upper() + (f" {side['reason']}" if side.get("reason") else "")
    if side.get("latency_ms") is not None:
        head += f" · {ms(side['latency_ms'])}"
    lines = [head]
    if side.get("local") or side.get("observed"):
        seen = f" → seen as {side['observed']}" if side.get("observed") else ""
        lines.append(f"local {side.get('local') or '?'}{seen}")
    route = side.get("route")
    zones = side.get("zones") or {}
    if route:
        via = f"via {route['gateway']}" if route.get("gateway") else "direct"
        lines.append(f"route {route.get('dev') or '?'} {via}" + (f", src {route['src']}" if route.get("src") else "")
                     + (f" ({zones[route['gateway']]})" if route.get("gateway") in zones
                        and not zones[route["gateway"]].endswith("in no zone") else ""))
    if side.get("dns") is not None:
        answers = ", ".join(f"{a.get('ip')} ({zones.get(a.get('ip')) or a.get('class')})"
                            for a in side["dns"]) or "no answer"
        lines.append(f"DNS {answers}")
    lines.extend(side.get("callback") or ())
    if side.get("detail") and len(lines) == 1:
        lines.append(side["detail"])
    return [clean(line) for line in lines]


def changed_before(item: dict) -> str:
    """The pre-move judgement of an item, only when its state differed from now: an unchanged
    "before" repeats what the evidence table beside it shows (and costs a line per item)."""
    pre = item.get("pre_evidence") or ""
    return "" if not pre or pre.startswith(f"{item['base_state']}:") else pre


def migration_line(report: dict) -> str:
    m = report["migration"]
    line = f"{m['source']['site']} → {m['target']['site']}"
    return line + (f", cutover {m['cutover']}" if m.get("cutover") else "")


def attestation_text(run: dict) -> str:
    """Who vouches for a run's results: "attested by NAME (ROLE), key SHA256:…", or why not."""
    att = run.get("attestation") or {}
    signed = att.get("signed") or {}
    if att.get("state") == "attested":
        from ..signing import fingerprint
        return f"attested by {signed.get('name')} ({signed.get('role')}), key {fingerprint(signed['public_key'])}"
    if att.get("state") == "invalid":
        return f"ATTESTATION DOES NOT HOLD: {att.get('text')}"
    return "unattested"
