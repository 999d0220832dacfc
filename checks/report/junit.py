"""The JUnit XML report: so CI systems (GitLab, Jenkins, GitHub checks) show the review.

Suite "checklist": one test case per checklist item, classname = phase;
fail -> <failure>, pending / n/a / waived -> <skipped> with the reason (a
waiver says by whom and until when).  Suite "regressions": one case per
pre/post regression, because a regression blocks even where no item covers
it.  Suite "verdict": one case that fails unless the report is GO or GO WITH
WAIVERS after sign-off, so a pipeline's test summary can never look green on
a NO-GO.  Built with xml.etree; characters XML 1.0 forbids are dropped.

Language: suite, class and case names, types and the verdict id in a
failure's message stay neutral (a CI keeps a test's history by its name, and
a pipeline may grep "NO-GO"); the messages and texts a person reads are in
the reader's language (`_()`, and `words(report)` for the content's sentences).
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from .summary import causes_of
from .model import content_digest
from .signoff import final_verdict
from ..text.i18n import _
from ..text.labels import label
from .summary import summary_entry
from .text import clean, words


def render(report: dict) -> bytes:
    final = final_verdict(report)
    digest = content_digest(report)
    generated = (report.get("generated") or {}).get("at", "")
    root = ET.Element("testsuites", name=clean(f"migready: {report['migration']['name']}"))
    suites = [checklist_suite(report), regression_suite(report), verdict_suite(final, report)]
    shared = [("verdict", final["verdict"]), ("evidence_verdict", report["verdict"]["verdict"]),
              ("digest", digest), ("inventory_digest", report["inventory"]["digest"])]
    summary = summary_properties(report)  # the summary page's fields, once: on the verdict's suite
    for suite in suites:
        suite.set("timestamp", clean(generated))
        props = ET.Element("properties")
        for name, value in shared + (summary if suite.get("name") == "verdict" else []):
            ET.SubElement(props, "property", name=name, value=clean(value))
        suite.insert(0, props)
        root.append(suite)
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, str(sum(int(s.get(key)) for s in suites)))
    root.set("time", _seconds(sum(float(s.get("time")) for s in suites)))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def summary_properties(report: dict) -> list[tuple[str, object]]:
    """The summary page's fields (summary.py) as properties, so a CI page shows the same first page:
    the change, the root causes, the sign-offs and the runs (who, when, how long)."""
    s = summary_entry(report)
    say = words(report)
    out = [(f"change.{k}", v) for k, v in s["change"].items() if v]
    out += [(f"root_cause.{n}", f"[{c['state']}] {say(c['headline'])}") for n, c in enumerate(s["root_causes"], 1)]
    if s["awaiting"]:
        out.append(("signoff.awaiting", ", ".join(s["awaiting"])))
    out += [(f"signoff.{n}", f"{e['role']}: {e['name']} {e['decision']} at {e['signed_at']} "
                             f"({'verified' if e['verified'] else e['status']})")
            for n, e in enumerate(s["signoffs"], 1)]
    for run in s["runs"]:
        by = run["by"]
        who = (f"attested by {by['name']} ({by['role']})" if by["attested"] else
               f"unattested, started by {by.get('user') or '?'} on {by.get('machine') or '?'}")
        took = f"{run['duration_s']:.3f} s" if isinstance(run.get("duration_s"), (int, float)) else "?"
        out.append((f"run.{run['id']}", f"{run['phase']} from {run['host']} at {run['started']}, took {took}, {who}"))
    return out


def _seconds(value: float) -> str:
    return f"{value:.6f}"  # a loopback probe takes well under a millisecond


# requirement -> the probe checks whose latency is the time spent proving it
REQUIREMENT_CHECKS = {"reachable": ("udp_exchange", "tcp_connect", "http"), "within_timeout": (),
                      "source_port_preserved": ("reflect",), "no_nat": (), "internal_route": ("route",),
                      "private_dns": ("dns",), "reverse_reachable": ("callback",)}


def _latency_s(entries: list[dict], checks: tuple[str, ...]) -> float:
    """Seconds the probes of these checks took, before and after the move (their recorded latencies)."""
    total = 0.0
    for e in entries:
        if e.get("check") not in checks:
            continue
        for side in (e.get("pre"), e.get("post")):
            value = (side or {}).get("latency_ms")
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                total += value / 1000
    return total


def _suite(name: str, cases: list[ET.Element]) -> ET.Element:
    suite = ET.Element("testsuite", name=name)
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
    suite.set("errors", "0")
    suite.set("skipped", str(sum(1 for c in cases if c.find("skipped") is not None)))
    suite.set("time", _seconds(sum(float(c.get("time")) for c in cases)))
    suite.extend(cases)
    return suite


def _case(classname: str, name: str, seconds: float = 0.0) -> ET.Element:
    return ET.Element("testcase", classname=clean(classname), name=clean(name), time=_seconds(seconds))


def checklist_suite(report: dict) -> ET.Element:
    """A requirement's case takes the time its probes took (pre and post latencies); a run's item
    the run's duration; flags and manual steps take none."""
    say = words(report)
    runs = {r.get("id"): r for r in report.get("runs") or ()}
    compared = report.get("comparison") or {}
    run_items = {"run.pre": compared.get("pre_run"), "run.post": compared.get("post_run")}
    cases = []
    for group in report["general_items"]:
        for i in group["items"]:
            run = runs.get(run_items.get(i["id"])) or {}
            cases.append(item_case(i, say, run.get("duration_s") or 0.0))
    for service in report["services"]:
        for dep in service["dependencies"]:
            for i in dep["items"]:
                checks = REQUIREMENT_CHECKS.get(i.get("requirement") or "", ()) if i.get("source") == "requirement" \
                    else ()
                cases.append(item_case(i, say, _latency_s(dep.get("evidence") or [], checks)))
    return _suite("checklist", cases)


