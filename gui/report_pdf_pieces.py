"""The PDF in pieces: laid out and painted in parallel processes, merged with pypdf.

Qt lays out and paints a PDF on one thread, and a 10,000-item report is
~2,000 pages (bench/README.md "Report rendering").  So the report is cut into
pieces (`plan`): the front matter with the first services, then groups of
whole services, the closing part with the last.  Each piece is laid out on
a QPdfWriter of its own (report_pdf.Piece); once every piece has counted its
pages, each is painted with its page numbers ("page N of TOTAL") and the
pieces are merged in order with pypdf, which also writes the outline (one
entry per <h2>: the summary, the details, each service, the appendix).

The pieces are the same however many processes render them: this process
renders the first (it holds the whole report, which the front matter
needs) and takes pieces from the same queue as the worker processes
(`python -m migready.gui.report_pdf_pieces`), which are sent only the
services of the piece they take and the few report fields a service
needs.  Worker processes, not threads: Qt's text layout holds the GIL.
They are started afresh (spawned, not forked: the window has threads and a
display connection a fork would copy).
"""
from __future__ import annotations

import io
import logging
import os
import pickle
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from typing import Callable

# what a worker needs of the report to lay out services and the closing part
COMMON = ("migration", "runs", "comparison", "words", "digest", "generated", "host_evidence", "other_evidence",
          "events", "zones")
PIECE_WEIGHT = 2500  # ~150 pages: rows (items, probes) and diagrams, see `weight`
WORKERS_ENV = "MIGREADY_PDF_WORKERS"


def weight(service: dict) -> int:
    """About a row's worth of layout per checklist item and probe, three per dependency (its heading,
    facts and path diagram)."""
    return 5 + sum(len(d.get("items") or ()) + len(d.get("evidence") or ()) + 3 for d in service["dependencies"])


def front_weight(report: dict) -> int:
    att = report.get("attention") or {}
    return (2 * (len(att.get("blockers") or ()) + len(att.get("regressions") or ()))
            + sum(len(g.get("items") or ()) for g in report.get("general_items") or ()))


def plan(report: dict, limit: int | None = None) -> list[list[int]]:
    """The services of each piece, in order; the first piece also holds the front matter, the last
    the closing part.  A small report is one piece."""
    limit = limit or PIECE_WEIGHT
    pieces: list[list[int]] = [[]]
    current = front_weight(report)
    for index, service in enumerate(report["services"]):
        w = weight(service)
        if current + w > limit and (pieces[-1] or (len(pieces) == 1 and current > 0)):
            pieces.append([])
            current = 0
        pieces[-1].append(index)
        current += w
    return pieces


def worker_count(requested: int | None) -> int:
    if requested is None:
        try:
            requested = int(os.environ.get(WORKERS_ENV, ""))
        except ValueError:
            cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
            requested = cores + 1 if cores > 1 else 1  # one more than the cores: this process also merges
    return max(1, min(requested, 8))


def piece_documents(report: dict, head: str, services: list[int], front: list[str] | None, closing: bool,
                    variant_say=None) -> tuple[list[str], dict]:
    """The documents (HTML) a piece lays out and its path drawings by key."""
    from migready.checks.report.html import closing_part, service_part, words
    from migready.checks.report.paths import layout, path_of

    from .report_pdf import documents
    say = variant_say or words(report)
    sections = list(front or ())
    sections += [service_part(report, i, say, "qt") for i in services]
    if closing:
        sections.append(closing_part(report, say))
    drawings = {}
    migration, runs, comparison = report.get("migration") or {}, report.get("runs") or [], report.get("comparison")
    for i in services:
        for j, dep in enumerate(report["services"][i].get("dependencies") or ()):
            model = path_of(dep, migration, runs, comparison)
            if model is not None:
                drawings[f"{i}.{j}"] = layout(model)
    return documents(head, sections, summary_first=front is not None), drawings


