"""The verdict's reasons grouped by root cause: one line per thing that is wrong.

One fault shows up in many places: the scale's source port rewritten by NAT
is a regression of the reflect probe, a regression of the scale's own UDP
exchange (the scale now answers ERR 266), three flags (MR001, MR002, MR003)
and three requirements (reachable, source_port_preserved, no_nat).  Listing
them as eight reasons with item ids buries the one sentence a lead needs.
So the findings (checks/review/findings.py) are grouped by the observation
underneath them: one root cause per fault.  Each carries its state (the worst
of its findings), one sentence naming the problem with its values (never the
requirement it breaks), the evidence lines under it, which agree with that
state (pre → post per flow, with its ports), the rule and incident, what
clears it (`cleared_by`) and the waiver that covers it.  Item ids stay in
`items` for `--format json` and the details pane.

The review's entries and a report read back from JSON have the same shapes
(checks/review/entries.py), so the CLI, the banner and every report format
group the same way and count the same number of root causes (`tally`).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .. import collector
from ..text.i18n import Joined, Msg, MsgN, N_, _, ngettext, shown
from ..text.labels import VOCABULARY, requirement_id, requirement_words, term
from .checklist import BY_POST_EVIDENCE  # a pending requirement's generic line: never "what clears it"
from .findings import CHECK_FAMILY, NOT_PROBED, Finding, Status, findings_from
from .hosts import on_hosts

FAMILY_WORDS = {"path": N_("network path"), "timing": N_("timeout budget"), "egress": N_("egress route and DNS"),
                "callback": N_("callback (inbound)"), "middleware": N_("middleware in the request path"),
                "sampling": N_("fleet sampling"), "other": N_("checks")}
STATE_ORDER = ("fail", "pending", "waived")
SEVERITY_ORDER = ("blocker", "high", "medium", "low")
# Which finding names a fault best: what the evidence judged, then what changed, then what the rules foresaw.
KIND_ORDER = ("requirement", "rehearsal", "regression", "baseline", "discovery", "run", "flag", "manual", "other")


@dataclass
class RootCause:
    key: str
    state: str  # fail | pending | waived: the worst of what it groups
    severity: str  # blocker | high | ...: the highest flag severity behind it ("blocker" without flags)
    headline: str  # one sentence, no ids
    evidence: list[str] = field(default_factory=list)  # pre -> post lines, each flow named
    rule: str = ""  # "MR002 (incident 1)"
    cleared_by: str = ""
    waiver: dict | None = None  # {by, reason, until}: the one waiver that covers it
    dependency: str | None = None
    family: str = ""
    items: list[str] = field(default_factory=list)  # checklist item ids (details, json)
    regressions: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


def tally(causes: list[RootCause]) -> dict:
    """The one count every view shows: root causes by state."""
    out = {"root_causes": len(causes)}
    out.update({state: sum(1 for c in causes if c.state == state) for state in STATE_ORDER})
    return out


TALLY_PARTS = {"fail": N_("{n} failed"), "pending": N_("{n} pending"), "waived": N_("{n} waived")}


def tally_text(causes: list[RootCause]) -> str:
    """The count in words, in the reader's language (presentation: never signed)."""
    t = tally(causes)
    if not causes:
        return _("no root cause")
    parts = _(", ").join(_(TALLY_PARTS[s]).format(n=t[s]) for s in STATE_ORDER if t[s])
    return ngettext("{n} root cause ({parts})", "{n} root causes ({parts})", len(causes)).format(
        n=t["root_causes"], parts=parts)


def from_report(report: dict) -> list[RootCause]:
    """Root causes of a report dict (built now or read back from a JSON report)."""
    deps, items, changes = {}, [], {}
    for service in report.get("services") or ():
        for dep in service.get("dependencies") or ():
            deps[dep["ref"]] = dep
            items.extend(dep.get("items") or ())
            changes[dep["ref"]] = dep.get("evidence") or []
    for phase in report.get("general_items") or ():
        items.extend(phase.get("items") or ())
    regressions = (report.get("attention") or {}).get("regressions") or []
    site = ((report.get("migration") or {}).get("target") or {}).get("site") or Msg("the target site")
    probed = any(r.get("compared") for r in report.get("runs") or ()) if "runs" in report else True
    return group(findings_from(items, regressions, changes, probed), changes, deps, site)


