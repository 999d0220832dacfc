"""The degraded-dependency rehearsal (incidents 2 and 3): break one dependency,
call the service's health endpoint, always revert.
"""
import ipaddress
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from .protocol import AGENT_VERSION, PlanError, _ms_since, _unmap, _utc_now, resolve
from .http_get import _web
from .relay import _Relay
from .rehearsal_rules import (
    CAP_NET_ADMIN, CHAIN_NAME, CHAIN_TABLES, MAX_REHEARSAL_S, REHEARSAL_FAULTS, RELAYED_FAULTS,
    WATCHDOG_CODE, _Stop, _chain_exists, _family_tool, _iptables, _tool, fault_rules,
    migready_chains, relay_rules, remove_chain, revert_rules)


def _net_admin():
    """root, or CAP_NET_ADMIN in the effective set."""
    if os.geteuid() == 0:
        return True
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("CapEff:"):
                    return bool(int(line.split()[1], 16) >> CAP_NET_ADMIN & 1)
    except (OSError, ValueError, IndexError):
        pass
    return False


def _netem_available():
    """Whether this kernel has sch_netem (loaded, built in, or as a module file): said in the
    outcome, so a lead knows a relay-injected delay ran on a kernel that has netem or not."""
    if os.path.isdir("/sys/module/sch_netem"):
        return True
    try:
        import gzip  # here: only this check reads a compressed file
        with gzip.open("/proc/config.gz", "rt") as handle:
            for line in handle:
                if line.startswith("CONFIG_NET_SCH_NETEM=y"):
                    return True
                if line.startswith("# CONFIG_NET_SCH_NETEM is not set"):
                    return False
    except (OSError, ImportError, EOFError):
        pass
    release = platform.uname().release
    for root, _, files in os.walk("/lib/modules/%s/kernel/net/sched" % release):
        if any(f.startswith("sch_netem.") for f in files):
            return True
    return False


def _is_local_address(ip):
    """An address of THIS host (it can be bound to): the health endpoint must be here."""
    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.bind((ip, 0))
        return True
    except OSError:
        return False
    finally:
        sock.close()


def _resolve_addresses(target, port, protocol):
    kind = socket.SOCK_DGRAM if protocol == "udp" else socket.SOCK_STREAM
    try:
        ipaddress.ip_address(target)
        return [target]
    except ValueError:
        pass
    found = []
    for info in resolve(target, port, kind, time.monotonic() + 5):
        ip = _unmap(info[4][0].split("%")[0])
        if ip not in found:
            found.append(ip)
    return found


def health_call(health, timeout_s):
    """Call the service's health endpoint once: {latency_ms, status, ok, error, timed_out}.

    http(s): a GET, no proxy, no redirect, certificates not verified (the call
    measures the request path, it vouches for nothing); ok means 2xx/3xx.
    tcp://host:port: connect and wait for the first bytes the service sends.
    """
    web = _web()
    request, ssl = web["request"], web["ssl"]
    t0 = time.monotonic()
    call = {"status": None, "ok": False, "error": None, "timed_out": False}
    parts = urllib.parse.urlsplit(health)
    try:
        if parts.scheme in ("http", "https"):
            handlers = [request.ProxyHandler({}), web["NoRedirect"]()]
            if parts.scheme == "https" and ssl is not None:
                handlers.append(request.HTTPSHandler(context=ssl._create_unverified_context()))
            opener = request.build_opener(*handlers)
            try:
                with opener.open(health, timeout=timeout_s) as response:
                    response.read(65536)
                    call["status"] = response.status
            except web["error"].HTTPError as exc:
                call["status"] = exc.code
                exc.close()
            call["ok"] = 200 <= call["status"] < 400
        else:
            sock = socket.create_connection((parts.hostname, parts.port), timeout=timeout_s)
            try:
                call["ok"] = bool(sock.recv(1))
                call["status"] = "data" if call["ok"] else "closed"
            finally:
                sock.close()
    except web["error"].URLError as exc:
        reason = exc.reason
        call["timed_out"] = isinstance(reason, socket.timeout) or "timed out" in str(reason)
        call["error"] = "%s" % (reason,)
    except Exception as exc:  # socket.timeout, resets, a truncated answer: all are facts
        call["timed_out"] = isinstance(exc, socket.timeout) or "timed out" in str(exc)
        call["error"] = "timed out" if call["timed_out"] else "%s: %s" % (type(exc).__name__, exc)
    call["latency_ms"] = round(_ms_since(t0), 3)
    return call


