"""Degraded-dependency rehearsal on a staging host (incidents 2 and 3): the host side.

`prepare` turns the command line (or the GUI's form) into a request and
refuses what must never run: a host that is not a staging host of the
inventory, an address that is not one of the dependency's targets, a service
with no health endpoint, a duration over ten minutes.  `describe_rules` is
the dry run (the exact iptables rules and their revert, nothing sent).
`run_rehearsal` sends the request to the agent (checks/probing/agent.py, section
"rehearsal"), which arms a detached watchdog before it applies the fault,
and stores the rehearsal as its own run (phase `rehearsal`) in the
workspace and its event log.  Whatever ends the rehearsal early (Ctrl-C, a
cancel, a dropped connection), the client removes the chain through a
second agent session before it returns; `cleanup` removes leftovers.
"""
from __future__ import annotations

import ipaddress
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Optional

from . import agent
from ..text.i18n import Msg, N_, _, shown
from ..text.suggest import did_you_mean
from ..inventory.model import Dependency, Inventory, Service
from .run import agent_source
from ..review.rehearsal_verdict import PHASE, judge_calls
from .transports import TransportError, TransportOptions, open_transport
from .transports.errors import stored_text
from ..store.workspace import Workspace, utc_now

DEFAULT_DURATION_S = 30.0
MAX_DURATION_S = float(agent.MAX_REHEARSAL_S)
FAULT_SYNTAX = N_("blackhole, reject or delay=MS")


class RehearsalRefused(ValueError):
    """A rehearsal that must not run; the message says why (exit 2, nothing sent)."""


@dataclass
class Request:
    inventory: Inventory
    host: str
    service: Service
    dependency: Dependency
    fault: str  # blackhole | reject | delay=MS
    duration_s: float
    addresses: list[str] = field(default_factory=list)  # [] = every target
    chain: str = ""

    @property
    def fault_kind(self) -> str:
        return self.fault.split("=", 1)[0]

    @property
    def budget(self) -> tuple[int, str]:
        return self.service.fail_fast_budget

    @property
    def protocol(self) -> str:
        return "udp" if self.dependency.protocol == "udp" else "tcp"

    @property
    def call_timeout_ms(self) -> int:
        """How long one health call may take before it counts as timed out: well past the budget
        (a hang is then unmistakable), at most 15 s so the fault window keeps its rate."""
        budget = self.budget[0]
        return int(min(max(3 * budget, budget + 2000), 15000))

    def plan(self, mode: str = "rehearse") -> dict:
        budget, _source = self.budget
        return {"version": 1, "mode": mode, "rehearsal": {
            "chain": self.chain, "dependency": self.dependency.ref, "fault": self.fault_kind,
            "delay_ms": int(self.fault.split("=", 1)[1]) if self.fault_kind == "delay" else None,
            "targets": list(self.dependency.targets), "addresses": list(self.addresses),
            "port": self.dependency.effective_port, "protocol": self.protocol,
            "health": self.service.health, "fail_fast_ms": budget, "call_timeout_ms": self.call_timeout_ms,
            "duration_s": self.duration_s, "interval_ms": 500, "baseline_calls": 3,
            "recover_s": max(10.0, min(60.0, self.duration_s)), "max_calls": 1200}}


