"""The `tcp_connect` check: can the staging host open a TCP connection, from a
fixed source port when the peer checks it (incident 1's family over TCP).
"""
import socket
import time
from .protocol import (
    Done, _addr, _close, _ms_since, _outcome, _remaining, _socket_failure, _socket_for, _unmap)


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
