"""migready probe agent: runs ON the staging host, stdlib only, Python >= 3.6.

Why it exists: the dependencies that break migrations (store scales that check
the UDP source port, "internal" calls that leave through a NAT gateway, ...)
can only be seen from the host the service will run on.  The host side copies
this one file there over SSH and runs it; it must not import migready.

Protocol (`python3 agent.py run`, also the default):
  stdin : one JSON plan, read to EOF:
          {"version": 1, "jobs": 16, "probes": [{"id", "check", "meta"?,
           "timeout_ms"?, ...check fields}]}
  stdout: JSON lines (results go out in batches, at most 50 ms after they
          are known; every other line at once):
          {"type": "hello", "agent_version", "python", "pid"}
          {"type": "result", "id", "check", "meta", "status", "reason",
           "detail", "latency_ms", "started", "data"}   (completion order;
           meta as the plan gave it, {} when it gave none)
          {"type": "summary", "agent_version", "total", "pass", "fail",
           "inconclusive", "elapsed_ms"}
  status is "pass" | "fail" | "inconclusive"; a missing tool or an
  unsupported situation is never "pass".  A malformed plan gives a single
  {"type": "error", "detail"} line and exit code 2.

`python3 agent.py reflector [--bind A] [--port N] [--udp] [--tcp] [--once]
[--callback-allow CIDR]... [--token-file F] [--callback-rate N]`
runs the reflector: a UDP+TCP echo answering each peer with the address and
port it observed, so the agent can see NAT and source-port rewriting.  Over
TCP it also takes call-back requests (the `callback` check): it connects back
to the address it observed (and to addresses inside --callback-allow), on
the one port named, once per request, rate-limited per source.
"""
# BUILT FILE: generated from checks/probing/agent_src/ (one module per check) by
# `python -m migready.checks.probing.build_agent`.  Edit those modules, then rebuild;
# tests/test_agent_build.py fails when this file and the modules differ.

import base64
import collections
import datetime
import errno
import hmac
import io
import ipaddress
import json
import os
import platform
import re
import selectors
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.parse
import zlib


# ==== agent_src/protocol.py

AGENT_VERSION = "1"
DEFAULT_TIMEOUT_MS = 3000
DEFAULT_JOBS = 16
REFLECTOR_PORT = 3478
UNREACHABLE_ERRNOS = (errno.EHOSTUNREACH, errno.ENETUNREACH)


class ProbeError(Exception):
    """A probe that cannot be run as written (bad or missing field)."""


class PlanError(Exception):
    """The plan as a whole is malformed."""


# ---------------------------------------------------------------- helpers

def _outcome(status, reason=None, detail="", latency_ms=None, data=None):
    return {"status": status, "reason": reason, "detail": detail,
            "latency_ms": None if latency_ms is None else round(latency_ms, 3),
            "data": data if data is not None else {}}


def _result_line(probe, started, outcome):
    """A probe's result as the agent writes it: what the plan said it is, when, and the outcome."""
    line = {"type": "result", "id": probe["id"], "check": probe["check"],
            "meta": probe.get("meta") or {}, "started": started}
    line.update(outcome)
    return line


def _remaining(deadline):
    return max(0.001, deadline - time.monotonic())


def _ms_since(t0):
    return (time.monotonic() - t0) * 1000.0


def _field(probe, name, kind=None):
    if name not in probe:
        raise ProbeError("missing field %r" % name)
    value = probe[name]
    if kind is not None and (not isinstance(value, kind) or isinstance(value, bool)):
        raise ProbeError("field %r has the wrong type" % name)
    return value


def _port(probe, name, optional=False):
    if optional and probe.get(name) in (None, 0):
        return 0
    value = _field(probe, name, int)
    if not 0 < value < 65536:
        raise ProbeError("field %r out of range: %r" % (name, value))
    return value


def _b64(probe, name, default=None):
    if probe.get(name) is None:
        return default
    try:
        return base64.b64decode(probe[name], validate=True)
    except (ValueError, TypeError):
        raise ProbeError("field %r is not valid base64" % name)


def _printable(raw, limit=200):
    text = "".join(chr(b) if 32 <= b < 127 else "." for b in raw[:limit])
    return text + ("..." if len(raw) > limit else "")


def _addr(sockaddr):
    return {"ip": _unmap(sockaddr[0]), "port": sockaddr[1]}


def _unmap(ip):
    """'::ffff:10.0.0.1' -> '10.0.0.1' so NAT comparison is not fooled."""
    if ip.lower().startswith("::ffff:") and "." in ip:
        return ip[7:]
    return ip


def _dotted_quad(host):
    """`host` when it is an IPv4 address written as getaddrinfo would give it back, else None:
    such a target needs no lookup (a 10,000-target plan has 20,000 of them)."""
    try:
        return host if socket.inet_ntoa(socket.inet_pton(socket.AF_INET, host)) == host else None
    except (OSError, TypeError, UnicodeError, ValueError):
        return None


def _ip_class(ip):
    try:
        addr = ipaddress.ip_address(ip.split("%")[0])
    except ValueError:
        return "other"
    if addr.is_loopback:
        return "loopback"
    if addr.is_link_local or addr.is_multicast or addr.is_unspecified or addr.is_reserved:
        return "other"
    if addr.is_private:
        return "private"
    return "public" if addr.is_global else "other"


def resolve(host, port, socktype, deadline, family=socket.AF_UNSPEC):
    """getaddrinfo with a deadline (it has none of its own): run it in a thread.

    An address literal needs no lookup and cannot hang, so it is answered at
    once, without the thread (a 10,000-target plan started 20,000 of them)."""
    try:
        return socket.getaddrinfo(host, port, family, socktype, 0, socket.AI_NUMERICHOST)
    except (socket.gaierror, TypeError, UnicodeError):
        pass  # a name (or a literal of the wrong family): the lookup below says what is wrong
    box = {}

    def work():
        try:
            box["v"] = socket.getaddrinfo(host, port, family, socktype)
        except Exception as exc:  # handed back to the caller below
            box["e"] = exc
    worker = threading.Thread(target=work, name="resolve")
    worker.daemon = True
    worker.start()
    worker.join(_remaining(deadline))
    if worker.is_alive():
        raise socket.timeout("resolving %s timed out" % host)
    if "e" in box:
        raise box["e"]
    return box["v"]


def _socket_failure(exc, refused="refused", what="connect", data=None):
    """Classify a socket exception into an outcome (fail or inconclusive)."""
    if isinstance(exc, socket.gaierror):
        result = _outcome("fail", "dns", "name does not resolve: %s" % exc)
    elif isinstance(exc, socket.timeout):  # "connect timed out", never "connect timed out: timed out"
        said = str(exc)
        result = _outcome("fail", "timeout", "%s timed out" % what if said in ("", "timed out") else
                          said if "timed out" in said else "%s timed out: %s" % (what, said))
    elif isinstance(exc, ConnectionRefusedError):
        result = _outcome("fail", refused, "%s refused: %s" % (what, exc))
    elif getattr(exc, "errno", None) in UNREACHABLE_ERRNOS:
        result = _outcome("fail", "unreachable", "%s: %s" % (what, exc))
    else:
        result = _outcome("inconclusive", "socket_error", "%s failed: %s" % (what, exc))
    result["data"] = data if data is not None else {}
    return result


class Done(Exception):
    """Ends a check early with a finished outcome."""

    def __init__(self, outcome):
        Exception.__init__(self, outcome["detail"])
        self.outcome = outcome


def _socket_for(probe, host_field, port_field, socktype, deadline):
    """Resolve the target and open a socket, bound to the probe's fixed
    source_port if it has one.  -> (sock, sockaddr, source_port) or Done."""
    host, port = _field(probe, host_field, str), _port(probe, port_field)
    source_port = _port(probe, "source_port", optional=True)
    try:
        family, _, _, _, sockaddr = resolve(host, port, socktype, deadline)[0]
    except OSError as exc:
        raise Done(_socket_failure(exc, what="resolve %s" % host))
    sock = socket.socket(family, socktype)
    if source_port:
        if socktype == socket.SOCK_STREAM:  # no TIME_WAIT left from the last probe
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            _bind_source_port(sock, ("::" if family == socket.AF_INET6 else "0.0.0.0", source_port), deadline)
        except OSError as exc:
            sock.close()
            reason = {errno.EADDRINUSE: "port_in_use", errno.EACCES: "bind_denied"}
            raise Done(_outcome("inconclusive", reason.get(exc.errno, "bind_failed"),
                                "cannot bind source port %s here: %s" % (source_port, exc)))
    return sock, sockaddr, source_port


def _bind_source_port(sock, address, deadline):
    """Bind the fixed source port; while another probe on this host holds it for a moment (two
    runs at once, each probing a device from its SDK port), wait for it, at most a second and
    never past the probe's deadline: a port held that long is reported, not waited out."""
    give_up = min(deadline, time.monotonic() + 1.0)
    while True:
        try:
            return sock.bind(address)
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE or time.monotonic() + 0.02 >= give_up:
                raise
            time.sleep(0.02)


def _close(sock, abortive=False):
    """Close; abortive (fixed TCP source port) sends RST and leaves no TIME_WAIT."""
    try:
        if abortive:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    sock.close()


def _utc_now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")


# ==== agent_src/tcp.py

# ---------------------------------------------------------------- probes: one function per check

def check_tcp_connect(probe, deadline):
    """TCP connect, optionally from a fixed source port.

    Guards incident 1 (devices that check the source port), incident 2
    (connect latency vs the timeout budget) and incident 5 (cross-site
    reachability of callback ports)."""
    sock, sockaddr, source_port = _socket_for(probe, "host", "port",
                                              socket.SOCK_STREAM, deadline)
    data = {"ip": _unmap(sockaddr[0]), "local": None}
    try:
        sock.settimeout(_remaining(deadline))
        t0 = time.monotonic()
        sock.connect(sockaddr)
        latency = _ms_since(t0)
        data["local"] = _addr(sock.getsockname())
    except OSError as exc:
        raise Done(_socket_failure(exc, data=data))
    finally:
        _close(sock, abortive=bool(source_port))
    return _outcome("pass", "connected", "connected to %s:%s" % (data["ip"], sockaddr[1]),
                    latency, data)


# ==== agent_src/tcp_many.py

_IN_PROGRESS = (errno.EINPROGRESS, errno.EALREADY, errno.EWOULDBLOCK)


def plain_connect(probe):
    """(family, sockaddr) of a tcp_connect probe this loop runs, else None (a fixed source
    port, a name to resolve, or a malformed probe: those keep `check_tcp_connect`)."""
    if probe.get("check") != "tcp_connect" or probe.get("source_port") not in (None, 0):
        return None
    try:
        host, port = _field(probe, "host", str), _port(probe, "port")
    except ProbeError:
        return None
    if _dotted_quad(host):
        return socket.AF_INET, (host, port)  # what getaddrinfo says of it, without asking
    try:
        family, _, _, _, sockaddr = socket.getaddrinfo(
            host, port, socket.AF_UNSPEC, socket.SOCK_STREAM, 0, socket.AI_NUMERICHOST)[0]
    except (OSError, TypeError, UnicodeError, ValueError):
        return None
    return family, sockaddr


def run_connects(items, slots, finish, stopped):
    """Run every (probe, (family, sockaddr)) of `items`, each holding one of `slots` (a
    semaphore shared with the runner's threads) while it is in flight; hand each result
    line to `finish`.  Stops early when `stopped()` is true (the client left)."""
    pending = collections.deque(items)
    flight = {}  # fd -> [sock, probe, ip, port, t0, started, deadline]
    selector = selectors.DefaultSelector()
    try:
        while (pending or flight) and not stopped():
            while pending and slots.acquire(not flight):  # block only when nothing is in flight
                line = _start(pending.popleft(), selector, flight)
                if line is not None:
                    slots.release()
                    finish(line)
            if not flight:
                continue
            now = time.monotonic()
            wait = max(0.0, min(entry[6] for entry in flight.values()) - now)
            for key, _ in selector.select(wait):
                entry = flight.pop(key.fd)
                selector.unregister(entry[0])
                slots.release()
                finish(_answered(entry))
            now = time.monotonic()
            for fd in [fd for fd, entry in flight.items() if entry[6] <= now]:
                entry = flight.pop(fd)
                selector.unregister(entry[0])
                slots.release()
                entry[0].close()
                finish(_line(entry, _socket_failure(socket.timeout("timed out"),
                                                    data={"ip": entry[2], "local": None})))
    finally:
        for entry in flight.values():
            entry[0].close()
            slots.release()
        selector.close()


def _start(item, selector, flight):
    """Open the connect; -> its result line when it ended at once, else None (in flight)."""
    probe, (family, sockaddr) = item
    started, ip = _utc_now(), _unmap(sockaddr[0])
    timeout = probe.get("timeout_ms", DEFAULT_TIMEOUT_MS) / 1000.0
    try:
        sock = socket.socket(family, socket.SOCK_STREAM)
    except OSError as exc:  # out of descriptors: as the thread's check says it
        return _result_line(probe, started, _outcome("inconclusive", "agent_error",
                                                     "%s: %s" % (type(exc).__name__, exc)))
    sock.setblocking(False)
    t0 = time.monotonic()
    entry = [sock, probe, ip, sockaddr[1], t0, started, t0 + timeout]
    try:
        code = sock.connect_ex(sockaddr)
    except OSError as exc:  # connect_ex returns most errors; a few are raised
        sock.close()
        return _line(entry, _socket_failure(exc, data={"ip": ip, "local": None}))
    if code in _IN_PROGRESS:
        flight[sock.fileno()] = entry
        selector.register(sock, selectors.EVENT_WRITE)
        return None
    return _answered(entry, code)


def _answered(entry, code=None):
    """The outcome of a connect that finished (SO_ERROR says how); the socket is closed."""
    sock, latency = entry[0], _ms_since(entry[4])
    data = {"ip": entry[2], "local": None}
    try:
        if code is None:
            code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if code:
            return _line(entry, _socket_failure(OSError(code, os.strerror(code)), data=data))
        data["local"] = _addr(sock.getsockname())
        return _line(entry, _outcome("pass", "connected", "connected to %s:%s" % (entry[2], entry[3]),
                                     latency, data))
    except OSError as exc:
        return _line(entry, _socket_failure(exc, data=data))
    finally:
        sock.close()


def _line(entry, outcome):
    return _result_line(entry[1], entry[5], outcome)


# ==== agent_src/udp.py

def _udp_exchange(probe, deadline, host_field, port_field, payload, accept=None, resend=None):
    """Send one datagram on a connected UDP socket and wait for an answer.

    -> (answer, latency_ms, data) or Done.  accept(answer) may reject
    datagrams (e.g. a wrong nonce); we then keep waiting.  resend (seconds):
    send the same datagram again after that long, doubling, until the
    deadline (as STUN clients do: a rate-limited reflector drops some)."""
    sock, sockaddr, _ = _socket_for(probe, host_field, port_field, socket.SOCK_DGRAM, deadline)
    data = {"ip": _unmap(sockaddr[0]), "local": None}
    try:
        sock.connect(sockaddr)  # connected: ICMP port-unreachable -> ECONNREFUSED
        data["local"] = _addr(sock.getsockname())
        t0 = time.monotonic()
        sock.send(payload)
        next_send, interval = (t0 + resend, resend) if resend else (None, None)
        while True:
            wait = _remaining(deadline)
            if next_send is not None:
                wait = min(wait, max(0.001, next_send - time.monotonic()))
            sock.settimeout(wait)
            try:
                answer = sock.recv(65535)
            except socket.timeout:
                if next_send is None or time.monotonic() >= deadline:
                    raise
                sock.send(payload)
                interval *= 2
                next_send = time.monotonic() + interval
                data["sent"] = data.get("sent", 1) + 1
                continue
            if accept is None or accept(answer):
                return answer, _ms_since(t0), data
    except socket.timeout:
        raise Done(_outcome("inconclusive", "silent",
                            "no answer from %s:%s within the timeout; silence is not a pass"
                            % (data["ip"], sockaddr[1]), data=data))
    except OSError as exc:
        raise Done(_socket_failure(exc, "port_unreachable", "udp exchange", data))
    finally:
        sock.close()


