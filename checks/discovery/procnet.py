"""Socket table parsers: /proc/net/{tcp,tcp6,udp,udp6} and `ss -tunap`.

They are defined in the agent (`checks/probing/agent.py`), which runs on staging
hosts without migready installed; this module only re-exports them so that
live sampling and saved samples are read by the same code.

* `parse_proc_net(text, kind, byteorder=None)`: kind is tcp, tcp6, udp or
  udp6; addresses are 32-bit words in the *sampled* host's byte order, so
  give byteorder ("little"/"big") for a sample taken on another machine.
* `parse_ss(text)`: `ss -tunap` or `ss -tunapH` output, process names included.
* `SocketAggregator`: snapshots -> peers (proto, direction, remote address,
  service port) and listeners, with first/last seen and counts.
"""
from __future__ import annotations

from ..probing import agent as _agent

TCP_STATES = _agent.TCP_STATES
SS_STATES = _agent.SS_STATES
DEFAULT_EPHEMERAL = _agent.DEFAULT_EPHEMERAL
decode_proc_address = _agent.decode_proc_address
parse_proc_net = _agent.parse_proc_net
parse_ss = _agent.parse_ss
socket_direction = _agent.socket_direction
guess_direction = _agent.guess_direction
is_listening = _agent.is_listening
has_peer = _agent.has_peer
SocketAggregator = _agent.SocketAggregator

__all__ = ["DEFAULT_EPHEMERAL", "SS_STATES", "SocketAggregator", "TCP_STATES", "decode_proc_address",
           "guess_direction", "has_peer", "is_listening", "parse_proc_net", "parse_ss",
           "socket_direction"]
