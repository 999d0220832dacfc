"""Run a probe plan on one staging host and store the run in the workspace.

One plain function, `run_probes`, with a progress callback and a cancel
event: the CLI drives it with a terminal progress bar, the GUI from a worker
thread.  Results are appended to the workspace as the agent streams them and
saved every `save_interval` seconds, so a dropped connection, a cancel or
Ctrl-C keeps everything that came in; the run is then marked incomplete.
"""
from __future__ import annotations

import contextlib
import functools
import sys
import threading
import time
from dataclasses import dataclass
from importlib import resources
from typing import Callable, Optional

from ..text.i18n import Msg
from ..inventory.model import Inventory
from .outcome import for_dependency
from ..inventory.zones import ZoneMap
from .plans import Plan, build_plan
from ..store.records import ProbeResult
from .transports import PythonMissing, TransportOptions, open_transport
from .transports.errors import stored_text
from .vantage import serving_vantage_hosts
from ..store.workspace import Workspace, utc_now


@dataclass
class Progress:
    done: int
    total: int
    result: Optional[dict]  # the result that just arrived


@functools.lru_cache(maxsize=1)
def agent_source() -> str:
    """The shipped agent's text, read once per process (every host of a fleet gets the same file)."""
    return resources.files("migready.checks.probing").joinpath("agent.py").read_text(encoding="utf-8")


def result_record(obj: dict, zones: Optional[ZoneMap] = None, phase: Optional[str] = None) -> dict:
    """An agent result line as the workspace stores it (the contract of `runs[].results[]`); its status
    judged for its dependency, in the inventory's zones when given (checks/probing/outcome.py)."""
    return _shared_words(for_dependency(ProbeResult.stored_from_agent(obj), obj.get("meta") or {}, zones, phase))


_WORDS = ("dependency", "target", "check", "status", "probe_status", "reason")


def _shared_words(record: dict) -> dict:
    """The record with its repeated words as one shared string each (in place; returns it).

    Every agent line is parsed on its own, so each result held its own copies of the same keys and
    words ("tcp_connect", "pass", the dependency, its target twice, the data's keys): ~1.9 kB a
    result, 40,000 results in a fleet run.  Sharing them keeps what a host costs flat and small
    (bench/README.md, fleet memory).  Unique text (detail, started) is left as it is."""
    intern = sys.intern
    for key in _WORDS:
        value = record.get(key)
        if type(value) is str:
            record[key] = intern(value)
    record["proves"] = [intern(p) if type(p) is str else p for p in record.get("proves") or ()]
    data = record.get("data")
    if data:
        record["data"] = {intern(k): intern(v) if type(v) is str and len(v) <= 64 else v for k, v in data.items()}
    return record


def run_probes(
    inventory: Inventory,
    host: str,
    phase: str,
    workspace: Workspace,
    options: Optional[TransportOptions] = None,
    jobs: int = 32,
    progress: Optional[Callable[[Progress], None]] = None,
    cancel: Optional[threading.Event] = None,
    save_interval: float = 1.0,
    extra: Optional[dict] = None,
    plan: Optional[Plan] = None,
) -> dict:
    """Connect, run the whole plan in one agent session, return the stored run.

    Raises `TransportError` (message for people) when the host cannot be
    reached or refuses us; nothing is stored then.  Everything after the
    connection is stored, whatever happens.  `extra` goes into the run record
    (a fan-out's id, the host's pool and name: checks/probing/fleet.py).  `plan`: the plan already
    built for this host (the CLI builds it to show what will be contacted), else it is built here.
    """
    given = plan
    with _connected_while(lambda: given or build_plan(inventory, host, phase, jobs=jobs), host,
                          options) as (transport, plan):
        total = len(plan.probes) + len(plan.unrunnable)
        run = _new_run(workspace, inventory, plan, total, extra)
        run_id, results = run["id"], run["results"]
        # [when the last save ended, how long it took]: a save writes every result so far, so saves are
        # paced to take at most a twentieth of the run (10,000 targets made 9 saves of up to 20,000 results)
        last_save = [time.monotonic(), 0.0]
        ended = {"complete": False, "error": None}
        zones = ZoneMap.of(inventory)  # once per run, not per result
        metas = plan.metas()

        def on_line(obj: dict) -> None:
            kind = obj.get("type")
            if kind == "hello":
                workspace.update_run(run_id, agent_version=obj.get("agent_version"), agent_python=obj.get("python"))
            elif kind == "result":
                obj["meta"] = metas.get(obj.get("id")) or obj.get("meta") or {}  # the agent is not sent it
                record = workspace.add_result(run_id, result_record(vantage.explain(obj), zones, phase))
                if record["check"] == "host_facts":
                    workspace.update_run(run_id, host_facts=record["data"])
                if progress:
                    progress(Progress(len(results), total, record))
                if time.monotonic() - last_save[0] >= max(save_interval, 19 * last_save[1]):
                    started = time.monotonic()
                    workspace.save()
                    last_save[:] = [time.monotonic(), time.monotonic() - started]

        workspace.save()
        try:
            with serving_vantage_hosts(plan, options, agent_source()) as vantage:
                outcome = transport.run_agent(agent_source(), plan.to_agent(), on_line, cancel)
            ended.update(complete=outcome.complete, error=outcome.error)
        except PythonMissing as exc:
            for result in _all_inconclusive(plan, "python_missing", stored_text(exc)):
                workspace.add_result(run_id, result)
            ended.update(complete=True, error=stored_text(exc))
        except KeyboardInterrupt:
            ended["error"] = Msg("interrupted (Ctrl-C) after {n} results", n=len(results))
            raise
        except BaseException as exc:
            ended["error"] = Msg("stopped after {n} results: {error}", n=len(results), error=stored_text(exc))
            raise
        finally:
            workspace.finish_run(run_id, ended["complete"], ended["error"])
            workspace.save()
    return run


