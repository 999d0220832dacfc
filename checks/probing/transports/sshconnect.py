"""Turning one `Endpoint` into an authenticated paramiko client.

Kept apart from `ssh` (which runs things over the connection) because this is
where OpenSSH compatibility lives: host-key checking through `hostkeys`,
agent / identity-file / password authentication that remembers what it tried,
and the translation of socket and paramiko exceptions into sentences.
Passwords and passphrases are passed to paramiko and dropped, never logged.
"""
from __future__ import annotations

import errno
import logging
import os
import socket
from typing import Any, Callable, Optional

import paramiko

from ...text.i18n import Joined, Msg, MsgN, N_, _
from .base import (AuthFailed, ConnectFailed, ConnectTimeout, TransportError, TransportOptions, known_hosts_name)
from .hostkeys import KnownHosts, check_host_key
from ...store.safeio import regular_file_problem
from .hostspec import Endpoint

_RSA_ALGS = ["rsa-sha2-512", "rsa-sha2-256"]

# paramiko's transport thread logs every failure we translate into words (host
# down, not SSH, dropped) with a traceback, which Python's last-resort handler
# prints on stderr.  Quiet it unless someone configured paramiko's level on
# purpose (e.g. a --debug flag, before or after this import).
if logging.getLogger("paramiko").level == logging.NOTSET:
    logging.getLogger("paramiko").setLevel(logging.CRITICAL)
_DEFAULT_KEYS = ("~/.ssh/id_rsa", "~/.ssh/id_ecdsa", "~/.ssh/id_ed25519")


def connect_endpoint(ep: Endpoint, o: TransportOptions, sock: Any = None) -> paramiko.SSHClient:
    """TCP (or ``sock``: a jump channel / ProxyCommand), SSH handshake, host
    key check, authentication.  Raises `TransportError` subclasses only."""
    known = known_hosts_for(ep, o)
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(_Policy(lambda key: check_host_key(
        known, ep.key_name_host, ep.port, key.get_name(), key.asbytes(),
        accept_new=o.accept_new_host_key, callback=o.host_key_callback)))
    timeout = ep.connect_timeout or o.connect_timeout
    types = known.key_types(known_hosts_name(ep.key_name_host, ep.port))
    try:
        client.connect(ep.hostname, ep.port, username=ep.user, sock=sock, timeout=timeout,
                       banner_timeout=timeout, auth_timeout=o.auth_timeout,
                       allow_agent=False, look_for_keys=False,
                       transport_factory=_prefer_key_types(types),
                       auth_strategy=_Authenticator(o, ep))
    except BaseException as e:
        client.close()
        if isinstance(e, TransportError) or not isinstance(e, Exception):
            raise
        raise _translate(e, ep, timeout) from e
    _keepalive(client.get_transport(), o.keepalive_interval)
    return client


def known_hosts_for(ep: Endpoint, o: TransportOptions) -> KnownHosts:
    """The files OpenSSH would read for this host; the first user file is written."""
    if o.known_hosts:
        user_files = [o.known_hosts]
    elif ep.known_hosts_files:
        user_files = list(ep.known_hosts_files)
    else:
        user_files = [os.path.expanduser("~/.ssh/known_hosts"),
                      os.path.expanduser("~/.ssh/known_hosts2")]
    system = (o.global_known_hosts if o.global_known_hosts is not None
              else ["/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2"])
    hash_new = o.hash_known_hosts if o.hash_known_hosts is not None else bool(ep.hash_known_hosts)
    return KnownHosts(user_files + list(system), user_files[0], hash_new)


def open_tunnel(client: paramiko.SSHClient, via: Endpoint, ep: Endpoint,
                timeout: float) -> paramiko.Channel:
    """A direct-tcpip channel through ``via`` to ``ep``: the next hop's socket."""
    t = client.get_transport()
    try:
        return t.open_channel("direct-tcpip", (ep.hostname, ep.port), ("127.0.0.1", 0),
                              timeout=ep.connect_timeout or timeout)
    except paramiko.ChannelException as e:
        why = Msg("connection refused or unreachable") if e.code == 2 else e.text
        raise ConnectFailed(Msg("cannot connect to {where} through jump host {jump}: {reason}",
                                where=ep.where, jump=via.where, reason=why), ep.hostname, ep.port) from e
    except (paramiko.SSHException, OSError, EOFError) as e:
        raise ConnectFailed(Msg("cannot connect to {where} through jump host {jump}: {reason}",
                                where=ep.where, jump=via.where, reason=str(e) if str(e) else Msg("timed out")),
                            ep.hostname, ep.port) from e


class _Policy(paramiko.MissingHostKeyPolicy):
    """Every key reaches us (the client holds no keys): `check_host_key` decides."""

    def __init__(self, check: Callable[[paramiko.PKey], object]) -> None:
        self.check = check

    def missing_host_key(self, client: Any, hostname: str, key: paramiko.PKey) -> None:
        self.check(key)


