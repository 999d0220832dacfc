"""The report in Chinese (issue 17): the words change with the reader, what is signed does not.

Built from the NO-GO workspace of tests/report_data.py.  The signed content
holds neutral English sentences (`Msg`), so the digest is the same in `en`
and `zh_CN`, a signature made over the English report verifies on the Chinese
one, and the report's unsigned `words` map lets a report read back from JSON
still speak Chinese.  The PDF test checks with `pdffonts` that a CJK font is
embedded (Debian poppler-utils, fonts-noto-cjk).
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
import xml.etree.ElementTree as ET

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from migready.checks.trust import signing
from migready.checks.text.i18n import Msg, language, set_language
from migready.checks.report import build_report, canonical_content, content_digest, render
from migready.checks.trust.verify import verify_report
from migready.checks.store.workspace import Workspace
from report_data import chained_sign, make_workspace, open_report, record_signoff

ENGLISH_HEADINGS = ("VERDICT:", "Summary", "Blockers and regressions", "Waivers", "Sign-off", "Probe runs",
                    "Checklist item", "Before (pre)", "After (post)", "Report digest", "Owner ", "targets: ")


@pytest.fixture
def speak():
    """set_language for one test; the language before it is restored afterwards."""
    before = language()
    yield set_language
    set_language(before)


@pytest.fixture
def ws_path(tmp_path):
    return make_workspace(tmp_path, hostile=True)


def both(ws_path, speak) -> tuple[dict, dict]:
    speak("en")
    en = open_report(ws_path)
    speak("zh_CN")
    return en, open_report(ws_path)


def test_the_same_workspace_gives_the_same_digest_in_english_and_chinese(ws_path, speak):
    en, zh = both(ws_path, speak)
    assert zh["words"]["lang"] == "zh_CN" and en["words"] == {"lang": "en", "text": {}}
    assert canonical_content(en) == canonical_content(zh)
    assert en["digest"] == zh["digest"] == content_digest(zh)
    # the Chinese words are there, but beside the content, not in it
    assert any("\u4e00" <= ch <= "\u9fff" for text in zh["words"]["text"].values() for ch in text)
    assert b"\xe5\xbe\x85\xe7\xad\xbe" not in canonical_content(zh)  # 待签 (awaiting sign-off) is not signed


def test_the_words_map_holds_what_translations_of_finds(ws_path, speak):
    """i18n.translations_of skips plain values by their exact type (it walks ~10^6 of them on a big
    report): it must still find every sentence a plain walk over the report finds."""
    from migready.checks.text.i18n import translations_of
    speak("zh_CN")
    report = open_report(ws_path)
    report["verdict"]["warnings"].append(Msg("awaiting sign-off: {role}", role="network"))
    report["extra"] = ({"x": [Msg("awaiting sign-off: {role}", role="store operations"), 3, None]},)
    expected, stack = {}, [report]
    while stack:  # the plain walk: every value, isinstance first
        v = stack.pop()
        if isinstance(v, Msg):
            if v.shown() != v:
                expected[str(v)] = v.shown()
        elif isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, (list, tuple)):
            stack.extend(v)
    found = translations_of(report)
    assert found == expected and len(found) >= 4
    assert found["awaiting sign-off: store operations"] == "待签字确认：store operations"


def test_a_sentence_signed_as_msg_hashes_as_its_english_and_reads_chinese_from_json(ws_path, speak):
    """A producer that says its sentence as a Msg (issue 17 converts them) changes nothing that is
    signed; the report's words map carries the Chinese even through JSON."""
    speak("zh_CN")
    report = open_report(ws_path)
    plain = content_digest(report)
    reason = Msg("awaiting sign-off: {role}", role="network")  # shown under Warnings
    report["verdict"]["warnings"].append(str(reason))
    as_str = content_digest(report)
    report["verdict"]["warnings"][-1] = reason
    assert content_digest(report) == as_str != plain
    from migready.checks.report.model import words_entry
    report["words"] = words_entry(report)
    assert report["words"]["text"][str(reason)] == "待签字确认：network"
    back = json.loads(render(report, "json"))
    assert type(back["verdict"]["warnings"][-1]) is str  # a Msg is a plain str once written
    assert "待签字确认：network" in render(back, "md").decode()