def check_udp_exchange(probe, deadline):
    """Send a datagram, expect an answer (device protocols over UDP).

    Guards incident 1: plain UDP reachability of store devices (scales on 5002)."""
    payload = _b64(probe, "payload_b64", b"")
    expect = _b64(probe, "expect_b64")
    answer, latency, data = _udp_exchange(probe, deadline, "host", "port", payload)
    data["answer_b64"] = base64.b64encode(answer).decode("ascii")
    if expect is None or answer.startswith(expect):
        return _outcome("pass", "answered", "answered with %d bytes" % len(answer),
                        latency, data)
    return _outcome("fail", "unexpected_answer",
                    "answer does not start with the expected bytes: %s" % _printable(answer),
                    latency, data)


# ==== agent_src/reflect_wire.py

# The reflect request, in either wire: migready's JSON line or a STUN Binding
# request (RFC 8489).  Both are padded so that no answer is larger than the
# request: a reflector that answers only requests at least as large as its
# answer cannot be used to amplify traffic toward a forged source (the rule
# QUIC's Initial and STUN's PADDING follow).
REFLECT_REQUEST_SIZE = 256  # bytes of a JSON reflect request (answers are at most ~190)
STUN_MAGIC = 0x2112A442
STUN_BINDING_REQUEST, STUN_BINDING_SUCCESS, STUN_BINDING_ERROR = 0x0001, 0x0101, 0x0111
STUN_MAPPED_ADDRESS, STUN_XOR_MAPPED_ADDRESS, STUN_ERROR_CODE = 0x0001, 0x0020, 0x0009
STUN_XOR_MAPPED_ADDRESS_OLD, STUN_SOFTWARE, STUN_FINGERPRINT = 0x8020, 0x8022, 0x8028
STUN_REQUEST_SIZE = 100  # header + a SOFTWARE attribute: larger than any Binding answer we send
UDP_RESEND_S = 0.5  # first retransmission of a UDP reflect request (RFC 8489's initial RTO)


def _reflect_request():
    nonce = base64.b16encode(os.urandom(8)).decode("ascii").lower()
    head = json.dumps({"migready": "reflect", "nonce": nonce, "pad": ""})
    pad = "." * (REFLECT_REQUEST_SIZE - len(head) - 1)  # -1: the TCP newline is added later
    return nonce, json.dumps({"migready": "reflect", "nonce": nonce, "pad": pad}).encode("ascii")


def _parse_reflection(raw, nonce):
    try:
        msg = json.loads(raw.decode("utf-8").strip())
        if msg.get("migready") == "reflect" and msg.get("nonce") == nonce:
            obs = msg["observed"]
            return {"ip": _unmap(str(obs["ip"])), "port": int(obs["port"])}
    except (ValueError, KeyError, TypeError, AttributeError):
        pass
    return None


def _stun_attr(kind, value):
    return struct.pack("!HH", kind, len(value)) + value + b"\0" * (-len(value) % 4)


def stun_binding_request(txid=None):
    """-> (transaction id, bytes): a Binding request padded with a SOFTWARE
    attribute (comprehension-optional, so any STUN server accepts it)."""
    txid = txid or os.urandom(12)
    software = b"migready reflect".ljust(STUN_REQUEST_SIZE - 24, b" ")
    attrs = _stun_attr(STUN_SOFTWARE, software)
    return txid, struct.pack("!HHI", STUN_BINDING_REQUEST, len(attrs), STUN_MAGIC) + txid + attrs


def stun_header(raw):
    """(type, length, transaction id) of a well-formed STUN message, else None."""
    if len(raw) < 20 or raw[0] & 0xC0:
        return None
    kind, length, magic = struct.unpack("!HHI", raw[:8])
    if magic != STUN_MAGIC or length % 4 or len(raw) != 20 + length:
        return None
    return kind, length, raw[8:20]


def stun_attributes(raw):
    """[(type, value)] of a well-formed STUN message (bounded by its length)."""
    out, pos = [], 20
    while pos + 4 <= len(raw):
        kind, length = struct.unpack("!HH", raw[pos:pos + 4])
        if pos + 4 + length > len(raw):
            break
        out.append((kind, raw[pos + 4:pos + 4 + length]))
        pos += 4 + length + (-length % 4)
    return out


def stun_address(value, txid=None):
    """A (XOR-)MAPPED-ADDRESS value -> {"ip", "port"}; txid given: XOR-decoded."""
    if len(value) < 8 or value[1] not in (1, 2) or len(value) != (8 if value[1] == 1 else 20):
        return None
    port = struct.unpack("!H", value[2:4])[0]
    raw = value[4:]
    if txid is not None:
        port ^= STUN_MAGIC >> 16
        key = struct.pack("!I", STUN_MAGIC) + txid
        raw = bytes(a ^ b for a, b in zip(raw, key))
    return {"ip": str(ipaddress.ip_address(raw)), "port": port}


def stun_parse_answer(raw, txid):
    """A Binding answer to our request txid -> {"observed": ...} or {"error": text};
    None when it is not an answer to that request (keep waiting)."""
    head = stun_header(raw)
    if head is None or head[2] != txid or head[0] not in (STUN_BINDING_SUCCESS, STUN_BINDING_ERROR):
        return None
    attrs = stun_attributes(raw)
    if head[0] == STUN_BINDING_ERROR:
        code = [v for k, v in attrs if k == STUN_ERROR_CODE and len(v) >= 4]
        if code:
            return {"error": "STUN error %d %s" % ((code[0][2] & 7) * 100 + code[0][3] % 100,
                                                   code[0][4:].decode("utf-8", "replace"))}
        return {"error": "STUN error response without ERROR-CODE"}
    for kind, xor in ((STUN_XOR_MAPPED_ADDRESS, True), (STUN_XOR_MAPPED_ADDRESS_OLD, True),
                      (STUN_MAPPED_ADDRESS, False)):
        for k, value in attrs:
            if k == kind:
                observed = stun_address(value, txid if xor else None)
                if observed is not None:
                    observed["ip"] = _unmap(observed["ip"])
                    return {"observed": observed, "attribute": {STUN_MAPPED_ADDRESS: "MAPPED-ADDRESS"}.get(
                        kind, "XOR-MAPPED-ADDRESS")}
    return {"error": "Binding success without a (XOR-)MAPPED-ADDRESS"}


# ==== agent_src/reflect.py

def check_reflect(probe, deadline):
    """Ask a reflector which source address and port it saw.

    Guards incident 1: NAT (natOutgoing) rewrote the source port the scales
    check; this is how source-port preservation is seen before cutover.
    `reflector_protocol: stun` asks a STUN server (coturn, or migready's own
    reflector) with a Binding request; the XOR-MAPPED-ADDRESS is what it saw."""
    protocol = probe.get("protocol", "udp")
    wire = probe.get("reflector_protocol", "migready")
    if wire == "stun":
        key, request = stun_binding_request()

        def parse(raw):
            return stun_parse_answer(raw, key)
    elif wire == "migready":
        key, request = _reflect_request()

        def parse(raw):
            observed = _parse_reflection(raw, key)
            return None if observed is None else {"observed": observed}
    else:
        raise ProbeError("reflector_protocol must be 'migready' or 'stun', not %r" % (wire,))
    if protocol == "udp":
        answer, latency, data = _udp_exchange(
            probe, deadline, "reflector_host", "reflector_port", request,
            accept=lambda raw: parse(raw) is not None, resend=UDP_RESEND_S)
        local = data["local"]
    elif protocol == "tcp":
        answer, latency, local = _tcp_reflect(probe, deadline, request, stun=wire == "stun")
    else:
        raise ProbeError("protocol must be 'udp' or 'tcp', not %r" % (protocol,))
    parsed = parse(answer)
    if parsed is None or "error" in parsed:
        return _outcome("fail", "unexpected_answer",
                        parsed["error"] if parsed else "not a reflector answer: %s" % _printable(answer),
                        latency, {"local": local, "wire": wire})
    observed = parsed["observed"]
    data = {"local": local, "observed": observed, "proto": protocol, "wire": wire,
            "nat": observed["ip"] != local["ip"],
            "port_preserved": observed["port"] == local["port"]}
    return _outcome("pass", "reflected", "local %s:%s observed as %s:%s (%s, %s)" % (
        local["ip"], local["port"], observed["ip"], observed["port"],
        "NAT" if data["nat"] else "no NAT",
        "port preserved" if data["port_preserved"] else "port rewritten"), latency, data)


def _tcp_reflect(probe, deadline, request, stun=False):
    """One request to a TCP reflector -> (answer, latency_ms, local).  A JSON
    request is a line; a STUN message is framed by its own length field."""
    sock, sockaddr, source_port = _socket_for(probe, "reflector_host", "reflector_port",
                                              socket.SOCK_STREAM, deadline)
    try:
        sock.settimeout(_remaining(deadline))
        t0 = time.monotonic()
        sock.connect(sockaddr)
        local = _addr(sock.getsockname())
        sock.sendall(request if stun else request + b"\n")
        answer = b""
        while len(answer) < 4096:
            if stun and len(answer) >= 20 and len(answer) >= 20 + struct.unpack("!H", answer[2:4])[0]:
                break
            if not stun and b"\n" in answer:
                break
            sock.settimeout(_remaining(deadline))
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
        if stun and len(answer) >= 20:
            answer = answer[:20 + struct.unpack("!H", answer[2:4])[0]]
        return answer, _ms_since(t0), local
    except OSError as exc:
        raise Done(_socket_failure(exc, what="reflector"))
    finally:
        _close(sock, abortive=bool(source_port))


# ==== agent_src/callback.py

# Call-back (incident 5): can the peer still call us?  The staging host
# listens; a reflector in the peer's zone calls back.  The reflector's side
# is in the reflector section below.

CALLBACK_TAG = "migready-callback"


def _callback_tag(nonce, index, ack=False):
    return ("%s%s %s %d\n" % (CALLBACK_TAG, "-ack" if ack else "", nonce, index)).encode("ascii")


def _parse_callback_tag(raw, nonce, ack=False):
    """The call index in a call-back tag line for this nonce, or None."""
    parts = raw.split(b"\n", 1)[0].decode("ascii", "replace").split()
    word = CALLBACK_TAG + ("-ack" if ack else "")
    if len(parts) == 3 and parts[0] == word and parts[1] == nonce and parts[2].isdigit():
        return int(parts[2])
    return None


class _CallbackListener(object):
    """The staging host's short-lived listener: on the dependency's inbound
    port when it is free (else an ephemeral port, reported), recording the
    real source of every tagged connection or datagram that reaches it."""

    def __init__(self, proto, port, family, nonce):
        self.proto, self.requested_port, self.nonce = proto, port, nonce
        self.seen, self.stopped = [], threading.Event()
        self.arrived = threading.Condition()
        kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
        wildcard = "::" if family == socket.AF_INET6 else "0.0.0.0"
        self.sock = socket.socket(family, kind)
        if proto == "tcp":  # TIME_WAIT left by earlier connections must not push us off the port
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            try:
                self.sock.bind((wildcard, port))
                self.ephemeral = False
            except OSError as exc:
                if exc.errno not in (errno.EADDRINUSE, errno.EACCES):
                    raise
                self.sock.bind((wildcard, 0))
                self.ephemeral = True
            if proto == "tcp":
                self.sock.listen(16)
        except OSError:
            self.sock.close()
            raise
        self.port = self.sock.getsockname()[1]
        self.sock.settimeout(0.1)
        self.thread = threading.Thread(target=self._serve, name="callback-listener")
        self.thread.daemon = True
        self.thread.start()

    def _record(self, peer, index):
        with self.arrived:
            self.seen.append({"from": _addr(peer), "call": index})
            self.arrived.notify_all()

    def wait_for(self, indices, deadline):
        """Wait (bounded) until the calls the peer says connected were recorded here:
        its answer can overtake this thread's accept of the last connection."""
        with self.arrived:
            while not set(indices) <= set(s["call"] for s in self.seen):
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                self.arrived.wait(min(left, 0.1))

    def _serve(self):
        while not self.stopped.is_set():
            try:
                if self.proto == "udp":
                    raw, peer = self.sock.recvfrom(512)
                    index = _parse_callback_tag(raw, self.nonce)
                    if index is not None:
                        self._record(peer, index)
                        self.sock.sendto(_callback_tag(self.nonce, index, ack=True), peer)
                    continue
                conn, peer = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                if self.stopped.is_set():
                    return
                continue
            raw, eof = b"", False
            try:
                conn.settimeout(1.0)
                while not eof and len(raw) < 256:  # the tag line, then the caller's close
                    chunk = conn.recv(256)
                    eof = not chunk
                    raw += chunk
                self._record(peer, _parse_callback_tag(raw, self.nonce))
            except OSError:
                self._record(peer, _parse_callback_tag(raw, self.nonce) if raw else None)
            finally:
                # abortive: no TIME_WAIT is left on the service's own port (it may start right after)
                _close(conn, abortive=True)

    def close(self):
        self.stopped.set()
        self.thread.join(1.0)
        self.sock.close()


def _callback_request(probe, deadline, make_request):
    """Connect to the reflector, send the request make_request(local) builds,
    read one answer line.  -> (answer dict, local addr)."""
    wait_until = time.monotonic() + max(0, int(probe.get("connect_wait_ms") or 0)) / 1000.0
    while True:  # a vantage host's agent may still be starting: refused is retried until wait_until
        try:
            sock, sockaddr, _ = _socket_for(probe, "reflector_host", "reflector_port",
                                            socket.SOCK_STREAM, deadline)
        except Done as done:  # the reflector's name did not resolve: nothing is known about the peer
            raise Done(_outcome("inconclusive", "vantage_unreachable", done.outcome["detail"]))
        try:
            sock.settimeout(_remaining(deadline))
            sock.connect(sockaddr)
            break
        except ConnectionRefusedError as exc:
            sock.close()
            if time.monotonic() + 0.2 >= min(wait_until, deadline):
                raise Done(_outcome("inconclusive", "vantage_unreachable",
                                    "cannot reach the call-back vantage point %s:%s (%s): this proves "
                                    "nothing about the peer" % (sockaddr[0], sockaddr[1], exc)))
            time.sleep(0.2)
        except OSError as exc:
            sock.close()
            failure = _socket_failure(exc, what="vantage point %s:%s" % (sockaddr[0], sockaddr[1]))
            raise Done(_outcome("inconclusive", "vantage_unreachable",
                                failure["detail"] + ": this proves nothing about the peer"))
    try:
        local = _addr(sock.getsockname())
        sock.sendall(make_request(local) + b"\n")
        answer = b""
        while b"\n" not in answer and len(answer) < 65536:
            sock.settimeout(_remaining(deadline))
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    except socket.timeout:
        raise Done(_outcome("inconclusive", "reflector_silent",
                            "the reflector did not answer the call-back request in time"))
    except OSError as exc:
        raise Done(_outcome("inconclusive", "reflector_error", "the call-back request failed: %s" % exc))
    finally:
        sock.close()
    try:
        msg = json.loads(answer.decode("utf-8").strip())
    except ValueError:
        msg = None
    if not isinstance(msg, dict) or msg.get("migready") != "callback":
        raise Done(_outcome("inconclusive", "no_callback_support",
                            "the reflector does not do call-backs (an older migready?): %s"
                            % _printable(answer)))
    return msg, local