def from_review(inventory, result) -> list[RootCause]:
    """The same grouping from a `verdict.Review` (the window's banner), without building a report."""
    from .entries import change_entry, dependency_entry, item_entry, regression_entry
    from .verdict import regression_waiver

    checklist, comparison = result.checklist, result.comparison
    items = [item_entry(i) for i in checklist.items if i.blocker and i.state in STATE_ORDER]
    wanted = {i["dependency"] for i in items} | {c.dependency for c in comparison.regressions}
    deps = {d.ref: dependency_entry(d, inventory) for d in inventory.dependencies() if d.ref in wanted}
    changes: dict[str, list[dict]] = {}
    for change in comparison.changes:
        if change.dependency in wanted:
            changes.setdefault(change.dependency, []).append(change_entry(change))
    regressions = []
    for change in comparison.regressions:
        waiver = regression_waiver(checklist, change)
        regressions.append(dict(regression_entry(change), waived=waiver and waiver.summary()))
    probed = checklist.pre_run is not None or checklist.post_run is not None
    return group(findings_from(items, regressions, changes, probed), changes, deps,
                 inventory.migration.target.site or Msg("the target site"),
                 [d.ref for d in inventory.dependencies()])


def blocker_tally(items) -> dict:
    """Blocker checklist items by state: the one count the rail, the checklist page and the report show."""
    states = [getattr(i, "state", None) if not isinstance(i, dict) else i.get("state")
              for i in items if (i.get("blocker") if isinstance(i, dict) else getattr(i, "blocker", False))]
    return {"failed": states.count("fail"), "pending": states.count("pending"), "waived": states.count("waived"),
            "passed": states.count("pass") + states.count("na")}


def signoff_gate(report: dict) -> str:
    """'awaiting sign-off: ROLE, ...' / 'rejected by ...' (the gate after the evidence), or '';
    in the reader's language (presentation: never signed)."""
    signoff = report.get("signoff") or {}
    rejected = [e for e in signoff.get("entries") or () if e.get("current") and e.get("decision") == "reject"
                and e.get("signature_valid") is not False]
    parts = [_("rejected by {name} ({role})").format(name=e.get("name"), role=e.get("role")) for e in rejected]
    if signoff.get("awaiting"):
        parts.append(_("awaiting sign-off: {roles}").format(roles=_(", ").join(signoff["awaiting"])))
    return _("; ").join(parts)


def group(findings: list[Finding], changes: dict[str, list[dict]], deps: dict[str, dict],
          site: str, refs: list[str] | None = None) -> list[RootCause]:
    """One root cause per observation; the order a lead reads them in.  `refs`: every dependency of the
    inventory (default: `deps`), so a name two services share is said with its service."""
    with collector.paused():  # thousands of Msg sentences: checks/collector.py
        buckets: dict[str, list[Finding]] = {}
        for f in findings:
            buckets.setdefault(f.observation, []).append(f)
        names: dict[str, int] = {}
        for ref in refs if refs is not None else deps:
            name = ref.rsplit("/", 1)[-1]
            names[name] = names.get(name, 0) + 1
        causes = [_cause(key, fs, deps, names, site, changes) for key, fs in buckets.items()]
        causes.sort(key=lambda c: (STATE_ORDER.index(c.state), c.family in ("manual", "signoff"),
                                   -c.regressions, _severity_rank(c.severity)))
        return causes


def _severity_rank(severity: str) -> int:
    return SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else len(SEVERITY_ORDER)


# Within one fault, the requirement nearest its cause: a rewritten port also breaks `reachable`, not the reverse.
REQUIREMENT_ORDER = ("source_port_preserved", "no_nat", "internal_route", "private_dns", "reverse_reachable",
                     "fails_fast", "within_timeout", "reachable")
REQUIREMENT_CHECKS = {"reachable": ("tcp_connect", "udp_exchange", "http"), "within_timeout": ("tcp_connect",
                      "udp_exchange", "http"), "source_port_preserved": ("reflect",), "no_nat": ("reflect",),
                      "private_dns": ("dns",), "internal_route": ("route", "dns"), "reverse_reachable": ("callback",)}


def _rank(f: Finding) -> tuple:
    kind = KIND_ORDER.index(f.kind) if f.kind in KIND_ORDER else len(KIND_ORDER)
    req = REQUIREMENT_ORDER.index(f.requirement) if f.requirement in REQUIREMENT_ORDER else len(REQUIREMENT_ORDER)
    return STATE_ORDER.index(f.status.value), kind, req


def _best(findings: list[Finding]) -> Finding:
    """The finding that names the fault: the worst state, then the most concrete kind, then the requirement
    nearest the cause."""
    return min(findings, key=_rank)


