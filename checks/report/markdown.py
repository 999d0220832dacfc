"""The Markdown report: for pasting into a change ticket (GitHub / GitLab / Jira Markdown).

Tables with every cell escaped (`|`, and the characters that would turn
untrusted inventory text into links, emphasis or HTML), newlines folded, so
the pasted ticket shows exactly the text of the workspace.
"""
from __future__ import annotations

import re

from .summary import causes_of
from ..text.i18n import _
from ..text.labels import label
from .model import content_digest
from .signoff import final_verdict, signature_text
from .text import (STATE_LABELS, attestation_text, change_word, changed_before, clean, decision_word, duration_text,
                   latency_pair, migration_line, side_lines, state_word, verdict_word, waiver_word, when_text, words)

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
    from ..review.root_causes import signoff_gate, tally_text
    causes = causes_of(report)
    gate = signoff_gate(report)
    out += summary_lines(report, causes, gate, say)
    out += ["## " + md(_("Root causes in detail")), ""]
    out += [f"**{md(say(tally_text(causes)))}**" + (f"; {md(say(gate))}" if gate else ""), ""]
    if causes:
        out += cause_list(causes, say)
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
    out += event_lines(report, say)
    inv, gen = report["inventory"], report.get("generated") or {}
    out += [_("Inventory {path} sha256 {digest}").format(path=md(inv["path"]), digest=code(inv["digest"])) +
            (md(_(" (changed since the workspace was started)")) if inv.get("changed") else ""), "",
            md(_("Generated {at} by migready {version}.").format(at=clean(gen.get("at")),
                                                                 version=clean(gen.get("migready")))), ""]
    return out


def summary_lines(report: dict, causes: list, gate: str, say=lambda v: v) -> list[str]:
    """The summary page (summary.py), first: change, verdict by root cause, sign-offs, scope, runs; no ids."""
    from .html_summary import CAUSE_WORDS, SUMMARY_CAUSES, more_causes, who_ran_text
    from .summary import summary_entry
    from ..inventory.zones import word as zone_word
    from ..text.i18n import shown
    s = summary_entry(report)
    c = s["change"]
    unset = _("not set in the inventory (change:)")
    window = (f"{c['window_start'] or '?'} → {c['window_end'] or '?'}"
              if c.get("window_start") or c.get("window_end") else unset)
    out = ["## " + md(_("Summary")), ""]
    out += table([_("Change"), ""], [[md(_("Change ticket")), md(c.get("ticket") or unset)],
                                     [md(_("Change window")), md(window)],
                                     [md(_("Rollback owner")), md(c.get("rollback_owner") or unset)],
                                     [md(_("Rollback trigger")), md(c.get("rollback_trigger") or unset)]])
    out += ["### " + md(_("Verdict: {verdict}, {tally}").format(
        verdict=label("verdict", s["verdict"]), tally=tally_text_of(causes))), ""]
    shown_causes = causes[:SUMMARY_CAUSES]
    out += [f"{n}. **[{md(_(CAUSE_WORDS.get(k.state, k.state)))}]** {md(say(k.headline))}"
            for n, k in enumerate(shown_causes, 1)]
    if len(causes) > len(shown_causes):
        out += [f"{len(shown_causes) + 1}. {md(more_causes(len(causes) - len(shown_causes)))}"]
    out += [f"{min(len(causes), SUMMARY_CAUSES + 1) + 1}. **{md(gate)}**"] if gate else []
    out += ["", "### " + md(_("Sign-offs")), ""]
    rows = [[md(e["role"]), md(e["name"]), md(decision_word(e["decision"])), md(when_text(e["signed_at"])),
             md(_("verified") if e["verified"] else e["status"])] for e in s["signoffs"]]
    rows += [[md(role), "", md(_("AWAITING SIGN-OFF")), "", ""] for role in s["awaiting"]]
    out += table([_("Role"), _("Name"), _("Decision"), _("Signed at (UTC)"), _("Verified")], rows)
    scope = s["scope"]
    zones = ", ".join(f"{z['name']} ({shown(zone_word(z['kind'])) if z.get('kind') else '?'})"
                      for z in scope["zones"])
    out += ["### " + md(_("Scope")), ""]
    out += table([_("Scope"), ""], [
        [md(_("Move")), md(f"{scope['from']} → {scope['to']}")],
        [md(_("Services")), md(f"{len(scope['services'])}: " + ", ".join(scope["services"]))],
        [md(_("Dependencies")), md(_("{n} ({targets} targets)").format(n=scope["dependencies"],
                                                                      targets=scope["targets"]))],
        [md(_("Staging hosts")), md(", ".join(scope["staging_hosts"]) or "-")],
        [md(_("Zones")), md(zones or _("none declared"))]])
    out += ["### " + md(_("Evidence runs")), ""]
    out += table([_("Phase"), _("Started (UTC)"), _("Took"), _("From"), _("Who ran it"), _("Results")],
                 [[md(label("phase", r["phase"])), md(when_text(r["started"])), md(duration_text(r.get("duration_s"))),
                   md(f"{r['host']} ({r['hostname']})" if r.get("hostname") else r["host"]),
                   md(who_ran_text(r["by"])), md(r.get("results"))] for r in s["runs"]])
    return out


