"""The checklist a migration lead walks through, and the state of each item.

Items come from five places: the probe runs themselves (a baseline and a
post-move run exist), one per `requires` of each dependency (cleared by probe
evidence), one per risk flag (cleared by the evidence its rule names, or by
hand), one per undocumented peer or undeclared callback that a recorded
discovery saw (cleared by listing it in the inventory, or by hand), and
manual steps from `resources/checklist.yaml` plus the inventory's own
`checklist:`.  States are computed, never stored: the workspace keeps
only runs, manual marks and waivers, so a new run updates every
evidence-backed item at once.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from importlib import resources

import yaml

from .compare import latest_runs
from ..discovery import Observation, classify
from .evidence import Judgement, judge
from ..text.i18n import Joined, Msg, Stamp
from ..text.labels import requirement_id, requirement_words, term
from ..inventory.model import Dependency, Inventory
from .rehearsal_verdict import PHASE as REHEARSAL_PHASE, REQUIREMENT as FAILS_FAST, service_parts
from ..inventory.rules import Flag, evaluate
from ..store.records import DiscoveryRecord, Mark, Status, Waiver, status_of
from .inputs import ReviewInput
from ..store.workspace import Workspace

PHASES = ("prepare", "pre-migration", "cutover", "post-migration", "sign-off")
STATES = ("pending", "pass", "fail", "waived", "na")
BLOCKING_SEVERITIES = ("blocker", "high")

# Sentences every item of a kind shares (one object each: a 10,000-dependency review builds enough).
BY_POST_EVIDENCE = Msg("post-migration probe evidence")
BY_HAND = Msg("manual")
NO_RUN_YET = Msg("no run yet")
NO_POST_RUN_YET = Msg("no post-migration probe run yet")
# What clears a requirement that fails: the fix, then the evidence.  No placeholders: a lead reads it at 2 a.m.
CLEARS = {
    "reachable": Msg("open the path from the target site (routing, firewall, the peer's allow-list), "
                     "then probe again: migready probe --phase post"),
    "source_port_preserved": Msg("keep the source port on the way to the peer: exempt this path from the target "
                                 "site's NAT (no natOutgoing / an SNAT exception for that network), then probe "
                                 "again: migready probe --phase post"),
    "no_nat": Msg("reach the peer without address translation (an SNAT exception for its network), "
                  "then probe again: migready probe --phase post"),
    "private_dns": Msg("make the name resolve into an internal zone from the target site (fix the resolver or "
                       "hosts entry), or, if that address is internal, add its network to an internal zone "
                       "of the inventory; then probe again: migready probe --phase post"),
    "internal_route": Msg("route the traffic inside (fix the route or the name's answer) instead of through the "
                          "site's NAT egress, or declare that egress in the inventory; then probe again: "
                          "migready probe --phase post"),
    "within_timeout": Msg("bring the latency under the timeout budget (a nearer path or peer), or raise "
                          "timeout_ms in the inventory with the owner's agreement; then probe again: "
                          "migready probe --phase post"),
    "reverse_reachable": Msg("let the peer call back the service's new address (firewall, port forward, the "
                             "address the peer registers), then probe again: migready probe --phase post"),
}
BASELINE_CLEARS = Msg("make the targets reachable from the source site, or correct the inventory, then probe "
                      "again: migready probe --phase pre; or waive it (the comparison then has no baseline "
                      "for those targets)")
CONNECT_CHECKS = ("tcp_connect", "udp_exchange", "http")

# Which requirements' evidence clears a flag; rules not listed are cleared by hand.
FLAG_EVIDENCE = {
    "MR001": ("reachable",),
    "MR002": ("source_port_preserved",),
    "MR003": ("reachable", "no_nat"),
    "MR004": ("internal_route", "private_dns"),
    "MR006": (FAILS_FAST,),
}


@dataclass
class Item:
    id: str
    phase: str
    title: str
    blocker: bool
    source: str  # run | requirement | flag | discovery | template | inventory
    dependency: str | None = None
    requirement: str | None = None
    rule: str | None = None
    incident: int | None = None
    cleared_by: str = ""
    evidence_backed: bool = False
    # computed
    base_state: Status = Status.PENDING  # before waivers
    state: Status = Status.PENDING
    evidence: str = ""
    evidence_digest: str = ""
    pre_evidence: str = ""
    mark: Mark | None = None
    waiver: Waiver | None = None  # the active waiver
    waiver_notes: list[str] = field(default_factory=list)  # expired / needs review

    def settle(self, state: str, evidence: str) -> None:
        self.base_state = self.state = status_of(state)
        self.evidence = evidence

    def to_dict(self) -> dict:
        out = {k: v for k, v in self.__dict__.items() if k != "waiver_notes"}
        out["waiver_notes"] = list(self.waiver_notes)
        out["mark"] = self.mark and self.mark.to_dict()  # records inside, JSON at the edge
        out["waiver"] = self.waiver and self.waiver.to_dict()
        return out


@dataclass
class Checklist:
    items: list[Item]
    flags: list[Flag]
    pre_run: dict | None
    post_run: dict | None
    run_notes: list[str] = field(default_factory=list)  # runs left out of the evidence, and why

    def item(self, item_id: str) -> Item | None:
        return next((i for i in self.items if i.id == item_id), None)

    def by_phase(self) -> dict[str, list[Item]]:
        return {phase: [i for i in self.items if i.phase == phase] for phase in PHASES}

    def counts(self) -> dict[str, int]:
        return {state: sum(1 for i in self.items if i.state == state) for state in STATES}


def template_items() -> list[dict]:
    text = resources.files("migready.resources").joinpath("checklist.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def extract_titles(fileobj, keywords, comment_tags, options):
    """Babel extractor for resources/checklist.yaml (pyproject.toml, [tool.babel]): each item's title
    is a message id, translated where the item is shown (`Msg`)."""
    for lineno, line in enumerate(fileobj.read().decode("utf-8").splitlines(), 1):
        key, _sep, value = line.strip().lstrip("- ").partition(":")
        if key == "title" and value.strip():
            yield lineno, "", yaml.safe_load(value.strip()), []


def _applies(when: str | None, inventory: Inventory) -> bool:
    if not when:
        return True
    deps = list(inventory.dependencies())
    tests = {
        "devices": lambda d: d.kind == "device",
        "udp": lambda d: d.protocol == "udp",
        "middleware": lambda d: d.kind == "middleware",
        "inbound": lambda d: d.direction in ("inbound", "both"),
        "fixed_source_port": lambda d: d.source_port is not None,
    }
    if when == "nat_target":
        return inventory.migration.target.egress_nat
    return any(tests[when](d) for d in deps) if when in tests else True


def requirements_of(dep: Dependency) -> tuple[str, ...]:
    """Declared requirements, plus port preservation wherever a fixed source port is declared,
    and the peer's call-back for inbound dependencies (both directions for `direction: both`)."""
    reqs = list(dep.requires)
    if dep.source_port is not None and "source_port_preserved" not in reqs:
        reqs.append("source_port_preserved")
    for req in flag_evidence("MR007", dep) if dep.direction in ("inbound", "both") else ():
        if req not in reqs:
            reqs.append(req)
    return tuple(reqs)