def _check_rehearsal(r):
    """Validate the rehearsal part of the plan; PlanError with a readable message."""
    if not isinstance(r, dict):
        raise PlanError("rehearsal must be an object")
    for name, kind in (("chain", str), ("dependency", str), ("fault", str), ("health", str),
                       ("protocol", str), ("targets", list), ("duration_s", (int, float)),
                       ("fail_fast_ms", (int, float)), ("call_timeout_ms", (int, float))):
        if not isinstance(r.get(name), kind) or isinstance(r.get(name), bool):
            raise PlanError("rehearsal.%s is missing or has the wrong type" % name)
    if not CHAIN_NAME.match(r["chain"]):
        raise PlanError("rehearsal.chain %r is not a migready chain name" % r["chain"])
    if r["fault"] not in REHEARSAL_FAULTS:
        raise PlanError("rehearsal.fault must be one of %s" % ", ".join(REHEARSAL_FAULTS))
    if r["protocol"] not in ("tcp", "udp"):
        raise PlanError("rehearsal.protocol must be tcp or udp")
    if not 0 < r["duration_s"] <= MAX_REHEARSAL_S:
        raise PlanError("rehearsal.duration_s must be within 1 s and %d s" % MAX_REHEARSAL_S)
    if not isinstance(r.get("port"), int) or not 0 < r["port"] < 65536:
        raise PlanError("rehearsal.port must be a port number")
    if not r["targets"] or not all(isinstance(t, str) and t for t in r["targets"]):
        raise PlanError("rehearsal.targets must list the dependency's targets")
    if urllib.parse.urlsplit(r["health"]).scheme not in ("http", "https", "tcp"):
        raise PlanError("rehearsal.health must be http://, https:// or tcp://")
    if r["fault"] == "delay" and not (isinstance(r.get("delay_ms"), int) and 0 < r["delay_ms"] <= 600000):
        raise PlanError("rehearsal.delay_ms must be within 1 and 600000 for a delay")
    if r["fault"] == "loss" and not (isinstance(r.get("loss_pct"), (int, float)) and not isinstance(r["loss_pct"], bool)
                                     and 0 < r["loss_pct"] <= 100):
        raise PlanError("rehearsal.loss_pct must be within 0 and 100 for a loss")


