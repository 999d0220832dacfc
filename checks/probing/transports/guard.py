"""A fence for tests, demos and cautious sites: which networks an agent plan may reach.

When MIGREADY_ALLOWED_NETWORKS is set (comma-separated CIDRs), every plan
sent to an agent is checked first, at the one place all transports share
(`encode_agent_input`), and a plan that would reach anything outside those
networks is refused before a single packet leaves.  Names count as outside
(only resolving them would tell, and resolving is itself traffic), except
`localhost` and the names listed in MIGREADY_ALLOWED_NAMES (exact names, or
`.suffix` for every name under it): a lab that answers its own names from
`/etc/netns/<ns>/hosts`, with no DNS and no route out, lists them there.  The
test suite sets the networks to loopback plus the lab's 198.18.0.0/15, so a
test that picks the wrong inventory fails here instead of probing a real
network.
"""
from __future__ import annotations

import functools
import ipaddress
import os
from urllib.parse import urlsplit

from ...text.i18n import Msg
from .errors import TransportError

ENV = "MIGREADY_ALLOWED_NETWORKS"
NAMES_ENV = "MIGREADY_ALLOWED_NAMES"
_FIELDS = ("host", "reflector_host", "name", "resolver", "url", "advertise")
_NOT_ADDRESSES = {"advertise": ("own", "observed")}  # a callback's registered address, by rule


class TargetNotAllowed(TransportError):
    pass


def allowed_networks() -> list | None:
    raw = os.environ.get(ENV, "").strip()
    if not raw:
        return None
    return _networks(raw)


@functools.lru_cache(maxsize=8)
def _networks(raw: str) -> tuple:
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in raw.split(",") if part.strip())


def outside(plan: dict, networks: list) -> list[str]:
    """Every destination in `plan` that is not inside `networks`."""
    found = []
    probes = plan.get("probes") if isinstance(plan, dict) else None
    probes = list(probes) if isinstance(probes, list) else []
    rehearsal = plan.get("rehearsal") if isinstance(plan, dict) else None
    if isinstance(rehearsal, dict):  # a rehearsal (checks/probing/rehearsal.py): its targets and health endpoint
        probes.append({"url": rehearsal.get("health")})
        for key in ("targets", "addresses"):
            probes += [{"host": t} for t in rehearsal.get(key) or () if isinstance(rehearsal.get(key), list)]
    known: dict[tuple, bool] = {}  # (field, value) -> allowed: a target is in most plans twice (route, connect)
    names, networks = os.environ.get(NAMES_ENV, ""), tuple(networks)  # `_allowed`'s cache keys, made once
    for probe in probes:
        if not isinstance(probe, dict):
            continue  # not a probe the agent would run (it rejects the plan)
        for cidr in probe.get("callback_allow") or () if isinstance(probe.get("callback_allow"), list) else ():
            try:  # a call-back vantage host may call addresses inside these
                net = ipaddress.ip_network(cidr, strict=False)
            except (TypeError, ValueError):
                found.append(str(cidr))
                continue
            if not any(net.version == n.version and net.subnet_of(n) for n in networks):
                found.append(cidr)
        for field in _FIELDS:
            value = probe.get(field)
            if not isinstance(value, str):
                continue
            ok = known.get((field, value))
            if ok is None:
                ok = known[(field, value)] = _allowed(field, value, networks, names)
            if not ok:
                found.append(value)
    return found


@functools.lru_cache(maxsize=65536)
def _allowed(field: str, value: str, networks: tuple, names: str) -> bool:
    """Kept per value across plans: a fan-out sends the same targets to every host of the pool."""
    host = (urlsplit(value).hostname or "") if field == "url" else value
    if host == "localhost" or value in _NOT_ADDRESSES.get(field, ()) or _allowed_name(host, names):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(ip.version == net.version and ip in net for net in networks)


def _allowed_name(host: str, names: str) -> bool:
    """A name MIGREADY_ALLOWED_NAMES lets through (only ever together with the networks fence)."""
    name = host.lower().rstrip(".")
    for entry in names.split(","):
        entry = entry.strip().lower().rstrip(".")
        if not entry or entry == ".":
            continue
        if name == entry or (entry.startswith(".") and name.endswith(entry)):
            return True
    return False


def enforce(plan: dict) -> None:
    networks = allowed_networks()
    if networks is None:
        return
    refused = outside(plan, networks)
    if refused:
        shown = ", ".join(sorted(set(refused))[:5]) + (" ..." if len(set(refused)) > 5 else "")
        raise TargetNotAllowed(Msg("refusing to probe {targets}: outside {variable}={networks} (nothing was sent)",
                                   targets=shown, variable=ENV, networks=os.environ[ENV]))
