"""The PDF report, through Qt: no browser; pikepdf merges the pieces.

The HTML report (checks/report/html.py, `variant="qt"`) is laid out by
QTextDocument and painted page by page on a QPdfWriter (A4), with a footer on
every page carrying the verdict, the content digest and the page number, so
a single printed page still says what it belongs to.  Works headless: when no
QGuiApplication exists one is made, on the "offscreen" platform unless
QT_QPA_PLATFORM says otherwise.  CJK names need a CJK font: the first family
of `CJK_FAMILIES` that is installed is used (CI installs Debian's
fonts-noto-cjk); without one Qt falls back to whatever fontconfig offers.

Speed (bench/README.md "Report rendering"): the report is rendered in
pieces, in parallel processes (report_pdf_pieces.py); within a piece the
sections go into QTextDocuments of at most CHUNK characters; long tables
have no cell borders (Qt draws every cell edge, 40% of the time) but shaded
alternate rows; a free note is laid out as paragraphs (a paragraph's layout
grows with the square of its length).

`render_pdf` is a plain function with a progress callback and a cancel event,
so the CLI calls it directly and the GUI from a worker.
"""
from __future__ import annotations

import ctypes
import os
import re
import sys
import threading
from typing import Callable

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QPointF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (QAbstractTextDocumentLayout, QFont, QFontDatabase, QGuiApplication, QPageLayout,
                           QImage, QPageSize, QPainter, QPdfWriter, QTextCursor, QTextDocument, QTextFormat)

from migready.checks.report.html import document_parts
from migready.checks.report.html_summary import PDF_MARKER

from .path_view import paint

CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", "Noto Serif CJK SC",
                "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Droid Sans Fallback", "AR PL UMing CN",
                "PingFang SC", "Microsoft YaHei")
# Latin text first from a Latin font: Qt's PDF text layer loses the digits set in Noto Sans CJK
# (pdftotext shows "2030" as nothing), and the digest must stay copyable.  CJK falls back per glyph.
LATIN_FAMILIES = ["Noto Sans", "DejaVu Sans", "Liberation Sans"]
RESOLUTION = 300  # dpi of the layout; text stays vector
MARGINS_MM = QMarginsF(12, 12, 12, 10)
BASE_PT = 8.5
FOOTER_HEIGHT = RESOLUTION * 0.25  # a quarter inch under each page's body
_HAIR = 2.0  # device pixels (1/150 inch): see Piece.paint
_app = None  # the QGuiApplication made here, kept alive for the process
_none_guarded = False


class RenderCancelled(Exception):
    """The cancel event was set; nothing was written."""


def ensure_app(widgets: bool = True) -> QGuiApplication:
    """The running QGuiApplication, or a new offscreen one (PDF needs fonts, not a display).  A
    QApplication unless `widgets` is False (the PDF's worker processes): Qt has one application
    per process, and a window opened in a process whose first PDF made a bare QGuiApplication
    aborts the interpreter (the test suite did, a PDF test then a window test on one worker)."""
    global _app
    app = QGuiApplication.instance()
    if app is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        if widgets:
            from PySide6.QtWidgets import QApplication
            app = _app = QApplication(sys.argv[:1] or ["migready"])
        else:
            app = _app = QGuiApplication(sys.argv[:1] or ["migready"])
    elif not isinstance(app, QGuiApplication):
        raise RuntimeError("a QCoreApplication is running; the PDF report needs a QGuiApplication")
    guard_none_refcount()
    return app


def guard_none_refcount() -> bool:
    """Work around PySide6 6.12 on CPython < 3.12: every call of a method returning void
    drops a reference to None that it never took (measured: QFont.setBold x1000 -> None's
    refcount 5409 -> 4379; a 1,300-page PDF makes ~10,000 such calls and the interpreter
    aborts with "none_dealloc: deallocating None").  From 3.12 None is immortal and this is
    moot.  When the leak is seen, None's count is raised by 2**30, which is what immortality
    amounts to; nothing else is touched.  Returns True when the guard was applied."""
    global _none_guarded
    if _none_guarded or sys.version_info >= (3, 12) or sys.implementation.name != "cpython" \
            or hasattr(sys, "gettotalrefcount"):  # a debug build lays objects out differently
        return _none_guarded
    probe = QFont()
    before = sys.getrefcount(None)
    probe.setBold(False)
    if sys.getrefcount(None) < before:
        ctypes.c_ssize_t.from_address(id(None)).value += 1 << 30
        _none_guarded = True
    return _none_guarded


