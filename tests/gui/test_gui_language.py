"""The window's language: zh_CN from --lang (app, standalone pages, `migready gui`), View ▸ Language,
Qt's own buttons, and English unchanged.

Widgets take their words when they are made, so every test that speaks Chinese installs the
translators before building anything and gives English back afterwards (`install("en")`), so that
the other GUI tests keep reading English.  Probes are never run here: the demo inventory is only
loaded and reviewed.
"""
from __future__ import annotations

import argparse
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QPushButton, QToolButton

from guikit import DEMO

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "i18n" / "migready_zh_CN.ts"
# the contexts of the strings of the main window, the rail, the banner and the pages checked here
OWN_CONTEXTS = {"MainWindow", "steps", "style", "VerdictBanner", "MessageBar", "Session", "ProbePage",
                "ChecklistPage", "RehearsalPage", "SignoffPage", "rehearsal", "BackgroundJob"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def english_sentences() -> set[str]:
    """Our English source strings of three words or more, as they would appear on screen (no
    placeholders, no mnemonics, no markup): if one shows in zh_CN, a translation is missing.
    Sentences the core says too (e.g. "no run yet" as an item's evidence) are left out: a core
    sentence is the core's catalog's business, and shown by another test."""
    core = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "checks").rglob("*.py"))
    out = set()
    for context in ET.parse(TS).getroot().iter("context"):
        if context.findtext("name") not in OWN_CONTEXTS:
            continue
        for message in context.iter("message"):
            source = re.sub(r"<[^>]+>", "", message.findtext("source").replace("&", ""))
            for part in re.split(r"\{[^}]*\}|[\n:;().…▸]", source):
                part = part.strip(" ,·")
                if len(part.split()) >= 3 and part not in core:
                    out.add(part)
    return out


def visible_texts(widget) -> list[str]:
    texts = []
    for child in [widget, *widget.findChildren(QLabel), *widget.findChildren(QPushButton),
                  *widget.findChildren(QToolButton)]:
        if child.isVisibleTo(widget) or child is widget:
            text = child.text() if hasattr(child, "text") else ""
            if text:
                texts.append(re.sub(r"<[^>]+>", "", text))
            if child.toolTip():
                texts.append(child.toolTip())
    return texts


@pytest.fixture
def zh(qtbot):
    from migready.gui.i18n import install
    assert install("zh_CN") == "zh_CN"
    yield
    install("en")


@pytest.fixture
def zh_window(zh, qtbot, session, interaction, settings):
    """The main window built in zh_CN, on the demo inventory, reviewed (nothing probed)."""
    from migready.gui.mainwindow import MainWindow
    window = MainWindow(session=session, interaction=interaction, settings=settings)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    session.open_path(DEMO)
    qtbot.waitUntil(lambda: session.review is not None, timeout=10_000)
    yield window
    window.close()


def test_main_window_menus_rail_and_banner_speak_chinese(zh_window):
    w = zh_window
    assert [a.text() for a in w.menuBar().actions()] == ["文件(&F)", "视图(&V)", "转到(&G)", "运行(&R)"]
    assert w.actions["open"].text() == "打开清单(&O)…" and w.actions["run"].text() == "在本页运行探测(&R)"
    assert w.language_menu.title() == "语言(&L)"
    rail = [w.rail.item(i).text().splitlines()[0] for i in range(w.rail.count())]
    assert rail[0].endswith("清单") and rail[1].endswith("风险标记") and rail[6].endswith("签字确认与报告")
    assert "依赖发现" in rail[7] and "演练" in rail[8]
    assert "尚未运行" in w.rail.item(2).text()  # the pre-migration step's hint
    assert w.banner.verdict.text() == "尚未探测"  # no runs yet: not probed, not a red NO-GO (issue 22)
    assert w.banner.more.text() == "为什么？▸"
    assert w.actions["go_signoff"].text() == "签字确认与报告"


