"""The `udp_exchange` check: one datagram out, one answer back, optionally from
a fixed source port; UDP is where HTTP health checks see nothing (incident 1).
"""
import base64
import socket
import time
from .protocol import (
    Done, _addr, _b64, _ms_since, _outcome, _printable, _remaining, _socket_failure, _socket_for,
    _unmap)


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
