"""What can go wrong with a transport, in words a person can act on.

Every class derives from `TransportError`; ``str(exc)`` names the host (and
port) and the reason, so the CLI and GUI show it as is, never a traceback.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


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
        self.host = host
        self.port = port


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
        msg = (f"host key of {hostport(info.host, info.port)} is unknown: {info.key_type} "
               f"fingerprint {info.fingerprint_sha256}")
        if info.known_types:
            msg += f" (known_hosts only has a {', '.join(info.known_types)} key for it)"
        if refused_by:
            msg += f"; refused by {refused_by}"
        else:
            msg += ("; check the fingerprint with the host's owner, then rerun with "
                    "--accept-new-host-key to trust it")
        super().__init__(msg, info)


class ChangedHostKey(HostKeyError):
    def __init__(self, info: HostKeyInfo, expected: list[str], source: str) -> None:
        where = hostport(info.host, info.port)
        msg = (f"HOST KEY CHANGED for {where}: {source} expects {info.key_type} "
               f"{', '.join(expected)} but the server presented {info.fingerprint_sha256}. "
               "Someone may be intercepting the connection, or the host was reinstalled; "
               "migready will not connect. If the change is expected, remove the old key "
               f"(ssh-keygen -R '{known_hosts_name(info.host, info.port)}' "
               f"-f '{source.rsplit(':', 1)[0]}') and connect again")
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
        msg = (f"HOST KEY CHANGED for {where}: {source} knows it by {listed}, but the server presented "
               f"a {info.key_type} key {info.fingerprint_sha256} that known_hosts does not hold. "
               "A host that switches key type may be an impostor without the known key; "
               "migready will not connect (--accept-new-host-key does not apply to known hosts). "
               "If the host really has this key, check its fingerprint with the host's owner "
               f"(ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub on the host) and add it with "
               f"ssh-keyscan -t {info.key_type.replace('ssh-', '')}, or remove the old key "
               f"(ssh-keygen -R '{known_hosts_name(info.host, info.port)}' -f '{source.rsplit(':', 1)[0]}')")
        HostKeyError.__init__(self, msg, info)
        self.expected = [fp for _, fp in known]
        self.known = known
        self.source = source


class RevokedHostKey(HostKeyError):
    def __init__(self, info: HostKeyInfo, source: str) -> None:
        super().__init__(f"host key {info.fingerprint_sha256} of {hostport(info.host, info.port)} "
                         f"is marked @revoked in {source}; migready will not connect", info)


class PythonMissing(TransportError):
    """The agent cannot start: no such Python on the host.  Callers mark every
    probe of the host inconclusive with ``str(exc)`` as the reason."""

    def __init__(self, host: str, port: Optional[int], python: str, where: str) -> None:
        super().__init__(f"{python} not found on {where}", host, port)
        self.python = python


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