def test_chinese_html_and_markdown_have_chinese_headings_and_the_verdict(ws_path, speak):
    speak("zh_CN")
    report = open_report(ws_path)
    html = render(report, "html").decode()
    md = render(report, "md").decode()
    assert '<html lang="zh-CN">' in html
    assert "结论：不放行 (NO-GO)" in html and "<title>migready 报告：不放行 (NO-GO)" in html
    for heading in ("概要", "阻断项与退化", "豁免", "签字确认", "探测运行", "检查项", "迁移前（pre）", "报告摘要"):
        assert heading in html, heading
    assert "# migready 报告：不放行 (NO-GO)" in md and "**结论：不放行 (NO-GO)**" in md
    assert "## 阻断项与退化" in md and "| 状态 | 对象 | 证据 |" in md and "## 签字确认" in md
    visible = re.sub(r"<[^>]+>", " ", html.split("<body>", 1)[1])
    left = [h for h in ENGLISH_HEADINGS if h in visible or h in md]
    assert not left, f"English left in the zh_CN report: {left}"
    # the stale sign-off (made over other content) is explained in Chinese
    assert "的签字确认已过时" in html and "的签字确认已过时" in md
    # data stays as it is: the Chinese device name, the waiver's English reason, ids
    assert "蔬菜卖场秤-171号秤（演示）" in html and "store managers briefed by phone" in html
    assert "prepare.rollback-plan" in html
    assert "尚未标记" in html and "固定源端口 9010" in html and "本端 " in html  # the evidence tables' words


def test_a_go_reads_as_fang_xing(tmp_path, speak):
    """放行 for GO: the banner of a report whose evidence verdict is GO but sign-off is awaited."""
    speak("zh_CN")
    from migready.checks.report.text import verdict_word
    assert verdict_word("GO") == "放行 (GO)" and verdict_word("GO WITH WAIVERS") == "带豁免放行 (GO WITH WAIVERS)"
    speak("en")
    assert verdict_word("GO") == "GO"


def test_english_reports_keep_todays_words(ws_path, speak):
    speak("en")
    report = open_report(ws_path)
    html = render(report, "html").decode()
    md = render(report, "md").decode()
    assert '<html lang="en">' in html and "VERDICT: NO-GO" in html and "<h2>Summary</h2>" in html
    assert "**Verdict: NO-GO**" in md and "## Blockers and regressions" in md
    assert not [w for w in ("结论", "概要", "签字确认", "豁免", "尚未标记", "不放行") if w in html or w in md]


def test_a_report_read_back_from_json_speaks_the_language_it_was_built_in(ws_path, speak, tmp_path):
    speak("zh_CN")
    saved = tmp_path / "report.json"
    saved.write_bytes(render(open_report(ws_path), "json"))
    from migready.checks.report.wellformed import read_report
    back = read_report(saved)
    assert back["words"]["lang"] == "zh_CN"
    assert "王芳（store devices）的签字确认已过时" in render(back, "html").decode()
    assert "王芳（store devices）的签字确认已过时" in render(back, "md").decode()
    # read by someone speaking English: the map is for zh_CN, so the neutral English is shown
    speak("en")
    html = render(back, "html").decode()
    assert "sign-off by 王芳 (store devices) is stale" in html and "签字确认已过时" not in html


def test_the_words_map_is_not_signed(ws_path, speak):
    speak("zh_CN")
    report = open_report(ws_path)
    digest = content_digest(report)
    back = json.loads(render(report, "json"))
    assert "签字确认已过时" in render(back, "html").decode()
    back["words"]["text"] = {k: "other words" for k in back["words"]["text"]}
    assert content_digest(back) == digest == back["digest"]  # presentation: verify never reads it
    back["words"] = "not a map"  # a malformed map is ignored by the renderers: the neutral English shows
    html = render(back, "html").decode()
    assert "签字确认已过时" not in html and "sign-off by 王芳 (store devices) is stale" in html


