"""SSH transport (paramiko): one connection per host, one channel per agent run.

Behaves like OpenSSH where people will compare (~/.ssh/config aliases,
ProxyJump chains, ssh-agent, known_hosts), but stricter about host keys
(`hostkeys`) and explicit in its errors: every failure names the host and
says what happened.  Passwords and passphrases only pass through paramiko's
auth calls; nothing here logs them or keeps them.
"""
from __future__ import annotations

import os
import select
import shlex
import threading
import time
from typing import Any, Callable, Optional

import paramiko

from ...text.i18n import Msg
from .base import (AgentOutcome, AgentStream, CommandResult, CommandTimeout, ConnectFailed, ConnectionDropped, Tail, Transport, TransportOptions, agent_command, conclude, encode_agent_input)
from .hostspec import Endpoint, HostSpec, load_ssh_config, resolve_chain
from .sshconnect import connect_endpoint, open_tunnel


class SSHTransport(Transport):
    scheme = "ssh"

    def __init__(self, spec: HostSpec, options: Optional[TransportOptions] = None) -> None:
        super().__init__(spec, options)
        self._clients: list[paramiko.SSHClient] = []
        self._target: Optional[Endpoint] = None
        self._chain: list[Endpoint] = []

    @property
    def where(self) -> str:
        return self._target.where if self._target else str(self.spec)

    @property
    def route(self) -> list[str]:
        """The hops of the connection, first jump host first, target last."""
        return [ep.where for ep in self._chain]

    # -- connecting -------------------------------------------------------
    def connect(self) -> None:
        if self._clients:
            return
        path = self.options.ssh_config
        if path is None:  # the default file is optional, an explicit one is not
            default = os.path.expanduser("~/.ssh/config")
            path = default if os.path.exists(default) else ""
        try:
            config = load_ssh_config(path) if path else None
            chain = resolve_chain(self.spec, config)
        except Exception as e:  # noqa: BLE001 - any config trouble is a message, not a traceback
            raise ConnectFailed(Msg("cannot connect to {where}: ssh config problem: {detail}",
                                    where=str(self.spec), detail=str(e)),
                                self.spec.host, self.spec.port) from e
        self._target, self._chain = chain[-1], chain
        try:
            sock: Any = None
            for i, ep in enumerate(chain):
                if i > 0:
                    sock = open_tunnel(self._clients[-1], chain[i - 1], ep,
                                       self.options.connect_timeout)
                elif ep.proxy_command:
                    sock = _proxy_command(ep)
                self._clients.append(connect_endpoint(ep, self.options, sock))
        except BaseException:
            self.close()
            raise

    # -- running ----------------------------------------------------------
    def run_agent(self, agent_source: str, plan: dict, on_line: Callable[[dict], None],
                  cancel: Optional[threading.Event] = None) -> AgentOutcome:
        payload = encode_agent_input(agent_source, plan)
        try:
            chan = self._start(agent_command(self.options.remote_python))
        except ConnectionDropped as e:  # died between connect and run: still an outcome
            return AgentOutcome(complete=False, exit_status=None, stderr_tail="", error=e.message)
        stream, err = AgentStream(on_line), Tail()
        try:
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
            detail = str(exc).strip() if exc else ""
            dropped = (Msg("the connection closed unexpectedly: {detail}", detail=detail) if detail
                       else Msg("the connection closed unexpectedly"))
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
        chan = self._start(" ".join(shlex.quote(a) for a in argv))
        out, err = bytearray(), bytearray()
        deadline = time.monotonic() + timeout if timeout else None
        try:
            _feed(chan, stdin or b"")
            how = _pump(chan, out.extend, err.extend, None, deadline)
            status = _exit_status(chan, deadline) if how == "eof" else None
        finally:
            chan.close()
        if how == "timeout" or (status is None and deadline and time.monotonic() >= deadline):
            raise CommandTimeout(Msg("{command} on {where} did not finish within {seconds:g} s",
                                     command=argv[0], where=self.where, seconds=timeout),
                                 self._host(), self._port())
        if status is None:
            raise ConnectionDropped(Msg("connection to {where} dropped while running {command}",
                                        where=self.where, command=argv[0]),
                                    self._host(), self._port())
        return CommandResult(status, bytes(out), bytes(err))

    def _start(self, command: str) -> paramiko.Channel:
        """A new session channel running ``command`` (connecting first if needed)."""
        if not self._clients:
            self.connect()
        lost = Msg("connection to {where} was lost before the command could start", where=self.where)
        t = self._clients[-1].get_transport()
        if t is None or not t.is_active():
            raise ConnectionDropped(lost, self._host(), self._port())
        chan = None
        try:
            chan = t.open_session(timeout=self.options.connect_timeout)
            chan.exec_command(command)
            return chan
        except (paramiko.SSHException, OSError, EOFError) as e:
            if chan is not None:
                chan.close()
            raise ConnectionDropped(Msg("{lost}: {detail}", lost=lost, detail=str(e)) if str(e) else lost,
                                    self._host(), self._port()) from e

    def _host(self) -> str:
        return self._target.hostname if self._target else self.spec.host

    def _port(self) -> Optional[int]:
        return self._target.port if self._target else self.spec.port

    def close(self) -> None:
        clients, self._clients = self._clients, []
        for c in reversed(clients):
            c.close()


def _proxy_command(ep: Endpoint) -> Any:
    """The user's own ProxyCommand from ~/.ssh/config (run without a shell)."""
    try:
        return paramiko.ProxyCommand(ep.proxy_command)
    except (OSError, ValueError) as e:
        raise ConnectFailed(Msg("cannot connect to {where}: ProxyCommand {command} cannot start: {detail}",
                                where=ep.where, command=repr(ep.proxy_command), detail=str(e)),
                            ep.hostname, ep.port) from e


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
    process died of a signal: paramiko ignores exit-signal).  paramiko also
    sets its status event on close, leaving exit_status at -1."""
    limit = time.monotonic() + 10 if deadline is None else deadline
    while time.monotonic() < limit:
        if chan.status_event.wait(0.05) or chan.closed or not chan.get_transport().is_active():
            break
    return chan.exit_status if chan.status_event.is_set() and chan.exit_status >= 0 else None