@contextlib.contextmanager
def _connected_while(make_plan: Callable[[], Plan], host: str, options: Optional[TransportOptions]):
    """Connect to ``host`` while the plan is built: -> (transport, plan).

    The SSH handshake is a few round trips of waiting and a 10,000-target plan ~0.15 s of CPU, so
    they overlap (part of the set-up that bench/bench_probe_ssh.py measures).  The plan is built
    here, in the caller's thread.  A plan that cannot be built is raised as before (the connection,
    if it was made, is closed unused), then a connection error; the transport is always closed."""
    box: dict = {}

    def connect() -> None:
        try:
            box["transport"] = open_transport(host, options)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller below
            box["error"] = exc

    worker = threading.Thread(target=connect, name="migready-connect", daemon=True)
    worker.start()
    try:
        plan = make_plan()
    finally:
        worker.join()
        if "transport" in box and sys.exc_info()[0] is not None:
            box["transport"].close()
    if "error" in box:
        raise box["error"]
    with box["transport"] as transport:
        yield transport, plan


def record_unreachable(inventory: Inventory, host: str, phase: str, workspace: Workspace, error: str,
                       jobs: int = 32, extra: Optional[dict] = None) -> dict:
    """A host of a fan-out that could not be reached: a finished, incomplete run whose every planned
    check is inconclusive with the reason, so the review sees the host and never counts it as checked."""
    plan = build_plan(inventory, host, phase, jobs=jobs)
    run = _new_run(workspace, inventory, plan, len(plan.probes) + len(plan.unrunnable), extra)
    for result in _all_inconclusive(plan, "unreachable", error):
        workspace.add_result(run["id"], result)
    workspace.update_run(run["id"], unreachable=True)
    workspace.finish_run(run["id"], False, error)
    return run


def _new_run(workspace: Workspace, inventory: Inventory, plan: Plan, total: int, extra: Optional[dict] = None) -> dict:
    return workspace.start_run({
        **(extra or {}),
        "phase": plan.phase,
        "host": plan.host,
        "started": utc_now(),
        "error": None,
        "inventory_digest": inventory.digest,
        "planned": total,
        "agent_version": None,
        "ran_by": ran_by(),
        "results": [_decided(f"u{i + 1}", u["check"], u["meta"], u["reason"], u["detail"])
                    for i, u in enumerate(plan.unrunnable)],
    })


def ran_by() -> dict:
    """Who started a run, as the OS says (the report's "who ran it" when nobody attested the run)."""
    import getpass
    import socket
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry and no LOGNAME/USER (a bare container)
        user = ""
    return {"user": user, "host": socket.gethostname()}


def _all_inconclusive(plan: Plan, reason: str, detail: str) -> list[dict]:
    return [_decided(p["id"], p["check"], p.get("meta") or {}, reason, detail) for p in plan.probes]


def _decided(id: str, check: str, meta: dict, reason: str, detail: str) -> dict:
    """A result decided without the agent: always inconclusive, with the reason."""
    return result_record({"id": id, "check": check, "meta": meta, "status": "inconclusive",
                          "reason": reason, "detail": detail})