def item_case(item: dict, say=lambda v: v, seconds: float = 0.0) -> ET.Element:
    case = _case(item["phase"], f"{item['id']}: {item['title']}", seconds)
    state, evidence = item["state"], clean(say(item["evidence"]))
    if state == "fail":
        failure = ET.SubElement(case, "failure", message=evidence or _("failed"),
                                type="blocker" if item["blocker"] else "non-blocking")
        pre, cleared = clean(say(item.get("pre_evidence"))), clean(say(item["cleared_by"]))
        failure.text = "\n".join(filter(None, [evidence, pre and _("before: {evidence}").format(evidence=pre),
                                               cleared and _("cleared by: {what}").format(what=cleared)]))
    elif state == "waived":
        w = item.get("waiver") or {}
        was = (_(" (was {state}: {evidence})").format(state=label("state", item["base_state"]),
                                                        evidence=say(item["evidence"]))
               if item["evidence"] else _(" (was {state})").format(state=label("state", item["base_state"])))
        ET.SubElement(case, "skipped", message=clean(_("waived by {by} until {until}: {reason}").format(
            by=w.get("by"), until=w.get("until"), reason=w.get("reason")) + was))
    elif state == "pending":
        ET.SubElement(case, "skipped", message=clean(_("pending: {evidence}").format(
            evidence=say(item["evidence"]) or _("not marked yet"))))
    elif state == "na":
        ET.SubElement(case, "skipped", message=clean(_("not applicable: {evidence}").format(
            evidence=say(item["evidence"]))))
    elif evidence:
        ET.SubElement(case, "system-out").text = evidence
    return case


def regression_suite(report: dict) -> ET.Element:
    cases = []
    say = words(report)
    evidence = {d["ref"]: d.get("evidence") or [] for s in report["services"] for d in s["dependencies"]}
    for reg in report["attention"]["regressions"]:
        probes = [e for e in evidence.get(reg["dependency"], []) if e.get("target") == reg.get("target")]
        case = _case(f"regression.{reg['check']}", f"{reg['dependency'] or '(host)'} {reg['check']} "
                                                   f"{reg.get('target') or ''}".strip(),
                     _latency_s(probes, (reg["check"],)))
        text = clean("; ".join(say(f) for f in reg["findings"]))
        w = reg.get("waived")
        if w:
            ET.SubElement(case, "skipped", message=clean(_("waived by {by} until {until}: {reason}").format(
                by=w["by"], until=w["until"], reason=w["reason"]) + f" ({text})"))
        else:
            ET.SubElement(case, "failure", message=text, type="regression").text = text
        cases.append(case)
    return _suite("regressions", cases)


def verdict_suite(final: dict, report: dict | None = None) -> ET.Element:
    from ..review.root_causes import lines as cause_lines, signoff_gate
    case = _case("verdict", f"go/no-go: {final['verdict']}")
    causes = causes_of(report) if report is not None else []
    gate = [signoff_gate(report)] if report is not None and signoff_gate(report) else []
    say = words(report) if report is not None else (lambda v: v)
    reasons = "\n".join(clean(say(r)) for r in (gate + cause_lines(causes, 99) if causes else final["reasons"]))
    if final["verdict"] == "NO-GO":
        ET.SubElement(case, "failure", message="NO-GO", type="verdict").text = reasons
    else:
        ET.SubElement(case, "system-out").text = reasons
    return _suite("verdict", [case])
