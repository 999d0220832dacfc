"""Probe throughput over SSH: one agent session versus one remote command per check.

What: builds the network lab (tests/lab/netlab.py), puts N TCP targets in the
store network (AnyIP: every address of 198.18.64.0/18 is local to `store`, one
listener on 0.0.0.0; up to 16,382 targets), makes the site->store path slow,
then from `ops`:

  A  migready: `python -m migready.checks.cli probe` against ssh://root@<old>,
     wall clock end to end (Python start, SSH handshake, agent upload, all
     probes, workspace written); best and median of --repeat runs per --jobs;
  B  the common way (testinfra's paramiko backend): ONE SSH connection, one
     exec channel per check, sequential: `bash -c 'exec 3<>/dev/tcp/IP/PORT'`.

Why: the issue's goal is >= 20x faster than B and within 2x of the bound set
by concurrency and round-trip time:  bound = setup + ceil(N / jobs) * RTT,
where setup is measured (the same CLI with a 1-target inventory).

The kernel here has no sch_netem, so the delay is made in user space: the
router sends the site->store SYNs for the targets into a TUN device (an
iptables mark and policy routing), a small relay holds each for --delay-ms
and writes it back (policy routing then sends it on to the store).  A
connect waits for SYN -> SYN-ACK only, so its RTT = delay + ~0.1 ms; the
other packets of a connection and the replies are not delayed.

    sudo python3 bench/bench_probe_ssh.py [--targets 1000] [--jobs 32 64] [--delay-ms 10]
    sudo python3 bench/bench_probe_ssh.py --targets 10000 --jobs 64 --baseline-budget 0  # no B

Network safety: every target is an address of the lab's own `store`
namespace (198.18.64.0/18, inside 198.18.0.0/15); the CLI runs in `ops` with
MIGREADY_ALLOWED_NETWORKS=127.0.0.0/8,198.18.0.0/15, and the script refuses
to start unless the machine's own namespace has a blackhole route for
198.18.0.0/15 once the lab is up (netlab adds it).

A benchmark, never a test.  Root only; it always tears its lab down.
"""
from __future__ import annotations

import argparse, ipaddress, json, math, os, signal, statistics, subprocess, sys, tempfile, time
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FLEET = ipaddress.ip_network("198.18.64.0/18")  # 16,382 targets; outside every netlab address
ALLOWED = "127.0.0.0/8,198.18.0.0/15"  # MIGREADY_ALLOWED_NETWORKS: never wider
PORT = 9101  # the lab's printer listeners hold 198.18.10.21-22:9100, so 0.0.0.0:9100 cannot bind

RELAY = r"""
import collections, fcntl, os, select, struct, sys, time
delay = float(sys.argv[1]) / 1000.0
fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
fcntl.ioctl(fd, 0x400454CA, struct.pack("16sH", b"dly0", 0x0001 | 0x1000))  # TUNSETIFF, IFF_TUN|IFF_NO_PI
print("ready", flush=True)
held = collections.deque()  # constant delay: due times are in arrival order
while True:
    wait = max(0.0, held[0][0] - time.monotonic()) if held else None
    if select.select([fd], [], [], wait)[0]:
        while True:
            try:
                held.append((time.monotonic() + delay, os.read(fd, 65536)))
            except BlockingIOError:
                break
    now = time.monotonic()
    while held and held[0][0] <= now:
        os.write(fd, held.popleft()[1])
"""

# Not the printer simulator: its listen(64) backlog, with a thread per connection on 2 busy
# cores, overflows under 64 concurrent connects, and each dropped SYN costs a 1 s retransmit.
# The listener runs on the cores being measured, where real devices cost nothing: it closes each
# accepted descriptor without making a socket object of it.
LISTENER = r"""
import os, socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1]))); s.listen(4096)
while True:
    os.close(s._accept()[0])  # the descriptor only: no socket object per connection
"""

