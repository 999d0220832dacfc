"""Benchmark: load + validate + flag an inventory with N dependencies (default 10,000).

    python bench/bench_inventory.py [--deps 10000] [--repeat 5]
    python bench/bench_inventory.py --sizes 1000,10000,50000 [--repeat 5]

Writes a generated inventory to a temporary directory (nothing is probed),
then times `load_inventory` and `rules.evaluate` separately and together,
reporting the best of --repeat runs (best-of is the least noisy figure on
a shared machine).  `--sizes` prints the load's median at each size and its
ratio to the size before (5x the dependencies should cost about 5x).
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from migready.checks.inventory.load import load_inventory
from migready.checks.inventory.rules import evaluate

KINDS = [
    ("device", "udp", 5002, "scale", "  source_port: 9010\n  requires: [reachable, source_port_preserved]\n"),
    ("device", "tcp", 9100, "printer", ""),
    ("middleware", "kafka", 9092, None, "  in_request_path: true\n"),
    ("service", "https", 443, None, "  timeout_ms: 800\n"),
    ("database", "mysql", 3306, None, "  timeout_ms: 2000\n"),
]


def generate(deps: int, per_service: int = 50) -> str:
    out = [
        "version: 1",
        "migration:",
        "  name: bench",
        "  source: {site: old, staging_hosts: ['ssh://ops@10.20.1.15']}",
        "  target: {site: new, egress_nat: true, staging_hosts: ['ssh://ops@10.60.3.21']}",
        "zones:",
        "  - {name: store, kind: store, cidrs: [10.128.0.0/12], reflectors: [{host: 10.128.0.10, port: 3478}]}",
        "  - {name: dc, kind: internal, cidrs: [10.20.0.0/16, 10.60.0.0/16]}",
        "services:",
    ]
    for i in range(deps):
        if i % per_service == 0:
            out += [f"  - name: svc-{i // per_service}", "    owner: team-a", "    dependencies:"]
        kind, proto, port, dtype, extra = KINDS[i % len(KINDS)]
        host = f"10.{128 + (i >> 16) % 16}.{(i >> 8) & 255}.{i & 255}" if kind == "device" else f"10.20.{(i >> 8) & 255}.{i & 255}"
        block = f"- name: dep-{i}\n  kind: {kind}\n  protocol: {proto}\n  host: {host}\n  port: {port}\n"
        if dtype:
            block += f"  device_type: {dtype}\n"
        block += extra
        out += ["      " + line for line in block.splitlines()]
    return "\n".join(out) + "\n"


def best_of(repeat: int, fn):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deps", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sizes", help="comma-separated dependency counts: the load's scaling only")
    args = parser.parse_args()
    if args.sizes:
        previous = None
        print(f"load_inventory, median of {args.repeat} (x: ratio to the size before)")
        for deps in (int(n) for n in args.sizes.split(",")):
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "bench.yaml"
                path.write_text(generate(deps), encoding="utf-8")
                times = []
                for _ in range(args.repeat):
                    t0 = time.perf_counter()
                    load_inventory(path)
                    times.append(time.perf_counter() - t0)
            median = statistics.median(times)
            print(f"  {deps:>7,} dependencies  {median:7.3f} s" + (f"  ({median / previous:.1f}x)" if previous else ""))
            previous = median
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.yaml"
        path.write_text(generate(args.deps), encoding="utf-8")
        load_s, inventory = best_of(args.repeat, lambda: load_inventory(path))
        flag_s, flags = best_of(args.repeat, lambda: evaluate(inventory))
        total_s, _ = best_of(args.repeat, lambda: evaluate(load_inventory(path)))
    size_kib = len(generate(args.deps).encode()) / 1024
    print(f"{args.deps} dependencies ({size_kib:.0f} KiB of YAML), {len(flags)} flags, best of {args.repeat}:")
    print(f"  load+validate  {load_s * 1000:8.1f} ms")
    print(f"  flag           {flag_s * 1000:8.1f} ms")
    print(f"  total          {total_s * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
