"""The verdict's reasons grouped by root cause: one line per thing that is wrong.

One fault shows up in many places: the scale's source port rewritten by NAT
is a regression of the reflect probe, a regression of the scale's own UDP
exchange (the scale now answers ERR 266), three flags (MR001, MR002, MR003)
and three requirements (reachable, source_port_preserved, no_nat).  Listing
them as eight reasons with item ids buries the one sentence a lead needs.
So the reasons are grouped: normally one root cause per dependency and
requirement family (the network path, the timeout budget, the egress route,
the callback...), the manual steps together, the sign-off together.  Each
root cause carries its severity, one human sentence, the evidence lines
under it (pre → post, each flow with its ports), the rule and incident, what
clears it (`cleared_by`) and the waiver that covers it.  Item ids stay in
`items` for `--format json` and the details pane.

It reads the report dict (`checks/report/model.py`), the single source of
every format, so the CLI, the banner and every report format group the same
way and count the same number of root causes (`tally`).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .. import collector
from ..text.i18n import Joined, Msg, MsgN, N_, _, ngettext, shown
from ..text.labels import requirement_id, requirement_words, term

# requirement / rule / probe check -> family: what kind of fault it is
REQUIREMENT_FAMILY = {"reachable": "path", "source_port_preserved": "path", "no_nat": "path",
                      "within_timeout": "timing", "internal_route": "egress", "private_dns": "egress",
                      "reverse_reachable": "callback"}
RULE_FAMILY = {"MR001": "path", "MR002": "path", "MR003": "path", "MR008": "path", "MR010": "path",
               "MR004": "egress", "MR005": "timing", "MR006": "middleware", "MR007": "callback",
               "MR009": "sampling"}
CHECK_FAMILY = {"reflect": "path", "udp_exchange": "path", "tcp_connect": "path", "http": "path",
                "route": "egress", "dns": "egress"}
FAMILY_WORDS = {"path": N_("network path"), "timing": N_("timeout budget"), "egress": N_("egress route and DNS"),
                "callback": N_("callback (inbound)"), "middleware": N_("middleware in the request path"),
                "sampling": N_("fleet sampling"), "other": N_("checks")}
STATE_ORDER = ("fail", "pending", "waived")
SEVERITY_ORDER = ("blocker", "high", "medium", "low")
MANUAL_SOURCES = ("template", "inventory")


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
    return group(items, regressions, changes, deps, site)


def from_review(inventory, result) -> list[RootCause]:
    """The same grouping from a `verdict.Review` (the window's banner), without building a report."""
    from ..report.evidence import change_entry, regression_entry
    from ..report.model import dependency_entry, item_entry
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
        regressions.append(dict(regression_entry(change), waived=waiver and
                                {k: waiver.get(k) for k in ("id", "by", "reason", "until")}))
    return group(items, regressions, changes, deps, inventory.migration.target.site or Msg("the target site"))


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


def group(items: list[dict], regressions: list[dict], changes: dict[str, list[dict]], deps: dict[str, dict],
          site: str) -> list[RootCause]:
    with collector.paused():  # thousands of Msg sentences: checks/collector.py
        return _group(items, regressions, changes, deps, site)


def _group(items: list[dict], regressions: list[dict], changes: dict[str, list[dict]], deps: dict[str, dict],
           site: str) -> list[RootCause]:
    buckets: dict[str, dict] = {}

    def bucket(key: str, dependency: str | None, family: str) -> dict:
        found = buckets.get(key)
        if found is None:
            found = buckets[key] = {"dependency": dependency, "family": family, "items": [], "regressions": []}
        return found

    for item in items:
        if not item.get("blocker") or item.get("state") not in STATE_ORDER:
            continue
        dep = item.get("dependency")
        if dep and item.get("source") in ("requirement", "flag"):
            family = (REQUIREMENT_FAMILY.get(item.get("requirement") or "")
                      or RULE_FAMILY.get(item.get("rule") or "") or "other")
            bucket(f"{dep}:{family}", dep, family)["items"].append(item)
        elif item.get("source") in MANUAL_SOURCES:
            bucket(f"manual:{item['state']}", None, "manual")["items"].append(item)
        elif item.get("source") == "run":
            bucket("runs", None, "runs")["items"].append(item)
        else:  # discovery findings and anything else: one each
            bucket(item["id"], dep, item.get("source") or "other")["items"].append(item)
    for reg in regressions:
        dep = reg.get("dependency")
        entry = _change(changes.get(dep or "", []), reg)
        family = _change_family(reg, entry)
        bucket(f"{dep}:{family}" if dep else f"host:{reg.get('check')}", dep, family)["regressions"].append(
            dict(reg, entry=entry))

    causes = [_cause(key, b, deps.get(b["dependency"] or ""), site, changes.get(b["dependency"] or "", []))
              for key, b in buckets.items()]
    causes.sort(key=lambda c: (STATE_ORDER.index(c.state), c.family in ("manual", "signoff"),
                               -c.regressions, _severity_rank(c.severity)))
    return causes


def _severity_rank(severity: str) -> int:
    return SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else len(SEVERITY_ORDER)


def _change(entries: list[dict], reg: dict) -> dict | None:
    return next((e for e in entries if e.get("check") == reg.get("check") and e.get("target") == reg.get("target")),
                None)


def _change_family(reg: dict, entry: dict | None) -> str:
    kinds = {f.get("kind") for f in (entry or {}).get("findings") or () if f.get("severity") == "regression"}
    if kinds and kinds <= {"latency_up"}:
        return "timing"
    return CHECK_FAMILY.get(reg.get("check") or "", "other")


def _state(b: dict) -> str:
    states = [i["state"] for i in b["items"]]
    states += ["waived" if r.get("waived") else "fail" for r in b["regressions"]]
    return min(states, key=STATE_ORDER.index)


def _cause(key: str, b: dict, dep: dict | None, site: str, dep_changes: list[dict]) -> RootCause:
    items, regs = b["items"], b["regressions"]
    state = _state(b)
    flags = [i for i in items if i.get("source") == "flag"]
    severity = "blocker"
    rules = sorted({i["rule"] for i in items if i.get("rule")})
    incidents = sorted({i["incident"] for i in items if i.get("incident")})
    said = Msg("incident {incidents}", incidents=", ".join(map(str, incidents))) if incidents else ""
    if rules:
        rule = Msg("{rules} ({incident})", rules=", ".join(rules), incident=said) if said else ", ".join(rules)
    else:
        rule = said
    cleared = next((i.get("cleared_by") for i in sorted(flags, key=lambda i: (i.get("rule") != "MR002",))
                    if i.get("cleared_by")), "") or next((i.get("cleared_by") for i in items if i.get("cleared_by")), "")
    waivers = [i.get("waiver") for i in items if i.get("state") == "waived" and i.get("waiver")]
    waivers += [r.get("waived") for r in regs if r.get("waived")]
    waiver = waivers[0] if waivers and state == "waived" else None
    if waiver:
        waiver = {k: waiver.get(k) for k in ("by", "reason", "until") if waiver.get(k) is not None}
    family = b["family"]
    cause = RootCause(key=key, state=state, severity=severity, headline="", rule=rule, cleared_by=cleared,
                      waiver=waiver, dependency=b["dependency"], family=family,
                      items=[i["id"] for i in items], regressions=len(regs))
    if family == "manual":
        if state == "pending":
            cause.headline = MsgN("{n} manual step not marked yet", "{n} manual steps not marked yet", len(items))
        elif state == "fail":
            cause.headline = MsgN("{n} manual step fail", "{n} manual steps fail", len(items))
        else:
            cause.headline = MsgN("{n} manual step waived", "{n} manual steps waived", len(items))
        cause.evidence = [i.get("title") or i["id"] for i in items]
        cause.cleared_by = Msg("mark each step pass or n/a with the reason (migready mark, or the Checklist page)")
        return cause
    if family == "runs":
        cause.headline = Joined("; ", [Msg("{title}: {evidence}", title=_first_sentence(i.get("title") or i["id"]),
                                           evidence=i.get("evidence")) for i in items])
        cause.cleared_by = items[0].get("cleared_by") or ""
        return cause
    if dep is None and not b["dependency"]:
        first = items[0] if items else None
        cause.headline = (first.get("title") if first else _regression_sentence(regs[0])) or key
        cause.evidence = [first.get("evidence")] if first and first.get("evidence") else []
        return cause
    name = (dep or {}).get("name") or (b["dependency"] or "").rsplit("/", 1)[-1]
    cause.headline = _headline(name, family, items, regs, dep_changes, site, state)
    cause.evidence = _evidence(family, items, regs, dep_changes, dep)
    return cause


def _first_sentence(text: str) -> str:
    return text if ";" not in text else text.split(";")[0]  # a whole sentence stays a Msg


def _regression_sentence(reg: dict) -> str:
    return Joined("; ", reg.get("findings") or ()) or Msg("{check} regressed", check=reg.get("check"))


def _headline(name: str, family: str, items: list[dict], regs: list[dict], dep_changes: list[dict],
              site: str, state: str) -> str:
    if family == "path":
        reflect = next((c for c in dep_changes if c.get("check") == "reflect" and c.get("post")), None)
        post = (reflect or {}).get("post") or {}
        local = _port(post.get("local"))
        if post.get("port_preserved") is False and local:
            return Msg("{name}: source port {port} rewritten by NAT at {site}", name=name, port=local, site=site)
        if post.get("nat") is True:
            return Msg("{name}: source address translated by NAT at {site}", name=name, site=site)
    failing = [i for i in items if i["state"] == "fail"]
    if regs and not failing:
        return Msg("{name}: {what}", name=name, what=_regression_sentence(regs[0]))
    if failing:
        if failing[0].get("requirement"):
            return Msg("{name}: {requirement} fails at {site}", name=name,
                       requirement=requirement_words(failing[0]["requirement"]), site=site)
        what = failing[0].get("rule") or ""
        return Msg("{name}: {what}", name=name, what=failing[0].get("title") or what.replace("_", " "))
    reqs = sorted({requirement_words(i["requirement"]) for i in items if i.get("requirement")}) or \
        sorted({i.get("rule") or "" for i in items})
    word = FAMILY_WORDS.get(family)
    what = Msg(word) if word else family
    listed = Joined(", ", [r for r in reqs if r])
    if state == "waived":
        return Msg("{name}: {what} waived ({requirements})", name=name, what=what, requirements=listed)
    return Msg("{name}: {what} not proven yet ({requirements})", name=name, what=what, requirements=listed)


def _port(endpoint: str | None) -> str | None:
    if not endpoint or ":" not in endpoint:
        return None
    return endpoint.rsplit(":", 1)[1]


def _evidence(family: str, items: list[dict], regs: list[dict], dep_changes: list[dict],
              dep: dict | None) -> list[str]:
    """Pre -> post per flow (the probe, its target and ports); item evidence when nothing was compared."""
    lines = []
    shown = set()
    for change in dep_changes:
        if CHECK_FAMILY.get(change.get("check") or "") != family and not (
                family == "timing" and change.get("check") in ("tcp_connect", "udp_exchange", "http")):
            continue
        post = change.get("post") or {}
        if not (change.get("regression") or post.get("status") == "fail"):
            continue
        line = _flow_line(change, dep)  # over many staging hosts, each flow says whose it is (review/hosts.py)
        lines.append(Msg("{flow} on {host}", flow=line, host=change["host"]) if change.get("host") else line)
        shown.add((change.get("check"), change.get("target")))
    for reg in regs:
        if (reg.get("check"), reg.get("target")) not in shown:
            lines.append(Msg("{check} {target}: {what}", check=reg.get("check"), target=reg.get("target") or "",
                             what=_regression_sentence(reg)))
    if not lines:
        for item in items:
            if item.get("evidence") and item["state"] != "pass":
                what = requirement_id(item["requirement"]) if item.get("requirement") else \
                    item.get("rule") or item["id"]
                lines.append(Msg("{what}: {evidence}", what=what, evidence=item["evidence"]))
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
    detail = side.get("detail") or side.get("reason") or ""
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
