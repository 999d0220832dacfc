"""The PDF in pieces: laid out and painted in parallel processes, merged with pikepdf (qpdf).

Qt lays out and paints a PDF on one thread, and a 10,000-item report is
~2,000 pages (bench/README.md "Report rendering").  So the report is cut into
pieces (`plan`): the front matter with the first services, then groups of
whole services, the closing part with the last.  Each piece is laid out and
painted at once on a QPdfWriter of its own (report_pdf.Piece), by whichever
process takes it from the queue first, so no process waits for another's
pieces.  The pieces are merged in order as they come; once every piece has
counted its pages, each page gets its footer ("page N of TOTAL", painted by
Qt in a PDF of footers only and laid over the page as a form XObject) and
the outline is written (one entry per <h2>: the summary, the details, each
service, the appendix).

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

import gc
import io
import logging
import os
import pickle
import shutil
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
            requested = cores  # this process renders too; one more cost ~0.8 s of CPU (start-up, sharing the cores)
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
    """One worker process, fed pieces from the shared queue by this thread (which only moves bytes):
    each piece comes back counted, then painted, its PDF in a file of `folder`.

    This thread needs the GIL, which this process's own layout holds for up to ~0.2 s at a time
    (Qt does not release it), so the worker must never wait for it: the next piece is sent while the
    worker paints the current one (`take(ahead=True)`), and the PDF goes to a file, not through the
    pipe, which would fill and block the worker until this thread read it."""

    def __init__(self, setup: bytes, take: Callable[..., int | None], payload: Callable[[int], tuple],
                 laid: Callable[[int, int, list], None], done: Callable[[int, str], None], folder: str,
                 give_back: Callable[[list[int]], None], footing: "_Footing"):
        super().__init__(daemon=True)
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        self.log = tempfile.TemporaryFile()  # not a pipe: Qt's warnings could fill one and stall the worker
        self.proc = subprocess.Popen([sys.executable, "-m", "migready.gui.report_pdf_pieces"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.log, env=env)
        self.setup, self.take, self.payload, self.laid, self.done = setup, take, payload, laid, done
        self.folder, self.give_back, self.footing = folder, give_back, footing
        self.taken: list[int] = []
        self.error: str | None = None
        self.footers_error: str | None = None
        self.stderr = b""

    def _send(self, message) -> None:
        pickle.dump(message, self.proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        self.proc.stdin.flush()

    def _receive(self):
        reply = pickle.load(self.proc.stdout)
        if reply[0] == "error":
            raise RuntimeError(reply[1])
        return reply

    def run(self) -> None:  # render pieces until the queue is empty
        try:
            try:
                self.proc.stdin.write(self.setup)
                self.proc.stdin.flush()
                k = self._give(self.take())  # now, while this process makes the front matter (in Python)
                self._receive()  # ("ready",): Qt is up
            except Exception:  # it could not start (it may be gone before its piece is even sent: a broken
                # pipe): its piece goes back to the queue, this process takes it
                self.give_back(self.taken)
                self.taken = []
                raise
            while k is not None:
                _tag, k, pages, outline = self._receive()  # counted: the footers can be made
                self.laid(k, pages, outline)
                ahead = self._give(self.take(ahead=True))  # queued behind the painting, when many are left
                _tag, k, path = self._receive()
                self.done(k, path)
                k = ahead if ahead is not None else self._give(self.take())
            self._footers()
            self.proc.stdin.close()  # the worker's end of input: it exits
        except Exception as exc:  # noqa: BLE001 - reported by render_pieces
            self.error = self._why(exc)

    def _footers(self) -> None:
        """With no piece left, the worker makes the footers, if this process has not yet: it is
        still painting its last piece, and they were ~0.2 s at the very end.  A failure costs only
        time: this process makes them instead."""
        total = self.footing.claim_for_worker()
        if not total:
            return
        path = os.path.join(self.folder, "footers.pdf")
        try:
            self._send(("footers", total, path))
            self._receive()
        except Exception as exc:  # noqa: BLE001 - this process makes them
            self.footing.release()
            self.footers_error = self._why(exc)
            return
        self.footing.made_by_worker(path)

    def _give(self, k: int | None) -> int | None:
        """Send piece k: its services go in a file and the pipe carries only the paths.  Through the
        pipe, a piece's megabyte of pickle blocked this thread at each 64 kB until the worker read
        it, after it had painted the piece before; and each wake-up waited for the GIL, which this
        process's own Qt layout holds for up to ~0.2 s: the worker sat idle ~1.5 s of a 9 s render."""
        if k is not None:
            self.taken.append(k)
            source = os.path.join(self.folder, f"services-{k}.pickle")
            with open(source, "wb") as file:
                pickle.dump(self.payload(k), file, protocol=pickle.HIGHEST_PROTOCOL)
            self._send(("piece", k, os.path.join(self.folder, f"piece-{k}.pdf"), source))
        return k

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
    """The PDF: each piece laid out and painted, here or in one of `workers` - 1 processes,
    whichever takes it first from the queue; merged in order as they come; once every piece is
    counted (laid out, perhaps still painting), the footers ("page N of M") are made and laid over
    the pages merged and to come; at the end, the outline."""
    from migready.checks.report.html import digest_of, document_head, document_title, front_parts, page_footer, words
    from migready.checks.text.i18n import language

    from .report_pdf import Piece, RenderCancelled, footers, report_font

    if not report.get("digest"):  # hashed once here, not once per part that shows it
        report = dict(report, digest=digest_of(report))
    head = document_head(report, variant="qt")
    pieces = plan(report)
    title, footer, font = document_title(report), page_footer(report), report_font()
    say = words(report)
    n = min(worker_count(workers), len(pieces))
    weights = [front_weight(report) * (not k) + sum(weight(report["services"][i]) for i in piece)
               for k, piece in enumerate(pieces)]

    lock = threading.Lock()
    queue = list(range(len(pieces) - 1, 0, -1))  # popped from the end; piece 0 (the front matter) is rendered here
    counted: dict[int, tuple[int, list]] = {}  # pages and outline of each piece laid out
    footing = _Footing(counted, len(pieces), lock)
    rendered: dict[int, bytes | str] = {}  # each piece's PDF (a worker's: its file) until it is merged
    painted = [0]  # pages painted so far, in every process

    def take(ahead: bool = False) -> int | None:
        """The next piece; `ahead` (a worker's next, while it paints this one): only when two are left."""
        with lock:
            return queue.pop() if len(queue) > (2 if ahead else 0) else None

    def give_back(ks: list[int]) -> None:  # a worker that could not start
        with lock:
            queue.extend(sorted(ks, reverse=True))

    def laid(k: int, pages: int, outline: list) -> None:
        with lock:
            counted[k] = (pages, outline)
            footing.cond.notify_all()  # a lane may be waiting for the last count

    def done(k: int, data: bytes | str) -> None:
        with lock:
            rendered[k] = data
            if k not in local:
                painted[0] += counted[k][0]

    def payload(k: int) -> tuple:
        return {i: report["services"][i] for i in pieces[k]}, k == len(pieces) - 1

    def tell() -> None:
        if progress:
            with lock:
                known = [(counted[k][0], weights[k]) for k in counted]
                per = sum(p for p, _w in known) / max(1, sum(w for _p, w in known)) if known else 0.06
                total = sum(counted[k][0] if k in counted else round(weights[k] * per) for k in range(len(pieces)))
                now = painted[0]
            progress(now, max(now, total))

    def step(pages: int) -> None:
        with lock:
            painted[0] += pages
        tell()

    front: list[str] = []
    local: set[int] = set()
    merger: Merger | None = None

    def merge_ready() -> None:  # append, in order, every piece rendered so far; the footers once counted
        while True:
            with lock:
                data = rendered.pop(merger.count, None)
            total = footing.total()
            if total and merger.stamps is None:
                if footing.claim_here():
                    merger.stamp(footers(total, footer, title, font))
                elif footing.made is not None:  # by a worker
                    merger.stamp(footing.made)
            if data is None:
                return
            merger.add(data)

    def make(k: int) -> None:
        local.add(k)
        htmls, drawings = piece_documents(report, head, pieces[k], front if k == 0 else None, k == len(pieces) - 1,
                                          say)
        piece = Piece(htmls, drawings, title, font, cancel)
        laid(k, piece.pages, piece.outline)
        done(k, piece.paint(step, cancel))
        merge_ready()

    lanes: list[_Lane] = []
    folder = tempfile.mkdtemp(prefix="migready-pdf-")  # the workers' pieces
    collecting = gc.isenabled()
    gc.disable()  # the report's objects live until the end; the collector would only walk them
    try:
        if n > 1:
            setup = pickle.dumps({"lang": language(), "head": head, "title": title, "footer": footer,
                                  "common": {key: report.get(key) for key in COMMON}},
                                 protocol=pickle.HIGHEST_PROTOCOL)
            for _ in range(n - 1):
                try:
                    lanes.append(_Lane(setup, take, payload, laid, done, folder, give_back, footing))
                except OSError as exc:  # no interpreter to start: this process renders the pieces
                    logging.getLogger(__name__).warning("rendered without a PDF worker: %s", exc)
                    break
            for lane in lanes:
                lane.start()
        merger = Merger()  # after the workers are started: importing pikepdf takes ~0.2 s
        front = front_parts(report, variant="qt")[1]  # while the workers start: they never need it
        make(0)
        while merger.count < len(pieces):
            if (k := take()) is not None:  # pieces are taken until none is left, given back ones too
                make(k)
                continue
            if cancel is not None and cancel.is_set():
                raise RenderCancelled()
            for lane in lanes:
                if lane.error and lane.taken:
                    raise RuntimeError(lane.error)
            merge_ready()
            if merger.count < len(pieces):
                if not any(lane.is_alive() for lane in lanes):
                    merge_ready()
                    with lock:
                        left = bool(queue)  # given back by a worker that ended since
                    if merger.count < len(pieces) and not left:
                        raise RuntimeError("a PDF worker process ended without its pieces")
                time.sleep(0.01)
                tell()
        while merger.stamps is None:  # the footers, which a worker is making
            if cancel is not None and cancel.is_set():
                raise RenderCancelled()
            time.sleep(0.002)
            merge_ready()
        for lane in lanes:
            if lane.error and not lane.taken:  # it failed before taking a piece: it cost only time, say so
                logging.getLogger(__name__).warning("rendered without one PDF worker: %s", lane.error)
            if lane.footers_error:
                logging.getLogger(__name__).warning("the PDF's footers were made here: %s", lane.footers_error)
        starts, total = [], 0
        for k in range(len(pieces)):
            starts.append(total)
            total += counted[k][0]
        outline = [(text, starts[k] + page) for k in range(len(pieces)) for text, page in counted[k][1]]
        data = merger.finish(outline, title)
        if progress:
            progress(total, total)
        return data
    finally:
        footing.close()  # a lane waiting to make the footers goes
        for lane in lanes:
            lane.stop()
        if merger is not None:
            merger.close()
        shutil.rmtree(folder, ignore_errors=True)
        if collecting:
            gc.enable()