def _where(call):
    return "%s:%s/%s" % (call.get("ip"), call.get("port"), call.get("proto"))


def _call_words(call):
    words = {"connected": "connected", "answered": "answered", "refused": "refused",
             "timeout": "timed out", "unreachable": "unreachable", "silent": "no answer",
             "not_allowed": "not allowed by the reflector"}
    text = words.get(call.get("status"), call.get("status") or "?")
    if call.get("status") == "timeout" and call.get("timeout_ms"):
        text += " after %s ms" % call["timeout_ms"]
    return text


def check_callback(probe, deadline):
    """Listen here; ask a reflector in the peer's zone to call back.

    Guards incident 5: the scheduler server called its workers back on
    their own port from another site, and could not.  The result records
    both sides: whom the peer called and how that went, and which source
    the listener saw."""
    proto = probe.get("protocol", "tcp")
    if proto not in ("tcp", "udp"):
        raise ProbeError("protocol must be 'tcp' or 'udp', not %r" % (proto,))
    port = _port(probe, "port")
    advertise = probe.get("advertise") or "own"
    if advertise not in ("own", "observed"):
        try:
            advertise = str(ipaddress.ip_address(advertise))
        except ValueError:
            raise ProbeError("advertise must be 'own', 'observed' or an address, not %r" % (advertise,))
    call_timeout = int(probe.get("call_timeout_ms") or DEFAULT_TIMEOUT_MS)
    token = probe.get("token")
    nonce = base64.b16encode(os.urandom(8)).decode("ascii").lower()
    host = _field(probe, "reflector_host", str)
    try:
        family = resolve(host, _port(probe, "reflector_port"), socket.SOCK_STREAM, deadline)[0][0]
    except OSError as exc:
        raise Done(_socket_failure(exc, what="resolve %s" % host))
    try:
        listener = _CallbackListener(proto, port, family, nonce)
    except OSError as exc:
        raise Done(_outcome("inconclusive", "listen_failed",
                            "cannot listen on %s port %s here: %s" % (proto, port, exc)))
    registered = {}
    try:
        def make_request(local):
            registered.update(ip=local["ip"] if advertise == "own" else advertise,
                              port=listener.port, how=advertise if advertise in ("own", "observed")
                              else "declared")
            request = {"migready": "callback", "nonce": nonce, "proto": proto, "port": listener.port,
                       "addresses": [] if advertise == "observed" else [registered["ip"]],
                       "timeout_ms": call_timeout}
            if token:
                request["token"] = token
            return json.dumps(request).encode("ascii")
        answer, local = _callback_request(probe, deadline, make_request)
        reached = [c.get("index") for c in answer.get("calls") or ()
                   if isinstance(c, dict) and c.get("status") in ("connected", "answered")]
        listener.wait_for([i for i in reached if isinstance(i, int)], min(deadline, time.monotonic() + 2.0))
    finally:
        listener.close()
    observed = answer.get("observed") or {}
    if registered.get("how") == "observed":
        registered["ip"] = observed.get("ip")
    calls = [c for c in answer.get("calls") or [] if isinstance(c, dict)]
    for index, call in enumerate(calls):
        call["seen_from"] = next((s["from"] for s in listener.seen
                                  if call.get("index") is not None and s["call"] == call["index"]), None)
    data = {"proto": proto, "reflector": {"ip": host, "port": probe.get("reflector_port")},
            "listen": {"ip": local["ip"], "port": listener.port, "requested_port": port,
                       "ephemeral": listener.ephemeral},
            "registered": registered, "observed": observed, "calls": calls,
            "seen": listener.seen, "allow": answer.get("allow") or [],
            "refused": answer.get("refused"), "timeout_ms": call_timeout}
    if answer.get("refused"):
        return _outcome("inconclusive", "callback_refused", "the reflector refused the call-back: %s"
                        % (answer.get("detail") or answer["refused"]), data=data)
    mine = [c for c in calls if c.get("ip") == registered.get("ip")]
    if not mine:
        return _outcome("inconclusive", "not_called", "the reflector did not call the registered "
                        "address %s" % registered.get("ip"), data=data)
    call = mine[0]
    others = "; ".join("the observed address %s: %s" % (_where(c), _call_words(c))
                       for c in calls if c is not call)
    others = ("; " + others) if others else ""
    who = "the peer (%s)" % (call.get("local") or {}).get("ip", host)
    if call.get("status") == "not_allowed":
        return _outcome("inconclusive", "not_allowed",
                        "the reflector may not call %s (it calls the address it observed, %s, and "
                        "addresses inside its --callback-allow CIDRs: %s)" % (
                            call.get("ip"), observed.get("ip"), ", ".join(data["allow"]) or "none"),
                        data=data)
    if call.get("status") in ("connected", "answered"):
        if call["seen_from"] is None:
            return _outcome("fail", "someone_else",
                            "%s reached %s but this listener never saw the call: something else "
                            "answers there%s" % (who, _where(call), others), call.get("latency_ms"), data)
        return _outcome("pass", "called_back", "%s called back %s in %.1f ms; the listener saw it from "
                        "%s:%s%s" % (who, _where(call), call.get("latency_ms") or 0,
                                     call["seen_from"]["ip"], call["seen_from"]["port"], others),
                        call.get("latency_ms"), data)
    if call.get("status") in ("refused", "timeout", "unreachable", "silent"):
        return _outcome("fail", "no_callback", "the peer cannot call back %s: %s%s" % (
            _where(call), _call_words(call), others), call.get("latency_ms"), data)
    return _outcome("inconclusive", "callback_error", "the call to %s failed: %s" % (
        _where(call), call.get("detail") or call.get("status")), data=data)


# ==== agent_src/dns.py

DNS_TYPES = {"A": 1, "AAAA": 28}
DNS_RCODES = {1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED"}


def build_dns_query(qid, name, qtype):
    """A minimal recursive query (RFC 1035 4.1) for one name and type."""
    qname = b""
    for label in name.rstrip(".").split("."):
        try:  # plain ASCII as is (underscores allowed), IDNA for the rest
            raw = label.encode("ascii" if max(label or "a") < "\x80" else "idna")
        except UnicodeError:
            raw = b""
        if not 0 < len(raw) < 64:
            raise ProbeError("invalid DNS name %r" % name)
        qname += struct.pack("B", len(raw)) + raw
    return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + qname + b"\0" + \
        struct.pack("!HH", qtype, 1)


def _skip_name(msg, pos):
    while True:
        length = msg[pos]
        if length & 0xC0 == 0xC0:
            return pos + 2
        if length == 0:
            return pos + 1
        pos += 1 + length


def parse_dns_response(msg):
    """-> (qid, rcode, [ip, ...]).  Collects every A/AAAA in the answer
    section, so a CNAME chain ending in addresses simply yields them."""
    qid, flags, qdcount, ancount = struct.unpack("!HHHH", msg[:8])
    if not flags & 0x8000:
        raise ValueError("not a DNS response")
    pos = 12
    for _ in range(qdcount):
        pos = _skip_name(msg, pos) + 4
    ips = []
    for _ in range(ancount):
        pos = _skip_name(msg, pos)
        rtype, _, _, rdlength = struct.unpack("!HHIH", msg[pos:pos + 10])
        rdata = msg[pos + 10:pos + 10 + rdlength]
        pos += 10 + rdlength
        if rtype == 1 and rdlength == 4:
            ips.append(socket.inet_ntop(socket.AF_INET, rdata))
        elif rtype == 28 and rdlength == 16:
            ips.append(socket.inet_ntop(socket.AF_INET6, rdata))
    return qid, flags & 0x000F, ips


def _query_resolver(name, qtypes, resolver, port, deadline):
    """-> (rcodes by qtype, ips); qtypes missing from rcodes got no answer."""
    family, _, _, _, sockaddr = resolve(resolver, port, socket.SOCK_DGRAM, deadline)[0]
    sock = socket.socket(family, socket.SOCK_DGRAM)
    try:
        sock.connect(sockaddr)
        pending = {}
        for qtype in qtypes:
            qid = struct.unpack("!H", os.urandom(2))[0]
            while qid in pending:
                qid = (qid + 1) & 0xFFFF
            pending[qid] = qtype
            sock.send(build_dns_query(qid, name, qtype))
        rcodes, ips = {}, []
        while pending:
            sock.settimeout(_remaining(deadline))
            try:
                reply = sock.recv(65535)
            except socket.timeout:
                break
            try:
                qid, rcode, found = parse_dns_response(reply)
            except (struct.error, IndexError, ValueError):
                continue  # garbage, or our own query echoed back
            if qid in pending:
                rcodes[pending.pop(qid)] = rcode
                ips.extend(ip for ip in found if ip not in ips)
        return rcodes, ips
    finally:
        sock.close()


def _system_lookup(name, rdtype, deadline):
    """The host's own resolver (nsswitch, /etc/hosts) -> [ip, ...] or Done."""
    family = {None: socket.AF_UNSPEC, "A": socket.AF_INET, "AAAA": socket.AF_INET6}[rdtype]
    data = {"answers": [], "resolver": None}
    try:
        infos = resolve(name, None, socket.SOCK_STREAM, deadline, family)
    except socket.gaierror as exc:
        if exc.errno == socket.EAI_NONAME:
            raise Done(_outcome("fail", "nxdomain", "%s: %s" % (name, exc), data=data))
        if exc.errno in (getattr(socket, "EAI_NODATA", None), getattr(socket, "EAI_ADDRFAMILY", None)):
            raise Done(_outcome("fail", "no_answer", "%s: %s" % (name, exc), data=data))
        reason = "timeout" if exc.errno == socket.EAI_AGAIN else "dns_error"
        raise Done(_outcome("inconclusive", reason, "%s: %s" % (name, exc), data=data))
    except socket.timeout as exc:
        raise Done(_outcome("inconclusive", "timeout", str(exc), data=data))
    ips = []
    for info in infos:
        if _unmap(info[4][0]) not in ips:
            ips.append(_unmap(info[4][0]))
    return ips


def check_dns(probe, deadline):
    """Resolve a name, classify each address private/public/loopback.

    Guards incident 2: an "internal" dependency resolving to a public,
    NATed address (split-horizon DNS differing between sites)."""
    name = _field(probe, "name", str)
    rdtype = probe.get("rdtype")
    if rdtype not in (None, "A", "AAAA"):
        raise ProbeError("rdtype must be 'A' or 'AAAA'")
    resolver = probe.get("resolver")
    t0 = time.monotonic()
    rcodes, qtypes = {}, []
    if resolver is None:
        ips = _system_lookup(name, rdtype, deadline)
    else:
        qtypes = [DNS_TYPES[rdtype]] if rdtype else [1, 28]
        port = _port(probe, "resolver_port", optional=True) or 53
        try:
            rcodes, ips = _query_resolver(name, qtypes, str(resolver), port, deadline)
        except OSError as exc:
            result = _socket_failure(exc, "resolver_unreachable", "query resolver %s" % resolver,
                                     {"answers": [], "resolver": resolver})
            result["status"] = "inconclusive"  # says nothing about the name
            return result
    latency = _ms_since(t0)
    data = {"answers": [{"ip": ip, "class": _ip_class(ip)} for ip in ips],
            "resolver": resolver}
    if ips:
        return _outcome("pass", "resolved", "%s -> %s" % (name, ", ".join(ips)), latency, data)
    if 3 in rcodes.values():
        return _outcome("fail", "nxdomain", "%s does not exist (NXDOMAIN)" % name, latency, data)
    if len(rcodes) < len(qtypes):
        return _outcome("inconclusive", "timeout",
                        "resolver %s did not answer in time" % resolver, data=data)
    bad = [DNS_RCODES.get(r, str(r)) for r in rcodes.values() if r]
    if bad:
        return _outcome("fail", "dns_error", "resolver answered %s" % ", ".join(bad),
                        latency, data)
    return _outcome("fail", "no_answer", "%s has no address records" % name, latency, data)


# ==== agent_src/route.py

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


# ==== agent_src/facts.py

def _in_container():
    if os.path.exists("/.dockerenv") or os.path.exists("/run/.containerenv"):
        return True
    try:
        with open("/proc/1/cgroup") as handle:
            text = handle.read()
    except OSError:
        return False
    return any(word in text for word in ("docker", "kubepods", "containerd", "lxc"))


def _addresses(deadline):
    out = _run_tool(["ip", "-j", "addr"], deadline)
    try:
        found = [{"dev": link.get("ifname"), "ip": a.get("local"), "prefixlen": a.get("prefixlen")}
                 for link in json.loads(out) for a in link.get("addr_info", [])]
        return found, "ip"
    except (TypeError, ValueError, AttributeError):
        pass
    found = []
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None):
            if info[4][0] not in [f["ip"] for f in found]:
                found.append({"dev": None, "ip": info[4][0], "prefixlen": None})
    except OSError:
        pass
    return found, "socket"


def _default_gateway():
    try:
        with open("/proc/net/route") as handle:
            found = parse_proc_route(handle.read(), "0.0.0.0", default_only=True)
    except OSError:
        return None
    return found


def check_host_facts(probe, deadline):
    """Who is this host: addresses, gateway, kernel, container or not.

    Context for every incident (1: a container network that NATs;
    4: inventory vs reality; 5: which site the host is really in)."""
    addresses, method = _addresses(deadline)
    uname = os.uname()
    data = {"hostname": socket.gethostname(),  # no getfqdn(): a reverse lookup can hang
            "addresses": addresses, "addresses_method": method,
            "default_gateway": _default_gateway(),
            "kernel": {"sysname": uname.sysname, "release": uname.release,
                       "machine": uname.machine},
            "python": platform.python_version(), "in_container": _in_container()}
    return _outcome("pass", "facts", "%s: %d addresses%s" % (
        data["hostname"], len(addresses), ", in a container" if data["in_container"] else ""),
        data=data)


# ==== agent_src/http_get.py

_WEB = {}


def _web():
    """urllib.request, urllib.error, ssl (None without OpenSSL) and the handler that
    never follows a redirect, imported on first use: urllib.request pulls in
    http.client, email and ssl, about a third of the agent's start-up imports,
    and only the `http` check and the rehearsal's health calls need them."""
    if not _WEB:
        import urllib.error
        import urllib.request
        try:
            import ssl
        except ImportError:  # a Python built without OpenSSL: https probes fail as tls
            ssl = None

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            """Report a 3xx as it is; never follow it to some other host."""

            def redirect_request(self, *args, **kwargs):
                return None

        _WEB.update(request=urllib.request, error=urllib.error, ssl=ssl, NoRedirect=NoRedirect)
    return _WEB


def check_http(probe, deadline):
    """Plain HTTP(S) GET, direct: environment proxies are ignored and
    redirects are not followed (a 3xx is the answer we judge).

    The ordinary check, kept for comparison pre/post and for incident 2's
    latency-vs-budget question on HTTP dependencies."""
    url = _field(probe, "url", str)
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ProbeError("url must be http:// or https:// with a host")
    expect = probe.get("expect_status")
    expected = (lambda s: 200 <= s < 400) if expect is None else \
        (lambda s: s in (expect if isinstance(expect, list) else [expect]))
    web = _web()
    t0 = time.monotonic()
    data = {"status": None, "ip": None}
    try:
        infos = resolve(parts.hostname, None, socket.SOCK_STREAM, deadline)
        data["ip"] = _unmap(infos[0][4][0])
        opener = web["request"].build_opener(web["request"].ProxyHandler({}), web["NoRedirect"]())
        try:
            with opener.open(url, timeout=_remaining(deadline)) as response:
                data["status"] = response.status
        except web["error"].HTTPError as exc:
            data["status"] = exc.code
            exc.close()
    except web["error"].URLError as exc:
        return _http_failure(exc.reason, data)
    except Exception as exc:  # socket errors raised while reading
        return _http_failure(exc, data)
    latency = _ms_since(t0)
    if expected(data["status"]):
        return _outcome("pass", "http_ok", "HTTP %s" % data["status"], latency, data)
    return _outcome("fail", "http_status", "unexpected HTTP %s" % data["status"], latency, data)