def _prefer_key_types(types: list[str]) -> Callable[..., paramiko.Transport]:
    """Ask the server for the key type we already know first (as OpenSSH does),
    so a host with several keys is not mistaken for an unknown one."""
    def make(sock: Any, disabled_algorithms: Any = None) -> paramiko.Transport:
        t = paramiko.Transport(sock, disabled_algorithms=disabled_algorithms)
        opts = t.get_security_options()
        wanted = [a for kt in types for a in (_RSA_ALGS if kt == "ssh-rsa" else [kt])]
        first = [a for a in wanted if a in opts.key_types]
        if first:
            opts.key_types = first + [a for a in opts.key_types if a not in first]
        return t
    return make


class _Authenticator:
    """Agent keys, then identity files, then a password (if a callback is
    given), remembering what was tried so the failure message can say it."""

    def __init__(self, options: Any, ep: Endpoint) -> None:
        self.o, self.ep = options, ep
        self.tried: list[str] = []
        self.offered: set[bytes] = set()
        self.allowed: list[str] = []

    def authenticate(self, transport: paramiko.Transport) -> list:
        self.t, user = transport, self.ep.user
        try:
            self.t.auth_none(user)
            return []  # the server asked for nothing
        except paramiko.BadAuthenticationType as e:
            self.allowed = list(e.allowed_types)
        except paramiko.AuthenticationException:
            self.allowed = ["publickey", "password"]
        agent = None
        try:
            if "publickey" in self.allowed:
                if self.o.allow_agent and not self.ep.identities_only:
                    agent = self._agent_keys()
                for path in self._identity_paths():
                    key = self._load(path)
                    if key is not None:
                        self._offer(key, _tilde(path))
            cb = self.o.password_callback
            if cb and {"password", "keyboard-interactive"} & set(self.allowed):
                pw = cb(_("Password for {user}@{where}").format(user=user, where=self.ep.where))
                if pw:
                    self.tried.append("password")
                    if self._attempt(lambda: self.t.auth_password(user, pw)):
                        return []
        except _Authenticated:
            return []
        finally:
            if agent is not None:
                agent.close()
        raise AuthFailed(Msg("authentication failed for user {user} on {where} (tried: {tried}; "
                             "the server accepts: {accepted})", user=user, where=self.ep.where,
                             tried=Joined(", ", self.tried) if self.tried else Msg("nothing"),
                             accepted=", ".join(self.allowed) if self.allowed else Msg("nothing")),
                         self.ep.hostname, self.ep.port, user, self.tried)

    def _agent_keys(self) -> Optional[paramiko.Agent]:
        try:
            agent = paramiko.Agent()
        except paramiko.SSHException:
            self.tried.append(Msg("agent (unusable)"))
            return None
        keys = agent.get_keys()
        if not keys:
            running = bool(os.environ.get("SSH_AUTH_SOCK"))
            self.tried.append(Msg("agent (no keys)") if running else Msg("agent (not running)"))
            return agent
        self.tried.append(MsgN("agent ({n} key)", "agent ({n} keys)", len(keys)))
        for key in keys:
            self._offer(key)
        return agent

    def _identity_paths(self) -> list[str]:
        explicit = [os.path.expanduser(p) for p in [*(self.o.identity_files or []), *self.ep.identity_files]]
        paths = explicit or ([p for p in map(os.path.expanduser, _DEFAULT_KEYS) if os.path.exists(p)]
                             if self.o.look_for_keys else [])
        unique: dict[str, str] = {}
        for p in paths:
            unique.setdefault(os.path.realpath(p), p)
        return list(unique.values())

    def _load(self, path: str) -> Optional[paramiko.PKey]:
        label = _tilde(path)
        if not os.path.exists(path):
            self.tried.append(Msg("{key} (missing)", key=label))
            return None
        not_regular = regular_file_problem(path)
        if not_regular:  # a FIFO would block paramiko's read forever
            self.tried.append(Msg("{key} ({reason})", key=label, reason=not_regular))
            return None
        try:
            return paramiko.PKey.from_path(path)
        except (TypeError, paramiko.PasswordRequiredException):
            pass  # encrypted: ask for the passphrase below
        except Exception:  # noqa: BLE001 - the message must not quote key material
            self.tried.append(Msg("{key} (unreadable or unsupported key type)", key=label))
            return None
        cb = self.o.passphrase_callback
        phrase = cb(path) if cb else None
        if not phrase:
            self.tried.append(Msg("{key} (encrypted, no passphrase given)", key=label))
            return None
        try:
            return paramiko.PKey.from_path(path, phrase.encode("utf-8"))
        except Exception:  # noqa: BLE001
            self.tried.append(Msg("{key} (wrong passphrase)", key=label))
            return None
        finally:
            del phrase

    def _offer(self, key: paramiko.PKey, label: Optional[str] = None) -> None:
        """Try one key; raises `_Authenticated` when the server accepts it."""
        blob = key.asbytes()
        if blob in self.offered:
            if label:
                self.tried.append(Msg("{key} (same key as the agent's)", key=label))
            return
        self.offered.add(blob)
        if label:
            self.tried.append(label)
        if self._attempt(lambda: self.t.auth_publickey(self.ep.user, key)):
            raise _Authenticated()

    def _attempt(self, fn: Callable[[], Any]) -> bool:
        try:
            fn()
        except paramiko.BadAuthenticationType as e:
            self.allowed = list(e.allowed_types)
        except paramiko.AuthenticationException as e:
            if "timeout" in str(e).lower():
                raise AuthFailed(Msg("authentication for user {user} on {where} timed out after {seconds:g} s",
                                     user=self.ep.user, where=self.ep.where, seconds=self.o.auth_timeout),
                                 self.ep.hostname, self.ep.port, self.ep.user, self.tried) from e
        except (paramiko.SSHException, EOFError, OSError) as e:
            raise AuthFailed(Msg("authentication failed for user {user} on {where}: the server closed the "
                                 "connection (tried: {tried})", user=self.ep.user, where=self.ep.where,
                                 tried=Joined(", ", self.tried)),
                             self.ep.hostname, self.ep.port, self.ep.user, self.tried) from e
        return self.t.is_authenticated()


