"""One probe run over many staging hosts: every node (and pod) of a pool, in parallel, bounded.

Incident 1's NAT failed 41% of the price pushes, not all of them: NAT
behaviour differs by node, pool and path.  So a phase is proven only when
every one of its staging hosts is.  `run_fleet` runs the plan on each host
(`run_probes`: one session per host, one agent per session) with at most
`hosts_jobs` hosts at once, the way Ansible's forks bound its fan-out.

A host that cannot be reached, or that drops mid-run, is recorded as such
(an incomplete run naming the reason: `record_unreachable`, or what
`run_probes` stored until the drop) and never stops the others.  Every run
of one fan-out carries ``fleet: {id, size, whole}``, its ``pool`` and
``host_name``, so the review (checks/review/hosts.py) judges the phase over
all its hosts and names the ones a finding is about.
"""
from __future__ import annotations

import dataclasses
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Optional

from ..inventory.model import Inventory
from ..store.workspace import Workspace
from .hostsources import FleetHost
from .plans import Plan
from .run import Progress, record_unreachable, run_probes
from .transports import TransportError, TransportOptions
from .transports.errors import stored_text

DEFAULT_HOSTS_JOBS = 16


@dataclass
class FleetProgress:
    host: FleetHost
    progress: Optional[Progress]  # None when the host just finished (see `run`)
    run: Optional[dict] = None  # the host's stored run, once it finished


@dataclass
class FleetRun:
    id: str
    hosts: list[FleetHost]
    runs: list[dict] = field(default_factory=list)  # one per host, in host order

    @property
    def complete(self) -> bool:
        return len(self.runs) == len(self.hosts) and all(r.get("complete") for r in self.runs)

    @property
    def unreachable(self) -> list[dict]:
        return [r for r in self.runs if r.get("unreachable")]

    @property
    def incomplete(self) -> list[dict]:
        return [r for r in self.runs if not r.get("complete")]


class _PacedSaves:
    """The workspace as the hosts' runs see it, with its saves paced: every host's run saves on its
    own schedule and when it ends, and each save writes the whole workspace (every host's results
    so far), so 20 hosts finishing together would write it 20 times.  A save happens when at least
    `interval` passed since the last one ended, and never takes more than a twentieth of the time (each
    save is CPU the hosts' agents and sessions need on the same machine; a crash loses at most the
    results since the last save);
    `run_fleet` saves once more at the end, whatever happened."""

    def __init__(self, workspace: Workspace, interval: float) -> None:
        self._workspace, self._interval = workspace, interval
        self._lock = threading.Lock()
        self._last_end = time.monotonic()
        self._last_took = 0.0

    def save(self) -> None:
        with self._lock:
            if time.monotonic() - self._last_end < max(self._interval, 19 * self._last_took):
                return
            start = time.monotonic()
            self._workspace.save()
            self._last_end = time.monotonic()
            self._last_took = self._last_end - start

    def __getattr__(self, name: str):
        return getattr(self._workspace, name)


def host_options(options: Optional[TransportOptions], host: FleetHost) -> TransportOptions:
    """The run's options, plus the key Ansible names for this host (ansible_ssh_private_key_file)."""
    options = options or TransportOptions()
    if not host.identity_file:
        return options
    return dataclasses.replace(options, identity_files=[*options.identity_files, host.identity_file])


def run_fleet(
    inventory: Inventory,
    hosts: list[FleetHost],
    phase: str,
    workspace: Workspace,
    options: Optional[TransportOptions] = None,
    jobs: int = 32,
    hosts_jobs: int = DEFAULT_HOSTS_JOBS,
    progress: Optional[Callable[[FleetProgress], None]] = None,
    cancel: Optional[threading.Event] = None,
    whole: bool = True,
    save_interval: float = 1.0,
    final_save: bool = True,
    plans: Optional[dict[str, Plan]] = None,
) -> FleetRun:
    """Run the plan on every host, at most `hosts_jobs` at once; return every host's stored run.

    `whole`: the hosts are the phase's full set (not a `--host` pick), so the review may
    judge the phase from this fan-out alone.  `final_save=False` when the caller saves right
    after (`Workspace.editing`): one save of a large workspace costs seconds.  `plans`: each host's plan
    by its spec, when the caller already built them (run_probes builds the missing ones).  Raises only KeyboardInterrupt (after
    cancelling the hosts still running, whose runs are stored incomplete).
    """
    fleet = FleetRun(f"fleet-{uuid.uuid4().hex[:10]}", list(hosts))
    cancel = cancel or threading.Event()
    lock = threading.Lock()  # progress callbacks one at a time, as a single run makes them
    paced = _PacedSaves(workspace, save_interval)

    def one(host: FleetHost) -> Optional[dict]:
        if cancel.is_set():  # cancelled (Ctrl-C, the window's Cancel) before this host's turn: not run
            return None
        extra = {"fleet": {"id": fleet.id, "size": len(hosts), "whole": bool(whole)},
                 "pool": host.pool or None, "host_name": host.name or None}

        def said(p: Progress) -> None:
            if progress:
                with lock:
                    progress(FleetProgress(host, p))

        try:
            run = run_probes(inventory, host.spec, phase, paced, host_options(options, host), jobs=jobs,
                             progress=said, cancel=cancel, save_interval=save_interval, extra=extra,
                             plan=(plans or {}).get(host.spec))
        except (TransportError, ValueError) as exc:  # not reached, refused, a malformed spec: recorded
            run = record_unreachable(inventory, host.spec, phase, workspace, stored_text(exc), jobs, extra)
        except Exception as exc:  # noqa: BLE001 - one host's trouble never stops the others
            run = _stored(workspace, fleet.id, host.spec) or record_unreachable(
                inventory, host.spec, phase, workspace, stored_text(exc), jobs, extra)
        if progress:
            with lock:
                progress(FleetProgress(host, None, run))
        return run

    pool = ThreadPoolExecutor(max_workers=max(1, hosts_jobs), thread_name_prefix="migready-host")
    try:
        futures = [pool.submit(one, host) for host in hosts]
        fleet.runs = [run for run in (f.result() for f in futures) if run is not None]
    except KeyboardInterrupt:
        cancel.set()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        if final_save:
            workspace.save()
    return fleet


def _stored(workspace: Workspace, fleet_id: str, host: str) -> Optional[dict]:
    """The run `run_probes` stored for `host` before it raised (it is finished, incomplete)."""
    for run in reversed(workspace.runs):
        if (run.get("fleet") or {}).get("id") == fleet_id and run.get("host") == host:
            return run
    return None