def test_the_pages_of_this_part_show_no_english_sentence(qtbot, zh_window):
    """Probe, checklist, rehearsal and sign-off pages, and the chrome around them: none of our English
    sentences is left on screen, and each page says its state in Chinese."""
    w = zh_window
    leftovers = english_sentences()
    assert len(leftovers) > 50  # the detector has something to look for
    for key in ("pre", "post", "checklist", "rehearsal", "signoff"):
        w.go(key)
        page = w.pages[key]
        if key == "signoff":
            qtbot.waitUntil(lambda: page.report is not None and not page.stale, timeout=15_000)
        texts = visible_texts(page) + visible_texts(w.banner) + [w.status.text(), w.where.text()]
        found = sorted({s for s in leftovers for t in texts if s in t})
        assert not found, f"{key}: English left on screen: {found}"
        assert any(CJK.search(t) for t in texts), key
    pre = w.pages["pre"]
    assert pre.run_button.text() == "运行探测" and "迁移前探测" in pre.intro.text()
    assert "尚未运行" in pre.state.text()
    checklist = w.pages["checklist"]
    assert [checklist.tabs.tabText(i) for i in range(2)] == ["检查项", "事件日志"]
    assert "阻断项" in checklist.summary.text()
    assert checklist.buttons["waive"].text() == "豁免…"
    rehearsal = w.pages["rehearsal"]
    assert [rehearsal.fault.itemText(i) for i in range(3)] == ["黑洞（静默丢弃）", "拒绝连接", "延迟"]
    assert [rehearsal.fault.itemData(i) for i in range(3)] == ["blackhole", "reject", "delay"]  # the core's ids
    signoff = w.pages["signoff"]
    assert "报告结论" in signoff.summary.text() and signoff.sign_button.text() == "用密钥文件签字确认…"


def test_state_words_and_the_live_log_are_chinese(zh):
    from migready.gui import style
    from migready.gui.rehearsal_page import call_line
    assert style.label("fail") == "✗ 失败" and style.label("NO-GO").endswith("不放行")
    assert style.label("regression").endswith("退化") and style.word("waived") == "已豁免"
    line = call_line({"type": "call", "stage": "fault", "n": 2, "latency_ms": 3004.5, "timed_out": True})
    assert "第 2 次调用" in line and "超时" in line and "3004.5" in line
    from migready.gui.background_job import explain
    assert explain(ValueError("no port given"), "ssh://lin@") == "主机 'ssh://lin@'：no port given"


def test_qt_standard_buttons_are_chinese_too(zh):
    box = QMessageBox(QMessageBox.Question, "t", "x", QMessageBox.Yes | QMessageBox.No)
    assert sorted(b.text() for b in box.buttons()) == sorted(["是(&Y)", "否(&N)"])


def test_english_is_unchanged_without_a_language(window):
    assert [a.text() for a in window.menuBar().actions()] == ["&File", "&View", "&Go", "&Run"]
    assert window.rail.item(0).text().splitlines()[0] == "○ Inventory"
    assert window.banner.verdict.text() == "No verdict yet"
    assert window.pages["pre"].run_button.text() == "Run probes"
    from migready.gui import style
    assert style.label("na") == "– N/A" and style.label("fail") == "✗ FAIL" and style.label("todo") == "– TODO"
    box = QMessageBox(QMessageBox.Question, "t", "x", QMessageBox.Yes | QMessageBox.No)
    assert sorted(b.text() for b in box.buttons()) == ["&No", "&Yes"]


def test_view_language_saves_the_choice_for_the_next_start(window, settings):
    from migready.gui.i18n import saved_language
    actions = window.language_actions
    assert [a.text() for a in window.language_menu.actions()] == ["English", "简体中文"]
    assert actions["en"].isChecked() and not actions["zh_CN"].isChecked()
    actions["zh_CN"].trigger()
    assert settings.value("language") == "zh_CN" and saved_language(settings) == "zh_CN"
    assert actions["zh_CN"].isChecked() and not actions["en"].isChecked()
    assert window.messages.isVisibleTo(window)
    told = window.messages.text.text()
    assert "next start" in told and "下次启动" in told  # said in both: the reader chose the other one
    assert [a.text() for a in window.menuBar().actions()][0] == "&File"  # applies at the next start
    actions["en"].trigger()
    assert saved_language(settings) == "en"


