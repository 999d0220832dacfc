"""The agent's shared ground: protocol constants, the two error types, and the
socket helpers every check uses (one outcome shape, one way to name a socket
failure), so that all checks answer in the same words.
"""
import base64
import datetime
import errno
import ipaddress
import socket
import struct
import threading
import time


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
