"""The report as one plain, JSON-able dict: the single source of every format.

Every renderer (HTML, Markdown, JUnit, JSON, PDF) reads this dict and nothing
else, so the formats cannot disagree, and the signed JSON holds exactly what
the people who signed saw.

What is signed is `canonical_content(report)`: the report without the
sign-off section, without when/by what it was generated and without the words
of the reader's language (`NON_CONTENT`; see `words_entry`).
Signing must not change what is signed, and regenerating an unchanged
workspace tomorrow must give the same digest; everything that does change
the content (a run, a mark, a waiver, a waiver expiring, the inventory)
changes the digest, which invalidates the signatures, visibly.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json

from .. import __version__
from ..text.i18n import SOURCE_LANGUAGE, language, translations_of
from ..review.checklist import PHASES, Checklist, Item, waiver_status
from ..review.compare import Comparison
from ..inventory.model import Inventory, Site
from ..review.verdict import Review, regression_waiver, review
from ..store.records import Waiver
from ..store.workspace import Workspace, utc_now
from ..inventory.zones import ZoneMap
from .evidence import change_entry, regression_entry, run_entry
from ..store.safeio import read_regular
from ..trust.policy import Trust, load_trust
from ..review.entries import MAX_TARGETS, dependency_entry, item_entry  # noqa: F401 (the report's names too)
from .summary import summary_entry
from .timeline import event_entries
from ..trust.provenance import standing
from .signoff import DEFAULT_ROLES, signoff_section

FORMAT = "migready-report"
REPORT_VERSION = 3  # 2: the sign-off policy and each run's digest and attestation are signed content;
# 3: the evidence (inventory text, review state) and the event-log head are too, so verify re-judges
# never signed: see the module docstring.  "summary" (summary.py) and "events" (timeline.py) are
# derived for the reader: the summary from the content and the sign-offs, the event log from the
# workspace's hash chain (it holds each sign-off, which must not change what was signed).
NON_CONTENT = ("signoff", "generated", "digest", "words", "summary", "events")


def build_report(inventory: Inventory, workspace: Workspace, today: _dt.date | None = None,
                 trust: Trust | None = None) -> dict:
    """Review the workspace and lay the result out for people.

    Every sign-off is shown as judged (checks/trust/chain.py), never as
    recorded, against the trust directory `verify` reads (`trust`; None: the
    default one, `--trust`'s fallback): a signature by a key not in it shows
    as "unverified: key not trusted" and does not count.
    """
    today = today or _dt.date.today()
    trust = trust if trust is not None else load_trust(required=False)
    result = review(inventory, workspace, today)
    report = content(inventory, workspace, result, today)
    digest = content_digest(report)
    report["digest"] = digest
    report["signoff"] = signoff_section(report["signoff_policy"], workspace.signoffs, digest,
                                        report["verdict"], trust, attestors_of(report))
    report["generated"] = {"at": utc_now(), "as_of": today.isoformat(), "migready": __version__}
    report["events"] = event_entries(workspace)
    report["summary"] = summary_entry(report)
    report["words"] = words_entry(report)
    return report


def attestors_of(report: dict) -> set[str]:
    """Public keys and names of whoever attested a compared run (the four-eyes rule keeps them from
    approving the same content)."""
    out = set()
    for run in report.get("runs") or ():
        signed = (run.get("attestation") or {}).get("signed") if isinstance(run, dict) else None
        if run.get("compared") and isinstance(signed, dict):
            out.update(str(signed.get(k)) for k in ("public_key", "name") if signed.get(k))
    return out


def evidence_entry(inventory: Inventory, workspace: Workspace, inventory_text: str | None = None) -> dict:
    """What the verdict is judged from, inside the signed content, so `verify` judges it again (never
    trusting the verdict written beside it): the inventory as written and the workspace's review state."""
    if inventory_text is None:
        try:
            raw = read_regular(inventory.path)
            inventory_text = raw.decode("utf-8") if hashlib.sha256(raw).hexdigest() == inventory.digest else None
        except (OSError, UnicodeDecodeError):
            inventory_text = None  # changed or gone since it was loaded: verify says it cannot re-judge
    finished = {r.get("id"): workspace.run_logged_digest(r.get("id")) for r in workspace.runs}
    return {"inventory": {"text": inventory_text},
            "state": {"inventory": workspace.inventory_ref, "runs": workspace.runs, "marks": workspace.marks,
                      "waivers": workspace.waivers, "discoveries": workspace.discoveries,
                      "attestations": workspace.attestations,
                      "finished": {k: v for k, v in finished.items() if v is not None}}}


def words_entry(report: dict) -> dict:
    """The report's sentences in the language it was built in: {"lang", "text": {neutral: shown}}.

    Not signed (`NON_CONTENT`): the content holds the neutral English sentences, so
    the digest is the same in every language; this map is how a renderer that reads
    the report back from JSON (where a `Msg` is a plain str again) still shows them
    in that language (`text.words`).  Empty in English, where there is nothing to map."""
    lang = language()
    return {"lang": lang, "text": {} if lang == SOURCE_LANGUAGE else translations_of(report)}


def content(inventory: Inventory, workspace: Workspace, result: Review, today: _dt.date,
            inventory_text: str | None = None) -> dict:
    checklist, comparison, verdict = result.checklist, result.comparison, result.verdict
    items_by_dep: dict[str | None, list[dict]] = {}
    for item in checklist.items:
        entry = item_entry(item)
        if item.waiver and item.waiver.granted:  # when the waiver was granted
            entry["waiver"] = dict(entry["waiver"], granted=item.waiver.granted)
        items_by_dep.setdefault(item.dependency, []).append(entry)
    evidence_by_dep: dict[str | None, list[dict]] = {}
    zones = ZoneMap.of(inventory) if inventory.zones else None
    for change in comparison.changes:
        evidence_by_dep.setdefault(change.dependency, []).append(change_entry(change, zones))
    flags_by_dep: dict[str, list[dict]] = {}
    for flag in checklist.flags:
        flags_by_dep.setdefault(flag.ref, []).append(
            {"rule": flag.rule, "title": flag.title, "severity": flag.severity, "message": flag.message,
             "incident": flag.incident, "cleared_by": flag.cleared_by})

    services = []
    known: set[str] = set()
    for service in inventory.services:
        deps = []
        for dep in service.dependencies:
            known.add(dep.ref)
            entry = dependency_entry(dep, inventory)
            entry.update(flags=flags_by_dep.get(dep.ref, []), items=items_by_dep.get(dep.ref, []),
                         evidence=evidence_by_dep.get(dep.ref, []))
            deps.append(entry)
        services.append({"name": service.name, "owner": service.owner, "criticality": service.criticality,
                         "notes": service.notes, "dependencies": deps})

    general = items_by_dep.get(None, [])
    counts = dict(checklist.counts())
    counts.update(items=len(checklist.items), blockers=sum(1 for i in checklist.items if i.blocker),
                  regressions=len(comparison.regressions))
    compared = {i for r in (checklist.pre_run, checklist.post_run) if r
                for i in (r.get("members") or [r["id"]])}  # a phase over many hosts: each host's run
    runs = []
    for run in workspace.runs:
        entry = run_entry(run)
        entry["compared"] = run.get("id") in compared
        entry["digest"] = workspace.run_logged_digest(run.get("id"))
        s = standing(workspace, run)
        entry["attestation"] = {"state": s.state, "text": s.text}
        if s.attestation is not None:
            entry["attestation"]["signed"] = {k: s.attestation.get(k) for k in
                                              ("run", "digest", "name", "role", "public_key", "signed_at",
                                               "signature", "v", "prev") if k in s.attestation}
        runs.append(entry)
    recorded = workspace.inventory_ref
    return {
        "format": FORMAT,
        "report_version": REPORT_VERSION,
        "verdict": {"verdict": verdict.verdict, "reasons": list(verdict.reasons),
                    "warnings": list(verdict.warnings),
                    "exit_code": verdict.exit_code, "probed": verdict.probed},
        "migration": migration_entry(inventory),
        "change": change_block(inventory),
        "zones": [{"name": z.name, "kind": z.kind} for z in inventory.zones],
        "signoff_policy": {"required_roles": list(inventory.signoff_roles) or list(DEFAULT_ROLES),
                           "require_attested_runs": inventory.require_attested_runs},
        "counts": counts,
        "attention": {
            "blockers": [{"id": i.id, "title": i.title, "state": i.state, "evidence": i.evidence,
                          "dependency": i.dependency}
                         for i in checklist.items if i.blocker and i.state in ("fail", "pending")],
            "regressions": [dict(regression_entry(c), waived=_waiver_summary(regression_waiver(checklist, c)))
                            for c in comparison.regressions],
        },
        "services": services,
        "general_items": [{"phase": phase, "items": [i for i in general if i["phase"] == phase]}
                          for phase in PHASES if any(i["phase"] == phase for i in general)],
        "host_evidence": evidence_by_dep.get(None, []),
        "other_evidence": [dict(e, dependency=ref) for ref, entries in evidence_by_dep.items()
                           if ref is not None and ref not in known for e in entries],
        "waivers": waiver_entries(result.inputs.waivers, checklist, today),
        "runs": runs,
        "comparison": comparison_entry(comparison),
        "agent_versions": sorted({str(r.get("agent_version")) for r in workspace.runs
                                  if r.get("id") in compared and r.get("agent_version")}),
        "inventory": {"path": recorded.get("path") or inventory.path, "digest": inventory.digest,
                      "recorded_digest": recorded.get("digest") or "",
                      "changed": result.inputs.inventory_changed(inventory)},
        "evidence": evidence_entry(inventory, workspace, inventory_text),
        "evidence_head": workspace.evidence_head(),
    }


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def canonical_chunks(value, depth: int = 4):
    """The text of `_dump(value)`, in pieces.  Identical output, but no single call encodes a whole
    report: json's C encoder holds the GIL for the entire value, and for a 10,000-dependency report
    (10 MB) that froze the window ~170 ms, twice per report (bench/bench_gui_open.py)."""
    if depth and isinstance(value, dict) and all(isinstance(k, str) for k in value):
        yield "{"
        for i, key in enumerate(sorted(value)):
            yield ("," if i else "") + _dump(key) + ":"
            yield from canonical_chunks(value[key], depth - 1)
        yield "}"
    elif depth and isinstance(value, (list, tuple)):
        yield "["
        for i, item in enumerate(value):
            if i:
                yield ","
            yield from canonical_chunks(item, depth - 1)
        yield "]"
    else:
        yield _dump(value)


def _content(report: dict) -> dict:
    return {k: v for k, v in report.items() if k not in NON_CONTENT}


def canonical_content(report: dict) -> bytes:
    """UTF-8 JSON, sorted keys, no insignificant whitespace, over the signed part only."""
    return "".join(canonical_chunks(_content(report))).encode("utf-8")


def content_digest(report: dict) -> str:
    """SHA-256 hex of the canonical content: what every signer signs."""
    digest = hashlib.sha256()
    for chunk in canonical_chunks(_content(report)):
        digest.update(chunk.encode("utf-8"))
    return digest.hexdigest()


# -- pieces -------------------------------------------------------------------------------------


def site_entry(site: Site) -> dict:
    return {"site": site.site, "network_mode": site.network_mode, "egress_nat": site.egress_nat,
            "staging_hosts": list(site.staging_hosts), "notes": site.notes}


def migration_entry(inventory: Inventory) -> dict:
    m = inventory.migration
    return {"name": m.name, "cutover": m.cutover, "notes": m.notes,
            "source": site_entry(m.source), "target": site_entry(m.target)}


def change_block(inventory: Inventory) -> dict | None:
    """The inventory's `change:` block (ticket, window, rollback): what the change board files this under."""
    c = inventory.change
    if not c:
        return None
    return {"ticket": c.ticket, "window": {"start": c.window_start, "end": c.window_end},
            "rollback": {"owner": c.rollback_owner, "trigger": c.rollback_trigger}}


def comparison_entry(comparison: Comparison) -> dict:
    return {"pre_run": comparison.pre_run and comparison.pre_run.get("id"),
            "post_run": comparison.post_run and comparison.post_run.get("id"),
            "incomplete_runs": list(comparison.incomplete_runs), "counts": comparison.counts(),
            "thresholds": {"latency_factor": comparison.latency_factor,
                           "latency_floor_ms": comparison.latency_floor_ms}}


def waiver_entries(waivers: list[Waiver], checklist: Checklist, today: _dt.date) -> list[dict]:
    """Who waived what, why, until when, and whether it still counts (active, expired, ...)."""
    by_id = {i.id: i for i in checklist.items}
    applied: dict[str, list[str]] = {}
    for item in checklist.items:
        if item.waiver:
            applied.setdefault(item.waiver.id, []).append(item.id)
    out = []
    for w in waivers:
        if w.scope == "item":
            target = w.item
            item = by_id.get(target)
            status = waiver_status(w, item, checklist, today) if item else "orphaned"
        else:
            target = w.dependency
            status = waiver_status(w, Item("", "", "", True, "requirement", dependency=target), checklist, today)
        out.append({"id": w.id, "scope": w.scope, "target": target, "by": w.by, "reason": w.reason,
                    "until": w.until, "granted": w.granted, "status": status, "applies_to": applied.get(w.id, [])})
    return out


def _waiver_summary(waiver: Waiver | None) -> dict | None:
    """The waiver that excuses a regression, as the verdict counts it (verdict.regression_waiver)."""
    return waiver.summary() if waiver else None
