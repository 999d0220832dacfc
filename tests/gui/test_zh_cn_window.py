"""The window in 简体中文: after `gui.i18n.install("zh_CN")` no visible text is left in English.

The demo is reviewed for real (pre and post probes on ``local://`` against the
loopback peers, the post run through the demo's user-space NAT; a mark, a
waiver, a sign-off, a discovery import read from a file), then every page is
visited and every visible widget walked: labels, buttons, menus and their
actions, tab texts, group boxes, the header labels and the visible cells of
visible views, combo entries, placeholders, read-only detail panes.  A text
fails when it still reads as English once the data is taken out: names from
the inventory and the workspace, ids (MR001, req:…), addresses, paths,
protocol and product names, numbers and units.

The dialogs of gui/dialogs are built in zh_CN and walked the same way.
"""
from __future__ import annotations

import datetime as _dt
import re

import pytest
from guikit import FakeInteraction, behind_nat
from PySide6.QtCore import QModelIndex, QSettings, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QComboBox, QGroupBox, QHeaderView, QLabel,
                               QLineEdit, QListView, QMenu, QPlainTextEdit, QTabBar, QTextEdit, QTreeView,
                               QWidget)

from migready.checks.trust import signing

SCALE = "demo-scale-deviceadapter/demo-scale"

# Words that, standing alone in a Chinese window, can only be a leftover.  Kept small on purpose: common
# English function words and the words this app's own labels are made of; data never needs to be here.
ENGLISH_WORDS = frozenset("""
a an the and or of to in on at for with from by as is are was be been not no nor yet all any each every
this that these those it its what when who why how which there here than then only also more most less
open save close quit run runs search select show click file files new edit view help language recent
inventory inventories flag flags service services dependency dependencies item items blocker blockers
pass fail failed pending waived waive waiver waivers verdict report reports sign signed signer signature
key keys name role host hosts port ports zone zones kind device devices protocol state states status
change changes changed check checks target targets before after result results rule rules risk incident
cleared evidence note notes phase probe probes probing compare discovery checklist missing fixed
unchanged regression regressions inconclusive seen sample samples import cancel add details peer peers
process processes count first last where field problem problems decision comment approve reject stale
awaiting nothing loaded high medium low info blocker undocumented inbound outbound unseen listed
migration cutover rollback rehearsal baseline staging workspace step steps page pages ready done todo
attention blocked running finished started complete incomplete error errors warning unknown none
mark marked marks owner kind severity severities connection connections listener time window
""".split())

# Product and standard names, units, key names: never translated (GLOSSARY.md).
PROPER = ("AWS Application Discovery", "Azure Migrate", "Azure", "AWS", "Ed25519", "SHA-256", "known_hosts",
          "migready keygen", "migready", "ssh-keygen", "Ctrl", "Esc", "YAML", "JSON", "PDF", "HTML", "JUnit",
          "Markdown", "UTC", "TCP", "UDP", "DNS", "NAT", "SNAT", "DNAT", "SSH", "HTTPS", "HTTP", "POS", "PDA",
          "CI", "DESIGN.md", "ms")
ID_LIKE = re.compile(r"\S*[0-9_/\\.:@=<>#*$~\"{}\[\]]\S*")  # ids, paths, addresses, key=value, JSON
HYPHENATED = re.compile(r"\S+-\S+")  # "Pre-migration", "demo-old": its words count, it starts no run of words
WORD = re.compile(r"[A-Za-z]+")
# a command a person types: migready, its verb, then options, METAVARS and file names (not the words after it)
COMMAND = re.compile(r"\bmigready(?:\s+[a-z][\w-]*)?(?:\s+(?:--?[\w-]+|[A-Z][A-Z_]*\b|\S*[./=]\S*))*")
VERDICT = re.compile(r"(?<![A-Za-z-])(?:NO-GO|GO WITH WAIVERS|GO)(?![A-Za-z-])")
GLOSSED_VERDICT = re.compile(r"[(（](?:NO-GO|GO WITH WAIVERS|GO)[)）]")  # "放行 (GO)", as GLOSSARY.md writes it