class _Lane(threading.Thread):
    """One worker process, fed pieces from the shared queue by this thread (which only moves bytes)."""

    def __init__(self, setup: bytes, take: Callable[[], int | None], payload: Callable[[int], tuple],
                 laid: Callable[[int, int, list], None]):
        super().__init__(daemon=True)
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        self.log = tempfile.TemporaryFile()  # not a pipe: Qt's warnings could fill one and stall the worker
        self.proc = subprocess.Popen([sys.executable, "-m", "migready.gui.report_pdf_pieces"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.log, env=env)
        self.setup, self.take, self.payload, self.laid = setup, take, payload, laid
        self.mine: list[int] = []
        self.taken: list[int] = []
        self.error: str | None = None
        self.stderr = b""

    def _send(self, message) -> None:
        pickle.dump(message, self.proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        self.proc.stdin.flush()

    def _receive(self):
        reply = pickle.load(self.proc.stdout)
        if reply[0] == "error":
            raise RuntimeError(reply[1])
        return reply

    def run(self) -> None:  # phase 1: lay out pieces until the queue is empty
        try:
            self.proc.stdin.write(self.setup)
            self.proc.stdin.flush()
            self._receive()  # ("ready",): Qt is up; until then this process takes the pieces
            while (k := self.take()) is not None:
                self.taken.append(k)
                self._send(("piece", k) + self.payload(k))
                _tag, k, pages, outline = self._receive()
                self.mine.append(k)
                self.laid(k, pages, outline)
        except Exception as exc:  # noqa: BLE001 - reported by render_pieces
            self.error = self._why(exc)

    def paint(self, starts: dict, total: int, footer, done: Callable[[int, bytes], None]) -> None:
        """Phase 2 (in a thread of its own): paint this worker's pieces, hand each PDF to `done`."""
        try:
            self._send(("paint", {k: starts[k] for k in self.mine}, total, footer))
            for _ in self.mine:
                _tag, k, data = self._receive()
                done(k, data)
        except Exception as exc:  # noqa: BLE001
            self.error = self._why(exc)

    def _why(self, exc: Exception) -> str:
        if isinstance(exc, RuntimeError):
            return str(exc)
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(5)
            self.log.seek(0)
            self.stderr = self.log.read()[-2000:]
        except (OSError, ValueError, subprocess.TimeoutExpired):
            self.stderr = b""
        return f"the PDF worker process failed ({exc!r}): {self.stderr.decode('utf-8', 'replace')}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout, self.log):
            try:
                pipe.close()
            except (OSError, ValueError):
                pass


def render_pieces(report: dict, progress=None, cancel: threading.Event | None = None,
                  workers: int | None = None) -> bytes:
    """The PDF: pieces laid out here and in `workers` - 1 processes (phase 1), then, the pages
    counted, painted with their numbers (phase 2) and merged in order as they come."""
    from migready.checks.report.html import digest_of, document_head, document_title, front_parts, page_footer, words
    from migready.checks.text.i18n import language

    from .report_pdf import Piece, RenderCancelled, report_font

    if not report.get("digest"):  # hashed once here, not once per part that shows it
        report = dict(report, digest=digest_of(report))
    head = document_head(report, variant="qt")
    pieces = plan(report)
    title, footer, font = document_title(report), page_footer(report), report_font()
    say = words(report)
    last = len(pieces) - 1
    n = min(worker_count(workers), len(pieces))

    lock = threading.Lock()
    queue = iter(range(1, len(pieces)))  # piece 0 (the front matter) is laid out here, first
    laid: dict[int, tuple[int, list]] = {}
    local: dict[int, Piece] = {}

    def take() -> int | None:
        with lock:
            return next(queue, None)

    def record(k: int, pages: int, outline: list) -> None:
        with lock:
            laid[k] = (pages, outline)

    def payload(k: int) -> tuple:
        return {i: report["services"][i] for i in pieces[k]}, k == last

    front: list[str] = []

    def make(k: int) -> None:
        htmls, drawings = piece_documents(report, head, pieces[k], front if k == 0 else None, k == last, say)
        local[k] = piece = Piece(htmls, drawings, title, font, cancel)
        record(k, piece.pages, piece.outline)

    lanes: list[_Lane] = []
    try:
        if n > 1:
            setup = pickle.dumps({"lang": language(), "head": head, "title": title,
                                  "common": {key: report.get(key) for key in COMMON}},
                                 protocol=pickle.HIGHEST_PROTOCOL)
            for _ in range(n - 1):
                try:
                    lanes.append(_Lane(setup, take, payload, record))
                except OSError as exc:  # no interpreter to start: this process renders the pieces
                    logging.getLogger(__name__).warning("rendered without a PDF worker: %s", exc)
                    break
            for lane in lanes:
                lane.start()
        front = front_parts(report, variant="qt")[1]  # while the workers start: they never need it
        make(0)
        while (k := take()) is not None:
            make(k)
        for lane in lanes:
            while lane.is_alive():
                lane.join(0.05)
                if cancel is not None and cancel.is_set():
                    raise RenderCancelled()
            if lane.error and lane.taken:
                raise RuntimeError(lane.error)
            if lane.error:  # it failed before taking a piece: it cost nothing but time, say so
                logging.getLogger(__name__).warning("rendered without one PDF worker: %s", lane.error)
        painting = [lane for lane in lanes if lane.mine]

        starts, total = {}, 0
        for k in range(len(pieces)):
            starts[k] = total + 1
            total += laid[k][0]
        datas: dict[int, bytes] = {}
        done_pages = [0]

        def done(k: int, data: bytes) -> None:
            with lock:
                datas[k] = data
                done_pages[0] += laid[k][0]

        painters = [threading.Thread(target=lane.paint, args=(starts, total, footer, done), daemon=True)
                    for lane in painting]
        for thread in painters:
            thread.start()

        def step(pages: int) -> None:
            with lock:
                done_pages[0] += pages
                now = done_pages[0]
            if progress:
                progress(now, total)

        merger = Merger()

        def merge_ready() -> None:  # append, in order, every piece painted so far (while the workers paint)
            while True:
                with lock:
                    data = datas.pop(merger.count, None)
                if data is None:
                    return
                merger.add(data)

        for k in sorted(local):
            data = local.pop(k).paint(starts[k], total, footer, step, cancel)
            with lock:
                datas[k] = data
            merge_ready()
        while merger.count < len(pieces):
            if cancel is not None and cancel.is_set():
                raise RenderCancelled()
            for lane in painting:
                if lane.error:
                    raise RuntimeError(lane.error)
            merge_ready()
            if merger.count < len(pieces):
                if not any(thread.is_alive() for thread in painters):
                    merge_ready()
                    if merger.count < len(pieces):
                        raise RuntimeError("a PDF worker process ended without its pieces")
                time.sleep(0.02)
            if progress:
                progress(min(done_pages[0], total), total)
        outline = [(text, starts[k] - 1 + page) for k in range(len(pieces)) for text, page in laid[k][1]]
        return merger.finish(outline, title)
    finally:
        for lane in lanes:
            lane.stop()


class Merger:
    """The pieces as one PDF with pypdf: appended in order as they come (the workers may still be
    painting the next ones), then the outline (0-based page numbers) and the title."""

    def __init__(self):
        from pypdf import PdfWriter
        self.writer = PdfWriter()
        self.count = 0

    def add(self, data: bytes) -> None:
        from pypdf import PdfReader
        self.writer.append(PdfReader(io.BytesIO(data)), import_outline=False)
        self.count += 1

    def finish(self, outline: list[tuple[str, int]], title: str) -> bytes:
        for text, page in outline:
            self.writer.add_outline_item(title=text, page_number=page)
        self.writer.add_metadata({"/Title": title, "/Creator": "migready"})
        self.writer.page_mode = "/UseOutlines"
        out = io.BytesIO()
        self.writer.write(out)
        return out.getvalue()


def worker() -> None:
    """A worker process: reads pickled requests on stdin, answers on stdout (see `_Lane`)."""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed goes to stderr, never into the answers
    inp = sys.stdin.buffer
    try:
        setup = pickle.load(inp)
        from migready.checks.report.html import words
        from migready.checks.text.i18n import set_language

        from .report_pdf import Piece, ensure_app, report_font
        set_language(setup["lang"])
        ensure_app()
        font = report_font()
        pickle.dump(("ready",), out)
        out.flush()
        report = dict(setup["common"], services={})
        say = words(report)
        mine = {}
        while True:
            message = pickle.load(inp)
            if message[0] == "piece":
                _tag, k, services, closing = message
                report["services"] = services
                htmls, drawings = piece_documents(report, setup["head"], sorted(services), None, closing, say)
                mine[k] = piece = Piece(htmls, drawings, setup["title"], font)
                pickle.dump(("laid", k, piece.pages, piece.outline), out)
                out.flush()
            elif message[0] == "paint":
                _tag, starts, total, footer = message
                for k in sorted(mine):
                    pickle.dump(("pdf", k, mine.pop(k).paint(starts[k], total, footer)), out)
                    out.flush()
                return
    except EOFError:
        return
    except Exception:  # noqa: BLE001 - the parent raises it with this text
        pickle.dump(("error", traceback.format_exc()), out)
        out.flush()


if __name__ == "__main__":
    worker()