def flag_evidence(rule: str, dep: Dependency) -> tuple[str, ...]:
    """The requirements whose evidence clears a flag on this dependency; () when cleared by hand.
    MR007 (incident 5): the call-back, and for `direction: both` the forward connection too."""
    if rule == "MR007":
        return ("reachable", "reverse_reachable") if dep.direction == "both" else ("reverse_reachable",)
    return FLAG_EVIDENCE.get(rule, ())


def build_checklist(inventory: Inventory, workspace: Workspace, today: _dt.date | None = None) -> Checklist:
    """The checklist of a workspace (`checklist_from` over what `ReviewInput` reads out of it)."""
    return checklist_from(inventory, ReviewInput.of(inventory, workspace), today)


def checklist_from(inventory: Inventory, inputs: ReviewInput, today: _dt.date | None = None) -> Checklist:
    """Every item, judged from the runs that count as evidence, then marks, then waivers.  It takes what
    the workspace holds, as records, not the workspace: the review reads, only the workspace writes."""
    runs, run_notes, marks, waivers = inputs.runs, inputs.run_notes, inputs.marks, inputs.waivers
    today = today or _dt.date.today()
    pre, post = latest_runs(runs)
    flags = evaluate(inventory)
    items: list[Item] = []

    for phase, run, site in (("pre-migration", pre, "source"), ("post-migration", post, "target")):
        kind = "pre" if phase == "pre-migration" else "post"
        title = (Msg("Baseline probe run complete from the source site") if kind == "pre"
                 else Msg("Post-move probe run complete from the target site"))
        item = Item(f"run.{kind}", phase, title, True, "run", evidence_backed=True,
                    cleared_by=f"migready probe --phase {kind}")  # a command: data
        if run is None:
            item.settle("pending", NO_RUN_YET)
        elif run.get("complete"):
            finished = run.get("finished")
            item.settle("pass", Msg("{run} from {host}, finished {finished}", run=run["id"], host=run["host"],
                                    finished=Stamp(finished) if isinstance(finished, str) else finished))
        else:
            item.settle("pending", Msg("{run} from {host} is incomplete: {error}", run=run["id"], host=run["host"],
                                       error=run.get("error")))
        items.append(item)
    baseline = baseline_item(pre)
    if baseline is not None:
        items.append(baseline)

    judged: dict[tuple[str, str], Item] = {}
    for dep in inventory.dependencies():
        for req in requirements_of(dep):
            j = judge(req, dep, post, inventory) if post is not None else Judgement("pending", NO_POST_RUN_YET)
            item = Item(f"req:{dep.ref}:{req}", "post-migration",
                        Msg("{ref}: {requirement}", ref=dep.ref, requirement=requirement_words(req)), True,
                        "requirement", dependency=dep.ref, requirement=req, evidence_backed=True,
                        cleared_by=CLEARS.get(req, BY_POST_EVIDENCE) if j.state == "fail" else BY_POST_EVIDENCE)
            _set_evidence(item, j)
            if pre is not None:
                before = judge(req, dep, pre, inventory)
                item.pre_evidence = Msg("{state}: {evidence}", state=term("state", before.state),
                                        evidence=before.text)
            items.append(item)
            judged[(dep.ref, req)] = item

    items += fails_fast_items(inventory, runs, judged)
    deps = {d.ref: d for d in inventory.dependencies()}
    flag_reqs: dict[str, list[tuple[Dependency, str]]] = {}
    for flag in flags:
        item = Item(f"flag:{flag.rule}:{flag.ref}", "prepare", flag.message, flag.severity in BLOCKING_SEVERITIES,
                    "flag", dependency=flag.ref, rule=flag.rule, incident=flag.incident, cleared_by=flag.cleared_by)
        reqs = flag_evidence(flag.rule, deps[flag.ref])
        if reqs:
            item.evidence_backed = True
            flag_reqs[item.id] = [(deps[flag.ref], r) for r in reqs]  # resolved after waivers, below
        items.append(item)

    items += discovery_items(inventory, inputs.discoveries)
    for raw in template_items():
        if _applies(raw.get("when"), inventory):
            title = raw["title"]  # extracted from checklist.yaml by extract_titles
            items.append(Item(raw["id"], raw["phase"], Msg(title), raw.get("blocker", True), "template",
                              incident=raw.get("incident"), cleared_by=BY_HAND))
    for extra in inventory.checklist:
        items.append(Item(extra.id, extra.phase, extra.title, extra.blocker, "inventory", cleared_by=BY_HAND))

    rehearsals = [r for r in runs if r.get("phase") == REHEARSAL_PHASE]
    latest_evidence = max((r.get("finished") or "" for r in [pre, post] + rehearsals if r), default="")
    # 1. States before waivers.  Flags cleared by evidence take the worst of their requirements.
    for item in items:
        if item.id not in flag_reqs:  # a post-migration step cannot be done before there is a post run
            _apply_mark(item, None if item.phase == "post-migration" and post is None else marks.get(item.id),
                        latest_evidence)
    parts_of = {item_id: [judged.get((dep.ref, req)) or _adhoc(dep, req, post, inventory) for dep, req in reqs]
                for item_id, reqs in flag_reqs.items()}
    for item in items:
        if item.id in flag_reqs:
            _follow(item, parts_of[item.id])
            _apply_mark(item, marks.get(item.id), latest_evidence)
    # 2. Waivers, judged against those states.
    checklist = Checklist(items, flags, pre, post, run_notes)
    for item in items:
        _apply_waivers(item, checklist, waivers, today)
    # 3. A flag is waived when every requirement behind it that does not pass is waived.
    for item in items:
        if item.id in flag_reqs and item.state in ("fail", "pending"):
            open_parts = [p for p in parts_of[item.id] if p.base_state != "pass"]
            if open_parts and all(p.state == "waived" for p in open_parts):
                item.state, item.waiver = Status.WAIVED, open_parts[0].waiver
    items.sort(key=lambda i: (PHASES.index(i.phase), not i.blocker))
    return checklist


