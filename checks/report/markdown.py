"""The Markdown report: for pasting into a change ticket (GitHub / GitLab / Jira Markdown).

Tables with every cell escaped (`|`, and the characters that would turn
untrusted inventory text into links, emphasis or HTML), newlines folded, so
the pasted ticket shows exactly the text of the workspace.
"""
from __future__ import annotations

import re

from .model import content_digest
from .signoff import final_verdict, signature_text
from .text import STATE_LABELS, attestation_text, changed_before, clean, migration_line, side_lines

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
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
    return out + [""]


def render(report: dict) -> bytes:
    return "\n".join(render_lines(report)).encode("utf-8")


def render_lines(report: dict) -> list[str]:
    final = final_verdict(report)
    digest = content_digest(report)
    m = report["migration"]
    out = [f"# migready report: {md(final['verdict'])} · {md(m['name'])}", "",
           f"**Verdict: {md(final['verdict'])}** · {md(migration_line(report))}", ""]
    if report["verdict"]["verdict"] != final["verdict"]:
        out += [f"Evidence alone: {md(report['verdict']['verdict'])}; sign-off decides the rest.", ""]
    from ..root_causes import from_report, lines as cause_lines, signoff_gate, tally_text
    causes = from_report(report)
    out += [f"**{md(tally_text(causes))}**" + (f"; {md(signoff_gate(report))}" if signoff_gate(report) else ""), ""]
    if causes:
        out += [f"    {md(line)}" if line.startswith(" ") else md(line) for line in cause_lines(causes, 99)] + [""]
    else:
        out += [f"- {md(r)}" for r in final["reasons"]] + [""]
    if report["verdict"]["warnings"]:
        out += ["Warnings:", ""] + [f"- {md(w)}" for w in report["verdict"]["warnings"]] + [""]
    counts = report["counts"]
    out += table([*STATE_LABELS.values(), "REGRESSIONS", "ITEMS"],
                 [[str(counts.get(s, 0)) for s in STATE_LABELS] + [str(counts["regressions"]), str(counts["items"])]])

    att = report["attention"]
    if att["regressions"] or att["blockers"]:
        out += ["## Blockers and regressions", ""]
        rows = [["WAIVED" if r.get("waived") else "REGRESSION",
                 md(f"{r['dependency'] or '(host)'} {r['check']} {r.get('target') or ''}"),
                 md("; ".join(r["findings"]))] for r in att["regressions"]]
        rows += [[STATE_LABELS[i["state"]], f"{code(i['id'])} {md(i['title'])}", md(i["evidence"] or "not marked yet")]
                 for i in att["blockers"]]
        out += table(["State", "What", "Evidence"], rows)

    out += ["## Waivers", ""]
    out += table(["Waiver", "Covers", "By", "Why", "Until", "Status"],
                 [[md(w["id"]), md(f"{w['scope']} {w['target']}"), md(w["by"]), md(w["reason"]), md(w["until"]),
                   md(str(w["status"]).upper())] for w in report["waivers"]]) if report["waivers"] else ["None.", ""]

    out += signoff_lines(report, digest)
    out += ["## Checklist", ""]
    for group in report["general_items"]:
        out += [f"### {md(group['phase'])}", ""] + items(group["items"])
    for service in report["services"]:
        out += [f"### Service {md(service['name'])}", "",
                f"Owner {md(service['owner'])} · criticality {md(service['criticality'])}", ""]
        if service.get("notes"):
            out += [f"> {md(service['notes'])}", ""]
        for dep in service["dependencies"]:
            facts = f"{dep['kind']} {dep.get('device_type') or ''} · {dep['protocol']}/{dep.get('port') or '-'}"
            notes = f" · {md(dep['notes'])}" if dep.get("notes") else ""
            out += [f"#### {md(dep['ref'])}", "", md(facts) + notes, ""]
            out += items(dep["items"])
            if dep["evidence"]:
                out += evidence(dep["evidence"])
    out += ["## Probe runs", ""]
    out += table(["Run", "Phase", "Host", "Started", "Finished", "Complete", "Agent", "Attested"],
                 [[md(r["id"]), md(r["phase"]), md(r["host"]), md(r["started"]), md(r["finished"]),
                   "yes" if r["complete"] else md(f"NO: {r.get('error')}"), md(r.get("agent_version")),
                   md(attestation_text(r))]
                  for r in report["runs"]])
    inv, gen = report["inventory"], report.get("generated") or {}
    out += [f"Inventory {md(inv['path'])} sha256 {code(inv['digest'])}" +
            (" (changed since the workspace was started)" if inv.get("changed") else ""), "",
            f"Generated {md(gen.get('at'))} by migready {md(gen.get('migready'))}.", ""]
    return out


def signoff_lines(report: dict, digest: str) -> list[str]:
    section = report.get("signoff") or {"entries": [], "awaiting": [], "notes": []}
    rows = []
    for e in section["entries"]:
        sig = signature_text(e)
        rows.append([md(e.get("role")), md(e.get("name")), md(str(e.get("decision")).upper()),
                     md(e.get("signed_at")), md(e.get("comment")), md(sig)])
    rows += [[md(role), "", "AWAITING SIGN-OFF", "", "", ""] for role in section["awaiting"]]
    out = ["## Sign-off", ""] + table(["Role", "Name", "Decision", "Signed at", "Comment", "Signature"], rows)
    out += [f"- {md(n)}" for n in section.get("notes", [])]
    return out + [f"Content digest (SHA-256) {code(digest)}. How to verify: `{VERIFY}` on the JSON report.", ""]


def items(entries: list[dict]) -> list[str]:
    rows = []
    for i in entries:
        evidence = i["evidence"] or "not marked yet"
        if i.get("waiver"):
            w = i["waiver"]
            evidence += f"; waived by {w['by']} until {w['until']}: {w['reason']}"
        rows.append([STATE_LABELS.get(i["state"], i["state"]) + (" (blocker)" if i["blocker"] else ""),
                     f"{code(i['id'])} {md(i['title'])}", md(evidence),
                     md(changed_before(i))])
    return table(["State", "Item", "Evidence", "Before the move (when different)"], rows) if rows else []


def evidence(entries: list[dict]) -> list[str]:
    rows = [[md(f"{e['check']} {e.get('target') or ''}"), md("; ".join(side_lines(e["pre"]))),
             md("; ".join(side_lines(e["post"]))),
             md(("REGRESSION" if e["regression"] else e["classification"].upper())
                + "".join(f"; {f['text']}" for f in e["findings"]))] for e in entries]
    return table(["Probe", "Before (pre)", "After (post)", "Change"], rows)
