"""The window around the steps: inventory page, workspace files, layout, shortcuts, entry points."""
from __future__ import annotations

import argparse
import datetime as _dt
import json
from pathlib import Path

import pytest
from guikit import DEMO, EXAMPLES
from PySide6.QtCore import QMimeData, QPoint, QSettings, Qt, QUrl
from PySide6.QtGui import QDropEvent, QKeySequence

from migready.checks.store.workspace import Workspace
from migready.gui.mainwindow import MainWindow


def loaded(qtbot, session, path):
    session.open_path(path)
    qtbot.waitUntil(lambda: session.review is not None or bool(session.problems), timeout=10_000)


def test_invalid_inventory_lists_problems_and_shows_the_line(qtbot, window, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nmigration:\n  name: m\n  source: {site: a}\n  target: {site: b, egress_nat: maybe}\n"
                   "services: []\n", encoding="utf-8")
    loaded(qtbot, window.session, bad)
    page = window.pages["inventory"]
    assert window.step_state("inventory") == "blocked" and page.stack.currentIndex() == 1
    where = [page.problems.index(r, 0).data() for r in range(page.problems.rowCount())]
    assert "bad.yaml:5:33" in where
    row = where.index("bad.yaml:5:33")
    page.problem_table.clicked.emit(page.problems.index(row, 0))
    assert page.current_line().endswith("target: {site: b, egress_nat: maybe}")
    assert page.current_line().lstrip().startswith("5 │")
    assert "egress_nat" in page.where.text()
    qtbot.waitUntil(lambda: "to fix first" in window.banner.reasons.text(), timeout=5_000)  # not "open one"


def test_search_and_facets_filter_the_tree(qtbot, window):
    loaded(qtbot, window.session, EXAMPLES / "job-scheduler-callback.yaml")
    page = window.pages["inventory"]
    total = sum(page.proxy.rowCount(page.proxy.index(r, 0)) for r in range(page.proxy.rowCount()))
    page.protocol.setCurrentIndex(page.protocol.findData("tcp"))
    tcp = sum(page.proxy.rowCount(page.proxy.index(r, 0)) for r in range(page.proxy.rowCount()))
    assert 0 < tcp < total
    page.protocol.setCurrentIndex(0)
    page.severity.setCurrentIndex(page.severity.findData("high"))
    high = [page.proxy.index(c, 1, page.proxy.index(r, 0)).data()
            for r in range(page.proxy.rowCount()) for c in range(page.proxy.rowCount(page.proxy.index(r, 0)))]
    assert high and all("HIGH" in text or "BLOCKER" in text for text in high)
    page.severity.setCurrentIndex(0)
    page.search.setText("no such thing anywhere")
    assert page.proxy.rowCount() == 0