def baseline_item(pre: dict | None) -> Item | None:
    """The baseline itself: a complete pre run that could not reach some targets is no baseline for them.

    Without this, a pre run that reached 3 of 6 targets read "baseline complete" and every later
    comparison of those targets said nothing (fail -> fail is no regression).  Blocking; waivable,
    since a peer may really be unreachable from the old site (a new device network)."""
    if pre is None or not pre.get("complete"):
        return None
    outcome: dict[tuple, str] = {}
    for r in pre.get("results") or ():
        if r.get("check") not in CONNECT_CHECKS:
            continue
        key = (r.get("dependency"), r.get("target"))
        status = r.get("probe_status") or r.get("status")
        if status == "pass":
            outcome.setdefault(key, "pass")
        else:
            outcome[key] = status if outcome.get(key) != "fail" else "fail"
    failed = sorted(k for k, s in outcome.items() if s == "fail")
    item = Item("baseline.pre", "pre-migration", Msg("Baseline reaches every target from the source site"), True,
                "baseline", evidence_backed=True, cleared_by=BASELINE_CLEARS)
    if not outcome:
        return None
    if failed:
        shown_targets = ", ".join(f"{dep}: {target}" if target else str(dep) for dep, target in failed[:3])
        more = len(failed) - 3
        item.settle("fail", Msg("baseline broken: {n} of {total} targets unreachable from the source site "
                                "({targets}{more})", n=len(failed), total=len(outcome), targets=shown_targets,
                                more=Msg(" and {n} more", n=more) if more > 0 else ""))
    else:
        item.settle("pass", Msg("all {total} targets reached from the source site", total=len(outcome)))
    item.evidence_digest = ",".join(f"{d}|{t}" for d, t in failed)
    return item


