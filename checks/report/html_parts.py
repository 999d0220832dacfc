"""The repeated parts of the HTML report: a dependency, its items, its evidence.

These run once per checklist item and per probe result (10,000 of them in
bench/bench_report.py), so they build strings directly, with no template
engine in between.  Every value passes through `esc`.
"""
from __future__ import annotations

import html as _html

from .text import STATE_LABELS, changed_before, clean, side_lines

_GRID = '<table class="grid" width="100%" cellspacing="0" cellpadding="3">'


def esc(value) -> str:
    return _html.escape(clean(value), quote=True)


def dependency_block(dep: dict) -> str:
    facts = [dep["kind"] + (f" ({dep['device_type']})" if dep.get("device_type") else ""),
             f"{dep['protocol']}" + (f"/{dep['port']}" if dep.get("port") is not None else ""),
             dep["direction"]]
    if dep.get("vendor"):
        facts.append(f"vendor {dep['vendor']}")
    if dep.get("zone"):
        facts.append(f"zone {dep['zone']}" + (f" ({dep['zone_kind']})" if dep.get("zone_kind") else ""))
    if dep.get("source_port") is not None:
        facts.append(f"fixed source port {dep['source_port']}")
    if dep.get("timeout_ms") is not None:
        facts.append(f"timeout {dep['timeout_ms']} ms")
    targets = ", ".join(dep["targets"])
    if dep["targets_total"] > len(dep["targets"]):
        targets += f" … ({dep['targets_total']} targets" + (f", {dep['sample']} sampled)" if dep.get("sample") else ")")
    parts = [f'<h3 class="dep">{esc(dep["ref"])}</h3>',
             f'<p>{esc(" · ".join(facts))}<br>targets: {esc(targets)}'
             + (f"<br>requires: {esc(', '.join(dep['requires']))}" if dep.get("requires") else "") + "</p>"]
    if dep.get("notes"):
        parts.append(f'<p class="notes">{esc(dep["notes"])}</p>')
    if dep["flags"]:  # why each flag fired is its checklist item's title, in the table below
        parts.append("<ul class=\"flags\">" + "".join(
            f'<li><b>{esc(f["severity"]).upper()}</b> {esc(f["rule"])} {esc(f["title"])} '
            f'(incident {esc(f["incident"])}) <span class="muted">cleared by: {esc(f["cleared_by"])}</span></li>'
            for f in dep["flags"]) + "</ul>")
    if dep["items"]:
        parts.append(items_table(dep["items"], strip=dep["ref"] + ": "))
    if dep["evidence"]:
        parts.append(evidence_table(dep["evidence"]))
    else:
        parts.append('<p class="muted">No probe evidence for this dependency.</p>')
    return "\n".join(parts)


def items_table(items: list[dict], strip: str = "") -> str:
    """`strip`: a prefix to drop from titles (the dependency, already in the heading above)."""
    rows = [_GRID, '<tr><th width="11%">State</th><th width="44%">Checklist item</th><th>Evidence</th></tr>']
    for index, item in enumerate(items):
        rows.append(item_row(item, strip, index % 2 == 1))
    rows.append("</table>")
    return "".join(rows)


def item_row(item: dict, strip: str = "", alt: bool = False) -> str:
    state = item["state"]
    title = item["title"][len(strip):] if strip and item["title"].startswith(strip) else item["title"]
    label = STATE_LABELS.get(state, state.upper())
    tag = ' <span class="blocker">blocker</span>' if item["blocker"] else ""
    evidence = [esc(item["evidence"]) or '<span class="muted">not marked yet</span>']
    before = changed_before(item)
    if before:
        evidence.append(f'<span class="muted">before the move: {esc(before)}</span>')
    w = item.get("waiver")
    if w:
        evidence.append(f"<b>waived</b> by {esc(w['by'])} until {esc(w['until'])}: {esc(w['reason'])}")
    evidence += [f'<span class="warn">{esc(n)}</span>' for n in item.get("notes") or ()]
    td = '<td class="alt">' if alt else "<td>"
    return (f'<tr><td class="st-{state}"><b>{label}</b>{tag}</td>'
            f'{td}<span class="id">{esc(item["id"])}</span><br>{esc(title)}</td>'
            f'{td}{"<br>".join(evidence)}</td></tr>')


def evidence_table(entries: list[dict]) -> str:
    """Pre and post side by side, one row per probe, with what changed between them."""
    rows = [_GRID, '<tr><th width="22%">Probe</th><th width="26%">Before (pre)</th>'
                   '<th width="26%">After (post)</th><th>Change</th></tr>']
    for index, e in enumerate(entries):
        td = '<td class="alt">' if index % 2 else "<td>"
        cls = "fail" if e["regression"] else ("pass" if e["classification"] in ("unchanged", "fixed") else "pending")
        change = f"<b>{'REGRESSION' if e['regression'] else esc(e['classification']).upper()}</b>"
        change += "".join(f"<br>[{esc(f['severity'])}] {esc(f['text'])}" for f in e["findings"])
        where = esc(e.get("dependency") + " ") if e.get("dependency") else ""
        rows.append(f'<tr>{td}{where}{esc(e["check"])}<br><span class="muted">{esc(e.get("target"))}</span></td>'
                    f'{td}{"<br>".join(map(esc, side_lines(e["pre"])))}</td>'
                    f'{td}{"<br>".join(map(esc, side_lines(e["post"])))}</td>'
                    f'<td class="st-{cls}">{change}</td></tr>')
    rows.append("</table>")
    return "".join(rows)
