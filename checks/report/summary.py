"""The summary page: what a change advisory board reads first, the same fields in every format.

The board decides on one page: the verdict and its root causes (one line
each), who signed (role, when, verified or not), the change it is filed
under (ticket, window, rollback owner and trigger), the scope (services,
dependencies, hosts, zones) and the evidence runs (when, from where, by whom,
attested or not, how long).  Ids stay out of it; they are in the detail
sections.

`summary_entry(report)` derives it from the signed content and the sign-off
section only, so it is recomputed from a JSON report read back later and is
never signed itself (`model.NON_CONTENT`).  HTML, PDF and Markdown lay it
out as their first page; JSON carries it as `summary`, JUnit as properties.
The root-cause lines come from checks/review/root_causes.py, as in the
banner and the CLI.
"""
from __future__ import annotations

from .signoff import final_verdict


def _who_ran(run: dict) -> dict:
    """The attestor when the run is attested, else "unattested" with the OS user and machine recorded."""
    att = run.get("attestation") or {}
    signed = att.get("signed") or {}
    by = run.get("ran_by") or {}
    return {"attested": att.get("state") == "attested", "state": att.get("state") or "unattested",
            "name": signed.get("name") if att.get("state") == "attested" else None,
            "role": signed.get("role") if att.get("state") == "attested" else None,
            "user": by.get("user") or None, "machine": by.get("host") or None}


_last: list = [None, None]  # (report, its root causes): every renderer asks several times per file


def causes_of(report: dict) -> list:
    """`root_causes.from_report(report)`, computed once per report object (a 10,000-item report
    takes ~80 ms to group, and one HTML file asked four times)."""
    from ..review.root_causes import from_report
    key = (report, report.get("services"), report.get("attention"), report.get("general_items"),
           report.get("migration"), report.get("signoff"))
    if _last[0] is None or len(_last[0]) != len(key) or any(a is not b for a, b in zip(_last[0], key)):
        _last[0], _last[1] = key, from_report(report)
    return _last[1]


def summary_entry(report: dict) -> dict:
    from ..review.root_causes import tally

    final = final_verdict(report)
    causes = causes_of(report)
    section = report.get("signoff") or {}
    m = report.get("migration") or {}
    services = report.get("services") or []
    deps = [d for s in services for d in s.get("dependencies") or ()]
    staging = list(dict.fromkeys([*(m.get("source") or {}).get("staging_hosts", ()),
                                  *(m.get("target") or {}).get("staging_hosts", ())]))
    change = report.get("change") or {}
    return {
        "verdict": final["verdict"],
        "evidence_verdict": (report.get("verdict") or {}).get("verdict"),
        "root_causes": [{"state": c.state, "headline": c.headline, "dependency": c.dependency} for c in causes],
        "tally": tally(causes),
        "signoffs": [{"role": e.get("role"), "name": e.get("name"), "decision": e.get("decision"),
                      "signed_at": e.get("signed_at"), "status": e.get("status"),
                      "verified": e.get("status") == "valid"} for e in section.get("entries") or ()],
        "awaiting": list(section.get("awaiting") or ()),
        "change": {"ticket": change.get("ticket") or None,
                   "window_start": (change.get("window") or {}).get("start") or None,
                   "window_end": (change.get("window") or {}).get("end") or None,
                   "rollback_owner": (change.get("rollback") or {}).get("owner") or None,
                   "rollback_trigger": (change.get("rollback") or {}).get("trigger") or None},
        "scope": {"from": (m.get("source") or {}).get("site"), "to": (m.get("target") or {}).get("site"),
                  "cutover": m.get("cutover") or None,
                  "services": [s.get("name") for s in services], "dependencies": len(deps),
                  "targets": sum(int(d.get("targets_total") or 0) for d in deps),
                  "staging_hosts": staging,
                  "zones": [{"name": z.get("name"), "kind": z.get("kind")} for z in report.get("zones") or ()]},
        "runs": [dict({"id": r.get("id"), "phase": r.get("phase"), "started": r.get("started"),
                       "finished": r.get("finished"), "duration_s": r.get("duration_s"),
                       "complete": bool(r.get("complete")), "host": r.get("host"), "hostname": r.get("hostname"),
                       "compared": bool(r.get("compared")), "results": r.get("results")}, by=_who_ran(r))
                 for r in report.get("runs") or ()],
    }