def test_drop_a_file_to_open_it(qtbot, window):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(DEMO))])
    event = QDropEvent(QPoint(10, 10), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    window.dropEvent(event)
    qtbot.waitUntil(lambda: window.session.review is not None, timeout=10_000)
    assert window.session.inventory_path == str(DEMO)
    assert str(DEMO.resolve()) in window.recent.paths()


def test_workspace_save_as_reopen_and_autosave(qtbot, demo_window, tmp_path, settings, interaction):
    session = demo_window.session
    assert session.untitled
    untitled = Path(session.workspace.path)
    demo_window.go("checklist")
    page = demo_window.pages["checklist"]
    assert page.select("demo.vendor-confirmation")
    with qtbot.waitSignal(session.saved, timeout=10_000):
        assert page.ask_mark("na")
    assert untitled.exists()  # autosaved right away: a crash now loses nothing
    assert str(untitled) in demo_window.recent.paths()  # ... and File ▸ Open recent finds it
    assert "demo.vendor-confirmation" in json.loads(untitled.read_text(encoding="utf-8"))["marks"]

    target = tmp_path / "review.migready.json"
    interaction.save_paths = [str(target)]
    with qtbot.waitSignal(session.saved, timeout=10_000):
        demo_window.ask_save_as()
    assert target.exists() and not untitled.exists() and not session.untitled
    assert str(target) in demo_window.where.text()
    assert Workspace.load(target).marks["demo.vendor-confirmation"]["state"] == "na"

    # A second window opens the workspace (and its inventory) and sees the same review.
    from migready.gui.session import Session
    other = MainWindow(session=Session(data_dir=tmp_path / "other"), interaction=interaction, settings=settings)
    qtbot.addWidget(other)
    interaction.open_paths = [str(target)]
    other.ask_open_workspace()
    qtbot.waitUntil(lambda: other.session.review is not None, timeout=10_000)
    assert other.session.workspace.path == target and not other.session.untitled
    assert other.session.review.checklist.item("demo.vendor-confirmation").state == "na"
    assert str(target) in other.recent.paths()
    other.close()


def test_save_without_a_name_asks_for_one(qtbot, demo_window, interaction):
    interaction.save_paths = []  # the person cancels the file dialog
    demo_window.actions["save"].trigger()
    assert interaction.asked[-1][0] == "save" and demo_window.session.untitled


def test_waive_dialog_refuses_until_named_and_justified(qtbot, demo_window):
    from migready.gui.dialogs.waive import WaiveDialog
    from PySide6.QtWidgets import QDialogButtonBox
    item = demo_window.session.review.checklist.item("req:demo-scale-deviceadapter/demo-printer:reachable")
    dialog = WaiveDialog(item, default_by="")
    qtbot.addWidget(dialog)
    ok = dialog.box.button(QDialogButtonBox.Ok)
    assert not ok.isEnabled() and "your name" in dialog.hint.text()
    dialog.set_values(by="Lin", reason="replaced")
    assert ok.isEnabled()
    dialog.set_values(whole_dependency=True, until=(_dt.date.today() + _dt.timedelta(days=2)).isoformat())
    request = dialog.request()
    assert request.target == "demo-scale-deviceadapter/demo-printer" and request.by == "Lin"


def test_waive_through_the_real_dialog(qtbot, demo_window):
    """The app's own interaction shows the dialog; a timer inside its event loop fills it in."""
    from guikit import answer_when_shown
    from migready.gui.dialogs.waive import WaiveDialog
    from migready.gui.interaction import Interaction
    real = Interaction(demo_window)
    page = demo_window.pages["checklist"]
    page.interaction = real
    assert page.select("demo.vendor-confirmation")

    def fill(dialog):
        dialog.set_values(by="Lin Wei", reason="vendor confirms by phone; mail follows")
        dialog.accept()

    answer_when_shown(real, fill, WaiveDialog)
    with qtbot.waitSignal(demo_window.session.review_changed, timeout=10_000):
        assert page.ask_waive()
    assert demo_window.session.review.checklist.item("demo.vendor-confirmation").state == "waived"


def test_layout_step_and_name_are_remembered(qtbot, demo_window, settings, interaction, tmp_path):
    page = demo_window.pages["checklist"]
    assert page.select("demo.vendor-confirmation")
    with qtbot.waitSignal(demo_window.session.review_changed, timeout=10_000):
        assert page.ask_mark("pass")
    demo_window.go("compare")
    demo_window.resize(777, 612)
    demo_window.close()
    from migready.gui.session import Session
    again = MainWindow(session=Session(data_dir=tmp_path / "again"), interaction=interaction, settings=settings)
    qtbot.addWidget(again)
    again.show()
    assert again.current_page().key == "compare"
    assert again.session.default_name() == "Lin Wei"  # the name given in the last mark
    assert (again.width(), again.height()) == (777, 612)
    again.close()


def test_shortcuts(demo_window):
    keys = {name: action.shortcut() for name, action in demo_window.actions.items()}
    assert keys["open"] == QKeySequence(QKeySequence.Open) and keys["save"] == QKeySequence(QKeySequence.Save)
    assert keys["run"] == QKeySequence("Ctrl+R") and keys["go_checklist"] == QKeySequence("Ctrl+6")
    demo_window.actions["go_flags"].trigger()
    assert demo_window.current_page().key == "flags"


@pytest.mark.parametrize("module", ["inventory_page", "flags_page", "probe_page", "compare_page", "checklist_page",
                                    "signoff_page"])
def test_each_page_opens_on_its_own(qtbot, module):
    import importlib

    from migready.gui.standalone import open_page
    mod = importlib.import_module(f"migready.gui.{module}")
    page_class = next(v for k, v in vars(mod).items() if k.endswith("Page") and k != "Page" and isinstance(v, type))
    page, session = open_page(page_class, [str(DEMO)])
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: session.review is not None, timeout=10_000)
    assert page.isVisible() and session.inventory is not None
    session.shutdown()


def test_migready_gui_opens_the_bundled_example_without_probing(qtbot, tmp_path):
    QSettings.setPath(QSettings.NativeFormat, QSettings.UserScope, str(tmp_path))
    from migready.gui.app import open_window
    window = open_window(argparse.Namespace(path=None, dark=False))
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.session.review is not None, timeout=10_000)
    assert Path(window.session.inventory_path).name == "scale-adapter-nat.yaml"
    assert window.session.probe is None and window.session.workspace.runs == []
    assert any(f.rule == "MR002" and f.severity == "blocker" for f in window.session.flags)
    window.close()


def test_bare_migready_opens_the_app_when_there_is_a_display(monkeypatch):
    from migready.checks import cli
    from migready.gui import app
    calls = []
    monkeypatch.setattr(app, "main", lambda argv=None: calls.append(argv) or 0)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert cli.main([]) == 0 and calls == [[]]
    assert cli.main(["gui", str(DEMO)]) == 0 and calls[-1] == [str(DEMO)]


def test_report_preview_follows_the_dark_palette(qtbot, demo_window):
    from PySide6.QtWidgets import QApplication

    from migready.gui.style import dark_palette
    page = demo_window.pages["signoff"]
    demo_window.go("signoff")
    qtbot.waitUntil(lambda: page.report is not None and not page.stale, timeout=15_000)
    app = QApplication.instance()
    light = app.palette()
    try:
        app.setPalette(dark_palette())
        page.palette_changed()
        assert "#1e1f22" in page.preview.styleSheet()
        assert "#fff1c2" not in page.preview.toHtml().lower()  # the pending tint is dark now
    finally:
        app.setPalette(light)
        page.palette_changed()
    assert "#ffffff" in page.preview.styleSheet() and "#fff1c2" in page.preview.toHtml().lower()
