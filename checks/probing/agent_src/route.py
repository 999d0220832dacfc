"""The `route` check: which interface and gateway traffic to a dependency leaves
by (incident 2: an internal call leaving through the NAT gateway).  All route
probes of a plan are answered by one `ip -batch` process.
"""
import ipaddress
import json
import socket
import struct
import subprocess
import threading
import time
from .protocol import Done, _dotted_quad, _field, _outcome, _remaining, _socket_failure, _unmap, resolve


def parse_proc_route(text, ip, default_only=False):
    """Longest-prefix match of an IPv4 address over /proc/net/route text.

    -> {"dev", "gateway"} or None.  Only the main table is there; local
    and policy routes are not seen."""
    target = struct.unpack("<I", socket.inet_aton(ip))[0]
    best = None
    for line in text.splitlines()[1:]:
        cols = line.split()
        if len(cols) < 8:
            continue
        try:
            dest, gw, flags, metric, mask = (int(cols[1], 16), int(cols[2], 16),
                                             int(cols[3], 16), int(cols[6]), int(cols[7], 16))
        except ValueError:
            continue
        if not flags & 0x1 or target & mask != dest or (default_only and mask):
            continue
        key = (bin(mask).count("1"), -metric)
        if best is None or key > best[0]:
            gateway = socket.inet_ntoa(struct.pack("<I", gw)) if flags & 0x2 else None
            best = (key, {"dev": cols[0], "gateway": gateway})
    return best[1] if best else None


def _run_tool(argv, deadline):
    """Run a tool with an argument list (never a shell); stdout or None."""
    try:
        proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True, timeout=_remaining(deadline))
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout if proc.returncode == 0 else None


def _source_address(ip):
    """Kernel's source address toward ip: connect() on UDP sends nothing."""
    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_DGRAM)
    try:
        sock.connect((ip, 9))
        return _unmap(sock.getsockname()[0])
    except OSError:
        return None
    finally:
        sock.close()


def _ip_route_get(ip, deadline):
    out = _run_tool(["ip", "-j", "route", "get", ip], deadline)
    try:
        info = json.loads(out)[0] if out else None
    except (ValueError, IndexError, KeyError):
        return None  # old iproute2 without -j, or no route
    if not isinstance(info, dict) or not info.get("dev"):
        return None
    return {"ip": ip, "dev": info["dev"], "gateway": info.get("gateway"),
            "src": info.get("prefsrc"), "method": "ip"}


class _RouteTable(object):
    """Every route probe of a plan answered by ONE `ip -j -force -batch -` process.

    One `ip route get` per target cost a process start each: on a 1,000-target
    plan that was most of the agent's time (bench/README.md).  Targets not
    known up front (names) still get their own `ip route get`.  The batch is
    started when the plan is read and runs beside the first probes; the runner
    queues the batched route probes last, so no worker waits on it while
    connect probes are still to run.
    """

    BATCH_TIMEOUT_S = 10.0  # plus 1 s per 1,000 routes

    def __init__(self):
        self.wanted = frozenset()
        self.answers = None
        self.ready = threading.Event()

    def prime(self, probes):
        wanted = set()
        for probe in probes:
            host = probe.get("host") if probe.get("check") == "route" else None
            try:
                wanted.add(_dotted_quad(host) or str(ipaddress.ip_address(host)))
            except (TypeError, ValueError):
                continue
        self.wanted, self.answers, self.ready = frozenset(wanted), None, threading.Event()
        if len(self.wanted) >= 2:
            worker = threading.Thread(target=self._fill, args=(self.wanted, self.ready), name="route-batch")
            worker.daemon = True
            worker.start()

    def batched(self, probe):
        """True for a route probe the batch answers (the runner answers those on one thread)."""
        return len(self.wanted) >= 2 and probe.get("check") == "route" and probe.get("host") in self.wanted

    def _fill(self, wanted, ready):
        answers = {}
        try:
            answers = self._batch(wanted, time.monotonic() + self.BATCH_TIMEOUT_S + len(wanted) / 1000.0)
        finally:
            if ready is self.ready:  # not a batch of an earlier plan finishing late
                self.answers = answers
            ready.set()

    def lookup(self, ip, deadline):
        if len(self.wanted) < 2 or ip not in self.wanted:
            return None
        if not self.ready.wait(max(0.0, _remaining(deadline))):
            return None  # the batch is late: this probe asks `ip route get` itself
        return (self.answers or {}).get(ip)

    def _batch(self, wanted, deadline):
        commands = "".join("route get %s\n" % ip for ip in sorted(wanted))
        try:
            proc = subprocess.run(["ip", "-j", "-force", "-batch", "-"], input=commands,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  universal_newlines=True, timeout=max(_remaining(deadline), 1.0))
        except (OSError, subprocess.SubprocessError):
            return {}
        answers = {}
        for line in proc.stdout.splitlines():
            try:
                info = json.loads(line)[0]
            except (ValueError, IndexError, KeyError):
                continue
            if isinstance(info, dict) and info.get("dst") and info.get("dev"):
                answers[info["dst"]] = {"ip": info["dst"], "dev": info["dev"], "gateway": info.get("gateway"),
                                        "src": info.get("prefsrc"), "method": "ip"}
        return answers


_ROUTES = _RouteTable()


def _proc_route(ip):
    """Fallback: /proc/net/route (IPv4, main table only) -> data or Done."""
    if ipaddress.ip_address(ip).version != 4:
        raise Done(_outcome("inconclusive", "no_tool", "`ip` unavailable and /proc is IPv4 only"))
    if ipaddress.ip_address(ip).is_loopback:  # the local table is not in /proc
        found = {"dev": "lo", "gateway": None}
    else:
        try:
            with open("/proc/net/route") as handle:
                found = parse_proc_route(handle.read(), ip)
        except OSError:
            raise Done(_outcome("inconclusive", "no_tool",
                                "neither `ip route get` nor /proc/net/route is usable"))
        if found is None:
            raise Done(_outcome("fail", "no_route", "no route toward %s in /proc/net/route" % ip,
                                data={"ip": ip, "method": "proc"}))
    found.update(ip=ip, src=_source_address(ip), method="proc")
    return found


def check_route(probe, deadline):
    """Egress interface, gateway and source address toward a host.

    Guards incident 2: internal calls leaving through the NAT/default gateway;
    and incident 5: cross-site paths that differ between old and new hosts."""
    host = _field(probe, "host", str)
    ip = _dotted_quad(host)
    if ip is None:
        try:
            ip = _unmap(resolve(host, None, socket.SOCK_STREAM, deadline)[0][4][0])
            ip = str(ipaddress.ip_address(ip.split("%")[0]))  # only an IP reaches `ip`
        except OSError as exc:
            raise Done(_socket_failure(exc, what="resolve %s" % host))
    data = _ROUTES.lookup(ip, deadline) or _ip_route_get(ip, deadline) or _proc_route(ip)
    via = "via %s" % data["gateway"] if data["gateway"] else "directly"
    return _outcome("pass", "routed", "%s leaves on %s %s from %s (%s)" % (
        ip, data["dev"], via, data["src"], data["method"]), data=data)
