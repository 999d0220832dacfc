"""Small text helpers shared by the renderers: labels, numbers, untrusted strings, the reader's words.

Inventory and workspace text is untrusted (anyone can write a note); every
renderer escapes for its own format, and all of them drop the control
characters no viewer shows and XML 1.0 forbids.

Language: the fixed words a renderer writes go through `_()` (presentation);
the sentences inside the signed content are neutral English (`Msg`) and are
shown through `words(report)`, which says them in the reader's language, also
for a report read back from JSON (where they are plain str again).
"""
from __future__ import annotations

import re
from typing import Callable

from ..text.i18n import N_, Msg, _, language
from ..text.labels import label
from ..text.times import short_time

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
STATE_LABELS = {"pass": "PASS", "fail": "FAIL", "pending": "PENDING", "waived": "WAIVED", "na": "N/A"}  # ids, in order
VERDICT_CLASS = {"GO": "go", "GO WITH WAIVERS": "waivers", "NO-GO": "nogo"}
# A probe's status and a pre/post pair's classification, as the report names them (files keep the ids).
PROBE_WORDS = {"pass": N_("PASS"), "fail": N_("FAIL"), "inconclusive": N_("INCONCLUSIVE"), "error": N_("ERROR"),
               "skipped": N_("SKIPPED")}
CHANGE_WORDS = {"regression": N_("REGRESSION"), "inconclusive": N_("INCONCLUSIVE"), "missing": N_("MISSING"),
                "new": N_("NEW"), "fixed": N_("FIXED"), "unchanged": N_("UNCHANGED")}
FINDING_WORDS = {"regression": N_("regression"), "warning": N_("warning"), "info": N_("info")}
WAIVER_WORDS = {"active": N_("ACTIVE"), "expired": N_("EXPIRED"), "orphaned": N_("ORPHANED"),
                "revoked": N_("REVOKED"), "needs_review": N_("NEEDS_REVIEW")}
DECISION_WORDS = {"approve": N_("APPROVE"), "reject": N_("REJECT")}
_NO_WORDS: dict = {}


def clean(value) -> str:
    """str(value) without control characters; None is empty."""
    if value is None:
        return ""
    return _CONTROL.sub("", str(value))


def words(report: dict) -> Callable:
    """`say(value)`: a sentence of `report` in the reader's language, anything else as it is.

    A `Msg` (a report built in this process) says itself; a plain str is looked
    up in `report["words"]`, the map `build_report` lays beside the signed
    content, used only when it was made in the language now spoken (a report
    built in Chinese and rendered in English shows the neutral English).  The
    map is not signed: it changes how a sentence reads, never what was signed,
    and a malformed one is ignored."""
    found = report.get("words") if isinstance(report, dict) else None
    table = _NO_WORDS
    if isinstance(found, dict) and found.get("lang") == language() and isinstance(found.get("text"), dict):
        table = found["text"]

    def say(value):
        if isinstance(value, Msg):
            return value.shown()
        if table and isinstance(value, str):
            text = table.get(value)
            return text if isinstance(text, str) else value
        return value
    return say


def _word(vocabulary: dict, value) -> str:
    word = vocabulary.get(value)
    return _(word) if word is not None else clean(value).upper()


def state_word(state: str) -> str:
    """An item state as the report writes it: PASS, FAIL, N/A ... (通过、失败 ... in Chinese)."""
    return label("state", state).upper()


def verdict_word(verdict: str) -> str:
    """NO-GO in English; 不放行 (NO-GO) in Chinese (GLOSSARY.md: the id in brackets in reports)."""
    word = label("verdict", verdict)
    return word if word == verdict else f"{word} ({verdict})"


def probe_word(status) -> str:
    return _word(PROBE_WORDS, status)


def change_word(classification) -> str:
    return _word(CHANGE_WORDS, classification)


def finding_word(severity) -> str:
    word = FINDING_WORDS.get(severity)
    return _(word) if word is not None else str(severity)


def waiver_word(status) -> str:
    return _word(WAIVER_WORDS, status)


def decision_word(decision) -> str:
    return _word(DECISION_WORDS, decision)


def ms(value) -> str:
    return "" if value is None else _("{ms} ms").format(ms=f"{value:.1f}")