def cjk_family() -> str | None:
    """The installed font family used for the report, None when no CJK font is installed."""
    ensure_app()
    installed = set(QFontDatabase.families())
    return next((f for f in CJK_FAMILIES if f in installed), None)


def render(report: dict) -> bytes:
    return render_pdf(report)


def render_pdf(report: dict, progress: Callable[[int, int], None] | None = None,
               cancel: threading.Event | None = None, workers: int | None = None) -> bytes:
    """The report as PDF bytes.  The report is cut into pieces (report_pdf_pieces.plan: the front
    matter with the first services, then groups of services); each piece is laid out and painted
    on its own QPdfWriter, in this process or in worker processes (`workers`; default: one per
    core, MIGREADY_PDF_WORKERS to set it, 1 for none), and the pieces are merged with pikepdf,
    which also lays each page's footer over it and writes the outline.  The pieces and so the
    pages are the same however many processes render them."""
    from .report_pdf_pieces import render_pieces
    ensure_app()
    return render_pieces(report, progress, cancel, workers)


def new_writer(buffer: QBuffer, title: str) -> QPdfWriter:
    writer = QPdfWriter(buffer)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(MARGINS_MM, QPageLayout.Unit.Millimeter)
    writer.setResolution(RESOLUTION)
    writer.setTitle(title)
    writer.setCreator("migready")
    return writer


class Piece:
    """Some sections of the report on a QPdfWriter of their own: laid out when made (so its page
    count and outline are known), painted by `paint` once the pages before it are counted."""

    def __init__(self, htmls: list[str], drawings: dict, title: str, font: QFont | None = None,
                 cancel: threading.Event | None = None):
        self.data = QByteArray()
        self.buffer = QBuffer(self.data)
        self.buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        self.writer = writer = new_writer(self.buffer, title)
        page = writer.pageLayout().paintRectPixels(RESOLUTION)
        self.body = body = QSizeF(page.width(), page.height() - FOOTER_HEIGHT)
        self.font = font = font or report_font()
        self.path_width = path_width = body.width() * 0.98
        self.docs = []
        self.outline: list[tuple[str, int]] = []  # (heading, page index in this piece)
        pages = 0
        for html in htmls:
            if cancel is not None and cancel.is_set():
                raise RenderCancelled()
            doc = QTextDocument()
            doc.setDefaultFont(font)
            doc.setDocumentMargin(0)
            doc.documentLayout().setPaintDevice(writer)
            keys: list[str] = []
            if drawings and MARKER_START in html:
                html = place_paths(html, drawings, path_width, keys)
                doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(PATH_IMAGE), _blank())
            doc.setHtml(html)
            placed = image_positions(doc, [drawings[k] for k in keys]) if keys else []
            doc.setPageSize(body)
            count = unstraddle(doc, body, doc.pageCount())
            self.outline += [(text, pages + page) for text, page in headings(doc, body.height())]
            self.docs.append((doc, count, placed))
            pages += count
        self.pages = pages

    def paint(self, progress: Callable[[int], None] | None = None,
              cancel: threading.Event | None = None) -> bytes:
        """The piece's PDF, without footers: they carry "page N of M", which is known only once
        every piece is counted, so they are stamped on at the merge (`footers`).  Laying out
        and painting a piece in one go lets each process take the next piece from the queue as
        soon as it is done, whoever laid out the others."""
        writer, body, font, path_width = self.writer, self.body, self.font, self.path_width
        painter = QPainter()
        if not painter.begin(writer):
            raise RuntimeError("cannot paint on the PDF writer")
        first, tools, families = True, {}, font.families()  # tools: path_view.paint's fonts, pens, brushes
        try:
            for doc, pages, placed in self.docs:
                layout = doc.documentLayout()
                spots = [(_line_spot(layout, doc.findBlock(position), position), drawing) for position, drawing in placed]
                for index in range(pages):
                    if cancel is not None and cancel.is_set():
                        raise RenderCancelled()
                    if not first:
                        writer.newPage()
                    first = False
                    clip = QRectF(0, index * body.height(), body.width(), body.height())
                    painter.save()
                    painter.translate(0, -clip.top())
                    painter.setClipRect(clip)
                    context = QAbstractTextDocumentLayout.PaintContext()
                    # Qt draws every line that touches the clip, and a page's first line starts
                    # exactly where the page before ends: drawn there too, under the painter's
                    # clip, it was hidden on paper but in the text layer (a third of the pages
                    # had the next page's first line in their footer's place).  Lines never
                    # straddle a page, so a clip a hair inside the page draws each line once.
                    context.clip = clip.adjusted(0, _HAIR, 0, -_HAIR)
                    layout.draw(painter, context)
                    for spot, drawing in spots:  # the path diagrams, as vectors where their placeholders sit
                        if clip.top() <= spot.y() < clip.bottom():  # once: on the page where it starts
                            paint(painter, drawing, spot, path_width / drawing.width, families, tools)
                    painter.restore()
                    if progress:
                        progress(1)
        finally:
            painter.end()
        self.buffer.close()
        self.docs = []
        return bytes(self.data.data())