def tally_text_of(causes: list) -> str:
    from ..review.root_causes import tally_text
    return tally_text(causes)


def cause_list(causes: list, say=lambda v: v) -> list[str]:
    """Each root cause a numbered item, its evidence and what clears it as its own sub-items
    (indented lines under a list item would run together into one paragraph when rendered)."""
    from .html_summary import CAUSE_WORDS
    out = []
    for n, c in enumerate(causes, 1):
        out.append(f"{n}. **[{md(_(CAUSE_WORDS.get(c.state, c.state)))}] {md(say(c.headline))}**")
        out += [f"    - {md(say(e))}" for e in c.evidence]
        tail = []
        if c.rule:
            tail.append(_("rule {rule}").format(rule=say(c.rule)) if c.rule.startswith("MR") else say(c.rule))
        if c.waiver:
            tail.append(_("waived by {by} until {until}: {reason}").format(
                by=c.waiver.get("by"), until=c.waiver.get("until"), reason=c.waiver.get("reason")))
        elif c.cleared_by:
            tail.append(_("clears it: {what}").format(what=say(c.cleared_by)))
        if tail:
            out.append(f"    - {md('; '.join(tail))}")
        if c.items:
            out.append("    - " + ", ".join(code(i) for i in c.items))
    return out + [""]


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
    marked, granted = _(" (marked by {by} at {at})"), _(" (waiver granted at {at})")
    for i in entries:
        evidence = say(i["evidence"]) or unmarked
        if (i.get("mark") or {}).get("at"):
            evidence += marked.format(by=i["mark"].get("by"), at=when_text(i["mark"]["at"]))
        if i.get("waiver"):
            w = i["waiver"]
            evidence += waived.format(by=w["by"], until=w["until"], reason=w["reason"])
            if w.get("granted"):
                evidence += granted.format(at=when_text(w["granted"]))
        rows.append([md(state_word(i["state"]) + (blocker if i["blocker"] else "")),
                     f"{code(i['id'])} {md(say(i['title']))}", md(evidence),
                     md(say(changed_before(i)))])
    return table([_("State"), _("Item"), _("Evidence"), _("Before the move (when different)")], rows) if rows else []


def evidence(entries: list[dict], say=lambda v: v) -> list[str]:
    rows = [[md(f"{e['check']} {e.get('target') or ''}"), md("; ".join(side_lines(e["pre"], say))),
             md("; ".join(side_lines(e["post"], say))), md(latency_pair(e)),
             md(change_word("regression" if e["regression"] else e["classification"])
                + "".join(f"; {say(f['text'])}" for f in e["findings"]))] for e in entries]
    return table([_("Probe"), _("Before (pre)"), _("After (post)"), _("Latency pre → post"), _("Change")], rows)


def event_lines(report: dict, say=lambda v: v) -> list[str]:
    """The event-log appendix: every run, mark, waiver, attestation and sign-off with its time and who."""
    from .html_summary import event_text
    out = ["## " + md(_("Appendix: event log")), ""]
    events = report.get("events") or []
    if not events:
        return out + [md(_("No event recorded yet.")), ""]
    return out + table(["#", _("When (UTC)"), _("Who"), _("What")],
                       [[md(e.get("seq")), md(when_text(e.get("at"))), md(e.get("by")), md(event_text(e, say))]
                        for e in events])
