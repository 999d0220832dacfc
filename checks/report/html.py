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

from .summary import causes_of
from ..text.i18n import N_, _, language
from ..text.labels import label
from .html_parts import dependency_block, esc, evidence_table, items_table, notes_html
from .html_summary import event_log, path_block, summary_page, who_ran_text
from .summary import _who_ran
from .model import content_digest
from .signoff import final_verdict, signature_text
from .text import (STATE_LABELS, VERDICT_CLASS, attestation_text, clean, decision_word, duration_text, migration_line,
                   state_word, verdict_word, waiver_word, when_text, words)

BANNER_COLOURS = {"nogo": ("#b00020", "#ffffff"), "waivers": ("#f2b600", "#000000"), "go": ("#1b7f3a", "#ffffff")}
VERIFY = "migready verify REPORT.json --trust DIR"
CAUSE_WORDS = {"fail": N_("FAILED"), "pending": N_("PENDING"), "waived": N_("WAIVED")}
HTML_LANG = {"en": "en", "zh_CN": "zh-CN"}  # <html lang>: browsers pick the CJK glyph forms by it


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
    the summary page, the details, one per service, and the closing part.  The PDF
    renderer lays them out in pieces (gui/report_pdf.py), which is why each part is
    also a function of its own."""
    head, sections = front_parts(report, variant)
    say = words(report)
    sections += [service_part(report, index, say, variant) for index in range(len(report["services"]))]
    sections.append(closing_part(report, say))
    return head, sections


def front_parts(report: dict, variant: str = "browser") -> tuple[str, list[str]]:
    """The <head>, page 1 (what the change board decides on, no ids: html_summary.py) and the
    detail sections before the services (they need the whole report: the root causes, the counts)."""
    digest = digest_of(report)
    final = final_verdict(report)
    say = words(report)
    head = document_head(report, variant)
    top, why = banner(report, final, say)
    sections = ["\n".join([top] + summary_page(report, say))]
    details = [why.replace("<h2>", '<h2 style="page-break-before: always">', 1)]
    details += summary(report, digest, say) + attention(report, say) + waivers(report)
    details += signoff(report, digest, say) + general_items(report, say)
    sections.append("\n".join(details))
    return head, sections


def document_head(report: dict, variant: str = "browser") -> str:
    """<!DOCTYPE>, <html lang> and the <head>: the title and the stylesheet."""
    title = f"{verdict_word(final_verdict(report)['verdict'])} · {report['migration']['name']}"
    return (f'<!DOCTYPE html>\n<html lang="{HTML_LANG.get(language(), "en")}"><head><meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{esc(_('migready report: {title}').format(title=title))}</title>\n"
            f"<style>\n{stylesheet(variant)}</style></head>")


def service_part(report: dict, index: int, say=None, variant: str = "browser") -> str:
    """Service number `index` (its dependencies, items, evidence and path diagrams).  Needs of the
    report only the service, `migration`, `runs`, `comparison` and `words`."""
    return "\n".join(service_section(report["services"][index], index, say or words(report), report, variant))


def closing_part(report: dict, say=None) -> str:
    """Other evidence, the generation line and the event-log appendix."""
    say = say or words(report)
    closing = []
    if report.get("host_evidence") or report.get("other_evidence"):
        closing.append('<h2 class="break">' + esc(_("Other evidence")) + "</h2>")
        if report.get("host_evidence"):
            closing.append("<h3>" + esc(_("Staging hosts")) + "</h3>" + evidence_table(report["host_evidence"], say))
        if report.get("other_evidence"):
            closing.append("<h3>" + esc(_("Dependencies no longer in the inventory")) + "</h3>"
                           + evidence_table(report["other_evidence"], say))
    gen = report.get("generated") or {}
    closing.append('<p class="foot">' + _("Generated {at} by migready {version} (states as of {as_of}). "
                                           "Content digest {digest}.").format(
        at=esc(gen.get("at")), version=esc(gen.get("migready")), as_of=esc(gen.get("as_of")),
        digest=f'<span class="mono">{digest_of(report)}</span>') + "</p>")
    closing += event_log(report, say)
    return "\n".join(closing)


def digest_of(report: dict) -> str:
    """The content digest `build_report` computed and stored (`report["digest"]`); hashed here only
    for a report without one.  Rendering hashed the whole content again, twice for a PDF (issue 27)."""
    return report.get("digest") or content_digest(report)


def document_title(report: dict) -> str:
    """The PDF's title and the first words of its footer: "migready report: NO-GO · NAME"."""
    return _("migready report: {title}").format(
        title=f"{verdict_word(final_verdict(report)['verdict'])} · {report['migration']['name']}")


