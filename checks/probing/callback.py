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

import secrets
from pathlib import Path

from ..store.safeio import read_head
from ..text.i18n import Msg
from ..inventory.model import Dependency, Inventory, Reflector, VantageHost, parse_ip
from .transports.hostspec import parse_host

TOKEN_MAX_BYTES = 4096
VANTAGE_CONNECT_WAIT_MS = 20_000  # the vantage host's SSH session and agent start meanwhile


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
    try:  # the guarded open: a FIFO swapped in after the inventory was loaded is refused, never waited on
        raw = read_head(path, TOKEN_MAX_BYTES + 1)
    except OSError:
        raise ValueError(Msg("token_file {path}: not a regular file", path=str(path))) from None
    token = raw.decode("utf-8", "replace").strip().split("\n")[0].strip()
    if len(raw) > TOKEN_MAX_BYTES or not token:
        raise ValueError(Msg("token_file {path}: must hold one token line (at most 4 KiB)", path=str(path)))
    return token


def plan_callback(inventory: Inventory, dep: Dependency, add, timeout: int) -> None:
    """One `callback` probe per inbound dependency, through the first TCP reflector of the peer's zone.

    `add` is probes._Adder.  Call-back requests always travel over TCP (a
    datagram's source can be spoofed); the call itself uses the dependency's
    transport."""
    meta = {"dependency": dep.ref, "target": None, "proves": ["reverse_reachable"]}
    zone = inventory.zone_of(dep)
    port = dep.effective_port
    # a STUN server (protocol: stun) reflects but never calls back
    reflectors = [r for r in (zone.reflectors if zone else ()) if "tcp" in r.protocols and r.protocol != "stun"]
    if port is None:
        add.unrunnable("callback", meta, "no_port",
                       Msg("the dependency declares no port: nothing to listen on for the peer's call-back"))
        return
    if not reflectors and zone and zone.vantage_hosts:
        _plan_vantage(dep, add, zone.vantage_hosts[0], meta, port, timeout)
        return
    if not reflectors:
        where = Msg("zone '{zone}'", zone=zone.name) if zone else \
            Msg("the peer's zone (none declared: add `zone:` to the dependency)")
        add.unrunnable("callback", meta, "no_vantage_point",
                       Msg("no vantage point in {where} to call back from: run `migready reflector` on a host "
                           "there (add `--callback-allow CIDR` covering the address this service registers when "
                           "the peer does not see it directly) and list it under the zone's `reflectors:` "
                           "with tcp among its protocols, or list a host there that migready can reach over "
                           "SSH under the zone's `vantage_hosts:`", where=where))
        return
    reflector = reflectors[0]
    try:
        token = read_token(inventory, reflector)
    except (OSError, ValueError) as exc:
        why = exc.args[0] if len(exc.args) == 1 and isinstance(exc.args[0], Msg) else str(exc)
        add.unrunnable("callback", meta, "token_unreadable", why)
        return
    call_timeout = _call_timeout(dep)
    add.probe("callback", dict(meta, target=f"{reflector.host}:{reflector.port}"),
              protocol=callback_protocol(dep), port=port, advertise=dep.advertised_address or "own",
              reflector_host=reflector.host, reflector_port=reflector.port, token=token,
              call_timeout_ms=call_timeout, timeout_ms=max(timeout, call_timeout + 4000))


def _call_timeout(dep: Dependency) -> int:
    """Twice the budget (a slow call-back is measured, then judged against it), 1-10 s; 3 s without one."""
    return min(max(dep.timeout_ms, 1000) * 2, 10_000) if dep.timeout_ms else 3000


