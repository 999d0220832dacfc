"""The reflector's side of call-backs: who may be called back (observed address
or --callback-allow), how often, with which token, and the call itself.
"""
import hmac
import ipaddress
import re
import socket
import threading
import time
from .protocol import UNREACHABLE_ERRNOS, _addr, _ms_since, _remaining
from .callback import _callback_tag


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
