"""The HTML report's first page (the summary a change board reads), its event-log appendix and
the path diagrams placed in each dependency.

Page 1 holds, in this order: the change (ticket, window, rollback owner and
trigger), the verdict with one line per root cause, the sign-offs, the scope
and the runs (summary.py derives the fields).  No ids: they are in the
detail sections that follow on the next pages.
"""
from __future__ import annotations

from typing import Callable

from .summary import causes_of
from ..inventory.zones import word as zone_word
from ..text.i18n import N_, _, shown
from ..text.labels import label
from .html_parts import esc
from .paths import has_network_evidence, layout, path_of, svg
from .summary import summary_entry
from .signoff import signature_text
from .text import decision_word, duration_text, when_text

CAUSE_WORDS = {"fail": N_("FAILED"), "pending": N_("PENDING"), "waived": N_("WAIVED")}
_GRID = '<table class="grid" width="100%" cellspacing="0" cellpadding="3">'
# a path diagram in the PDF: QTextDocument cannot draw SVG, so the qt variant leaves this marker,
# which gui/report_pdf.py replaces with a vector drawing of the same layout
PDF_MARKER = "\u2063PATH:{key}\u2063"


SUMMARY_CAUSES = 10  # root causes named on page 1; a 10,000-item review has thousands (the details list all)


def more_causes(n: int) -> str:
    """The line after the first SUMMARY_CAUSES root causes on page 1: at 10,000 items, every cause there
    made "page 1" seventeen pages long, the sign-offs on the last of them."""
    return _("…and {n} more root causes, each listed in the details that follow").format(n=n)


def _nowrap(text: str) -> str:
    return f'<span class="nowrap">{text}</span>'


def who_ran_text(by: dict) -> str:
    """"attested by NAME (ROLE)", or "unattested, ran by USER on MACHINE" as the run recorded it."""
    if by.get("attested"):
        return _("attested by {name} ({role})").format(name=by.get("name"), role=by.get("role"))
    if by.get("state") == "invalid":
        return _("attestation does not hold")
    if by.get("user") or by.get("machine"):
        return _("unattested; started by {user} on {machine}").format(user=by.get("user") or "?",
                                                                     machine=by.get("machine") or "?")
    return _("unattested; who started it was not recorded")


def change_rows(change: dict) -> list[tuple[str, str]]:
    unset = '<span class="warn">' + esc(_("not set in the inventory (change:)")) + "</span>"
    window = ""
    if change.get("window_start") or change.get("window_end"):
        window = _nowrap(esc(change.get("window_start") or "?")) + " → " + _nowrap(esc(change.get("window_end") or "?"))
    return [(_("Change ticket"), f'<b>{esc(change["ticket"])}</b>' if change.get("ticket") else unset),
            (_("Change window"), window or unset),
            (_("Rollback owner"), esc(change.get("rollback_owner")) or unset),
            (_("Rollback trigger"), esc(change.get("rollback_trigger")) or unset)]


def summary_page(report: dict, say: Callable = lambda v: v) -> list[str]:
    """The summary page's sections (after the verdict banner), ids left to the details."""
    s = summary_entry(report)
    out = ["<h2>" + esc(_("Summary")) + "</h2>",
           '<table class="kv" cellspacing="0" cellpadding="3">'
           + "".join(f"<tr><th>{esc(k)}</th><td>{v}</td></tr>" for k, v in change_rows(s["change"])) + "</table>"]
    from ..review.root_causes import signoff_gate, tally_text
    causes = causes_of(report)
    gate = signoff_gate(report)
    out.append("<h3>" + esc(_("Verdict: {verdict}, {tally}").format(
        verdict=label("verdict", s["verdict"]), tally=tally_text(causes))) + "</h3>")
    lines = [f'<li class="st-{c.state}"><b>[{esc(_(CAUSE_WORDS.get(c.state, c.state)))}]</b> {esc(say(c.headline))}'
             "</li>" for c in causes[:SUMMARY_CAUSES]]
    if len(causes) > SUMMARY_CAUSES:
        lines.append("<li>" + esc(more_causes(len(causes) - SUMMARY_CAUSES)) + "</li>")
    if gate:
        lines.append(f'<li class="st-pending"><b>{esc(gate)}</b></li>')
    out.append('<ol class="causes">' + "".join(lines) + "</ol>" if lines else
               "<p>" + esc(_("No root cause: every blocker passed or is waived.")) + "</p>")
    out.append("<h3>" + esc(_("Sign-offs")) + "</h3>" + _GRID + "<tr>" + "".join(
        f"<th>{esc(h)}</th>" for h in (_("Role"), _("Name"), _("Decision"), _("Signed at (UTC)"), _("Verified")))
        + "</tr>")
    for e in (report.get("signoff") or {}).get("entries") or ():
        verified = esc(_("verified")) if e.get("status") == "valid" else f'<b class="warn">{esc(signature_text(e))}</b>'
        out.append(f"<tr><td>{esc(e.get('role'))}</td><td>{esc(e.get('name'))}</td>"
                   f"<td><b>{esc(decision_word(e.get('decision')))}</b></td>"
                   f"<td class=\"nowrap\">{esc(when_text(e.get('signed_at')))}</td><td>{verified}</td></tr>")
    signed = {e.get("role") for e in (report.get("signoff") or {}).get("entries") or ()}
    for role in s["awaiting"]:  # a role whose signature does not count (yet) is still awaited: say why
        word = _("AWAITING A VERIFIED SIGN-OFF") if role in signed else _("AWAITING SIGN-OFF")
        out.append(f'<tr><td>{esc(role)}</td><td colspan="4"><b class="warn">{esc(word)}</b></td></tr>')
    out.append("</table>")
    scope = s["scope"]
    zones = ", ".join(f"{z['name']} ({shown(zone_word(z['kind'])) if z.get('kind') else '?'})"
                      for z in scope["zones"]) or _("none declared")
    rows = [(_("Move"), esc(f"{scope['from']} → {scope['to']}")
             + (" · " + esc(_("cutover {cutover}").format(cutover=scope["cutover"])) if scope.get("cutover") else "")),
            (_("Services"), esc(f"{len(scope['services'])}: " + ", ".join(scope["services"]))),
            (_("Dependencies"), esc(_("{n} ({targets} targets)").format(n=scope["dependencies"],
                                                                       targets=scope["targets"]))),
            (_("Staging hosts"), esc(", ".join(scope["staging_hosts"]) or "-")),
            (_("Zones"), esc(zones))]
    out.append("<h3>" + esc(_("Scope")) + '</h3><table class="kv" cellspacing="0" cellpadding="3">'
               + "".join(f"<tr><th>{esc(k)}</th><td>{v}</td></tr>" for k, v in rows) + "</table>")
    out.append("<h3>" + esc(_("Evidence runs")) + "</h3>" + _GRID + "<tr>" + "".join(
        f"<th>{esc(h)}</th>" for h in (_("Phase"), _("Started (UTC)"), _("Took"), _("From"), _("Who ran it"),
                                       _("Results"))) + "</tr>")
    for run in s["runs"]:
        host = esc(run["host"]) + (f" ({esc(run['hostname'])})" if run.get("hostname") else "")
        state = "" if run["complete"] else f' <b class="warn">{esc(_("INCOMPLETE"))}</b>'
        used = f' <span class="muted">{esc(_("(compared)"))}</span>' if run["compared"] else ""
        out.append(f"<tr><td>{esc(label('phase', run['phase']))}{used}</td>"
                   f"<td class=\"nowrap\">{esc(when_text(run['started']))}</td>"
                   f"<td class=\"nowrap\">{esc(duration_text(run.get('duration_s')))}{state}</td><td>{host}</td>"
                   f"<td>{esc(who_ran_text(run['by']))}</td><td>{esc(run.get('results'))}</td></tr>")
    if not s["runs"]:
        out.append('<tr><td colspan="6">' + esc(_("no probe run yet")) + "</td></tr>")
    out.append("</table>")
    return out


