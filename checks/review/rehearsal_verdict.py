"""What a degraded-dependency rehearsal proves: the `fails_fast` requirement (incidents 2 and 3).

The agent reports facts (each health call's latency and answer, when the
fault went in and came out); the judgement is made here, on the host side,
so it can be read and tested without a network.  Four outcomes:

* fails fast: while the dependency was broken, every health call answered
  (even with an error) within the service's `fail_fast_ms`;
* unaffected: every call answered normally within the budget;
* hangs: a call took longer than the budget or timed out;
* inconclusive: the fault could not be applied (no root, no iptables, no
  nat table for the delay/loss relay, an unhealthy baseline...) or no call
  was made under it.

A call the agent gave up on (its cut-off, well past the budget) is said as
"still waiting after N ms (cut off)": N is the agent's patience, not how
long the service would have hung.  delay and loss name the mechanism that
injected them (the agent's relay, and whether the host has netem).

Only a rehearsal run clears `fails_fast`: fails fast and unaffected pass,
hangs fails, inconclusive (or no rehearsal yet) leaves it pending.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from ..text.i18n import Msg
from ..inventory.model import Dependency, Inventory, Service
from ..store.records import sentences
from ..store.workspace import canonical_json

PHASE = "rehearsal"
REQUIREMENT = "fails_fast"
VERDICT_STATUS = {"fails_fast": "pass", "unaffected": "pass", "hangs": "fail", "inconclusive": "inconclusive"}


@dataclass
class Outcome:
    verdict: str  # fails_fast | hangs | unaffected | inconclusive
    text: str  # a Msg: stored and signed in English, shown in the reader's language
    worst_ms: float | None = None
    recovery_ms: float | None = None

    @property
    def status(self) -> str:
        return VERDICT_STATUS[self.verdict]


def _slow(call: dict, budget: float) -> bool:
    latency = call.get("latency_ms")
    return bool(call.get("timed_out")) or not isinstance(latency, (int, float)) or latency > budget


def _answer(call: dict):
    if call.get("timed_out"):
        return Msg("timed out")
    if call.get("error"):
        return str(call["error"])
    return Msg("answer {status}", status=call.get("status"))


def _slowest(call: dict):
    """The slowest call as measured: its real time, or, when the agent gave up on it (its own
    cut-off, well past the budget), how long it was still waiting: the service never answered."""
    ms = f"{call.get('latency_ms') or 0:.0f}"
    if call.get("timed_out"):
        return Msg("still waiting after {ms} ms (cut off)", ms=ms)
    return Msg("slowest {ms} ms ({answer})", ms=ms, answer=_answer(call))


def _mechanism(rehearsal: dict):
    """Which mechanism injected the fault, said when it is not plain iptables (delay and loss)."""
    planned = next((e for e in rehearsal.get("events") or () if e.get("event") == "planned"), {})
    if planned.get("mechanism") != "relay":
        return ""
    if planned.get("netem"):
        return Msg("; {fault} injected by the agent's relay (the host also has netem)", fault=rehearsal.get("fault"))
    return Msg("; {fault} injected by the agent's relay (the host has no netem)", fault=rehearsal.get("fault"))


def judge_calls(rehearsal: dict, complete: bool) -> Outcome:
    """The rehearsal's outcome from what the agent reported (`run["rehearsal"]`)."""
    budget = rehearsal["fail_fast_ms"]
    events = {e.get("event"): e for e in rehearsal.get("events") or ()}
    recovery = (events.get("recovered") or {}).get("recovery_ms")
    if "inconclusive" in events:
        e = events["inconclusive"]
        return Outcome("inconclusive", f"{e.get('detail') or e.get('reason')}")  # the agent's sentence: data
    fault = [c for c in rehearsal.get("calls") or () if c.get("stage") == "fault"]
    slow = [c for c in fault if _slow(c, budget)]
    how = _mechanism(rehearsal)
    if slow:  # a hang seen is evidence, even if the run was cut short afterwards
        worst = max(slow, key=lambda c: c.get("latency_ms") or 0)
        return Outcome("hangs", Msg("{slow} of {calls} health calls under the fault took longer than fail_fast_ms "
                                    "{budget} ms; {slowest}{how}", slow=len(slow), calls=len(fault),
                                    budget=budget, slowest=_slowest(worst), how=how),
                       worst.get("latency_ms"), recovery)
    if not complete:
        return Outcome("inconclusive", Msg("the rehearsal was cut short after {calls} health calls under the fault, "
                                           "none of them slow", calls=len(fault)))
    if "applied" not in events or not fault:
        return Outcome("inconclusive", Msg("no health call was made while the fault was applied"))
    worst = max(c["latency_ms"] for c in fault)
    failed = [c for c in fault if not c.get("ok")]
    if failed:
        return Outcome("fails_fast", Msg("{failed} of {calls} health calls answered with an error ({answer}), all "
                                         "within fail_fast_ms {budget} ms; slowest {worst} ms{how}", failed=len(failed),
                                         calls=len(fault), answer=_answer(failed[0]), budget=budget,
                                         worst=f"{worst:.0f}", how=how), worst, recovery)
    return Outcome("unaffected", Msg("all {calls} health calls answered normally within fail_fast_ms {budget} ms "
                                     "(slowest {worst} ms): check that the health endpoint exercises this "
                                     "dependency{how}", calls=len(fault), budget=budget, worst=f"{worst:.0f}", how=how),
                   worst, recovery)


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
    command = f"migready rehearse --dependency {dep.ref} --fault "
    texts, states, runs = [], [], []
    for fault in faults:
        run = latest.get((dep.ref, fault))
        if run is None:
            states.append("pending")
            if health:
                texts.append(Msg("{dependency} {fault}: not rehearsed yet ({command})", dependency=dep.ref,
                                 fault=fault, command=command + fault))
            else:
                texts.append(Msg("{dependency} {fault}: not rehearsed yet (declare the health endpoint of service "
                                 "'{service}', then {command})", dependency=dep.ref, fault=fault,
                                 service=dep.service, command=command + fault))
            continue
        runs.append(run)
        r = run["rehearsal"]
        if r.get("verdict") is None:  # the client was killed before it judged: judge what it saved
            outcome = judge_calls(r, complete=False)
            verdict, text = outcome.verdict, Msg("{text} (the client stopped before the end)", text=outcome.text)
        else:
            verdict, text = r["verdict"], _stored_text(r, run)
        states.append({"pass": "pass", "fail": "fail"}.get(VERDICT_STATUS.get(verdict, ""), "pending"))
        texts.append(Msg("{dependency} {fault} ({run} on {host}): {verdict}: {text}", dependency=dep.ref,
                         fault=r.get("fault"), run=run["id"], host=run["host"],
                         verdict=VERDICT_WORDS.get(verdict, verdict.replace("_", " ")), text=text))
    order = ("fail", "pending", "pass")
    state = min(states, key=order.index)
    return Part(dep.ref, state, sentences(texts), runs)


# A rehearsal's verdict inside a sentence (the ids stay in the workspace and JSON).
VERDICT_WORDS = {"fails_fast": Msg("fails fast"), "hangs": Msg("hangs"), "unaffected": Msg("unaffected"),
                 "inconclusive": Msg("inconclusive")}


def _stored_text(r: dict, run: dict):
    """The judgement as the workspace stored it (English), said again in the reader's language
    when judging the stored calls gives the very same sentence; otherwise it is kept as it is."""
    stored = r.get("text")
    if not isinstance(stored, str) or isinstance(stored, Msg):
        return stored
    try:
        again = judge_calls(r, complete=bool(run.get("complete")))
    except (KeyError, TypeError, ValueError):
        return stored
    return again.text if again.text == stored else stored


def rehearsed_dependencies(service: Service) -> list[Dependency]:
    return [d for d in service.dependencies if d.rehearse_faults]


def service_parts(inventory: Inventory, runs: list[dict]) -> dict[str, list[Part]]:
    """Per service that has dependencies to rehearse: one Part per such dependency."""
    latest = latest_rehearsals(runs)
    return {s.name: [judge_dependency(d, latest, s.health) for d in rehearsed_dependencies(s)]
            for s in inventory.services if rehearsed_dependencies(s)}
