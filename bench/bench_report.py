"""Benchmark: render the go/no-go report of a workspace with 10,000 checklist items.

    python bench/bench_report.py [--items 10000] [--repeat 3] [--keep DIR] [--lang en|zh_CN]
    python bench/bench_report.py --sizes 1000,10000,50000 [--repeat 3]
    python bench/bench_report.py --note-mb 0.5,1,2 [--repeat 3]
    python bench/bench_report.py --only pdf --workers 1 [--lang zh_CN]

Generates an inventory (scales, printers, Kafka, HTTPS and MySQL dependencies,
each with its `requires`, so rules and requirements give about five checklist
items per dependency) and a workspace with a synthetic pre and post run made
from the real probe plan (nothing is probed): every 40th scale has its source
port rewritten after the move, every 25th HTTPS call got slower, every 60th
printer stopped answering.  Then times, best of --repeat (each render: best and median):
review + report model (`build_report`), HTML, JSON, Markdown, JUnit, and PDF
(Qt, offscreen, in pieces over one process per core).  The goals (issues
25 and 27) are HTML < 1 s and PDF < 8 s, en and zh_CN, on the project's
2-core machine.  `--lang zh_CN` renders in Chinese (the report's words map,
`words_entry`, is timed on its own: it walks the whole report).

`--sizes` times only the steps that must stay linear (the inventory load,
`review`, `build_report`) at each size, median of --repeat, and prints the
ratio of each step to the size before it: 5x the items should cost about 5x
the time, and a step that grows faster names itself.

`--note-mb` renders a small report (60 items) whose first dependency carries a
free note of each size (HTML and PDF, median of --repeat) with the ratio to the
size before: a note twice as long should take about twice the time.

`--workers N` renders the PDF in N processes (default: one per core; 1: this
process only); `--only html,pdf` renders just those formats.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from migready.checks.inventory.load import load_inventory
from migready.checks.probing.run import result_record
from migready.checks.probing.plans import build_plan
from migready.checks.report import build_report, render
from migready.checks.review.verdict import review
from migready.checks.store.workspace import Workspace

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_inventory import best_of  # noqa: E402

TODAY = dt.date(2030, 1, 1)
KINDS = [  # kind, protocol, port, device type, extra YAML
    ("device", "udp", 5002, "scale", "  source_port: 9010\n  requires: [reachable, source_port_preserved, no_nat]\n"
                                     "  notes: 蔬菜卖场秤\n"),
    ("device", "tcp", 9100, "printer", "  requires: [reachable, within_timeout]\n  timeout_ms: 1000\n"),
    ("middleware", "kafka", 9092, None, "  in_request_path: true\n  requires: [reachable, within_timeout]\n"),
    ("service", "https", 443, None, "  timeout_ms: 800\n  requires: [reachable, within_timeout, private_dns]\n"),
    ("database", "mysql", 3306, None, "  timeout_ms: 2000\n  requires: [reachable, within_timeout]\n"),
]


def inventory_text(deps: int, per_service: int = 40) -> str:
    out = ["version: 1", "migration:", "  name: bench — 10k items", "  cutover: '2030-01-01T04:30:00+08:00'",
           "  source: {site: old-idc, staging_hosts: ['ssh://ops@10.20.1.15']}",
           "  target: {site: new-k8s, egress_nat: true, staging_hosts: ['ssh://ops@10.60.3.21']}",
           "zones:",
           "  - {name: store, kind: store, cidrs: [10.128.0.0/12], reflectors: [{host: 10.128.0.10, port: 3478}]}",
           "  - {name: dc, kind: internal, cidrs: [10.20.0.0/16, 10.60.0.0/16], domains: [dc.example]}",
           "services:"]
    for i in range(deps):
        if i % per_service == 0:
            out += [f"  - name: svc-{i // per_service}", "    owner: team-a", "    criticality: high",
                    "    dependencies:"]
        kind, proto, port, dtype, extra = KINDS[i % len(KINDS)]
        if kind == "device":
            host = f"10.{128 + (i >> 16) % 16}.{(i >> 8) & 255}.{i & 255}"
        elif proto == "https":
            host = f"api-{i}.dc.example"
        else:
            host = f"10.20.{(i >> 8) & 255}.{i & 255}"
        block = f"- name: dep-{i}\n  kind: {kind}\n  protocol: {proto}\n  host: {host}\n  port: {port}\n"
        block += f"  device_type: {dtype}\n" if dtype else ""
        out += ["      " + line for line in (block + extra).splitlines()]
    return "\n".join(out) + "\n"


def synthetic_run(inventory, phase: str, n: int) -> dict:
    """Results for every probe of the real plan, as `migready probe` would store them."""
    plan = build_plan(inventory, inventory.migration.source.staging_hosts[0] if phase == "pre"
                      else inventory.migration.target.staging_hosts[0], phase)
    results = []
    for k, probe in enumerate(plan.probes):
        meta, check = probe["meta"], probe["check"]
        index = int((meta.get("dependency") or "x/dep-0").rsplit("-", 1)[1])
        status, latency, data, detail = "pass", 1.0 + k % 7 / 10, {}, "ok"
        if check == "route":
            data, latency = {"dev": "eth0", "gateway": "10.60.0.1" if phase == "post" else None,
                             "src": "10.20.1.15", "ip": meta["target"]}, None
        elif check == "dns":
            data = {"answers": [{"ip": f"10.20.{index % 250}.{index % 200}", "class": "private"}]}
        elif check == "reflect":
            rewritten = phase == "post" and index % 40 == 0
            local = {"ip": "10.20.1.15", "port": 9010}
            observed = dict(local, port=41733 if rewritten else 9010)
            data = {"local": local, "observed": observed, "nat": False, "port_preserved": not rewritten}
        elif check in ("tcp_connect", "udp_exchange", "http"):
            data = {"ip": meta.get("target"), "local": {"ip": "10.20.1.15", "port": 40000 + k % 20000}}
            if phase == "post" and check == "http" and index % 25 == 3:
                latency = 950.0
            if phase == "post" and check == "tcp_connect" and index % 60 == 1:
                status, latency, detail = "fail", None, "refused"
        record = result_record({"id": probe["id"], "check": check, "meta": meta, "status": status,
                                "reason": "refused" if status == "fail" else "ok", "detail": detail,
                                "latency_ms": latency, "started": "2030-01-01T05:00:00.000Z", "data": data})
        if check == "reflect":
            record.update({key: data[key] for key in ("local", "observed", "nat", "port_preserved")})
        results.append(record)
    when = "2029-12-31T20:00:00.000Z" if phase == "pre" else "2030-01-01T05:00:00.000Z"
    return {"id": f"run-{n}", "phase": phase, "host": plan.host, "started": when, "finished": when,
            "complete": True, "error": None, "agent_version": "1", "results": results}


def make(tmp: Path, items: int) -> tuple:
    """Inventory + workspace with about `items` checklist items."""
    path = tmp / "bench.yaml"
    sizes = {}
    for sample in (100, 200):  # items = fixed + per_dep * deps
        path.write_text(inventory_text(sample), encoding="utf-8")
        sizes[sample] = count_items(load_inventory(path), tmp)
    per_dep = (sizes[200] - sizes[100]) / 100
    deps = round((items - (sizes[100] - 100 * per_dep)) / per_dep)
    path.write_text(inventory_text(deps), encoding="utf-8")
    inventory = load_inventory(path)
    ws = Workspace.new(tmp / "bench.migready.json", str(path), inventory.digest)
    for phase, number in (("pre", 1), ("post", 2)):
        ws.record_run(synthetic_run(inventory, phase, number))  # logged as a real run is
    return inventory, ws, deps


def count_items(inventory, tmp: Path) -> int:
    from migready.checks.review.checklist import build_checklist
    return len(build_checklist(inventory, Workspace.new(tmp / "count.json"), TODAY).items)


def median_of(repeat: int, fn) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def scaling(sizes: list[int], repeat: int) -> None:
    """The scaling table: each step's median at each size, and its ratio to the previous size."""
    steps = ("load_inventory", "review", "build_report")
    rows = []
    for items in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            inventory, ws, deps = make(Path(tmp), items)
            path = Path(tmp) / "bench.yaml"
            load_s, _ = median_of(repeat, lambda: load_inventory(path))
            review_s, _ = median_of(repeat, lambda: review(inventory, ws, TODAY))
            model_s, report = median_of(repeat, lambda: build_report(inventory, ws, today=TODAY))
        rows.append((items, deps, report["counts"]["items"], report["counts"]["regressions"],
                     (load_s, review_s, model_s)))
        print(f"  {items}: {report['counts']['items']} items, {deps} dependencies, "
              f"{report['counts']['regressions']} regressions: "
              + ", ".join(f"{step} {t:.2f} s" for step, t in zip(steps, rows[-1][4])), flush=True)
    print(f"median of {repeat}, seconds (x: ratio to the size before; items ratio in the first column)")
    print("| items | dependencies | " + " | ".join(steps) + " |")
    print("|---|---|" + "---|" * len(steps))
    for k, (items, deps, counted, _regressions, times) in enumerate(rows):
        if k:
            grow = counted / rows[k - 1][2]
            cells = [f"{t:.2f} s ({t / rows[k - 1][4][j]:.1f}x)" for j, t in enumerate(times)]
            print(f"| {counted:,} ({grow:.1f}x) | {deps:,} | " + " | ".join(cells) + " |")
        else:
            print(f"| {counted:,} | {deps:,} | " + " | ".join(f"{t:.2f} s" for t in times) + " |")