def test_a_signature_over_the_english_report_verifies_on_the_chinese_one(ws_path, speak):
    speak("en")
    en = open_report(ws_path)
    signer = signing.Signer("李伟", "migration lead", Ed25519PrivateKey.generate())
    ws = Workspace.load(ws_path)
    entry = chained_sign(ws, signer, en["digest"], "approve", "rollback rehearsed")
    record_signoff(ws, entry)
    ws.save()
    speak("zh_CN")
    zh = open_report(ws_path)
    assert zh["digest"] == en["digest"]
    [shown] = [e for e in zh["signoff"]["entries"] if e["name"] == "李伟"]
    assert shown["status"] == "valid" and shown["current"]
    html = render(zh, "html").decode()
    assert "签名有效，签署的正是本内容" in html
    check = verify_report(json.loads(render(zh, "json")),
                          {entry["public_key"]: {"name": "李伟", "role": "migration lead"}})
    assert check.digest == en["digest"]
    assert any("李伟" in s for s in check.signed), check.problems
    assert not [p for p in check.problems if "李伟" in p], check.problems


def test_junit_in_chinese_keeps_its_test_names_and_the_verdict_id(ws_path, speak):
    en, zh = both(ws_path, speak)
    speak("en")
    en_xml = ET.fromstring(render(en, "junit"))
    speak("zh_CN")
    zh_xml = ET.fromstring(render(zh, "junit"))
    names = lambda root: [(c.get("classname"), c.get("name")) for c in root.iter("testcase")]  # noqa: E731
    assert names(en_xml) == names(zh_xml)  # a CI keeps a test's history by its name
    [verdict] = [s for s in zh_xml.iter("testsuite") if s.get("name") == "verdict"]
    assert verdict.find("testcase/failure").get("message") == "NO-GO"
    skipped = [s.get("message") for s in zh_xml.iter("skipped")]
    assert any(m.startswith("待定：尚未标记") for m in skipped), skipped
    assert any("豁免至 2030-01-08" in m for m in skipped), skipped


# -- PDF ------------------------------------------------------------------------------------------


def _pdffonts(path) -> list[tuple[str, str]]:
    """(font name, emb) for every font of the PDF: `pdffonts` columns, read from the right
    (the type column holds spaces: "CID TrueType")."""
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines()[2:]:
        cols = line.split()
        if len(cols) >= 7:
            rows.append((cols[0], cols[-5]))
    return rows


def test_the_chinese_pdf_embeds_a_cjk_font(ws_path, speak, tmp_path):
    pytest.importorskip("PySide6", reason="the PDF report is rendered by Qt (PySide6)")
    if not shutil.which("pdffonts") or not shutil.which("pdftotext"):
        pytest.skip("pdffonts/pdftotext not installed (Debian: poppler-utils): cannot see the PDF's fonts")
    from migready.gui import report_pdf
    if report_pdf.cjk_family() is None:
        pytest.skip("no CJK font installed (Debian: fonts-noto-cjk): the zh_CN PDF cannot embed one")
    speak("zh_CN")
    path = tmp_path / "report.zh_CN.pdf"
    path.write_bytes(render(open_report(ws_path), "pdf"))
    fonts = _pdffonts(path)
    cjk = [(name, emb) for name, emb in fonts if re.search(r"CJK|SourceHan|WenQuanYi|DroidSansFallback|UMing", name)]
    assert cjk, f"no CJK font in the PDF: {fonts}"
    assert all(emb == "yes" for _name, emb in cjk), cjk
    text = unicodedata.normalize("NFKC", subprocess.run(["pdftotext", "-layout", str(path), "-"],
                                                        capture_output=True, text=True, check=True).stdout)
    assert "结论:不放行 (NO-GO)" in text  # NFKC folds the full-width colon (and ⾏, a Kangxi radical, to 行)
    assert "概要" in text and "签字确认" in text
    assert re.search(r"第 1 \S,共 \d+ \S", text)  # the footer (页 comes out as the radical ⻚, which NFKC keeps)


