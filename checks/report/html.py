"""The HTML report: one self-contained file for the change board, on screen and on paper.

Inline CSS only (no external asset, no script), so it can be mailed, archived
and opened offline.  Every inventory or workspace string goes through `esc`.
The same markup feeds the PDF (gui/report_pdf.py), where QTextDocument
understands only a subset of HTML and CSS: layout therefore uses plain
tables, `bgcolor` and classes, and `variant="qt"` swaps in a stylesheet
QTextDocument can read.  Colour never carries meaning alone: every state and
verdict is also written out.
"""
from __future__ import annotations

from importlib import resources

from .html_parts import dependency_block, esc, evidence_table, items_table
from .model import content_digest
from .signoff import final_verdict, signature_text
from .text import STATE_LABELS, attestation_text, VERDICT_CLASS, migration_line

BANNER_COLOURS = {"nogo": ("#b00020", "#ffffff"), "waivers": ("#f2b600", "#000000"), "go": ("#1b7f3a", "#ffffff")}
VERIFY = "migready verify REPORT.json --trust DIR"


def stylesheet(variant: str) -> str:
    name = "report-qt.css" if variant == "qt" else "report.css"
    return resources.files("migready.resources").joinpath("report", name).read_text("utf-8")


def render(report: dict) -> bytes:
    return render_html(report).encode("utf-8")


def render_html(report: dict, variant: str = "browser") -> str:
    """`variant` "browser" (the .html file) or "qt" (what the PDF renderer lays out)."""
    head, sections = document_parts(report, variant)
    return head + "<body>\n" + "\n".join(sections) + "\n</body></html>\n"


def document_parts(report: dict, variant: str = "browser") -> tuple[str, list[str]]:
    """The <head>, and the body in sections that each start a new page when printed:
    the front matter, one per service, and the closing part.  The PDF renderer lays
    each section out on its own (QTextDocument layout time grows faster than linearly
    with document size)."""
    digest = content_digest(report)
    final = final_verdict(report)
    title = f"{final['verdict']} · {report['migration']['name']}"
    head = ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>migready report: {esc(title)}</title>\n"
            f"<style>\n{stylesheet(variant)}</style></head>")
    front = banner(report, final) + summary(report, digest) + attention(report) + waivers(report)
    front += signoff(report, digest) + general_items(report)
    sections = ["\n".join(front)]
    sections += ["\n".join(service_section(service, index)) for index, service in enumerate(report["services"])]
    closing = []
    if report.get("host_evidence") or report.get("other_evidence"):
        closing.append('<h2 style="page-break-before: always">Other evidence</h2>')
        if report.get("host_evidence"):
            closing.append("<h3>Staging hosts</h3>" + evidence_table(report["host_evidence"]))
        if report.get("other_evidence"):
            closing.append("<h3>Dependencies no longer in the inventory</h3>"
                           + evidence_table(report["other_evidence"]))
    gen = report.get("generated") or {}
    closing.append(f'<p class="foot">Generated {esc(gen.get("at"))} by migready {esc(gen.get("migready"))} '
                   f'(states as of {esc(gen.get("as_of"))}). Content digest <span class="mono">{digest}</span>.</p>')
    sections.append("\n".join(closing))
    return head, sections


def banner(report: dict, final: dict) -> list[str]:
    verdict = final["verdict"]
    cls = VERDICT_CLASS.get(verdict, "nogo")
    bg, fg = BANNER_COLOURS[cls]
    evidence = report["verdict"]["verdict"]
    sub = "" if evidence == verdict else f' <span class="sub">(evidence alone: {esc(evidence)})</span>'
    reasons = cause_items(report) or "".join(f"<li>{esc(r)}</li>" for r in final["reasons"])
    return [f'<table class="banner {cls}" width="100%" cellspacing="0" cellpadding="10" bgcolor="{bg}">'
            f'<tr><td style="color:{fg}"><div class="verdict" style="color:{fg}">'
            f'<font color="{fg}">VERDICT: {esc(verdict)}</font>{sub}</div>'
            f'<div class="what" style="color:{fg}"><font color="{fg}">{esc(report["migration"]["name"])}: '
            f'{esc(migration_line(report))}</font></div></td></tr></table>',
            f'<h2>Why {esc(verdict)}: {esc(cause_tally(report))}</h2><ul class="reasons">{reasons}</ul>']


def cause_tally(report: dict) -> str:
    from ..root_causes import from_report, tally_text
    return tally_text(from_report(report))