def _plan_vantage(dep: Dependency, add, vantage: VantageHost, meta: dict, port: int, timeout: int) -> None:
    """The zone's vantage host calls back: migready runs its agent (over SSH) as a call-back
    reflector for this run only, with a fresh token, allowed to call the address the service
    registers and the staging host's own address (when the host spec names it)."""
    plan = add.plan
    serve = plan.vantage.get(vantage.host)
    if serve is None:
        serve = plan.vantage[vantage.host] = {"address": vantage.address, "port": vantage.port,
                                               "token": secrets.token_hex(16), "allow": [], "expect": 0}
    for address in (dep.advertised_address, _staging_address(plan.host)):
        if address and address != "observed" and parse_ip(address) is not None:
            cidr = f"{address}/{parse_ip(address).max_prefixlen}"
            if cidr not in serve["allow"]:
                serve["allow"].append(cidr)
    serve["expect"] += 1
    call_timeout = _call_timeout(dep)
    add.probe("callback", dict(meta, target=f"{vantage.address}:{vantage.port}"),
              protocol=callback_protocol(dep), port=port, advertise=dep.advertised_address or "own",
              reflector_host=vantage.address, reflector_port=vantage.port, token=serve["token"],
              call_timeout_ms=call_timeout, connect_wait_ms=VANTAGE_CONNECT_WAIT_MS,
              timeout_ms=max(timeout, call_timeout + 4000) + VANTAGE_CONNECT_WAIT_MS)


def _staging_address(host: str) -> str | None:
    try:
        name = parse_host(host).host
    except ValueError:
        return None
    return name if name and parse_ip(name) is not None else None


def vantage_plans(plan) -> dict[str, dict]:
    """One agent plan per vantage host of a probe plan: a `serve_callbacks` probe that lasts as
    long as the staging host's longest call-back probe may wait for it."""
    longest = max((p.get("timeout_ms", 0) for p in plan.probes if p["check"] == "callback"), default=0)
    return {host: {"version": 1, "jobs": 1, "probes": [
        {"id": "v1", "check": "serve_callbacks", "meta": {"dependency": None, "target": None, "proves": []},
         "port": serve["port"], "token": serve["token"], "callback_allow": serve["allow"],
         "expect": serve["expect"], "timeout_ms": longest + 5000}]}
        for host, serve in plan.vantage.items()}


_STATUS_WORDS = {"connected": Msg("connected"), "answered": Msg("answered"), "refused": Msg("refused"),
                 "timeout": Msg("timed out"), "unreachable": Msg("unreachable"), "silent": Msg("no answer"),
                 "not_allowed": Msg("not allowed by the reflector"), "error": Msg("failed")}


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
        port = Msg("{port} (ephemeral: {requested} was taken)", port=listen.get("port"),
                   requested=listen.get("requested_port")) if listen.get("ephemeral") else f"{listen.get('port')}"
        lines.append(Msg("listened on {ip}:{port}/{proto}; the peer's reflector {reflector} saw the request from "
                         "{observed}", ip=listen.get("ip"), port=port, proto=data.get("proto") or "tcp",
                         reflector=f"{reflector.get('ip')}:{reflector.get('port')}", observed=observed.get("ip")))
    for call in data.get("calls") or ():
        roles = set(call.get("roles") or ())
        role = (Msg("the registered address") if call.get("ip") == registered.get("ip") else
                Msg("the address it observed") if "observed" in roles else Msg("a requested address"))
        caller = (call.get("local") or {}).get("ip") or reflector.get("ip")
        latency = call.get("latency_ms")
        took = Msg(" in {latency} ms", latency=f"{latency:.1f}") if isinstance(latency, (int, float)) else ""
        seen = call.get("seen_from")
        saw = (Msg("; the listener saw it from {ip}:{port}", ip=seen.get("ip"), port=seen.get("port")) if seen else
               Msg("; the listener saw nothing") if call.get("status") in ("connected", "answered") else "")
        lines.append(Msg("{caller} called {ip}:{port} ({role}): {status}{took}{saw}", caller=caller,
                         ip=call.get("ip"), port=call.get("port"), role=role,
                         status=_STATUS_WORDS.get(call.get("status"), call.get("status")), took=took, saw=saw))
    if data.get("refused"):
        why = _REFUSALS.get(data["refused"])
        lines.append(Msg("the reflector refused the request: {why}", why=why) if why is not None else
                     Msg("the reflector refused the request (its reason: {code})", code=data["refused"]))
    return lines


# Why the reflector refused a call-back request (the agent's CallbackRefused reasons), as sentences.
_REFUSALS = {
    "bad_token": Msg("it needs its shared token (the reflector's token_file) and the request did not carry it"),
    "bad_request": Msg("the request was malformed (this migready and the reflector's agent may differ in version)"),
    "repeated": Msg("it had already carried out this request (each request calls back once)"),
    "rate_limited": Msg("too many call-back requests from this address in the last minute (--callback-rate)"),
    "disabled": Msg("call-backs are disabled on it"),
}
