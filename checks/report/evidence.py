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

# The pre/post entries are the review's (checks/review/entries.py); the report uses them by these names too.
from ..review.entries import _number, change_entry, endpoint, placements, regression_entry, side  # noqa: F401


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
