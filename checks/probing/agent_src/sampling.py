"""Sampling the host's sockets (`sample_connections`, discovery: incident 4's
forgotten callers).  The parsers are also the host side's, so saved samples
and live sampling read sockets with the very same code.
"""
import ipaddress
import os
import re
import shutil
import sys
import time
from .protocol import ProbeError, _outcome, _utc_now
from .route import _run_tool


# ---------------------------------------------------------------- sampling: the host's sockets (discovery)
#
# The parsers below are also the host side's (migready.checks.discovery
# imports them from here), so saved samples and live sampling read sockets
# with the very same code.

TCP_STATES = {1: "ESTABLISHED", 2: "SYN_SENT", 3: "SYN_RECV", 4: "FIN_WAIT1", 5: "FIN_WAIT2",
              6: "TIME_WAIT", 7: "CLOSE", 8: "CLOSE_WAIT", 9: "LAST_ACK", 10: "LISTEN",
              11: "CLOSING", 12: "NEW_SYN_RECV"}
# ss(8) names (iproute2 misc/ss.c) -> the kernel names used above; a UDP
# socket is "UNCONN" (no peer) or "ESTABLISHED" (connect()ed).
SS_STATES = {"ESTAB": "ESTABLISHED", "SYN-SENT": "SYN_SENT", "SYN-RECV": "SYN_RECV",
             "FIN-WAIT-1": "FIN_WAIT1", "FIN-WAIT-2": "FIN_WAIT2", "TIME-WAIT": "TIME_WAIT",
             "UNCONN": "UNCONN", "CLOSE-WAIT": "CLOSE_WAIT", "LAST-ACK": "LAST_ACK",
             "LISTEN": "LISTEN", "CLOSING": "CLOSING", "UNKNOWN": "CLOSE",
             "NEW-SYN-RECV": "NEW_SYN_RECV"}
PROC_NET_FILES = ("tcp", "tcp6", "udp", "udp6")
DEFAULT_EPHEMERAL = (32768, 60999)
_WILDCARDS = ("0.0.0.0", "::")
# users:(("name",pid=1,fd=2)) today; ("name",1,2) before iproute2 4.x;
# ("name",pid=1,tid=3,fd=2) with -T (--threads): the name and pid are kept.
_SS_USER = re.compile(r'\("((?:[^"\\]|\\.)*)",(?:pid=)?(\d+),')


def _plain_ip(addr):
    """An ipaddress object -> text; IPv4-mapped IPv6 becomes the IPv4 address."""
    mapped = getattr(addr, "ipv4_mapped", None)
    return str(mapped if mapped is not None else addr)


def decode_proc_address(field, byteorder=None):
    """'0100007F:0016' -> ('127.0.0.1', 22); IPv6 takes 32 hex digits.

    The kernel prints the address as 32-bit words in the host's byte order
    (%08X of each word): on a little-endian host the bytes of every word
    come out reversed.  byteorder defaults to this machine's, which is right
    for the agent reading its own /proc; give it for samples from elsewhere."""
    host, _, port = field.partition(":")
    raw = bytearray.fromhex(host)
    if len(raw) not in (4, 16) or not port:
        raise ValueError("not a /proc/net address: %r" % field)
    if (byteorder or sys.byteorder) == "little":
        raw = b"".join(bytes(raw[i:i + 4])[::-1] for i in range(0, len(raw), 4))
    return _plain_ip(ipaddress.ip_address(bytes(raw))), int(port, 16)


def parse_proc_net(text, kind, byteorder=None):
    """One /proc/net/{tcp,tcp6,udp,udp6} file -> socket dicts.

    Each: proto ("tcp"/"udp"), family (4/6), local_ip, local_port,
    remote_ip, remote_port, state (TCP_STATES names; UDP: "UNCONN" or
    "ESTABLISHED"), uid, inode.  Lines that do not parse are skipped."""
    proto = "udp" if kind.startswith("udp") else "tcp"
    family = 6 if kind.endswith("6") else 4
    sockets = []
    for line in text.splitlines():
        cols = line.split()
        if len(cols) < 10 or not cols[0].endswith(":") or not cols[0][:-1].isdigit():
            continue  # the header, or a damaged line
        try:
            local_ip, local_port = decode_proc_address(cols[1], byteorder)
            remote_ip, remote_port = decode_proc_address(cols[2], byteorder)
            code = int(cols[3], 16)
            uid, inode = int(cols[7]), int(cols[9])
        except ValueError:
            continue
        if proto == "udp":
            state = "ESTABLISHED" if code == 1 else "UNCONN"
        else:
            state = TCP_STATES.get(code, "UNKNOWN_%d" % code)
        sockets.append({"proto": proto, "family": family, "local_ip": local_ip,
                        "local_port": local_port, "remote_ip": remote_ip,
                        "remote_port": remote_port, "state": state, "uid": uid,
                        "inode": inode})
    return sockets


