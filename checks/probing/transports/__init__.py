"""Transports: how the probe agent reaches a host (``local://``, ``ssh://``).

One small module per connection kind on a common base (the layout of
pytest-testinfra's backends), chosen by the scheme of a host spec through a
registry.  Implementations are imported lazily, so ``local://`` works (and
the CLI starts) without paramiko being imported.

    with open_transport("ssh://ops@staging1", TransportOptions()) as t:
        outcome = t.run_agent(agent_source, plan, on_line)
"""
from __future__ import annotations

import importlib
from typing import Optional, Union

from ...text.i18n import _
from .base import (BOOTSTRAP_CODE, AgentOutcome, CommandResult, Transport, TransportOptions, agent_argv, agent_command)
from .errors import (AuthFailed, ChangedHostKey, CommandTimeout, ConnectFailed, ConnectionDropped, ConnectTimeout, HostKeyError, HostKeyInfo, HostKeyTypeChanged, PythonMissing, RevokedHostKey, TransportError, UnknownHostKey)
from .hostspec import KNOWN_SCHEMES, HostSpec, parse_host

_REGISTRY: dict[str, str] = {
    "local": ".local:LocalTransport",
    "ssh": ".ssh:SSHTransport",
    "exec": ".exec:ExecTransport",
}


def register_transport(scheme: str, target: str) -> None:
    """Add a scheme: ``target`` is ``"package.module:Class"`` (imported on first use)."""
    _REGISTRY[scheme] = target
    KNOWN_SCHEMES.add(scheme)


def transport_class(scheme: str) -> type[Transport]:
    try:
        target = _REGISTRY[scheme]
    except KeyError:
        raise ValueError(_("no transport for scheme {scheme}; known: {known}").format(
            scheme=repr(scheme), known=", ".join(f"{s}://" for s in sorted(_REGISTRY)))) from None
    module, _sep, name = target.partition(":")
    return getattr(importlib.import_module(module, __name__), name)


def open_transport(spec: Union[str, HostSpec],
                   options: Optional[TransportOptions] = None) -> Transport:
    """Parse ``spec``, pick the transport for its scheme, connect.

    Raises ValueError for a malformed spec and `TransportError` subclasses for
    everything that goes wrong while connecting (their text is for people).
    """
    hs = parse_host(spec) if isinstance(spec, str) else spec
    transport = transport_class(hs.scheme)(hs, options or TransportOptions())
    try:
        transport.connect()
    except BaseException:
        transport.close()
        raise
    return transport


__all__ = [
    "BOOTSTRAP_CODE", "AgentOutcome", "AuthFailed", "ChangedHostKey", "CommandResult",
    "CommandTimeout", "ConnectFailed", "ConnectTimeout", "ConnectionDropped", "HostKeyError",
    "HostKeyInfo", "HostKeyTypeChanged", "HostSpec", "PythonMissing", "RevokedHostKey", "Transport", "TransportError",
    "TransportOptions", "UnknownHostKey", "agent_argv", "agent_command", "open_transport",
    "parse_host", "register_transport", "transport_class",
]