def test_a_dependency_says_how_to_clear_the_flags_still_open_and_not_its_own_name_per_row(ws_path, speak):
    """Under a dependency's heading, its flags say what clears them only while open (a passed flag's
    row in the table says what cleared it), and its checklist rows do not start with its name again:
    in Chinese neither ("svc/dep：..." kept it, the prefix was only dropped after an English colon)."""
    from migready.checks.report.html import words
    from migready.checks.report.html_parts import dependency_block, esc
    for lang in ("en", "zh_CN"):
        speak(lang)
        report = open_report(ws_path)
        say = words(report)
        [dep] = [d for s in report["services"] for d in s["dependencies"] if d["ref"].endswith("/demo-scale")]
        state = {item.get("rule"): item["state"] for item in dep["items"] if item.get("rule")}
        assert state["MR002"] == "fail" and state["MR001"] == "pass", state  # one open, one cleared
        block = dependency_block(dep, say)
        for flag in dep["flags"]:
            assert (esc(say(flag["cleared_by"])) in block) == (state[flag["rule"]] != "pass"), (lang, flag["rule"])
        titles = re.findall(r'<span class="id">[^<]*</span><br>([^<]*)', block)
        assert len(titles) == len(dep["items"]) and not [t for t in titles if t.startswith(esc(dep["ref"]))], titles


def test_a_probe_side_says_pass_without_the_agents_word_and_a_failure_with_its_reason_in_words(speak):
    """"PASS connected · 1.6 ms" and, in Chinese, "通过 connected · 1.6 ms": the agent's success word
    says nothing PASS does not, in English only; the latency has its own column.  A failure's
    reason is an id, said in the reader's words ("失败 refused", "失败 over_budget" before)."""
    from migready.checks.report.text import side_lines
    passed = {"status": "pass", "reason": "connected", "latency_ms": 1.6, "local": "10.20.1.15:40216"}
    failed = {"status": "fail", "reason": "refused", "latency_ms": None, "detail": "connection refused"}
    slow = {"status": "fail", "reason": "over_budget", "latency_ms": 950.0}
    odd = {"status": "inconclusive", "reason": "some_new_reason"}
    speak("zh_CN")
    assert side_lines(passed) == ["通过", "本端 10.20.1.15:40216"]
    assert [side_lines(s)[0] for s in (failed, slow, odd)] == ["失败 拒绝连接", "失败 超出超时预算", "无法判定 some_new_reason"]
    speak("en")
    assert [side_lines(s)[0] for s in (passed, failed, slow)] == ["PASS", "FAIL refused", "FAIL over the timeout budget"]


def test_an_unchanged_probe_with_a_warning_is_not_shown_green():
    """"UNCHANGED [WARN] egress path direct (eth0) → via gateway 10.60.0.1 (eth0)" was green, the
    colour of nothing to look at; a warning is amber, in the HTML file's table and in the PDF's rows."""
    from migready.checks.report.html_parts import evidence_rows, evidence_table, route_lines
    side = {"status": "pass", "reason": "routed"}
    warned = {"check": "route", "target": "10.20.0.7", "pre": side, "post": side, "regression": False,
              "classification": "unchanged", "findings": [{"severity": "warning", "text": "egress path changed"}]}
    quiet = dict(warned, findings=[], target="10.20.0.8")
    for render in (evidence_rows, evidence_table, route_lines):
        assert "st-pending" in render([warned]) and "st-pass" not in render([warned]), render.__name__
        assert "st-pass" in render([quiet]) and "st-pending" not in render([quiet]), render.__name__


def test_a_run_items_finish_time_reads_like_every_other_time_and_is_signed_as_recorded(ws_path, speak):
    """"run-2 from local://, finished 2030-01-01T05:00:01.000Z" showed the raw record; the tables show
    times to the second in UTC, one token.  What is signed keeps the recorded text, so a sign-off
    made before this reads the same content."""
    from migready.checks.report.html import words
    for lang in ("en", "zh_CN"):
        speak(lang)
        report = open_report(ws_path)
        [item] = [i for g in report["general_items"] for i in g["items"] if i["id"] == "run.post"]
        [run] = [r for r in report["runs"] if r["phase"] == "post"]
        shown = words(report)(item["evidence"])
        stamp = run["finished"].replace("T", " ")[:19] + "Z"
        assert stamp in shown and run["finished"] not in shown, shown
        assert run["finished"] in str(item["evidence"]) and run["finished"] in canonical_content(report).decode()
    en, zh = both(ws_path, speak)
    assert en["digest"] == zh["digest"] == content_digest(zh)
