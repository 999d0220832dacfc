"""Plain TCP connects (no fixed source port, an address literal) from one thread with
non-blocking sockets, instead of a thread per probe blocked in connect().

Why: a 10,000-target plan is 10,000 such connects.  On threads, each one is a
wake-up, a GIL hand-over and a queue lock; on the 2 cores a staging host may
have (and a pool's nodes share with others) that was most of the agent's own
CPU and kept it short of `jobs` connects at once.  Here one thread keeps
`jobs` connects in flight and answers each in the words `check_tcp_connect`
uses (same reasons, details, data and latency), so a result does not say
which way it was measured.
"""
import collections
import errno
import os
import selectors
import socket
import time
from .protocol import (
    DEFAULT_TIMEOUT_MS, ProbeError, _addr, _dotted_quad, _field, _ms_since, _outcome, _port,
    _result_line, _socket_failure, _unmap, _utc_now)


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
