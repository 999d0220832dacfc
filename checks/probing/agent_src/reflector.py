"""The reflector server (UDP+TCP, rate-limited, bounded), `serve_reflector`, the
`serve_callbacks` check a vantage host runs, and the reflector's options.
"""
import io
import json
import os
import socket
import struct
import sys
import threading
import time
from .protocol import ProbeError, REFLECTOR_PORT, _addr, _field, _outcome, _port, _unmap
from .reflect_wire import stun_header
from .reflector_answers import _json_object, reflection
from .callback_server import (
    CALLBACK_BAD_TOKENS, CALLBACK_MAX_RUNNING, CALLBACK_MAX_TIMEOUT_MS, CALLBACK_RATE,
    CallbackPolicy, callback_answer)


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
