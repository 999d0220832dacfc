"""Benchmark: open an inventory of N dependencies (default 10,000) in the real main window.

    python bench/bench_gui_open.py [--deps 10000] [--repeat 3]

Generates the inventory of bench/bench_inventory.py in a temporary directory,
builds the real `MainWindow` offscreen (QT_QPA_PLATFORM=offscreen unless set),
and opens the file the way a user does: File > Open inventory (Ctrl+O), the
file dialog answering with the generated path.  It times, from the click:

- tree:      the inventory tree holds every service (load + validate + flag
             ran in a worker, the lazy tree model was reset on the UI thread;
             it shows them as they are scrolled to);
- flags:     the flags table holds every flag (it shows them as they are scrolled to);
- checklist: the review (checklist, verdict) came back from its worker and the
             checklist tree holds it;

and the UI thread's worst gap while that happens: a QTimer on the UI thread
ticks every 10 ms and the longest interval between ticks (from the click to
0.2 s after the checklist is ready) is reported, with when it ended.  Then
the user clicks through Flags, Checklist, Sign-off & Report and back to
Inventory (each page shown for 0.2 s; Sign-off & Report until its worker
has built the report and the preview shows it, then 0.2 s); the worst gap is
reported per page, and how long the report preview took.  Each run uses a fresh window,
workspace folder and settings; best and median of --repeat.

A sampler thread reads the UI thread's Python stack every 2 ms
(`sys._current_frames`); for the worst loading gap of each run it prints the
stacks seen most often during that gap, so the next regression names itself
(issue 27 found the banner's tooltip this way: `show_verdict` → `lines` →
`Msg.shown`).  A stack that is only this script's `loop.exec` is Qt's own C++
(layout, paint) or waiting for the GIL.  `--no-sample` turns it off.

Nothing is probed: opening never starts probes, and this script makes sure of
it (any attempt to build a probe plan aborts the run).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt is imported anywhere

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_inventory import generate  # noqa: E402

TICK_MS = 10
SETTLE_S = 0.2
TIMEOUT_S = 120
BROWSE = ("flags", "checklist", "signoff", "inventory")
SAMPLE_S = 0.002
STACK_DEPTH = 4  # innermost frames printed per sampled stack


class Sampler(threading.Thread):
    """The UI thread's Python stack every SAMPLE_S seconds, with the time it was read."""

    def __init__(self, thread_id: int):
        super().__init__(daemon=True)
        self.thread_id, self.samples, self.stopped = thread_id, [], threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(SAMPLE_S):
            frame = sys._current_frames().get(self.thread_id)
            stack = []
            while frame is not None and len(stack) < 40:
                code = frame.f_code
                stack.append(f"{code.co_name} ({Path(code.co_filename).name}:{frame.f_lineno})")
                frame = frame.f_back
            self.samples.append((time.perf_counter(), tuple(stack)))

    def top(self, start: float, end: float, n: int = 5) -> list[tuple[int, str]]:
        """The `n` commonest innermost stacks sampled between start and end, with their counts."""
        counts = Counter()
        for when, stack in self.samples:
            if start < when <= end:
                inner = [f for f in stack if not f.startswith(("run_once (bench_gui_open", "main (bench_gui_open",
                                                               "<module> (bench_gui_open"))]
                counts[" < ".join(inner[:STACK_DEPTH]) or "event loop (Qt C++, or waiting for the GIL)"] += 1
        return counts.most_common(n)


def no_probing() -> None:
    """Opening must never probe; if anything tries, stop before a packet leaves."""
    from migready.checks.probing import run as probe_run

    def refuse(*_args, **_kwargs):
        raise SystemExit("bench_gui_open: something tried to build a probe plan; nothing may be probed here")

    probe_run.build_plan = refuse


