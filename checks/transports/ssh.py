"""SSH transport (paramiko): one connection per host, one channel per agent run.

Behaves like OpenSSH where people will compare (~/.ssh/config aliases,
ProxyJump chains, ssh-agent, known_hosts), but stricter about host keys
(`hostkeys`) and explicit in its errors: every failure names the host and
says what happened.  Passwords and passphrases only pass through paramiko's
auth calls; nothing here logs them or keeps them.
"""
from __future__ import annotations

import errno
import logging
import os
import select
import shlex
import socket
import threading
import time
from typing import Any, Callable, Optional

import paramiko

from .base import (AgentOutcome, AuthFailed, CommandResult, CommandTimeout, ConnectFailed,
                   ConnectionDropped, ConnectTimeout, Tail, Transport, TransportError,
                   AgentStream, agent_command, conclude, encode_agent_input, known_hosts_name)
from .hostkeys import KnownHosts, check_host_key
from .hostspec import Endpoint, load_ssh_config, resolve_chain

log = logging.getLogger(__name__)
_RSA_ALGS = ["rsa-sha2-512", "rsa-sha2-256"]
_DEFAULT_KEYS = ("~/.ssh/id_rsa", "~/.ssh/id_ecdsa", "~/.ssh/id_ed25519")


class SSHTransport(Transport):
    scheme = "ssh"

    def __init__(self, spec: Any, options: Any = None) -> None:
        super().__init__(spec, options)
        self._clients: list[paramiko.SSHClient] = []
        self._target: Optional[Endpoint] = None

    @property
    def where(self) -> str:
        return self._target.where if self._target else str(self.spec)

    # -- connecting -------------------------------------------------------
    def connect(self) -> None:
        if self._clients:
            return
        path = self.options.ssh_config
        if path is None:
            path = os.path.expanduser("~/.ssh/config")
        try:
            config = load_ssh_config(path) if path and os.path.exists(path) else None
            chain = resolve_chain(self.spec, config)
        except (ValueError, OSError, paramiko.SSHException) as e:
            raise ConnectFailed(f"cannot connect to {self.spec}: ssh config problem: {e}",
                                self.spec.host, self.spec.port) from e
        self._target = chain[-1]
        try:
            sock: Any = None
            for i, ep in enumerate(chain):
                if i > 0:
                    sock = self._tunnel(chain[i - 1], ep)
                elif ep.proxy_command:
                    sock = paramiko.ProxyCommand(ep.proxy_command)
                self._clients.append(self._connect_one(ep, sock))
        except BaseException:
            self.close()
            raise

    def _connect_one(self, ep: Endpoint, sock: Any) -> paramiko.SSHClient:
        o = self.options
        known = self._known_hosts(ep)
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

    def _known_hosts(self, ep: Endpoint) -> KnownHosts:
        o = self.options
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

    def _tunnel(self, via: Endpoint, ep: Endpoint) -> paramiko.Channel:
        """A direct-tcpip channel through the previous hop: the next hop's socket."""
        t = self._clients[-1].get_transport()
        try:
            return t.open_channel("direct-tcpip", (ep.hostname, ep.port), ("127.0.0.1", 0),
                                  timeout=ep.connect_timeout or self.options.connect_timeout)
        except paramiko.ChannelException as e:
            why = "connection refused or unreachable" if e.code == 2 else e.text
            raise ConnectFailed(f"cannot connect to {ep.where} through jump host {via.where}: "
                                f"{why}", ep.hostname, ep.port) from e
        except (paramiko.SSHException, OSError, EOFError) as e:
            raise ConnectFailed(f"cannot connect to {ep.where} through jump host {via.where}: "
                                f"{e or 'timed out'}", ep.hostname, ep.port) from e

    # -- running ----------------------------------------------------------
    def run_agent(self, agent_source: str, plan: dict, on_line: Callable[[dict], None],
                  cancel: Optional[threading.Event] = None) -> AgentOutcome:
        payload = encode_agent_input(agent_source, plan)
        chan = self._session()
        stream, err = AgentStream(on_line), Tail()
        try:
            chan.exec_command(agent_command(self.options.remote_python))
            _feed(chan, payload)
            how = _pump(chan, stream.feed, err.add, cancel, None)
            stream.finish()
            status = _exit_status(chan, None) if how == "eof" else None
        finally:
            chan.close()
        t = chan.get_transport()
        dropped = None
        if how != "cancelled" and status is None and not t.is_active():
            exc = t.get_exception()
            dropped = f"the connection closed unexpectedly{': ' + str(exc) if exc else ''}"
        ep = self._target
        assert ep is not None
        return conclude(stream, status, err, where=ep.where, host=ep.hostname, port=ep.port,
                        python=self.options.remote_python, cancelled=how == "cancelled",
                        dropped=dropped)

    def run(self, argv: list[str], stdin: Optional[bytes] = None,
            timeout: Optional[float] = None) -> CommandResult:
        """Run ``argv`` on the host, each argument shlex-quoted.

        ONLY for constant argument lists written in migready's own code: never
        put an inventory value here (the remote side is a shell command line).
        Inventory values travel in the agent's plan, on stdin.
        """
        if not argv:
            raise ValueError("run() needs a command")
        chan = self._session()
        out, err = bytearray(), bytearray()
        deadline = time.monotonic() + timeout if timeout else None
        try:
            chan.exec_command(" ".join(shlex.quote(a) for a in argv))
            _feed(chan, stdin or b"")
            how = _pump(chan, out.extend, err.extend, None, deadline)
            status = _exit_status(chan, deadline) if how == "eof" else None
        finally:
            chan.close()
        if how == "timeout" or (status is None and deadline and time.monotonic() >= deadline):
            raise CommandTimeout(f"{argv[0]} on {self.where} did not finish within {timeout:g} s",
                                 self._host(), self._port())
        if status is None:
            raise ConnectionDropped(f"connection to {self.where} dropped while running {argv[0]}",
                                    self._host(), self._port())
        return CommandResult(status, bytes(out), bytes(err))

    def _session(self) -> paramiko.Channel:
        if not self._clients:
            self.connect()
        t = self._clients[-1].get_transport()
        if t is None or not t.is_active():
            raise ConnectionDropped(f"connection to {self.where} is closed", self._host(), self._port())
        try:
            return t.open_session(timeout=self.options.connect_timeout)
        except (paramiko.SSHException, OSError, EOFError) as e:
            raise ConnectionDropped(f"connection to {self.where} cannot open a session: {e}",
                                    self._host(), self._port()) from e

    def _host(self) -> str:
        return self._target.hostname if self._target else self.spec.host

    def _port(self) -> Optional[int]:
        return self._target.port if self._target else self.spec.port

    def close(self) -> None:
        clients, self._clients = self._clients, []
        for c in reversed(clients):
            c.close()


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
                    if key is not None and self._offer(key):
                        return []
            cb = self.o.password_callback
            if cb and {"password", "keyboard-interactive"} & set(self.allowed):
                pw = cb(f"Password for {user}@{self.ep.where}")
                if pw:
                    self.tried.append("password")
                    if self._attempt(lambda: self.t.auth_password(user, pw)):
                        return []
        except _Authenticated:
            return []
        finally:
            if agent is not None:
                agent.close()
        raise AuthFailed(f"authentication failed for user {user} on {self.ep.where} "
                         f"(tried: {', '.join(self.tried) or 'nothing'}; the server accepts: "
                         f"{', '.join(self.allowed) or 'nothing'})",
                         self.ep.hostname, self.ep.port, user, self.tried)

    def _agent_keys(self) -> Optional[paramiko.Agent]:
        try:
            agent = paramiko.Agent()
        except paramiko.SSHException:
            self.tried.append("agent (unusable)")
            return None
        keys = agent.get_keys()
        if not keys:
            running = bool(os.environ.get("SSH_AUTH_SOCK"))
            self.tried.append("agent (no keys)" if running else "agent (not running)")
            return agent
        self.tried.append(f"agent ({len(keys)} key{'s' if len(keys) > 1 else ''})")
        for key in keys:
            self._offer(key)
        return agent

    def _identity_paths(self) -> list[str]:
        explicit = [os.path.expanduser(p) for p in [*self.o.identity_files, *self.ep.identity_files]]
        paths = explicit or ([p for p in map(os.path.expanduser, _DEFAULT_KEYS) if os.path.exists(p)]
                             if self.o.look_for_keys else [])
        unique: dict[str, str] = {}
        for p in paths:
            unique.setdefault(os.path.realpath(p), p)
        return list(unique.values())

    def _load(self, path: str) -> Optional[paramiko.PKey]:
        label = _tilde(path)
        if not os.path.exists(path):
            self.tried.append(f"{label} (missing)")
            return None
        try:
            return paramiko.PKey.from_path(path)
        except (TypeError, paramiko.PasswordRequiredException):
            pass  # encrypted: ask for the passphrase below
        except Exception:  # noqa: BLE001 - the message must not quote key material
            self.tried.append(f"{label} (unreadable or unsupported key type)")
            return None
        cb = self.o.passphrase_callback
        phrase = cb(path) if cb else None
        if not phrase:
            self.tried.append(f"{label} (encrypted, no passphrase given)")
            return None
        try:
            return paramiko.PKey.from_path(path, phrase)
        except Exception:  # noqa: BLE001
            self.tried.append(f"{label} (wrong passphrase)")
            return None
        finally:
            del phrase

    def _offer(self, key: paramiko.PKey) -> bool:
        blob = key.asbytes()
        if blob in self.offered:
            return False
        self.offered.add(blob)
        if not isinstance(key, paramiko.AgentKey) and getattr(key, "_path_label", None) is None:
            pass
        if not isinstance(key, paramiko.AgentKey):
            self.tried.append(_tilde(getattr(key, "_migready_path", "")) or "key file")
        ok = self._attempt(lambda: self.t.auth_publickey(self.ep.user, key))
        if ok:
            raise _Authenticated()
        return False

    def _attempt(self, fn: Callable[[], Any]) -> bool:
        try:
            fn()
        except paramiko.BadAuthenticationType as e:
            self.allowed = list(e.allowed_types)
        except paramiko.AuthenticationException as e:
            if "timeout" in str(e).lower():
                raise AuthFailed(f"authentication for user {self.ep.user} on {self.ep.where} "
                                 f"timed out after {self.o.auth_timeout:g} s",
                                 self.ep.hostname, self.ep.port, self.ep.user, self.tried) from e
        except (paramiko.SSHException, EOFError, OSError) as e:
            raise AuthFailed(f"authentication failed for user {self.ep.user} on {self.ep.where}: "
                             f"the server closed the connection (tried: {', '.join(self.tried)})",
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

    def fail(reason: str, cls: type = ConnectFailed) -> TransportError:
        return cls(f"cannot connect to {ep.where}: {reason}", ep.hostname, ep.port)

    msg = str(e)
    if isinstance(e, socket.gaierror):
        return fail(f"name {ep.hostname!r} does not resolve ({e.strerror})")
    if isinstance(e, (socket.timeout, TimeoutError)):
        return fail(f"timed out after {timeout:g} s", ConnectTimeout)
    if isinstance(e, ConnectionRefusedError):
        return fail("connection refused")
    if isinstance(e, paramiko.ProxyCommandFailure):
        return fail(f"ProxyCommand failed: {msg}")
    if isinstance(e, paramiko.SSHException):
        if "protocol banner" in msg:
            if "timed out" in msg or msg.endswith("banner"):
                return fail(f"timed out after {timeout:g} s waiting for the SSH greeting "
                            "(is this an SSH server?)", ConnectTimeout)
            return fail("the server closed the connection before the SSH greeting")
        if "Indecipherable protocol version" in msg or "Invalid SSH banner" in msg:
            return fail("this port does not speak SSH")
        if "No existing session" in msg or "Negotiation" in msg:
            return fail(f"SSH negotiation did not finish within {timeout:g} s", ConnectTimeout)
        if isinstance(e, paramiko.IncompatiblePeer) or "Incompatible" in msg:
            return fail(f"no SSH algorithms in common ({msg})")
        return fail(f"SSH negotiation failed: {msg}")
    if isinstance(e, EOFError):
        return fail("the server closed the connection during the SSH handshake")
    if isinstance(e, OSError):
        words = {errno.ENETUNREACH: "network unreachable", errno.EHOSTUNREACH: "host unreachable",
                 errno.ECONNRESET: "connection reset by the server"}
        return fail(words.get(e.errno or 0, e.strerror or msg))
    return fail(f"{type(e).__name__}: {msg}")


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


def _feed(chan: paramiko.Channel, data: bytes) -> None:
    """Write stdin in its own thread (a large plan must not block reading
    output), then send EOF.  Failures show up on the reading side."""
    def work() -> None:
        try:
            if data:
                chan.sendall(data)
            chan.shutdown_write()
        except (OSError, EOFError, paramiko.SSHException):
            pass
    threading.Thread(target=work, name="migready-ssh-stdin", daemon=True).start()


def _pump(chan: paramiko.Channel, out: Callable[[bytes], Any], err: Callable[[bytes], Any],
          cancel: Optional[threading.Event], deadline: Optional[float]) -> str:
    """Move output to the callbacks until EOF: 'eof' | 'cancelled' | 'timeout'."""
    while True:
        if cancel is not None and cancel.is_set():
            return "cancelled"
        if deadline is not None and time.monotonic() >= deadline:
            return "timeout"
        readable, _, _ = select.select([chan], [], [], 0.2)
        if not readable:
            continue
        while chan.recv_stderr_ready():
            err(chan.recv_stderr(65536))
        if chan.recv_ready():
            out(chan.recv(65536))
        elif chan.eof_received or chan.closed:
            while chan.recv_stderr_ready():
                err(chan.recv_stderr(65536))
            return "eof"


def _exit_status(chan: paramiko.Channel, deadline: Optional[float]) -> Optional[int]:
    """The exit status, or None when none came (dropped connection, or the
    process died of a signal: paramiko ignores exit-signal)."""
    limit = time.monotonic() + 10 if deadline is None else deadline
    while time.monotonic() < limit:
        if chan.status_event.wait(0.05):
            return chan.exit_status
        if chan.closed or not chan.get_transport().is_active():
            return chan.exit_status if chan.status_event.is_set() else None
    return None