def cause_items(report: dict) -> str:
    """The verdict's root causes (checks/root_causes.py): headline, flows, rule, what clears it, waiver."""
    from ..root_causes import from_report, signoff_gate

    gate = signoff_gate(report)
    out = [f'<li class="cause st-pending"><b>{esc(gate)}</b></li>'] if gate else []
    for c in from_report(report):
        label = {"fail": "FAILED", "pending": "PENDING", "waived": "WAIVED"}[c.state]
        evidence = "".join(f"<li>{esc(e)}</li>" for e in c.evidence)
        tail = [f"rule {esc(c.rule)}" if c.rule.startswith("MR") else esc(c.rule)] if c.rule else []
        if c.waiver:
            tail.append(f"waived by {esc(c.waiver.get('by'))} until {esc(c.waiver.get('until'))}: "
                        f"{esc(c.waiver.get('reason'))}")
        elif c.cleared_by:
            tail.append(f"clears it: {esc(c.cleared_by)}")
        out.append(f'<li class="cause st-{c.state}"><b>[{label}] {esc(c.headline)}</b>'
                   + (f"<ul>{evidence}</ul>" if evidence else "")
                   + (f'<div class="sub">{"; ".join(tail)}</div>' if tail else "")
                   + f'<div class="ids">{esc(", ".join(c.items))}</div></li>')
    return "".join(out[1:] + out[:1]) if gate else "".join(out)


def summary(report: dict, digest: str) -> list[str]:
    counts = report["counts"]
    m = report["migration"]
    cells = "".join(f'<td class="n st-{s}"><b>{counts.get(s, 0)}</b><br>{label}</td>'
                    for s, label in STATE_LABELS.items())
    inv = report["inventory"]
    changed = ' <b class="warn">changed since the workspace was started</b>' if inv.get("changed") else ""
    rows = [("Migration", esc(m["name"])),
            ("From", f"{esc(m['source']['site'])} <span class=\"muted\">{esc(m['source']['network_mode'])}</span>"),
            ("To", f"{esc(m['target']['site'])} <span class=\"muted\">{esc(m['target']['network_mode'])}"
                   f"{' · NATs its egress' if m['target']['egress_nat'] else ''}</span>"),
            ("Cutover", esc(m.get("cutover") or "not set")),
            ("Inventory", f"{esc(inv['path'])}<br><span class=\"mono\">sha256 {esc(inv['digest'])}</span>{changed}"),
            ("Probe agent", esc(", ".join(report.get("agent_versions") or []) or "no run yet")),
            ("Report digest", f'<span class="mono">{digest}</span>')]
    if m.get("notes"):
        rows.insert(4, ("Notes", esc(m["notes"])))
    out = ['<h2>Summary</h2><table class="kv" cellspacing="0" cellpadding="4">']
    out += [f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows]
    out.append("</table>")
    out.append(f'<table class="counts" cellspacing="0" cellpadding="6"><tr>{cells}'
               f'<td class="n"><b>{counts["regressions"]}</b><br>REGRESSIONS</td>'
               f'<td class="n"><b>{counts["items"]}</b><br>ITEMS ({counts["blockers"]} blockers)</td></tr></table>')
    out.append('<h3>Probe runs</h3><table class="grid" width="100%" cellspacing="0" cellpadding="3">'
               "<tr><th>Run</th><th>Phase</th><th>From host</th><th>Started</th><th>Finished</th>"
               "<th>Agent</th><th>Results</th><th>Attested</th></tr>")
    for run in report["runs"]:
        host = esc(run["host"]) + (f" ({esc(run['hostname'])})" if run.get("hostname") else "")
        state = "" if run["complete"] else f' <b class="warn">INCOMPLETE: {esc(run.get("error"))}</b>'
        used = " (compared)" if run.get("compared") else ""
        out.append(f"<tr><td>{esc(run['id'])}{used}</td><td>{esc(run['phase'])}</td><td>{host}</td>"
                   f"<td>{esc(run['started'])}</td><td>{esc(run['finished'])}{state}</td>"
                   f"<td>{esc(run.get('agent_version'))}</td><td>{run['results']}</td>"
                   f"<td>{esc(attestation_text(run))}</td></tr>")
    if not report["runs"]:
        out.append('<tr><td colspan="8">no probe run yet</td></tr>')
    out.append("</table>")
    warnings = report["verdict"]["warnings"]
    if warnings:
        out.append('<h3>Warnings</h3><ul class="warnings">' + "".join(f"<li>{esc(w)}</li>" for w in warnings)
                   + "</ul>")
    return out