def _ss_endpoint(text, service_port=None):
    """'[::ffff:10.0.0.1]:443', '10.0.0.1%eth0:53', '*:22', ':::22' -> (ip, port).

    A service name instead of a number (ss run without -n: '10.0.0.1:ssh')
    is turned into a port by service_port(name) when given (None: unknown)."""
    host, _, port = text.rpartition(":")
    if host.startswith("["):
        host = host[1:].split("]", 1)[0]
    host = host.split("%", 1)[0]
    if host in ("*", ""):
        host = "::"  # ss shows a dual-stack wildcard as *
    try:
        ip = _plain_ip(ipaddress.ip_address(host))
    except ValueError:
        raise ValueError("not an ss address: %r" % text)
    if port in ("*", ""):
        return ip, 0
    if port.isdigit():
        return ip, int(port)
    number = service_port(port) if service_port is not None else None
    if number is None:
        raise ValueError("service name %r is not a known port" % port)
    return ip, number


def _ss_processes(text):
    """'users:(("nginx",pid=10,fd=6),("nginx",pid=11,fd=6))' -> [("nginx", 10), ...]."""
    return [(name, int(pid)) for name, pid in _SS_USER.findall(text)]


def parse_ss(text, service_port=None, rejected=None):
    """`ss -tunap` / `ss -tunapH` output -> socket dicts (as parse_proc_net,
    plus "processes": [name, ...] and "pids"; no uid/inode).

    Header lines are skipped.  Without a Netid column (`ss -tap`), the
    protocol is taken as udp for UNCONN sockets and tcp otherwise.
    service_port(name, proto) turns service names (ss without -n) into
    ports; rejected, a list, receives (line number, line, why) for each
    socket line that could not be read, so a caller can say so."""
    sockets = []
    for number, line in enumerate(text.splitlines(), 1):
        at = line.find("users:(")
        main, users = (line, "") if at < 0 else (line[:at], line[at:])
        cols = main.split()
        if not cols or cols[0] in ("Netid", "State"):
            continue
        if cols[0].upper() in SS_STATES:
            proto = "udp" if cols[0].upper() == "UNCONN" else "tcp"
        else:
            proto, cols = cols[0].lower(), cols[1:]
        if proto not in ("tcp", "udp") or len(cols) < 5 or cols[0].upper() not in SS_STATES:
            continue
        lookup = None if service_port is None else (lambda name: service_port(name, proto))
        try:
            local_ip, local_port = _ss_endpoint(cols[3], lookup)
            remote_ip, remote_port = _ss_endpoint(cols[4], lookup)
        except ValueError as exc:
            if rejected is not None:
                rejected.append((number, line, str(exc)))
            continue
        state = SS_STATES[cols[0].upper()]
        if proto == "udp" and state != "ESTABLISHED":
            state = "UNCONN"
        procs = _ss_processes(users)
        names = []
        for name, _ in procs:
            if name not in names:
                names.append(name)
        sockets.append({"proto": proto, "family": 6 if ":" in local_ip else 4,
                        "local_ip": local_ip, "local_port": local_port,
                        "remote_ip": remote_ip, "remote_port": remote_port,
                        "state": state, "processes": names,
                        "pids": sorted(set(pid for _, pid in procs))})
    return sockets


def _socket_key(sock):
    return (sock["proto"], sock["local_ip"], sock["local_port"], sock["remote_ip"],
            sock["remote_port"])


def is_listening(sock):
    """A TCP listener or an unconnected bound UDP socket."""
    if sock["proto"] == "tcp":
        return sock["state"] == "LISTEN"
    return sock["state"] == "UNCONN" and sock["local_port"] != 0


