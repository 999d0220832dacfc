"""What can go wrong with a transport, in words a person can act on.

Every class derives from `TransportError`; ``str(exc)`` names the host (and
port) and the reason, so the CLI and GUI show it as is, never a traceback.

``str(exc)`` is in the reader's language (it is printed and shown); ``exc.message``
is the same sentence as a `Msg` (neutral English, shown translated), which is what
goes into a workspace.  `PythonMissing` is the exception: its ``str()`` is the
`Msg`, because callers store it as the reason of every probe of the host.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ...text.i18n import Joined, Msg, shown


@dataclass(frozen=True)
class HostKeyInfo:
    """What a person needs to decide whether to trust a host key."""

    host: str
    port: int
    key_type: str
    fingerprint_sha256: str  # OpenSSH form, "SHA256:..."
    known_types: tuple[str, ...] = ()  # other key types already known for the host


class TransportError(Exception):
    """Base of every error a transport raises on purpose; ``str()`` is for people."""

    def __init__(self, message: str, host: str = "", port: Optional[int] = None) -> None:
        super().__init__(message)
        self.message = message  # a Msg where migready wrote it: store this, not str(exc)
        self.host = host
        self.port = port

    def __str__(self) -> str:
        return shown(self.message)


def stored_text(exc: BaseException) -> str:
    """What to store (workspace, report) for `exc`: its neutral `Msg` where migready wrote the message,
    never ``str(exc)``, which is in the reader's language and would make the signed text depend on it."""
    return exc.message if isinstance(exc, TransportError) else str(exc)


class ConnectFailed(TransportError):
    """Could not reach an SSH server (refused, unresolvable, unreachable, not SSH)."""


class ConnectTimeout(ConnectFailed):
    """No TCP connection or no SSH greeting within the connect timeout."""


class AuthFailed(TransportError):
    def __init__(self, message: str, host: str, port: int, user: str, tried: list[str]) -> None:
        super().__init__(message, host, port)
        self.user = user
        self.tried = tried


class HostKeyError(TransportError):
    def __init__(self, message: str, info: HostKeyInfo) -> None:
        super().__init__(message, info.host, info.port)
        self.info = info


class UnknownHostKey(HostKeyError):
    def __init__(self, info: HostKeyInfo, refused_by: str = "") -> None:
        parts = [Msg("host key of {where} is unknown: {key_type} fingerprint {fingerprint}",
                     where=hostport(info.host, info.port), key_type=info.key_type,
                     fingerprint=info.fingerprint_sha256)]
        if info.known_types:
            parts.append(Msg(" (known_hosts only has a {key_types} key for it)",
                             key_types=", ".join(info.known_types)))
        if refused_by:
            parts.append(Msg("; refused by {who}", who=refused_by))
        else:
            parts.append(Msg("; check the fingerprint with the host's owner, then rerun with "
                             "--accept-new-host-key to trust it"))
        super().__init__(Joined("", parts), info)


class ChangedHostKey(HostKeyError):
    def __init__(self, info: HostKeyInfo, expected: list[str], source: str) -> None:
        where = hostport(info.host, info.port)
        msg = Msg("HOST KEY CHANGED for {where}: {source} expects {key_type} {expected} but the server "
                  "presented {fingerprint}. Someone may be intercepting the connection, or the host was "
                  "reinstalled; migready will not connect. If the change is expected, remove the old key "
                  "(ssh-keygen -R '{name}' -f '{file}') and connect again",
                  where=where, source=source, key_type=info.key_type, expected=", ".join(expected),
                  fingerprint=info.fingerprint_sha256, name=known_hosts_name(info.host, info.port),
                  file=source.rsplit(":", 1)[0])
        super().__init__(msg, info)
        self.expected = expected
        self.source = source


class HostKeyTypeChanged(ChangedHostKey):
    """The host is known by a key of another type and presents one known_hosts does not hold.

    OpenSSH's rule: a host with any known key is not a new host, so a key that is not among its
    known keys is a changed key, whatever its type (an attacker without the host's ed25519 key
    would otherwise just offer an RSA one).  Refused with or without --accept-new-host-key."""

    def __init__(self, info: HostKeyInfo, known: list[tuple[str, str]], source: str) -> None:
        where = hostport(info.host, info.port)
        listed = ", ".join(f"{key_type} {fp}" for key_type, fp in known)
        msg = Msg("HOST KEY CHANGED for {where}: {source} knows it by {listed}, but the server presented "
                  "a {key_type} key {fingerprint} that known_hosts does not hold. "
                  "A host that switches key type may be an impostor without the known key; "
                  "migready will not connect (--accept-new-host-key does not apply to known hosts). "
                  "If the host really has this key, check its fingerprint with the host's owner "
                  "(ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub on the host) and add it with "
                  "ssh-keyscan -t {scan_type}, or remove the old key (ssh-keygen -R '{name}' -f '{file}')",
                  where=where, source=source, listed=listed, key_type=info.key_type,
                  fingerprint=info.fingerprint_sha256, scan_type=info.key_type.replace("ssh-", ""),
                  name=known_hosts_name(info.host, info.port), file=source.rsplit(":", 1)[0])
        HostKeyError.__init__(self, msg, info)
        self.expected = [fp for _type, fp in known]
        self.known = known
        self.source = source


class RevokedHostKey(HostKeyError):
    def __init__(self, info: HostKeyInfo, source: str) -> None:
        super().__init__(Msg("host key {fingerprint} of {where} is marked @revoked in {source}; "
                             "migready will not connect", fingerprint=info.fingerprint_sha256,
                             where=hostport(info.host, info.port), source=source), info)


class PythonMissing(TransportError):
    """The agent cannot start: no such Python on the host.  Callers mark every
    probe of the host inconclusive with ``str(exc)`` as the reason."""

    def __init__(self, host: str, port: Optional[int], python: str, where: str) -> None:
        super().__init__(Msg("{python} not found on {where}", python=python, where=where), host, port)
        self.python = python

    def __str__(self) -> str:
        return self.message  # the neutral Msg: stored as every probe's reason, shown translated


class CommandTimeout(TransportError):
    """`Transport.run` did not finish in time (the command was abandoned)."""


class ConnectionDropped(TransportError):
    """The connection died under `Transport.run` (agent runs report it in AgentOutcome)."""


def hostport(host: str, port: Optional[int]) -> str:
    """``host:port`` with IPv6 literals bracketed, the way people write it."""
    h = f"[{host}]" if ":" in host else host
    return h if port is None else f"{h}:{port}"


def known_hosts_name(host: str, port: int) -> str:
    """The name OpenSSH files a host key under: ``host`` or ``[host]:port``."""
    return host if port == 22 else f"[{host}]:{port}"
