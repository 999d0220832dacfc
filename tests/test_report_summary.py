"""The report a change advisory board accepts (issue 25): a summary page first, each path drawn
pre vs post, and time (who did what, when, how long).

The demo's report is made from a real loopback demo (its simulators and its NAT relay); the
other checks use the synthesised NO-GO workspace of tests/report_data.py (source port 9010
rewritten to 41733), which also holds a mark, a waiver and a stale sign-off.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
import xml.etree.ElementTree as ET

import pytest

from migready.checks.report import content_digest, render
from migready.checks.store.workspace import Workspace
from migready.checks.review.checklist import build_checklist
from migready.checks.review.verdict import mark
from migready.checks.inventory.load import load_inventory
from report_data import PRINTER, SCALE, TODAY, make_workspace, open_report


@pytest.fixture
def ws_path(tmp_path):
    return make_workspace(tmp_path)


@pytest.fixture
def speak():
    """set_language for one test; the language before it is restored afterwards."""
    from migready.checks.text.i18n import language, set_language
    before = language()
    yield set_language
    set_language(before)


def _body_text(html: str) -> str:
    body = html.split("<body>", 1)[1]
    body = re.sub(r"<svg.*?</svg>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def _svgs(html: str) -> list[str]:
    return re.findall(r"<svg.*?</svg>", html, flags=re.S)


def test_the_demo_report_opens_with_the_summary_and_draws_the_scale_path_with_both_ports(tmp_path):
    """The demo for real: page 1 is the summary with the change block; the scale's inline SVG path
    says port 9010 and the port the NAT relay rewrote it to, as the reflector saw it."""
    from migready.checks.demo.scenario import run_demo
    result = run_demo(tmp_path / "demo", say=lambda _text: None)
    ws = Workspace.load(result.workspace)
    post = [r for r in ws.runs if r["phase"] == "post"][-1]
    reflect = next(r for r in post["results"] if r["check"] == "reflect" and r["dependency"] == SCALE)
    rewritten = reflect["data"]["observed"]["port"]
    assert rewritten != 9010
    report = build(result.workspace)
    html = render(report, "html").decode()
    text = _body_text(html)
    first_heading = re.search(r"<h2>(.*?)</h2>", html).group(1)
    assert first_heading == "Summary"
    summary = text[:text.index("Why NO-GO")]
    for want in ("CHG-DEMO-0001", "2030-01-01T04:00:00+08:00", "2030-01-01T06:00:00+08:00",
                 "李伟 (store devices on-call)", "any scale answers ERR 266",
                 "source port 9010 rewritten by NAT", "AWAITING SIGN-OFF", "unattested; started by"):
        assert want in summary, want
    assert "flag:MR002" not in summary and "req:" not in summary  # ids go to the details
    svgs = _svgs(html)
    assert len(svgs) == 2  # the scale and the printer: both have network evidence
    scale = next(s for s in svgs if "demo-scale-deviceadapter/demo-scale," in s)
    assert "9010" in scale and str(rewritten) in scale
    assert f":9010 → :{rewritten}" in scale  # the rewritten hop, labelled as sent and as seen


def build(ws_path):
    ws = Workspace.load(ws_path)
    from migready.checks.report import build_report
    return build_report(load_inventory(ws.data["inventory"]["path"]), ws)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext not installed (Debian: poppler-utils)")
def test_pdf_page_one_holds_the_verdict_root_causes_signoffs_and_change_ticket(ws_path, tmp_path):
    pytest.importorskip("PySide6")
    path = tmp_path / "report.pdf"
    path.write_bytes(render(open_report(ws_path), "pdf"))
    page1 = unicodedata.normalize("NFKC", subprocess.run(  # NFKC: the "ff" ligature of Sign-offs
        ["pdftotext", "-layout", "-f", "1", "-l", "1", str(path), "-"], capture_output=True, text=True,
        check=True).stdout)
    for want in ("VERDICT: NO-GO", "CHG-DEMO-0001", "Rollback owner", "source port 9010 rewritten",
                 "[FAILED]", "Sign-offs", "store devices", "王芳", "awaiting sign-off: migration lead"):
        assert want in page1, want
    # the whole file reads in order: the summary, then the details, the services and the event log last
    whole = unicodedata.normalize("NFKC", subprocess.run(["pdftotext", "-layout", str(path), "-"],
                                                         capture_output=True, text=True, check=True).stdout)
    order = [whole.index(w) for w in ("Summary", "Why NO-GO", "Service demo-scale-deviceadapter",
                                      "Appendix: event log")]
    assert order == sorted(order)
    # a timestamp is never broken over two lines
    assert not re.search(r"\d{2}:\d{2}:\d{2}\s*\n\s*Z\b", whole)
    # the path diagram is drawn (vector text) in the PDF: both ports of the scale
    assert ":9010 → :41733" in whole


def test_junit_time_comes_from_the_probe_latencies_and_run_durations(ws_path):
    root = ET.fromstring(render(open_report(ws_path), "junit"))
    cases = {c.get("name").split(":", 1)[0] if c.get("name").startswith("run.") else c.get("name"): c
             for c in root.iter("testcase")}
    reachable = next(c for n, c in cases.items() if n.startswith(f"req:{SCALE}:reachable"))
    assert float(reachable.get("time")) == pytest.approx((1.115 + 1.115) / 1000, abs=1e-6)  # pre + post udp
    assert float(cases["run.pre"].get("time")) == pytest.approx(1.0)  # the run took a second
    assert float(root.get("time")) > 2.0
    verdict = next(s for s in root.iter("testsuite") if s.get("name") == "verdict")
    props = {p.get("name"): p.get("value") for p in verdict.iter("property")}
    assert props["change.ticket"] == "CHG-DEMO-0001" and props["root_cause.1"].startswith("[fail] ")
    assert "took 1.000 s" in props["run.run-1"]


def test_the_event_log_lists_every_mark_with_its_time_and_who(ws_path):
    ws = Workspace.load(ws_path)
    inventory = load_inventory(ws.data["inventory"]["path"])
    mark(ws, build_checklist(inventory, ws, TODAY), "cutover.registered-nodes", "na", "Zhang Min",
         "no registry in the demo")
    mark(ws, build_checklist(inventory, ws, TODAY), "prepare.rollback-plan", "fail", "Li Wei", "plan lost")
    ws.save()
    report = open_report(ws_path)
    marks = [e for e in ws.events if e["action"] == "mark"]
    assert len(marks) == 3  # report_data's, and the two above (one re-marks the same item)
    html, md = render(report, "html").decode(), render(report, "md").decode()
    appendix = _body_text(html).split("Appendix: event log", 1)[1]
    md_appendix = md.split("## Appendix: event log", 1)[1]
    for event in marks:
        when = event["at"][:10] + " " + event["at"][11:19] + "Z"
        line = f"{when} {event['by']} marked {event['details']['item']}"
        assert line in appendix, line
        assert f"| {when} | {event['by']} | marked {event['details']['item']}" in md_appendix.replace("\\", "")
    # and the checklist row says when the item was marked, beside who
    last = marks[-1]
    assert f"marked by Li Wei at {last['at'][:10]} {last['at'][11:19]}Z" in _body_text(html)
    assert "waiver granted at " in _body_text(html)


def test_zh_cn_draws_the_paths_in_chinese_with_the_same_digest(ws_path, speak):
    speak("en")
    en = open_report(ws_path)
    en_svg = _svgs(render(en, "html").decode())
    speak("zh_CN")
    zh = open_report(ws_path)
    zh_html = render(zh, "html").decode()
    zh_svg = _svgs(zh_html)
    assert content_digest(en) == content_digest(zh) == zh["digest"]
    assert len(zh_svg) == len(en_svg) >= 1
    scale = next(s for s in zh_svg if SCALE in s)
    assert "迁移前" in scale and "迁移后" in scale and "NAT（已声明）" in scale
    assert "9010" in scale and "41733" in scale
    assert "Before (pre)" not in scale and "NAT (declared)" not in scale
    assert "变更单" in zh_html and "CHG-DEMO-0001" in zh_html
    # the JSON's summary and event log are not signed: the file's digest still recomputes
    back = json.loads(render(zh, "json"))
    assert back["summary"]["change"]["ticket"] == "CHG-DEMO-0001" and back["events"]
    assert content_digest(back) == back["digest"] == en["digest"]


def test_a_call_back_path_points_from_the_peer_to_the_staging_host():
    from migready.checks.report.paths import Arrow, layout, path_of
    dep = {"ref": "svc/workers", "direction": "inbound", "zone": "idc", "zone_kind": "internal", "port": 9999,
           "targets": ["198.18.0.9"], "evidence": [
               {"check": "callback", "target": "198.18.0.9",
                "pre": {"status": "pass", "latency_ms": 3.0}, "post": {"status": "fail", "detail": "refused"}}]}
    model = path_of(dep, {"source": {"site": "old"}, "target": {"site": "new"}}, [], {})
    arrows = [i for i in layout(model).items if isinstance(i, Arrow)]
    assert arrows and all(a.x1 > a.x2 for a in arrows)  # right (peer) to left (staging host)
    outbound = path_of(dict(dep, direction="outbound", evidence=[dict(dep["evidence"][0], check="tcp_connect")]),
                       {"source": {"site": "old"}, "target": {"site": "new"}}, [], {})
    assert all(a.x1 < a.x2 for a in layout(outbound).items if isinstance(a, Arrow))


def _plot(drawing):
    from migready.checks.report.paths import Arrow, Box, Text
    bars = [i for i in drawing.items if isinstance(i, Box) and i.h < 10 and i.fill != "#eeeeee"]
    ticks = [i for i in drawing.items if isinstance(i, Arrow) and not i.head]
    return bars, ticks, [i for i in drawing.items if isinstance(i, Text)]


def test_latency_pre_vs_post_is_plotted_on_one_scale_against_the_timeout_budget(ws_path, speak):
    """The printer answered in 0.1 ms before the move and 48.5 ms after; its budget is 1000 ms.  The
    plot beside its path says so with bars on one scale, and the HTML's SVG and the PDF's vectors
    are that same drawing; in Chinese its words are Chinese."""
    from migready.checks.report.paths import layout, paths_of
    speak("en")
    report = open_report(ws_path)
    printer = paths_of(report)[PRINTER]
    assert [leg.latency_ms for leg in printer.legs] == [0.086, 48.5] and printer.timeout_ms == 1000
    bars, ticks, texts = _plot(layout(printer))
    assert len(bars) == 2 and bars[0].w < bars[1].w  # one scale: the longer wait, the longer bar
    assert bars[1].w / ticks[1].x1 == pytest.approx(48.5 / 1000)  # ... and the budget's tick on it
    words = [t.text for t in texts]
    assert "0.1 ms" in words and "48.5 ms" in words and "timeout 1000 ms" in words
    svg = next(s for s in _svgs(render(report, "html").decode()) if PRINTER in s)
    assert "48.5 ms" in svg and "timeout 1000 ms" in svg
    speak("zh_CN")
    zh = [t.text for t in _plot(layout(paths_of(open_report(ws_path))[PRINTER]))[2]]
    assert "超时 1000 ms" in zh and "timeout 1000 ms" not in zh


def test_a_latency_over_the_budget_is_drawn_red_and_a_missing_one_is_said():
    from migready.checks.report.paths import FAIL, layout, path_of
    dep = {"ref": "pay/api", "direction": "outbound", "zone": "idc", "zone_kind": "internal", "port": 443,
           "timeout_ms": 800, "targets": ["198.18.0.7"], "evidence": [
               {"check": "tcp_connect", "target": "198.18.0.7",
                "pre": {"status": "pass", "latency_ms": 120.0}, "post": {"status": "pass", "latency_ms": 950.0}}]}
    model = path_of(dep, {"source": {"site": "old"}, "target": {"site": "new"}}, [], {})
    bars, ticks, texts = _plot(layout(model))
    assert bars[0].fill != FAIL and bars[1].fill == FAIL and bars[1].w > ticks[1].x1 > bars[0].w
    over = next(t for t in texts if t.text == "950.0 ms")
    assert over.bold and over.colour == FAIL
    dep["evidence"][0]["pre"] = {"status": "fail", "detail": "refused"}
    texts = [t.text for t in _plot(layout(path_of(dep, {"source": {}, "target": {}}, [], {})))[2]]
    assert "not measured" in texts and "950.0 ms" in texts
    dep["evidence"][0]["post"] = {"status": "fail", "detail": "refused"}
    assert not _plot(layout(path_of(dep, {"source": {}, "target": {}}, [], {})))[0]  # nothing measured: no plot


def test_a_note_keeps_its_lines_and_a_long_one_is_cut_at_spaces_into_paragraphs():
    """A 2 MB note in one paragraph made the PDF quadratic (Qt lays out a paragraph in time growing
    with the square of its length); a browser ran a note's lines together."""
    from migready.checks.report.html_parts import PARAGRAPH, notes_html
    assert notes_html("firmware 4.2\nask the vendor <first>") == (
        '<p class="notes">firmware 4.2</p><p class="notes">ask the vendor &lt;first&gt;</p>')
    words = "price push to the scale " * 20_000
    paragraphs = re.findall(r'<p class="notes">(.*?)</p>', notes_html(words))
    assert len(paragraphs) > 200 and max(map(len, paragraphs)) <= PARAGRAPH
    assert " ".join(paragraphs).split() == words.split()  # nothing lost, no word cut