def _label(ref: str | None, deps: dict[str, dict], names: dict[str, int]) -> str:
    """A dependency as a headline names it: its name, or service/name when several services share it."""
    if not ref:
        return ""
    name = ref.rsplit("/", 1)[-1]
    return ref if names.get(name, 0) > 1 else name


def _rule_line(findings: list[Finding]) -> str:
    rules = sorted({f.rule for f in findings if f.rule and f.rule.startswith("MR")})
    incidents = sorted({f.incident for f in findings if f.incident})
    said = Msg("incident {incidents}", incidents=", ".join(map(str, incidents))) if incidents else ""
    if rules:
        return Msg("{rules} ({incident})", rules=", ".join(rules), incident=said) if said else ", ".join(rules)
    reqs = sorted({f.requirement for f in findings if f.requirement})
    if reqs and said:
        return Msg("requirement {requirements} ({incident})", requirements=", ".join(reqs), incident=said)
    return said


def _cleared_by(findings: list[Finding], best: Finding) -> str:
    """What clears it: the failing requirement's fix, else the rule's, else what the best finding says."""
    for f in sorted(findings, key=lambda f: (f.status is not Status.FAIL, f.kind not in ("requirement", "rehearsal"),
                                             _rank(f), f.rule != "MR002")):
        if f.cleared_by and f.cleared_by != BY_POST_EVIDENCE:
            return f.cleared_by
    return best.cleared_by


def _cause(key: str, findings: list[Finding], deps: dict[str, dict], names: dict[str, int], site: str,
           changes: dict[str, list[dict]]) -> RootCause:
    state = min((f.status.value for f in findings), key=STATE_ORDER.index)
    best = _best(findings)
    family = best.family
    regs = [f for f in findings if f.kind == "regression"]
    waivers = [f.waiver for f in findings if f.status is Status.WAIVED and f.waiver]
    waiver = waivers[0] if waivers and state == "waived" else None
    if waiver:
        waiver = {k: waiver.get(k) for k in ("by", "reason", "until") if waiver.get(k) is not None}
    dependency = best.dependency if key.startswith(f"{best.dependency}:") else None
    cause = RootCause(key=key, state=state, severity="blocker", headline="", rule=_rule_line(findings),
                      cleared_by=_cleared_by(findings, best), waiver=waiver, dependency=dependency,
                      family=family, items=[f.id for f in findings if f.kind != "regression"],
                      regressions=len(regs))
    if key == NOT_PROBED:
        reqs = sum(1 for f in findings if f.kind == "requirement")
        cause.family = "runs"
        cause.headline = MsgN("not probed yet: {n} requirement waits for the first probe runs",
                              "not probed yet: {n} requirements wait for the first probe runs", reqs)
        cause.evidence = [f.problem for f in findings if f.kind == "run" and f.problem]
        cause.cleared_by = Msg("probe from the source site, then from the target site after the move: "
                               "migready probe --phase pre, then migready probe --phase post")
        return cause
    if family == "manual":
        n = len(findings)
        if state == "pending":
            cause.headline = MsgN("{n} manual step not marked yet", "{n} manual steps not marked yet", n)
        elif state == "fail":
            cause.headline = MsgN("{n} manual step fail", "{n} manual steps fail", n)
        else:
            cause.headline = MsgN("{n} manual step waived", "{n} manual steps waived", n)
        cause.evidence = [f.title or f.id for f in findings]
        cause.cleared_by = Msg("mark each step pass or n/a with the reason (migready mark, or the Checklist page)")
        return cause
    if family in ("runs", "baseline"):
        cause.headline = Joined("; ", [_first_sentence(f.problem) if f.kind == "baseline" else
                                       Msg("{title}: {evidence}", title=_first_sentence(f.title or f.id),
                                           evidence=f.problem) for f in findings])
        return cause
    if best.kind == "rehearsal" or key.startswith("service:"):
        service = best.service or key.split(":")[1]
        cause.headline = _service_headline(service, findings, state)
        cause.evidence = [Msg("{what}: {evidence}", what=requirement_id(f.requirement) if f.requirement else
                              (f.rule or f.id), evidence=f.problem)
                          for f in findings if f.kind in ("rehearsal",) and f.problem] or \
            [f.problem for f in findings if f.problem]
        return cause
    if not dependency:
        cause.headline = best.problem or best.title or key
        cause.evidence = [f.problem for f in findings if f.kind != best.kind and f.problem]
        return cause
    label = _label(dependency, deps, names)
    dep_changes = changes.get(dependency, [])
    cause.headline = _headline(label, family, findings, best, dep_changes, site, state)
    cause.evidence = _evidence(family, findings, best, dep_changes, deps.get(dependency), state)
    return cause