def plain(text: str) -> str:
    """The text a person reads (rich text without its tags and entities)."""
    if "<" in text and ">" in text:
        doc = QTextDocument()
        doc.setHtml(text)
        return doc.toPlainText()
    return text


def english_in(text: str, allowed: list[str]) -> list[str]:
    """The English left in `text` once data and proper names are taken out (empty: none).

    A word of three or more letters from ENGLISH_WORDS is English; so is a run of two or more
    ASCII words (at least two letters each) that are not data."""
    rest = COMMAND.sub(" ", plain(text).replace("&", ""))  # "&Open": a mnemonic
    if allowed:  # whole names only: the data name "ss" must not cut "regressions" into "regre ions"
        rest = re.sub("(?<![A-Za-z0-9])(?:" + "|".join(map(re.escape, allowed)) + ")(?![A-Za-z0-9])", " ", rest)
    rest = GLOSSED_VERDICT.sub(" ", ID_LIKE.sub(" ", rest))
    found = VERDICT.findall(rest)
    found += [w for w in WORD.findall(rest) if len(w) >= 3 and w.lower() in ENGLISH_WORDS]
    rest = HYPHENATED.sub(" ", rest)
    found += [m.group(0) for m in re.finditer(r"\b[A-Za-z]{2,}(?:[ ,;]+[A-Za-z]{2,})+\b", rest)]
    return found


def data_names(session) -> list[str]:
    """Every value from the inventory and the workspace a page may show as it is, longest first."""
    names: set[str] = set(PROPER)
    inv = session.inventory
    if inv is not None:
        m = inv.migration
        names |= {m.name, m.notes or ""}
        for site in (m.source, m.target):
            names |= {site.site, site.network_mode or "", site.notes or "", *site.staging_hosts}
        for s in inv.services:
            names |= {s.name, s.owner, s.notes or ""}
            for d in s.dependencies:
                names |= {d.name, d.ref, d.vendor or "", d.protocol, d.notes or "", d.zone or "", *d.targets}
        for z in getattr(inv, "zones", ()):
            names |= {z.name, z.notes or "", *z.domains}
        names |= set(getattr(inv, "signoff_roles", ()) or ())
        change = getattr(inv, "change", None)  # the change block: ticket, owner and trigger as written
        if change is not None:
            names |= {str(v) for v in vars(change).values() if isinstance(v, str)}
    ws = session.workspace
    if ws is not None:
        for run in ws.runs:
            names |= {run.get("id", ""), run.get("host", "")}
            for r in run.get("results", ()):
                names |= {r.get("check") or "", r.get("target") or "", r.get("detail") or "", r.get("reason") or ""}
        for w in ws.waivers:
            names |= {w.get("by", ""), w.get("reason", "")}
        for mark in ws.marks.values():
            names |= {mark.get("by", ""), mark.get("note", "")}
        for s in ws.data.get("signoffs", ()):
            names |= {s.get("name", ""), s.get("role", ""), s.get("comment", "")}
        for record in ws.discoveries:
            obs = record.get("observation") or {}
            names |= {record.get("id", ""), obs.get("source", ""), obs.get("origin", ""), obs.get("label", "")}
            for p in obs.get("peers", ()):
                names |= {p.get("remote") or "", p.get("remote_name") or "", *p.get("processes", ()),
                          *p.get("states", ())}
            for lst in obs.get("listeners", ()):
                names |= {*lst.get("processes", ()), *lst.get("states", ())}
        names |= {e.get("action", "") for e in ws.events} | {e.get("by", "") for e in ws.events}
    return sorted((n for n in names if n and n.strip()), key=len, reverse=True)


