"""The check table and the runner: the plan in (validated), probes run on a
bounded thread pool, one JSON line per result out, then the summary.
"""
import collections
import json
import os
import platform
import sys
import threading
import time
import zlib
from .protocol import (
    AGENT_VERSION, DEFAULT_JOBS, DEFAULT_TIMEOUT_MS, Done, PlanError, ProbeError, _ms_since,
    _outcome, _result_line, _utc_now)
from .tcp import check_tcp_connect
from .tcp_many import plain_connect, run_connects
from .udp import check_udp_exchange
from .reflect import check_reflect
from .callback import check_callback
from .dns import check_dns
from .route import _ROUTES, check_route
from .facts import check_host_facts
from .http_get import check_http
from .sampling import check_sample_connections
from .reflector import check_serve_callbacks
from .rehearsal import rehearsal_requested, run_rehearsal


# ---------------------------------------------------------------- runner: the plan in, one JSON line per result out

# One entry per check module; `run_probe` dispatches on the plan's "check".
CHECKS = {
    "tcp_connect": check_tcp_connect,
    "udp_exchange": check_udp_exchange,
    "reflect": check_reflect,
    "callback": check_callback,
    "dns": check_dns,
    "route": check_route,
    "host_facts": check_host_facts,
    "http": check_http,
    "sample_connections": check_sample_connections,
    "serve_callbacks": check_serve_callbacks,
}


_port_locks = {}
_port_locks_guard = threading.Lock()


class _NoLock(object):  # contextlib.nullcontext is 3.7+
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


_NO_LOCK = _NoLock()


def _fixed_port_lock(probe):
    """Probes binding the same fixed source port (or, for call-backs, the
    same inbound port to listen on) must not overlap (EADDRINUSE)."""
    if probe["check"] == "callback":
        port, proto = probe.get("port"), "listen-%s" % probe.get("protocol", "tcp")
    else:
        port = probe.get("source_port")
        if probe["check"] == "reflect":
            proto = probe.get("protocol", "udp")
        else:
            proto = {"tcp_connect": "tcp", "udp_exchange": "udp"}.get(probe["check"])
    if not port or not isinstance(port, int) or proto is None:
        return None
    with _port_locks_guard:
        return _port_locks.setdefault((proto, port), threading.Lock())


def _run_check(probe):
    check = CHECKS.get(probe["check"])
    if check is None:
        return _outcome("inconclusive", "unknown_check",
                        "this agent has no check %r" % probe["check"])
    try:
        return check(probe, time.monotonic() + probe.get("timeout_ms", DEFAULT_TIMEOUT_MS) / 1000.0)
    except Done as done:
        return done.outcome
    except ProbeError as exc:
        return _outcome("inconclusive", "bad_probe", str(exc))
    except Exception as exc:  # one probe's bug must not stop the others
        return _outcome("inconclusive", "agent_error", "%s: %s" % (type(exc).__name__, exc))


def run_probe(probe):
    """Run one probe; never raises.  Returns the full result line.  Waiting
    for a fixed source port's lock is not part of the probe's time."""
    lock = _fixed_port_lock(probe) or _NO_LOCK
    with lock:
        started = _utc_now()
        outcome = _run_check(probe)
    return _result_line(probe, started, outcome)


def parse_plan(text):
    """Validate the plan's structure; PlanError with a readable message."""
    try:
        plan = json.loads(text)
    except ValueError as exc:
        raise PlanError("plan is not JSON: %s" % exc)
    if not isinstance(plan, dict):
        raise PlanError("plan must be a JSON object")
    if plan.get("version", 1) != 1:
        raise PlanError("unsupported plan version %r (this agent speaks 1)" % plan.get("version"))
    jobs = plan.get("jobs", DEFAULT_JOBS)
    if not isinstance(jobs, int) or isinstance(jobs, bool):
        raise PlanError("jobs must be an integer")
    probes = plan.get("probes")
    if not isinstance(probes, list):
        raise PlanError("plan needs a list 'probes'")
    seen = set()
    for n, probe in enumerate(probes):
        if not isinstance(probe, dict):
            raise PlanError("probe #%d is not an object" % n)
        if not isinstance(probe.get("id"), (str, int)) or probe["id"] in seen:
            raise PlanError("probe #%d needs a unique string or integer 'id'" % n)
        seen.add(probe["id"])
        if not isinstance(probe.get("check"), str):
            raise PlanError("probe %r needs a string 'check'" % probe["id"])
        if not isinstance(probe.get("meta", {}), (dict, type(None))):
            raise PlanError("probe %r: meta must be an object" % probe["id"])
        timeout = probe.get("timeout_ms", DEFAULT_TIMEOUT_MS)
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
            raise PlanError("probe %r: timeout_ms must be a positive number" % probe["id"])
    return max(1, min(256, jobs)), probes