class _Rehearsal(object):
    """One rehearsal on this host: preconditions, baseline, fault, revert, recovery."""

    def __init__(self, r, out):
        self.r, self.out = r, out
        self.chain = r["chain"]
        self.budget_s = r["fail_fast_ms"] / 1000.0
        self.call_timeout = r["call_timeout_ms"] / 1000.0
        self.interval = max(0.1, r.get("interval_ms", 500) / 1000.0)
        self.max_calls = int(r.get("max_calls", 1200))
        self.calls = 0
        self.tools = []
        self.watchdog = None
        self.applied = False
        self.relay = None  # delay and loss: the relay the nat rules send the dependency's flows to

    def event(self, name, **data):
        data.update({"type": "rehearsal", "event": name, "at": _utc_now()})
        self.out.line(data)

    def stop(self, reason, detail):
        self.event("inconclusive", reason=reason, detail=detail)

    def preconditions(self, addresses):
        """None, or (reason, detail) why the fault cannot be rehearsed here (never a pass)."""
        r = self.r
        if not _net_admin():
            return "not_root", "changing the firewall needs root or CAP_NET_ADMIN"
        for tool in sorted(set(_family_tool(ip) for ip in addresses)):
            if _tool(tool) is None:
                return "iptables_missing", "%s is not installed (nft-only hosts are not supported)" % tool
            for table in CHAIN_TABLES:
                if _chain_exists(tool, self.chain, table):
                    return "chain_exists", "chain %s already exists (%s -t %s): another rehearsal?" % (
                        self.chain, tool, table)
            if r["fault"] in RELAYED_FAULTS:
                code, text = _iptables(tool, ["-t", "nat", "-S", "OUTPUT"])
                if code != 0:
                    return "nat_missing", ("%s has no nat table here (%s): the %s relay needs its OUTPUT chain"
                                           % (tool, text or "exit %d" % code, r["fault"]))
        health = urllib.parse.urlsplit(r["health"])
        try:
            local = [ip for ip in _resolve_addresses(health.hostname or "", health.port or 80, "tcp")]
        except OSError as exc:
            return "health_unresolved", "health host %s does not resolve: %s" % (health.hostname, exc)
        if not any(_is_local_address(ip) for ip in local):
            return "health_not_local", ("the health endpoint %s is not on this host (%s): the rehearsal "
                                        "breaks the dependency here only" % (r["health"], ", ".join(local)))
        return None

    def call(self, stage):
        if self.calls >= self.max_calls:
            return None
        self.calls += 1
        result = health_call(self.r["health"], self.call_timeout)
        result.update({"type": "call", "stage": stage, "n": self.calls, "at": _utc_now()})
        self.out.line(result)
        return result

    def series(self, stage, until=None, count=None, done=None):
        """Calls at a bounded rate (one at a time, at most one per interval)."""
        made = []
        while True:
            if count is not None and len(made) >= count:
                return made
            if until is not None and time.monotonic() >= until:
                return made
            started = time.monotonic()
            result = self.call(stage)
            if result is None:
                return made
            made.append(result)
            if done is not None and done(result):
                return made
            pause = self.interval - (time.monotonic() - started)
            if pause > 0:
                time.sleep(pause)

    def arm(self, seconds):
        """Start the watchdog and wait until it says it is armed: the revert exists before the fault."""
        proc = subprocess.Popen([sys.executable, "-I", "-c", WATCHDOG_CODE, self.chain, "%.3f" % seconds]
                                + [_tool(t) for t in self.tools],
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, start_new_session=True, close_fds=True)
        line = proc.stdout.readline().decode("ascii", "replace").split()
        proc.stdout.close()
        if line[:1] != ["armed"]:
            proc.kill()
            return None
        self.watchdog = proc
        return proc.pid

    def apply(self, rules):
        for tool, argv in rules:
            code, text = _iptables(tool, argv)
            if code != 0:
                return "%s %s: %s" % (tool, " ".join(argv), text or "exit %d" % code)
            self.applied = True
        return None

    def revert(self):
        left = remove_chain(self.chain, self.tools) if self.tools else []
        if self.watchdog is not None:
            try:
                self.watchdog.terminate()  # it removes the (already removed) chain and exits
                self.watchdog.wait(10)
            except (OSError, subprocess.TimeoutExpired):
                pass
        return left

    def run(self):
        r = self.r
        protocol, port = r["protocol"], r["port"]
        try:
            resolved = []
            for target in r["targets"]:
                resolved += [ip for ip in _resolve_addresses(target, port, protocol) if ip not in resolved]
        except OSError as exc:
            return self.stop("targets_unresolved", "the dependency's targets do not resolve here: %s" % exc)
        wanted = r.get("addresses") or resolved
        strays = [ip for ip in wanted if ip not in resolved]
        if strays:
            return self.stop("address_refused", "refusing %s: not an address of the dependency's targets (%s)"
                             % (", ".join(strays), ", ".join(resolved)))
        addresses = [ip for ip in wanted if not ipaddress.ip_address(ip).is_unspecified]
        if not addresses:
            return self.stop("no_addresses", "the dependency's targets give no address to break")
        self.tools = sorted(set(_family_tool(ip) for ip in addresses))
        mechanism, table = "iptables", "filter"
        if r["fault"] in RELAYED_FAULTS:
            mechanism, table = "relay", "nat"
            self.relay = _Relay(protocol, addresses, port, r.get("delay_ms"), r.get("loss_pct"))
            rules = relay_rules(self.chain, self.relay.start(), port, protocol)
        else:
            rules = fault_rules(self.chain, addresses, port, protocol, r["fault"])
        self.event("planned", addresses=addresses, mechanism=mechanism,
                   netem=bool(_tool("tc")) and _netem_available(),
                   rules=[[t] + a for t, a in rules],
                   revert=[[t] + a for t, a in revert_rules(self.chain, self.tools, table)])
        problem = self.preconditions(addresses)
        if problem:
            return self.stop(*problem)
        baseline = self.series("baseline", count=int(r.get("baseline_calls", 3)))
        bad = [c for c in baseline if not c["ok"] or c["latency_ms"] > r["fail_fast_ms"]]
        if bad:
            return self.stop("baseline_unhealthy", "the service is not healthy before the fault: %s"
                             % (bad[0]["error"] or "answer %s in %.0f ms" % (bad[0]["status"], bad[0]["latency_ms"])))
        grace = self.call_timeout + 10
        pid = self.arm(r["duration_s"] + grace)
        if pid is None:
            return self.stop("watchdog_failed", "the revert watchdog did not start: no fault applied")
        self.event("armed", watchdog_pid=pid, deadline_s=round(r["duration_s"] + grace, 3))
        error = self.apply(rules)
        if error:
            left = self.revert()
            return self.stop("iptables_failed", "installing the fault failed (%s); reverted%s"
                             % (error, "" if not left else ", BUT the chain is still there"))
        applied_at = time.monotonic()
        self.event("applied", chain=self.chain, mechanism=mechanism)
        try:
            self.series("fault", until=applied_at + r["duration_s"])
        finally:
            left = self.revert()
            reverted_at = time.monotonic()
            self.applied = False
            extra = {"relay": dict(self.relay.stats, held_ms=round(self.relay.stats["held_ms"], 3))} \
                if self.relay is not None else {}
            self.event("reverted", removed=not left, left=left,
                       fault_ms=round((reverted_at - applied_at) * 1000.0, 3), **extra)
        # the relay keeps serving the flows it holds (new ones go direct now) until the end
        recover_until = reverted_at + float(r.get("recover_s", 30))
        recovered = self.series("recovery", until=recover_until,
                                done=lambda c: c["ok"] and c["latency_ms"] <= r["fail_fast_ms"])
        if recovered and recovered[-1]["ok"] and recovered[-1]["latency_ms"] <= r["fail_fast_ms"]:
            self.event("recovered", recovery_ms=round(_ms_since(reverted_at), 3))
        else:
            self.event("not_recovered", within_s=r.get("recover_s", 30))
        self.series("after", count=int(r.get("baseline_calls", 3)))
        return None

    def emergency_revert(self):
        """On the way out after a signal or a broken stdout: never leave the fault in."""
        if self.tools:
            try:
                remove_chain(self.chain, self.tools)
            except Exception:
                pass
        if self.relay is not None:  # after the rules: a flow still redirected would find no relay
            self.relay.stop()
        if self.watchdog is not None and self.watchdog.poll() is None:
            try:
                self.watchdog.terminate()
            except OSError:
                pass