def fails_fast_items(inventory: Inventory, runs: list[dict], judged: dict) -> list[Item]:
    """One `fails_fast` item per service with dependencies to rehearse (incidents 2 and 3), cleared
    only by rehearsal runs among `runs` (those that may count: checks/trust/provenance.py); each dependency's part also goes into
    `judged`, so the MR006 flag of that dependency follows it."""
    items = []
    for service, parts in service_parts(inventory, runs).items():
        item = Item(f"req:{service}:{FAILS_FAST}", "pre-migration",
                    Msg("{service}: the request path fails fast when a dependency is down (rehearsal)",
                        service=service), True,
                    "requirement", requirement=FAILS_FAST, evidence_backed=True,
                    cleared_by=_rehearse_clears(service, parts))
        order = ("fail", "pending", "pass")
        worst = min(parts, key=lambda p: order.index(p.state))
        item.settle(worst.state, Joined("; ", [p.text for p in sorted(parts, key=lambda p: order.index(p.state))]))
        item.evidence_digest = "".join(p.digest for p in parts)
        items.append(item)
        for part in parts:
            sub = Item("", "", "", True, "requirement", dependency=part.dependency, requirement=FAILS_FAST)
            sub.settle(part.state, part.text)
            sub.evidence_digest = part.digest
            judged[(part.dependency, FAILS_FAST)] = sub
    return items