def _view_texts(view: QAbstractItemView, rows: int = 12) -> list[tuple[str, str]]:
    model = view.model()
    if model is None:
        return []
    out = []
    header = getattr(view, "horizontalHeader", None) or getattr(view, "header", None)
    head = header() if header else None
    if isinstance(view, QListView):  # (a list model's columnCount is not callable from Python)
        columns, head = [0], None
    else:
        columns = [c for c in range(model.columnCount(QModelIndex())) if head is None or not head.isSectionHidden(c)]
    if head is not None and head.isVisible():
        out += [("header", str(model.headerData(c, Qt.Horizontal, Qt.DisplayRole) or "")) for c in columns]
    stack = [(model.index(r, 0), 0) for r in range(min(model.rowCount(QModelIndex()), rows))]
    while stack:  # the first rows, and the first children of a tree's groups
        index, depth = stack.pop()
        for c in columns:
            out.append(("cell", str(index.siblingAtColumn(c).data(Qt.DisplayRole) or "")))
        if depth == 0 and isinstance(view, QTreeView) and model.hasChildren(index):
            stack += [(model.index(r, 0, index), 1) for r in range(min(model.rowCount(index), 3))]
    return out


def _menu_texts(menu: QMenu, where: str) -> list[tuple[str, str]]:
    out = []
    for action in menu.actions():
        if action.isSeparator() or not action.isVisible():
            continue
        out.append((f"{where} ▸ action", action.text()))
        if action.menu() is not None:
            out += _menu_texts(action.menu(), f"{where} ▸ {action.text()}")
    return out


