"""known_hosts, read and written the OpenSSH way, and the host-key decision.

paramiko's own HostKeys stops at the first malformed line, ignores
``@revoked`` and wildcards, and cannot tell "unknown" from "changed" the way
we need; so we parse known_hosts ourselves (plain, hashed ``|1|`` and
wildcard/negated patterns, ``[host]:port``) and compare raw key blobs.

The rule: a key that matches is accepted; a host whose known key of the SAME
type differs is refused, always (`ChangedHostKey`); so is a host known by a
key of ANOTHER type that presents a key known_hosts does not hold
(`HostKeyTypeChanged`: OpenSSH's rule, or an impostor would just offer RSA);
a key of a host with no known key is refused unless the options say to trust
it (`UnknownHostKey`).
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
import re
import stat
import tempfile
from dataclasses import dataclass
from typing import Callable, Optional

from ...text.i18n import Msg
from ...store.safeio import read_regular
from .errors import (ChangedHostKey, HostKeyInfo, HostKeyTypeChanged, RevokedHostKey, UnknownHostKey, known_hosts_name)

log = logging.getLogger(__name__)


def fingerprint(blob: bytes) -> str:
    """OpenSSH's ``SHA256:...`` fingerprint of a public key blob."""
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def _hash_name(name: str, salt: bytes) -> str:
    digest = hmac.new(salt, name.encode(), hashlib.sha1).digest()
    return f"|1|{base64.b64encode(salt).decode()}|{base64.b64encode(digest).decode()}"


def _pattern_match(pattern: str, name: str) -> bool:
    """OpenSSH host pattern: ``*`` and ``?`` wildcards, case-insensitive;
    brackets are literal (``[host]:port``), unlike fnmatch."""
    rx = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(rx, name, re.IGNORECASE) is not None


@dataclass(frozen=True)
class KnownHostEntry:
    source: str  # "path:line"
    marker: str  # "", "@revoked", "@cert-authority"
    patterns: tuple[str, ...]
    key_type: str
    blob: bytes

    def matches(self, name: str) -> bool:
        hit = False
        for pat in self.patterns:
            if pat.startswith("|1|"):
                try:
                    salt = base64.b64decode(pat.split("|")[2])
                except (IndexError, binascii.Error):
                    continue
                hit = hit or hmac.compare_digest(_hash_name(name, salt), pat)
            elif pat.startswith("!"):
                if _pattern_match(pat[1:], name):
                    return False  # a negated match vetoes the line
            elif _pattern_match(pat, name):
                hit = True
        return hit


def parse_known_hosts(text: str, path: str) -> list[KnownHostEntry]:
    """Every usable line; comments, blanks and malformed lines are skipped."""
    entries = []
    for lineno, line in enumerate(text.splitlines(), 1):
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        marker = fields.pop(0) if fields[0].startswith("@") else ""
        if len(fields) < 3:
            continue
        try:
            blob = base64.b64decode(fields[2], validate=True)
        except (binascii.Error, ValueError):
            log.info("%s:%d: malformed key, line ignored", path, lineno)
            continue
        entries.append(KnownHostEntry(f"{path}:{lineno}", marker,
                                      tuple(fields[0].split(",")), fields[1], blob))
    return entries


class KnownHosts:
    """The known_hosts files one connection consults, and the one it writes."""

    def __init__(self, read_paths: list[str], write_path: str, hash_new: bool = False) -> None:
        self.write_path = write_path
        self.hash_new = hash_new
        self.entries: list[KnownHostEntry] = []
        for path in read_paths:
            try:  # a FIFO or device is refused at once, never waited on
                self.entries += parse_known_hosts(read_regular(path).decode("utf-8", "replace"), path)
            except FileNotFoundError:
                continue
            except OSError as e:
                log.warning("cannot read %s: %s", path, e)

    def for_name(self, name: str) -> list[KnownHostEntry]:
        return [e for e in self.entries if e.matches(name)]

    def key_types(self, name: str) -> list[str]:
        """Key types known for ``name``, so the server is asked for those first."""
        seen: list[str] = []
        for e in self.for_name(name):
            if not e.marker and e.key_type not in seen:
                seen.append(e.key_type)
        return seen

    def remember(self, name: str, key_type: str, blob: bytes) -> None:
        """Append a line for ``name`` to the write file: temp file + rename, so a
        crash never leaves a half-written known_hosts."""
        host_field = _hash_name(name, os.urandom(20)) if self.hash_new else name
        line = f"{host_field} {key_type} {base64.b64encode(blob).decode()}\n".encode()
        path = os.path.realpath(self.write_path)
        directory = os.path.dirname(path)
        os.makedirs(directory, mode=0o700, exist_ok=True)
        try:
            old = read_regular(path)
            mode = stat.S_IMODE(os.stat(path).st_mode)
        except FileNotFoundError:
            old, mode = b"", 0o600
        if old and not old.endswith(b"\n"):
            old += b"\n"
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".known_hosts.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(old + line)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, mode)
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
        self.entries.append(KnownHostEntry(f"{path}:new", "", (host_field,), key_type, blob))


def check_host_key(known: KnownHosts, host: str, port: int, key_type: str, blob: bytes, *,
                   accept_new: bool,
                   callback: Optional[Callable[[HostKeyInfo], str]]) -> str:
    """Accept or refuse the presented key; returns how it was accepted
    ("known", "once", "remember") or raises a `HostKeyError`."""
    name = known_hosts_name(host, port)
    entries = known.for_name(name)
    info = HostKeyInfo(host, port, key_type, fingerprint(blob))
    for e in entries:
        if e.marker == "@revoked" and e.blob == blob:
            raise RevokedHostKey(info, e.source)
    plain = [e for e in entries if not e.marker]
    same_type = [e for e in plain if e.key_type == key_type]
    if any(e.blob == blob for e in same_type):
        return "known"
    if same_type:
        raise ChangedHostKey(info, [fingerprint(e.blob) for e in same_type], same_type[0].source)
    if plain:  # known by another type: never "new", whatever the options or the user would say
        raise HostKeyTypeChanged(info, [(e.key_type, fingerprint(e.blob)) for e in plain], plain[0].source)
    if accept_new:
        answer = "remember"
    elif callback is not None:
        try:
            answer = callback(info)
        except Exception:  # a broken dialog must not become a trusted key
            log.exception("host key callback failed; refusing the key")
            answer = "refuse"
    else:
        raise UnknownHostKey(info)
    if answer not in ("once", "remember"):
        raise UnknownHostKey(info, refused_by=Msg("the user"))
    if answer == "remember":
        try:
            known.remember(name, key_type, blob)
        except OSError as e:
            log.warning("could not record the host key of %s in %s: %s", name, known.write_path, e)
    return answer