def _http_failure(reason, data):
    ssl = _web()["ssl"]
    if ssl is not None and isinstance(reason, (ssl.SSLError, ssl.CertificateError)):
        result = _outcome("fail", "tls", "TLS failed: %s" % reason)
    elif isinstance(reason, OSError):
        result = _socket_failure(reason, what="http")
    else:
        result = _outcome("inconclusive", "http_error", "http failed: %s" % (reason,))
    result["data"] = data
    return result


# ==== agent_src/sampling.py

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


# ==== agent_src/reflector_answers.py

# ---------------------------------------------------------------- reflector: answers with the address it saw

def _json_object(raw):
    try:
        msg = json.loads(raw.decode("utf-8").strip())
    except ValueError:
        return {}
    return msg if isinstance(msg, dict) else {}


def reflection(peer, proto, request):
    """The reflector's answer to one request (bytes) from peer (sockaddr):
    a STUN Binding success for a STUN Binding request (told apart by the
    magic cookie), None for any other STUN message, else the JSON answer."""
    if stun_header(request) is not None:
        return stun_answer(peer, request)
    nonce = None
    try:
        msg = json.loads(request.decode("utf-8").strip())
        if isinstance(msg, dict) and isinstance(msg.get("nonce"), str):
            nonce = msg["nonce"][:64]
    except ValueError:
        pass
    return json.dumps({"migready": "reflect", "nonce": nonce, "proto": proto,
                       "observed": _addr(peer)}).encode("ascii")


def stun_answer(peer, request):
    """Binding success with XOR-MAPPED-ADDRESS (RFC 8489 14.2) for a Binding
    request; None for anything else (indications, other methods, responses)."""
    kind, _, txid = stun_header(request)
    if kind != STUN_BINDING_REQUEST:
        return None
    ip = ipaddress.ip_address(_unmap(peer[0]).split("%")[0])
    key = struct.pack("!I", STUN_MAGIC) + txid
    xaddr = bytes(a ^ b for a, b in zip(ip.packed, key))
    value = struct.pack("!BBH", 0, 1 if ip.version == 4 else 2, peer[1] ^ (STUN_MAGIC >> 16)) + xaddr
    attrs = _stun_attr(STUN_XOR_MAPPED_ADDRESS, value)
    return struct.pack("!HHI", STUN_BINDING_SUCCESS, len(attrs), STUN_MAGIC) + txid + attrs


# ==== agent_src/callback_server.py

CALLBACK_MAX_ADDRESSES = 4
CALLBACK_MAX_TIMEOUT_MS = 10000
CALLBACK_RATE = 10  # call-back requests per source address per window
CALLBACK_WINDOW_S = 60.0
CALLBACK_BAD_TOKENS = 20  # wrong tokens per window, from all sources together, before a lockout
CALLBACK_MAX_RUNNING = 8  # call-backs carried out at once
_NONCE = re.compile(r"^[0-9A-Za-z_-]{8,64}$")


class CallbackRefused(Exception):
    """A call-back request the reflector will not carry out (reason, detail)."""

    def __init__(self, reason, detail):
        Exception.__init__(self, detail)
        self.reason, self.detail = reason, detail


class CallbackPolicy(object):
    """What a reflector may call back, and how often.

    Why so strict: a reflector that connects wherever it is told is a
    port-scanner for anyone who can reach it.  So it calls only the source
    address it observed on the request's TCP connection (a handshake, not
    a spoofable datagram), or addresses inside the CIDRs it was started with;
    only the port named in the request; each request (nonce) once; at most
    `rate` requests per source address per `window` seconds (wrong tokens
    count too); and, with a token, only for requests that carry it.  Guessing
    the token from many addresses is bounded as well: after `bad_tokens` wrong
    tokens in a window, from all sources together, every request is refused
    until the window has passed."""

    def __init__(self, allow=(), token=None, rate=CALLBACK_RATE, window=CALLBACK_WINDOW_S,
                 bad_tokens=CALLBACK_BAD_TOKENS):
        self.allow = [ipaddress.ip_network(c, strict=False) for c in allow]
        self.token, self.rate, self.window, self.bad_tokens = token, rate, window, bad_tokens
        self._lock = threading.Lock()
        self._recent = {}  # source address -> times of its recent requests
        self._nonces = {}  # nonce -> time first seen (pruned after a window)
        self._bad = []  # times of the recent wrong tokens, any source
        self.counters = {"callback_requests": 0, "callback_refused": 0, "bad_token": 0,
                         "bad_token_lockout": 0}

    def _count(self, name):
        self.counters[name] = self.counters.get(name, 0) + 1

    def admit(self, source_ip, msg):
        """Check one request; CallbackRefused, else the validated
        (nonce, proto, port, addresses, timeout_ms)."""
        try:
            return self._admit(source_ip, msg)
        except CallbackRefused:
            with self._lock:
                self._count("callback_refused")
            raise

    def _admit(self, source_ip, msg):
        now = time.monotonic()
        with self._lock:
            self._count("callback_requests")
            if len(self._recent) > 4096:  # forget sources that went quiet
                self._recent = {ip: ts for ip, ts in self._recent.items() if ts and now - ts[-1] < self.window}
            times = [t for t in self._recent.get(source_ip, ()) if now - t < self.window]
            if len(times) >= self.rate:
                self._recent[source_ip] = times
                raise CallbackRefused("rate_limited", "more than %d call-back requests from %s in %.0f s"
                                      % (self.rate, source_ip, self.window))
            self._recent[source_ip] = times + [now]
            if self.token is not None:
                self._bad = [t for t in self._bad if now - t < self.window]
                if len(self._bad) >= self.bad_tokens:
                    self._count("bad_token_lockout")
                    raise CallbackRefused("locked", "%d wrong tokens in %.0f s (from any address): call-backs "
                                          "are refused until that window has passed"
                                          % (len(self._bad), self.window))
                given = msg.get("token")
                if not isinstance(given, str) or not hmac.compare_digest(given.encode("utf-8"),
                                                                         self.token.encode("utf-8")):
                    self._bad.append(now)
                    self._count("bad_token")
                    raise CallbackRefused("bad_token", "this reflector needs its shared token "
                                          "(--token-file) and the request did not carry it")
        nonce, proto, port = msg.get("nonce"), msg.get("proto", "tcp"), msg.get("port")
        addresses, timeout = msg.get("addresses") or [], msg.get("timeout_ms", 3000)
        if not isinstance(nonce, str) or not _NONCE.match(nonce):
            raise CallbackRefused("bad_request", "nonce must be 8-64 letters or digits")
        if proto not in ("tcp", "udp"):
            raise CallbackRefused("bad_request", "proto must be tcp or udp")
        if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
            raise CallbackRefused("bad_request", "port must be 1-65535")
        if isinstance(timeout, bool) or not isinstance(timeout, int) or timeout <= 0:
            raise CallbackRefused("bad_request", "timeout_ms must be a positive integer")
        if not isinstance(addresses, list) or len(addresses) > CALLBACK_MAX_ADDRESSES:
            raise CallbackRefused("bad_request", "addresses must be a list of at most %d addresses"
                                  % CALLBACK_MAX_ADDRESSES)
        try:
            addresses = [str(ipaddress.ip_address(a)) for a in addresses if isinstance(a, str)]
        except ValueError:
            raise CallbackRefused("bad_request", "addresses must be IP addresses (names are never resolved)")
        with self._lock:
            for old in [n for n, t in self._nonces.items() if now - t > self.window]:
                del self._nonces[old]
            if nonce in self._nonces:
                raise CallbackRefused("repeated", "request %s was already carried out; "
                                      "each request calls back once" % nonce)
            self._nonces[nonce] = now
        return nonce, proto, port, list(dict.fromkeys(addresses)), min(timeout, CALLBACK_MAX_TIMEOUT_MS)

    def allows(self, ip):
        addr = ipaddress.ip_address(ip)
        return any(addr.version == net.version and addr in net for net in self.allow)


def _call_back(ip, port, proto, tag, ack, timeout):
    """Connect (tcp) or send and await the ack (udp) once -> call record."""
    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    call = {"ip": ip, "port": port, "proto": proto, "status": None, "latency_ms": None,
            "local": None, "timeout_ms": int(timeout * 1000)}
    sock = socket.socket(family, kind)
    t0 = time.monotonic()
    try:
        sock.settimeout(timeout)
        sock.connect((ip, port))
        call["local"] = _addr(sock.getsockname())
        if proto == "tcp":
            call["latency_ms"] = round(_ms_since(t0), 3)
            call["status"] = "connected"
            sock.sendall(tag)
            return call
        sock.send(tag)
        deadline = t0 + timeout
        while True:
            sock.settimeout(_remaining(deadline))
            if sock.recv(512).startswith(ack.rstrip(b"\n")):
                call["latency_ms"] = round(_ms_since(t0), 3)
                call["status"] = "answered"
                return call
    except socket.timeout:
        call["status"] = "timeout" if proto == "tcp" else "silent"
    except ConnectionRefusedError:
        call["status"] = "refused"
    except OSError as exc:
        call["status"] = "unreachable" if exc.errno in UNREACHABLE_ERRNOS else "error"
        call["detail"] = str(exc)
    finally:
        sock.close()
    return call


def callback_answer(peer, msg, policy):
    """Carry out one call-back request from peer (its TCP sockaddr) -> answer dict."""
    observed = _addr(peer)
    answer = {"migready": "callback", "nonce": msg.get("nonce") if isinstance(msg.get("nonce"), str) else None,
              "observed": observed, "calls": [], "refused": None,
              "allow": [str(n) for n in policy.allow] if policy else [],
              "token_required": bool(policy and policy.token is not None)}
    try:
        if policy is None:
            raise CallbackRefused("disabled", "call-backs are disabled on this reflector")
        nonce, proto, port, addresses, timeout_ms = policy.admit(observed["ip"], msg)
    except CallbackRefused as exc:
        answer.update(refused=exc.reason, detail=exc.detail)
        return answer
    answer.update(proto=proto, port=port)
    targets = [(observed["ip"], ["observed"])]
    for ip in addresses:
        if ip == observed["ip"]:
            targets[0][1].append("requested")
        elif policy.allows(ip):
            targets.append((ip, ["requested"]))
        else:
            answer["calls"].append({"ip": ip, "port": port, "proto": proto, "roles": ["requested"],
                                    "status": "not_allowed", "index": None,
                                    "detail": "not the observed address %s and outside --callback-allow (%s)"
                                    % (observed["ip"], ", ".join(answer["allow"]) or "none given")})
    made = [None] * len(targets)

    def call(i):
        ip, roles = targets[i]
        made[i] = _call_back(ip, port, proto, _callback_tag(nonce, i), _callback_tag(nonce, i, True),
                             timeout_ms / 1000.0)
        made[i].update(roles=roles, index=i)
    workers = [threading.Thread(target=call, args=(i,)) for i in range(len(targets))]
    for worker in workers:
        worker.daemon = True
        worker.start()
    for worker in workers:
        worker.join(timeout_ms / 1000.0 + 2)
    answer["calls"] = [c for c in made if c is not None] + answer["calls"]
    return answer


# ==== agent_src/reflector.py

class RateLimit(object):
    """Token buckets: one per source address and one for everyone.

    Why both: a per-source limit alone lets many sources (or one forging
    many) add up, a global one alone lets one source starve the rest.  The
    table of sources is bounded (`max_sources`); when it is full of active
    sources a new source is refused, which only the global budget could
    have allowed anyway."""

    def __init__(self, per_source, total, max_sources=4096):
        self.per_source, self.total, self.max_sources = float(per_source), float(total), max_sources
        self._sources = {}  # ip -> [tokens, last refill]
        self._global = [self.total, time.monotonic()]

    @staticmethod
    def _take(bucket, rate, now):
        bucket[0] = min(max(rate, 1.0), bucket[0] + (now - bucket[1]) * rate)
        bucket[1] = now
        if bucket[0] >= 1.0:
            bucket[0] -= 1.0
            return True
        return False

    def allow(self, source_ip, now=None):
        """None if one more request from source_ip may be answered, else
        which limit refused it: "source" or "global"."""
        now = time.monotonic() if now is None else now
        bucket = self._sources.get(source_ip)
        if bucket is None:
            if len(self._sources) >= self.max_sources:  # forget sources whose bucket refilled
                full = max(self.per_source, 1.0)
                self._sources = {ip: b for ip, b in self._sources.items()
                                 if b[0] + (now - b[1]) * self.per_source < full}
                if len(self._sources) >= self.max_sources:
                    return "global"
            bucket = self._sources[source_ip] = [max(self.per_source, 1.0), now]
        if not self._take(bucket, self.per_source, now):
            return "source"
        if not self._take(self._global, self.total, now):
            bucket[0] += 1.0  # not this source's fault: give its token back
            return "global"
        return None


class ReflectorLimits(object):
    """What keeps a reflector from being turned on others (all in --help).

    rate / rate_per_source: answers per second in all and per source address
    (bursts of one second's worth); max_connections: TCP connections held at
    once (at the cap, the oldest is closed for the newest, so slow clients
    cannot lock out fresh ones); idle_timeout: seconds a TCP connection may
    take to send its request; callbacks_running: call-backs carried out at once."""

    def __init__(self, rate=500, rate_per_source=50, max_connections=256, idle_timeout=2.0,
                 callbacks_running=CALLBACK_MAX_RUNNING, log_every=60.0):
        self.rate, self.rate_per_source = rate, rate_per_source
        self.max_connections, self.idle_timeout = max_connections, idle_timeout
        self.callbacks_running, self.log_every = callbacks_running, log_every


REQUEST_MAX = 4096  # bytes: a request larger than this is not a reflect request
COUNTERS = ("udp_received", "tcp_accepted", "answered", "too_small", "not_a_request", "rate_limited_source",
            "rate_limited_global", "tcp_evicted", "tcp_idle_closed", "callbacks_busy")


