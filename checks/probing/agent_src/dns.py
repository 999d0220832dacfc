"""The `dns` check: what a name resolves to from the staging host, through the
system resolver or a named one (split horizon: incident 2's internal name that
resolves to a public address).
"""
import os
import socket
import struct
import time
from .protocol import (
    Done, ProbeError, _field, _ip_class, _ms_since, _outcome, _port, _remaining, _socket_failure,
    _unmap, resolve)


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
