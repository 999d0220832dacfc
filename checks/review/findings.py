"""Findings: one per open checklist item or regression, each saying the problem once, with its values.

The checklist judges requirements, the comparison judges pre/post pairs, the
rules raise flags and a discovery or a rehearsal adds its own items.  One
fault shows up in several of them: a call-back that no longer arrives is a
regression of the callback probe, the `reverse_reachable` requirement and the
MR007 flag.  A `Finding` is one of those, typed, with

- its status (`Status`: good or bad *for the dependency*, never a probe's raw
  "it answered"),
- the problem in one sentence with the observed values (the judgement's own
  evidence: the address, the zone, the NAT, the port),
- the rule and incident behind it, and what clears it,
- the `observation` underneath it: findings that share one are one fault, so
  the root causes (checks/review/root_causes.py) group by it and count each
  fault once.

Findings are built from the review's entries (checks/review/entries.py), the
same shapes a JSON report holds, so the window's banner, `migready verdict`
and every report format are drawn from the same findings and cannot disagree.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Iterable, Optional

from ..store.records import Status
from ..text.i18n import Joined, Msg


OPEN = (Status.FAIL, Status.PENDING, Status.WAIVED)  # worst first: the order a root cause takes its state in

# requirement / rule / probe check -> family: what kind of fault it is
REQUIREMENT_FAMILY = {"reachable": "path", "source_port_preserved": "path", "no_nat": "path",
                      "within_timeout": "timing", "internal_route": "egress", "private_dns": "egress",
                      "reverse_reachable": "callback", "fails_fast": "middleware"}
RULE_FAMILY = {"MR001": "path", "MR002": "path", "MR003": "path", "MR008": "path", "MR010": "path",
               "MR004": "egress", "MR005": "timing", "MR006": "middleware", "MR007": "callback",
               "MR009": "sampling"}
CHECK_FAMILY = {"reflect": "path", "udp_exchange": "path", "tcp_connect": "path", "http": "path",
                "route": "egress", "dns": "egress", "callback": "callback"}
# The incident each requirement guards against (../shared/DESIGN.md), cited when no flag names one.
REQUIREMENT_INCIDENT = {"source_port_preserved": 1, "no_nat": 1, "private_dns": 2, "internal_route": 2,
                        "within_timeout": 2, "reverse_reachable": 5, "fails_fast": 3}
MANUAL_SOURCES = ("template", "inventory")
NOT_PROBED = "not-probed"


@dataclass
class Finding:
    id: str  # the checklist item id, or "regression:DEP:CHECK:TARGET"
    status: Status
    kind: str  # requirement | flag | rehearsal | regression | baseline | run | manual | discovery | other
    observation: str  # findings with the same observation are one fault (one root cause)
    family: str  # path | timing | egress | callback | middleware | ... (checks/review/root_causes.py words)
    problem: str  # a Msg: the problem with the observed values, or what is still missing
    dependency: Optional[str] = None
    requirement: Optional[str] = None
    rule: Optional[str] = None
    incident: Optional[int] = None
    cleared_by: str = ""
    waiver: Optional[dict] = None  # {id, by, reason, until} when waived
    title: str = ""
    check: Optional[str] = None  # regressions: the probe check and target that regressed
    target: Optional[str] = None

    @property
    def service(self) -> Optional[str]:
        if self.dependency:
            return self.dependency.split("/", 1)[0]
        if self.kind == "rehearsal":
            return self.observation.split(":")[1]
        return None

    def to_dict(self) -> dict:
        out = asdict(self)
        out["status"] = self.status.value
        return out

    @classmethod
    def from_dict(cls, data: dict) -> "Finding":
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["status"] = Status(values["status"])
        return cls(**values)


def findings_from(items: Iterable[dict], regressions: Iterable[dict], changes: dict[str, list[dict]],
                  probed: bool = True) -> list[Finding]:
    """The findings of a review's blocking items and regressions (entries), `changes` being the
    pre/post change entries by dependency.

    `probed` is False while no run counts as evidence yet: then every requirement and flag that waits
    for evidence is the one observation "not probed yet", not dozens of separate faults."""
    out: list[Finding] = []
    for item in items:
        finding = _from_item(item, probed)
        if finding is not None:
            out.append(finding)
    for reg in regressions:
        out.append(_from_regression(reg, change_of(changes.get(reg.get("dependency") or "", ()), reg)))
    return out


def change_of(entries: Iterable[dict], reg: dict) -> Optional[dict]:
    """The change entry behind a regression (same check and target)."""
    return next((e for e in entries if e.get("check") == reg.get("check") and e.get("target") == reg.get("target")),
                None)


def _from_item(item: dict, probed: bool) -> Optional[Finding]:
    state = item.get("state")
    if not item.get("blocker") or state not in OPEN:
        return None
    status = Status(state)
    source, dep, req, rule = item.get("source"), item.get("dependency"), item.get("requirement"), item.get("rule")
    waiver = item.get("waiver") if status is Status.WAIVED else None
    common = dict(id=item["id"], status=status, dependency=dep, requirement=req, rule=rule,
                  incident=item.get("incident") or REQUIREMENT_INCIDENT.get(req or ""),
                  cleared_by=item.get("cleared_by") or "", waiver=waiver, title=item.get("title") or "")
    evidence = item.get("evidence") or ""
    if not probed and status is Status.PENDING and source in ("requirement", "flag", "run") and \
            (source != "flag" or item.get("evidence_backed")):
        return Finding(kind="run" if source == "run" else source, observation=NOT_PROBED, family="runs",
                       problem=evidence or item.get("title") or "", **common)
    if source == "run":
        return Finding(kind="run", observation="runs", family="runs", problem=evidence, **common)
    if source == "baseline":
        return Finding(kind="baseline", observation="baseline", family="baseline", problem=evidence, **common)
    if source in MANUAL_SOURCES:
        return Finding(kind="manual", observation=f"manual:{state}", family="manual",
                       problem=item.get("title") or item["id"], **common)
    if source == "requirement" and req == "fails_fast" and not dep:
        service = item["id"].split(":", 2)[1]
        return Finding(kind="rehearsal", observation=f"service:{service}:middleware", family="middleware",
                       problem=evidence, **common)
    if source == "requirement" and dep:
        family = REQUIREMENT_FAMILY.get(req or "", "other")
        return Finding(kind="requirement", observation=f"{dep}:{family}", family=family, problem=evidence, **common)
    if source == "flag" and dep:
        family = RULE_FAMILY.get(rule or "", "other")
        # MR006 is the service's request path: the same observation as its rehearsal (fails_fast)
        observation = (f"service:{dep.split('/', 1)[0]}:middleware" if family == "middleware"
                       else f"{dep}:{family}")
        # pending: what the evidence still lacks says more than the rule's precondition
        problem = evidence if status is Status.PENDING and evidence else item.get("title") or ""
        return Finding(kind="flag", observation=observation, family=family, problem=problem, **common)
    family = source or "other"
    return Finding(kind=family if family == "discovery" else "other", observation=item["id"], family=family,
                   problem=item.get("title") or evidence, **common)


def _from_regression(reg: dict, entry: Optional[dict]) -> Finding:
    dep, check = reg.get("dependency"), reg.get("check")
    family = regression_family(reg, entry)
    waived = reg.get("waived")
    findings = reg.get("findings") or ()
    problem = Joined("; ", findings) if findings else Msg("{check} regressed", check=check)
    return Finding(id=f"regression:{dep or ''}:{check}:{reg.get('target') or ''}",
                   status=Status.WAIVED if waived else Status.FAIL, kind="regression",
                   observation=f"{dep}:{family}" if dep else f"host:{check}", family=family, problem=problem,
                   dependency=dep, waiver=waived or None, check=check, target=reg.get("target"))


def regression_family(reg: dict, entry: Optional[dict]) -> str:
    """A regression's family: a pure latency regression is the timeout budget's, else its check's."""
    kinds = {f.get("kind") for f in (entry or {}).get("findings") or () if f.get("severity") == "regression"}
    if kinds and kinds <= {"latency_up"}:
        return "timing"
    return CHECK_FAMILY.get(reg.get("check") or "", "other")
