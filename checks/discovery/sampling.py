"""Live sampling: the agent's `sample_connections` check over a window.

The window is cut into chunks of about `CHUNK_SECONDS`, one probe each, run
one after another (plan jobs 1), so each chunk's aggregate streams back as
it finishes: that drives progress, and a cancel, a Ctrl-C or a dropped
connection keeps every chunk that came in (the observation is then marked
incomplete).  Inventory names are resolved first, ON the sampled host, with
the agent's `dns` check, so that peers (addresses) can be matched to
dependencies written as names; nothing is resolved on this machine.
"""
from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import Callable, Iterable, Optional

from ..text.i18n import Msg, _
from ..probing import agent
from ..probing.run import agent_source
from ..probing.transports import TransportOptions, open_transport
from ..store.workspace import utc_now
from .model import Observation

DEFAULT_DURATION = 60.0
DEFAULT_INTERVAL = 1.0
CHUNK_SECONDS = 5.0
MAX_DURATION = 24 * 3600.0
MAX_SAMPLES = 100_000
MIN_INTERVAL = 0.05
MAX_NAMES = 256
CHUNK_SLACK_S = 30  # a chunk's timeout beyond its own span (ss can be slow on a busy host)


@dataclass
class SampleProgress:
    phase: str  # "resolving" | "sampling" | "done"
    elapsed_s: float  # how much of the window is covered
    total_s: float
    samples: int  # samples received so far
    peers: int  # distinct peers so far
    chunks_done: int
    chunks: int

    @property
    def fraction(self) -> float:
        return 1.0 if self.chunks == 0 else min(1.0, self.chunks_done / self.chunks)


def sample_count(duration: float, interval: float) -> int:
    """Samples at 0, interval, 2*interval ... up to the end of the window."""
    return int(math.floor(duration / interval + 1e-9)) + 1


def sample_plan(duration: float = DEFAULT_DURATION, interval: float = DEFAULT_INTERVAL,
                use_ss: bool = True, chunk_s: float = CHUNK_SECONDS) -> dict:
    """The agent plan for one window; ValueError (for people) on bad values."""
    if not isinstance(duration, (int, float)) or not 0 <= duration <= MAX_DURATION:
        raise ValueError(_("duration must be between 0 and {max:g} seconds, not {duration}").format(
            max=MAX_DURATION, duration=repr(duration)))
    if not isinstance(interval, (int, float)) or interval < MIN_INTERVAL:
        raise ValueError(_("interval must be at least {min} seconds, not {interval}").format(
            min=MIN_INTERVAL, interval=repr(interval)))
    total = sample_count(duration, interval)
    if total > MAX_SAMPLES:
        raise ValueError(_("{total} samples is too many (at most {max}): raise the interval").format(
            total=total, max=MAX_SAMPLES))
    per_chunk = max(1, int(round(chunk_s / interval)))
    probes = []
    for index, first in enumerate(range(0, total, per_chunk)):
        count = min(per_chunk, total - first)
        delay = interval if index else 0
        span = delay + (count - 1) * interval
        probes.append({"id": f"chunk-{index + 1}", "check": "sample_connections", "samples": count,
                       "interval_s": interval, "delay_s": delay, "ss": bool(use_ss),
                       "timeout_ms": int((span + CHUNK_SLACK_S) * 1000),
                       "meta": {"chunk": index + 1, "first_sample": first, "samples": count}})
    return {"version": 1, "jobs": 1, "probes": probes}


def resolve_plan(names: Iterable[str]) -> dict:
    probes = [{"id": f"name-{i + 1}", "check": "dns", "name": name, "timeout_ms": 3000,
               "meta": {"name": name}} for i, name in enumerate(names)]
    return {"version": 1, "jobs": 16, "probes": probes}