def visible_texts(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) for every text a person sees on `root` now."""
    out: list[tuple[str, str]] = [("window title", root.windowTitle())]
    for w in [root] + root.findChildren(QWidget):
        if not w.isVisible():
            continue
        where = f"{type(w).__name__}#{w.objectName()}" if w.objectName() else type(w).__name__
        if isinstance(w, QLabel):
            out.append((where, w.text()))
        elif isinstance(w, QAbstractButton):
            out.append((where, w.text()))
            menu = w.menu() if hasattr(w, "menu") else None  # push and tool buttons
            if menu is not None:
                out += _menu_texts(menu, where)
        elif isinstance(w, QGroupBox):
            out.append((where, w.title()))
        elif isinstance(w, QTabBar):
            out += [(where, w.tabText(i)) for i in range(w.count())]
        elif isinstance(w, QLineEdit):
            out.append((f"{where} placeholder", w.placeholderText()))
        elif isinstance(w, QComboBox):
            if w.isEditable():
                out.append((f"{where} placeholder", w.lineEdit().placeholderText()))
            else:
                out += [(f"{where} entry", w.itemText(i)) for i in range(w.count())]
        elif isinstance(w, QTextEdit):
            out.append((f"{where} placeholder", w.placeholderText()))
            if w.isReadOnly():
                out.append((where, w.toPlainText()))
        elif isinstance(w, QPlainTextEdit):
            out.append((f"{where} placeholder", w.placeholderText()))  # its text is data (YAML, a plan)
        elif isinstance(w, QAbstractItemView) and not isinstance(w, QHeaderView):  # headers: with their view
            out += [(f"{where} {kind}", text) for kind, text in _view_texts(w)]
    menubar = getattr(root, "menuBar", None)
    if menubar is not None:
        for action in menubar().actions():
            out.append(("menu", action.text()))
            if action.menu() is not None:
                out += _menu_texts(action.menu(), action.text())
    return [(where, text) for where, text in out if text and text.strip()]


def leftovers(root: QWidget, session, page: str, seen: set | None = None) -> list[str]:
    """What still reads as English on `root`; a text already reported (in `seen`: the menus and the
    rail on every page) is reported once."""
    allowed = data_names(session)
    seen = set() if seen is None else seen
    found = []
    for where, text in visible_texts(root):
        if (where, text) in seen:
            continue
        seen.add((where, text))
        english = english_in(text, allowed)
        if english:
            found.append(f"[{page}] {where}: {plain(text)[:160]!r} -> {sorted(set(english))}")
    return found


# -- the detector itself ------------------------------------------------------------------------

def test_the_english_detector_finds_leftovers_and_leaves_data_alone():
    allowed = sorted({"demo-scale", "TopScale", "Lin Wei", "store-east", "vendor firmware 3.2 accepts any source port",
                      *PROPER}, key=len, reverse=True)
    for english in ("Open inventory…", "&Open", "No inventory loaded.", "✗ BLOCKER", "Search flags…",
                    "Pre-migration probes", "<b>3 flags</b>: 1 ✗ BLOCKER", "Sign-off & Report", "Key type:",
                    "Select a flag to see why", "owner Lin Wei", "Apply Now", "✗ NO-GO", "放行: GO",
                    "GO WITH WAIVERS", "Post-migration", "unused-listener",
                    "先运行 migready probe before the move"):
        assert english_in(english, allowed), english
    for chinese in ("打开清单…", "✗ 阻断", "demo-scale · demo-scale-deviceadapter", "MR001 出网 NAT 改写源端口",
                    "TopScale 电子秤", "udp 5002，源端口 9010", "3.2 ms", "由 Lin Wei 豁免至 2026-12-09：vendor "
                    "firmware 3.2 accepts any source port", "对比 Azure Migrate、AWS Application Discovery 或 ss 导出",
                    "req:demo-scale-deviceadapter/demo-scale:source_port_preserved", "127.0.0.21:5002",
                    "/tmp/x/demo.yaml", "签名算法 Ed25519，摘要 SHA-256", "store-east → store-west", "放行 (GO)", "不放行 (NO-GO)", "带豁免放行 (GO WITH WAIVERS)", "demo-old",
                    "验证方法：migready verify REPORT.json --trust DIR（使用本报告的 JSON 格式）。",
                    "#1", "10:42 UTC", "运行 pre-1，来自 local://"):
        assert not english_in(chinese, allowed), (chinese, english_in(chinese, allowed))


# -- the window ---------------------------------------------------------------------------------

@pytest.fixture
def zh_cn(qapp):
    from migready.gui import i18n
    assert i18n.install("zh_CN") == "zh_CN"
    yield
    i18n.install("en")


@pytest.fixture
def zh_window(qtbot, zh_cn, tmp_path, demo_path):
    """The main window built in zh_CN, the demo opened and reviewed (nothing probed yet)."""
    from migready.gui.mainwindow import MainWindow
    from migready.gui.session import Session
    session = Session(data_dir=tmp_path / "data")
    window = MainWindow(session=session, interaction=FakeInteraction(),
                        settings=QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    session.open_path(demo_path)
    qtbot.waitUntil(lambda: session.review is not None, timeout=10_000)
    yield window
    window.close()
    session.shutdown()


def _probe(qtbot, window, phase: str) -> None:
    window.go(phase)
    page = window.pages[phase]
    with qtbot.waitSignal(window.session.review_changed, timeout=20_000):
        with qtbot.waitSignal(page.request_run().finished, timeout=20_000) as finished:
            pass
    assert finished.args[0]["complete"]


def _review(qtbot, window, store_peers, tmp_path) -> None:
    """Probes before and after the move (loopback only), a mark, a waiver, a sign-off, a discovery import."""
    from migready.gui.screenshots import SS_EXPORT
    session = window.session
    _probe(qtbot, window, "pre")
    store_peers.stop()
    nat = behind_nat(store_peers.block)
    try:
        _probe(qtbot, window, "post")
    finally:
        nat.stop()
    with qtbot.waitSignal(session.review_changed, timeout=10_000):
        session.mark("demo.vendor-confirmation", "pass", "Lin Wei", "checked with the store")
    until = (_dt.date.today() + _dt.timedelta(days=14)).isoformat()
    with qtbot.waitSignal(session.review_changed, timeout=10_000):
        session.waive(SCALE, "Lin Wei", "vendor firmware 3.2 accepts any source port", until)
    signoff = window.pages["signoff"]
    window.go("signoff")
    qtbot.waitUntil(lambda: signoff.report is not None and not signoff.stale, timeout=20_000)
    signing.keygen("Lin Wei", session.inventory.signoff_roles[0], tmp_path / "lin.key")
    signoff.sign(str(tmp_path / "lin.key"), "approve", "ok with the firmware waiver")
    qtbot.waitUntil(lambda: bool(session.workspace.data["signoffs"]), timeout=10_000)
    qtbot.waitUntil(lambda: signoff.report is not None and not signoff.stale
                    and bool(signoff.report["signoff"]["entries"]), timeout=20_000)
    export = tmp_path / "staging-ss-tunap.txt"
    export.write_text(SS_EXPORT, encoding="utf-8")
    discovery = window.pages["discovery"]
    window.go("discovery")
    discovery.ask_import(str(export))
    qtbot.waitUntil(lambda: bool(discovery.records()) and not discovery.running, timeout=15_000)


def test_every_page_of_the_reviewed_demo_reads_in_chinese(qtbot, zh_window, store_peers, tmp_path, qapp):
    window, session = zh_window, zh_window.session
    _review(qtbot, window, store_peers, tmp_path)
    assert session.review.comparison.regressions  # the compare page has something to say
    found, pages, seen, walked = [], 0, set(), set()
    for key in window.pages:
        window.go(key)
        page = window.pages[key]
        if key == "discovery":
            page.select(lambda row: row.kind == "undocumented")
        elif key == "flags":
            page.table.selectRow(0)
        qapp.processEvents()
        texts = [text for _where, text in visible_texts(window)]
        assert any(re.search("[\u4e00-\u9fff]", t) for t in texts), key  # the walk sees the page, in Chinese
        walked.update(texts)
        found += leftovers(window, session, key, seen)
        pages += 1
        tabs = getattr(page, "tabs", None)
        for i in range(1, tabs.count() if tabs is not None else 0):  # the other tabs of a page (the event log)
            tabs.setCurrentIndex(i)
            qapp.processEvents()
            found += leftovers(window, session, f"{key} tab {i}", seen)
    assert pages >= 9
    # the header labels of the flags, compare, discovery and sign-off tables were walked
    assert {"严重级别", "变化内容", "对端", "签字人"} <= walked
    # the dialogs the review showed (the probe plans) and the one that says why, with real root causes
    from migready.gui.dialogs.why import WhyDialog
    verdict = session.review.verdict
    dialogs = list(window.interaction.dialogs) + [WhyDialog(verdict.verdict, session.review.causes, [])]
    assert any(type(d).__name__ == "PlanDialog" for d in dialogs)
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        found += leftovers(dialog, session, f"dialog {type(dialog).__name__}")
        dialog.close()
    assert not found, f"{len(found)} visible texts still in English:\n" + "\n".join(found)


def test_the_dialogs_read_in_chinese(qtbot, zh_window):
    from migready.checks.probing.transports.errors import HostKeyInfo
    from migready.gui.dialogs.hostkey import HostKeyDialog
    from migready.gui.dialogs.mark import MarkDialog
    from migready.gui.dialogs.signoff import KeyDialog, SignDialog
    from migready.gui.dialogs.waive import WaiveDialog
    from migready.gui.dialogs.why import WhyDialog
    session = zh_window.session
    item = session.review.checklist.item(f"req:{SCALE}:source_port_preserved")
    verdict = session.review.verdict
    dialogs = {
        "mark": MarkDialog(item, "pass"),
        "waive": WaiveDialog(item),
        "sign": SignDialog("ab" * 32, verdict.verdict),
        "key": KeyDialog(list(session.inventory.signoff_roles)),
        "why": WhyDialog(verdict.verdict, session.review.causes, []),
        "hostkey": HostKeyDialog(HostKeyInfo("127.0.0.1", 2222, "ssh-ed25519", "SHA256:" + "A" * 43, ("ssh-rsa",))),
    }
    found = []
    for name, dialog in dialogs.items():
        qtbot.addWidget(dialog)
        dialog.show()
        found += leftovers(dialog, session, f"dialog {name}")
        dialog.close()
    assert not found, f"{len(found)} dialog texts still in English:\n" + "\n".join(found)


def test_the_pages_of_this_part_speak_english_without_a_catalog(qtbot, demo_window):
    """`install("en")` (the default in tests): the same pages read as they always did."""
    window = demo_window
    flags = window.pages["flags"]
    headers = [flags.model.headerData(c, Qt.Horizontal) for c in range(flags.model.columnCount())]
    assert headers == ["Severity", "Rule", "Dependency", "Risk", "Why it fired", "Incident", "Cleared by"]
    assert flags.severity.itemText(0) == "all severities" and flags.search.placeholderText() == "Search flags…"
    assert "✗ BLOCKER" in [flags.proxy.index(r, 0).data() for r in range(flags.proxy.rowCount())]
    inventory = window.pages["inventory"]
    assert inventory.open_button.text() == "Open inventory…"
    assert re.search(r"\d+ services?, \d+ dependenc(y|ies), \d+ flags? · ", inventory.summary.text())


def test_search_on_the_flags_page_matches_the_chinese_that_is_shown(qtbot, zh_window):
    flags = zh_window.pages["flags"]
    zh_window.go("flags")
    blockers = [r for r in range(flags.proxy.rowCount()) if flags.proxy.index(r, 0).data() == "✗ 阻断"]
    assert blockers  # the severity reads in Chinese ...
    flags.search.setText("阻断")  # ... and the search finds it by what is shown
    assert flags.proxy.rowCount() == len(blockers)
    flags.search.setText("BLOCKER")  # the English word is not on the screen: nothing matches it
    assert flags.proxy.rowCount() == 0


def test_an_export_of_several_servers_asks_whose_connections_in_chinese(qtbot, zh_window):
    """The window recognises the core's "covers several servers" in any language and asks, in Chinese."""
    from pathlib import Path
    window = zh_window
    page = window.pages["discovery"]
    window.go("discovery")
    window.interaction.choices = ["scale-adapter-01"]
    with qtbot.waitSignal(window.session.workspace_changed, timeout=10_000):
        assert page.ask_import(str(Path(__file__).parent.parent / "data" / "discovery" / "azure_dependencies.csv"))
    choose = next(a for a in window.interaction.asked if a[0] == "choose")
    assert "scale-adapter-01" in choose[2]
    assert "包含多台服务器的数据" in choose[1]
    assert window.session.workspace.data["discoveries"][-1]["observation"]["source"] == "azure"


def test_core_sentences_show_search_and_sort_in_the_readers_language(zh_cn):
    """A core `Msg` in a table cell is shown in Chinese, and search and sort see what is shown."""
    from migready.checks.text.i18n import Msg
    from migready.gui.models.filter import FilterProxy
    from migready.gui.models.table import SORT_ROLE, Column, TableModel

    class Verdicts(TableModel):
        columns = (Column("Verdict", lambda v: v),)

    model = Verdicts([Msg("GO WITH WAIVERS"), Msg("NO-GO"), "data stays as it is"])
    proxy = FilterProxy()
    proxy.setSourceModel(model)
    shown = [proxy.index(r, 0).data() for r in range(proxy.rowCount())]
    assert shown == ["带豁免放行", "不放行", "data stays as it is"]
    assert model.index(0, 0).data(SORT_ROLE) == "带豁免放行"
    assert str(model.row(0)) == "GO WITH WAIVERS"  # the object behind the row keeps its signed English
    proxy.set_text("豁免")
    assert [proxy.index(r, 0).data() for r in range(proxy.rowCount())] == ["带豁免放行"]
    proxy.set_text("WAIVERS")
    assert proxy.rowCount() == 0
