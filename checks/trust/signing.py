"""Sign-off: Ed25519 keys for people, signatures over the report's content digest.

A signer signs a short statement: the SHA-256 digest of the canonical report
content, who they are, their role, approve or reject, a comment and when.
Because the digest covers the whole review (evidence, marks, waivers), any
change after signing makes the old signatures point at another digest: they
stop counting and the report says so.  Private keys never enter a workspace
or a report; only public keys and signatures do.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..store.atomic import atomic_write_bytes
from ..text.i18n import Msg, _
from ..store.safeio import loads_strict, read_regular
from ..store.workspace import canonical_json, utc_now

STATEMENT_PREFIX = b"migready-signoff-v1\n"  # sign-offs made before the public key was signed too
STATEMENT_V2_PREFIX = b"migready-signoff-v2\n"
ATTESTATION_PREFIX = b"migready-run-attestation-v1\n"
PUBLIC_FORMAT = "migready-signer"
KEY_FILE_LIMIT = 64 * 1024  # a key file is a few hundred bytes


class SigningError(ValueError):
    """A key that cannot be used, or a signature that cannot be made; the text says why."""


@dataclass
class Signer:
    name: str
    role: str
    private_key: Ed25519PrivateKey

    @property
    def public_b64(self) -> str:
        raw = self.private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return base64.b64encode(raw).decode("ascii")


def fingerprint(public_b64: str) -> str:
    digest = hashlib.sha256(base64.b64decode(public_b64)).digest()
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


def keygen(name: str, role: str, out: Path, passphrase: bytes | None = None) -> Path:
    """Write OUT (private key, PKCS#8 PEM, encrypted when a passphrase is given) and OUT.pub."""
    if not name.strip() or not role.strip():
        raise SigningError(_("a key needs a name and a role"))
    out = Path(out)
    pub_path = out.with_name(out.name + ".pub")
    for path in (out, pub_path):
        if path.exists():
            raise SigningError(_("{path} exists; refusing to overwrite a key").format(path=path))
    key = Ed25519PrivateKey.generate()
    encryption = (serialization.BestAvailableEncryption(passphrase) if passphrase
                  else serialization.NoEncryption())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    public = {"format": PUBLIC_FORMAT, "name": name, "role": role,
              "public_key": Signer(name, role, key).public_b64}
    atomic_write_bytes(pub_path, json.dumps(public, ensure_ascii=False, indent=1).encode("utf-8") + b"\n",
                       keep_backup=False)
    return pub_path


def read_public(path: Path) -> dict:
    try:
        data = loads_strict(read_regular(path, KEY_FILE_LIMIT).decode("utf-8"))
    except OSError as exc:
        raise SigningError(_("cannot read public key {path}: {error}").format(path=path, error=exc.strerror or exc)) from None
    except ValueError as exc:  # not UTF-8, not JSON, NaN, too deep
        raise SigningError(_("cannot read public key {path}: not a JSON key file ({error})").format(
            path=path, error=exc)) from None
    if not isinstance(data, dict) or data.get("format") != PUBLIC_FORMAT or "public_key" not in data:
        raise SigningError(_("{path} is not a migready public key (made by `migready keygen`)").format(path=path))
    for field in ("name", "role", "public_key"):  # they go into signed sign-offs and the workspace
        if not isinstance(data.get(field), str) or not data[field].strip():
            raise SigningError(_("public key {path}: '{field}' must be a non-empty string (found {type})").format(
                path=path, field=field, type=type(data.get(field)).__name__))
    try:
        raw = base64.b64decode(data["public_key"], validate=True)
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise SigningError(_("public key {path}: 'public_key' is not a base64 Ed25519 key (32 bytes)").format(
            path=path))
    return data


def key_is_encrypted(path: Path) -> bool:
    """True when the private key file at PATH is protected by a passphrase (PKCS#8 "ENCRYPTED PRIVATE
    KEY"), so a front end asks for it before signing; False for anything else, unreadable included
    (loading it then says what is wrong)."""
    try:
        return b"-----BEGIN ENCRYPTED PRIVATE KEY-----" in read_regular(path, KEY_FILE_LIMIT)
    except OSError:
        return False


def load_signer(path: Path, passphrase: bytes | None = None) -> Signer:
    """The private key at PATH with the name and role from PATH.pub."""
    path = Path(path)
    if path.name.endswith(".pub"):  # not "cannot read public key x.pub.pub" (issue 26)
        raise SigningError(_("{path} is a public key; give the private key ({private}): its .pub beside it is "
                             "read too").format(path=path, private=path.with_name(path.name[:-len(".pub")])))
    public = read_public(path.with_name(path.name + ".pub"))
    try:
        key = serialization.load_pem_private_key(read_regular(path, KEY_FILE_LIMIT), password=passphrase)
    except OSError as exc:
        raise SigningError(_("cannot read key {path}: {error}").format(path=path, error=exc.strerror or exc)) from None
    except TypeError:
        raise SigningError((_("key {path} is protected by a passphrase; give it") if passphrase is None
                            else _("key {path} is not protected by a passphrase; do not give one")).format(
                                path=path)) from None
    except (ValueError, UnsupportedAlgorithm):
        raise SigningError(_("cannot open key {path}: wrong passphrase, or not a private key").format(
            path=path)) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningError(_("{path} is not an Ed25519 key").format(path=path))
    signer = Signer(public["name"], public["role"], key)
    if signer.public_b64 != public["public_key"]:
        raise SigningError(_("{path}.pub does not belong to {path}").format(path=path))
    return signer


def statement(entry: dict) -> bytes:
    """What a sign-off signs: the content digest, who (name, role and public key), the decision."""
    if entry.get("v") == 2:
        fields = {k: entry[k] for k in ("digest", "name", "role", "decision", "comment", "signed_at",
                                        "public_key")}
        return STATEMENT_V2_PREFIX + canonical_json(fields)
    fields = {k: entry[k] for k in ("digest", "name", "role", "decision", "comment", "signed_at")}
    return STATEMENT_PREFIX + canonical_json(fields)


def sign(signer: Signer, digest: str, decision: str = "approve", comment: str = "") -> dict:
    if decision not in ("approve", "reject"):
        raise SigningError(_("decision must be approve or reject"))
    entry = {"v": 2, "digest": digest, "name": signer.name, "role": signer.role, "decision": decision,
             "comment": comment, "signed_at": utc_now(), "public_key": signer.public_b64}
    entry["signature"] = base64.b64encode(signer.private_key.sign(statement(entry))).decode("ascii")
    return entry


_P = 2 ** 255 - 19
_D = -121665 * pow(121666, _P - 2, _P) % _P


def weak_key(raw: bytes) -> bool:
    """True for an Ed25519 public key that is not a point of the prime-order group (a small-order or
    undecodable point).  OpenSSL accepts signatures by such keys over ANY message (the all-zero key
    with an all-zero signature verifies), so a forged sign-off would show as "valid"."""
    if len(raw) != 32:
        return True
    y = int.from_bytes(raw, "little") & ((1 << 255) - 1)
    if y >= _P:
        return True
    xx = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P) % _P
    x = pow(xx, (_P + 3) // 8, _P)
    if x * x % _P != xx:
        x = x * pow(2, (_P - 1) // 4, _P) % _P
    if x * x % _P != xx:
        return True  # not on the curve
    point = (x, y)
    for _i in range(3):  # [8]A: the identity exactly when A has small order
        (x1, y1) = point
        t = _D * x1 * x1 * y1 * y1 % _P
        point = ((2 * x1 * y1) * pow(1 + t, _P - 2, _P) % _P, (y1 * y1 + x1 * x1) * pow(1 - t, _P - 2, _P) % _P)
    return point == (0, 1)


def _verify(entry: dict, message, what: Msg) -> Msg | None:
    """None, or why not as a `Msg` (it goes into a report's run standing as well as verify's findings)."""
    who = {"what": what, "name": entry.get("name") if isinstance(entry, dict) else None,
           "role": entry.get("role") if isinstance(entry, dict) else None}
    try:
        raw = base64.b64decode(entry["public_key"], validate=True)
        if weak_key(raw):
            return Msg("{what} by {name} ({role}) uses a weak key that signs anything: forged", **who)
        key = Ed25519PublicKey.from_public_bytes(raw)
        key.verify(base64.b64decode(entry["signature"], validate=True), message(entry))
    except (KeyError, ValueError, TypeError, AttributeError):
        return Msg("{what} by {name} ({role}) is malformed", **who)
    except InvalidSignature:
        return Msg("{what} by {name} ({role}) is invalid: it was altered", **who)
    return None


def check_signature(entry: dict) -> Msg | None:
    """None when the signature is the signer's over its statement, else why not."""
    if not isinstance(entry, dict):
        return Msg("a sign-off entry is not an object")
    return _verify(entry, statement, Msg("signature"))


def trusted_signer(trusted: dict[str, dict], entry: dict) -> dict | None:
    """The trusted signer (public key -> their .pub, from a trust directory) whose key made this
    sign-off or attestation, when the name and role it claims are the ones the key was issued for."""
    known = trusted.get(entry.get("public_key"))
    if known is None or (known.get("name"), known.get("role")) != (entry.get("name"), entry.get("role")):
        return None
    return known


def attestation_statement(entry: dict) -> bytes:
    fields = {k: entry[k] for k in ("run", "digest", "name", "role", "public_key", "signed_at")}
    return ATTESTATION_PREFIX + canonical_json(fields)


def attest(signer: Signer, run_id: str, digest: str) -> dict:
    """Whoever ran a probe run signs the digest its finished event logged: an edited result, even in a
    rewritten file, no longer matches a signature only they can make."""
    entry = {"run": run_id, "digest": digest, "name": signer.name, "role": signer.role,
             "public_key": signer.public_b64, "signed_at": utc_now()}
    entry["signature"] = base64.b64encode(signer.private_key.sign(attestation_statement(entry))).decode("ascii")
    return entry


def check_attestation(entry: dict) -> Msg | None:
    if not isinstance(entry, dict):
        return Msg("an attestation is not an object")
    return _verify(entry, attestation_statement, Msg("attestation"))
