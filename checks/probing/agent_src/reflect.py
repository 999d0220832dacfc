"""The `reflect` check: send to a reflector from the dependency's source port and
compare the address and port it saw with what was sent.  A translated port is
incident 1 (NAT rewrote the scales' source port).
"""
import socket
import struct
import time
from .protocol import (
    Done, ProbeError, _addr, _close, _ms_since, _outcome, _printable, _remaining, _socket_failure,
    _socket_for)
from .udp import _udp_exchange
from .reflect_wire import (
    UDP_RESEND_S, _parse_reflection, _reflect_request, stun_binding_request, stun_parse_answer)


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