def _service_headline(service: str, findings: list[Finding], state: str) -> str:
    rehearsal = next((f for f in findings if f.kind == "rehearsal"), None)
    if state == "fail" and rehearsal is not None and rehearsal.status is Status.FAIL:
        return Msg("{service}: the request path does not fail fast when a dependency is down: {evidence}",
                   service=service, evidence=_first_sentence(rehearsal.problem))
    if state == "waived":
        return Msg("{service}: fail-fast rehearsal waived", service=service)
    return Msg("{service}: fail-fast not rehearsed yet ({evidence})", service=service,
               evidence=_first_sentence((rehearsal or findings[0]).problem))


def _first_sentence(text: str) -> str:
    return text if ";" not in text else text.split(";")[0]  # a whole sentence stays a Msg


def _headline(name: str, family: str, findings: list[Finding], best: Finding, dep_changes: list[dict],
              site: str, state: str) -> str:
    if family == "path" and state == "fail":
        reflects = [c for c in dep_changes if c.get("check") == "reflect" and c.get("post")]
        rewritten = [c for c in reflects if c["post"].get("port_preserved") is False]
        translated = [c for c in reflects if c["post"].get("nat") is True]
        where = _on_hosts(rewritten or translated, reflects)
        local = _port(rewritten[0]["post"].get("local")) if rewritten else None
        if local:
            return Msg("{name}: source port {port} rewritten by NAT at {site}{where}", name=name, port=local,
                       site=site, where=where)
        if translated:
            return Msg("{name}: source address translated by NAT at {site}{where}", name=name, site=site,
                       where=where)
    if state == "fail":
        return Msg("{name}: {problem}", name=name, problem=best.problem or best.title)
    reqs = sorted({requirement_words(f.requirement) for f in findings if f.requirement}) or \
        sorted({f.rule or "" for f in findings})
    word = FAMILY_WORDS.get(family)
    what = Msg(word) if word else family
    listed = Joined(", ", [r for r in reqs if r])
    if state == "waived":
        return Msg("{name}: {what} waived ({requirements})", name=name, what=what, requirements=listed)
    return Msg("{name}: {what} not proven yet ({requirements}): {why}", name=name, what=what, requirements=listed,
               why=best.problem or best.title)


def _on_hosts(bad: list[dict], of: list[dict]) -> str:
    """' on 3 of 8 hosts (node-2, node-5, node-7)' when the flows came from several staging hosts, else ''
    (incident 1: NAT broke some nodes' price pushes, not all)."""
    hosts = {c.get("host") for c in of if c.get("host")}
    if len(hosts) < 2 or not bad:
        return ""
    return Msg(" {where}", where=on_hosts([{"host": c.get("host")} for c in bad],
                                          [{"host": h} for h in sorted(hosts)]))


def _port(endpoint: str | None) -> str | None:
    if not endpoint or ":" not in endpoint:
        return None
    return endpoint.rsplit(":", 1)[1]


def _evidence(family: str, findings: list[Finding], best: Finding, dep_changes: list[dict],
              dep: dict | None, state: str) -> list[str]:
    """Pre -> post per flow of this fault, only flows that agree with its state (a failing root cause never
    stands on pass -> pass lines); then each other requirement that fails with it, in its own words."""
    lines, shown_flows = [], set()
    for change in dep_changes:
        check = change.get("check") or ""
        if CHECK_FAMILY.get(check) != family and not (
                family == "timing" and check in ("tcp_connect", "udp_exchange", "http")):
            continue
        post = change.get("post") or {}
        post_status = post.get("status")
        if state == "fail":
            agrees = post_status == "fail" or (change.get("regression") and any(
                f.get("severity") == "regression" for f in change.get("findings") or ()))
        else:
            agrees = post_status not in ("pass", None) or change.get("regression")
        if not agrees:
            continue
        line = _flow_line(change, dep)  # over many staging hosts, each flow says whose it is (review/hosts.py)
        lines.append(Msg("{flow} on {host}", flow=line, host=change["host"]) if change.get("host") else line)
        shown_flows.add((check, change.get("target")))
    for f in findings:
        if f.kind == "regression" and (f.check, f.target) not in shown_flows:
            lines.append(Msg("{check} {target}: {what}", check=f.check, target=f.target or "", what=f.problem))
    for f in findings:
        if f is best or f.kind not in ("requirement", "rehearsal") or not f.problem:
            continue
        if (f.status.value != state and state == "fail") or \
                any(check in REQUIREMENT_CHECKS.get(f.requirement or "", ()) for check, _t in shown_flows):
            continue  # a flow above already says it, with its values
        what = requirement_id(f.requirement) if f.requirement else f.rule or f.id
        lines.append(Msg("{what}: {evidence}", what=what, evidence=f.problem))
    if not lines and best.kind in ("requirement", "rehearsal") and best.problem and state != "fail":
        lines.append(Msg("{what}: {evidence}", what=requirement_id(best.requirement) if best.requirement else best.id,
                         evidence=best.problem))
    return lines


