"""One probe run over 20 staging hosts x 1,000 targets, against the bound (issue 24, item 6).

What: the lab of bench_probe_ssh.py (the same TCP target fleet in 198.18.64.0/18,
the same user-space delay relay on the router) plus a pool of --hosts nodes
(tests/lab/fleetlab.py: a namespace with a real sshd each).  From `ops`, the
CLI probes every node in one run (`probe --phase post`, one SSH session per
node, --hosts-jobs at once, --jobs probes at once on each).

Why: the run must stay within 1.5x of  bound = setup + ceil(N / jobs) x RTT
for the slowest host, where setup is measured: the same CLI over the same
nodes with a 1-target inventory (Python start, N SSH handshakes, agent
uploads, workspace written).  Memory must stay flat per host: the CLI's peak
RSS is printed for a run over a quarter of the nodes and over all of them.

    sudo python3 bench/bench_fleet.py [--hosts 20] [--targets 1000] [--jobs 32 64] [--delay-ms 10]
    sudo python3 bench/bench_fleet.py --hold /tmp/fleet.json  # keep the lab up, write the command lines

Network safety as in bench_probe_ssh.py: targets and nodes are addresses of
namespaces this script creates (198.18.0.0/15), the CLI runs in `ops` with
MIGREADY_ALLOWED_NETWORKS=127.0.0.0/8,198.18.0.0/15, and the script refuses
to run without the machine's blackhole route for 198.18.0.0/15.

A benchmark, never a test.  Root only; it always tears its lab down.  Hold
/work/locks/tests.lock (or nothing else building labs) while it runs.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

INVENTORY = """\
version: 1
migration:
  name: bench - {n} raw TCP printers from a pool of {hosts}
  source: {{site: old, staging_hosts: ["ssh://root@{old}:22"]}}
  target:
    site: new
    staging_hosts:
      - {{pool: bench, hosts: [{members}]}}
zones:
  - {{name: store, kind: store, cidrs: [{fleet}]}}
services:
  - name: label-printing
    owner: store-devices
    dependencies:
      - {{name: printers, kind: device, device_type: printer, protocol: tcp, range: {first}-{last},
         port: {port}, zone: store, requires: [reachable], timeout_ms: 1000}}
