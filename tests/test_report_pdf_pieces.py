"""The PDF rendered in pieces (issue 27 item 4): in worker processes or here, the same pages, the
page numbers running on across pieces, an outline to each section, the fonts embedded.

Needs PySide6, pikepdf and poppler-utils (CI installs them).
"""
from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata

import pytest

pytest.importorskip("PySide6", reason="the PDF report is rendered by Qt (PySide6)")
pikepdf = pytest.importorskip("pikepdf", reason="the PDF pieces are merged with pikepdf")
if not shutil.which("pdftotext") or not shutil.which("pdffonts"):
    pytest.skip("pdftotext/pdffonts not installed (Debian: poppler-utils)", allow_module_level=True)

from report_data import make_workspace, open_report  # noqa: E402


def text_of(path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return unicodedata.normalize("NFKC", out.stdout).split("\f")[:-1]  # NFKC: the "ff" ligature of Sign-off


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    """The demo's report cut into one piece per section (the 10,000-item report's are ~150 pages),
    rendered by two processes and by this one alone."""
    from migready.gui import report_pdf_pieces
    from migready.gui.report_pdf import render_pdf
    tmp = tmp_path_factory.mktemp("pieces")
    report = open_report(make_workspace(tmp))
    saved = report_pdf_pieces.PIECE_WEIGHT
    report_pdf_pieces.PIECE_WEIGHT = 1
    try:
        assert len(report_pdf_pieces.plan(report)) >= 2
        (tmp / "two.pdf").write_bytes(render_pdf(report, workers=2))
        (tmp / "one.pdf").write_bytes(render_pdf(report, workers=1))
    finally:
        report_pdf_pieces.PIECE_WEIGHT = saved
    return report, tmp / "two.pdf", tmp / "one.pdf"


def test_worker_processes_give_the_same_pages_as_one_process(pdfs):
    _report, two, one = pdfs
    assert text_of(two) == text_of(one)


def test_page_numbers_run_on_across_the_pieces(pdfs):
    _report, two, _one = pdfs
    pages = text_of(two)
    numbers = [re.search(r"page (\d+) of (\d+)", page).groups() for page in pages]
    assert numbers == [(str(i), str(len(pages))) for i in range(1, len(pages) + 1)]


def test_the_outline_leads_to_the_summary_each_service_and_the_event_log(pdfs):
    report, two, _one = pdfs
    with pikepdf.open(two) as pdf, pdf.open_outline() as outline:
        entries = [(item.title, pikepdf.Page(item.destination[0]).index) for item in outline.root]
        doc_title = str(pdf.docinfo["/Title"])
    titles = [title for title, _page in entries]
    assert titles[0] == "Summary" and entries[0][1] == 0
    service = f"Service {report['services'][0]['name']}"
    assert service in titles and "Appendix: event log" in titles
    pages = text_of(two)
    for title, page in entries:  # each entry opens the page its heading is on
        assert title in pages[page], (title, page)
    assert doc_title.startswith("migready report: NO-GO")


def test_every_font_is_embedded(pdfs):
    _report, two, _one = pdfs
    rows = subprocess.run(["pdffonts", str(two)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), rows


def test_a_large_report_is_cut_in_pieces_of_whole_services():
    from migready.gui.report_pdf_pieces import PIECE_WEIGHT, plan, weight
    dep = {"items": [{}] * 4, "evidence": [{}] * 5}
    report = {"services": [{"dependencies": [dep] * 40} for _ in range(70)], "attention": {}, "general_items": []}
    pieces = plan(report)
    assert [i for piece in pieces for i in piece] == list(range(70))
    assert len(pieces) > 4 and all(sum(weight(report["services"][i]) for i in piece) <= PIECE_WEIGHT
                                   for piece in pieces)
    small = {"services": [{"dependencies": [dep] * 2}] * 2, "attention": {}, "general_items": []}
    assert plan(small) == [[0, 1]]  # the demo: one piece, laid out as it always was


def test_a_worker_that_cannot_start_leaves_the_work_to_this_process(pdfs, monkeypatch):
    """A worker process that dies before taking a piece (no interpreter, a broken install) costs
    nothing: this process renders every piece, and the pages are the same."""
    from migready.gui import report_pdf_pieces
    from migready.gui.report_pdf import render_pdf
    report, _two, one = pdfs
    monkeypatch.setattr(report_pdf_pieces, "PIECE_WEIGHT", 1)
    for executable in ("/bin/false", str(one.with_name("no-such-python"))):
        monkeypatch.setattr(report_pdf_pieces.sys, "executable", executable)
        alone = one.with_name("alone.pdf")
        alone.write_bytes(render_pdf(report, workers=2))
        assert text_of(alone) == text_of(one)


def test_a_worker_gone_before_its_piece_is_sent_leaves_the_work_to_this_process(pdfs, monkeypatch):
    """The same when the worker has already exited by the time its first piece is written to it (a
    broken pipe, not a failed start: on a loaded machine /bin/false can be gone that soon)."""
    from migready.gui import report_pdf_pieces
    from migready.gui.report_pdf import render_pdf
    report, _two, one = pdfs
    monkeypatch.setattr(report_pdf_pieces, "PIECE_WEIGHT", 1)
    monkeypatch.setattr(report_pdf_pieces.sys, "executable", "/bin/false")
    give = report_pdf_pieces._Lane._give

    def after_it_exited(lane, k):  # its set-up was written; it is gone before its first piece is
        lane.proc.wait()
        return give(lane, k)

    monkeypatch.setattr(report_pdf_pieces._Lane, "_give", after_it_exited)
    alone = one.with_name("alone.pdf")
    alone.write_bytes(render_pdf(report, workers=2))
    assert text_of(alone) == text_of(one)


def test_a_worker_with_no_piece_left_makes_the_footers_while_this_process_paints(pdfs, monkeypatch):
    """The footers wait for every piece to be counted and were made at the very end; a worker that
    is done makes them while this process still paints its last piece.  Here this process paints
    nothing until someone has claimed them, and would fail if it made them itself."""
    import time
    from migready.gui import report_pdf, report_pdf_pieces
    report, _two, one = pdfs
    monkeypatch.setattr(report_pdf_pieces, "PIECE_WEIGHT", 1)
    footings = []

    class Recorded(report_pdf_pieces._Footing):
        def __init__(self, *args):
            super().__init__(*args)
            footings.append(self)

    class Slow(report_pdf.Piece):
        def paint(self, *args, **kwargs):
            deadline = time.monotonic() + 60
            while footings[-1].by is None and time.monotonic() < deadline:
                time.sleep(0.01)
            return super().paint(*args, **kwargs)

    def not_here(*_args):
        raise AssertionError("the footers were made in this process")

    monkeypatch.setattr(report_pdf_pieces, "_Footing", Recorded)
    monkeypatch.setattr(report_pdf, "Piece", Slow)
    monkeypatch.setattr(report_pdf, "footers", not_here)
    path = one.with_name("footed.pdf")
    path.write_bytes(report_pdf.render_pdf(report, workers=2))
    assert footings[-1].by == "worker" and footings[-1].made
    assert text_of(path) == text_of(one)