def test_the_saved_language_is_used_at_the_next_start(qtbot, tmp_path):
    """What View ▸ Language saved is what the app starts in when no --lang is given."""
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path))
    QSettings.setPath(QSettings.NativeFormat, QSettings.UserScope, str(tmp_path))
    from migready.gui.app import open_window, parse
    from migready.gui.i18n import install, save_language
    save_language("zh_CN")
    try:
        window = open_window(parse([str(DEMO)]))
        qtbot.addWidget(window)
        assert window.menuBar().actions()[0].text() == "文件(&F)"
        assert window.language_actions["zh_CN"].isChecked()
        qtbot.waitUntil(lambda: window.session.review is not None, timeout=10_000)
        window.close()
    finally:
        save_language("en")
        install("en")


def test_app_lang_option_and_a_bad_language(qtbot, tmp_path, capsys):
    QSettings.setPath(QSettings.NativeFormat, QSettings.UserScope, str(tmp_path))
    from migready.gui.app import main, open_window, parse
    from migready.gui.i18n import install
    try:
        window = open_window(parse(["--lang", "zh_CN", str(DEMO)]))
        qtbot.addWidget(window)
        assert window.actions["save"].text() == "保存工作区(&S)"
        qtbot.waitUntil(lambda: window.session.review is not None, timeout=10_000)
        window.close()
    finally:
        install("en")
    assert main(["--lang", "xx", str(DEMO)]) == 2
    assert "unknown language 'xx'" in capsys.readouterr().err


def test_migready_gui_lang_opens_the_window_in_chinese(qtbot, tmp_path, monkeypatch):
    """`migready gui --lang zh_CN DEMO` end to end through the command line: the window it opens speaks
    Chinese.  The event loop is the test's (a real app.exec() here would end the application for the
    tests after this one): `exec` looks at the windows, closes them and returns."""
    QSettings.setPath(QSettings.NativeFormat, QSettings.UserScope, str(tmp_path))
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    from migready.checks import cli
    from migready.checks.text.i18n import set_language
    from migready.gui import app as gui_app
    from migready.gui.i18n import install
    from migready.gui.mainwindow import MainWindow
    seen = []

    class LookingApp:
        def __init__(self, real):
            self.real = real

        def __getattr__(self, name):
            return getattr(self.real, name)

        def exec(self):
            windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
            for w in windows:
                seen.extend(a.text() for a in w.menuBar().actions())
                qtbot.waitUntil(lambda: w.session.review is not None, timeout=10_000)
                w.close()
            return 0

    real_ensure_app = gui_app.ensure_app
    monkeypatch.setattr(gui_app, "ensure_app", lambda *a: LookingApp(real_ensure_app(*a)))
    try:
        assert cli.main(["gui", "--lang", "zh_CN", str(DEMO)]) == 0
    finally:
        install("en")
        set_language("en")
    assert seen == ["文件(&F)", "视图(&V)", "转到(&G)", "运行(&R)"]


def test_a_page_opened_alone_installs_the_language(qtbot):
    from migready.gui.checklist_page import ChecklistPage
    from migready.gui.i18n import install
    from migready.gui.standalone import open_page
    try:
        page, session = open_page(ChecklistPage, ["--lang", "zh_CN", str(DEMO)])
        qtbot.addWidget(page)
        assert page.windowTitle() == "migready — 检查单"
        assert page.tabs.tabText(0) == "检查项"
        qtbot.waitUntil(lambda: session.review is not None, timeout=10_000)
        qtbot.waitUntil(lambda: "阻断项" in page.summary.text(), timeout=5_000)
        session.shutdown()
    finally:
        install("en")


def test_migready_gui_screenshots_take_the_language(tmp_path, monkeypatch):
    """`migready gui --screenshots DIR --lang zh_CN` hands the language to the screenshot tool
    (which installs it before building the window); without --lang the pictures are English."""
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    from migready.checks import cli
    from migready.checks.text.i18n import set_language
    from migready.gui import screenshots
    calls = []
    monkeypatch.setattr(screenshots, "take", lambda out, lang="en": calls.append((Path(out), lang)) or 0)
    try:
        assert cli.main(["gui", "--screenshots", str(tmp_path), "--lang", "zh_CN"]) == 0
        assert cli.main(["gui", "--screenshots", str(tmp_path)]) == 0
    finally:
        set_language("en")
    assert calls == [(tmp_path, "zh_CN"), (tmp_path, "en")]
