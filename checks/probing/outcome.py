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
- dns: `fail` when a name resolves to a public address and the dependency
  requires `private_dns` or `internal_route` (incident 2);
- connect checks: `fail` when the answer came slower than the declared
  `timeout_ms` budget (the client would have given up).

The agent's own status stays in `probe_status` and the raw observation in
`detail`, so each requirement is still judged from the facts
(`evidence.raw_status`): a rewritten port does not make `reachable` fail.
The reason is an id (stored, signed); people read it as `labels.label("reason", id)`.
"""
from __future__ import annotations

CONNECT_CHECKS = ("tcp_connect", "udp_exchange", "http")


def for_dependency(record: dict, meta: dict) -> dict:
    """Set `status`/`reason` of a stored result from its dependency's requirements (in place)."""
    record["probe_status"] = record["status"]
    if record["status"] != "pass":
        return record
    verdict = _verdict(record, meta)
    if verdict:
        record["status"], record["reason"] = "fail", verdict
    return record


def _verdict(record: dict, meta: dict) -> str | None:
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
        if wanted and any(a.get("class") == "public" for a in data.get("answers") or ()):
            return "resolves_public"
    elif check in CONNECT_CHECKS:
        budget = meta.get("budget_ms")
        latency = record.get("latency_ms")
        if isinstance(budget, (int, float)) and isinstance(latency, (int, float)) and latency > budget:
            return "over_budget"
    return None


def raw_status(result: dict) -> str:
    """What the probe itself observed (older records have only `status`)."""
    return result.get("probe_status") or result.get("status") or "inconclusive"
