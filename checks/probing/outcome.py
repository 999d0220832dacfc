"""A probe result's status says whether what it proved is good or bad *for its dependency*.

The agent reports facts: a reflector answered (so its probe "passed") and saw
source port 9010 arrive as 38014.  For a scale whose SDK checks the source
port that is the incident itself, so showing it as a green PASS anywhere (the
probe page, the compare detail, the report, the workspace) hides the key
finding.  `for_dependency` decides the status once, where a result is
recorded, from the requirements the plan put in the probe's `meta`:

- reflect: `fail` when the port was rewritten and the dependency requires
  `source_port_preserved`, or the address was translated and it requires
  `no_nat`;
- dns: `fail` when a name the dependency requires to stay internal (`private_dns`,
  `internal_route`) resolves outside every internal zone of the inventory
  (`resolves_external`; without zones, to a public address: `resolves_public`)
  (incident 2: the edge it resolved to may sit in private-looking space, so
  the inventory's zones decide, as they do in the checklist and the comparison);
- route: `fail` when a dependency that requires `internal_route` leaves through
  the site's declared NAT egress (`leaves_via_nat`);
- connect checks: `fail` when the answer came slower than the declared
  `timeout_ms` budget (the client would have given up).

The agent's own status stays in `probe_status` and the raw observation in
`detail`, so each requirement is still judged from the facts
(`evidence.raw_status`): a rewritten port does not make `reachable` fail.
The reason is an id (stored, signed); people read it as `labels.label("reason", id)`.
"""
from __future__ import annotations

from typing import Optional

from ..inventory.zones import ZoneMap

CONNECT_CHECKS = ("tcp_connect", "udp_exchange", "http")


def for_dependency(record: dict, meta: dict, zones: Optional[ZoneMap] = None, phase: Optional[str] = None) -> dict:
    """Set `status`/`reason` of a stored result from its dependency's requirements (in place);
    with the inventory's zones, DNS answers and routes are placed in them (checks/inventory/zones.py)."""
    record["probe_status"] = record["status"]
    if record["status"] != "pass":
        return record
    verdict = _verdict(record, meta, zones or ZoneMap(), phase)
    if verdict:
        record["status"], record["reason"] = "fail", verdict
    return record


def _verdict(record: dict, meta: dict, zones: ZoneMap, phase: Optional[str]) -> str | None:
    """The reason this passing probe is bad for its dependency, or None."""
    requires = set(meta.get("requires") or ()) | set(record.get("proves") or ())
    data = record.get("data") or {}
    check = record.get("check")
    if check == "reflect":
        if "source_port_preserved" in requires and data.get("port_preserved") is False:
            return "port_rewritten"
        if "no_nat" in requires and data.get("nat") is True:
            return "address_translated"
    elif check == "dns":
        wanted = {"private_dns", "internal_route"} & set(meta.get("requires") or ())
        answers = [a for a in data.get("answers") or () if isinstance(a, dict)]
        if wanted and zones.zones:
            if any(not zones.place(str(a.get("ip")), record.get("target")).inside for a in answers):
                return "resolves_external"
        elif wanted and any(a.get("class") == "public" for a in answers):
            return "resolves_public"
    elif check == "route":
        if "internal_route" in set(meta.get("requires") or ()) and zones.route_egress(record, phase):
            return "leaves_via_nat"
    elif check in CONNECT_CHECKS:
        budget = meta.get("budget_ms")
        latency = record.get("latency_ms")
        if isinstance(budget, (int, float)) and isinstance(latency, (int, float)) and latency > budget:
            return "over_budget"
    return None


def raw_status(result: dict) -> str:
    """What the probe itself observed (older records have only `status`)."""
    return result.get("probe_status") or result.get("status") or "inconclusive"
