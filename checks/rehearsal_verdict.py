"""What a degraded-dependency rehearsal proves: the `fails_fast` requirement (incidents 2 and 3).

The agent reports facts (each health call's latency and answer, when the
fault went in and came out); the judgement is made here, on the host side,
so it can be read and tested without a network.  Four outcomes:

* fails fast: while the dependency was broken, every health call answered
  (even with an error) within the service's `fail_fast_ms`;
* unaffected: every call answered normally within the budget;
* hangs: a call took longer than the budget or timed out;
* inconclusive: the fault could not be applied (no root, no iptables, no
  netem for delay, an unhealthy baseline...) or no call was made under it.

Only a rehearsal run clears `fails_fast`: fails fast and unaffected pass,
hangs fails, inconclusive (or no rehearsal yet) leaves it pending.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from .model import Dependency, Inventory, Service
from .workspace import canonical_json

PHASE = "rehearsal"
REQUIREMENT = "fails_fast"
VERDICT_STATUS = {"fails_fast": "pass", "unaffected": "pass", "hangs": "fail", "inconclusive": "inconclusive"}


@dataclass
class Outcome:
    verdict: str  # fails_fast | hangs | unaffected | inconclusive
    text: str
    worst_ms: float | None = None
    recovery_ms: float | None = None

    @property
    def status(self) -> str:
        return VERDICT_STATUS[self.verdict]


def _slow(call: dict, budget: float) -> bool:
    latency = call.get("latency_ms")
    return bool(call.get("timed_out")) or not isinstance(latency, (int, float)) or latency > budget


def _answer(call: dict) -> str:
    if call.get("timed_out"):
        return "timed out"
    if call.get("error"):
        return str(call["error"])
    return f"answer {call.get('status')}"


def judge_calls(rehearsal: dict, complete: bool) -> Outcome:
    """The rehearsal's outcome from what the agent reported (`run["rehearsal"]`)."""
    budget = rehearsal["fail_fast_ms"]
    events = {e.get("event"): e for e in rehearsal.get("events") or ()}
    recovery = (events.get("recovered") or {}).get("recovery_ms")
    if "inconclusive" in events:
        e = events["inconclusive"]
        return Outcome("inconclusive", f"{e.get('reason')}: {e.get('detail')}")
    fault = [c for c in rehearsal.get("calls") or () if c.get("stage") == "fault"]
    slow = [c for c in fault if _slow(c, budget)]
    if slow:  # a hang seen is evidence, even if the run was cut short afterwards
        worst = max(slow, key=lambda c: c.get("latency_ms") or 0)
        return Outcome("hangs", f"{len(slow)} of {len(fault)} health calls under the fault took longer than "
                                f"fail_fast_ms {budget} ms; slowest {worst.get('latency_ms', 0):.0f} ms "
                                f"({_answer(worst)})", worst.get("latency_ms"), recovery)
    if not complete:
        return Outcome("inconclusive", f"the rehearsal was cut short after {len(fault)} health calls under "
                                       "the fault, none of them slow")
    if "applied" not in events or not fault:
        return Outcome("inconclusive", "no health call was made while the fault was applied")
    worst = max(c["latency_ms"] for c in fault)
    failed = [c for c in fault if not c.get("ok")]
    if failed:
        return Outcome("fails_fast", f"{len(failed)} of {len(fault)} health calls answered with an error "
                                     f"({_answer(failed[0])}), all within fail_fast_ms {budget} ms; slowest "
                                     f"{worst:.0f} ms", worst, recovery)
    return Outcome("unaffected", f"all {len(fault)} health calls answered normally within fail_fast_ms "
                                 f"{budget} ms (slowest {worst:.0f} ms): check that the health endpoint "
                                 "exercises this dependency", worst, recovery)


def fault_kind(fault: str) -> str:
    """'delay=200' -> 'delay' (what `rehearse:` lists)."""
    return fault.split("=", 1)[0]


def latest_rehearsals(runs: list[dict]) -> dict[tuple[str, str], dict]:
    """The latest rehearsal run per (dependency, fault kind) among `runs`."""
    latest: dict[tuple[str, str], tuple] = {}
    for index, run in enumerate(runs):
        if run.get("phase") != PHASE or not isinstance(run.get("rehearsal"), dict):
            continue
        r = run["rehearsal"]
        key = (r.get("dependency"), fault_kind(r.get("fault") or ""))
        rank = (run.get("started") or "", index)
        if key not in latest or rank > latest[key][0]:
            latest[key] = (rank, run)
    return {key: run for key, (_, run) in latest.items()}


@dataclass
class Part:
    """The `fails_fast` evidence of one dependency of a service (all its listed faults)."""

    dependency: str
    state: str  # pass | fail | pending
    text: str
    runs: list[dict] = field(default_factory=list)

    @property
    def digest(self) -> str:
        facts = sorted((r["id"], r.get("rehearsal", {}).get("verdict")) for r in self.runs)
        return hashlib.sha256(canonical_json([list(f) for f in facts])).hexdigest()


def judge_dependency(dep: Dependency, latest: dict[tuple[str, str], dict], health: str = "x") -> Part:
    """fail when one listed fault hangs; pending while one is not rehearsed or inconclusive; else pass."""
    faults = dep.rehearse_faults or ("blackhole",)
    first = "" if health else f"declare the health endpoint of service '{dep.service}', then "
    texts, states, runs = [], [], []
    for fault in faults:
        run = latest.get((dep.ref, fault))
        if run is None:
            states.append("pending")
            texts.append(f"{dep.ref} {fault}: not rehearsed yet ({first}migready rehearse --dependency {dep.ref} "
                         f"--fault {fault})")
            continue
        runs.append(run)
        r = run["rehearsal"]
        if r.get("verdict") is None:  # the client was killed before it judged: judge what it saved
            outcome = judge_calls(r, complete=False)
            verdict, text = outcome.verdict, f"{outcome.text} (the client stopped before the end)"
        else:
            verdict, text = r["verdict"], r.get("text")
        states.append({"pass": "pass", "fail": "fail"}.get(VERDICT_STATUS.get(verdict, ""), "pending"))
        texts.append(f"{dep.ref} {r.get('fault')} ({run['id']} on {run['host']}): {verdict.replace('_', ' ')}: "
                     f"{text}")
    order = ("fail", "pending", "pass")
    state = min(states, key=order.index)
    return Part(dep.ref, state, "; ".join(texts), runs)


def rehearsed_dependencies(service: Service) -> list[Dependency]:
    return [d for d in service.dependencies if d.rehearse_faults]


def service_parts(inventory: Inventory, runs: list[dict]) -> dict[str, list[Part]]:
    """Per service that has dependencies to rehearse: one Part per such dependency."""
    latest = latest_rehearsals(runs)
    return {s.name: [judge_dependency(d, latest, s.health) for d in rehearsed_dependencies(s)]
            for s in inventory.services if rehearsed_dependencies(s)}