RTT = r"""
import socket, statistics, sys, time
end, times = time.monotonic() + 15, []
while len(times) < 20:  # median of 20 sequential connects from `old` (retried while the lab settles)
    t0 = time.monotonic()
    try:
        socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2).close()
        times.append((time.monotonic() - t0) * 1000)
    except OSError:
        if time.monotonic() > end: raise
        time.sleep(0.1)
print(statistics.median(times))
"""

RC = r"""
import statistics, subprocess, time
def cost(extra):
    env = dict({"HOME": "/root", "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}, **extra)
    runs = []
    for _ in range(15):
        t0 = time.monotonic(); subprocess.run(["bash", "-c", "true"], env=env); runs.append(time.monotonic() - t0)
    return statistics.median(runs) * 1000
print(max(0.0, cost({"SSH_CLIENT": "198.18.0.2 40000 22"}) - cost({})))  # with SSH_CLIENT, bash reads ~/.bashrc
"""

INVENTORY = """\
version: 1
migration:
  name: bench - {n} raw TCP printers
  source: {{site: old, staging_hosts: ["ssh://root@{old}:22"]}}
  target: {{site: new, staging_hosts: ["ssh://root@{new}:22"]}}
zones:
  - {{name: store, kind: store, cidrs: [{fleet}]}}
services:
  - name: label-printing
    owner: store-devices
    dependencies:
      - {{name: printers, kind: device, device_type: printer, protocol: tcp, range: {first}-{last},
         port: {port}, zone: store, requires: [reachable], timeout_ms: 1000}}
"""


def targets(n: int) -> list:
    return [str(FLEET.network_address + 1 + i) for i in range(n)]


def baseline_worker(spec: dict) -> int:
    """Run B, inside `ops`: one paramiko connection, one exec channel per check, in sequence."""
    from migready.checks.probing.transports import TransportOptions, open_transport
    t0 = time.monotonic()
    opts = TransportOptions(identity_files=[spec["key"]], known_hosts=spec["known_hosts"], ssh_config="/dev/null")
    with open_transport(spec["host"], opts) as t:
        setup, times, failed = time.monotonic() - t0, [], 0
        for ip in spec["targets"]:
            if sum(times) > spec["budget"]:
                break
            c0 = time.monotonic()
            # The target IP is in the remote command line: that is the common way, and what
            # migready avoids. Acceptable here: the bench generates these addresses itself.
            res = t.run(["bash", "-c", "exec 3<>/dev/tcp/%s/%d" % (ip, spec["port"])], timeout=10)
            times.append(time.monotonic() - c0)
            failed += res.exit_status != 0
    print(json.dumps({"setup": setup, "times": times, "failed": failed}))
    return 0


def cli_argv(lab, inventory: Path, ws: Path, jobs: int) -> list:
    return [sys.executable, "-m", "migready.checks.cli", "probe", str(inventory), "--phase", "pre",
            "--host", "ssh://root@%s:22" % lab.old, "--workspace", str(ws), "--identity", str(lab.client_key),
            "--known-hosts", str(lab.known_hosts), "--ssh-config", "/dev/null", "--jobs", str(jobs)]


def in_ops(lab, argv: list, ws: Path) -> list:
    """`argv` as a command line run inside `ops` from a fresh workspace `ws`, with the plan guard set and
    the CLI timed as installed (.pyc files written, stdout buffered)."""
    return ["ip", "netns", "exec", lab.ns("ops"), "env", "-u", "PYTHONDONTWRITEBYTECODE", "-u", "PYTHONUNBUFFERED",
            "MIGREADY_ALLOWED_NETWORKS=" + ALLOWED, "sh", "-c", 'rm -f "$0"; exec "$@"', str(ws)] + argv


def hold_with(spec: dict, path: str) -> int:
    """Write the command lines to `path` and keep the lab up until SIGTERM or Ctrl-C."""
    Path(path).write_text(json.dumps(spec, indent=1))
    print("lab up; commands in %s; SIGTERM or Ctrl-C tears it down" % path, flush=True)
    try:
        signal.pause()
    except (KeyboardInterrupt, SystemExit):
        pass
    return 0