"""


def _single():
    spec = importlib.util.spec_from_file_location("bench_probe_ssh", REPO / "bench" / "bench_probe_ssh.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def busy_seconds() -> float:
    """CPU seconds this machine spent not idle (all cores, everyone's), from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def cli_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class CpuGroups:
    """Where the machine's CPU goes during a run: cgroup-v1 cpuacct groups for the pool's nodes (sshd,
    the shells it starts, the agents), the lab's network (the delay relay, the target listener) and
    the CLI.  On 2 cores all of them share, so the run cannot end before their sum / cores; this
    makes that floor visible.  Without a cpuacct hierarchy the breakdown is left out."""

    ROOT = Path("/sys/fs/cgroup/cpuacct")

    def __init__(self, lab, nodes: list) -> None:
        self.groups: dict = {}
        if not (self.ROOT / "cgroup.procs").exists():
            return
        namespaces = {"nodes": [lab.ns(n) for n in nodes], "network": [lab.ns("router"), lab.ns("store")]}
        for name, spaces in [*namespaces.items(), ("cli", [])]:
            path = self.ROOT / ("bench-%s-%s" % (lab.prefix, name))
            path.mkdir(exist_ok=True)
            self.groups[name] = path
            for ns in spaces:  # every process of those namespaces now; their children follow
                pids = subprocess.run(["ip", "netns", "pids", ns], capture_output=True, text=True).stdout.split()
                for pid in pids:
                    try:
                        (path / "cgroup.procs").write_text(pid)
                    except OSError:
                        pass  # gone already

    def joining(self, name: str):
        """A preexec_fn that puts the child into group `name` before it runs `ip netns exec` (inside
        the namespace /sys is remounted, without the cgroup hierarchy)."""
        path = self.groups.get(name)
        if path is None:
            return None
        return lambda: (path / "cgroup.procs").write_text(str(os.getpid()))

    def read(self) -> dict:
        return {name: int((path / "cpuacct.usage").read_text()) / 1e9 for name, path in self.groups.items()}

    def remove(self) -> None:
        for path in self.groups.values():
            for pid in (path / "cgroup.procs").read_text().split():
                try:
                    (self.ROOT / "cgroup.procs").write_text(pid)
                except OSError:
                    pass
            try:
                path.rmdir()
            except OSError:
                pass


def cli_argv(lab, inventory: Path, ws: Path, jobs: int, hosts_jobs: int) -> list:
    return [sys.executable, "-m", "migready.checks.cli", "probe", str(inventory), "--phase", "post",
            "--workspace", str(ws), "--identity", str(lab.client_key), "--known-hosts", str(lab.known_hosts),
            "--ssh-config", "/dev/null", "--jobs", str(jobs), "--hosts-jobs", str(hosts_jobs)]


def hold(single, lab, args, rtt: float, tmp: Path, one: Path, full: Path, some: Path, hosts_jobs: int) -> int:
    """--hold: the command lines, run inside `ops`, each from a fresh workspace; then wait."""
    def command(inventory, ws, jobs):
        return single.in_ops(lab, cli_argv(lab, inventory, ws, jobs, hosts_jobs), ws)
    return single.hold_with({"rtt_ms": rtt, "hosts": args.hosts, "quarter": max(1, args.hosts // 4),
                             "targets": args.targets, "hosts_jobs": hosts_jobs, "setup": command(one, tmp / "s.json", 1),
                             "runs": {str(j): command(full, tmp / ("ws%d.json" % j), j) for j in args.jobs},
                             "quarter_run": command(some, tmp / "q.json", args.jobs[0])}, args.hold)


def run_cli(lab, inventory: Path, ws: Path, jobs: int, hosts_jobs: int, groups: "CpuGroups | None" = None) -> tuple:
    argv = cli_argv(lab, inventory, ws, jobs, hosts_jobs)
    before = groups.read() if groups is not None else {}
    t0, busy0, cli0 = time.monotonic(), busy_seconds(), cli_seconds()
    proc = lab.exec_in("ops", argv, timeout=900, preexec_fn=groups.joining("cli") if groups is not None else None)
    wall = time.monotonic() - t0
    run_cli.cpu = (busy_seconds() - busy0, cli_seconds() - cli0)
    run_cli.groups = {k: v - before[k] for k, v in groups.read().items()} if groups is not None else {}
    if proc.returncode not in (0, 1):
        sys.exit("migready probe failed (%d): %s" % (proc.returncode, (proc.stdout + proc.stderr)[-3000:]))
    runs = [r for r in json.loads(ws.read_text(encoding="utf-8"))["runs"] if r["phase"] == "post"]
    ws.unlink()
    return wall, runs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--hosts", type=int, default=20)
    ap.add_argument("--targets", type=int, default=1000)
    ap.add_argument("--jobs", type=int, nargs="+", default=[32, 64])
    ap.add_argument("--hosts-jobs", type=int, default=None, help="default: --hosts (all at once)")
    ap.add_argument("--delay-ms", type=float, default=10.0)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--hold", metavar="FILE", help="set the lab up, write the CLI's command lines (1 target over "
                    "every host; N targets over every host per --jobs, and over a quarter of them) to FILE as "
                    "JSON, and keep the lab up until SIGTERM or Ctrl-C")
    args = ap.parse_args()
    if os.geteuid() != 0:
        return "bench_fleet.py needs root: it builds network namespaces, sshd and a TUN device (use sudo)"
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
    os.environ["MIGREADY_ALLOWED_NETWORKS"] = "127.0.0.0/8,198.18.0.0/15"  # the plan guard: loopback and the lab
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # time the CLI with its .pyc files, as installed
    os.environ.pop("PYTHONUNBUFFERED", None)
    sys.path.insert(0, str(REPO))
    single = _single()
    from tests.lab.fleetlab import FleetLab
    from tests.lab.netlab import LabUnavailable

    class Pool(FleetLab):
        NODES = args.hosts

    hosts_jobs = args.hosts_jobs or args.hosts
    n, load = args.targets, os.getloadavg()[0]
    try:
        lab = Pool.build()
    except LabUnavailable as exc:
        return "cannot build the lab: %s" % exc
    groups = None
    try:
        if "blackhole" not in subprocess.run(["ip", "route", "show", "198.18.0.0/15"], capture_output=True,
                                             text=True).stdout:
            sys.exit("no blackhole route for 198.18.0.0/15 in the machine's own namespace: refusing to run")
        tmp = Path(tempfile.mkdtemp(prefix="bench-", dir=lab.workdir))
        rtt = single.setup_lab(lab, n, args.delay_ms)
        quarter = max(1, args.hosts // 4)

        def inventory(name: str, count: int, nodes: list) -> Path:
            path = tmp / ("%s.yaml" % name)
            path.write_text(INVENTORY.format(
                n=count, hosts=len(nodes), old=lab.old, fleet=single.FLEET, port=single.PORT,
                members=", ".join('"%s"' % lab.spec(h) for h in nodes),
                first=single.targets(count)[0], last=single.targets(count)[-1]))
            return path

        one = inventory("one", 1, lab.nodes)
        full = inventory("fleet", n, lab.nodes)
        some = inventory("quarter", n, lab.nodes[:quarter])
        print("lab %s: %d nodes, %d targets on port %d, added delay %g ms, connect RTT from old %.2f ms"
              % (lab.prefix, args.hosts, n, single.PORT, args.delay_ms, rtt))
        if args.hold:
            return hold(single, lab, args, rtt, tmp, one, full, some, hosts_jobs)
        groups = CpuGroups(lab, lab.nodes)
        run_cli(lab, one, tmp / "warm.json", 1, hosts_jobs)
        run_cli(lab, some, tmp / "q.json", args.jobs[0], hosts_jobs)  # the same N, a quarter of the hosts
        rss_quarter = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        # in turns, so that the machine's load weighs on the set-up and the runs alike
        setups, runs = [], {jobs: [] for jobs in args.jobs}
        for _ in range(args.repeat):
            setups.append((run_cli(lab, one, tmp / "s.json", 1, hosts_jobs, groups)[0], run_cli.groups))
            for jobs in args.jobs:
                wall, host_runs = run_cli(lab, full, tmp / "ws.json", jobs, hosts_jobs, groups)
                runs[jobs].append((wall, host_runs, run_cli.cpu, run_cli.groups))
        rss_full = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        setup = statistics.median(wall for wall, _ in setups)
        setup_groups = sorted(setups, key=lambda s: s[0])[len(setups) // 2][1]
        rows = []
        for jobs in args.jobs:
            wall, host_runs, cpu, cpu_groups = min(runs[jobs], key=lambda r: r[0])
            passed = sum(r["status"] == "pass" for run in host_runs for r in run["results"]
                         if r["check"] == "tcp_connect")
            complete = sum(1 for r in host_runs if r["complete"])
            # the slowest host pays ceil(N/jobs) RTTs; the 1-target setup run already paid one
            waves = math.ceil(args.hosts / hosts_jobs)
            bound = setup + waves * (math.ceil(n / jobs) - 1) * rtt / 1000
            rows.append((jobs, wall, statistics.median(r[0] for r in runs[jobs]), bound, passed, complete, cpu,
                         cpu_groups))
    finally:
        if groups is not None:
            groups.remove()
        lab.teardown()
    cores = os.cpu_count() or 1
    print("\n%d hosts x N = %d targets (tcp_connect + route each), --hosts-jobs %d, %d cores "
          "(1-min load average at start %.2f, end %.2f), added delay %g ms, RTT %.2f ms"
          % (args.hosts, n, hosts_jobs, cores, load, os.getloadavg()[0], args.delay_ms, rtt))
    print("setup = same CLI over the same %d hosts, 1 target, jobs 1 (median of %d, in turns with the runs: %s): "
          "%.3f s" % (args.hosts, args.repeat, ", ".join("%.2f" % s for s, _ in setups), setup))
    print("bound = setup + ceil(hosts/hosts-jobs) x (ceil(N/jobs) - 1) x RTT\n")
    print("%-26s %8s %9s %8s %9s %14s %10s" % ("run", "best s", "median s", "bound s", "best/bnd",
                                               "connects pass", "complete"))
    for jobs, best, med, bound, passed, complete, (busy, cli), cpu_groups in rows:
        print("%-26s %8.3f %9.3f %8.3f %9.2f %8d/%-5d %6d/%d" % ("migready --jobs %d" % jobs, best, med, bound,
                                                              best / bound, passed, n * args.hosts, complete,
                                                              args.hosts))
        print("    best run: machine busy %.1f CPU s of %.1f available (%d cores x wall); the CLI itself %.1f CPU s"
              % (busy, best * cores, cores, cli))
        if cpu_groups:
            said = ", ".join("%s %.2f" % (k, v) for k, v in cpu_groups.items())
            print("    CPU s by group, best run: %s; set-up (median): %s" % (said, ", ".join(
                "%s %.2f" % (k, v) for k, v in setup_groups.items())))
            print("    the lab's CPU floor (sum of the groups / %d cores): run %.2f s, set-up %.2f s"
                  % (cores, sum(cpu_groups.values()) / cores, sum(setup_groups.values()) / cores))
    print("\npeak RSS of the CLI (ru_maxrss of children, monotonic): after %d hosts %.0f MB, after %d hosts %.0f MB"
          % (quarter, rss_quarter / 1024, args.hosts, rss_full / 1024))
    return 0


if __name__ == "__main__":
    sys.exit(main())