def has_peer(sock):
    return sock["remote_port"] != 0 and sock["state"] not in ("LISTEN", "UNCONN", "CLOSE")


def socket_direction(sock, listeners, ephemeral=DEFAULT_EPHEMERAL, local_ips=()):
    """"inbound" when the local port is one this host listens on (or the
    handshake says so), "outbound" otherwise; without a listener to go by,
    an ephemeral local port against a service port is outbound.

    listeners: set of (proto, ip, port) of the same snapshot; local_ips:
    this host's addresses (a connection to itself is outbound on the
    connecting side)."""
    proto, lport, rport = sock["proto"], sock["local_port"], sock["remote_port"]
    if sock["state"] == "SYN_SENT":
        return "outbound"
    if sock["state"] in ("SYN_RECV", "NEW_SYN_RECV"):
        return "inbound"
    for ip in (sock["local_ip"],) + _WILDCARDS:
        if (proto, ip, lport) in listeners:
            return "inbound"
    if sock["remote_ip"] in local_ips:
        for ip in (sock["remote_ip"],) + _WILDCARDS:
            if (proto, ip, rport) in listeners:
                return "outbound"
    return guess_direction(lport, rport, ephemeral)


def guess_direction(local_port, remote_port, ephemeral=DEFAULT_EPHEMERAL):
    """Ports alone: the side on an ephemeral port is the client; else the lower port is the service."""
    low, high = ephemeral
    local_eph, remote_eph = low <= local_port <= high, low <= remote_port <= high
    if local_eph != remote_eph:
        return "outbound" if local_eph else "inbound"
    return "outbound" if remote_port <= local_port else "inbound"


def _add_capped(items, value, cap):
    if value not in items and len(items) < cap:
        items.append(value)