class _Authenticated(Exception):
    """Internal: stop trying, we are in."""


def _tilde(path: str) -> str:
    home = os.path.expanduser("~")
    return "~" + path[len(home):] if home != "/" and path.startswith(home + os.sep) else path


def _translate(e: Exception, ep: Endpoint, timeout: float) -> TransportError:
    """paramiko/socket exceptions -> a sentence naming host and reason."""
    if isinstance(e, paramiko.ssh_exception.NoValidConnectionsError) and e.errors:
        e = list(e.errors.values())[0]

    def fail(reason, cls: type = ConnectFailed) -> TransportError:
        return cls(Msg("cannot connect to {where}: {reason}", where=ep.where, reason=reason), ep.hostname, ep.port)

    msg = str(e)  # paramiko's and the OS's own words are quoted as they come (English)
    if isinstance(e, socket.gaierror):
        return fail(Msg("name {name} does not resolve ({detail})", name=repr(ep.hostname), detail=e.strerror))
    if isinstance(e, (socket.timeout, TimeoutError)):
        return fail(Msg("timed out after {seconds:g} s", seconds=timeout), ConnectTimeout)
    if isinstance(e, ConnectionRefusedError):
        return fail(Msg("connection refused"))
    if isinstance(e, paramiko.ProxyCommandFailure):
        return fail(Msg("ProxyCommand failed: {detail}", detail=msg))
    if isinstance(e, paramiko.SSHException):
        if "protocol banner" in msg:
            if "timed out" in msg or msg.endswith("banner"):
                return fail(Msg("timed out after {seconds:g} s waiting for the SSH greeting "
                                "(is this an SSH server?)", seconds=timeout), ConnectTimeout)
            return fail(Msg("the server closed the connection before the SSH greeting"))
        if "Indecipherable protocol version" in msg or "Invalid SSH banner" in msg:
            return fail(Msg("this port does not speak SSH"))
        if "No existing session" in msg or "Negotiation" in msg:
            return fail(Msg("timed out after {seconds:g} s in the SSH handshake "
                            "(is this an SSH server?)", seconds=timeout), ConnectTimeout)
        if isinstance(e, paramiko.IncompatiblePeer) or "Incompatible" in msg:
            return fail(Msg("no SSH algorithms in common ({detail})", detail=msg))
        return fail(Msg("SSH negotiation failed: {detail}", detail=msg))
    if isinstance(e, EOFError):
        return fail(Msg("the server closed the connection during the SSH handshake"))
    if isinstance(e, OSError):
        words = _OS_WORDS.get(e.errno or 0)
        return fail(Msg(words) if words else (e.strerror or msg))
    return fail(Msg("{error_type}: {detail}", error_type=type(e).__name__, detail=msg))


_OS_WORDS = {errno.ENETUNREACH: N_("network unreachable"), errno.EHOSTUNREACH: N_("host unreachable"),
             errno.ECONNRESET: N_("connection reset by the server")}


def _keepalive(t: paramiko.Transport, interval: float) -> None:
    """Notice a dead peer instead of waiting forever for the next result line."""
    if not interval:
        return
    t.set_keepalive(max(1, int(interval)))
    sock = t.sock
    if not isinstance(sock, socket.socket):
        return
    opts = [(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)]
    for name, value in (("TCP_KEEPIDLE", int(interval)), ("TCP_KEEPINTVL", 5),
                        ("TCP_KEEPCNT", 3), ("TCP_USER_TIMEOUT", int(interval * 4000))):
        if hasattr(socket, name):
            opts.append((socket.IPPROTO_TCP, getattr(socket, name), max(1, value)))
    for level, opt, value in opts:
        try:
            sock.setsockopt(level, opt, value)
        except OSError:
            pass


