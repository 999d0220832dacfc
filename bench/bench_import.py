"""Benchmark: import a 50 MB Azure Migrate dependency export (time and peak memory).

    python bench/bench_import.py [--mb 50] [--repeat 3] [--keep DIR] [--single-server | --aws]
    python bench/bench_import.py --import-only FILE [--server app-01]   # one import (its floor first)
    python bench/bench_import.py --floor-only FILE                      # csv.reader alone, once

Generates an export in the agentless layout the tool writes (`Time slot,
Source server name, Source IP, ...`, six-hour month-first slots over 30
days, 240 servers, empty destination names and `Unknown process` as real
exports have, 75 unnamed clients connecting in to app-01; documentation
addresses only; with --single-server, every row is app-01's: 2,032 outbound
and 1,075 inbound peers) in a temporary directory, then imports it for `app-01`
in a child process per run, so that each run's peak memory is its own:
the child reports the import's wall time and its peak RSS
(`resource.getrusage(RUSAGE_SELF).ru_maxrss`, which includes the
interpreter and migready's imports, measured separately as "baseline").
Beside each figure it prints the parse floor: `csv.reader` alone over the
same file, decoded the same way, in the same child, just before the import
(issue 27: the importers should stay within 2x of it).
Nothing is probed and nothing is sent anywhere.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = ("Time slot,Source server name,Source IP,Source application,Source process,Destination server name,"
          "Destination IP,Destination application,Destination process,Destination port,Source VLAN,"
          "Destination VLAN\r\n")
APPS = [("Scale Adapter", "scale-adapter.exe"), ("Internet Information Services", "w3wp.exe"),
        ("SQL Server", "sqlservr.exe"), ("", "System"), ("Job worker", "java.exe"), ("", "svchost.exe")]
PORTS = [443, 1433, 9100, 5002, 8443, 27777, 445, 135, 3306, 8100]


def _server_ip(i: int) -> str:
    return f"192.0.2.{1 + i % 254}" if i < 254 else f"2001:db8:10::{i:x}"


def _dest_ip(j: int) -> str:
    return f"198.51.100.{1 + j % 254}" if j < 254 else f"203.0.113.{1 + (j - 254) % 254}"


def slots(days: int = 30):
    """Month-first six-hour slots from mid-December over the year end, as the tool writes them."""
    import datetime
    day = datetime.date(2024, 12, 15)
    for _ in range(days):
        for start in (0, 6, 12, 18):
            yield f"{day.month:02d}/{day.day:02d}/{day.year} {start}:00-{(start + 6) % 24}:00"
        day += datetime.timedelta(days=1)


def edges(servers: int = 240, per_server: int = 24) -> list[str]:
    """One slot's worth of rows (without the slot): who talks to whom, by which process."""
    rows = []
    for i in range(servers):
        name = "app-01" if i == 0 else f"srv-{i:03d}"
        sip = _server_ip(i)
        for k in range(per_server):
            app, proc = APPS[(i + k) % len(APPS)]
            port = PORTS[(i * 7 + k) % len(PORTS)]
            j = (i * 31 + k * 17) % 508
            named = (k % 3 == 0)
            dname = f"srv-{j % servers:03d}" if named else ""
            dproc = APPS[j % len(APPS)][1] if named else "Unknown process"
            rows.append(f"{name},{sip},{app},{proc},{dname},{_dest_ip(j)},,{dproc},{port},10,{20 if named else ''}")
    for c in range(1, 76):  # unnamed clients of app-01: 75 peers, not one
        rows.append(f",198.51.100.{c},,Unknown process,app-01,192.0.2.1,Scale Adapter,scale-adapter.exe,8443,,10")
    return rows


def edges_single() -> list[str]:
    """One slot of a one-server export (every row is app-01's): the most rows a server's peers can take.

    app-01 calls 508 addresses on 4 ports each; 1,000 unnamed IPv6 clients and the 75 IPv4 ones call in."""
    rows = []
    for j in range(508):
        for k in range(4):
            app, proc = APPS[(j + k) % len(APPS)]
            port = PORTS[(j + k) % len(PORTS)]
            dname = f"srv-{j:03d}" if j % 3 == 0 else ""
            rows.append(f"app-01,192.0.2.1,{app},{proc},{dname},{_dest_ip(j)},,Unknown process,{port},10,")
    for c in range(1, 1001):
        rows.append(f",2001:db8:1::{c:x},,Unknown process,app-01,192.0.2.1,Scale Adapter,scale-adapter.exe,"
                    f"{PORTS[c % 3]},,10")
    for c in range(1, 76):
        rows.append(f",198.51.100.{c},,Unknown process,app-01,192.0.2.1,Scale Adapter,scale-adapter.exe,8443,,10")
    return rows


def generate(path: Path, megabytes: float, single: bool = False) -> int:
    """Write the export (CRLF, as the tool's download) until it reaches `megabytes`; returns its rows."""
    target = int(megabytes * 1024 * 1024)
    base = edges_single() if single else edges()
    written, rows = 0, 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        written += len(HEADER)
        while written < target:
            for slot in slots():
                chunk = "".join(f"{slot},{row}\r\n" for row in base)
                out.write(chunk)
                written += len(chunk.encode("utf-8"))
                rows += len(base)
                if written >= target:
                    break
            base = base[1:] + base[:1]  # the next month: same servers, rows in another order
    return rows


