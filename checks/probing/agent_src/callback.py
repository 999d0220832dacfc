"""The `callback` check (incident 5): can the peer still call the staging host?
The host listens, a reflector (or vantage host) in the peer's zone calls back.
"""
import base64
import errno
import ipaddress
import json
import os
import socket
import threading
import time
from .protocol import (
    DEFAULT_TIMEOUT_MS, Done, ProbeError, _addr, _close, _field, _outcome, _port, _printable,
    _remaining, _socket_failure, _socket_for, resolve)


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