class Reflector(object):
    """UDP+TCP reflector.  start() binds (port 0 = pick one; same port for both).

    There is no default address: it answers whoever reaches it, so where it
    listens is a decision.  It never answers more bytes than the request
    held (a forged source gets no amplification), answers at most
    `limits.rate` requests a second (`rate_per_source` per address), holds
    at most `max_connections` TCP connections (one selector thread, no
    thread per connection) and closes those that send nothing for
    `idle_timeout`.  Its counters go to its log every `log_every` seconds
    when they changed, and when it stops."""

    def __init__(self, bind, port=REFLECTOR_PORT, udp=True, tcp=True,
                 log=None, once=False, callback=None, limits=None):
        if not bind:
            raise ValueError("the reflector needs an address to listen on (--bind); there is no default")
        self.bind, self.port, self.udp, self.tcp = bind, port, udp, tcp
        # call-back requests (TCP only): observed address only, unless the policy allows more
        self.callback = callback if callback is not None else CallbackPolicy()
        self.limits = limits if limits is not None else ReflectorLimits()
        self.rates = RateLimit(self.limits.rate_per_source, self.limits.rate)
        self.callbacks_served = []  # the answers to call-back requests, in order
        self.log = log if log is not None else sys.stderr
        self.once, self.stopped = once, threading.Event()
        self.sockets, self.threads = {}, []
        self.counters = dict((name, 0) for name in COUNTERS)
        self._conns = {}  # fd -> [socket, peer, buffer, opened]
        self._callbacks = threading.BoundedSemaphore(max(1, self.limits.callbacks_running))
        self._logged = None

    def _log(self, text):
        try:
            self.log.write(text + "\n")
            self.log.flush()
        except (OSError, ValueError):
            pass

    def counters_line(self):
        counts = dict(self.counters)
        counts.update(self.callback.counters if self.callback is not None else {})
        return "counters: " + " ".join("%s=%d" % (k, counts[k]) for k in sorted(counts))

    def _bind_all(self, family, port):
        for proto in ("udp", "tcp"):
            if not getattr(self, proto):
                continue
            kind = socket.SOCK_DGRAM if proto == "udp" else socket.SOCK_STREAM
            sock = self.sockets[proto] = socket.socket(family, kind)
            if proto == "tcp":
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((self.bind, port))
            if proto == "tcp":
                sock.listen(1024)
            port = sock.getsockname()[1]  # port 0: TCP gets the port UDP was given
            sock.setblocking(False)
        return port

    def start(self):
        """Bind (OSError if the port is taken) and serve in a daemon thread."""
        family = socket.getaddrinfo(self.bind, None, 0, socket.SOCK_DGRAM)[0][0]
        for attempt in range(1 if self.port else 10):
            try:
                self.port = self._bind_all(family, self.port)
                break
            except OSError:
                for sock in self.sockets.values():
                    sock.close()
                self.sockets.clear()
                if self.port or attempt == 9:
                    raise
        worker = threading.Thread(target=self._serve, name="reflector")
        worker.daemon = True
        self.threads.append(worker)
        worker.start()
        for proto in self.sockets:
            self._log("listening %s %s:%s" % (proto, self.bind, self.port))
        limits = self.limits
        self._log("limits: at most %s answers/s, %s per source address; answers never larger than the "
                  "request; at most %d TCP connections, %.1f s to send a request; %d call-backs at once"
                  % (limits.rate, limits.rate_per_source, limits.max_connections, limits.idle_timeout,
                     limits.callbacks_running))
        return self

    def _served(self):
        if self.once:
            self.stopped.set()

    def _admit(self, peer):
        """Count the request against the rate limits; True if it may be answered."""
        refused = self.rates.allow(_unmap(peer[0]))
        if refused:
            self.counters["rate_limited_" + refused] += 1
        return refused is None

    def _answer(self, peer, proto, request):
        """The answer to send, or None (counted): never more bytes than request."""
        answer = reflection(peer, proto, request)
        if answer is None:
            self.counters["not_a_request"] += 1
            return None
        if proto == "tcp" and stun_header(request) is None:
            answer += b"\n"
        if len(answer) > len(request):
            self.counters["too_small"] += 1
            return None
        return answer

    def _serve(self):
        import selectors
        sel = selectors.DefaultSelector()
        for proto, sock in self.sockets.items():
            sel.register(sock, selectors.EVENT_READ, proto)
        last_log = time.monotonic()
        try:
            while not self.stopped.is_set():
                for key, _ in sel.select(0.2):
                    try:
                        if key.data == "udp":
                            self._read_udp(key.fileobj)
                        elif key.data == "tcp":
                            self._accept(sel, key.fileobj)
                        else:
                            self._read_tcp(sel, key.fileobj)
                    except Exception as exc:  # one bad peer never stops the reflector
                        self._log("error: %s: %s" % (type(exc).__name__, exc))
                self._close_idle(sel)
                now = time.monotonic()
                if now - last_log >= self.limits.log_every:
                    last_log = now
                    self._log_counters()
        finally:
            for conn in list(self._conns.values()):
                conn[0].close()
            self._conns.clear()
            sel.close()

    def _log_counters(self):
        line = self.counters_line()
        if line != self._logged:
            self._logged = line
            self._log(line)

    def _read_udp(self, sock):
        for _ in range(64):  # drain a burst, then let TCP have a turn
            try:
                request, peer = sock.recvfrom(REQUEST_MAX)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                self._log("udp error: %s" % exc)
                return
            self.counters["udp_received"] += 1
            if not self._admit(peer):
                continue
            answer = self._answer(peer, "udp", request)
            if answer is None:
                continue
            try:
                sock.sendto(answer, peer)
            except OSError as exc:
                self._log("udp %s:%s error: %s" % (_unmap(peer[0]), peer[1], exc))
                continue
            self.counters["answered"] += 1
            self._log("udp %s:%s" % (_unmap(peer[0]), peer[1]))
            self._served()

    def _accept(self, sel, listener):
        import selectors
        for _ in range(64):
            try:
                conn, peer = listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:  # EMFILE and friends: shed the oldest, try again later
                self._log("tcp accept error: %s" % exc)
                self._evict(sel)
                return
            self.counters["tcp_accepted"] += 1
            while len(self._conns) >= max(1, self.limits.max_connections):
                self._evict(sel)
            conn.setblocking(False)
            self._conns[conn.fileno()] = [conn, peer, b"", time.monotonic()]
            sel.register(conn, selectors.EVENT_READ, "conn")

    def _drop(self, sel, conn):
        self._conns.pop(conn.fileno(), None)
        try:
            sel.unregister(conn)
        except (KeyError, ValueError):
            pass
        conn.close()

    def _evict(self, sel):
        if self._conns:
            oldest = min(self._conns.values(), key=lambda c: c[3])
            self.counters["tcp_evicted"] += 1
            self._drop(sel, oldest[0])

    def _close_idle(self, sel):
        now = time.monotonic()
        for conn in [c for c in self._conns.values() if now - c[3] > self.limits.idle_timeout]:
            self.counters["tcp_idle_closed"] += 1
            self._drop(sel, conn[0])

    def _read_tcp(self, sel, sock):
        state = self._conns.get(sock.fileno())
        if state is None:
            return
        conn, peer, request = state[0], state[1], state[2]
        try:
            chunk = conn.recv(REQUEST_MAX - len(request))
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        request += chunk
        state[2] = request
        head = stun_header(request[:20 + struct.unpack("!H", request[2:4])[0]]) if len(request) >= 20 else None
        complete = b"\n" in request or head is not None or len(request) >= REQUEST_MAX
        if chunk and not complete:
            return
        self._conns.pop(conn.fileno(), None)
        sel.unregister(conn)
        if not request:  # closed without a request
            conn.close()
            return
        if head is not None:
            request = request[:20 + head[1]]
        msg = _json_object(request) if head is None else {}
        if msg.get("migready") == "callback":
            self._start_callback(conn, peer, msg)
            return
        try:
            if self._admit(peer):
                answer = self._answer(peer, "tcp", request)
                if answer is not None:
                    conn.setblocking(True)
                    conn.settimeout(1.0)
                    conn.sendall(answer)
                    self.counters["answered"] += 1
                    self._log("tcp %s:%s" % (_unmap(peer[0]), peer[1]))
                    self._served()
        except OSError as exc:
            self._log("tcp %s:%s error: %s" % (_unmap(peer[0]), peer[1], exc))
        finally:
            conn.close()

    def _start_callback(self, conn, peer, msg):
        """Call-backs take seconds: one thread each, at most callbacks_running at once."""
        if not self._callbacks.acquire(False):
            self.counters["callbacks_busy"] += 1
            answer = {"migready": "callback", "nonce": None, "observed": _addr(peer), "calls": [],
                      "refused": "busy", "detail": "%d call-backs are already running; try again"
                      % self.limits.callbacks_running}
            try:
                conn.setblocking(True)
                conn.settimeout(1.0)
                conn.sendall(json.dumps(answer).encode("ascii") + b"\n")
            except OSError:
                pass
            conn.close()
            return
        worker = threading.Thread(target=self._answer_callback, args=(conn, peer, msg))
        worker.daemon = True
        try:
            worker.start()
        except RuntimeError as exc:  # no thread to be had: refuse this one, keep serving
            self._callbacks.release()
            self._log("callback from %s:%s not started: %s" % (_unmap(peer[0]), peer[1], exc))
            conn.close()

    def _answer_callback(self, conn, peer, msg):
        try:
            conn.setblocking(True)
            conn.settimeout(CALLBACK_MAX_TIMEOUT_MS / 1000.0 + 5)
            answer = callback_answer(peer, msg, self.callback)
            self.callbacks_served.append(answer)
            conn.sendall(json.dumps(answer).encode("ascii") + b"\n")
            self._log("callback from %s:%s: %s" % (_unmap(peer[0]), peer[1], answer.get("refused") or ", ".join(
                "%s %s:%s %s" % (c["proto"], c["ip"], c["port"], c["status"]) for c in answer["calls"])))
        except OSError as exc:
            self._log("callback %s:%s error: %s" % (_unmap(peer[0]), peer[1], exc))
        finally:
            conn.close()
            self._callbacks.release()
            self._served()

    def stop(self):
        self.stopped.set()
        for worker in self.threads:
            worker.join(1.0)
        for sock in self.sockets.values():
            sock.close()
        self._log(self.counters_line())


def serve_reflector(bind, port=REFLECTOR_PORT, udp=True, tcp=True,
                    ready=None, stop=None, log=None, once=False, callback=None, limits=None):
    """Run a reflector until stop (threading.Event) is set or, with once,
    one peer was answered.  ready: an Event to set, or a callable given the
    started Reflector (its .port is the real port)."""
    reflector = Reflector(bind, port, udp, tcp, log=log, once=once, callback=callback, limits=limits).start()
    stop = stop if stop is not None else threading.Event()
    if callable(ready):
        ready(reflector)
    elif ready is not None:
        ready.set()
    try:
        while not (stop.wait(0.2) or reflector.stopped.is_set()):
            pass
    finally:
        reflector.stop()
    return 0


def check_serve_callbacks(probe, deadline):
    """Be the call-back vantage point for one probe run (a `vantage_hosts` entry).

    Guards incident 5 from a host in the peer's zone: the host side runs this
    on the vantage host while the staging host runs its `callback` probes
    against it.  A call-back reflector for the run only: TCP, the port in the
    plan, a per-run token, the plan's CIDRs, and it stops once it served the
    `expect` requests (or at the timeout)."""
    token = _field(probe, "token", str)
    expect = probe.get("expect", 1)
    if isinstance(expect, bool) or not isinstance(expect, int) or expect < 1:
        raise ProbeError("field 'expect' must be a positive integer")
    allow = probe.get("callback_allow") or []
    if not isinstance(allow, list) or not all(isinstance(c, str) for c in allow):
        raise ProbeError("field 'callback_allow' must be a list of CIDRs")
    try:
        policy = CallbackPolicy(allow, token, rate=max(CALLBACK_RATE, expect))
    except ValueError as exc:
        raise ProbeError("callback_allow: %s" % exc)
    log = io.StringIO()
    bind = probe.get("bind") or "0.0.0.0"
    try:
        reflector = Reflector(bind, _port(probe, "port"), udp=False, tcp=True, log=log,
                              callback=policy).start()
    except OSError as exc:
        return _outcome("inconclusive", "listen_failed", "cannot listen for call-back requests on %s:%s: %s"
                        % (bind, probe.get("port"), exc))
    try:
        while len(reflector.callbacks_served) < expect and time.monotonic() < deadline - 0.3:
            time.sleep(0.05)
    finally:
        reflector.stop()
    served = reflector.callbacks_served
    data = {"served": len(served), "expected": expect, "log": log.getvalue().splitlines()[-50:],
            "calls": [c for a in served for c in a.get("calls") or ()]}
    if len(served) < expect:
        return _outcome("inconclusive", "not_asked", "served %d of %d call-back requests before the timeout"
                        % (len(served), expect), data=data)
    return _outcome("pass", "served", "served %d call-back request%s" % (expect, "" if expect == 1 else "s"),
                    data=data)



def _read_token(path):
    """The shared call-back token: the first line of a small regular file."""
    if path is None:
        return None
    if not os.path.isfile(path):
        raise ValueError("--token-file %s: not a regular file" % path)
    with open(path, "rb") as fh:
        raw = fh.read(4097)
    token = raw.decode("utf-8", "replace").strip().split("\n")[0].strip()
    if len(raw) > 4096 or not token:
        raise ValueError("--token-file %s: must hold one token line (at most 4 KiB)" % path)
    return token


REFLECTOR_DESCRIPTION = (
    "Answers each UDP datagram or TCP request with the address and port it was seen from, in "
    "migready's JSON or as a STUN Binding response (RFC 8489, XOR-MAPPED-ADDRESS; told apart by "
    "the magic cookie). It cannot be turned on others: it listens only where --bind says; it never "
    "answers more bytes than the request held (pad requests to 256 bytes, STUN requests with a "
    "SOFTWARE or PADDING attribute), so a forged source gains nothing; it answers at most --rate "
    "requests a second, --rate-per-source per address; it holds at most --max-connections TCP "
    "connections (the oldest is closed for a new one) and closes those that send no request "
    "within --idle-timeout; call-backs go only to the observed address or --callback-allow, at most "
    "--callback-rate per address per minute, and after --bad-token-limit wrong tokens in a minute "
    "from any addresses none is carried out for the rest of that minute. Its counters (answered, "
    "too_small, rate_limited_source, rate_limited_global, tcp_evicted, tcp_idle_closed, bad_token, "
    "bad_token_lockout, ...) go to its log every --log-every seconds and when it stops.")


def _positive(kind):
    def parse(text):
        value = kind(text)
        if value <= 0:
            import argparse  # only the reflector's command line needs it (a probe run never does)
            raise argparse.ArgumentTypeError("must be greater than 0")
        return value
    return parse


def add_reflector_options(parser, words=None):
    """The reflector's options, for `agent.py reflector` and `migready reflector`
    (words: a translation function for the help texts)."""
    t = words or (lambda text: text)
    parser.add_argument("--bind", required=True, metavar="ADDR",
                        help=t("the address to listen on (required: there is no default; e.g. the host's "
                               "address in the device network)"))
    parser.add_argument("--port", type=int, default=REFLECTOR_PORT,
                        help=t("UDP and TCP port (default 3478, STUN's)"))
    parser.add_argument("--udp", action="store_true", help=t("serve UDP (default: both)"))
    parser.add_argument("--tcp", action="store_true", help=t("serve TCP (default: both)"))
    parser.add_argument("--once", action="store_true", help=t("exit after one peer"))
    parser.add_argument("--rate", type=_positive(float), default=500, metavar="N",
                        help=t("answers per second in all (default 500)"))
    parser.add_argument("--rate-per-source", type=_positive(float), default=50, metavar="N",
                        help=t("answers per second to one source address (default 50)"))
    parser.add_argument("--max-connections", type=_positive(int), default=256, metavar="N",
                        help=t("TCP connections held at once; at the cap the oldest is closed (default 256)"))
    parser.add_argument("--idle-timeout", type=_positive(float), default=2.0, metavar="S",
                        help=t("seconds a TCP connection may take to send its request (default 2)"))
    parser.add_argument("--callback-allow", action="append", default=[], metavar="CIDR",
                        help=t("call-backs may also go to addresses in CIDR (repeatable; default: only the "
                               "address the request came from)"))
    parser.add_argument("--token-file", metavar="FILE",
                        help=t("call-back requests must carry the token in FILE"))
    parser.add_argument("--callback-rate", type=_positive(int), default=CALLBACK_RATE, metavar="N",
                        help=t("call-back requests per source address per minute (default 10)"))
    parser.add_argument("--bad-token-limit", type=_positive(int), default=CALLBACK_BAD_TOKENS, metavar="N",
                        help=t("wrong tokens per minute from all addresses together before every call-back "
                               "is refused for the rest of the minute (default 20)"))
    parser.add_argument("--log-every", type=_positive(float), default=60.0, metavar="S",
                        help=t("log the counters every S seconds when they changed (default 60; always at "
                               "the end)"))


