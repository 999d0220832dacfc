"""The Compare detail draws the selected dependency's path pre vs post (issue 25): the Path panel.

The workspace is tests/report_data.py's NO-GO review: after the move the reflector saw the
scale's source port 9010 as 41733.  The panel is the report's own drawing (checks/report/paths.py),
so what it says is what the HTML and the PDF say.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: report_data

from migready.gui.compare_page import ComparePage  # noqa: E402
from report_data import SCALE, inventory_file, make_workspace, post_run, pre_run  # noqa: E402


def _judged_workspace(tmp_path):
    """Pre and post runs as `migready probe` judges them: the rewritten reflect is a FAIL for the scale."""
    from migready.checks.inventory.load import load_inventory
    from migready.checks.store.workspace import Workspace
    inventory = load_inventory(inventory_file(tmp_path))
    ws = Workspace.new(tmp_path / "judged.migready.json", str(inventory.path), inventory.digest)
    pre = pre_run()
    post = post_run(pre)
    for r in post["results"]:
        if r["check"] == "reflect":
            r.update(status="fail", reason="port_rewritten")
    for run in (pre, post):
        ws.record_run(run)
    ws.save()
    return ws.path


def _select(page, dependency: str, check: str) -> bool:
    from migready.gui.models.table import ROW_ROLE
    for row in range(page.proxy.rowCount()):
        change = page.proxy.data(page.proxy.index(row, 0), ROW_ROLE)
        if change is not None and change.dependency == dependency and change.check == check:
            page.table.selectRow(row)
            return True
    return False


def test_the_compare_detail_shows_the_scale_path_with_both_ports(qtbot, tmp_path):
    from migready.gui.standalone import open_page

    ws = make_workspace(tmp_path)
    page, session = open_page(ComparePage, [str(ws)])
    qtbot.addWidget(page)
    page.resize(1024, 700)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=10_000)
    assert _select(page, SCALE, "udp_exchange")
    qtbot.waitUntil(lambda: page.path.isVisible(), timeout=5_000)
    texts = page.path.texts()
    assert "Before (pre)" in texts and "After (post)" in texts
    assert "from 127.0.0.1:9010" in texts  # as the staging host sent it
    assert ":9010 → :41733" in texts  # the hop where NAT rewrote it, as the reflector saw it
    assert "saw 127.0.0.1:41733" in texts
    assert page.path.height() > 60  # laid out, not a zero-height strip
    session.shutdown()


def test_post_results_show_failures_first_and_keep_both_ends_of_a_finding(qtbot, tmp_path):
    """At 1024x700 the Result cell is cut where it keeps "9010 → 41733" readable; the tooltip holds
    the whole; failed rows come before the passes."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QStyleOptionViewItem
    from migready.gui.probe_page import ProbePage
    from migready.gui.standalone import open_page
    from migready.gui.models.table import ROW_ROLE

    ws = _judged_workspace(tmp_path)
    page, session = open_page(lambda s, i: ProbePage(s, i, "post"), [str(ws)])
    qtbot.addWidget(page)
    page.resize(1024, 700)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=10_000)
    statuses = [page.proxy.data(page.proxy.index(r, 0), ROW_ROLE).get("status") for r in range(page.proxy.rowCount())]
    assert "fail" in statuses and "pass" in statuses
    assert statuses == sorted(statuses, key=lambda s: ("fail", "inconclusive", "pass").index(s))
    row = next(r for r in range(page.proxy.rowCount())
               if page.proxy.data(page.proxy.index(r, 0), ROW_ROLE).get("check") == "reflect")
    cell = page.proxy.index(row, 5)
    whole = page.proxy.data(cell, Qt.ItemDataRole.DisplayRole)
    assert "41733" in whole and page.proxy.data(cell, Qt.ItemDataRole.ToolTipRole) == whole
    option = QStyleOptionViewItem()
    page.table.itemDelegateForColumn(5).initStyleOption(option, cell)
    shown = option.fontMetrics.elidedText(whole, option.textElideMode, page.table.columnWidth(5) - 12)
    assert "9010 → 41733" in shown  # the rewritten port survives the cut (gui/elide.py)
    session.shutdown()


def test_the_checklist_detail_draws_the_path_of_the_items_dependency(qtbot, tmp_path):
    from migready.gui.checklist_page import ChecklistPage
    from migready.gui.standalone import open_page

    ws = make_workspace(tmp_path)
    page, session = open_page(ChecklistPage, [str(ws)])
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: session.review is not None, timeout=10_000)
    assert page.select(f"req:{SCALE}:source_port_preserved")
    qtbot.waitUntil(lambda: page.path.isVisible(), timeout=5_000)
    assert ":9010 → :41733" in page.path.texts()
    assert page.select("prepare.rollback-plan")  # a manual step has no path: the panel goes away
    qtbot.waitUntil(lambda: not page.path.isVisible(), timeout=5_000)
    session.shutdown()


def test_the_report_preview_draws_the_paths_instead_of_their_markers(qtbot, tmp_path):
    """The window's report preview is the PDF's HTML, where each path is a marker the PDF draws over;
    the preview showed it as the text "PATH:0.0".  It now shows the drawing, as an image."""
    from PySide6.QtGui import QTextDocument

    from migready.checks.report.html_summary import PDF_MARKER
    from migready.gui.report_jobs import preview_html
    from report_data import open_report
    html = preview_html(open_report(make_workspace(tmp_path)))
    assert PDF_MARKER.split("{")[0] not in html and "PATH:" not in html
    assert html.count('<img src="data:image/png;base64,') == 2  # the scale and the printer
    doc = QTextDocument()
    doc.setHtml(html)
    assert "PATH:" not in doc.toPlainText()


def test_a_long_answer_from_the_peer_is_wrapped_in_its_box_not_cut():
    from migready.checks.report.paths import FAIL, Text, layout, path_of
    said = "ERR 266 source port 52466 != SDK port 9010"
    dep = {"ref": "s/scale", "direction": "outbound", "zone": "store", "zone_kind": "store", "port": 5002,
           "targets": ["198.18.0.21"], "evidence": [
               {"check": "udp_exchange", "target": "198.18.0.21", "pre": {"status": "pass", "latency_ms": 1.0},
                "post": {"status": "fail", "detail": "answer does not start with the expected bytes: " + said}}]}
    texts = [t for t in layout(path_of(dep, {"source": {}, "target": {}}, [], {})).items if isinstance(t, Text)]
    red = [t.text for t in texts if t.colour == FAIL and not t.bold]  # not the status word, not a link
    assert " ".join(red) == said and all(len(t) <= 30 for t in red)