def sample_host(host: str, options: Optional[TransportOptions] = None, *,
                duration: float = DEFAULT_DURATION, interval: float = DEFAULT_INTERVAL,
                names: Iterable[str] = (), use_ss: bool = True, chunk_s: float = CHUNK_SECONDS,
                progress: Optional[Callable[[SampleProgress], None]] = None,
                cancel: Optional[threading.Event] = None) -> Observation:
    """Connect to `host` (a host spec), resolve `names` there, sample its
    sockets for `duration` seconds every `interval` seconds.

    Raises ValueError (bad values or host spec) and `TransportError` (the
    host cannot be reached; message for people) before anything is
    observed.  After that it always returns: a cancel, a dropped connection
    or Ctrl-C give an Observation with complete=False and the reason in
    `error` (`interrupted` for Ctrl-C); the chunks that arrived are kept.
    """
    plan = sample_plan(duration, interval, use_ss, chunk_s)
    names = list(dict.fromkeys(n for n in names if n))[:MAX_NAMES]
    chunks = len(plan["probes"])
    obs = Observation(source="live", origin=str(host), duration_s=float(duration),
                      interval_s=float(interval))
    aggregate = agent.SocketAggregator()
    ss_status: list[str] = []
    failed: list[str] = []
    done = [0]

    def report(phase: str) -> None:
        if progress:
            covered = min(float(duration), max(0, aggregate.samples - 1) * float(interval))
            progress(SampleProgress(phase, covered, float(duration), aggregate.samples,
                                    len(aggregate.peers), done[0], chunks))

    def on_sample(obj: dict) -> None:
        if obj.get("type") != "result":
            return
        done[0] += 1
        data = obj.get("data") or {}
        if obj.get("status") != "pass":
            failed.append(f"{obj.get('id')}: {obj.get('reason')}: {obj.get('detail')}")
        else:
            aggregate.merge(data)
            if data.get("ephemeral"):
                aggregate.ephemeral = tuple(data["ephemeral"])
            for status in data.get("ss") or ():
                if status not in ss_status:
                    ss_status.append(status)
            for note in data.get("notes") or ():
                if note not in obs.notes:
                    obs.notes.append(note)
            if data.get("self"):
                obs.self_session = data["self"]
            if data.get("root") is False and "not root" not in " ".join(obs.notes):
                obs.notes.append(Msg("the agent does not run as root: ss shows the processes of its own "
                                     "user only"))
        report("sampling")

    with open_transport(host, options) as transport:
        obs.started = utc_now()
        try:
            if names:
                report("resolving")
                _resolve(transport, names, obs, cancel)
            if not (cancel is not None and cancel.is_set()):
                report("sampling")
                outcome = transport.run_agent(agent_source(), plan, on_sample, cancel)
                obs.complete, obs.error = outcome.complete, outcome.error
            else:
                obs.complete, obs.error = False, Msg("cancelled")
        except KeyboardInterrupt:
            obs.complete, obs.error, obs.interrupted = False, Msg("interrupted (Ctrl-C)"), True
        finally:
            obs.finished = utc_now()
    if failed:
        obs.notes.extend(Msg("sampling chunk {failure}", failure=f) for f in failed)
        if done[0] == len(failed):
            obs.complete = False
            obs.error = obs.error or Msg("no sample could be taken: {failure}", failure=failed[0])
    obs.absorb(aggregate.to_data())
    obs.process_names = ("ss" if ss_status == ["used"] else "partial" if "used" in ss_status
                         else "none")
    if "used" not in ss_status and ss_status:
        obs.notes.append(Msg("no process names: ss is {status} on the host", status=", ".join(ss_status)))
    report("done")
    return obs


def _resolve(transport, names: list[str], obs: Observation, cancel) -> None:
    """Inventory names -> addresses, resolved on the sampled host."""
    def on_line(obj: dict) -> None:
        if obj.get("type") != "result":
            return
        name = (obj.get("meta") or {}).get("name")
        answers = (obj.get("data") or {}).get("answers") or []
        obs.resolved[name] = [a["ip"] for a in answers if isinstance(a, dict) and a.get("ip")]
        if not obs.resolved[name]:
            obs.notes.append(Msg("{name} does not resolve on the host ({reason}): its dependencies cannot be "
                                 "compared", name=name, reason=obj.get("reason")))

    outcome = transport.run_agent(agent_source(), resolve_plan(names), on_line, cancel)
    if not outcome.complete:
        obs.notes.append(Msg("resolving inventory names did not finish: {error}", error=outcome.error))