def page_footer(report: dict):
    """`footer(number, total)`: the line under every PDF page, so a page printed alone still says
    what it belongs to.  The digest is computed once here, not once per page."""
    name = clean(report["migration"]["name"])
    if len(name) > 60:
        name = name[:59] + "…"
    words = dict(verdict=verdict_word(final_verdict(report)["verdict"]), name=name,
                 digest=digest_of(report)[:16])
    template = _("migready report · {verdict} · {name} · digest {digest}… · page {number} of {total}")
    return _Footer(template, words)


class _Footer:
    """`footer(number, total)`; a plain object, so it travels to the PDF's worker processes."""

    def __init__(self, template: str, words: dict):
        self.template, self.words = template, words

    def __call__(self, number: int, total: int) -> str:
        return self.template.format(number=number, total=total, **self.words)


def banner(report: dict, final: dict, say=lambda v: v) -> list[str]:
    verdict = final["verdict"]
    cls = VERDICT_CLASS.get(verdict, "nogo")
    bg, fg = BANNER_COLOURS[cls]
    evidence = report["verdict"]["verdict"]
    alone = _("(evidence alone: {verdict})").format(verdict=verdict_word(evidence))
    sub = "" if evidence == verdict else f' <span class="sub">{esc(alone)}</span>'
    reasons = cause_items(report, say) or "".join(f"<li>{esc(say(r))}</li>" for r in final["reasons"])
    shown = verdict_word(verdict)
    headline = _("VERDICT: {verdict}").format(verdict=shown)
    why = _("Why {verdict}: {causes}").format(verdict=shown, causes=say(cause_tally(report)))
    return [f'<table class="banner {cls}" width="100%" cellspacing="0" cellpadding="10" bgcolor="{bg}">'
            f'<tr><td style="color:{fg}"><div class="verdict" style="color:{fg}">'
            f'<font color="{fg}">{esc(headline)}</font>{sub}</div>'
            f'<div class="what" style="color:{fg}"><font color="{fg}">{esc(report["migration"]["name"])}: '
            f'{esc(migration_line(report))}</font></div></td></tr></table>',
            f'<h2>{esc(why)}</h2>'
            f'<ul class="reasons">{reasons}</ul>']



def cause_tally(report: dict) -> str:
    from ..review.root_causes import tally_text
    return tally_text(causes_of(report))


def cause_items(report: dict, say=lambda v: v) -> str:
    """The verdict's root causes (checks/review/root_causes.py): headline, flows, rule, what clears it, waiver."""
    from ..review.root_causes import signoff_gate

    gate = signoff_gate(report)
    out = [f'<li class="cause st-pending"><b>{esc(say(gate))}</b></li>'] if gate else []
    for c in causes_of(report):
        tag = _(CAUSE_WORDS[c.state]) if c.state in CAUSE_WORDS else c.state.upper()
        evidence = "".join(f"<li>{esc(say(e))}</li>" for e in c.evidence)
        tail = [esc(_("rule {rule}").format(rule=say(c.rule))) if c.rule.startswith("MR") else esc(say(c.rule))] \
            if c.rule else []
        if c.waiver:
            tail.append(esc(_("waived by {by} until {until}: {reason}").format(
                by=c.waiver.get("by"), until=c.waiver.get("until"), reason=c.waiver.get("reason"))))
        elif c.cleared_by:
            tail.append(esc(_("clears it: {what}").format(what=say(c.cleared_by))))
        out.append(f'<li class="cause st-{c.state}"><b>[{esc(tag)}] {esc(say(c.headline))}</b>'
                   + (f"<ul>{evidence}</ul>" if evidence else "")
                   + (f'<div class="clears">{"; ".join(tail)}</div>' if tail else "")
                   + f'<div class="ids">{esc(", ".join(c.items))}</div></li>')
    return "".join(out[1:] + out[:1]) if gate else "".join(out)


