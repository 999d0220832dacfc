"""Checklist items, dependencies and pre/post pairs as plain entries: the review's JSON edge.

The root causes group these entries, and the report lays them out; a report read back from
JSON holds exactly these shapes, so `root_causes.from_report` and the review's own grouping
see the same thing.  They live in the review (not the report) so that the review never climbs
to a later stage to describe itself.
"""
from __future__ import annotations

import math

from ..probing.callback import callback_lines
from .checklist import Item
from .compare import Change
from ..text.i18n import Msg
from ..text.labels import term
from ..inventory.model import Dependency, Inventory
from ..store.records import reflected
from ..inventory.zones import ZoneMap

MAX_TARGETS = 20  # a fleet lists its first targets and the total


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
        **({"host": change.host} if change.host else {}),  # a phase over many staging hosts (review/hosts.py)
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


def item_entry(item: Item) -> dict:
    """A checklist item with its state and the evidence or person behind it."""
    mark = item.mark and item.mark.to_dict()
    waiver = item.waiver and item.waiver.summary()
    return {"id": item.id, "phase": item.phase, "title": item.title, "blocker": item.blocker,
            "source": item.source, "dependency": item.dependency, "requirement": item.requirement,
            "evidence_backed": item.evidence_backed,
            "rule": item.rule, "incident": item.incident, "cleared_by": item.cleared_by,
            "state": item.state, "base_state": item.base_state, "evidence": item.evidence,
            "pre_evidence": item.pre_evidence, "mark": mark or None, "waiver": waiver or None,
            "notes": list(item.waiver_notes)}


def dependency_entry(dep: Dependency, inventory: Inventory) -> dict:
    zone = inventory.zone_of(dep)
    return {"ref": dep.ref, "name": dep.name, "kind": dep.kind, "device_type": dep.device_type,
            "vendor": dep.vendor, "protocol": dep.protocol, "port": dep.effective_port,
            "direction": dep.direction, "zone": zone.name if zone else dep.zone,
            "zone_kind": zone.kind if zone else None, "source_port": dep.source_port,
            "requires": list(dep.requires), "timeout_ms": dep.timeout_ms,
            "targets": list(dep.targets[:MAX_TARGETS]), "targets_total": len(dep.targets),
            "sample": dep.sample, "notes": dep.notes}


def _number(value):
    """Only finite numbers: NaN or infinity would make the canonical JSON invalid."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return value


def _flag(value):
    return value if isinstance(value, bool) else None