EVENT_WORDS = {"inventory-recorded": N_("inventory {path} recorded (digest {digest})"),
               "probe-run-started": N_("run {run} started ({phase}, {host})"),
               "probe-run-finished": N_("run {run} finished: {results} results{incomplete}"),
               "mark": N_("marked {item} {state}: {note}"),
               "waive": N_("waiver {waiver} for {target} until {until}: {reason}"),
               "signoff": N_("signed off as {role}: {decision} (content {digest}…)"),
               "run-attested": N_("attested run {run} as {role}"),
               "discovery-recorded": N_("discovery {discovery} recorded")}


def event_text(event: dict, say: Callable = lambda v: v) -> str:
    template = EVENT_WORDS.get(event.get("action"))
    if template is None:
        return str(event.get("action"))
    values = {k: say(v) if isinstance(v, str) else v for k, v in event.items()}
    if event.get("action") == "probe-run-finished":
        values["incomplete"] = "" if event.get("complete") else _(" (INCOMPLETE)")
    if event.get("action") == "mark":
        values["state"] = label("state", event.get("state")) if event.get("state") else "?"
    if event.get("action") == "signoff":
        values["decision"] = decision_word(event.get("decision"))
    if event.get("action") == "probe-run-started":
        values["phase"] = label("phase", event.get("phase")) if event.get("phase") else "?"

    class _Blank(dict):
        def __missing__(self, key):
            return "?"
    return _(template).format_map(_Blank(values))


def event_log(report: dict, say: Callable = lambda v: v) -> list[str]:
    """The appendix: every run, mark, waiver, attestation and sign-off, with its time and who."""
    events = report.get("events") or []
    out = ['<h2 class="break">' + esc(_("Appendix: event log")) + "</h2>",
           '<p class="muted">' + esc(_("From the workspace's hash-chained log, oldest first. The marks, waivers, "
                                       "runs and attestations it lists are also in the signed content above.")) + "</p>"]
    if not events:
        return out + ["<p>" + esc(_("No event recorded yet.")) + "</p>"]
    out.append(_GRID + '<tr><th width="4%">#</th><th width="17%">' + esc(_("When (UTC)")) + '</th><th width="16%">'
               + esc(_("Who")) + "</th><th>" + esc(_("What")) + "</th></tr>")
    for i, e in enumerate(events):
        td = '<td class="alt">' if i % 2 else "<td>"
        out.append(f"<tr>{td}{esc(e.get('seq'))}</td>{td[:-1]} style=\"white-space: nowrap\">{esc(when_text(e.get('at')))}</td>"
                   f"{td}{esc(e.get('by'))}</td>{td}{esc(event_text(e, say))}</td></tr>")
    out.append("</table>")
    return out


def path_block(dep: dict, report: dict, variant: str, key: str) -> str:
    """The dependency's path diagram: inline SVG in a browser, a marker the PDF replaces with the same drawing."""
    if variant == "qt":  # the PDF builds and draws the model itself (gui/report_pdf.py)
        return f'<p class="path">{PDF_MARKER.format(key=key)}</p>' if has_network_evidence(dep) else ""
    model = path_of(dep, report.get("migration") or {}, report.get("runs") or [], report.get("comparison"))
    if model is None:
        return ""
    return f'<div class="path">{svg(layout(model))}</div>'