def summary(report: dict, digest: str, say=lambda v: v) -> list[str]:
    counts = report["counts"]
    m = report["migration"]
    cells = "".join(f'<td class="n st-{s}"><b>{counts.get(s, 0)}</b><br>{esc(state_word(s))}</td>'
                    for s in STATE_LABELS)
    inv = report["inventory"]
    changed = (' <b class="warn">' + esc(_("changed since the workspace was started")) + "</b>"
               if inv.get("changed") else "")
    nat = esc(_(" · NATs its egress")) if m["target"]["egress_nat"] else ""
    rows = [(_("Migration"), esc(m["name"])),
            (_("From"), f"{esc(m['source']['site'])} <span class=\"muted\">{esc(m['source']['network_mode'])}</span>"),
            (_("To"), f"{esc(m['target']['site'])} <span class=\"muted\">{esc(m['target']['network_mode'])}"
                      f"{nat}</span>"),
            (_("Cutover"), esc(m.get("cutover") or _("not set"))),
            (_("Inventory"), f"{esc(inv['path'])}<br><span class=\"mono\">sha256 {esc(inv['digest'])}</span>{changed}"),
            (_("Probe agent version"), esc(", ".join(report.get("agent_versions") or []) or _("no run yet"))),
            (_("Report digest"), f'<span class="mono">{digest}</span>')]
    if m.get("notes"):
        rows.insert(4, (_("Notes"), esc(m["notes"])))
    out = ["<h2>" + esc(_("Migration, inventory and runs")) + '</h2><table class="kv" cellspacing="0" cellpadding="4">']
    out += [f"<tr><th>{esc(k)}</th><td>{v}</td></tr>" for k, v in rows]
    out.append("</table>")
    items = _("ITEMS ({n} blockers)").format(n=counts["blockers"])
    out.append(f'<table class="counts" cellspacing="0" cellpadding="6"><tr>{cells}'
               f'<td class="n"><b>{counts["regressions"]}</b><br>{esc(_("REGRESSIONS"))}</td>'
               f'<td class="n"><b>{counts["items"]}</b><br>{esc(items)}</td></tr></table>')
    heads = (_("Run"), _("Phase"), _("From host"), _("Started (UTC)"), _("Finished (UTC)"), _("Took"), _("Results"),
             _("Who ran it"))
    out.append("<h3>" + esc(_("Probe runs")) + '</h3><table class="grid" width="100%" cellspacing="0" cellpadding="3">'
               "<tr>" + "".join(f"<th>{esc(h)}</th>" for h in heads) + "</tr>")
    for run in report["runs"]:
        host = esc(run["host"]) + (f" ({esc(run['hostname'])})" if run.get("hostname") else "")
        incomplete = "" if run["complete"] else _("INCOMPLETE: {error}").format(error=say(run.get("error")))
        state = f' <b class="warn">{esc(incomplete)}</b>' if incomplete else ""
        used = esc(_(" (compared)")) if run.get("compared") else ""
        who = attestation_text(run, say)
        if (run.get("attestation") or {}).get("state") != "attested":
            who = who_ran_text(_who_ran(run))
        out.append(f"<tr><td>{esc(run['id'])}{used}</td><td>{esc(label('phase', run['phase']))}</td><td>{host}</td>"
                   f'<td class="nowrap">{esc(when_text(run["started"]))}</td>'
                   f'<td class="nowrap">{esc(when_text(run["finished"]))}</td>'
                   f'<td class="nowrap">{esc(duration_text(run.get("duration_s")))}</td>'
                   f"<td>{run['results']}{state}</td><td>{esc(who)}</td></tr>")
    if not report["runs"]:
        out.append('<tr><td colspan="8">' + esc(_("no probe run yet")) + "</td></tr>")
    out.append("</table>")
    warnings = report["verdict"]["warnings"]
    if warnings:
        out.append("<h3>" + esc(_("Warnings")) + '</h3><ul class="warnings">'
                   + "".join(f"<li>{esc(say(w))}</li>" for w in warnings) + "</ul>")
    return out


def attention(report: dict, say=lambda v: v) -> list[str]:
    att = report["attention"]
    out = ["<h2>" + esc(_("Blockers and regressions")) + "</h2>"]
    if not att["blockers"] and not att["regressions"]:
        return out + ["<p>" + esc(_("No blocker fails or is pending; no regression.")) + "</p>"]
    out.append('<table class="grid" width="100%" cellspacing="0" cellpadding="3">'
               f"<tr><th>{esc(_('State'))}</th><th>{esc(_('What'))}</th><th>{esc(_('Evidence'))}</th></tr>")
    host = _("(host)")
    for reg in att["regressions"]:
        waived = reg.get("waived")
        state = state_word("waived") if waived else _("REGRESSION")
        note = ("<br>" + esc(_("waived by {by} until {until}: {reason}").format(
            by=waived["by"], until=waived["until"], reason=waived["reason"])) if waived else "")
        out.append(f'<tr><td class="st-{"waived" if waived else "fail"}"><b>{esc(state)}</b></td>'
                   f"<td>{esc(reg['dependency'] or host)} {esc(reg['check'])} {esc(reg.get('target'))}</td>"
                   f"<td>{'<br>'.join(esc(say(f)) for f in reg['findings'])}{note}</td></tr>")
    for item in att["blockers"]:
        out.append(f'<tr><td class="st-{item["state"]}"><b>{esc(state_word(item["state"]))}</b></td>'
                   f'<td><span class="id">{esc(item["id"])}</span><br>{esc(say(item["title"]))}</td>'
                   f"<td>{esc(say(item['evidence'])) or esc(_('not marked yet'))}</td></tr>")
    out.append("</table>")
    return out