def side_lines(side: dict | None, say: Callable = lambda v: v) -> list[str]:
    """One probe result as short lines of plain text (the renderers escape them).  A pass says
    PASS, not its check's own word for it ("connected", "routed": the agent's English, in the
    Chinese report too); a failure keeps its reason ("refused").  No latency: every table of
    these lines has it in a column of its own ("1.6 → 1.6 ms"), and a route has none."""
    if side is None:
        return [_("(not probed)")]
    head = probe_word(side["status"])
    if side.get("reason") and side["status"] != "pass":
        head += f" {label('reason', side['reason'])}"
    lines = [head]
    if side.get("local") or side.get("observed"):
        local = side.get("local") or "?"
        lines.append(_("local {local} → seen as {observed}").format(local=local, observed=side["observed"])
                     if side.get("observed") else _("local {local}").format(local=local))
    route = side.get("route")
    zones = side.get("zones") or {}
    if route:
        via = (_("via {gateway}").format(gateway=route["gateway"]) if route.get("gateway") else _("direct"))
        line = _("route {dev} {via}").format(dev=route.get("dev") or "?", via=via)
        if route.get("src"):
            line += _(", src {src}").format(src=route["src"])
        if route.get("gateway") in zones and not zones[route["gateway"]].endswith("in no zone"):
            line += f" ({say(zones[route['gateway']])})"
        lines.append(line)
    if side.get("dns") is not None:
        answers = ", ".join(f"{a.get('ip')} ({say(zones.get(a.get('ip'))) or a.get('class')})"
                            for a in side["dns"]) or _("no answer")
        lines.append(_("DNS {answers}").format(answers=answers))
    lines.extend(say(line) for line in side.get("callback") or ())
    if side.get("detail") and len(lines) == 1:
        lines.append(say(side["detail"]))
    return [clean(line) for line in lines]


def changed_before(item: dict) -> str:
    """The pre-move judgement of an item, only when its state differed from now: an unchanged
    "before" repeats what the evidence table beside it shows (and costs a line per item)."""
    pre = item.get("pre_evidence") or ""
    return "" if not pre or pre.startswith(f"{item['base_state']}:") else pre


def migration_line(report: dict) -> str:
    m = report["migration"]
    line = f"{m['source']['site']} → {m['target']['site']}"
    return line + (_(", cutover {cutover}").format(cutover=m["cutover"]) if m.get("cutover") else "")


def attestation_text(run: dict, say: Callable = lambda v: v) -> str:
    """Who vouches for a run's results: "attested by NAME (ROLE), key SHA256:…", or why not."""
    att = run.get("attestation") or {}
    signed = att.get("signed") or {}
    if att.get("state") == "attested":
        from ..trust.signing import fingerprint
        return _("attested by {name} ({role}), key {key}").format(
            name=signed.get("name"), role=signed.get("role"), key=fingerprint(signed["public_key"]))
    if att.get("state") == "invalid":
        return _("ATTESTATION DOES NOT HOLD: {why}").format(why=say(att.get("text")))
    return _("unattested")


def when_text(value) -> str:
    """A recorded time to the second, in UTC, one token ("2026-12-07 03:17:31Z"): never wraps mid-stamp."""
    return short_time(value)


def duration_text(seconds) -> str:
    """How long something took, in the unit a reader expects: ms under a second, then s, then min."""
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool):
        return "–"
    if seconds < 1:
        return _("{ms} ms").format(ms=f"{seconds * 1000:.0f}")
    if seconds < 120:
        return _("{s} s").format(s=f"{seconds:.1f}")
    return _("{m} min {s} s").format(m=int(seconds // 60), s=int(seconds % 60))


def latency_pair(entry: dict) -> str:
    """A probe's latency before and after the move, side by side: "2.2 → 1.1 ms" ("–" where not measured)."""
    def one(side):
        value = (side or {}).get("latency_ms")
        return f"{value:.1f}" if isinstance(value, (int, float)) and not isinstance(value, bool) else "–"
    pre, post = one(entry.get("pre")), one(entry.get("post"))
    if pre == post == "–":
        return ""
    return _("{pre} → {post} ms").format(pre=pre, post=post)
