"""Time in the report: how long each run took, and the event log (who did what, when).

A change board asks when the evidence was taken, how long it took, and who
marked, waived, attested and signed, in what order.  The workspace's hash
chain already records each of these as an event with its time and actor;
`event_entries` lays them out (newest last) for the report's event-log
appendix.  The log is not signed content (`model.NON_CONTENT`): it holds each
sign-off, and adding a sign-off must not change what the others signed; every
fact it shows that the verdict rests on (the marks, waivers, runs and
attestations) is also in the signed content.
"""
from __future__ import annotations

from ..store.workspace import Workspace
from ..text.times import parse_time

# event actions the appendix lists, and the detail fields it keeps of each
KEPT = {
    "inventory-recorded": ("path", "digest"),
    "probe-run-started": ("run", "phase", "host"),
    "probe-run-finished": ("run", "complete", "results"),
    "mark": ("item", "state", "note", "previous"),
    "waive": (),
    "signoff": (),
    "run-attested": (),
    "discovery-recorded": ("discovery",),
}


def duration_s(started, finished) -> float | None:
    """Seconds between two recorded times, None when either is missing or unreadable."""
    a, b = parse_time(started), parse_time(finished)
    if a is None or b is None or b < a:
        return None
    return round((b - a).total_seconds(), 3)


def event_entries(workspace: Workspace) -> list[dict]:
    """The chain's events the appendix shows: {seq, at, by, action, ...the facts of that action}."""
    out = []
    for event in workspace.events:
        action = event.get("action")
        if action not in KEPT:
            continue
        details = event.get("details") or {}
        entry = {"seq": event.get("seq"), "at": event.get("at"), "by": event.get("by"), "action": action}
        if action.startswith("probe-run-") and entry["by"] == "migready":  # the tool logged it: say who ran it
            ran = (workspace.run(details.get("run")) or {}).get("ran_by") if details.get("run") else None
            if isinstance(ran, dict) and ran.get("user"):
                entry["by"] = f"{ran.get('user')}@{ran.get('host') or '?'}"
        entry.update({k: details.get(k) for k in KEPT[action] if k in details})
        if action == "waive":
            w = details.get("waiver") or {}
            entry.update(waiver=w.get("id"), target=w.get("item") or w.get("dependency"), until=w.get("until"),
                         reason=w.get("reason"))
        elif action == "signoff":
            s = details.get("signoff") or {}
            entry.update(role=s.get("role"), decision=s.get("decision"), digest=str(s.get("digest") or "")[:16],
                         signed_at=s.get("signed_at"))
        elif action == "run-attested":
            a = details.get("attestation") or {}
            entry.update(run=a.get("run"), role=a.get("role"), name=a.get("name"))
        out.append(entry)
    return out