AWS_HEADER = ("accountNumber,agentId,sourceIp,sourcePort,destinationIp,destinationPort,ipVersion,"
              "transportProtocol,agentAssignedProcessId,agentProvidedTimeStamp\r\n")


def generate_aws(path: Path, megabytes: float) -> int:
    """An ADS agent `sourceProcessConnection.csv`: a row per connection, each with its own source port and
    second (AM/PM), 600 destinations: the worst case for memory, as nothing repeats."""
    target = int(megabytes * 1024 * 1024)
    acct, agent = "123456789012", "o-0123456789abcdef0"
    written, n = len(AWS_HEADER), 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(AWS_HEADER)
        while written < target:
            lines = []
            for n in range(n, n + 10_000):
                half, rest = divmod(n, 43_200)
                hour, minute, second = 1 + (rest // 3600) % 12, (rest // 60) % 60, rest % 60
                stamp = f"07/{8 + half // 2:02d}/2024 {hour:02d}:{minute:02d}:{second:02d} {'PM' if half % 2 else 'AM'}"
                j = n % 600
                dest = f"198.51.100.{1 + j % 254}" if j < 254 else f"203.0.113.{1 + j % 254}"
                lines.append(f"{acct},{agent},192.0.2.10,{32768 + (n * 7) % 28000},{dest},{PORTS[n % 4]},IPv4,"
                             f"{'UDP' if n % 4 == 3 else 'TCP'},{agent}-{2100 + n % 5},{stamp}\r\n")
            n += 1
            chunk = "".join(lines)
            out.write(chunk)
            written += len(chunk)
    return n


def parse_floor(path: str) -> float:
    """Seconds `csv.reader` alone takes over the file (UTF-8, as the importer decodes it): the floor."""
    import csv
    t0 = time.perf_counter()
    with open(path, encoding="utf-8", newline="") as stream:
        for _row in csv.reader(stream):
            pass
    return time.perf_counter() - t0


def import_once(path: str, server: str, floor: bool = True) -> dict:
    """In this process: the parse floor, then the import's wall time and peak RSS (MiB)."""
    from migready.checks.discovery import import_file
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    floor = parse_floor(path) if floor else 0.0
    t0 = time.perf_counter()
    obs = import_file(path, "auto", server)
    elapsed = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": round(elapsed, 3), "floor": round(floor, 3), "peak_mib": round(peak, 1), "baseline_mib": round(baseline, 1),
            "peers": len(obs.peers), "inbound": sum(1 for p in obs.peers if p.direction == "inbound"),
            "slots": obs.samples, "first": obs.first, "last": obs.last, "summary": obs.notes[0]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=50.0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", type=Path, metavar="DIR", help="write the export there and keep it")
    ap.add_argument("--server", default="app-01")
    ap.add_argument("--aws", action="store_true", help="an AWS agent export instead (server 192.0.2.10)")
    ap.add_argument("--single-server", action="store_true",
                    help="every row is app-01's (a one-server export: no row is dropped early)")
    ap.add_argument("--import-only", metavar="FILE", help="import FILE once in this process and print the figures")
    ap.add_argument("--floor-only", metavar="FILE", help="csv.reader alone over FILE, once (the parse floor)")
    ap.add_argument("--no-floor", action="store_true", help="with --import-only: the import alone")
    args = ap.parse_args()
    if args.floor_only:
        print(json.dumps({"floor": round(parse_floor(args.floor_only), 3)}))
        return 0
    if args.import_only:
        print(json.dumps(import_once(args.import_only, args.server, floor=not args.no_floor)))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        if args.aws:
            path = folder / f"123456789012_sourceProcessConnection_{args.mb:g}mb.csv"
            rows = generate_aws(path, args.mb)
            args.server = "192.0.2.10" if args.server == "app-01" else args.server
        else:
            path = folder / f"azure_dependencies_{args.mb:g}mb{'_single' if args.single_server else ''}.csv"
            rows = generate(path, args.mb, args.single_server)
        print(f"generated {path} ({os.path.getsize(path) / 2**20:.1f} MiB, {rows:,} rows) "
              f"in {time.perf_counter() - t0:.1f} s")
        runs = []
        for _ in range(args.repeat):
            out = subprocess.run([sys.executable, __file__, "--import-only", str(path), "--server", args.server],
                                 check=True, capture_output=True, text=True)
            runs.append(json.loads(out.stdout))
        last = runs[-1]
        print(f"import: {last['summary']}; {last['inbound']} inbound peers; {last['slots']} slots "
              f"{last['first']} .. {last['last']}")
        secs = [r["seconds"] for r in runs]
        floors = [r["floor"] for r in runs]
        ratios = [r["seconds"] / r["floor"] for r in runs]
        peaks = [r["peak_mib"] for r in runs]
        print(f"time: best {min(secs):.2f} s, median {statistics.median(secs):.2f} s (goal: under 5 s); "
              f"csv.reader alone (the floor): median {statistics.median(floors):.2f} s; import / floor: "
              f"median {statistics.median(ratios):.2f}x, {min(ratios):.2f}-{max(ratios):.2f}x (goal: 2x)")
        print(f"peak RSS: median {statistics.median(peaks):.0f} MiB (interpreter + imports alone: "
              f"{last['baseline_mib']:.0f} MiB; goal: under 300 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