def attention(report: dict) -> list[str]:
    att = report["attention"]
    out = ['<h2>Blockers and regressions</h2>']
    if not att["blockers"] and not att["regressions"]:
        return out + ["<p>No blocker fails or is pending; no regression.</p>"]
    out.append('<table class="grid" width="100%" cellspacing="0" cellpadding="3">'
               "<tr><th>State</th><th>What</th><th>Evidence</th></tr>")
    for reg in att["regressions"]:
        waived = reg.get("waived")
        state = "WAIVED" if waived else "REGRESSION"
        note = (f"<br>waived by {esc(waived['by'])} until {esc(waived['until'])}: {esc(waived['reason'])}"
                if waived else "")
        out.append(f'<tr><td class="st-{"waived" if waived else "fail"}"><b>{state}</b></td>'
                   f"<td>{esc(reg['dependency'] or '(host)')} {esc(reg['check'])} {esc(reg.get('target'))}</td>"
                   f"<td>{'<br>'.join(esc(f) for f in reg['findings'])}{note}</td></tr>")
    for item in att["blockers"]:
        out.append(f'<tr><td class="st-{item["state"]}"><b>{STATE_LABELS[item["state"]]}</b></td>'
                   f'<td><span class="id">{esc(item["id"])}</span><br>{esc(item["title"])}</td>'
                   f"<td>{esc(item['evidence']) or 'not marked yet'}</td></tr>")
    out.append("</table>")
    return out


def waivers(report: dict) -> list[str]:
    if not report["waivers"]:
        return ["<h2>Waivers</h2><p>None.</p>"]
    out = ['<h2>Waivers</h2><table class="grid" width="100%" cellspacing="0" cellpadding="3">'
           "<tr><th>Waiver</th><th>Covers</th><th>By</th><th>Why</th><th>Until</th><th>Status</th></tr>"]
    for w in report["waivers"]:
        applies = (f"<br><span class=\"muted\">applies to {len(w['applies_to'])} item(s)</span>"
                   if w["applies_to"] else "")
        out.append(f"<tr><td>{esc(w['id'])}</td><td>{esc(w['scope'])} {esc(w['target'])}{applies}</td>"
                   f"<td>{esc(w['by'])}</td><td>{esc(w['reason'])}</td><td>{esc(w['until'])}</td>"
                   f"<td><b>{esc(w['status']).upper()}</b></td></tr>")
    out.append("</table>")
    return out


def signoff(report: dict, digest: str) -> list[str]:
    section = report.get("signoff") or {"required_roles": [], "entries": [], "awaiting": [], "notes": []}
    out = ['<h2>Sign-off</h2><table class="grid" width="100%" cellspacing="0" cellpadding="3">'
           "<tr><th>Role</th><th>Name</th><th>Decision</th><th>Signed at</th><th>Comment</th><th>Signature</th></tr>"]
    for e in section["entries"]:
        text = esc(signature_text(e))
        sig = text if e.get("status") == "valid" else f'<b class="warn">{text}</b>'
        out.append(f"<tr><td>{esc(e.get('role'))}</td><td>{esc(e.get('name'))}</td>"
                   f"<td><b>{esc(e.get('decision')).upper()}</b></td><td>{esc(e.get('signed_at'))}</td>"
                   f"<td>{esc(e.get('comment'))}</td><td>{sig}</td></tr>")
    for role in section["awaiting"]:
        out.append(f'<tr><td>{esc(role)}</td><td colspan="5"><b class="warn">AWAITING SIGN-OFF</b></td></tr>')
    out.append("</table>")
    out += [f'<p class="warn">{esc(n)}</p>' for n in section.get("notes", [])]
    out.append(f'<p>Signers sign the SHA-256 of the report content: <span class="mono">{digest}</span><br>'
               f'How to verify: <code>{VERIFY}</code> (the JSON format of this report).</p>')
    return out


def general_items(report: dict) -> list[str]:
    out = []
    for group in report["general_items"]:
        out.append(f"<h3>Checklist: {esc(group['phase'])}</h3>" + items_table(group["items"]))
    return ['<h2 class="break">Checklist (migration-wide)</h2>'] + out if out else []


def service_section(service: dict, index: int) -> list[str]:
    notes = f'<p class="notes">{esc(service["notes"])}</p>' if service.get("notes") else ""
    out = [f'<div class="service" id="svc-{index}" style="page-break-before: always">',
           f'<h2>Service {esc(service["name"])}</h2>',
           f'<p>Owner {esc(service["owner"])} · criticality {esc(service["criticality"])} · '
           f'{len(service["dependencies"])} dependencies</p>{notes}']
    out += [dependency_block(dep) for dep in service["dependencies"]]
    out.append("</div>")
    return out