def _rehearse_clears(service: str, parts) -> Msg:
    """The rehearsal to run, naming the dependencies still to prove (never a placeholder)."""
    todo = [p.dependency for p in parts if p.state != "pass"] or [p.dependency for p in parts]
    commands = Joined("; ", [f"migready rehearse --dependency {ref}" for ref in todo[:3]])
    if any(p.state == "fail" for p in parts):
        return Msg("give the client a timeout so the request path fails fast, then rehearse again: {commands}",
                   commands=commands)
    return Msg("a rehearsal run: {commands}", commands=commands)


DISCOVERY_KINDS = ("undocumented", "inbound")
DISCOVERY_SEVERITIES = ("blocker", "high", "medium")


def discovery_items(inventory: Inventory, discoveries: list[DiscoveryRecord]) -> list[Item]:
    """One item per peer a discovery saw that the inventory does not account for (incidents 4, 5).

    The latest discovery of each host or export counts, compared again with
    THIS inventory: once the peer is listed, its item is gone.  They start
    failed (the traffic was seen); a person may mark one n/a or pass with a
    note (a decommissioned node, a monitoring probe) or waive it.  High and
    above block the verdict, medium findings are listed without blocking.
    """
    latest: dict[tuple, DiscoveryRecord] = {}
    for record in discoveries:
        obs = record.observation
        latest[(obs.get("source"), obs.get("origin"))] = record
    names = {s.name for s in inventory.services}
    items: dict[str, Item] = {}
    for record in latest.values():
        observation = Observation.from_dict(record.observation)
        services = [s for s in record.comparison.get("services", ()) if s in names] or None
        for f in classify(inventory, observation, services).findings:
            if f.kind not in DISCOVERY_KINDS or f.severity not in DISCOVERY_SEVERITIES or not f.peer:
                continue
            peer = f.peer
            remote = peer["remote_ip"] or peer["remote_name"]
            remote = f"[{remote}]" if ":" in remote else remote  # an IPv6 address
            item_id = f"discovery:{f.kind}:{peer['proto']}:{peer['direction']}:{remote}:{peer['port']}"
            seen = Msg("{discovery} ({label}): seen in {samples} sample(s)", discovery=record.id,
                       label=observation.label, samples=peer.get("samples", 0))
            if item_id in items:
                items[item_id].evidence = Joined("; ", [items[item_id].evidence, seen])
                continue
            item = Item(item_id, "prepare",
                        Msg("Discovered on {origin}: {finding}", origin=observation.origin, finding=f.message),
                        f.severity in BLOCKING_SEVERITIES, "discovery", rule=f.rule, incident=f.incident,
                        cleared_by=Msg("{cleared_by} (a later discovery no longer sees it), or mark it n/a "
                                       "with the reason", cleared_by=f.cleared_by))
            item.settle("fail", seen)
            items[item_id] = item
    return list(items.values())


def _set_evidence(item: Item, j: Judgement) -> None:
    item.settle(j.state, j.text)
    item.evidence_digest = j.digest


