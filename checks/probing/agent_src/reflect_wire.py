"""The reflect request on the wire, in both forms: migready's padded JSON line
and a STUN Binding request (RFC 8489).  Shared by the probe (`reflect`) and
the reflector that answers it, so both sides parse the same bytes the same way.
"""
import base64
import ipaddress
import json
import os
import struct
from .protocol import _unmap


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