# ==== agent_src/rehearsal_rules.py

# ---------------------------------------------------------------- rehearsal: break one dependency, always reverted
#
# Degraded-dependency rehearsal (incidents 2 and 3; `migready rehearse`).
# Plan: {"version": 1, "mode": "rehearse", "rehearsal": {...}} or
# {"version": 1, "mode": "rehearse-cleanup", "chain": NAME or null}.
# The fault lives in ONE dedicated iptables chain named after the run
# (MIGREADY-...), jumped to from OUTPUT, so removing it can never touch
# another rule.  The revert is armed BEFORE the fault goes in: a watchdog
# process in its own session (setsid: it survives the SSH session, the
# agent and the client) deletes the chain at the deadline.  The agent also
# deletes it when the fault window ends, on SIGTERM/SIGHUP/SIGINT and when
# its stdout breaks (the client went away); the client runs a cleanup after
# an interrupted rehearsal; `rehearse --cleanup` removes any leftover.
# The agent reports facts (each health call's latency and answer); the host
# side judges them (migready.checks.probing.rehearsal).
#
# delay and loss go through the relay below (Toxiproxy's model made
# transparent): the same chain, in the nat table, REDIRECTs the dependency's
# new flows to a relay this agent runs on loopback; the relay holds or drops
# what the service sends and forwards it to the original destination
# (SO_ORIGINAL_DST).  It needs no sch_netem, which many container and CI
# kernels lack.  The watchdog and every removal handle both tables.

CHAIN_PREFIX = "MIGREADY-"
CHAIN_NAME = re.compile(r"^MIGREADY-[A-Z0-9]{4,18}$")
REHEARSAL_FAULTS = ("blackhole", "reject", "delay", "loss")
RELAYED_FAULTS = ("delay", "loss")
CHAIN_TABLES = ("filter", "nat")
RELAY_MARK = 0x4d52  # "MR": the relay's own flows to the dependency carry it and skip the REDIRECT
MAX_REHEARSAL_S = 600
CAP_NET_ADMIN = 12
_SBIN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

# The watchdog is this constant program, started with argv
# [python, -I, -c, WATCHDOG_CODE, chain, seconds, tool...]: no shell, and the
# chain name is checked against CHAIN_NAME first.  It says "armed PID" on
# stdout once its signal handlers are in place, then detaches its stdio.
WATCHDOG_CODE = r'''# migready-rehearsal-watchdog: removes one fault chain (filter and nat) at its deadline
import os, signal, subprocess, sys, time
chain, seconds, tools = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
deadline = time.monotonic() + seconds
def remove(*_):
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    for tool in tools:
        for table in ("filter", "nat"):
            for _ in range(16):
                if subprocess.call([tool, "-w", "-t", table, "-D", "OUTPUT", "-j", chain], **quiet) != 0:
                    break
            subprocess.call([tool, "-w", "-t", table, "-F", chain], **quiet)
            subprocess.call([tool, "-w", "-t", table, "-X", chain], **quiet)
    os._exit(0)
signal.signal(signal.SIGTERM, remove)
signal.signal(signal.SIGHUP, signal.SIG_IGN)
signal.signal(signal.SIGINT, signal.SIG_IGN)
sys.stdout.write("armed %d\n" % os.getpid())
sys.stdout.flush()
null = os.open(os.devnull, os.O_RDWR)
for fd in (0, 1, 2):
    os.dup2(null, fd)
while deadline - time.monotonic() > 0:
    time.sleep(min(1.0, max(0.01, deadline - time.monotonic())))
remove()
'''


class _Stop(Exception):
    """A signal asked the rehearsal to stop: the fault comes out on the way."""


def _tool(name):
    return shutil.which(name, path=os.environ.get("PATH", "") + ":" + _SBIN_PATH)


def _family_tool(ip):
    return "ip6tables" if ":" in ip else "iptables"


def fault_rules(chain, addresses, port, protocol, fault):
    """The fault as (tool, argv) pairs, in order: the chain, one rule per address, the jump
    from OUTPUT (inserted first, so no earlier ACCEPT bypasses it).  Only `addresses` and
    `port` are matched; nothing else on the host is affected."""
    if not CHAIN_NAME.match(chain):
        raise ValueError("chain name %r is not a migready chain" % chain)
    if fault not in ("blackhole", "reject"):
        raise ValueError("no iptables rules for fault %r" % fault)
    rules, families = [], []
    for ip in addresses:
        tool = _family_tool(ip)
        if tool not in families:
            families.append(tool)
            rules.append((tool, ["-N", chain]))
        match = ["-A", chain, "-d", ip, "-p", protocol, "--dport", str(port)]
        if fault == "blackhole":
            target = ["-j", "DROP"]
        elif protocol == "tcp":
            target = ["-j", "REJECT", "--reject-with", "tcp-reset"]
        else:
            unreachable = "icmp6-port-unreachable" if tool == "ip6tables" else "icmp-port-unreachable"
            target = ["-j", "REJECT", "--reject-with", unreachable]
        rules.append((tool, match + target))
    for tool in families:
        rules.append((tool, ["-I", "OUTPUT", "1", "-j", chain]))
    return rules


def revert_rules(chain, tools, table="filter"):
    """What removes the chain again (the watchdog runs the same steps, in both tables)."""
    t = [] if table == "filter" else ["-t", table]
    out = []
    for tool in tools:
        out += [(tool, t + ["-D", "OUTPUT", "-j", chain]), (tool, t + ["-F", chain]), (tool, t + ["-X", chain])]
    return out


def relay_rules(chain, ports, port, protocol):
    """delay/loss: the dependency's new flows (only its addresses and port) REDIRECTed, in the
    nat table's OUTPUT, to the relay's loopback port for that address; the relay's own
    connections (marked RELAY_MARK) pass.  `ports` maps each address to its relay port."""
    if not CHAIN_NAME.match(chain):
        raise ValueError("chain name %r is not a migready chain" % chain)
    rules, families = [], []
    for ip, relay_port in ports.items():
        tool = _family_tool(ip)
        if tool not in families:
            families.append(tool)
            rules.append((tool, ["-t", "nat", "-N", chain]))
            rules.append((tool, ["-t", "nat", "-A", chain, "-m", "mark", "--mark", "0x%x" % RELAY_MARK,
                                 "-j", "RETURN"]))
        rules.append((tool, ["-t", "nat", "-A", chain, "-d", ip, "-p", protocol, "--dport", str(port),
                             "-j", "REDIRECT", "--to-ports", str(relay_port)]))
    for tool in families:
        rules.append((tool, ["-t", "nat", "-I", "OUTPUT", "1", "-j", chain]))
    return rules


