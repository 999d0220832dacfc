"""Probe results as the report shows them: the facts a migration lead compares.

A stored result carries everything the agent saw (`checks/probing/run.py`
`result_record`).  The report needs the few facts behind the incidents, the
same way for every format: status and reason, latency, the local endpoint
against the endpoint the reflector observed (incident 1: NAT rewrote the
source port), the route's device / gateway / source (incident 2: egress via a
NAT gateway) and the DNS answers with their class (incident 2: split-horizon).
Missing facts are None, never guessed.
"""
from __future__ import annotations

import math

from ..probing.callback import callback_lines
from ..review.compare import Change
from ..text.i18n import Msg
from ..text.labels import term
from ..store.records import reflected
from ..inventory.zones import ZoneMap


def endpoint(value) -> str | None:
    """`ip:port` (IPv6 bracketed) from the agent's {ip, port}; None when not seen."""
    if not isinstance(value, dict) or not value.get("ip"):
        return None
    ip, port = str(value["ip"]), value.get("port")
    if port is None:
        return ip
    return f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"


def side(result: dict | None, zones: ZoneMap | None = None) -> dict | None:
    """One probe result, reduced to what the report shows side by side.  With the inventory's
    zones, `zones` places every address the result carries (incident 2): DNS answers, the
    route's destination, gateway and source, the connected peer, the reflector's observation."""
    if result is None:
        return None
    data = result.get("data") or {}
    local, observed = reflected(result, "local"), reflected(result, "observed")
    route = None
    if result.get("check") == "route" and (data.get("dev") or data.get("gateway") or data.get("src")):
        route = {"dev": data.get("dev"), "gateway": data.get("gateway"), "src": data.get("src")}
    answers = None
    if result.get("check") == "dns":
        answers = [{"ip": a.get("ip"), "class": a.get("class")} for a in data.get("answers") or []
                   if isinstance(a, dict)]
    out = {
        "status": result.get("status") or "inconclusive",
        "reason": result.get("reason"),
        "detail": result.get("detail") or "",
        "latency_ms": _number(result.get("latency_ms")),
        "local": endpoint(local),
        "observed": endpoint(observed),
        "route": route,
        "dns": answers,
    }
    if result.get("check") == "reflect":
        out["port_preserved"] = _flag(reflected(result, "port_preserved"))
        out["nat"] = _flag(reflected(result, "nat"))
    if result.get("check") == "callback":  # incident 5: who called whom, from where, what each side saw
        out["local"] = out["observed"] = None
        out["callback"] = callback_lines(result)
    if zones is not None:
        out["zones"] = placements(result, data, observed, zones)
    return out


def placements(result: dict, data: dict, observed, zones: ZoneMap) -> dict:
    """{address: 'zone idc (internal)' | 'public, in no zone'} for the addresses a result carries."""
    name = result.get("target") if result.get("check") in ("dns", "route", "http") else None
    found = [a.get("ip") for a in data.get("answers") or () if isinstance(a, dict)]
    found += [data.get(k) for k in ("ip", "gateway", "src")]
    found.append(observed.get("ip") if isinstance(observed, dict) else None)
    return {a: zones.place(a, name).label for a in dict.fromkeys(a for a in found if isinstance(a, str) and a)}


def change_entry(change: Change, zones: ZoneMap | None = None) -> dict:
    """A pre/post pair: classification, what was found, and both sides."""
    return {
        "check": change.check,
        "target": change.target,
        "classification": change.classification,
        "regression": change.is_regression,
        "findings": [f.to_dict() for f in change.notes],
        "pre": side(change.pre, zones),
        "post": side(change.post, zones),
        **({"host": change.host} if change.host else {}),  # a phase over many staging hosts
    }


def regression_entry(change: Change) -> dict:
    """A regression for the 'needs attention' list: where, what, and the plain-language findings."""
    findings = [f.text for f in change.notes if f.severity == "regression"]
    if not findings:
        before = (change.pre or {}).get("status", "none")
        after = (change.post or {}).get("status", "none")
        findings = [Msg("{before} → {after}", before=term("status", before), after=term("status", after))]
    return {"dependency": change.dependency, "check": change.check, "target": change.target,
            "classification": change.classification, "findings": findings,
            **({"host": change.host} if change.host else {})}


def run_entry(run: dict) -> dict:
    """When a run happened, from which host, with which agent: the provenance of the evidence."""
    facts = run.get("host_facts") or {}
    gateway = facts.get("default_gateway") or {}
    return {
        "id": run.get("id"),
        "phase": run.get("phase"),
        "host": run.get("host"),
        "hostname": facts.get("hostname"),
        "in_container": facts.get("in_container"),
        "default_gateway": endpoint({"ip": gateway.get("gateway")}) if gateway.get("gateway") else None,
        "started": run.get("started"),
        "finished": run.get("finished"),
        "complete": bool(run.get("complete")),
        "error": run.get("error"),
        "agent_version": run.get("agent_version"),
        "agent_python": run.get("agent_python"),
        "results": len(run.get("results") or ()),
        "inventory_digest": run.get("inventory_digest"),
    } | _rehearsal_entry(run)


def _rehearsal_entry(run: dict) -> dict:
    """A rehearsal run (phase `rehearsal`) says what was broken and what the service did."""
    r = run.get("rehearsal")
    if not isinstance(r, dict):
        return {}
    keep = ("service", "dependency", "fault", "duration_s", "fail_fast_ms", "verdict", "text", "chain",
            "fault_removed")
    entry = {k: r.get(k) for k in keep}
    entry.update(worst_ms=_number(r.get("worst_ms")), recovery_ms=_number(r.get("recovery_ms")))
    return {"rehearsal": entry}


def _number(value):
    """Only finite numbers: NaN or infinity would make the canonical JSON invalid."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return value


def _flag(value):
    return value if isinstance(value, bool) else None