def waivers(report: dict) -> list[str]:
    if not report["waivers"]:
        return ["<h2>" + esc(_("Waivers")) + "</h2><p>" + esc(_("None.")) + "</p>"]
    heads = (_("Waiver"), _("Covers"), _("By"), _("Why"), _("Until"), _("Status"))
    out = ["<h2>" + esc(_("Waivers")) + '</h2><table class="grid" width="100%" cellspacing="0" cellpadding="3">'
           "<tr>" + "".join(f"<th>{esc(h)}</th>" for h in heads) + "</tr>"]
    for w in report["waivers"]:
        applies = esc(_("applies to {n} item(s)").format(n=len(w["applies_to"])))
        applies = f'<br><span class="muted">{applies}</span>' if w["applies_to"] else ""
        out.append(f"<tr><td>{esc(w['id'])}</td><td>{esc(label('scope', w['scope']))} {esc(w['target'])}{applies}</td>"
                   f"<td>{esc(w['by'])}</td><td>{esc(w['reason'])}</td><td>{esc(w['until'])}</td>"
                   f"<td><b>{esc(waiver_word(w['status']))}</b></td></tr>")
    out.append("</table>")
    return out


def signoff(report: dict, digest: str, say=lambda v: v) -> list[str]:
    section = report.get("signoff") or {"required_roles": [], "entries": [], "awaiting": [], "notes": []}
    heads = (_("Role"), _("Name"), _("Decision"), _("Signed at (UTC)"), _("Comment"), _("Signature"))
    out = ["<h2>" + esc(_("Sign-off")) + '</h2><table class="grid" width="100%" cellspacing="0" cellpadding="3">'
           "<tr>" + "".join(f"<th>{esc(h)}</th>" for h in heads) + "</tr>"]
    for e in section["entries"]:
        text = esc(signature_text(e))
        sig = text if e.get("status") == "valid" else f'<b class="warn">{text}</b>'
        out.append(f"<tr><td>{esc(e.get('role'))}</td><td>{esc(e.get('name'))}</td>"
                   f"<td><b>{esc(decision_word(e.get('decision')))}</b></td><td class=\"nowrap\">{esc(when_text(e.get('signed_at')))}</td>"
                   f"<td>{esc(e.get('comment'))}</td><td>{sig}</td></tr>")
    for role in section["awaiting"]:
        out.append(f'<tr><td>{esc(role)}</td><td colspan="5"><b class="warn">{esc(_("AWAITING SIGN-OFF"))}</b>'
                   "</td></tr>")
    out.append("</table>")
    out += [f'<p class="warn">{esc(say(n))}</p>' for n in section.get("notes", [])]
    out.append("<p>" + _("Signers sign the SHA-256 of the report content: {digest}<br>"
                         "How to verify: {command} (the JSON format of this report).").format(
        digest=f'<span class="mono">{digest}</span>', command=f"<code>{VERIFY}</code>") + "</p>")
    return out


def general_items(report: dict, say=lambda v: v) -> list[str]:
    out = []
    for group in report["general_items"]:
        heading = _("Checklist: {phase}").format(phase=label("phase", group["phase"]))
        out.append(f"<h3>{esc(heading)}</h3>" + items_table(group["items"], say=say))
    return ['<h2 class="break">' + esc(_("Checklist (migration-wide)")) + "</h2>"] + out if out else []


def service_section(service: dict, index: int, say=lambda v: v, report: dict | None = None,
                    variant: str = "browser") -> list[str]:
    notes = notes_html(service["notes"]) if service.get("notes") else ""
    n = len(service["dependencies"])
    out = [f'<div class="service" id="svc-{index}" style="page-break-before: always">',
           "<h2>" + esc(_("Service {name}").format(name=service["name"])) + "</h2>",
           "<p>" + esc(_("Owner {owner} · criticality {criticality} · {n} dependencies").format(
               owner=service["owner"], criticality=service["criticality"], n=n)) + f"</p>{notes}"]
    out += [dependency_block(dep, say, path_block(dep, report, variant, f"{index}.{j}") if report else "",
                             pdf=variant == "qt")
            for j, dep in enumerate(service["dependencies"])]
    out.append("</div>")
    return out