def rehearsal_requested(text):
    try:
        plan = json.loads(text)
    except ValueError:
        return False
    return isinstance(plan, dict) and plan.get("mode") in ("rehearse", "rehearse-cleanup")


def _raise_stop(signum, frame):
    raise _Stop("signal %d" % signum)


def run_rehearsal(text, out):
    """The `run` subcommand for a rehearsal or cleanup plan.  -> exit code."""
    t0 = time.monotonic()
    plan = json.loads(text)
    try:
        if plan.get("version", 1) != 1:
            raise PlanError("unsupported plan version %r (this agent speaks 1)" % plan.get("version"))
        if plan["mode"] == "rehearse":
            _check_rehearsal(plan.get("rehearsal"))
        elif plan.get("chain") is not None and not CHAIN_NAME.match(str(plan.get("chain"))):
            raise PlanError("chain %r is not a migready chain name" % plan.get("chain"))
    except PlanError as exc:
        out.line({"type": "error", "detail": str(exc)})
        return 2
    out.line({"type": "hello", "agent_version": AGENT_VERSION,
              "python": platform.python_version(), "pid": os.getpid()})
    if plan["mode"] == "rehearse-cleanup":
        tools = [t for t in ("iptables", "ip6tables") if _tool(t)]
        chains = [plan["chain"]] if plan.get("chain") else \
            sorted(set(c for t in tools for c in migready_chains(t)))
        left = sorted(set(t + ":" + c for c in chains for t in remove_chain(c, tools)))
        out.line({"type": "cleanup", "chains": chains, "left": left, "net_admin": _net_admin(),
                  "tools": tools})
        out.line({"type": "summary", "agent_version": AGENT_VERSION, "total": 0,
                  "elapsed_ms": round(_ms_since(t0), 3)})
        return 0
    rehearsal = _Rehearsal(plan["rehearsal"], out)
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            previous[signum] = signal.signal(signum, _raise_stop)
    try:
        rehearsal.run()
        out.line({"type": "summary", "agent_version": AGENT_VERSION, "total": rehearsal.calls,
                  "elapsed_ms": round(_ms_since(t0), 3)})
        return 0
    except (_Stop, BrokenPipeError, KeyboardInterrupt, OSError):
        rehearsal.emergency_revert()
        return 1
    finally:
        rehearsal.emergency_revert()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