def hold(lab, inv: dict, tmp: Path, rtt: float, args) -> int:
    """--hold: the commands, in `ops`, for 1 and N targets (each starts from a fresh workspace), then wait."""
    def command(name, ws, jobs):
        return in_ops(lab, cli_argv(lab, inv[name], ws, jobs), ws)
    return hold_with({"rtt_ms": rtt, "targets": args.targets, "jobs": args.jobs,
                      "setup": command("one", tmp / "s.json", 1),
                      "runs": {str(j): command("fleet", tmp / ("ws%d.json" % j), j) for j in args.jobs}}, args.hold)


def run_baseline(lab, budget: float, n: int) -> dict:
    """B in `ops` (the bashrc cost measured in `old` first); -> its figures."""
    rc = lab.exec_in("old", [sys.executable, "-I", "-c", RC], timeout=60)
    spec = {"host": "ssh://root@%s:22" % lab.old, "key": str(lab.client_key), "port": PORT,
            "known_hosts": str(lab.known_hosts), "targets": targets(n), "budget": budget}
    argv = [sys.executable, str(Path(__file__).resolve()), "--baseline-worker", json.dumps(spec)]
    t0 = time.monotonic()
    proc = lab.exec_in("ops", argv, timeout=budget + 120)
    b_wall = time.monotonic() - t0
    if proc.returncode != 0:
        sys.exit("baseline failed: %s" % proc.stderr[-2000:])
    b = json.loads(proc.stdout)
    b.update(wall=b_wall, rc_ms=float(rc.stdout) if rc.returncode == 0 else 0.0)
    return b


def run_cli(lab, inventory: Path, ws: Path, jobs: int) -> tuple:
    argv = cli_argv(lab, inventory, ws, jobs)
    t0 = time.monotonic()
    proc = lab.exec_in("ops", argv, timeout=600)
    wall = time.monotonic() - t0
    if proc.returncode not in (0, 1):
        sys.exit("migready probe failed (%d): %s" % (proc.returncode, proc.stderr[-2000:]))
    run = json.loads(ws.read_text(encoding="utf-8"))["runs"][-1]
    ws.unlink()  # a fresh workspace for every run
    return wall, run


def summarize(run: dict) -> dict:
    """Pass count, connect latency, and the agent's probing span (first probe start -> last start)."""
    res = [r for r in run["results"] if r["check"] in ("tcp_connect", "route")]
    lat = sorted(r["latency_ms"] for r in res if r["check"] == "tcp_connect" and r["latency_ms"] is not None) or [0]
    starts = sorted(datetime.fromisoformat(r["started"]).timestamp() for r in res if r.get("started")) or [0]
    return {"probes": len(res), "passed": sum(r["status"] == "pass" for r in res), "span": starts[-1] - starts[0],
            "connect_ms": statistics.median(lat), "connect_p95": lat[int(0.95 * (len(lat) - 1))]}


