"""Benchmark: the dependency x host matrix at 300 hosts x 200 dependencies (issue 24, item 2).

    python bench/bench_matrix.py [--hosts 300] [--deps 200] [--repeat 3]

Builds a phase view the way the review does (checks/review/hosts.py
`phase_view` over one stored run per host: host_facts, plus a reflect and a
tcp_connect per dependency, ~5% failing, ~2% inconclusive) and times, offscreen
(QT_QPA_PLATFORM=offscreen unless set), in the real `HostMatrix` widget at
1280x800:

- view:   phase_view over the runs (what latest_runs does after a fan-out);
- model:  HostMatrixModel.set_view (the grid of worst statuses);
- paint:  the first full paint of the visible cells (grab());
- scroll: scrolling to the far corner and painting again;
- click:  clicking a cell until its evidence is shown;

and the worst of these as "the UI thread's longest stall".  Best of --repeat.
Nothing is probed.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt is imported anywhere


def runs(hosts: int, deps: int, seed: int = 24) -> list:
    rnd = random.Random(seed)
    out = []
    for h in range(hosts):
        results = [{"dependency": None, "check": "host_facts", "target": None, "status": "pass"}]
        for d in range(deps):
            ref = "svc-%d/dep-%03d" % (d // 10, d)
            roll = rnd.random()
            status = "fail" if roll < 0.05 else "inconclusive" if roll < 0.07 else "pass"
            results.append({"dependency": ref, "check": "tcp_connect", "target": "198.51.100.%d" % (d % 250 + 1),
                            "status": status, "reason": None if status == "pass" else "timeout",
                            "detail": None if status == "pass" else "no answer within 3000 ms", "latency_ms": 1.5})
            results.append({"dependency": ref, "check": "route", "target": "198.51.100.%d" % (d % 250 + 1),
                            "status": "pass"})
        out.append({"id": "run-%d" % (h + 1), "phase": "post", "host": "ssh://ops@node-%03d.example:22" % h,
                    "host_name": "node-%03d" % h, "pool": "k8s-b", "started": "2026-12-07T04:00:%02d" % (h % 60),
                    "finished": "2026-12-07T04:01:00", "complete": True, "planned": len(results),
                    "fleet": {"id": "fleet-bench", "size": hosts, "whole": True}, "results": results})
    return out


def once(hosts: int, deps: int) -> dict:
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from migready.checks.review.hosts import phase_view
    from migready.gui.host_matrix import HostMatrix

    app = QApplication.instance() or QApplication(sys.argv)
    stored = runs(hosts, deps)
    t = {}
    t0 = time.perf_counter()
    view = phase_view(stored, "post")
    t["view"] = time.perf_counter() - t0
    matrix = HostMatrix()
    matrix.resize(1280, 800)
    matrix.show()
    app.processEvents()
    t0 = time.perf_counter()
    matrix.set_view(view)
    t["model"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    matrix.table.grab()
    t["paint"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    matrix.table.scrollTo(matrix.model.index(matrix.model.rowCount() - 1, matrix.model.columnCount() - 1))
    app.processEvents()
    matrix.table.grab()
    t["scroll"] = time.perf_counter() - t0
    index = matrix.model.index(matrix.model.rowCount() - 1, matrix.model.columnCount() - 1)
    rect = matrix.table.visualRect(index)
    t0 = time.perf_counter()
    QTest.mouseClick(matrix.table.viewport(), Qt.LeftButton, pos=QPoint(rect.center()))
    app.processEvents()
    t["click"] = time.perf_counter() - t0
    assert "node-" in matrix.evidence.text(), matrix.evidence.text()
    t["cells"] = matrix.model.rowCount() * matrix.model.columnCount()
    matrix.close()
    return t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--hosts", type=int, default=300)
    ap.add_argument("--deps", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    results = [once(args.hosts, args.deps) for _ in range(args.repeat)]
    print("%d hosts x %d dependencies (%d cells, %d results), best of %d, load average %.2f"
          % (args.hosts, args.deps, results[0]["cells"], args.hosts * (2 * args.deps + 1), args.repeat,
             os.getloadavg()[0]))
    for key in ("view", "model", "paint", "scroll", "click"):
        values = sorted(r[key] for r in results)
        print("  %-7s best %7.1f ms  worst %7.1f ms" % (key, values[0] * 1000, values[-1] * 1000))
    stall = min(max(r[k] for k in ("model", "paint", "scroll", "click")) for r in results)
    print("  longest UI-thread step after the view is built (best run): %.1f ms" % (stall * 1000))
    return 0


if __name__ == "__main__":
    sys.exit(main())