class _Footing:
    """Who makes the footers ("page N of M": every piece must be counted first) and what was made.
    A worker with no piece left claims them while this process is still painting; otherwise this
    process makes them when it merges.  The work is never done twice.  The pages are render_pieces'
    own count ({piece: (pages, outline)}), under its lock."""

    def __init__(self, counted: dict, pieces: int, lock: threading.Lock):
        self.cond = threading.Condition(lock)
        self.counted, self.pieces = counted, pieces
        self.by: str | None = None  # "worker" or "here"
        self.made: str | None = None  # the worker's file
        self.closed = False

    def _total(self) -> int:  # with the lock held
        return sum(pages for pages, _outline in self.counted.values()) if len(self.counted) == self.pieces else 0

    def total(self) -> int:
        """Every page of the report once every piece is counted, else 0."""
        with self.cond:
            return self._total()

    def claim_for_worker(self) -> int:
        """The total to make them for, waiting until every piece is counted; 0: not this worker's job."""
        with self.cond:
            while len(self.counted) < self.pieces and not self.closed:
                self.cond.wait()
            if self.by is not None or self.closed:
                return 0
            self.by = "worker"
            return self._total()

    def claim_here(self) -> bool:
        with self.cond:
            if self.by is None:
                self.by = "here"
                return True
            return False

    def made_by_worker(self, path: str) -> None:
        with self.cond:
            self.made = path

    def release(self) -> None:  # the worker could not make them
        with self.cond:
            self.by = None

    def close(self) -> None:
        with self.cond:
            self.closed = True
            self.cond.notify_all()