def setup_lab(lab, n: int, delay_ms: float) -> float:
    """Fleet addresses + listener in `store`, the delay relay in `router`; -> measured RTT (ms)."""
    def sh(ns, *argv):
        proc = lab.exec_in(ns, list(argv))
        if proc.returncode != 0:
            sys.exit("%s in %s failed: %s" % (" ".join(argv), ns, proc.stderr.strip()))
    sh("store", "ip", "route", "add", "local", str(FLEET), "dev", "lo")
    lab.popen_in("store", [sys.executable, "-I", "-c", LISTENER, str(PORT)])
    if delay_ms > 0:
        relay = lab.popen_in("router", [sys.executable, "-I", "-c", RELAY, str(delay_ms)],
                             stdout=subprocess.PIPE, text=True)
        if relay.stdout.readline().strip() != "ready":
            sys.exit("the delay relay did not start (TUN unavailable?)")
        sh("router", "sysctl", "-qw", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.dly0.rp_filter=0",
           "net.ipv4.conf.dly0.forwarding=1")  # packets come back from dly0 with site sources
        sh("router", "ip", "link", "set", "dly0", "up")
        sh("router", "ip", "rule", "add", "iif", "dly0", "lookup", "100", "pref", "100")
        sh("router", "ip", "route", "add", str(FLEET), "via", lab.store, "dev", "to-store", "table", "100")
        # only the SYNs go through the relay: a connect waits for SYN -> SYN-ACK and nothing else, so
        # its RTT is the same, and the relay's CPU (a Python read and write per packet, on the 2 cores
        # the probes run on) is a quarter of what delaying every packet cost (bench/README.md)
        sh("router", "iptables", "-t", "mangle", "-A", "PREROUTING", "!", "-i", "dly0", "-d", str(FLEET),
           "-p", "tcp", "--syn", "-j", "MARK", "--set-mark", "1")
        sh("router", "ip", "rule", "add", "fwmark", "1", "lookup", "101", "pref", "101")
        sh("router", "ip", "route", "add", str(FLEET), "dev", "dly0", "table", "101")
        sh("router", "ip", "route", "add", str(FLEET), "via", lab.store, "dev", "to-store")
    else:
        sh("router", "ip", "route", "add", str(FLEET), "via", lab.store, "dev", "to-store")
    rtt = lab.exec_in("old", [sys.executable, "-I", "-c", RTT, targets(n)[-1], str(PORT)], timeout=60)
    if rtt.returncode != 0:
        sys.exit("targets unreachable from old: %s" % rtt.stderr.strip()[-500:])
    return float(rtt.stdout)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--targets", type=int, default=1000, help="TCP targets (max %d)" % (FLEET.num_addresses - 2))
    ap.add_argument("--jobs", type=int, nargs="+", default=[32, 64], help="migready --jobs values (default 32 64)")
    ap.add_argument("--delay-ms", type=float, default=10.0, help="added site->store delay = added RTT (default 10)")
    ap.add_argument("--repeat", type=int, default=3, help="migready runs per --jobs value (default 3)")
    ap.add_argument("--baseline-budget", type=float, default=180.0,
                    help="stop the baseline after this many seconds and extrapolate (default 180; 0: no baseline)")
    ap.add_argument("--hold", metavar="FILE",
                    help="build and set up the lab, write the CLI's command lines (1 and N targets, run inside "
                         "`ops`) to FILE as JSON, and keep the lab up until SIGTERM or Ctrl-C: for timing those "
                         "commands with an outside tool, e.g. two checkouts paired in turns")
    ap.add_argument("--baseline-worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.baseline_worker:
        return baseline_worker(json.loads(args.baseline_worker))
    if os.geteuid() != 0:
        return "bench_probe_ssh.py needs root: it builds network namespaces, sshd and a TUN device (use sudo)"
    if not 1 <= args.targets <= FLEET.num_addresses - 2:
        ap.error("--targets must be 1..%d" % (FLEET.num_addresses - 2))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))  # still tear the lab down
    os.environ["MIGREADY_ALLOWED_NETWORKS"] = ALLOWED  # the CLI's plan guard: loopback and the lab only
    # Time the CLI as installed (pip writes .pyc files): with PYTHONDONTWRITEBYTECODE set, every run
    # compiles ~90 modules again (0.5 s on this machine), which no user pays.
    # PYTHONUNBUFFERED likewise: it makes each of the CLI's 20,000 printed result lines its own write().
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ.pop("PYTHONUNBUFFERED", None)
    sys.path.insert(0, str(REPO))
    from tests.lab.netlab import Lab, LabUnavailable
    n, load = args.targets, os.getloadavg()[0]  # other work on this machine skews every figure
    try:
        lab = Lab.build(services=True)
    except LabUnavailable as exc:
        return "cannot build the lab: %s" % exc
    try:
        if "blackhole" not in subprocess.run(["ip", "route", "show", "198.18.0.0/15"], capture_output=True,
                                             text=True).stdout:
            sys.exit("no blackhole route for 198.18.0.0/15 in the machine's own namespace: refusing to run")
        tmp = Path(tempfile.mkdtemp(prefix="bench-", dir=lab.workdir))
        rtt = setup_lab(lab, n, args.delay_ms)
        inv = {name: tmp / ("%s.yaml" % name) for name in ("one", "fleet")}
        for name, count in (("one", 1), ("fleet", n)):
            inv[name].write_text(INVENTORY.format(n=count, old=lab.old, new=lab.new, fleet=FLEET, port=PORT,
                                                  first=targets(count)[0], last=targets(count)[-1]))
        print("lab %s: %d targets on port %d, added delay %g ms, measured connect RTT from old %.2f ms"
              % (lab.prefix, n, PORT, args.delay_ms, rtt))
        if args.hold:
            return hold(lab, inv, tmp, rtt, args)
        run_cli(lab, inv["one"], tmp / "warm.json", args.jobs[0])  # warm the page cache
        setup = statistics.median(run_cli(lab, inv["one"], tmp / "s.json", 1)[0] for _ in range(args.repeat))
        rows = []
        for jobs in args.jobs:
            runs = [run_cli(lab, inv["fleet"], tmp / "ws.json", jobs) for _ in range(args.repeat)]
            wall, run = min(runs, key=lambda r: r[0])
            st = summarize(run)
            for w, r in runs:
                if summarize(r)["passed"] != 2 * n:
                    print("warning: jobs %d, a %.2f s run: %d/%d passed" % (jobs, w, summarize(r)["passed"], 2 * n))
            # bound = setup + ceil(N / jobs) RTTs; the 1-target setup run already paid one of them
            bound = setup + (math.ceil(n / jobs) - 1) * rtt / 1000
            bound2 = setup + (math.ceil(2 * n / jobs) - 1) * rtt / 1000
            rows.append((jobs, wall, statistics.median(r[0] for r in runs), bound, bound2, st))
        b = None if args.baseline_budget <= 0 else run_baseline(lab, args.baseline_budget, n)
    finally:
        lab.teardown()

    print("\nN = %d targets (%d probes: tcp_connect + route each), %d cores (1-min load average at start %.2f, "
          "end %.2f), added delay %g ms, connect RTT %.2f ms" % (n, 2 * n, os.cpu_count() or 0, load,
                                                                  os.getloadavg()[0], args.delay_ms, rtt))
    print("setup = same CLI, 1 target, jobs 1 (median of %d): %.3f s; bound = setup + (ceil(N/jobs) - 1) x RTT"
          % (args.repeat, setup))
    b_total = None
    if b is not None:
        times, done = sorted(b["times"]), len(b["times"])
        per = statistics.mean(times)
        b_total = b["wall"] if done == n else b["wall"] - sum(times) + n * per  # linear extrapolation
    print("\n%-28s %8s %9s %8s %9s %10s" % ("run", "best s", "median s", "bound s", "best/bnd", "B / best"))
    for jobs, best, med, bound, bound2, st in rows:
        print("%-28s %8.3f %9.3f %8.3f %9.2f %10s" % ("A migready --jobs %d" % jobs, best, med, bound, best / bound,
                                                      "%.0fx" % (b_total / best) if b_total else "-"))
        print("    best run: %d/%d probes passed, agent probing span %.3f s, tcp_connect median %.2f ms p95 %.2f ms;"
              "\n    if every one of the %d probes paid one RTT: bound %.3f s (best/bound %.2f)"
              % (st["passed"], st["probes"], st["span"], st["connect_ms"], st["connect_p95"], 2 * n, bound2,
                 best / bound2))
    if b is None:
        return 0
    b_clean = b_total - n * b["rc_ms"] / 1000
    note = "" if done == n else "  (measured %d commands in %.1f s, extrapolated)" % (done, sum(times))
    print("%-28s %8.3f%s" % ("B one command per check", b_total, note))
    print("    ssh connect %.3f s; per command mean %.1f ms, median %.1f ms, p95 %.1f ms; %d of %d failed"
          % (b["setup"], per * 1000, times[done // 2] * 1000, times[int(0.95 * (done - 1))] * 1000, b["failed"], done))
    print("    of which this host's root ~/.bashrc costs %.1f ms per SSH exec (bash sources it under sshd);"
          "\n    B with a no-op ~/.bashrc (estimate): %.1f s = %.0fx the best A"
          % (b["rc_ms"], b_clean, b_clean / min(r[1] for r in rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