def test_a_role_whose_signature_does_not_count_is_awaited_for_a_verified_one(ws_path):
    """Page 1 listed "migration lead … unverified" and then "migration lead AWAITING SIGN-OFF",
    which reads as a contradiction to the board; the second line now says what is awaited."""
    from migready.checks.report.html_summary import summary_page
    report = open_report(ws_path)
    report["signoff"] = dict(report.get("signoff") or {}, awaiting=["migration lead", "store devices"], entries=[
        {"role": "migration lead", "name": "Li Wei", "decision": "approve", "signed_at": "2030-01-01T01:00:00Z",
         "status": "untrusted"}])
    page = "".join(summary_page(report))
    assert re.search(r"<td>migration lead</td><td[^>]*><b[^>]*>AWAITING A VERIFIED SIGN-OFF</b>", page)
    assert re.search(r"<td>store devices</td><td[^>]*><b[^>]*>AWAITING SIGN-OFF</b>", page)


def test_page_one_names_ten_root_causes_and_counts_the_rest(ws_path, monkeypatch):
    """At 10,000 items a review has thousands of root causes; page 1 listed every one, and the
    board's "page" was seventeen pages long with the sign-offs at its end.  It names the first
    ten and counts the rest, which the details list; Markdown says the same."""
    from migready.checks.report import html_summary, markdown
    from migready.checks.review.root_causes import RootCause
    report = open_report(ws_path)
    many = [RootCause(key=f"k{i}", state="fail", severity="blocker", headline=f"dep-{i}: refused",
                      items=[f"req:dep-{i}"]) for i in range(25)]
    for module in (html_summary, markdown):
        monkeypatch.setattr(module, "causes_of", lambda _report: many)
    page = "".join(html_summary.summary_page(report))
    assert "dep-9: refused" in page and "dep-10: refused" not in page
    assert "…and 15 more root causes, each listed in the details that follow" in page
    md = render(report, "md").decode()
    summary = md.split("## Root causes in detail")[0]
    assert "dep-9: refused" in summary and "dep-10: refused" not in summary and "…and 15 more root causes" in summary
    assert "dep-24: refused" in md  # the details list every one
