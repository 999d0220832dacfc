"""The PDF report through Qt, offscreen: the NO-GO banner and a Chinese device name must be
in the text layer (pdftotext) and on the rendered page (pdftoppm), in colour.

Needs PySide6 and poppler-utils (CI installs them: Debian `poppler-utils`, `fonts-noto-cjk`).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import unicodedata

import pytest

pytest.importorskip("PySide6", reason="the PDF report is rendered by Qt (PySide6)")
if not shutil.which("pdftotext") or not shutil.which("pdftoppm"):
    pytest.skip("pdftotext/pdftoppm not installed (Debian: poppler-utils)", allow_module_level=True)

from cliproc import migready  # noqa: E402
from report_data import make_workspace, open_report  # noqa: E402


def pdf_text(path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    # CJK fonts map some ideographs to their Kangxi-radical twins in the text layer (示 -> ⽰); NFKC folds them.
    return unicodedata.normalize("NFKC", out.stdout)


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    from migready.checks.report import render
    tmp = tmp_path_factory.mktemp("pdf")
    report = open_report(make_workspace(tmp, hostile=True))
    path = tmp / "report.pdf"
    path.write_bytes(render(report, "pdf"))
    return report, path


def test_pdf_text_has_the_verdict_the_chinese_name_and_the_digest(pdf):
    report, path = pdf
    assert path.read_bytes().startswith(b"%PDF-")
    text = pdf_text(path)
    assert "VERDICT: NO-GO" in text
    assert unicodedata.normalize("NFKC", "蔬菜卖场秤-171号秤（演示）") in text and "王芳" in text
    assert report["digest"] in text.replace(" ", "").replace("\n", "")
    assert "source port 9010 → 41733" in text and "2030-01-08" in text  # digits survive (see LATIN_FAMILIES)
    assert "<script>alert('x')</script>" in text  # the hostile note, printed as text
    assert "page 1 of" in text and "digest " + report["digest"][:16] in text  # the footer


def test_pdf_page_one_shows_the_red_banner(pdf, tmp_path):
    from PySide6.QtGui import QColor, QImage
    _, path = pdf
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],
                   check=True)
    [png] = list(tmp_path.glob("page*.png"))
    image = QImage(str(png))
    assert (image.width(), image.height()) == (496, 702)  # A4 at 60 dpi
    red = QColor("#b00020")
    top = [image.pixelColor(x, y) for y in range(30, 80, 5) for x in range(60, 400, 20)]
    assert sum(1 for c in top if abs(c.red() - red.red()) + abs(c.green() - red.green())
               + abs(c.blue() - red.blue()) < 30) > len(top) // 2


def test_pdf_cli_works_headless(tmp_path):
    """No display, no QT_QPA_PLATFORM: the renderer picks the offscreen platform itself."""
    ws = make_workspace(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    out = migready("report", ws, "--format", "pdf", "--out", tmp_path / "r.pdf", env=env, timeout=120,
                   subprocess=True)  # a child: the PDF makes a QGuiApplication, which must not outlive the call
    assert out.returncode == 0, out.stderr
    assert "NO-GO" in out.stdout and "VERDICT: NO-GO" in pdf_text(tmp_path / "r.pdf")


def test_pdf_progress_and_cancel(pdf):
    import threading
    from migready.gui.report_pdf import RenderCancelled, render_pdf
    report, _ = pdf
    seen = []
    render_pdf(report, progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1][0] == seen[-1][1] >= 2
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(RenderCancelled):
        render_pdf(report, cancel=cancel)


def test_many_qt_calls_do_not_abort_the_interpreter():
    """PySide6 6.12 on CPython 3.11 drops a reference to None per void call; a long PDF makes
    ~10,000 of them and Python aborted at exit ("none_dealloc").  ensure_app() guards it."""
    code = ("import os\nos.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
            "from migready.gui.report_pdf import ensure_app\nfrom PySide6.QtGui import QFont\n"
            "ensure_app()\nf = QFont()\nfor _ in range(20000):\n    f.setBold(True)\nprint('ok')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert (out.returncode, out.stdout.strip()) == (0, "ok"), out.stderr[-500:]


def test_no_blank_pages(pdf):
    """Each service starts a page (its own document); none may leave an empty page behind."""
    _, path = pdf
    pages = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")[:-1]
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        body = [line for line in page.splitlines() if line.strip() and "migready report ·" not in line]
        assert body, f"page {number} has nothing but the footer"


def test_timestamps_are_never_wrapped(pdf):
    """The probe-run table printed "2026-12-07 06:" on one line and "15:38Z" on the next: a span's
    nowrap is lost on QTextDocument, the cell's is kept.  Every run's start and finish, every
    sign-off time, are on one line."""
    from migready.checks.report.text import when_text
    report, path = pdf
    text = pdf_text(path)
    times = [when_text(r[k]) for r in report["runs"] for k in ("started", "finished")]
    times += [when_text(e["signed_at"]) for e in report["signoff"]["entries"]]
    assert times and all(t in text for t in times), [t for t in times if t not in text]


def test_route_probes_are_lines_of_the_dependency_facts(pdf):
    """A route probe has no latency and a row of the evidence table to itself; the PDF says it in
    the dependency's facts instead (a ninth of its time at 10,000 items), before and after the move
    and what changed.  The HTML file keeps its rows."""
    from migready.checks.report.html import render_html
    report, path = pdf
    text = " ".join(pdf_text(path).split())
    routes = [(e["target"], dep["ref"]) for service in report["services"] for dep in service["dependencies"]
              for e in dep["evidence"] if e["check"] == "route"]
    assert routes
    for target, ref in routes:
        assert f"route to {target}: before PASS" in text and "; after PASS" in text, (target, ref)
    assert ">route<br>" not in render_html(report, "qt") and ">route<br>" in render_html(report, "browser")


def test_every_line_and_diagram_is_printed_once_on_its_page(pdf, tmp_path):
    """Qt draws the lines that touch a page's clip, and a page's first line starts where the page
    before ends: it was drawn at the foot of that page too, hidden under the clip but in the text
    layer (a third of the 10,000-item report's pages).  A diagram whose line was moved to the next
    page was painted at its block's top, under the footer of one page and cut off on the next.
    Lines at every offset and diagrams after each: each is printed once, none under a page's body."""
    from migready.checks.report.html import document_head
    from migready.checks.report.html_summary import PDF_MARKER
    from migready.checks.report.paths import Drawing, Text
    from migready.gui.report_pdf import FOOTER_HEIGHT, MARGINS_MM, RESOLUTION, Piece, ensure_app
    ensure_app()
    drawings = {f"0.{k}": Drawing(400, 60, [Text(10, 30, f"diagram {k:03d}")]) for k in range(24)}
    body = "".join("".join(f"<p>line {k:03d}.{n}</p>" for n in range(k % 7 + 4))
                   + f'<p class="path">{PDF_MARKER.format(key=f"0.{k}")}</p>' for k in range(24))
    head = document_head(pdf[0], variant="qt")
    piece = Piece([head + "<body>" + body + "</body></html>"], drawings, "t")
    assert piece.pages >= 3
    path = tmp_path / "lines.pdf"
    path.write_bytes(piece.paint())
    pages = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")[:-1]
    words = " ".join(pages).split()
    lines = [w for w in words if re.fullmatch(r"\d{3}\.\d", w)]
    assert sorted(lines) == sorted(f"{k:03d}.{n}" for k in range(24) for n in range(k % 7 + 4)) == sorted(set(lines))
    assert sorted(w for w in words if re.fullmatch(r"\d{3}", w)) == [f"{k:03d}" for k in range(24)]  # diagrams
    foot_pt = (MARGINS_MM.bottom() / 25.4 + FOOTER_HEIGHT / RESOLUTION) * 72  # under the body: the footer's place
    under = subprocess.run(["pdftotext", "-x", "0", "-y", str(int(842 - foot_pt) + 1), "-W", "595", "-H", "842",
                            str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert not under.replace("\f", "").strip(), under


def test_a_dependencys_items_and_probes_are_paragraphs_that_say_their_state(pdf):
    """In the PDF a dependency's checklist items and probes are paragraphs, the state first (a
    table's cells cost Qt several layouts each: two thirds of the 10,000-item PDF's layout time);
    the HTML file keeps its tables.  Every item's id, state and evidence and every probe's check,
    target and change are in the text, the state on the item's own line."""
    from migready.checks.report.html import service_part, words
    from migready.checks.report.text import change_word, state_word
    report, path = pdf
    say = words(report)
    assert "<table" not in service_part(report, 0, say, "qt") and "<table" in service_part(report, 0, say, "browser")
    lines = pdf_text(path).splitlines()
    for dep in (d for s in report["services"] for d in s["dependencies"]):
        for item in dep["items"]:
            assert any(item["id"] in line and line.split()[0] == state_word(item["state"]) for line in lines), item["id"]
        for e in dep["evidence"]:
            if e["check"] == "route":
                continue
            word = change_word("regression" if e["regression"] else e["classification"])
            assert any(f"{word} {e['check']} {e['target']}" in " ".join(line.split()) for line in lines), e["check"]


def test_only_a_line_across_a_page_break_moves_to_the_next_page(pdf):
    """Qt's pagination leaves a rare line across a page break (one in the 10,000-item report's 1,661
    pages: half at the foot of a page, its top cut off at the head of the next); `unstraddle`
    gives its block a page break before it.  A line that starts where a page starts, as every
    page's first line does, is left where it is: lines at every offset, none moved."""
    from PySide6.QtGui import QTextFormat
    from migready.checks.report.html import document_head
    from migready.gui.report_pdf import Piece, ensure_app
    ensure_app()
    body = "".join(f'<p style="font-size: {6 + k % 5}pt">line {k:03d}</p>' for k in range(400))
    piece = Piece([document_head(pdf[0], variant="qt") + "<body>" + body + "</body></html>"], {}, "t")
    [(doc, pages, _placed)] = piece.docs
    assert pages >= 3
    block, moved = doc.begin(), []
    while block.isValid():
        if block.blockFormat().pageBreakPolicy() & QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore:
            moved.append(block.text())
        block = block.next()
    assert moved == []
