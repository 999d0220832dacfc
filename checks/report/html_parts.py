"""The repeated parts of the HTML report: a dependency, its items, its evidence.

These run once per checklist item and per probe result (10,000 of them in
bench/bench_report.py), so they build strings directly, with no template
engine in between.  Every value passes through `esc`; every sentence of the
content through `say` (text.words: the reader's language).
"""
from __future__ import annotations

import re
from typing import Callable

from ..text.i18n import _
from ..text.i18n import shown
from ..text.labels import label, requirement_id
from ..inventory.zones import word as zone_word
from .text import (change_word, changed_before, clean, finding_word, latency_pair, side_lines, state_word,
                   when_text)

_GRID = '<table class="grid" width="100%" cellspacing="0" cellpadding="3">'


def _same(value):
    return value


# what `esc` changes: the control characters `clean` drops, and HTML's five specials
_ESCAPES = {c: None for c in [*range(0x00, 0x09), 0x0b, 0x0c, *range(0x0e, 0x20), 0x7f, 0xfffe, 0xffff,
                              *range(0xd800, 0xe000)]}
_ESCAPES.update({ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord('"'): "&quot;", ord("'"): "&#x27;"})
_SPECIAL = re.compile("[&<>\"'\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def esc(value) -> str:
    """`html.escape(clean(value))` in one pass, and none for the common string with nothing to change
    (called ~200,000 times for a 10,000-item report: this halved its share of the HTML's time)."""
    text = value if type(value) is str else ("" if value is None else str(value))
    return text.translate(_ESCAPES) if _SPECIAL.search(text) else text


PARAGRAPH = 2000  # characters: a longer run of text is cut at a space into paragraphs of about this size


def notes_html(text) -> str:
    """A free note as paragraphs: one per line of the note, and a long line cut at a space every
    ~PARAGRAPH characters.  Qt lays a paragraph out in time that grows with the square of its
    length (a 2 MB note in one paragraph took 9.4 s of the PDF against 1.1 s for 0.5 MB), and a
    browser shows the note's own line breaks instead of running its lines together."""
    out = []
    for line in clean(text).split("\n"):
        start = 0  # an index, not a shorter copy of the rest per paragraph (that was quadratic too)
        while len(line) - start > PARAGRAPH:
            cut = line.rfind(" ", start + PARAGRAPH // 2, start + PARAGRAPH)
            cut = cut if cut > 0 else start + PARAGRAPH
            out.append(line[start:cut])
            start = cut
            while start < len(line) and line[start] == " ":
                start += 1
        if line[start:].strip():
            out.append(line[start:])
    return "".join(f'<p class="notes">{esc(p)}</p>' for p in out)


def dependency_block(dep: dict, say: Callable = _same, path: str = "", pdf: bool = False) -> str:
    """`path`: the dependency's path diagram (html_summary.path_block), placed under its facts.
    `pdf` (the "qt" variant: the PDF and the window's preview): the route probes as lines of the
    facts (`route_lines`) rather than rows of the evidence table, and the items and the probes as
    rows of paragraphs (`item_rows`, `evidence_rows`) rather than tables."""
    facts = [label("kind", dep["kind"]) + (f" ({label('device_type', dep['device_type'])})"
                                          if dep.get("device_type") else ""),
             f"{dep['protocol']}" + (f"/{dep['port']}" if dep.get("port") is not None else ""),
             label("direction", dep["direction"])]
    if dep.get("vendor"):
        facts.append(_("vendor {vendor}").format(vendor=dep["vendor"]))
    if dep.get("zone"):
        facts.append(_("zone {zone}").format(zone=dep["zone"])
                     + (f" ({shown(zone_word(dep['zone_kind']))})" if dep.get("zone_kind") else ""))
    if dep.get("source_port") is not None:
        facts.append(_("fixed source port {port}").format(port=dep["source_port"]))
    if dep.get("timeout_ms") is not None:
        facts.append(_("timeout {ms} ms").format(ms=dep["timeout_ms"]))
    targets = ", ".join(dep["targets"])
    if dep["targets_total"] > len(dep["targets"]):
        targets += " … (" + (_("{total} targets, {sample} sampled").format(total=dep["targets_total"],
                                                                           sample=dep["sample"])
                             if dep.get("sample") else _("{total} targets").format(total=dep["targets_total"])) + ")"
    evidence, routes = dep["evidence"], ""
    if pdf and any(e["check"] == "route" for e in evidence):
        routes = "<br>" + route_lines([e for e in evidence if e["check"] == "route"], say)
        evidence = [e for e in evidence if e["check"] != "route"]
    parts = [f'<h3 class="dep">{esc(dep["ref"])}</h3>',
             f'<p>{esc(" · ".join(facts))}<br>' + esc(_("targets: {targets}").format(targets=targets))
             + ("<br>" + esc(_("requires: {requires}").format(requires=", ".join(shown(requirement_id(r))
                                                                   for r in dep["requires"])))
                if dep.get("requires") else "") + routes + "</p>"]
    if dep.get("notes"):
        parts.append(notes_html(dep["notes"]))
    if path:
        parts.append(path)
    if dep["flags"]:  # why each flag fired is its checklist item's title, in the table below
        # What clears a flag, for the flags still open: a passed flag's row below says what did.
        passed = {item.get("rule") for item in dep["items"] if item.get("rule") and item["state"] == "pass"}
        incident, cleared = _("incident {incident}"), _("cleared by: {what}")
        parts.append("<ul class=\"flags\">" + "".join(
            f'<li><b>{esc(label("severity", f["severity"])).upper()}</b> {esc(f["rule"])} {esc(say(f["title"]))} '
            f'({esc(incident.format(incident=f["incident"]))})'
            + ("" if f["rule"] in passed else
               f' <span class="muted">{esc(cleared.format(what=say(f["cleared_by"])))}</span>') + "</li>"
            for f in dep["flags"]) + "</ul>")
    if dep["items"]:
        parts.append((item_rows if pdf else items_table)(dep["items"], strip=dep["ref"], say=say))
    if evidence:
        parts.append((evidence_rows if pdf else evidence_table)(evidence, say))
    elif not dep["evidence"]:
        parts.append('<p class="muted">' + esc(_("No probe evidence for this dependency.")) + "</p>")
    return "\n".join(parts)


def items_table(items: list[dict], strip: str = "", say: Callable = _same) -> str:
    """`strip`: a dependency whose name to drop from the front of titles ("svc/dep: ...", "svc/dep：..."
    in Chinese): it is the heading above."""
    heads = esc(_("State")), esc(_("Checklist item")), esc(_("Evidence"))
    rows = [_GRID, '<tr><th width="11%">{}</th><th width="44%">{}</th><th>{}</th></tr>'.format(*heads)]
    words = _RowWords()
    for index, item in enumerate(items):
        rows.append(item_row(item, strip, index % 2 == 1, say, words))
    rows.append("</table>")
    return "".join(rows)


class _RowWords:
    """The fixed words of an item row, looked up once per table rather than once per row."""

    def __init__(self):
        self.blocker = esc(_("blocker"))
        self.unmarked = esc(_("not marked yet"))
        self.before = _("before the move: {evidence}")
        self.waived = _("<b>waived</b> by {by} until {until}: {reason}")
        self.marked = _("marked by {by} at {at}")
        self.granted = _("waiver granted at {at}")


_TITLE_COLONS = (":", "：")  # "{ref}: {...}" in English, "{ref}：{...}" in Chinese


def item_rows(items: list[dict], strip: str = "", say: Callable = _same) -> str:
    """The PDF's form of `items_table`: a paragraph per item, its state first and the rest hanging
    beside it (report-qt.css `p.row`): the id and the title, then the evidence."""
    words = _RowWords()
    return "".join(item_row(item, strip, False, say, words, paragraph=True) for item in items)


def item_row(item: dict, strip: str = "", alt: bool = False, say: Callable = _same,
             words: _RowWords | None = None, paragraph: bool = False) -> str:
    w_ = words or _RowWords()
    state = item["state"]
    title = say(item["title"])
    if strip and title.startswith(strip) and title[len(strip):len(strip) + 1] in _TITLE_COLONS:
        title = title[len(strip) + 1:].lstrip(" ")
    tag = f' <span class="blocker">{w_.blocker}</span>' if item["blocker"] else ""
    evidence = [esc(say(item["evidence"])) or f'<span class="muted">{w_.unmarked}</span>']
    before = changed_before(item)
    if before:
        evidence.append(f'<span class="muted">{esc(w_.before.format(evidence=say(before)))}</span>')
    mark = item.get("mark")
    if mark and mark.get("at"):
        evidence.append('<span class="muted">' + esc(w_.marked.format(by=mark.get("by"), at=when_text(mark["at"])))
                        + "</span>")
    w = item.get("waiver")
    if w:
        evidence.append(w_.waived.format(by=esc(w["by"]), until=esc(w["until"]), reason=esc(w["reason"])))
        if w.get("granted"):
            evidence.append('<span class="muted">' + esc(w_.granted.format(at=when_text(w["granted"]))) + "</span>")
    evidence += [f'<span class="warn">{esc(say(n))}</span>' for n in item.get("notes") or ()]
    if paragraph:
        return (f'<p class="row"><span class="st-{state}"><b>&nbsp;{esc(state_word(state))}'
                f'&nbsp;</b></span>{tag}&nbsp; <span class="id">{esc(item["id"])}</span>&nbsp; {esc(title)}<br>'
                + "<br>".join(evidence) + "</p>")
    td = '<td class="alt">' if alt else "<td>"
    return (f'<tr><td class="st-{state}"><b>{esc(state_word(state))}</b>{tag}</td>'
            f'{td}<span class="id">{esc(item["id"])}</span><br>{esc(title)}</td>'
            f'{td}{"<br>".join(evidence)}</td></tr>')


def _change_class(e: dict) -> str:
    """The colour of what changed: red for a regression, amber for anything a lead should look at
    (a new or missing probe, and an unchanged one with a warning: "UNCHANGED [WARN] egress path
    direct → via gateway" was green), green otherwise."""
    if e["regression"]:
        return "fail"
    if e["classification"] not in ("unchanged", "fixed") or any(f.get("severity") == "warning" for f in e["findings"]):
        return "pending"
    return "pass"


def _change_word(e: dict) -> str:
    return change_word("regression" if e["regression"] else e["classification"])


def _findings(e: dict, say: Callable) -> str:
    """A probe's findings, a line each ("<br>[warning] egress path ..."), as HTML."""
    return "".join(f"<br>[{esc(finding_word(f['severity']))}] {esc(say(f['text']))}" for f in e["findings"])


def _change(e: dict, say: Callable) -> tuple[str, str]:
    """What changed between a probe's pre and post: its class (st-...) and its words, as HTML."""
    return _change_class(e), f"<b>{esc(_change_word(e))}</b>" + _findings(e, say)


def route_lines(entries: list[dict], say: Callable = _same) -> str:
    """A dependency's route probes as one line each (HTML lines joined by <br>), before and after the
    move and what changed: the PDF adds them to the dependency's facts.  As rows of the evidence
    table (which they had to themselves: a route has no latency) they cost ~9% of the PDF's time
    at 10,000 items (bench/README.md)."""
    line, comma = _("route to {target}: before {pre}; after {post}"), _(", ")  # "，" in Chinese
    out = []
    for e in entries:
        cls, change = _change(e, say)
        out.append(esc(line.format(target=e.get("target"), pre=comma.join(side_lines(e["pre"], say)),
                                   post=comma.join(side_lines(e["post"], say))))
                   + f' <span class="st-{cls}">{change.replace("<br>", " ")}</span>')
    return "<br>".join(out)


def evidence_rows(entries: list[dict], say: Callable = _same) -> str:
    """The PDF's form of `evidence_table`: a paragraph per probe, what changed first and the rest
    hanging beside it: the probe and its latency before and after, then each side, then findings."""
    sides, comma = _("before {pre}; after {post}"), _(", ")  # "，" in Chinese
    out = []
    for e in entries:
        where = esc(e.get("dependency") + " ") if e.get("dependency") else ""
        latency = latency_pair(e)
        out.append(f'<p class="row"><span class="st-{_change_class(e)}"><b>&nbsp;{esc(_change_word(e))}&nbsp;</b>'
                   f'</span>&nbsp; {where}<b>{esc(e["check"])}</b> <span class="muted">{esc(e.get("target"))}</span>'
                   + (f" · {esc(latency)}" if latency else "") + "<br>"
                   + esc(sides.format(pre=comma.join(side_lines(e["pre"], say)),
                                      post=comma.join(side_lines(e["post"], say))))
                   + _findings(e, say) + "</p>")
    return "".join(out)


def evidence_table(entries: list[dict], say: Callable = _same) -> str:
    """Pre and post side by side, one row per probe, with what changed between them."""
    heads = (esc(_("Probe")), esc(_("Before (pre)")), esc(_("After (post)")), esc(_("Latency pre → post")),
             esc(_("Change")))
    rows = [_GRID, '<tr><th width="20%">{}</th><th width="22%">{}</th><th width="22%">{}</th><th width="13%">{}</th>'
                   '<th>{}</th></tr>'.format(*heads)]
    for index, e in enumerate(entries):
        td = '<td class="alt">' if index % 2 else "<td>"
        cls, change = _change(e, say)
        where = esc(e.get("dependency") + " ") if e.get("dependency") else ""
        rows.append(f'<tr>{td}{where}{esc(e["check"])}<br><span class="muted">{esc(e.get("target"))}</span></td>'
                    f'{td}{"<br>".join(map(esc, side_lines(e["pre"], say)))}</td>'
                    f'{td}{"<br>".join(map(esc, side_lines(e["post"], say)))}</td>'
                    f'{td}{esc(latency_pair(e))}</td>'
                    f'<td class="st-{cls}">{change}</td></tr>')
    rows.append("</table>")
    return "".join(rows)
