"""Planning the call-back probe: can the peers still call us (incident 5)?

A scheduler server calls its workers back on their own port; store devices
push results in to the adapter.  Outbound probes never see that direction.
The `callback` check proves it before cutover: the agent listens on the
dependency's inbound port on the staging host and asks a vantage point in
the *peer's* zone (a `migready reflector` taking call-back requests) to
connect back, to the address the service will register
(`advertised_address`; by default the staging host's own address) and to the
address the reflector observed.  Without such a vantage point the check
stays an unrunnable entry that says exactly what to add.
"""
from __future__ import annotations

from pathlib import Path

from .model import Dependency, Inventory, Reflector

TOKEN_MAX_BYTES = 4096


def needs_callback(dep: Dependency) -> bool:
    return dep.direction in ("inbound", "both") or "reverse_reachable" in dep.requires


def callback_protocol(dep: Dependency) -> str:
    return "udp" if dep.protocol == "udp" else "tcp"


def read_token(inventory: Inventory, reflector: Reflector) -> str | None:
    """The shared token of a reflector (its `token_file`, relative to the inventory).

    ValueError with the file and the reason; the inventory loader checks the
    same thing, so a valid inventory only fails here if the file changed since."""
    if not reflector.token_file:
        return None
    path = Path(inventory.path).parent / reflector.token_file
    if not path.is_file():
        raise ValueError(f"token_file {path}: not a regular file")
    raw = path.read_bytes()[:TOKEN_MAX_BYTES + 1]
    token = raw.decode("utf-8", "replace").strip().split("\n")[0].strip()
    if len(raw) > TOKEN_MAX_BYTES or not token:
        raise ValueError(f"token_file {path}: must hold one token line (at most 4 KiB)")
    return token


def plan_callback(inventory: Inventory, dep: Dependency, add, timeout: int) -> None:
    """One `callback` probe per inbound dependency, through the first TCP reflector of the peer's zone.

    `add` is probes._Adder.  Call-back requests always travel over TCP (a
    datagram's source can be spoofed); the call itself uses the dependency's
    transport."""
    meta = {"dependency": dep.ref, "target": None, "proves": ["reverse_reachable"]}
    zone = inventory.zone_of(dep)
    port = dep.effective_port
    reflectors = [r for r in (zone.reflectors if zone else ()) if "tcp" in r.protocols]
    if port is None:
        add.unrunnable("callback", meta, "no_port",
                       "the dependency declares no port: nothing to listen on for the peer's call-back")
        return
    if not reflectors:
        where = f"zone '{zone.name}'" if zone else "the peer's zone (none declared: add `zone:` to the dependency)"
        add.unrunnable("callback", meta, "no_vantage_point",
                       f"no vantage point in {where} to call back from: run `migready reflector` on a host "
                       f"there (add `--callback-allow CIDR` covering the address this service registers when "
                       f"the peer does not see it directly) and list it under the zone's `reflectors:` "
                       f"with tcp among its protocols")
        return
    reflector = reflectors[0]
    try:
        token = read_token(inventory, reflector)
    except (OSError, ValueError) as exc:
        add.unrunnable("callback", meta, "token_unreadable", str(exc))
        return
    call_timeout = min(max(dep.timeout_ms or 0, 1000) * 2, 10_000) if dep.timeout_ms else 3000
    add.probe("callback", dict(meta, target=f"{reflector.host}:{reflector.port}"),
              protocol=callback_protocol(dep), port=port, advertise=dep.advertised_address or "own",
              reflector_host=reflector.host, reflector_port=reflector.port, token=token,
              call_timeout_ms=call_timeout, timeout_ms=max(timeout, call_timeout + 4000))


_STATUS_WORDS = {"connected": "connected", "answered": "answered", "refused": "refused", "timeout": "timed out",
                 "unreachable": "unreachable", "silent": "no answer", "not_allowed": "not allowed by the reflector",
                 "error": "failed"}


def callback_lines(result: dict) -> list[str]:
    """Who called whom, from where, and what each side saw, as short lines (GUI, reports, CLI).

    Read from a stored `callback` result; [] for anything else or a result
    decided without the agent (unrunnable), whose detail already says why."""
    if result.get("check") != "callback":
        return []
    data = result.get("data") or {}
    if not data.get("calls") and not data.get("listen"):
        return []
    reflector = data.get("reflector") or {}
    registered, observed, listen = data.get("registered") or {}, data.get("observed") or {}, data.get("listen") or {}
    lines = []
    if listen:
        port = f"{listen.get('port')}" + (f" (ephemeral: {listen.get('requested_port')} was taken)"
                                          if listen.get("ephemeral") else "")
        lines.append(f"listened on {listen.get('ip')}:{port}/{data.get('proto') or 'tcp'}; the peer's reflector "
                     f"{reflector.get('ip')}:{reflector.get('port')} saw the request from {observed.get('ip')}")
    for call in data.get("calls") or ():
        roles = set(call.get("roles") or ())
        role = ("the registered address" if call.get("ip") == registered.get("ip") else
                "the address it observed" if "observed" in roles else "a requested address")
        caller = (call.get("local") or {}).get("ip") or reflector.get("ip")
        latency = call.get("latency_ms")
        took = f" in {latency:.1f} ms" if isinstance(latency, (int, float)) else ""
        seen = call.get("seen_from")
        saw = (f"; the listener saw it from {seen.get('ip')}:{seen.get('port')}" if seen else
               "; the listener saw nothing" if call.get("status") in ("connected", "answered") else "")
        lines.append(f"{caller} called {call.get('ip')}:{call.get('port')} ({role}): "
                     f"{_STATUS_WORDS.get(call.get('status'), call.get('status'))}{took}{saw}")
    if data.get("refused"):
        lines.append(f"the reflector refused the request: {data['refused']}")
    return lines