class Merger:
    """The pieces as one PDF with pikepdf (qpdf): appended in order as they come (the workers may
    still be rendering the next ones); each page's footer laid over it once the footers are made
    (`stamp`); then the outline (0-based page numbers) and the title.  Streams are copied as they
    are, never decoded."""

    def __init__(self):
        import pikepdf
        self.pikepdf = pikepdf
        self.pdf = pikepdf.new()
        self.sources: list = []  # qpdf copies stream data from its source when it writes
        self.count = 0
        self.stamps = None  # the footers' PDF, page N for page N
        self.stamp_pages = None
        self.stamped = 0  # pages with their footer

    def add(self, data: bytes | str) -> None:
        """A piece's PDF, as bytes or in a file (read until `finish` writes)."""
        source = self.pikepdf.open(io.BytesIO(data) if isinstance(data, bytes) else data)
        self.sources.append(source)
        self.pdf.pages.extend(source.pages)
        self.count += 1
        self._overlay()

    def stamp(self, footers: bytes | str) -> None:
        """The footers (report_pdf.footers, as bytes or in a file), laid over the pages merged so far
        and those to come."""
        self.stamps = self.pikepdf.open(io.BytesIO(footers) if isinstance(footers, bytes) else footers)
        self.sources.append(self.stamps)
        pdf = self.pdf
        # Each page's own content is wrapped in q ... Q (Qt leaves its scale in the graphics state),
        # then the footer is drawn as a form XObject with its own resources (fonts, states).
        self.opening = pdf.make_stream(b"q\n")
        self.closing = pdf.make_stream(b"\nQ q /MrFooter Do Q\n")
        self._overlay()

    def _overlay(self) -> None:
        if self.stamps is None:
            return
        pikepdf, pdf = self.pikepdf, self.pdf
        Name = pikepdf.Name
        pages = list(pdf.pages)  # as lists: `pages[i]` walks the page tree (1,800 lookups took 2 s)
        if len(pages) > self.stamped and self.stamp_pages is None:
            self.stamp_pages = list(self.stamps.pages)
        for index in range(self.stamped, len(pages)):
            page = pages[index]
            form = pdf.copy_foreign(self.stamp_pages[index].as_form_xobject())
            resources = page.obj.Resources
            if Name.XObject not in resources:
                resources.XObject = pikepdf.Dictionary()
            resources.XObject.MrFooter = form
            page.obj.Contents = pikepdf.Array([self.opening, page.obj.Contents, self.closing])
        self.stamped = len(pages)

    def finish(self, outline: list[tuple[str, int]], title: str) -> bytes:
        pikepdf, pdf = self.pikepdf, self.pdf
        Name = pikepdf.Name
        if self.stamps is None or self.stamped != len(pdf.pages):
            raise RuntimeError("the PDF's pieces were merged without their footers")
        with pdf.open_outline() as tree:
            tree.root.extend(pikepdf.OutlineItem(text, page) for text, page in outline)
        pdf.docinfo[Name.Title] = title
        pdf.docinfo[Name.Creator] = "migready"
        pdf.Root.PageMode = Name.UseOutlines
        out = io.BytesIO()
        pdf.save(out, stream_decode_level=pikepdf.StreamDecodeLevel.none)
        return out.getvalue()

    def close(self) -> None:
        for source in self.sources:  # their files may go now
            source.close()
        self.sources = []