def _flow_line(change: dict, dep: dict | None) -> str:
    check, target = change.get("check"), change.get("target") or ""
    pre, post = change.get("pre") or {}, change.get("post") or {}
    source = (dep or {}).get("source_port")
    if check == "reflect":
        sides = {"pre": _reflect_side(pre), "post": _reflect_side(post)}
        if source:
            return Msg("reflector {target} from port {source}: pre {pre} → post {post}", target=target,
                       source=source, **sides)
        return Msg("reflector {target}: pre {pre} → post {post}", target=target, **sides)
    port = (dep or {}).get("port")
    where = f"{target}:{port}" if port and check in ("tcp_connect", "udp_exchange") and ":" not in target else target
    proto = {"udp_exchange": "udp", "tcp_connect": "tcp"}.get(check, check)
    sides = {"pre": _side(pre), "post": _side(post)}
    if source and check in ("udp_exchange", "tcp_connect"):
        return Msg("{protocol} {where} from port {source}: pre {pre} → post {post}", protocol=proto, where=where,
                   source=source, **sides)
    return Msg("{protocol} {where}: pre {pre} → post {post}", protocol=proto, where=where, **sides)


def _reflect_side(side: dict) -> str:
    if not side:
        return Msg("none")
    local, observed = side.get("local"), side.get("observed")
    if side.get("port_preserved") is True:
        return Msg("port {port} kept", port=_port(local))
    if side.get("port_preserved") is False:
        if side.get("nat"):
            return Msg("port {local} → {observed}, address {local_address} → {observed_address}",
                       local=_port(local), observed=_port(observed), local_address=(local or "").rsplit(":", 1)[0],
                       observed_address=(observed or "").rsplit(":", 1)[0])
        return Msg("port {local} → {observed}", local=_port(local), observed=_port(observed))
    return _side(side)


def _side(side: dict) -> str:
    if not side:
        return Msg("none")
    status = side.get("status") or "inconclusive"
    detail = side.get("detail") or ""
    reason = side.get("reason")
    # the probe answered, the core judged it bad for its dependency (probing/outcome.py's reasons): say why
    if status == "fail" and reason in VOCABULARY["reason"]:
        said = Msg(VOCABULARY["reason"][reason])
        detail = Msg("{reason}: {detail}", reason=said, detail=detail) if detail else said
    detail = detail or reason or ""
    if status == "pass" or not detail:
        return term("status", status)
    return Msg("{status} ({detail})", status=term("status", status), detail=detail)


def lines(causes: list[RootCause], limit_evidence: int = 3) -> list[str]:
    """The root causes as the CLI prints them: a numbered headline, then its evidence and what clears it,
    in the reader's language (presentation: the sentences are shown, never signed from here)."""
    out = []
    for n, c in enumerate(causes, 1):
        label = _(CAUSE_LABELS[c.state])
        out.append(f"{n}. [{label}] {shown(c.headline)}")
        listed = c.evidence[:limit_evidence]
        out += [f"     {shown(e)}" for e in listed]
        if len(c.evidence) > len(listed):
            out.append("     " + _("…and {n} more (migready checklist)").format(n=len(c.evidence) - len(listed)))
        rule = c.rule and (_("rule {rule}").format(rule=shown(c.rule)) if c.rule.startswith("MR") else shown(c.rule))
        cleared = c.cleared_by and _("clears it: {cleared_by}").format(cleared_by=shown(c.cleared_by))
        tail = _("; ").join(x for x in (rule, cleared) if x)
        if c.waiver:
            tail = _("waived by {by} until {until}: {reason}").format(
                by=c.waiver.get("by"), until=c.waiver.get("until"), reason=c.waiver.get("reason"))
        if tail:
            out.append(f"     {tail}")
    return out


CAUSE_LABELS = {"fail": N_("FAILED"), "pending": N_("PENDING"), "waived": N_("WAIVED")}