NOTE_LINE = "Scale firmware 4.2 checks the source port; the vendor says NAT breaks it (ticket VND-1234). "


def notes(sizes: list[float], repeat: int) -> None:
    """HTML and PDF of a small report with one dependency's note of each size: linear, not quadratic."""
    import copy
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from migready.gui import report_pdf
    report_pdf.ensure_app()
    with tempfile.TemporaryDirectory() as tmp:
        inventory, ws, _deps = make(Path(tmp), 60)
        base = build_report(inventory, ws, today=TODAY)
    rows = []
    for mb in sizes:
        report = copy.deepcopy(base)
        size = int(mb * 1_000_000)
        report["services"][0]["dependencies"][0]["notes"] = (NOTE_LINE * (size // len(NOTE_LINE) + 1))[:size]
        rows.append((mb, [median_of(repeat, lambda: render(report, fmt))[0] for fmt in ("html", "pdf")]))
    print(f"median of {repeat}, seconds (x: ratio to the size before)")
    print("| note | HTML | PDF |")
    print("|---|---|---|")
    for k, (mb, times) in enumerate(rows):
        cells = [f"{t:.2f} s" + (f" ({t / rows[k - 1][1][j]:.1f}x)" if k else "") for j, t in enumerate(times)]
        print(f"| {mb:g} MB | " + " | ".join(cells) + " |")


def cpu_seconds() -> float:
    """User + system time of this process and of its finished children (the PDF's workers)."""
    import resource
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="also write the reports to this directory")
    parser.add_argument("--lang", default="en", help="the reader's language (en, zh_CN)")
    parser.add_argument("--sizes", help="comma-separated item counts: print the scaling table only")
    parser.add_argument("--note-mb", help="comma-separated note sizes in MB: time HTML and PDF of a note that long")
    parser.add_argument("--workers", type=int, help="processes for the PDF (default: one per core)")
    parser.add_argument("--only", help="comma-separated formats to render (default: all)")
    args = parser.parse_args()
    if args.workers:
        os.environ["MIGREADY_PDF_WORKERS"] = str(args.workers)
    if args.sizes:
        scaling([int(n) for n in args.sizes.split(",")], args.repeat)
        return
    if args.note_mb:
        notes([float(n) for n in args.note_mb.split(",")], args.repeat)
        return
    from migready.checks.text.i18n import set_language
    from migready.checks.report.model import words_entry
    set_language(args.lang)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory() as tmp:
        inventory, ws, deps = make(Path(tmp), args.items)
        review_s, _ = best_of(args.repeat, lambda: review(inventory, ws, TODAY))
        model_s, report = best_of(args.repeat, lambda: build_report(inventory, ws, today=TODAY))
    print(f"{report['counts']['items']} checklist items ({deps} dependencies, "
          f"{sum(len(r['results']) for r in ws.runs)} probe results, verdict {report['verdict']['verdict']}, "
          f"{report['counts']['regressions']} regressions), best of {args.repeat}:")
    print(f"  review (checklist, comparison, verdict) {review_s * 1000:9.0f} ms")
    print(f"  build_report (review + model + digest)  {model_s * 1000:9.0f} ms")
    words_s, words = best_of(args.repeat, lambda: words_entry(report))
    print(f"  of which the words map ({args.lang}, {len(words['text'])} sentences) {words_s * 1000:6.0f} ms")
    from migready.gui import report_pdf  # start Qt now: its start-up is not rendering time
    report_pdf.ensure_app()
    for fmt in (args.only.split(",") if args.only else ("html", "json", "md", "junit", "pdf")):
        cpu = []

        def timed():
            before = cpu_seconds()
            out = render(report, fmt)
            cpu.append(cpu_seconds() - before)
            return out
        walls: list[float] = []

        def each():
            t0 = time.perf_counter()
            out = timed()
            walls.append(time.perf_counter() - t0)
            return out
        seconds, data = best_of(args.repeat, each)
        extra = f", CPU {min(cpu):.2f} s"
        if fmt == "pdf":
            extra += f" with its workers, {data.count(b'/Type /Page') - data.count(b'/Type /Pages')} pages"
        print(f"  render {fmt:33}{seconds * 1000:9.0f} ms  (median {statistics.median(walls) * 1000:.0f} ms, "
              f"{len(data) / 1024 / 1024:.1f} MiB{extra})")
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            (args.keep / f"bench.report.{fmt}").write_bytes(data)


if __name__ == "__main__":
    main()