def run_once(app, path: Path, services: int, scratch: Path, sample: bool = True) -> dict:
    from PySide6.QtCore import QEventLoop, QSettings, QTimer

    from migready.gui.interaction import Interaction
    from migready.gui.mainwindow import MainWindow
    from migready.gui.session import Session

    class Answers(Interaction):
        """The file dialog answers with the generated inventory."""

        def open_file(self, *_args, **_kwargs):
            return str(path)

    window = MainWindow(session=Session(data_dir=scratch / "data"), interaction=Answers(),
                        settings=QSettings(str(scratch / "settings.ini"), QSettings.IniFormat))
    window.resize(1280, 800)
    window.show()
    session = window.session
    inventory_page, flags_page, checklist_page = (window.pages[k] for k in ("inventory", "flags", "checklist"))
    loop = QEventLoop()
    settle = lambda: QTimer.singleShot(int(SETTLE_S * 1000), loop.quit)  # noqa: E731
    deadline = QTimer(singleShot=True, interval=TIMEOUT_S * 1000)
    deadline.timeout.connect(loop.quit)
    marks: dict[str, float] = {}

    # Connected after the pages' own slots, so these run once the pages have refreshed.
    def inventory_changed():
        if session.inventory is not None and inventory_page.model.total() == services and "tree" not in marks:
            marks["tree"] = time.perf_counter()
        if session.flags and flags_page.model.total() == len(session.flags) and "flags" not in marks:
            marks["flags"] = time.perf_counter()

    def review_changed():
        if session.review is not None and checklist_page.model.rowCount() > 0 and "checklist" not in marks:
            marks["checklist"] = time.perf_counter()
            settle()

    session.inventory_changed.connect(inventory_changed)
    session.review_changed.connect(review_changed)
    session.error.connect(lambda title, text: (print(f"{title}: {text}", file=sys.stderr), loop.quit()))

    app.processEvents()  # the empty window is up before the clock starts
    ticks: list[float] = []
    ticker = QTimer(interval=TICK_MS)
    ticker.timeout.connect(lambda: ticks.append(time.perf_counter()))
    ticker.start()
    sampler = Sampler(threading.get_ident()) if sample else None
    if sampler:
        sampler.start()
    deadline.start()
    clicked = time.perf_counter()
    QTimer.singleShot(0, window.actions["open"].trigger)  # File > Open inventory, from the event loop
    loop.exec()
    loaded_until = time.perf_counter()
    if "checklist" not in marks:
        raise SystemExit(f"bench_gui_open: not loaded after {TIMEOUT_S} s (got {sorted(marks)})")

    # The user looks at the other pages: the views lay out the big models.
    # Sign-off & Report builds the report in a worker and previews it: wait for the preview.
    signoff = window.pages["signoff"]
    shown = {}
    for step in BROWSE:
        started = time.perf_counter()
        window.go(step)
        if step == "signoff":
            watch = QTimer(interval=5)

            def check():
                if signoff.report is not None and not signoff.stale:
                    marks["report"] = time.perf_counter()
                    watch.stop()
                    settle()
            watch.timeout.connect(check)
            watch.start()
            deadline.start()
        else:
            settle()
        loop.exec()
        shown[step] = (started, time.perf_counter())
    ticker.stop()
    if sampler:
        sampler.stopped.set()
        sampler.join()
    deadline.stop()
    if "report" not in marks:
        raise SystemExit(f"bench_gui_open: no report preview after {TIMEOUT_S} s")

    def worst_gap(start: float, end: float) -> float:
        during = [start] + [t for t in ticks if start < t <= end]
        return max(b - a for a, b in zip(during, during[1:]))

    def worst_gap_ends(start: float, end: float) -> float:
        during = [start] + [t for t in ticks if start < t <= end]
        return max(zip(during, during[1:]), key=lambda ab: ab[1] - ab[0])[1] - start

    def worst_gap_span(start: float, end: float) -> tuple[float, float]:
        during = [start] + [t for t in ticks if start < t <= end]
        return max(zip(during, during[1:]), key=lambda ab: ab[1] - ab[0])

    result = {
        "tree": marks["tree"] - clicked,
        "flags": marks["flags"] - clicked,
        "checklist": marks["checklist"] - clicked,
        "gap_load": worst_gap(clicked, loaded_until),
        "gap_load_at": worst_gap_ends(clicked, loaded_until),
        "report": marks["report"] - shown["signoff"][0],
        **{f"gap_{step}": worst_gap(*shown[step]) for step in BROWSE},
        "flag_count": len(session.flags),
        "items": len(session.review.checklist.items),
        "tree_rows": inventory_page.model.total(),
        "frames": sampler.top(*worst_gap_span(clicked, loaded_until)) if sampler else [],
    }
    assert session.probe is None, "a probe run started"
    window.close()
    session.runner.wait()
    session.saver.wait()
    window.deleteLater()
    app.processEvents()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deps", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-sample", action="store_true", help="no stack sampler on the UI thread")
    args = parser.parse_args()
    no_probing()
    from migready.gui.standalone import ensure_app
    app = ensure_app()
    app.setStyle("Fusion")
    services = -(-args.deps // 50)
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.yaml"
        path.write_text(generate(args.deps), encoding="utf-8")
        size_kib = path.stat().st_size / 1024
        for number in range(args.repeat):
            runs.append(run_once(app, path, services, Path(tmp) / f"run{number}", sample=not args.no_sample))
    first = runs[0]
    print(f"{args.deps} dependencies ({size_kib:.0f} KiB of YAML, {first['tree_rows']} services), "
          f"{first['flag_count']} flags, {first['items']} checklist items; QT_QPA_PLATFORM="
          f"{os.environ['QT_QPA_PLATFORM']}, UI timer every {TICK_MS} ms; times from File > Open:")
    columns = [("tree", "inventory tree populated"), ("flags", "flags table ready"),
               ("checklist", "checklist ready (review done)"), ("gap_load", "worst UI gap while loading"),
               ("gap_load_at", "  ... that gap ended (after the click)"),
               ("gap_flags", "worst UI gap, then showing Flags"), ("gap_checklist", "worst UI gap, showing Checklist"),
               ("report", "Sign-off & Report: report previewed"),
               ("gap_signoff", "  ... worst UI gap until then"), ("gap_inventory", "worst UI gap, back to Inventory")]
    header = f"  {'':38}" + "".join(f"{'run ' + str(i + 1):>10}" for i in range(len(runs))) + \
        f"{'best':>10}{'median':>10}"
    print(header)
    for key, label in columns:
        values = [r[key] for r in runs]
        cells = "".join(f"{v * 1000:7.0f} ms" for v in values)
        if key == "gap_load_at":  # where each run's worst gap was, not a figure to rank
            print(f"  {label:38}{cells}")
            continue
        print(f"  {label:38}{cells}{min(values) * 1000:7.0f} ms{statistics.median(values) * 1000:7.0f} ms")
    if not args.no_sample:
        print(f"UI-thread stacks sampled every {SAMPLE_S * 1000:.0f} ms during each run's worst loading gap "
              f"(samples, innermost frame first):")
        for number, r in enumerate(runs, 1):
            print(f"  run {number} (gap {r['gap_load'] * 1000:.0f} ms, ended {r['gap_load_at'] * 1000:.0f} ms "
                  f"after the click):")
            for stack, count in r["frames"]:
                print(f"    {count:4d}  {stack}")


if __name__ == "__main__":
    main()