def _iptables(tool, argv, timeout=20):
    path = _tool(tool)
    if path is None:
        return 127, "%s not found" % tool
    try:
        proc = subprocess.run([path, "-w"] + list(argv), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return 126, str(exc)
    return proc.returncode, (proc.stderr or proc.stdout).decode("utf-8", "replace").strip()


def _chain_exists(tool, chain, table="filter"):
    return _iptables(tool, ["-t", table, "-S", chain])[0] == 0


def remove_chain(chain, tools=("iptables", "ip6tables")):
    """Delete the jumps to `chain` and the chain itself, in the filter and the nat table;
    -> where it is still there ("iptables", or "iptables -t nat")."""
    left = []
    for tool in tools:
        if _tool(tool) is None:
            continue
        for table in CHAIN_TABLES:
            if not _chain_exists(tool, chain, table):
                continue
            for _ in range(16):
                if _iptables(tool, ["-t", table, "-D", "OUTPUT", "-j", chain])[0] != 0:
                    break
            _iptables(tool, ["-t", table, "-F", chain])
            _iptables(tool, ["-t", table, "-X", chain])
            if _chain_exists(tool, chain, table):
                left.append(tool if table == "filter" else "%s -t %s" % (tool, table))
    return left


def migready_chains(tool):
    """Every migready rehearsal chain `tool` lists in either table (leftovers, for --cleanup)."""
    found = set()
    for table in CHAIN_TABLES:
        code, text = _iptables(tool, ["-t", table, "-S"])
        if code == 0:
            found.update(line.split()[1] for line in text.splitlines()
                         if line.startswith("-N ") and len(line.split()) == 2 and CHAIN_NAME.match(line.split()[1]))
    return sorted(found)


# ==== agent_src/relay.py

# The relay: delay and loss without netem.  Each address of the dependency
# gets a loopback port (TCP: one per family is enough, SO_ORIGINAL_DST says
# where the service meant to go; UDP has no SO_ORIGINAL_DST, so one port per
# address).  What the service sends is held `delay` ms, as netem holds a
# packet on the way out, and then forwarded; what the dependency answers is
# passed back at once (netem on egress does not delay it either).  The
# relay's own connect is held like the service's SYN would be, so the first
# answer comes about 2 x delay late, as under netem.  What differs, said in
# the README: the service's connect() returns at once (only its reads wait),
# and connections opened before the fault keep their direct path (nat rules
# apply to new flows only).  Loss: a UDP datagram is dropped; a TCP segment
# cannot be (the relay holds a byte stream), so each loss costs what the
# sender's retransmission would: an RTO (1 s for a SYN, 200 ms for data)
# that doubles while the retry is lost again.

SO_ORIGINAL_DST = 80  # linux/netfilter_ipv4.h; IP6T_SO_ORIGINAL_DST is 80 at SOL_IPV6 too
SO_MARK = getattr(socket, "SO_MARK", 36)
RELAY_MAX_FLOWS = 256
RELAY_CONNECT_TIMEOUT_S = 60.0
SYN_RTO_S, DATA_RTO_S = 1.0, 0.2  # Linux's initial SYN and minimum data retransmission timeouts


def _chance(pct):
    """True with probability pct / 100 (os.urandom: no seeded generator to reproduce)."""
    return pct > 0 and struct.unpack("!I", os.urandom(4))[0] < pct / 100.0 * 4294967296.0


def _retransmissions(pct, rto):
    """What losses cost one TCP segment's sender: an RTO per lost try, doubling (at most ~1 min)."""
    wait = 0.0
    while _chance(pct) and wait < 60:
        wait += rto
        rto *= 2
    return wait


def _original_dst(conn):
    """Where the service meant to connect before the REDIRECT: (ip, port)."""
    if conn.family == socket.AF_INET6:
        raw = conn.getsockopt(socket.IPPROTO_IPV6, SO_ORIGINAL_DST, 28)
        return socket.inet_ntop(socket.AF_INET6, raw[8:24]), struct.unpack("!H", raw[2:4])[0]
    raw = conn.getsockopt(socket.SOL_IP, SO_ORIGINAL_DST, 16)
    return socket.inet_ntoa(raw[4:8]), struct.unpack("!H", raw[2:4])[0]


class _Relay(object):
    """A transparent delay/loss relay on loopback for one dependency (addresses, port, protocol)."""

    def __init__(self, protocol, addresses, port, delay_ms=0, loss_pct=0):
        self.protocol, self.port, self.addresses = protocol, port, list(addresses)
        self.delay = max(0, delay_ms or 0) / 1000.0
        self.loss = float(loss_pct or 0)
        self.stopped = threading.Event()
        self.lock = threading.Lock()
        self.listeners = {}  # "v4"/"v6" (tcp) or the address (udp) -> listening socket
        self.flows = set()  # every socket of a relayed flow, closed at stop
        self.stats = {"flows": 0, "forwarded": 0, "dropped": 0, "held_ms": 0.0, "refused": 0, "failed": 0}

    def _count(self, name, n=1):
        with self.lock:
            self.stats[name] += n

    def _thread(self, target, *args):
        thread = threading.Thread(target=target, args=args, name="relay")
        thread.daemon = True
        thread.start()
        return thread

    def start(self):
        """Bind one loopback listener per family (tcp) or per address (udp), serve; -> {address: port}."""
        ports = {}
        for ip in self.addresses:
            six = ":" in ip
            key = ip if self.protocol == "udp" else ("v6" if six else "v4")
            if key not in self.listeners:
                sock = socket.socket(socket.AF_INET6 if six else socket.AF_INET,
                                     socket.SOCK_DGRAM if self.protocol == "udp" else socket.SOCK_STREAM)
                sock.bind(("::1" if six else "127.0.0.1", 0))  # where REDIRECT sends local flows
                sock.settimeout(0.2)
                if self.protocol == "udp":
                    self._thread(self._serve_udp, sock, ip)
                else:
                    sock.listen(64)
                    self._thread(self._serve_tcp, sock)
                self.listeners[key] = sock
            ports[ip] = self.listeners[key].getsockname()[1]
        return ports

    def stop(self):
        """Close the listeners and every relayed flow (the rules are already gone)."""
        self.stopped.set()
        with self.lock:
            socks = list(self.listeners.values()) + list(self.flows)
            self.flows.clear()
        for sock in socks:
            _close(sock, abortive=sock.type == socket.SOCK_STREAM)

    def _upstream(self, family, kind):
        sock = socket.socket(family, kind)
        sock.setsockopt(socket.SOL_SOCKET, SO_MARK, RELAY_MARK)
        with self.lock:
            if self.stopped.is_set():
                sock.close()
                raise OSError("relay stopped")
            self.flows.add(sock)
        return sock

    def _hold_until(self, due):
        """Sleep until `due`; False when the relay stopped meanwhile."""
        return not self.stopped.wait(max(0.0, due - time.monotonic()))

    # -- tcp

    def _serve_tcp(self, listener):
        while not self.stopped.is_set():
            try:
                conn, _ = listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            try:
                ip, port = _original_dst(conn)
                ip = _unmap(ip)
            except OSError:
                ip, port = None, None
            with self.lock:
                full = len(self.flows) >= 2 * RELAY_MAX_FLOWS
                if not full and not self.stopped.is_set():
                    self.flows.add(conn)
            if full or ip not in self.addresses or port != self.port:  # only the dependency, ever
                self._count("refused")
                self._drop_tcp(conn, None)
                continue
            self._count("flows")
            self._thread(self._relay_tcp, conn, (ip, port))

    def _relay_tcp(self, conn, dst):
        accepted = time.monotonic()
        conn.settimeout(None)
        chunks = []
        ready = threading.Condition()

        def read_service():  # each chunk stamped with its arrival; None: reset, b"": end
            while True:
                try:
                    data = conn.recv(65536)
                except OSError:
                    data = None
                with ready:
                    chunks.append((time.monotonic(), data))
                    ready.notify()
                if not data:
                    return
        self._thread(read_service)
        up = None
        try:
            if not self._hold_until(accepted + self.delay + _retransmissions(self.loss, SYN_RTO_S)):
                return self._drop_tcp(conn, up)
            up = self._upstream(conn.family, socket.SOCK_STREAM)
            up.settimeout(RELAY_CONNECT_TIMEOUT_S)
            up.connect(dst)
            up.settimeout(None)
        except OSError:
            self._count("failed")
            return self._drop_tcp(conn, up)  # the service sees a reset, as after a refused connect
        connected, last_due = time.monotonic(), 0.0
        halves = [2]  # both directions ended cleanly: close both

        def half_done():
            with self.lock:
                halves[0] -= 1
                last = halves[0] == 0
            if last:
                self._forget(conn, up)
                conn.close()
                up.close()
        self._thread(self._pass_back, up, conn, half_done)
        while True:
            with ready:
                while not chunks:
                    ready.wait(0.2)
                    if self.stopped.is_set():
                        return self._drop_tcp(conn, up)
                arrived, data = chunks.pop(0)
            if data is None:
                return self._drop_tcp(conn, up)
            due = max(arrived, connected) + self.delay + _retransmissions(self.loss, DATA_RTO_S)
            last_due = max(last_due, due)  # in order, as TCP delivers
            if not self._hold_until(last_due):
                return self._drop_tcp(conn, up)
            try:
                if not data:
                    up.shutdown(socket.SHUT_WR)
                    return half_done()
                up.sendall(data)
            except OSError:
                return self._drop_tcp(conn, up)
            self._count("forwarded")
            self._count("held_ms", (time.monotonic() - arrived) * 1000.0)

    def _pass_back(self, up, conn, half_done):
        """The dependency's answers, at once; its end or reset is passed on."""
        while True:
            try:
                data = up.recv(65536)
            except OSError:
                return self._drop_tcp(conn, up)
            try:
                if not data:
                    conn.shutdown(socket.SHUT_WR)
                    return half_done()
                conn.sendall(data)
            except OSError:
                return self._drop_tcp(conn, up)

    def _forget(self, *socks):
        with self.lock:
            for sock in socks:
                self.flows.discard(sock)

    def _drop_tcp(self, conn, up):
        for sock in (conn, up):
            if sock is not None:
                _close(sock, abortive=True)
        self._forget(conn, up)

    # -- udp

    def _serve_udp(self, listener, ip):
        """Datagrams to `ip`: per source a marked upstream socket; answers go back from the listener
        (conntrack turns its address back into the dependency's)."""
        upstreams = {}
        queue_ = []  # (due, socket, datagram): one delay for all, so arrival order is due order
        wake = threading.Condition()

        def send_due():
            while not self.stopped.is_set():
                with wake:
                    while not queue_ and not self.stopped.is_set():
                        wake.wait(0.2)
                    if self.stopped.is_set():
                        return
                    due, sock, data = queue_[0]
                if not self._hold_until(due):
                    return
                with wake:
                    queue_.pop(0)
                try:
                    sock.send(data)
                    self._count("forwarded")
                    self._count("held_ms", self.delay * 1000.0)
                except OSError:
                    self._count("failed")
        self._thread(send_due)
        while not self.stopped.is_set():
            try:
                data, source = listener.recvfrom(65535)
            except socket.timeout:
                continue
            except OSError:
                return
            if _chance(self.loss):
                self._count("dropped")
                continue
            up = upstreams.get(source)
            if up is None:
                if len(upstreams) >= RELAY_MAX_FLOWS:
                    self._count("refused")
                    continue
                try:
                    up = self._upstream(listener.family, socket.SOCK_DGRAM)
                    up.connect((ip, self.port))
                except OSError:
                    self._count("failed")
                    continue
                upstreams[source] = up
                self._count("flows")
                self._thread(self._udp_answers, up, listener, source)
            with wake:
                queue_.append((time.monotonic() + self.delay, up, data))
                wake.notify()

    def _udp_answers(self, up, listener, source):
        up.settimeout(0.2)
        while not self.stopped.is_set():
            try:
                data = up.recv(65535)
            except socket.timeout:
                continue
            except OSError:
                return
            try:
                listener.sendto(data, source)
            except OSError:
                return


# ==== agent_src/rehearsal.py

def _net_admin():
    """root, or CAP_NET_ADMIN in the effective set."""
    if os.geteuid() == 0:
        return True
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("CapEff:"):
                    return bool(int(line.split()[1], 16) >> CAP_NET_ADMIN & 1)
    except (OSError, ValueError, IndexError):
        pass
    return False


def _netem_available():
    """Whether this kernel has sch_netem (loaded, built in, or as a module file): said in the
    outcome, so a lead knows a relay-injected delay ran on a kernel that has netem or not."""
    if os.path.isdir("/sys/module/sch_netem"):
        return True
    try:
        import gzip  # here: only this check reads a compressed file
        with gzip.open("/proc/config.gz", "rt") as handle:
            for line in handle:
                if line.startswith("CONFIG_NET_SCH_NETEM=y"):
                    return True
                if line.startswith("# CONFIG_NET_SCH_NETEM is not set"):
                    return False
    except (OSError, ImportError, EOFError):
        pass
    release = platform.uname().release
    for root, _, files in os.walk("/lib/modules/%s/kernel/net/sched" % release):
        if any(f.startswith("sch_netem.") for f in files):
            return True
    return False


def _is_local_address(ip):
    """An address of THIS host (it can be bound to): the health endpoint must be here."""
    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.bind((ip, 0))
        return True
    except OSError:
        return False
    finally:
        sock.close()


def _resolve_addresses(target, port, protocol):
    kind = socket.SOCK_DGRAM if protocol == "udp" else socket.SOCK_STREAM
    try:
        ipaddress.ip_address(target)
        return [target]
    except ValueError:
        pass
    found = []
    for info in resolve(target, port, kind, time.monotonic() + 5):
        ip = _unmap(info[4][0].split("%")[0])
        if ip not in found:
            found.append(ip)
    return found


def health_call(health, timeout_s):
    """Call the service's health endpoint once: {latency_ms, status, ok, error, timed_out}.

    http(s): a GET, no proxy, no redirect, certificates not verified (the call
    measures the request path, it vouches for nothing); ok means 2xx/3xx.
    tcp://host:port: connect and wait for the first bytes the service sends.
    """
    web = _web()
    request, ssl = web["request"], web["ssl"]
    t0 = time.monotonic()
    call = {"status": None, "ok": False, "error": None, "timed_out": False}
    parts = urllib.parse.urlsplit(health)
    try:
        if parts.scheme in ("http", "https"):
            handlers = [request.ProxyHandler({}), web["NoRedirect"]()]
            if parts.scheme == "https" and ssl is not None:
                handlers.append(request.HTTPSHandler(context=ssl._create_unverified_context()))
            opener = request.build_opener(*handlers)
            try:
                with opener.open(health, timeout=timeout_s) as response:
                    response.read(65536)
                    call["status"] = response.status
            except web["error"].HTTPError as exc:
                call["status"] = exc.code
                exc.close()
            call["ok"] = 200 <= call["status"] < 400
        else:
            sock = socket.create_connection((parts.hostname, parts.port), timeout=timeout_s)
            try:
                call["ok"] = bool(sock.recv(1))
                call["status"] = "data" if call["ok"] else "closed"
            finally:
                sock.close()
    except web["error"].URLError as exc:
        reason = exc.reason
        call["timed_out"] = isinstance(reason, socket.timeout) or "timed out" in str(reason)
        call["error"] = "%s" % (reason,)
    except Exception as exc:  # socket.timeout, resets, a truncated answer: all are facts
        call["timed_out"] = isinstance(exc, socket.timeout) or "timed out" in str(exc)
        call["error"] = "timed out" if call["timed_out"] else "%s: %s" % (type(exc).__name__, exc)
    call["latency_ms"] = round(_ms_since(t0), 3)
    return call


def _check_rehearsal(r):
    """Validate the rehearsal part of the plan; PlanError with a readable message."""
    if not isinstance(r, dict):
        raise PlanError("rehearsal must be an object")
    for name, kind in (("chain", str), ("dependency", str), ("fault", str), ("health", str),
                       ("protocol", str), ("targets", list), ("duration_s", (int, float)),
                       ("fail_fast_ms", (int, float)), ("call_timeout_ms", (int, float))):
        if not isinstance(r.get(name), kind) or isinstance(r.get(name), bool):
            raise PlanError("rehearsal.%s is missing or has the wrong type" % name)
    if not CHAIN_NAME.match(r["chain"]):
        raise PlanError("rehearsal.chain %r is not a migready chain name" % r["chain"])
    if r["fault"] not in REHEARSAL_FAULTS:
        raise PlanError("rehearsal.fault must be one of %s" % ", ".join(REHEARSAL_FAULTS))
    if r["protocol"] not in ("tcp", "udp"):
        raise PlanError("rehearsal.protocol must be tcp or udp")
    if not 0 < r["duration_s"] <= MAX_REHEARSAL_S:
        raise PlanError("rehearsal.duration_s must be within 1 s and %d s" % MAX_REHEARSAL_S)
    if not isinstance(r.get("port"), int) or not 0 < r["port"] < 65536:
        raise PlanError("rehearsal.port must be a port number")
    if not r["targets"] or not all(isinstance(t, str) and t for t in r["targets"]):
        raise PlanError("rehearsal.targets must list the dependency's targets")
    if urllib.parse.urlsplit(r["health"]).scheme not in ("http", "https", "tcp"):
        raise PlanError("rehearsal.health must be http://, https:// or tcp://")
    if r["fault"] == "delay" and not (isinstance(r.get("delay_ms"), int) and 0 < r["delay_ms"] <= 600000):
        raise PlanError("rehearsal.delay_ms must be within 1 and 600000 for a delay")
    if r["fault"] == "loss" and not (isinstance(r.get("loss_pct"), (int, float)) and not isinstance(r["loss_pct"], bool)
                                     and 0 < r["loss_pct"] <= 100):
        raise PlanError("rehearsal.loss_pct must be within 0 and 100 for a loss")


class _Rehearsal(object):
    """One rehearsal on this host: preconditions, baseline, fault, revert, recovery."""

    def __init__(self, r, out):
        self.r, self.out = r, out
        self.chain = r["chain"]
        self.budget_s = r["fail_fast_ms"] / 1000.0
        self.call_timeout = r["call_timeout_ms"] / 1000.0
        self.interval = max(0.1, r.get("interval_ms", 500) / 1000.0)
        self.max_calls = int(r.get("max_calls", 1200))
        self.calls = 0
        self.tools = []
        self.watchdog = None
        self.applied = False
        self.relay = None  # delay and loss: the relay the nat rules send the dependency's flows to

    def event(self, name, **data):
        data.update({"type": "rehearsal", "event": name, "at": _utc_now()})
        self.out.line(data)

    def stop(self, reason, detail):
        self.event("inconclusive", reason=reason, detail=detail)

    def preconditions(self, addresses):
        """None, or (reason, detail) why the fault cannot be rehearsed here (never a pass)."""
        r = self.r
        if not _net_admin():
            return "not_root", "changing the firewall needs root or CAP_NET_ADMIN"
        for tool in sorted(set(_family_tool(ip) for ip in addresses)):
            if _tool(tool) is None:
                return "iptables_missing", "%s is not installed (nft-only hosts are not supported)" % tool
            for table in CHAIN_TABLES:
                if _chain_exists(tool, self.chain, table):
                    return "chain_exists", "chain %s already exists (%s -t %s): another rehearsal?" % (
                        self.chain, tool, table)
            if r["fault"] in RELAYED_FAULTS:
                code, text = _iptables(tool, ["-t", "nat", "-S", "OUTPUT"])
                if code != 0:
                    return "nat_missing", ("%s has no nat table here (%s): the %s relay needs its OUTPUT chain"
                                           % (tool, text or "exit %d" % code, r["fault"]))
        health = urllib.parse.urlsplit(r["health"])
        try:
            local = [ip for ip in _resolve_addresses(health.hostname or "", health.port or 80, "tcp")]
        except OSError as exc:
            return "health_unresolved", "health host %s does not resolve: %s" % (health.hostname, exc)
        if not any(_is_local_address(ip) for ip in local):
            return "health_not_local", ("the health endpoint %s is not on this host (%s): the rehearsal "
                                        "breaks the dependency here only" % (r["health"], ", ".join(local)))
        return None

    def call(self, stage):
        if self.calls >= self.max_calls:
            return None
        self.calls += 1
        result = health_call(self.r["health"], self.call_timeout)
        result.update({"type": "call", "stage": stage, "n": self.calls, "at": _utc_now()})
        self.out.line(result)
        return result

    def series(self, stage, until=None, count=None, done=None):
        """Calls at a bounded rate (one at a time, at most one per interval)."""
        made = []
        while True:
            if count is not None and len(made) >= count:
                return made
            if until is not None and time.monotonic() >= until:
                return made
            started = time.monotonic()
            result = self.call(stage)
            if result is None:
                return made
            made.append(result)
            if done is not None and done(result):
                return made
            pause = self.interval - (time.monotonic() - started)
            if pause > 0:
                time.sleep(pause)

    def arm(self, seconds):
        """Start the watchdog and wait until it says it is armed: the revert exists before the fault."""
        proc = subprocess.Popen([sys.executable, "-I", "-c", WATCHDOG_CODE, self.chain, "%.3f" % seconds]
                                + [_tool(t) for t in self.tools],
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, start_new_session=True, close_fds=True)
        line = proc.stdout.readline().decode("ascii", "replace").split()
        proc.stdout.close()
        if line[:1] != ["armed"]:
            proc.kill()
            return None
        self.watchdog = proc
        return proc.pid

    def apply(self, rules):
        for tool, argv in rules:
            code, text = _iptables(tool, argv)
            if code != 0:
                return "%s %s: %s" % (tool, " ".join(argv), text or "exit %d" % code)
            self.applied = True
        return None

    def revert(self):
        left = remove_chain(self.chain, self.tools) if self.tools else []
        if self.watchdog is not None:
            try:
                self.watchdog.terminate()  # it removes the (already removed) chain and exits
                self.watchdog.wait(10)
            except (OSError, subprocess.TimeoutExpired):
                pass
        return left

    def run(self):
        r = self.r
        protocol, port = r["protocol"], r["port"]
        try:
            resolved = []
            for target in r["targets"]:
                resolved += [ip for ip in _resolve_addresses(target, port, protocol) if ip not in resolved]
        except OSError as exc:
            return self.stop("targets_unresolved", "the dependency's targets do not resolve here: %s" % exc)
        wanted = r.get("addresses") or resolved
        strays = [ip for ip in wanted if ip not in resolved]
        if strays:
            return self.stop("address_refused", "refusing %s: not an address of the dependency's targets (%s)"
                             % (", ".join(strays), ", ".join(resolved)))
        addresses = [ip for ip in wanted if not ipaddress.ip_address(ip).is_unspecified]
        if not addresses:
            return self.stop("no_addresses", "the dependency's targets give no address to break")
        self.tools = sorted(set(_family_tool(ip) for ip in addresses))
        mechanism, table = "iptables", "filter"
        if r["fault"] in RELAYED_FAULTS:
            mechanism, table = "relay", "nat"
            self.relay = _Relay(protocol, addresses, port, r.get("delay_ms"), r.get("loss_pct"))
            rules = relay_rules(self.chain, self.relay.start(), port, protocol)
        else:
            rules = fault_rules(self.chain, addresses, port, protocol, r["fault"])
        self.event("planned", addresses=addresses, mechanism=mechanism,
                   netem=bool(_tool("tc")) and _netem_available(),
                   rules=[[t] + a for t, a in rules],
                   revert=[[t] + a for t, a in revert_rules(self.chain, self.tools, table)])
        problem = self.preconditions(addresses)
        if problem:
            return self.stop(*problem)
        baseline = self.series("baseline", count=int(r.get("baseline_calls", 3)))
        bad = [c for c in baseline if not c["ok"] or c["latency_ms"] > r["fail_fast_ms"]]
        if bad:
            return self.stop("baseline_unhealthy", "the service is not healthy before the fault: %s"
                             % (bad[0]["error"] or "answer %s in %.0f ms" % (bad[0]["status"], bad[0]["latency_ms"])))
        grace = self.call_timeout + 10
        pid = self.arm(r["duration_s"] + grace)
        if pid is None:
            return self.stop("watchdog_failed", "the revert watchdog did not start: no fault applied")
        self.event("armed", watchdog_pid=pid, deadline_s=round(r["duration_s"] + grace, 3))
        error = self.apply(rules)
        if error:
            left = self.revert()
            return self.stop("iptables_failed", "installing the fault failed (%s); reverted%s"
                             % (error, "" if not left else ", BUT the chain is still there"))
        applied_at = time.monotonic()
        self.event("applied", chain=self.chain, mechanism=mechanism)
        try:
            self.series("fault", until=applied_at + r["duration_s"])
        finally:
            left = self.revert()
            reverted_at = time.monotonic()
            self.applied = False
            extra = {"relay": dict(self.relay.stats, held_ms=round(self.relay.stats["held_ms"], 3))} \
                if self.relay is not None else {}
            self.event("reverted", removed=not left, left=left,
                       fault_ms=round((reverted_at - applied_at) * 1000.0, 3), **extra)
        # the relay keeps serving the flows it holds (new ones go direct now) until the end
        recover_until = reverted_at + float(r.get("recover_s", 30))
        recovered = self.series("recovery", until=recover_until,
                                done=lambda c: c["ok"] and c["latency_ms"] <= r["fail_fast_ms"])
        if recovered and recovered[-1]["ok"] and recovered[-1]["latency_ms"] <= r["fail_fast_ms"]:
            self.event("recovered", recovery_ms=round(_ms_since(reverted_at), 3))
        else:
            self.event("not_recovered", within_s=r.get("recover_s", 30))
        self.series("after", count=int(r.get("baseline_calls", 3)))
        return None

    def emergency_revert(self):
        """On the way out after a signal or a broken stdout: never leave the fault in."""
        if self.tools:
            try:
                remove_chain(self.chain, self.tools)
            except Exception:
                pass
        if self.relay is not None:  # after the rules: a flow still redirected would find no relay
            self.relay.stop()
        if self.watchdog is not None and self.watchdog.poll() is None:
            try:
                self.watchdog.terminate()
            except OSError:
                pass


def rehearsal_requested(text):
    try:
        plan = json.loads(text)
    except ValueError:
        return False
    return isinstance(plan, dict) and plan.get("mode") in ("rehearse", "rehearse-cleanup")


def _raise_stop(signum, frame):
    raise _Stop("signal %d" % signum)


def run_rehearsal(text, out):
    """The `run` subcommand for a rehearsal or cleanup plan.  -> exit code."""
    t0 = time.monotonic()
    plan = json.loads(text)
    try:
        if plan.get("version", 1) != 1:
            raise PlanError("unsupported plan version %r (this agent speaks 1)" % plan.get("version"))
        if plan["mode"] == "rehearse":
            _check_rehearsal(plan.get("rehearsal"))
        elif plan.get("chain") is not None and not CHAIN_NAME.match(str(plan.get("chain"))):
            raise PlanError("chain %r is not a migready chain name" % plan.get("chain"))
    except PlanError as exc:
        out.line({"type": "error", "detail": str(exc)})
        return 2
    out.line({"type": "hello", "agent_version": AGENT_VERSION,
              "python": platform.python_version(), "pid": os.getpid()})
    if plan["mode"] == "rehearse-cleanup":
        tools = [t for t in ("iptables", "ip6tables") if _tool(t)]
        chains = [plan["chain"]] if plan.get("chain") else \
            sorted(set(c for t in tools for c in migready_chains(t)))
        left = sorted(set(t + ":" + c for c in chains for t in remove_chain(c, tools)))
        out.line({"type": "cleanup", "chains": chains, "left": left, "net_admin": _net_admin(),
                  "tools": tools})
        out.line({"type": "summary", "agent_version": AGENT_VERSION, "total": 0,
                  "elapsed_ms": round(_ms_since(t0), 3)})
        return 0
    rehearsal = _Rehearsal(plan["rehearsal"], out)
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            previous[signum] = signal.signal(signum, _raise_stop)
    try:
        rehearsal.run()
        out.line({"type": "summary", "agent_version": AGENT_VERSION, "total": rehearsal.calls,
                  "elapsed_ms": round(_ms_since(t0), 3)})
        return 0
    except (_Stop, BrokenPipeError, KeyboardInterrupt, OSError):
        rehearsal.emergency_revert()
        return 1
    finally:
        rehearsal.emergency_revert()
        for signum, handler in previous.items():
            signal.signal(signum, handler)


# ==== agent_src/runner.py

# ---------------------------------------------------------------- runner: the plan in, one JSON line per result out

# One entry per check module; `run_probe` dispatches on the plan's "check".
CHECKS = {
    "tcp_connect": check_tcp_connect,
    "udp_exchange": check_udp_exchange,
    "reflect": check_reflect,
    "callback": check_callback,
    "dns": check_dns,
    "route": check_route,
    "host_facts": check_host_facts,
    "http": check_http,
    "sample_connections": check_sample_connections,
    "serve_callbacks": check_serve_callbacks,
}


_port_locks = {}
_port_locks_guard = threading.Lock()


class _NoLock(object):  # contextlib.nullcontext is 3.7+
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


_NO_LOCK = _NoLock()


def _fixed_port_lock(probe):
    """Probes binding the same fixed source port (or, for call-backs, the
    same inbound port to listen on) must not overlap (EADDRINUSE)."""
    if probe["check"] == "callback":
        port, proto = probe.get("port"), "listen-%s" % probe.get("protocol", "tcp")
    else:
        port = probe.get("source_port")
        if probe["check"] == "reflect":
            proto = probe.get("protocol", "udp")
        else:
            proto = {"tcp_connect": "tcp", "udp_exchange": "udp"}.get(probe["check"])
    if not port or not isinstance(port, int) or proto is None:
        return None
    with _port_locks_guard:
        return _port_locks.setdefault((proto, port), threading.Lock())


def _run_check(probe):
    check = CHECKS.get(probe["check"])
    if check is None:
        return _outcome("inconclusive", "unknown_check",
                        "this agent has no check %r" % probe["check"])
    try:
        return check(probe, time.monotonic() + probe.get("timeout_ms", DEFAULT_TIMEOUT_MS) / 1000.0)
    except Done as done:
        return done.outcome
    except ProbeError as exc:
        return _outcome("inconclusive", "bad_probe", str(exc))
    except Exception as exc:  # one probe's bug must not stop the others
        return _outcome("inconclusive", "agent_error", "%s: %s" % (type(exc).__name__, exc))


def run_probe(probe):
    """Run one probe; never raises.  Returns the full result line.  Waiting
    for a fixed source port's lock is not part of the probe's time."""
    lock = _fixed_port_lock(probe) or _NO_LOCK
    with lock:
        started = _utc_now()
        outcome = _run_check(probe)
    return _result_line(probe, started, outcome)


def parse_plan(text):
    """Validate the plan's structure; PlanError with a readable message."""
    try:
        plan = json.loads(text)
    except ValueError as exc:
        raise PlanError("plan is not JSON: %s" % exc)
    if not isinstance(plan, dict):
        raise PlanError("plan must be a JSON object")
    if plan.get("version", 1) != 1:
        raise PlanError("unsupported plan version %r (this agent speaks 1)" % plan.get("version"))
    jobs = plan.get("jobs", DEFAULT_JOBS)
    if not isinstance(jobs, int) or isinstance(jobs, bool):
        raise PlanError("jobs must be an integer")
    probes = plan.get("probes")
    if not isinstance(probes, list):
        raise PlanError("plan needs a list 'probes'")
    seen = set()
    for n, probe in enumerate(probes):
        if not isinstance(probe, dict):
            raise PlanError("probe #%d is not an object" % n)
        if not isinstance(probe.get("id"), (str, int)) or probe["id"] in seen:
            raise PlanError("probe #%d needs a unique string or integer 'id'" % n)
        seen.add(probe["id"])
        if not isinstance(probe.get("check"), str):
            raise PlanError("probe %r needs a string 'check'" % probe["id"])
        if not isinstance(probe.get("meta", {}), (dict, type(None))):
            raise PlanError("probe %r: meta must be an object" % probe["id"])
        timeout = probe.get("timeout_ms", DEFAULT_TIMEOUT_MS)
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
            raise PlanError("probe %r: timeout_ms must be a positive number" % probe["id"])
    return max(1, min(256, jobs)), probes


class _Out(object):
    """The agent's stdout.  `line` writes at once (hello, errors, the summary, a rehearsal's
    steps); `result` lines wait up to PACE seconds to go out together.

    Why: a write and flush per result is an SSH packet per result, each encrypted by sshd and
    decrypted by the host side in Python, each waking two of its threads; over 20 hosts x 2,000
    results that was a large share of the machine's CPU (bench/README.md, the fleet).  Batched, a
    packet carries the results of the last PACE seconds (progress still moves 20 times a second).
    Order is kept: a `line` writes the waiting results first, so the summary never waits."""

    PACE = 0.05

    def __init__(self, stream):
        self.stream, self.lock = stream, threading.Lock()
        self.pending, self.error, self.closed = [], None, False
        self.wake = threading.Event()
        self.writer = None

    def line(self, obj):
        text = json.dumps(obj, sort_keys=True) + "\n"
        with self.lock:
            self._write(text)

    def result(self, obj):
        text = json.dumps(obj, sort_keys=True) + "\n"
        with self.lock:
            if self.error is not None:
                raise self.error
            self.pending.append(text)
            if len(self.pending) > 1:  # the writer was woken for the first of these
                return
            if self.writer is None:
                self.writer = threading.Thread(target=self._paced, name="agent-out")
                self.writer.daemon = True
                self.writer.start()
        self.wake.set()

    def close(self):
        """Write what waits and stop the writer thread."""
        with self.lock:
            self.closed = True
            if self.pending and self.error is None:
                try:
                    self._write("")
                except BaseException:  # the client left; run() has already said what it could
                    pass
        self.wake.set()
        if self.writer is not None:
            self.writer.join()

    def _write(self, text):  # under self.lock
        if self.error is not None:
            raise self.error
        batch, self.pending = "".join(self.pending) + text, []
        try:
            self.stream.write(batch)
            self.stream.flush()
        except BaseException as exc:  # stdout is gone (the client left): every later write raises it
            self.error = exc
            raise

    def _paced(self):
        while True:
            self.wake.wait()
            time.sleep(self.PACE)  # gather the results of the next PACE seconds
            with self.lock:
                self.wake.clear()
                if self.pending and self.error is None:
                    try:
                        self._write("")
                    except BaseException:
                        return
                if self.closed or self.error is not None:
                    return


def run(stdin=None, stdout=None):
    """The `run` subcommand: plan on stdin, JSON lines on stdout.  -> exit code.

    The plan is JSON, or JSON compressed with zlib (the host side compresses
    it: a 10,000-target plan is ~4 MB of JSON and ~0.3 MB compressed).
    """
    out = _Out(stdout or sys.stdout)
    try:
        return _run(stdin or sys.stdin.buffer, out)
    finally:
        out.close()


def _run(stdin, out):
    t0 = time.monotonic()
    try:
        raw = stdin.read()
        if isinstance(raw, bytes) and raw[:1] == b"x":  # a zlib stream (0x78); JSON starts with "{"
            try:
                raw = zlib.decompress(raw)
            except zlib.error as exc:
                raise PlanError("the compressed plan is damaged: %s" % exc)
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        if rehearsal_requested(text):  # see the "rehearsal" section below
            return run_rehearsal(text, out)
        jobs, probes = parse_plan(text)
    except (PlanError, UnicodeDecodeError) as exc:
        out.line({"type": "error", "detail": str(exc)})
        return 2
    out.line({"type": "hello", "agent_version": AGENT_VERSION,
              "python": platform.python_version(), "pid": os.getpid()})
    counts = {"pass": 0, "fail": 0, "inconclusive": 0}
    _ROUTES.prime(probes)  # the route batch starts now and runs beside the first probes
    _run_all(probes, jobs, out, counts)
    summary = {"type": "summary", "agent_version": AGENT_VERSION, "total": len(probes),
               "elapsed_ms": round(_ms_since(t0), 3)}
    summary.update(counts)
    out.line(summary)
    return 0


def _run_all(probes, jobs, out, counts):
    """Run `probes`, at most `jobs` at once, each result written as it comes.

    Three kinds of worker, so that none waits on another's kind of work:
    plain TCP connects go to one thread with non-blocking sockets
    (tcp_many.py); the routes the batch answers to one thread that waits for
    the local `ip` process once and then answers them all; every other probe
    to plain worker threads taking probes from one queue (not a
    ThreadPoolExecutor: no future per probe and no waiter to wake; at 20,000
    probes that was a tenth of the agent's time).  A connect or a queued
    probe holds one of `jobs` slots while it is in flight; a batched route
    sends nothing, so it holds none."""
    plain, routes, queue = [], [], collections.deque()
    for probe in probes:
        target = plain_connect(probe)
        if target is not None:
            plain.append((probe, target))
        elif _ROUTES.batched(probe):
            routes.append(probe)
        else:
            queue.append(probe)
    slots = threading.Semaphore(jobs)
    lock, failed = threading.Lock(), []

    def finish(line):
        with lock:
            counts[line["status"]] += 1
        out.result(line)

    def guarded(body):
        def run():
            try:
                body()
            except BaseException as exc:  # stdout is gone (the client left): stop every worker
                failed.append(exc)
        return run

    def work():
        while not failed:
            try:
                probe = queue.popleft()
            except IndexError:
                return
            with slots:
                line = run_probe(probe)
            finish(line)

    def answer_routes():
        for probe in routes:
            if failed:
                return
            finish(run_probe(probe))

    workers = [threading.Thread(target=guarded(work), name="probe-%d" % n) for n in range(min(jobs, len(queue)))]
    if routes:
        workers.insert(0, threading.Thread(target=guarded(answer_routes), name="probe-routes"))
    if plain:  # first: the connects are what the run waits on
        workers.insert(0, threading.Thread(target=guarded(lambda: run_connects(plain, slots, finish, lambda: bool(failed))),
                                           name="probe-connects"))
    for worker in workers:
        worker.daemon = True
        worker.start()
    for worker in workers:
        worker.join()
    if failed:
        raise failed[0]


# ==== agent_src/main.py

# ---------------------------------------------------------------- command line

def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv.pop(0) if argv and argv[0] in ("run", "reflector") else "run"
    if command == "run":
        if argv:
            sys.stderr.write("usage: agent.py [run] < plan.json\n")
            return 2
        return run()
    import argparse  # imported here: a probe run (the common case) never pays for it
    parser = argparse.ArgumentParser(prog="agent.py reflector", description=REFLECTOR_DESCRIPTION)
    add_reflector_options(parser)
    args = parser.parse_args(argv)
    try:
        callback = CallbackPolicy(args.callback_allow, _read_token(args.token_file), max(1, args.callback_rate),
                                  bad_tokens=max(1, args.bad_token_limit))
    except (ValueError, OSError) as exc:
        sys.stderr.write("reflector: %s\n" % exc)
        return 2
    limits = ReflectorLimits(rate=args.rate, rate_per_source=args.rate_per_source,
                             max_connections=args.max_connections, idle_timeout=args.idle_timeout,
                             log_every=args.log_every)
    both = not (args.udp or args.tcp)
    stop, previous = threading.Event(), {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous[signum] = signal.signal(signum, lambda *_: stop.set())
    try:
        return serve_reflector(args.bind, args.port, udp=both or args.udp, tcp=both or args.tcp, stop=stop,
                               once=args.once, callback=callback, limits=limits)
    except OSError as exc:
        sys.stderr.write("reflector: cannot listen on %s:%s: %s\n" % (args.bind, args.port, exc))
        return 1
    finally:  # main() may run inside the migready CLI: give its handlers back
        for signum, handler in previous.items():
            signal.signal(signum, handler)


if __name__ == "__main__":
    # Once the summary is flushed nothing is left to do: every worker was joined and a rehearsal
    # reverted its fault before run() returned.  os._exit skips the interpreter's teardown (tens of
    # ms after a large plan), which the host side would otherwise wait for as the session's end.
    try:
        code = main()
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        code = 1
    os._exit(code or 0)