class SocketAggregator(object):
    """Peers and listeners over many snapshots of a host's sockets.

    A peer is (proto, direction, remote_ip, port) where port is the service
    port: the remote one for outbound, ours for inbound.  `exclude` is a
    socket key (proto, local ip, local port, remote ip, remote port) left
    out: the agent's own SSH session.  to_data() is JSON; merge() adds
    another aggregator's to_data() (chunks of one window)."""

    MAX_PORTS = 16
    MAX_CONNS = 512

    def __init__(self, ephemeral=DEFAULT_EPHEMERAL, exclude=None):
        self.ephemeral = tuple(ephemeral)
        self.exclude = tuple(exclude) if exclude else None
        self.peers, self.listening = {}, {}
        self.samples, self.first, self.last = 0, None, None
        self.sockets_max, self.excluded = 0, 0

    def _seen(self, entry, at, sample):
        if entry["first_seen"] is None or at < entry["first_seen"]:
            entry["first_seen"] = at
        if entry["last_seen"] is None or at > entry["last_seen"]:
            entry["last_seen"] = at
        if entry.pop("_sample", None) != sample:
            entry["samples"] += 1
        entry["_sample"] = sample

    def add(self, sockets, at):
        """One snapshot (socket dicts, as the parsers give) taken at `at` (ISO time)."""
        self.samples += 1
        sample = self.samples
        self.first = at if self.first is None or at < self.first else self.first
        self.last = at if self.last is None or at > self.last else self.last
        self.sockets_max = max(self.sockets_max, len(sockets))
        listeners = set()
        for sock in sockets:
            if not is_listening(sock):
                continue
            listeners.add((sock["proto"], sock["local_ip"], sock["local_port"]))
            key = (sock["proto"], sock["local_ip"], sock["local_port"])
            entry = self.listening.get(key)
            if entry is None:
                low, high = self.ephemeral
                entry = self.listening[key] = {
                    "proto": key[0], "ip": key[1], "port": key[2], "processes": [],
                    "ephemeral": low <= key[2] <= high, "first_seen": None,
                    "last_seen": None, "samples": 0}
            for name in sock.get("processes") or ():
                _add_capped(entry["processes"], name, self.MAX_PORTS)
            self._seen(entry, at, sample)
        local_ips = set(sock["local_ip"] for sock in sockets)
        for sock in sockets:
            if not has_peer(sock):
                continue
            if self.exclude is not None and _socket_key(sock) == self.exclude:
                self.excluded += 1
                continue
            direction = socket_direction(sock, listeners, self.ephemeral, local_ips)
            port = sock["remote_port"] if direction == "outbound" else sock["local_port"]
            key = (sock["proto"], direction, sock["remote_ip"], port)
            entry = self.peers.get(key)
            if entry is None:
                entry = self.peers[key] = {
                    "proto": key[0], "direction": direction, "remote_ip": key[2], "port": port,
                    "local_ips": [], "local_ports": [], "remote_ports": [], "processes": [],
                    "states": [], "first_seen": None, "last_seen": None, "samples": 0,
                    "conns": []}
            _add_capped(entry["local_ips"], sock["local_ip"], self.MAX_PORTS)
            _add_capped(entry["local_ports"], sock["local_port"], self.MAX_PORTS)
            _add_capped(entry["remote_ports"], sock["remote_port"], self.MAX_PORTS)
            _add_capped(entry["states"], sock["state"], self.MAX_PORTS)
            _add_capped(entry["conns"], "%d-%d" % (sock["local_port"], sock["remote_port"]),
                        self.MAX_CONNS)
            for name in sock.get("processes") or ():
                _add_capped(entry["processes"], name, self.MAX_PORTS)
            self._seen(entry, at, sample)

    def merge(self, data):
        """Add a to_data() of a later (or earlier) chunk of the same window."""
        self.samples += data.get("samples", 0)
        for bound in ("first", "last"):
            value = data.get(bound)
            mine = getattr(self, bound)
            if value is not None and (mine is None or (value < mine if bound == "first" else value > mine)):
                setattr(self, bound, value)
        self.sockets_max = max(self.sockets_max, data.get("sockets_max", 0))
        self.excluded += data.get("excluded", 0)
        for table, fields, key_of in (
                (self.peers, ("local_ips", "local_ports", "remote_ports", "processes", "states",
                              "conns"),
                 lambda e: (e["proto"], e["direction"], e["remote_ip"], e["port"])),
                (self.listening, ("processes",), lambda e: (e["proto"], e["ip"], e["port"]))):
            for item in data.get("peers" if table is self.peers else "listening", ()):
                key = key_of(item)
                entry = table.get(key)
                if entry is None:
                    table[key] = dict(item, **dict((f, list(item.get(f, ()))) for f in fields))
                    continue
                for f in fields:
                    for value in item.get(f, ()):
                        _add_capped(entry[f], value, self.MAX_CONNS if f == "conns" else self.MAX_PORTS)
                entry["samples"] += item.get("samples", 0)
                for bound, better in (("first_seen", min), ("last_seen", max)):
                    values = [v for v in (entry.get(bound), item.get(bound)) if v is not None]
                    entry[bound] = better(values) if values else None

    def to_data(self):
        def clean(entry):
            return dict((k, v) for k, v in entry.items() if not k.startswith("_"))
        peers = sorted((clean(e) for e in self.peers.values()),
                       key=lambda e: (e["direction"], e["proto"], e["remote_ip"], e["port"]))
        listening = sorted((clean(e) for e in self.listening.values()),
                           key=lambda e: (e["proto"], e["port"], e["ip"]))
        return {"samples": self.samples, "first": self.first, "last": self.last,
                "sockets_max": self.sockets_max, "excluded": self.excluded,
                "ephemeral": list(self.ephemeral), "peers": peers, "listening": listening}


def _ephemeral_range():
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as handle:
            low, high = (int(v) for v in handle.read().split()[:2])
        return low, high
    except (OSError, ValueError):
        return DEFAULT_EPHEMERAL


def _own_ssh_session():
    """The socket of the SSH session that runs this agent (from SSH_CONNECTION)."""
    parts = os.environ.get("SSH_CONNECTION", "").split()
    if len(parts) != 4:
        return None
    try:
        client = _plain_ip(ipaddress.ip_address(parts[0].split("%")[0]))
        server = _plain_ip(ipaddress.ip_address(parts[2].split("%")[0]))
        return ("tcp", server, int(parts[3]), client, int(parts[1]))
    except ValueError:
        return None


def _find_ss():
    found = shutil.which("ss")
    if found:
        return found
    for path in ("/usr/sbin/ss", "/sbin/ss", "/usr/bin/ss", "/bin/ss"):
        if os.access(path, os.X_OK):
            return path
    return None