class _Out(object):
    """The agent's stdout.  `line` writes at once (hello, errors, the summary, a rehearsal's
    steps); `result` lines wait up to PACE seconds to go out together.

    Why: a write and flush per result is an SSH packet per result, each encrypted by sshd and
    decrypted by the host side in Python, each waking two of its threads; over 20 hosts x 2,000
    results that was a large share of the machine's CPU (bench/README.md, the fleet).  Batched, a
    packet carries the results of the last PACE seconds (progress still moves 20 times a second).
    Order is kept: a `line` writes the waiting results first, so the summary never waits."""

    PACE = 0.05

    def __init__(self, stream):
        self.stream, self.lock = stream, threading.Lock()
        self.pending, self.error, self.closed = [], None, False
        self.wake = threading.Event()
        self.writer = None

    def line(self, obj):
        text = json.dumps(obj, sort_keys=True) + "\n"
        with self.lock:
            self._write(text)

    def result(self, obj):
        text = json.dumps(obj, sort_keys=True) + "\n"
        with self.lock:
            if self.error is not None:
                raise self.error
            self.pending.append(text)
            if len(self.pending) > 1:  # the writer was woken for the first of these
                return
            if self.writer is None:
                self.writer = threading.Thread(target=self._paced, name="agent-out")
                self.writer.daemon = True
                self.writer.start()
        self.wake.set()

    def close(self):
        """Write what waits and stop the writer thread."""
        with self.lock:
            self.closed = True
            if self.pending and self.error is None:
                try:
                    self._write("")
                except BaseException:  # the client left; run() has already said what it could
                    pass
        self.wake.set()
        if self.writer is not None:
            self.writer.join()

    def _write(self, text):  # under self.lock
        if self.error is not None:
            raise self.error
        batch, self.pending = "".join(self.pending) + text, []
        try:
            self.stream.write(batch)
            self.stream.flush()
        except BaseException as exc:  # stdout is gone (the client left): every later write raises it
            self.error = exc
            raise

    def _paced(self):
        while True:
            self.wake.wait()
            time.sleep(self.PACE)  # gather the results of the next PACE seconds
            with self.lock:
                self.wake.clear()
                if self.pending and self.error is None:
                    try:
                        self._write("")
                    except BaseException:
                        return
                if self.closed or self.error is not None:
                    return


def run(stdin=None, stdout=None):
    """The `run` subcommand: plan on stdin, JSON lines on stdout.  -> exit code.

    The plan is JSON, or JSON compressed with zlib (the host side compresses
    it: a 10,000-target plan is ~4 MB of JSON and ~0.3 MB compressed).
    """
    out = _Out(stdout or sys.stdout)
    try:
        return _run(stdin or sys.stdin.buffer, out)
    finally:
        out.close()


def _run(stdin, out):
    t0 = time.monotonic()
    try:
        raw = stdin.read()
        if isinstance(raw, bytes) and raw[:1] == b"x":  # a zlib stream (0x78); JSON starts with "{"
            try:
                raw = zlib.decompress(raw)
            except zlib.error as exc:
                raise PlanError("the compressed plan is damaged: %s" % exc)
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        if rehearsal_requested(text):  # see the "rehearsal" section below
            return run_rehearsal(text, out)
        jobs, probes = parse_plan(text)
    except (PlanError, UnicodeDecodeError) as exc:
        out.line({"type": "error", "detail": str(exc)})
        return 2
    out.line({"type": "hello", "agent_version": AGENT_VERSION,
              "python": platform.python_version(), "pid": os.getpid()})
    counts = {"pass": 0, "fail": 0, "inconclusive": 0}
    _ROUTES.prime(probes)  # the route batch starts now and runs beside the first probes
    _run_all(probes, jobs, out, counts)
    summary = {"type": "summary", "agent_version": AGENT_VERSION, "total": len(probes),
               "elapsed_ms": round(_ms_since(t0), 3)}
    summary.update(counts)
    out.line(summary)
    return 0


def _run_all(probes, jobs, out, counts):
    """Run `probes`, at most `jobs` at once, each result written as it comes.

    Three kinds of worker, so that none waits on another's kind of work:
    plain TCP connects go to one thread with non-blocking sockets
    (tcp_many.py); the routes the batch answers to one thread that waits for
    the local `ip` process once and then answers them all; every other probe
    to plain worker threads taking probes from one queue (not a
    ThreadPoolExecutor: no future per probe and no waiter to wake; at 20,000
    probes that was a tenth of the agent's time).  A connect or a queued
    probe holds one of `jobs` slots while it is in flight; a batched route
    sends nothing, so it holds none."""
    plain, routes, queue = [], [], collections.deque()
    for probe in probes:
        target = plain_connect(probe)
        if target is not None:
            plain.append((probe, target))
        elif _ROUTES.batched(probe):
            routes.append(probe)
        else:
            queue.append(probe)
    slots = threading.Semaphore(jobs)
    lock, failed = threading.Lock(), []

    def finish(line):
        with lock:
            counts[line["status"]] += 1
        out.result(line)

    def guarded(body):
        def run():
            try:
                body()
            except BaseException as exc:  # stdout is gone (the client left): stop every worker
                failed.append(exc)
        return run

    def work():
        while not failed:
            try:
                probe = queue.popleft()
            except IndexError:
                return
            with slots:
                line = run_probe(probe)
            finish(line)

    def answer_routes():
        for probe in routes:
            if failed:
                return
            finish(run_probe(probe))

    workers = [threading.Thread(target=guarded(work), name="probe-%d" % n) for n in range(min(jobs, len(queue)))]
    if routes:
        workers.insert(0, threading.Thread(target=guarded(answer_routes), name="probe-routes"))
    if plain:  # first: the connects are what the run waits on
        workers.insert(0, threading.Thread(target=guarded(lambda: run_connects(plain, slots, finish, lambda: bool(failed))),
                                           name="probe-connects"))
    for worker in workers:
        worker.daemon = True
        worker.start()
    for worker in workers:
        worker.join()
    if failed:
        raise failed[0]