def worker() -> None:
    """A worker process: reads pickled requests on stdin, answers on stdout (see `_Lane`)."""
    gc.disable()  # a short life over objects that live until its end: the collector would only walk them
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed goes to stderr, never into the answers
    inp = sys.stdin.buffer
    try:
        setup = pickle.load(inp)
        from migready.checks.report.html import words
        from migready.checks.text.i18n import set_language

        from .report_pdf import Piece, ensure_app, footers, report_font
        set_language(setup["lang"])
        ensure_app(widgets=False)
        font = report_font()
        pickle.dump(("ready",), out)
        out.flush()
        report = dict(setup["common"], services={})
        say = words(report)
        while True:
            request = pickle.load(inp)
            if request[0] == "footers":
                _tag, total, path = request
                with open(path, "wb") as file:
                    file.write(footers(total, setup["footer"], setup["title"], font))
                pickle.dump(("footers", path), out, protocol=pickle.HIGHEST_PROTOCOL)
                out.flush()
                continue
            _tag, k, path, source = request
            with open(source, "rb") as file:
                services, closing = pickle.load(file)
            os.unlink(source)
            report["services"] = services
            htmls, drawings = piece_documents(report, setup["head"], sorted(services), None, closing, say)
            piece = Piece(htmls, drawings, setup["title"], font)
            pickle.dump(("laid", k, piece.pages, piece.outline), out, protocol=pickle.HIGHEST_PROTOCOL)
            out.flush()
            with open(path, "wb") as file:
                file.write(piece.paint())
            pickle.dump(("pdf", k, path), out, protocol=pickle.HIGHEST_PROTOCOL)
            out.flush()
    except EOFError:  # the queue is empty: leave at once, without Qt's teardown (~0.1 s the parent waits)
        out.flush()
        os._exit(0)
    except Exception:  # noqa: BLE001 - the parent raises it with this text
        pickle.dump(("error", traceback.format_exc()), out)
        out.flush()


if __name__ == "__main__":
    worker()