def _adhoc(dep: Dependency, req: str, post: dict | None, inventory: Inventory) -> Item:
    item = Item("", "", "", True, "requirement", dependency=dep.ref, requirement=req)
    _set_evidence(item, judge(req, dep, post, inventory))
    return item


def _follow(item: Item, parts: list[Item]) -> None:
    """A flag's state from the requirements that clear it: fail beats pending beats pass."""
    order = ("fail", "pending", "pass", "na")
    worst = min(parts, key=lambda p: order.index(p.base_state))
    item.settle(worst.base_state, Joined("; ", [Msg("{requirement}: {state} ({evidence})",
                                                    requirement=requirement_id(p.requirement),
                                                    state=term("state", p.base_state), evidence=p.evidence)
                                                for p in parts]))
    item.evidence_digest = "".join(p.evidence_digest for p in parts)


def _apply_mark(item: Item, mark: Mark | None, latest_evidence: str) -> None:
    """A manual mark decides manual items; on evidence items it holds until newer evidence arrives."""
    if not mark:
        return
    if item.source == "run" or (item.evidence_backed and mark.state != "fail" and item.base_state != "pass"):
        # only evidence clears evidence (a mark recorded before that rule, or written by hand, does not)
        item.evidence = Msg("{evidence} (manual {state} by {by} ignored: only evidence or a waiver clears this)",
                            evidence=item.evidence, state=term("state", mark.state), by=mark.by)
        return
    if item.evidence_backed and latest_evidence and mark.at < latest_evidence:
        item.evidence = Msg("{evidence} (manual {state} by {by} predates this evidence)",
                            evidence=item.evidence, state=term("state", mark.state), by=mark.by)
        return
    item.mark = mark
    item.settle(mark.state, Msg("marked {state} by {by}: {note}", state=term("state", mark.state),
                                by=mark.by, note=mark.note))


def waiver_status(waiver: Waiver, item: Item, checklist: Checklist, today: _dt.date) -> str:
    """active | expired | needs_review | revoked.

    A waiver excuses the evidence it was granted against.  An item waiver needs
    review when that item's evidence changed; a dependency waiver when any of
    the dependency's items now fails or is pending in a way it did not then.
    """
    if waiver.revoked:
        return "revoked"
    if _dt.date.fromisoformat(waiver.until) < today:
        return "expired"
    evidence = waiver.evidence
    if waiver.scope == "item":
        granted = evidence.get("digest")
        if item.evidence_backed and granted is not None and granted != item.evidence_digest:
            return "needs_review"
        return "active"
    recorded = evidence.get("items", {})
    for other in checklist.items:
        if other.dependency == waiver.dependency and other.base_state in ("fail", "pending") \
                and recorded.get(other.id) != other.base_state:
            return "needs_review"
    return "active"


def covers(waiver: Waiver, item: Item) -> bool:
    if waiver.scope == "item":
        return waiver.item == item.id
    return item.dependency is not None and waiver.dependency == item.dependency


def _apply_waivers(item: Item, checklist: Checklist, waivers: list[Waiver], today: _dt.date) -> None:
    if item.base_state not in ("fail", "pending") or item.source == "run":
        return  # nothing to excuse, nothing to review; a missing run is never waived (only a run clears it)
    for waiver in waivers:
        if not covers(waiver, item):
            continue
        status = waiver_status(waiver, item, checklist, today)
        if status == "active":
            item.state, item.waiver = Status.WAIVED, waiver
        elif status == "expired":
            item.waiver_notes.append(Msg("waiver {waiver} by {by} expired on {until}", waiver=waiver.id,
                                         by=waiver.by, until=waiver.until))
        elif status == "needs_review":
            item.waiver_notes.append(Msg("waiver {waiver} by {by} needs review: the evidence changed since it was "
                                         "granted", waiver=waiver.id, by=waiver.by))
