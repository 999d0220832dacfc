"""The Markdown report: for pasting into a change ticket (GitHub / GitLab / Jira Markdown).

Tables with every cell escaped (`|`, and the characters that would turn
untrusted inventory text into links, emphasis or HTML), newlines folded, so
the pasted ticket shows exactly the text of the workspace.
"""
from __future__ import annotations

import re

from ..text.i18n import _
from ..text.labels import label
from .model import content_digest
from .signoff import final_verdict, signature_text
from .text import (STATE_LABELS, attestation_text, change_word, changed_before, clean, decision_word, migration_line,
                   side_lines, state_word, verdict_word, waiver_word, words)

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#!])")
VERIFY = "migready verify REPORT.json --trust DIR"


def md(value) -> str:
    """Untrusted text, safe in a table cell or a list item."""
    return _SPECIAL.sub(r"\\\1", " ".join(clean(value).split()))


def code(value) -> str:
    text = " ".join(clean(value).split())
    # a `|` splits a table row even inside a code span (GFM): such text is escaped as plain text
    return f"`{text}`" if text and "`" not in text and "|" not in text else md(text)


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    """`header`: fixed words (escaped here); `rows`: cells already escaped."""
    out = ["| " + " | ".join(md(h) for h in header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
    return out + [""]


def render(report: dict) -> bytes:
    return "\n".join(render_lines(report)).encode("utf-8")


def render_lines(report: dict) -> list[str]:
    final = final_verdict(report)
    digest = content_digest(report)
    say = words(report)
    m = report["migration"]
    shown = verdict_word(final["verdict"])
    out = ["# " + md(_("migready report: {title}").format(title=f"{shown} · {clean(m['name'])}")), "",
           "**" + md(_("Verdict: {verdict}").format(verdict=shown)) + f"** · {md(migration_line(report))}", ""]
    if report["verdict"]["verdict"] != final["verdict"]:
        out += [md(_("Evidence alone: {verdict}; sign-off decides the rest.").format(
            verdict=verdict_word(report["verdict"]["verdict"]))), ""]
    from ..review.root_causes import from_report, lines as cause_lines, signoff_gate, tally_text
    causes = from_report(report)
    gate = signoff_gate(report)
    out += [f"**{md(say(tally_text(causes)))}**" + (f"; {md(say(gate))}" if gate else ""), ""]
    if causes:
        out += [f"    {md(say(line))}" if line.startswith(" ") else md(say(line)) for line in cause_lines(causes, 99)]
        out += [""]
    else:
        out += [f"- {md(say(r))}" for r in final["reasons"]] + [""]
    if report["verdict"]["warnings"]:
        out += [md(_("Warnings:")), ""] + [f"- {md(say(w))}" for w in report["verdict"]["warnings"]] + [""]
    counts = report["counts"]
    out += table([*(state_word(s) for s in STATE_LABELS), _("REGRESSIONS"), _("ITEMS")],
                 [[str(counts.get(s, 0)) for s in STATE_LABELS] + [str(counts["regressions"]), str(counts["items"])]])

    att = report["attention"]
    if att["regressions"] or att["blockers"]:
        out += ["## " + md(_("Blockers and regressions")), ""]
        host = _("(host)")
        rows = [[md(state_word("waived") if r.get("waived") else _("REGRESSION")),
                 md(f"{r['dependency'] or host} {r['check']} {r.get('target') or ''}"),
                 md("; ".join(say(f) for f in r["findings"]))] for r in att["regressions"]]
        rows += [[md(state_word(i["state"])), f"{code(i['id'])} {md(say(i['title']))}",
                  md(say(i["evidence"]) or _("not marked yet"))] for i in att["blockers"]]
        out += table([_("State"), _("What"), _("Evidence")], rows)

    out += ["## " + md(_("Waivers")), ""]
    out += table([_("Waiver"), _("Covers"), _("By"), _("Why"), _("Until"), _("Status")],
                 [[md(w["id"]), md(f"{label('scope', w['scope'])} {w['target']}"), md(w["by"]), md(w["reason"]), md(w["until"]),
                   md(waiver_word(w["status"]))] for w in report["waivers"]]) \
        if report["waivers"] else [md(_("None.")), ""]

    out += signoff_lines(report, digest, say)
    out += ["## " + md(_("Checklist")), ""]
    for group in report["general_items"]:
        out += [f"### {md(label('phase', group['phase']))}", ""] + items(group["items"], say)
    for service in report["services"]:
        out += ["### " + md(_("Service {name}").format(name=clean(service["name"]))), "",
                md(_("Owner {owner} · criticality {criticality}").format(
                    owner=clean(service["owner"]), criticality=clean(service["criticality"]))), ""]
        if service.get("notes"):
            out += [f"> {md(service['notes'])}", ""]
        for dep in service["dependencies"]:
            kind = label("kind", dep["kind"]) + (f" {label('device_type', dep['device_type'])}"
                                                 if dep.get("device_type") else "")
            facts = f"{kind} · {dep['protocol']}/{dep.get('port') or '-'}"
            notes = f" · {md(dep['notes'])}" if dep.get("notes") else ""
            out += [f"#### {md(dep['ref'])}", "", md(facts) + notes, ""]
            out += items(dep["items"], say)
            if dep["evidence"]:
                out += evidence(dep["evidence"], say)
    out += ["## " + md(_("Probe runs")), ""]
    out += table([_("Run"), _("Phase"), _("Host"), _("Started"), _("Finished"), _("Complete"), _("Agent"),
                  _("Attested")],
                 [[md(r["id"]), md(r["phase"]), md(r["host"]), md(r["started"]), md(r["finished"]),
                   md(_("yes")) if r["complete"] else md(_("NO: {error}").format(error=say(r.get("error")))),
                   md(r.get("agent_version")), md(attestation_text(r, say))]
                  for r in report["runs"]])
    inv, gen = report["inventory"], report.get("generated") or {}
    out += [_("Inventory {path} sha256 {digest}").format(path=md(inv["path"]), digest=code(inv["digest"])) +
            (md(_(" (changed since the workspace was started)")) if inv.get("changed") else ""), "",
            md(_("Generated {at} by migready {version}.").format(at=clean(gen.get("at")),
                                                                 version=clean(gen.get("migready")))), ""]
    return out


def signoff_lines(report: dict, digest: str, say=lambda v: v) -> list[str]:
    section = report.get("signoff") or {"entries": [], "awaiting": [], "notes": []}
    rows = []
    for e in section["entries"]:
        sig = signature_text(e)
        rows.append([md(e.get("role")), md(e.get("name")), md(decision_word(e.get("decision"))),
                     md(e.get("signed_at")), md(e.get("comment")), md(sig)])
    rows += [[md(role), "", md(_("AWAITING SIGN-OFF")), "", "", ""] for role in section["awaiting"]]
    out = ["## " + md(_("Sign-off")), ""] + table(
        [_("Role"), _("Name"), _("Decision"), _("Signed at"), _("Comment"), _("Signature")], rows)
    out += [f"- {md(say(n))}" for n in section.get("notes", [])]
    return out + [_("Content digest (SHA-256) {digest}. How to verify: {command} on the JSON report.").format(
        digest=code(digest), command=f"`{VERIFY}`"), ""]


def items(entries: list[dict], say=lambda v: v) -> list[str]:
    rows = []
    blocker, unmarked = _(" (blocker)"), _("not marked yet")
    waived = _("; waived by {by} until {until}: {reason}")
    for i in entries:
        evidence = say(i["evidence"]) or unmarked
        if i.get("waiver"):
            w = i["waiver"]
            evidence += waived.format(by=w["by"], until=w["until"], reason=w["reason"])
        rows.append([md(state_word(i["state"]) + (blocker if i["blocker"] else "")),
                     f"{code(i['id'])} {md(say(i['title']))}", md(evidence),
                     md(say(changed_before(i)))])
    return table([_("State"), _("Item"), _("Evidence"), _("Before the move (when different)")], rows) if rows else []


def evidence(entries: list[dict], say=lambda v: v) -> list[str]:
    rows = [[md(f"{e['check']} {e.get('target') or ''}"), md("; ".join(side_lines(e["pre"], say))),
             md("; ".join(side_lines(e["post"], say))),
             md(change_word("regression" if e["regression"] else e["classification"])
                + "".join(f"; {say(f['text'])}" for f in e["findings"]))] for e in entries]
    return table([_("Probe"), _("Before (pre)"), _("After (post)"), _("Change")], rows)