def parse_duration(text: str) -> float:
    """'30s', '2m', '1500ms' or a plain number of seconds; within (0, 10 min]."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min)?\s*", text or "")
    if not match:
        raise RehearsalRefused(_("--duration {text}: give seconds, e.g. 30s, 2m or 1500ms").format(text=repr(text)))
    value = float(match.group(1)) * {"ms": 0.001, "s": 1, None: 1, "m": 60, "min": 60}[match.group(2)]
    if value < 1:
        raise RehearsalRefused(_("--duration {text}: at least 1 s").format(text=text))
    if value > MAX_DURATION_S:
        raise RehearsalRefused(_("--duration {text}: a rehearsal lasts at most {minutes} minutes").format(
            text=text, minutes=f"{MAX_DURATION_S / 60:g}"))
    return value


def parse_fault(text: str) -> str:
    match = re.fullmatch(r"(blackhole|reject)|delay=(\d{1,6})", text or "")
    if not match:
        raise RehearsalRefused(_("--fault {text}: give {syntax}").format(text=repr(text), syntax=_(FAULT_SYNTAX)))
    if match.group(2) is not None and not 0 < int(match.group(2)) <= 600000:
        raise RehearsalRefused(_("--fault {text}: the delay must be within 1 and 600000 ms").format(text=text))
    return text


def staging_hosts(inventory: Inventory) -> tuple[str, ...]:
    return inventory.migration.source.staging_hosts + inventory.migration.target.staging_hosts


def check_host(inventory: Inventory, host: str) -> None:
    hosts = staging_hosts(inventory)
    if host not in hosts:
        listed = ", ".join(hosts) if hosts else _("none")
        raise RehearsalRefused(_("refusing to rehearse on {host}: not a staging host of {inventory} (staging hosts: "
                                 "{listed}); a rehearsal changes the firewall of the host it runs on").format(
                                     host=host, inventory=inventory.path, listed=listed))


def prepare(inventory: Inventory, host: str, dependency: str, fault: str,
            duration: str | float = DEFAULT_DURATION_S, addresses: Optional[list[str]] = None) -> Request:
    """The request, or RehearsalRefused saying exactly why not."""
    check_host(inventory, host)
    deps = {d.ref: d for d in inventory.dependencies()}
    dep = deps.get(dependency)
    if dep is None:
        raise RehearsalRefused(_("--dependency {dependency}: no such dependency in {inventory}{hint} "
                                 "(write it SERVICE/DEPENDENCY)").format(dependency=dependency,
                                                                         inventory=inventory.path,
                                                                         hint=did_you_mean(dependency, deps)))
    service = next(s for s in inventory.services if s.name == dep.service)
    where = f"{inventory.path}: services[{dep.index[0]}]"
    if not service.health:
        raise RehearsalRefused(_("{where}.health: service '{service}' declares no health endpoint; the rehearsal "
                                 "calls it while the dependency is broken").format(where=where, service=service.name))
    if dep.direction == "inbound":
        raise RehearsalRefused(_("{where}: {dependency} is inbound; a rehearsal breaks outbound calls only").format(
            where=f"{where}.dependencies[{dep.index[1]}]", dependency=dep.ref))
    if dep.effective_port is None:
        raise RehearsalRefused(_("{where}: {dependency} has no port to break").format(
            where=f"{where}.dependencies[{dep.index[1]}]", dependency=dep.ref))
    fault = parse_fault(fault)
    seconds = parse_duration(duration) if isinstance(duration, str) else parse_duration(f"{duration}s")
    for target in dep.targets:
        ip = _ip(target)
        if ip is not None and (ip.is_unspecified or ip.is_multicast):
            raise RehearsalRefused(_("{where}: target {target} of {dependency} is not one peer's address").format(
                where=where, target=target, dependency=dep.ref))
    chosen = []
    for address in addresses or ():
        ip = _ip(address)
        if ip is None:
            raise RehearsalRefused(_("--address {address}: give an IP address").format(address=address))
        if str(ip) not in dep.targets:
            raise RehearsalRefused(_("refusing --address {address}: not one of {dependency}'s targets "
                                     "({targets})").format(address=address, dependency=dep.ref,
                                                           targets=", ".join(dep.targets[:8])
                                                           + (" ..." if len(dep.targets) > 8 else "")))
        chosen.append(str(ip))
    return Request(inventory, host, service, dep, fault, seconds, chosen, new_chain())


def _ip(text: str):
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def new_chain() -> str:
    return agent.CHAIN_PREFIX + secrets.token_hex(5).upper()


def rules_and_revert(req: Request) -> tuple[list[list[str]], list[list[str]]]:
    """The exact iptables argv lists (the agent adds `-w`), and the revert.  Names among the
    targets are resolved on the staging host; they are shown as <addresses of NAME>."""
    peers = req.addresses or [t if _ip(t) else f"<addresses of {t}>" for t in req.dependency.targets]
    if req.fault_kind == "delay":
        return [], []
    families = ["iptables"]
    if any(":" in a for a in peers if not a.startswith("<")):
        families = sorted({("ip6tables" if ":" in a else "iptables") for a in peers if not a.startswith("<")})
    rules = [[tool] + argv for tool, argv in agent.fault_rules(req.chain, peers, req.dependency.effective_port,
                                                                req.protocol, req.fault_kind)]
    revert = [[tool] + argv for tool, argv in agent.revert_rules(req.chain, families)]
    return rules, revert


def describe_rules(req: Request) -> list[str]:
    """The dry run, in lines: what would be installed, how it is reverted, and the safety net."""
    budget, source = req.budget
    lines = [_("rehearsal of {dependency} on {host}: fault {fault} for {seconds} s").format(
                 dependency=req.dependency.ref, host=req.host, fault=req.fault, seconds=f"{req.duration_s:g}"),
             _("health endpoint: {health} (fail_fast_ms {budget}: {source}; a call times out after {timeout} ms)").format(
                 health=req.service.health, budget=budget, source=shown(source), timeout=req.call_timeout_ms)]
    rules, revert = rules_and_revert(req)
    if req.fault_kind == "delay":
        lines.append(_("delay: needs tc with netem on the staging host; this version reports it inconclusive "
                       "(no rule is installed)"))
        return lines
    lines.append(_("rules (in the staging host's own network namespace, chain {chain}):").format(chain=req.chain))
    lines += ["  " + " ".join(r) for r in rules]
    lines.append(_("revert (by the agent at the end; by a detached watchdog armed BEFORE the fault, at {seconds} s "
                   "at the latest):").format(seconds=f"{req.duration_s + req.call_timeout_ms / 1000 + 10:g}"))
    lines += ["  " + " ".join(r) for r in revert]
    return lines


Progress = Callable[[dict], None]


def run_rehearsal(req: Request, workspace: Workspace, options: Optional[TransportOptions] = None,
                  progress: Optional[Progress] = None, cancel: Optional[threading.Event] = None,
                  save_interval: float = 1.0) -> dict:
    """Run the rehearsal, store it as a run (phase `rehearsal`), return the run.

    Raises TransportError when the host cannot be reached (nothing stored).
    On KeyboardInterrupt the fault is removed, the run stored as incomplete,
    and the interrupt raised again.  The run changes only through the
    workspace's methods: `rehearsal` (what the agent reported so far) is
    replaced by a fresh snapshot on each line, the judged result is added
    and the run finished at the end.
    """
    with open_transport(req.host, options) as transport:
        run = _new_run(workspace, req)
        run_id = run["id"]
        r = dict(run["rehearsal"], calls=[], events=[])  # ours; the workspace gets snapshots
        last_save = [time.monotonic()]
        ended = {"complete": False, "error": None}

        def publish() -> None:
            workspace.update_run(run_id, rehearsal=dict(r, calls=list(r["calls"]), events=list(r["events"])))

        def on_line(obj: dict) -> None:
            kind = obj.get("type")
            if kind == "hello":
                workspace.update_run(run_id, agent_version=obj.get("agent_version"), agent_python=obj.get("python"))
            elif kind == "call":
                r["calls"].append({k: obj.get(k) for k in ("stage", "n", "at", "latency_ms", "status", "ok",
                                                            "error", "timed_out")})
                publish()
            elif kind == "rehearsal":
                event = {k: v for k, v in obj.items() if k != "type"}
                r["events"].append(event)
                if event.get("event") == "planned":
                    r.update(rules=event.get("rules"), revert=event.get("revert"), resolved=event.get("addresses"))
                publish()
                if event.get("event") in ("armed", "applied", "reverted"):
                    last_save[0] = 0.0  # a client killed now still leaves the trace
            if time.monotonic() - last_save[0] >= save_interval:
                workspace.save()
                last_save[0] = time.monotonic()
            if progress:
                progress(obj)

        workspace.save()
        interrupted = None
        try:
            outcome = transport.run_agent(agent_source(), req.plan(), on_line, cancel)
            ended.update(complete=outcome.complete, error=outcome.error)
        except KeyboardInterrupt as exc:
            interrupted = exc
            ended["error"] = Msg("interrupted (Ctrl-C)")
        finally:
            if not ended["complete"] and _fault_may_be_in(r):
                r["client_cleanup"] = _client_cleanup(req, transport, options)
            _finish(workspace, run_id, r, ended)
        if interrupted is not None:
            raise interrupted
    return workspace.run(run_id)


def _fault_may_be_in(r: dict) -> bool:
    names = [e.get("event") for e in r["events"]]
    return "armed" in names and "reverted" not in names


def _client_cleanup(req: Request, transport, options) -> dict:
    """Remove the chain through a second agent session (a new connection if this one died)."""
    try:
        return cleanup_with(transport, req.chain)
    except (TransportError, OSError):
        pass
    try:
        with open_transport(req.host, options) as fresh:
            return cleanup_with(fresh, req.chain)
    except (TransportError, OSError) as exc:
        return {"chains": [req.chain], "left": None,
                "error": Msg("{error}; the watchdog on the host removes the chain at its deadline",
                             error=stored_text(exc))}


def cleanup_with(transport, chain: Optional[str]) -> dict:
    found: dict = {}

    def on_line(obj: dict) -> None:
        if obj.get("type") == "cleanup":
            found.update({k: v for k, v in obj.items() if k != "type"})
    outcome = transport.run_agent(agent_source(), {"version": 1, "mode": "rehearse-cleanup", "chain": chain},
                                  on_line, None)
    if not found:
        raise TransportError(outcome.error or "the agent did not report the cleanup")
    return found


def cleanup(inventory: Inventory, host: str, options: Optional[TransportOptions] = None) -> dict:
    """`rehearse --cleanup`: remove every migready chain left on a staging host."""
    check_host(inventory, host)
    with open_transport(host, options) as transport:
        return cleanup_with(transport, None)


def _new_run(workspace: Workspace, req: Request) -> dict:
    budget, source = req.budget
    return workspace.start_run({
        "phase": PHASE,
        "host": req.host,
        "started": utc_now(),
        "error": None,
        "inventory_digest": req.inventory.digest,
        "planned": 1,
        "agent_version": None,
        "agent_python": None,
        "results": [],
        "rehearsal": {"service": req.service.name, "dependency": req.dependency.ref, "fault": req.fault,
                      "duration_s": req.duration_s, "health": req.service.health, "fail_fast_ms": budget,
                      "fail_fast_source": source, "call_timeout_ms": req.call_timeout_ms, "chain": req.chain,
                      "addresses": list(req.addresses), "rules": None, "revert": None, "calls": [], "events": [],
                      "resolved": None, "verdict": None, "text": None, "worst_ms": None, "recovery_ms": None,
                      "fault_removed": None, "client_cleanup": None},
    })


def _finish(workspace: Workspace, run_id: str, r: dict, ended: dict) -> None:
    """Judge what the agent reported, add the result, close the run (one compound change)."""
    outcome = judge_calls(r, ended["complete"])
    reverted = next((e for e in r["events"] if e.get("event") == "reverted"), None)
    r.update(verdict=outcome.verdict, text=outcome.text, worst_ms=outcome.worst_ms,
             recovery_ms=outcome.recovery_ms,
             fault_removed=bool(reverted and reverted.get("removed"))
             or bool(r.get("client_cleanup") and r["client_cleanup"].get("left") == []))
    with workspace.changing():
        workspace.update_run(run_id, rehearsal=dict(r, calls=list(r["calls"]), events=list(r["events"])))
        workspace.add_result(run_id, {
            "id": "rehearsal", "dependency": r["dependency"], "target": None, "check": "rehearsal",
            "proves": ["fails_fast"], "status": outcome.status, "reason": outcome.verdict,
            "detail": outcome.text, "latency_ms": outcome.worst_ms, "started": workspace.run(run_id)["started"],
            "data": {"fault": r["fault"], "fail_fast_ms": r["fail_fast_ms"], "recovery_ms": outcome.recovery_ms}})
        workspace.finish_run(run_id, ended["complete"], ended["error"], verdict=outcome.verdict)
    workspace.save()
