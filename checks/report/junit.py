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

from .model import content_digest
from .signoff import final_verdict
from ..text.i18n import _
from ..text.labels import label
from .text import clean, words


def render(report: dict) -> bytes:
    final = final_verdict(report)
    digest = content_digest(report)
    generated = (report.get("generated") or {}).get("at", "")
    root = ET.Element("testsuites", name=clean(f"migready: {report['migration']['name']}"))
    suites = [checklist_suite(report), regression_suite(report), verdict_suite(final, report)]
    for suite in suites:
        suite.set("timestamp", clean(generated))
        props = ET.Element("properties")
        for name, value in (("verdict", final["verdict"]), ("evidence_verdict", report["verdict"]["verdict"]),
                            ("digest", digest), ("inventory_digest", report["inventory"]["digest"])):
            ET.SubElement(props, "property", name=name, value=clean(value))
        suite.insert(0, props)
        root.append(suite)
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, str(sum(int(s.get(key)) for s in suites)))
    root.set("time", "0")
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _suite(name: str, cases: list[ET.Element]) -> ET.Element:
    suite = ET.Element("testsuite", name=name)
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
    suite.set("errors", "0")
    suite.set("skipped", str(sum(1 for c in cases if c.find("skipped") is not None)))
    suite.set("time", "0")
    suite.extend(cases)
    return suite


def _case(classname: str, name: str) -> ET.Element:
    return ET.Element("testcase", classname=clean(classname), name=clean(name), time="0")


def checklist_suite(report: dict) -> ET.Element:
    items = [i for group in report["general_items"] for i in group["items"]]
    items += [i for s in report["services"] for d in s["dependencies"] for i in d["items"]]
    say = words(report)
    return _suite("checklist", [item_case(i, say) for i in items])


def item_case(item: dict, say=lambda v: v) -> ET.Element:
    case = _case(item["phase"], f"{item['id']}: {item['title']}")
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
    for reg in report["attention"]["regressions"]:
        case = _case(f"regression.{reg['check']}", f"{reg['dependency'] or '(host)'} {reg['check']} "
                                                   f"{reg.get('target') or ''}".strip())
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
    from ..review.root_causes import from_report, lines as cause_lines, signoff_gate
    case = _case("verdict", f"go/no-go: {final['verdict']}")
    causes = from_report(report) if report is not None else []
    gate = [signoff_gate(report)] if report is not None and signoff_gate(report) else []
    say = words(report) if report is not None else (lambda v: v)
    reasons = "\n".join(clean(say(r)) for r in (gate + cause_lines(causes, 99) if causes else final["reasons"]))
    if final["verdict"] == "NO-GO":
        ET.SubElement(case, "failure", message="NO-GO", type="verdict").text = reasons
    else:
        ET.SubElement(case, "system-out").text = reasons
    return _suite("verdict", [case])