def footers(total: int, footer: Callable[[int, int], str], title: str, font: QFont | None = None) -> bytes:
    """A PDF of `total` pages holding only each page's footer ("... page N of TOTAL"), where a
    piece's page has its footer: the merge lays page N of this over page N of the report."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = new_writer(buffer, title)
    page = writer.pageLayout().paintRectPixels(RESOLUTION)
    footer_font = QFont(font or report_font())
    footer_font.setPointSizeF(7)
    painter = QPainter()
    if not painter.begin(writer):
        raise RuntimeError("cannot paint on the PDF writer")
    try:
        painter.setFont(footer_font)
        painter.setPen(Qt.GlobalColor.darkGray)
        box = QRectF(0, page.height() - FOOTER_HEIGHT, page.width(), FOOTER_HEIGHT)
        for number in range(1, total + 1):
            if number > 1:
                writer.newPage()
            painter.drawText(box, Qt.AlignmentFlag.AlignBottom | Qt.AlignmentFlag.AlignLeft, footer(number, total))
    finally:
        painter.end()
    buffer.close()
    return bytes(data.data())


def unstraddle(doc: QTextDocument, body: QSizeF, pages: int) -> int:
    """Move to the next page each block whose first line Qt left across a page break, and return
    the page count.  Qt's pagination misses a rare one (a list item's last div, after a nested
    list: one line in the 10,000-item report's 1,661 pages), printed half at the foot of one page
    and half, its top cut off, at the head of the next.  Only the page breaks are looked at (a hit
    test at a few points across each), and a block found is given a page break before it."""
    layout, height = doc.documentLayout(), body.height()
    for _round in range(3):
        moved = False
        for page in range(1, pages):
            y, seen = page * height, set()
            for x in (body.width() * k / 6 for k in (1, 3, 5)):  # a table's columns too
                position = layout.hitTest(QPointF(x, y), Qt.HitTestAccuracy.FuzzyHit)
                block = doc.findBlock(position) if position >= 0 else None
                if block is None or block.position() in seen or not block.isValid() or not block.layout().lineCount():
                    continue
                seen.add(block.position())
                top = _line_spot(layout, block, block.position()).y()
                if top < y - _HAIR < y + _HAIR < top + block.layout().lineAt(0).height():
                    cursor = QTextCursor(block)
                    form = block.blockFormat()
                    form.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
                    cursor.setBlockFormat(form)
                    moved = True
        if not moved:
            return pages
        pages = doc.pageCount()
    return pages


def _line_spot(layout, block, position: int) -> QPointF:
    """Where the line holding `position` starts: its block's top left, moved down by the line's
    offset.  The offset can be a page break: a line (a path diagram's image) that does not fit at
    the foot of a page is moved to the next page while its block still starts on this one (painted
    at the block's top, a diagram sat under the footer of one page and was cut off on the next)."""
    rect = layout.blockBoundingRect(block)
    line = block.layout().lineForTextPosition(position - block.position())
    return QPointF(rect.left(), rect.top() + (line.y() if line.isValid() else 0))


def headings(doc: QTextDocument, page_height: float) -> list[tuple[str, int]]:
    """The document's <h2> headings (top level: tables are skipped whole) and the page each is on."""
    out, layout = [], doc.documentLayout()
    it = doc.rootFrame().begin()
    while not it.atEnd():
        block = it.currentBlock()
        if block.isValid() and block.blockFormat().headingLevel() == 2:
            out.append((block.text().strip(), int(layout.blockBoundingRect(block).top() // page_height)))
        it += 1
    return out


MARKER_START = PDF_MARKER.split("{", 1)[0]
_MARKER = re.compile(re.escape(MARKER_START) + r"([0-9.]+)" + re.escape(PDF_MARKER.rsplit("}", 1)[1]))


PATH_IMAGE = "migready-path"


def _blank() -> QImage:
    blank = QImage(1, 1, QImage.Format.Format_ARGB32)
    blank.fill(Qt.GlobalColor.transparent)
    return blank


def place_paths(html: str, drawings: dict, width: float, keys: list[str]) -> str:
    """Swap each path marker for an empty image of the diagram's size, in the HTML itself, and
    append the drawings' keys to `keys` in document order: the page loop paints each drawing,
    as vectors, where its image sits.  (Editing the laid-out document with a cursor instead cost
    more than its layout: ~5 ms per diagram.  An inline QTextObjectInterface would be the natural
    hook, but PySide6 does not register a Python handler: handlerForObject() stays None.)"""
    def image(match):
        drawing = drawings.get(match.group(1))
        if drawing is None:
            return ""
        keys.append(match.group(1))
        w = width / _IMAGE_UNITS  # an image's size is read in 96-dpi pixels
        return f'<img src="{PATH_IMAGE}" width="{w:.2f}" height="{drawing.height * w / drawing.width:.2f}">'
    return _MARKER.sub(image, html)


def image_positions(doc: QTextDocument, drawings: list) -> list[tuple[int, object]]:
    """Where each path image sits ([(position, drawing)], in document order): every image of the
    report is a path image, an object replacement character in the document's raw text, whose
    positions count UTF-16 units.  (doc.find per image rescanned the document: 4 ms each.)"""
    raw = doc.toRawText().encode("utf-16-le")
    placed, at = [], 0
    for drawing in drawings:
        at = raw.find(_OBJECT, at)
        while at >= 0 and at % 2:  # a match straddling two characters
            at = raw.find(_OBJECT, at + 1)
        if at < 0:
            break
        placed.append((at // 2, drawing))
        at += 2
    return placed


_OBJECT = "\ufffc".encode("utf-16-le")


def report_font() -> QFont:
    """Installed families only: a missing first family costs a font lookup per text run
    (a third of the PDF time in bench/bench_report.py)."""
    installed = set(QFontDatabase.families())
    family = cjk_family()
    font = QFont()
    font.setFamilies([f for f in LATIN_FAMILIES if f in installed] + ([family] if family else []))
    font.setPointSizeF(BASE_PT)
    return font


def section_documents(report: dict) -> list[str]:
    """Every section of the report as the documents one piece would lay out (see `documents`)."""
    head, sections = document_parts(report, variant="qt")
    return documents(head, sections)


def documents(head: str, sections: list[str], summary_first: bool = True) -> list[str]:
    """The summary page as a document of its own (it is page 1, whatever follows), then the rest
    flowing on without a forced break per service (a service of two rows would leave the rest of
    its page empty), in documents of at most CHUNK characters: laid out separately, which is much
    faster than one big document (layout time grows faster than linearly with its size)."""
    docs, current = ([sections[0]], "") if summary_first else ([], "")
    for section in sections[1 if summary_first else 0:]:
        section = section.replace(_BREAK, "", 1) if section.startswith(_OPENS_WITH_BREAK) else section
        if current and len(current) + len(section) > CHUNK:
            docs.append(current)
            current = ""
        current += section
    if current:
        docs.append(current)
    return [head + "<body>" + _bordered(doc) + "</body></html>" for doc in docs]


CHUNK = 250_000
_IMAGE_UNITS = RESOLUTION / 96
_OPENS_WITH_BREAK = ('<div class="service"', "<h2" + ' style="page-break-before: always"')


_COUNTS = re.compile(r'<table class="counts"')
_BREAK = ' style="page-break-before: always"'


def _bordered(html: str) -> str:
    """Cell borders (by attribute: QTextDocument ignores CSS borders on cells) only on the small
    counts table.  Grid lines on every table cost 40% of the rendering time (bench/README.md);
    the long tables separate their rows by shading alternate rows instead."""
    return _COUNTS.sub('<table border="1" style="border-collapse: collapse; border-color: #999999" class="counts"',
                       html)
