"""What the reflector answers: the JSON reflection and the STUN Binding success,
never larger than the request (no amplification).
"""
import ipaddress
import json
import struct
from .protocol import _addr, _unmap
from .reflect_wire import (
    STUN_BINDING_REQUEST, STUN_BINDING_SUCCESS, STUN_MAGIC, STUN_XOR_MAPPED_ADDRESS, _stun_attr,
    stun_header)


# ---------------------------------------------------------------- reflector: answers with the address it saw

def _json_object(raw):
    try:
        msg = json.loads(raw.decode("utf-8").strip())
    except ValueError:
        return {}
    return msg if isinstance(msg, dict) else {}


def reflection(peer, proto, request):
    """The reflector's answer to one request (bytes) from peer (sockaddr):
    a STUN Binding success for a STUN Binding request (told apart by the
    magic cookie), None for any other STUN message, else the JSON answer."""
    if stun_header(request) is not None:
        return stun_answer(peer, request)
    nonce = None
    try:
        msg = json.loads(request.decode("utf-8").strip())
        if isinstance(msg, dict) and isinstance(msg.get("nonce"), str):
            nonce = msg["nonce"][:64]
    except ValueError:
        pass
    return json.dumps({"migready": "reflect", "nonce": nonce, "proto": proto,
                       "observed": _addr(peer)}).encode("ascii")


def stun_answer(peer, request):
    """Binding success with XOR-MAPPED-ADDRESS (RFC 8489 14.2) for a Binding
    request; None for anything else (indications, other methods, responses)."""
    kind, _, txid = stun_header(request)
    if kind != STUN_BINDING_REQUEST:
        return None
    ip = ipaddress.ip_address(_unmap(peer[0]).split("%")[0])
    key = struct.pack("!I", STUN_MAGIC) + txid
    xaddr = bytes(a ^ b for a, b in zip(ip.packed, key))
    value = struct.pack("!BBH", 0, 1 if ip.version == 4 else 2, peer[1] ^ (STUN_MAGIC >> 16)) + xaddr
    attrs = _stun_attr(STUN_XOR_MAPPED_ADDRESS, value)
    return struct.pack("!HHI", STUN_BINDING_SUCCESS, len(attrs), STUN_MAGIC) + txid + attrs