def read_sockets(use_ss, deadline, proc_net="/proc/net"):
    """One snapshot: every socket of /proc/net/{tcp,tcp6,udp,udp6}, with
    process names from `ss -tunap` when asked and available.
    -> (sockets, ss_status, notes); ss_status "used" | "off" | "missing" | "failed"."""
    sockets, notes = [], []
    for kind in PROC_NET_FILES:
        try:
            with open(os.path.join(proc_net, kind)) as handle:
                text = handle.read()
        except (OSError, IOError) as exc:
            if not kind.endswith("6"):  # no IPv6 on the host is normal
                notes.append("cannot read %s/%s: %s" % (proc_net, kind, exc))
            continue
        sockets.extend(parse_proc_net(text, kind))
    if not use_ss:
        return sockets, "off", notes
    ss = _find_ss()
    if ss is None:
        return sockets, "missing", notes
    out = None
    for flags in ([_SS_FLAGS[0]] if _SS_FLAGS else ["-tunapH", "-tunap"]):  # no -H before iproute2 4.13
        out = _run_tool([ss, flags], deadline)
        if out is not None:
            _SS_FLAGS[:] = [flags]
            break
    if out is None:
        return sockets, "failed", notes
    by_key, bound = {}, {}
    for seen in parse_ss(out):
        by_key[_socket_key(seen)] = seen
        if is_listening(seen):  # old ss writes * for 0.0.0.0: fall back to proto and port
            bound.setdefault((seen["proto"], seen["local_port"]), seen)
    for sock in sockets:
        seen = by_key.get(_socket_key(sock))
        if seen is None and is_listening(sock):
            seen = bound.get((sock["proto"], sock["local_port"]))
        sock["processes"] = seen["processes"] if seen else []
    return sockets, "used", notes


_SS_FLAGS = []  # the ss flags that worked on this host


_AGENT_PPID = os.getppid()


def check_sample_connections(probe, deadline):
    """Sample the host's sockets `samples` times, `interval_s` apart (after
    `delay_s`), and aggregate peers and listeners (SocketAggregator).

    Guards incident 4 (inventory vs reality: live connections the inventory
    does not list, listed peers never seen) and incident 5 (inbound
    callbacks nobody listed).  Long windows are split into several probes
    run one after another (jobs 1) so results stream in as chunks."""
    samples = probe.get("samples", 1)
    interval = probe.get("interval_s", 1.0)
    delay = probe.get("delay_s", 0)
    if isinstance(samples, bool) or not isinstance(samples, int) or not 0 < samples <= 100000:
        raise ProbeError("samples must be an integer from 1 to 100000")
    for name, value in (("interval_s", interval), ("delay_s", delay)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ProbeError("%s must be a number >= 0" % name)
    if not os.path.exists("/proc/net/tcp"):
        return _outcome("inconclusive", "no_proc", "/proc/net/tcp is not there (not Linux?)")
    aggregator = SocketAggregator(_ephemeral_range(), _own_ssh_session())
    statuses, notes, t0 = [], [], time.monotonic()
    for n in range(samples):
        due = t0 + delay + n * interval
        if due > deadline - 1.0:
            notes.append("stopped after %d of %d samples: the probe's time ran out" % (n, samples))
            break
        if os.getppid() != _AGENT_PPID:  # the session that started us is gone
            notes.append("stopped after %d of %d samples: the session ended" % (n, samples))
            break
        if due > time.monotonic():
            time.sleep(due - time.monotonic())
        sockets, status, snapshot_notes = read_sockets(probe.get("ss", True) is not False, deadline)
        aggregator.add(sockets, _utc_now())
        if status not in statuses:
            statuses.append(status)
        for note in snapshot_notes:
            if note not in notes:
                notes.append(note)
    data = aggregator.to_data()
    data.update(ss=statuses, notes=notes, root=os.geteuid() == 0 if hasattr(os, "geteuid") else None,
                self=list(aggregator.exclude) if aggregator.exclude else None)
    return _outcome("pass", "sampled", "%d samples: %d peers, %d listening sockets" % (
        data["samples"], len(data["peers"]), len(data["listening"])), data=data)
