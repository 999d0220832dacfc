"""A real network lab: namespaces, a NATing router, store devices, real sshd.

Why: incident 1 (DESIGN.md) was NAT rewriting the UDP source port that a
store scale checks.  Only a real kernel NAT proves that the probes see it, so
the lab builds one with ``ip netns`` + veth pairs (needs root)::

                       ops 198.18.0.2  (the CLI under test runs here)
                            | eth0
                            | to-ops 198.18.0.1
   old 198.18.1.2 ----- [ router ] ----- new 198.18.2.2
   sshd :22   eth0  to-old  |  to-new  eth0   sshd :22
   (routed, no NAT)         |          (MASQUERADE --random-fully
                            | to-store     toward the store: the
                            | 198.18.10.1  source port is rewritten)
                            | eth0
                       store 198.18.10.2   reflector udp+tcp :3478
                             198.18.10.11-13  scale simulators udp :5002
                             198.18.10.21-22  printer listeners tcp :9100

Every namespace is named ``<prefix>-<role>`` (prefix ``mr<pid % 1000>``), has
``lo`` up and a route to 198.18.0.0/15 only (no default route: nothing can
leave the lab).  The store sees ``old`` as 198.18.1.2 with the port it sent,
and ``new`` as 198.18.10.1 with a random port.  While a lab is up the root
namespace has ``blackhole 198.18.0.0/15`` so a mistake there fails locally.

Keys (all in the lab's ``workdir``): ``client/id_ed25519`` is the one client
key, accepted for root by both sshd; per site ``<site>/`` holds what
tests/sshd.py's ``write_sshd_config`` writes (``ssh_host_ed25519_key``,
``sshd_config``, ``authorized_keys``, ``sshd.log``, a copy of the client key).
``known_hosts`` lists old and new by address (``write_known_hosts`` can leave
one out) and ``ssh_config`` has aliases ``old``/``new`` (``write_ssh_config``).
Simulator and reflector logs are in ``workdir/logs``.

Teardown (``Lab.teardown``, also run by atexit and on a failed build) kills
the lab's processes, deletes its namespaces (which removes veths and iptables
rules) and removes the blackhole route if it added it and no other live lab
still needs it: a route that was there before (the test suite's in the
machine's namespace, or what a bench requires before it starts) stays, so
tearing a lab down never leaves 198.18.0.0/15 routable.  Labs left by a crashed run are found through their state file in
/run/migready-lab and removed at the next build.
"""
from __future__ import annotations

import atexit
import fcntl
import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

LAB_NET = "198.18.0.0/15"
STATE_DIR = Path("/run/migready-lab")
REPO = Path(__file__).resolve().parents[2]
AGENT_PY = REPO / "checks" / "probing" / "agent.py"
SIMULATORS_PY = REPO / "checks" / "demo" / "simulators.py"
ROLES = ("router", "ops", "old", "new", "store")
# role -> (address, router-side address); all /24
SUBNETS = {
    "ops": ("198.18.0.2", "198.18.0.1"),
    "old": ("198.18.1.2", "198.18.1.1"),
    "new": ("198.18.2.2", "198.18.2.1"),
    "store": ("198.18.10.2", "198.18.10.1"),
}
REFLECTOR_PORT = 3478
SCALE_ADDRS = ("198.18.10.11", "198.18.10.12", "198.18.10.13")
PRINTER_ADDRS = ("198.18.10.21", "198.18.10.22")
SCALE_PORT = 5002
PRINTER_PORT = 9100
SSH_SITES = ("old", "new")
ETC_NETNS = Path("/etc/netns")  # `ip netns exec` bind-mounts /etc/netns/<ns>/<file> over /etc/<file>


class LabUnavailable(RuntimeError):
    """This host cannot build the lab (not root, no netns, no iptables/sshd...)."""


def _run(argv: Sequence[str], check: bool = True, timeout: float = 30) -> subprocess.CompletedProcess:
    proc = subprocess.run(list(argv), capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(argv), proc.returncode,
                                                   (proc.stderr or proc.stdout).strip()))
    return proc


def missing_requirements() -> Optional[str]:
    """Why the lab cannot be built here, or None (cheap checks only)."""
    if not sys.platform.startswith("linux"):
        return "the lab needs Linux network namespaces"
    if os.geteuid() != 0:
        return "the lab needs root (ip netns, iptables, sshd)"
    for tool in ("ip", "iptables", "ssh-keygen", "ssh"):
        if shutil.which(tool) is None:
            return "%s is not installed" % tool
    if not os.access("/usr/sbin/sshd", os.X_OK):
        return "/usr/sbin/sshd is not installed (openssh-server)"
    return None


# ---- state files: which labs are alive, for stale cleanup and the route ----

def _starttime(pid: int) -> Optional[str]:
    try:
        return Path("/proc/%d/stat" % pid).read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def _alive(state: dict) -> bool:
    return state.get("starttime") is not None and _starttime(int(state.get("pid", 0))) == state["starttime"]


def _states() -> Dict[str, dict]:
    found = {}
    for path in STATE_DIR.glob("mr*.json"):
        try:
            found[path.stem] = json.loads(path.read_text())
        except (OSError, ValueError):
            found[path.stem] = {}
    return found


class _Lock:
    def __enter__(self) -> "_Lock":
        STATE_DIR.mkdir(parents=True, exist_ok=True)
        self._fh = open(STATE_DIR / "lock", "w")
        fcntl.flock(self._fh, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc: object) -> None:
        self._fh.close()


def netns_list() -> List[str]:
    out = _run(["ip", "netns", "list"], check=False).stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def _destroy_namespaces(names: Iterable[str]) -> None:
    for name in names:
        pids = _run(["ip", "netns", "pids", name], check=False).stdout.split()
        for pid in pids:
            try:
                os.kill(int(pid), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass
    for name in names:
        if name in netns_list():
            _run(["ip", "netns", "del", name], check=False)
        shutil.rmtree(ETC_NETNS / name, ignore_errors=True)  # Lab.write_etc's files


def live_labs() -> List[str]:
    """Prefixes of the labs whose owner process is alive (this one included)."""
    with _Lock():
        return sorted(prefix for prefix, state in _states().items() if _alive(state))


def owner(prefix: str) -> Optional[int]:
    """The pid of the live process owning the lab ``prefix``, or None."""
    with _Lock():
        state = _states().get(prefix)
        return int(state["pid"]) if state and _alive(state) else None


def _ours(ns: str, prefix: Optional[str] = None) -> bool:
    match = re.fullmatch(r"(mr[0-9]{1,3})-(%s|node[0-9]{1,3})" % "|".join(ROLES), ns)  # node*: fleetlab.py
    return bool(match) and (prefix is None or match.group(1) == prefix)


def cleanup_stale() -> List[str]:
    """Remove labs whose owner process is gone; return the namespaces deleted.

    Caller holds the lock.  Labs of live processes (other pytest runs) stay.
    """
    states = _states()
    live = {prefix for prefix, state in states.items() if _alive(state)}
    doomed = [ns for ns in netns_list() if _ours(ns) and ns.split("-")[0] not in live]
    _destroy_namespaces(doomed)
    for prefix in set(states) - live:
        (STATE_DIR / ("%s.json" % prefix)).unlink(missing_ok=True)
    return doomed  # the blackhole route stays: dropping traffic to 198.18.0.0/15 is the safe side


def _claim_prefix() -> str:
    states = _states()
    base = os.getpid() % 1000
    for step in range(1000):
        prefix = "mr%d" % ((base + step) % 1000)
        if prefix in states and _alive(states[prefix]):
            continue
        state = {"pid": os.getpid(), "starttime": _starttime(os.getpid()), "created": time.time()}
        (STATE_DIR / ("%s.json" % prefix)).write_text(json.dumps(state))
        return prefix
    raise LabUnavailable("no free lab prefix")


# ---- what a probe inside a namespace returns ----

@dataclass
class Exchange:
    """One datagram or connection made from inside a lab namespace."""

    reply: Optional[bytes]
    local: Optional[Tuple[str, int]]
    peer: Optional[Tuple[str, int]]
    error: Optional[str] = None

    def json(self) -> dict:
        assert self.reply is not None, self.error
        return json.loads(self.reply.decode("utf-8"))


_CLIENT = r"""
import json, socket, sys
proto, dst, port, src, payload, timeout = sys.argv[1:7]
port, src, timeout, payload = int(port), int(src), float(timeout), bytes.fromhex(payload)
kind = socket.SOCK_DGRAM if proto == "udp" else socket.SOCK_STREAM
s = socket.socket(socket.AF_INET, kind)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.settimeout(timeout)
out = {"reply": None, "local": None, "peer": None, "error": None}
try:
    s.bind(("0.0.0.0", src))
    if proto == "udp":
        s.sendto(payload, (dst, port))
        out["local"] = s.getsockname()
        data, peer = s.recvfrom(65535)
    else:
        s.connect((dst, port))
        out["local"] = s.getsockname()
        peer = s.getpeername()
        if payload:
            s.sendall(payload)
        s.shutdown(socket.SHUT_WR)
        chunks = []
        while True:
            chunk = s.recv(65535)
            if not chunk:
                break
            chunks.append(chunk)
        data = b"".join(chunks)
    out["reply"], out["peer"] = data.hex(), peer
except Exception as exc:
    out["error"] = "%s: %s" % (type(exc).__name__, exc)
print(json.dumps(out))
"""


class Lab:
    """A built lab.  Use ``Lab.build()``; always ``teardown()`` (idempotent)."""

    def __init__(self, prefix: str, workdir: Path, owns_workdir: bool) -> None:
        self.prefix = prefix
        self.workdir = workdir
        self._owns_workdir = owns_workdir
        self.namespaces: Dict[str, str] = {role: "%s-%s" % (prefix, role) for role in ROLES}
        self.addresses: Dict[str, str] = {role: addr for role, (addr, _) in SUBNETS.items()}
        self.gateways: Dict[str, str] = {role: gw for role, (_, gw) in SUBNETS.items()}
        self.ops, self.old, self.new, self.store = (SUBNETS[r][0] for r in ("ops", "old", "new", "store"))
        self.nat_address = SUBNETS["store"][1]  # what the store sees for traffic from `new`
        self.reflector: Tuple[str, int] = (self.store, REFLECTOR_PORT)
        self.reflector_error: Optional[str] = "not started"
        self.scales: List[Tuple[str, int]] = [(a, SCALE_PORT) for a in SCALE_ADDRS]
        self.printers: List[Tuple[str, int]] = [(a, PRINTER_PORT) for a in PRINTER_ADDRS]
        self.scale, self.printer = self.scales[0], self.printers[0]
        self.ssh_user, self.ssh_port = "root", 22
        self.had_route = True  # whether the blackhole route was there before the build (then it stays)
        self.logs = workdir / "logs"
        self.client_key = workdir / "client" / "id_ed25519"
        self.client_pubkey = workdir / "client" / "id_ed25519.pub"
        self.host_keys: Dict[str, Path] = {s: workdir / s / "ssh_host_ed25519_key.pub" for s in SSH_SITES}
        self.sshd_configs: Dict[str, Path] = {s: workdir / s / "sshd_config" for s in SSH_SITES}
        self.sshd: Dict[str, object] = {}  # site -> tests/sshd.py SshdServer (.files has every path)
        self.known_hosts = workdir / "known_hosts"
        self.ssh_config = workdir / "ssh_config"
        self._procs: List[subprocess.Popen] = []
        self._torn_down = False

    def __repr__(self) -> str:
        return "<Lab %s %s ops=%s old=%s new=%s store=%s>" % (
            self.prefix, "up" if self.is_up else "torn down", self.ops, self.old, self.new, self.store)

    # ---- running things inside the lab ----

    def ns(self, name: str) -> str:
        """The netns name for a role ("ops") or an already full name."""
        if name in self.namespaces:
            return self.namespaces[name]
        if name in self.namespaces.values():
            return name
        raise KeyError("not a namespace of this lab: %r" % name)

    def _argv(self, ns: str, argv: Sequence[str]) -> List[str]:
        if isinstance(argv, (str, bytes)):
            raise TypeError("argv must be a list of arguments, not a shell string")
        return ["ip", "netns", "exec", self.ns(ns)] + [str(a) for a in argv]

    def exec_in(self, ns: str, argv: Sequence[str], **kw) -> subprocess.CompletedProcess:
        """subprocess.run inside a namespace (captures text output, 60 s timeout by default)."""
        kw.setdefault("timeout", 60)
        if not any(k in kw for k in ("stdout", "stderr", "capture_output")):
            kw["capture_output"] = True
        kw.setdefault("text", not isinstance(kw.get("input"), bytes))
        return subprocess.run(self._argv(ns, argv), **kw)

    def popen_in(self, ns: str, argv: Sequence[str], **kw) -> subprocess.Popen:
        """subprocess.Popen inside a namespace; killed at teardown if still running."""
        proc = subprocess.Popen(self._argv(ns, argv), **kw)
        self._procs.append(proc)
        return proc

    def exchange(self, ns: str, proto: str, dst: Tuple[str, int], payload: bytes = b"",
                 src_port: int = 0, timeout: float = 3.0) -> Exchange:
        """Send one datagram (udp) or one connection (tcp) from ``ns``; return what came back."""
        proc = self.exec_in(ns, [sys.executable, "-I", "-c", _CLIENT, proto, dst[0], dst[1],
                                 src_port, payload.hex(), timeout], timeout=timeout + 10)
        if proc.returncode != 0:
            raise RuntimeError("probe in %s failed: %s" % (ns, proc.stderr.strip()))
        out = json.loads(proc.stdout)
        return Exchange(
            reply=bytes.fromhex(out["reply"]) if out["reply"] is not None else None,
            local=tuple(out["local"]) if out["local"] else None,
            peer=tuple(out["peer"]) if out["peer"] else None,
            error=out["error"])

    def reflect(self, ns: str, proto: str = "udp", src_port: int = 0, nonce: str = "lab") -> dict:
        """Ask the store reflector from ``ns`` what address and port it observed."""
        if self.reflector_error:
            raise RuntimeError("reflector unavailable: %s" % self.reflector_error)
        # padded: the reflector never answers more bytes than it received (no amplification)
        payload = json.dumps({"migready": "reflect", "nonce": nonce, "pad": "." * 200}).encode()
        result = self.exchange(ns, proto, self.reflector, payload, src_port)
        if result.error:
            raise RuntimeError("reflector did not answer %s from %s: %s" % (proto, ns, result.error))
        return result.json()

    def start_daemon(self, ns: str, name: str, argv: Sequence[str], ready: str,
                     timeout: float = 15.0) -> subprocess.Popen:
        """Start a long-running process in ``ns`` (log in ``logs/NAME.log``); wait for ``ready`` in its log."""
        proc = self._start_daemon(ns, name, argv)
        errors = self._wait_ready([(name, proc, [ready])], timeout)
        if errors:
            proc.kill()
            raise RuntimeError("%s %s (log in %s)" % (name, errors[name], self.logs))
        return proc

    def firewall(self, ns: str) -> str:
        """The namespace's iptables and ip6tables rules (iptables-save, counters and comments
        stripped), to compare before and after something that must leave them as they were."""
        text = ""
        for tool in ("iptables-save", "ip6tables-save"):
            if shutil.which(tool):
                out = self.exec_in(ns, [tool]).stdout
                text += "".join(re.sub(r"\[\d+:\d+\]", "", line) + "\n"
                                for line in out.splitlines() if not line.startswith("#"))
        return text

    # ---- ssh client files for ops -> old/new ----

    def write_known_hosts(self, path: Optional[Path] = None,
                          hosts: Iterable[str] = SSH_SITES) -> Path:
        """known_hosts for the given sites (leave one out to test unknown keys)."""
        path = Path(path or self.known_hosts)
        lines = []
        for site in hosts:
            key = " ".join(self.host_keys[site].read_text().split()[:2])
            lines.append("%s %s\n" % (self.addresses[site], key))
        path.write_text("".join(lines))
        return path

    def write_ssh_config(self, path: Optional[Path] = None, hosts: Iterable[str] = SSH_SITES,
                         known_hosts: Optional[Path] = None) -> Path:
        """An OpenSSH client config with one ``Host <site> <address>`` block per site."""
        path = Path(path or self.ssh_config)
        blocks = []
        for site in hosts:
            blocks.append(
                "Host %s %s\n    HostName %s\n    Port %d\n    User %s\n"
                "    IdentityFile %s\n    IdentitiesOnly yes\n    UserKnownHostsFile %s\n"
                "    GlobalKnownHostsFile /dev/null\n    StrictHostKeyChecking yes\n"
                "    BatchMode yes\n    ConnectTimeout 5\n" % (
                    site, self.addresses[site], self.addresses[site], self.ssh_port,
                    self.ssh_user, self.client_key, known_hosts or self.known_hosts))
        path.write_text("\n".join(blocks))
        return path

    def ssh_argv(self, site: str, *command: str, known_hosts: Optional[Path] = None) -> List[str]:
        """OpenSSH client argv (to run in ``ops``) for ``root@<site>`` with the lab key."""
        return ["ssh", "-F", "/dev/null", "-i", str(self.client_key), "-o", "IdentitiesOnly=yes",
                "-o", "UserKnownHostsFile=%s" % (known_hosts or self.known_hosts),
                "-o", "GlobalKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=yes",
                "-o", "BatchMode=yes", "-o", "ConnectTimeout=5", "-p", str(self.ssh_port),
                "%s@%s" % (self.ssh_user, self.addresses[site])] + list(command)

    # ---- lifecycle ----

    @classmethod
    def build(cls, workdir: Optional[Path] = None, services: bool = True,
              timeout: float = 15.0) -> "Lab":
        """Build a lab; raise LabUnavailable when this host cannot (reason in the message)."""
        reason = missing_requirements()
        if reason:
            raise LabUnavailable(reason)
        with _Lock():
            cleanup_stale()
            prefix = _claim_prefix()
            had_route = blackhole_present()
            try:
                _run(["ip", "route", "replace", "blackhole", LAB_NET])
            except RuntimeError as exc:
                (STATE_DIR / ("%s.json" % prefix)).unlink(missing_ok=True)
                raise LabUnavailable("cannot add the root-namespace blackhole route: %s" % exc) from None
        owns = workdir is None
        lab = cls(prefix, Path(workdir or tempfile.mkdtemp(prefix="migready-lab-")), owns)
        lab.had_route = had_route
        atexit.register(lab.teardown)
        try:
            lab._build_network()
            if services:
                lab._start_services(timeout)
        except BaseException:
            lab.teardown()
            raise
        return lab

    def _attach(self, role: str, addr: str, gw: str) -> None:
        """A veth from the router to `role` (its eth0 at addr/24, the router at gw), routed to the lab's net."""
        self._ip("router", "link", "add", "to-" + role, "type", "veth",
                 "peer", "name", "eth0", "netns", self.namespaces[role])
        self._ip("router", "addr", "add", gw + "/24", "dev", "to-" + role)
        self._ip("router", "link", "set", "to-" + role, "up")
        self._ip(role, "addr", "add", addr + "/24", "dev", "eth0")
        self._ip(role, "link", "set", "eth0", "up")
        self._ip(role, "route", "add", LAB_NET, "via", gw)

    def _ip(self, ns: str, *args: str) -> None:
        _run(["ip", "-n", self.ns(ns)] + list(args))

    def _build_network(self) -> None:
        for role in ROLES:
            try:
                _run(["ip", "netns", "add", self.namespaces[role]])
            except RuntimeError as exc:
                raise LabUnavailable("ip netns add failed: %s" % exc) from None
            self._ip(role, "link", "set", "lo", "up")
        for role, (addr, gw) in SUBNETS.items():
            self._attach(role, addr, gw)
        for addr in SCALE_ADDRS + PRINTER_ADDRS:
            self._ip("store", "addr", "add", addr + "/24", "dev", "eth0")
        _run(self._argv("router", ["sysctl", "-qw", "net.ipv4.ip_forward=1"]))
        nat = ["iptables", "-t", "nat", "-A", "POSTROUTING", "-s", "198.18.2.0/24",
               "-o", "to-store", "-j", "MASQUERADE", "--random-fully"]
        try:
            _run(self._argv("router", nat))
        except RuntimeError as exc:
            raise LabUnavailable("cannot install the MASQUERADE rule: %s" % exc) from None

    def _start_daemon(self, ns: str, name: str, argv: Sequence[str]) -> subprocess.Popen:
        self.logs.mkdir(parents=True, exist_ok=True)
        with open(self.logs / (name + ".log"), "wb") as log:
            return self.popen_in(ns, argv, stdin=subprocess.DEVNULL, stdout=log,
                                 stderr=subprocess.STDOUT, start_new_session=True)

    def _wait_ready(self, waits: List[Tuple[str, subprocess.Popen, List[str]]],
                    timeout: float) -> Dict[str, str]:
        """Wait until each daemon's log holds its patterns; return {name: error}."""
        deadline = time.monotonic() + timeout
        pending = {name: (proc, pats) for name, proc, pats in waits}
        errors: Dict[str, str] = {}
        while pending and time.monotonic() < deadline:
            for name, (proc, pats) in list(pending.items()):
                text = (self.logs / (name + ".log")).read_text(errors="replace")
                if all(p in text for p in pats):
                    del pending[name]
                elif proc.poll() is not None:
                    errors[name] = "exited %s: %s" % (proc.returncode, text.strip()[-400:])
                    del pending[name]
            time.sleep(0.02)
        for name in pending:
            errors[name] = "not ready after %.0f s" % timeout
        return errors

    def _start_services(self, timeout: float) -> None:
        waits = []
        for kind, targets, proto in (("scale", self.scales, "udp"), ("printer", self.printers, "tcp")):
            for addr, port in targets:
                name = "%s-%s" % (kind, addr)
                proc = self._start_daemon("store", name, [sys.executable, "-I", str(SIMULATORS_PY),
                                                          kind, "--bind", addr, "--port", port])
                waits.append((name, proc, ["listening %s %s:%d" % (proto, addr, port)]))
        if AGENT_PY.exists():
            addr, port = self.reflector
            proc = self._start_daemon("store", "reflector", [sys.executable, "-I", str(AGENT_PY),
                                                             "reflector", "--bind", addr, "--port", port])
            waits.append(("reflector", proc, ["listening udp %s:%d" % (addr, port),
                                              "listening tcp %s:%d" % (addr, port)]))
        else:
            self.reflector_error = "%s does not exist (yet)" % AGENT_PY
        self._start_sshd(timeout)  # meanwhile the simulators start
        errors = self._wait_ready(waits, timeout)
        if "reflector" in errors:
            self.reflector_error = "reflector " + errors.pop("reflector")
        elif AGENT_PY.exists():
            self.reflector_error = None
        if errors:
            raise RuntimeError("lab services failed: " + "; ".join(
                "%s %s (log in %s)" % (n, e, self.logs) for n, e in errors.items()))

    def _start_sshd(self, timeout: float) -> None:
        """One client key for the lab; per site a host key, config and sshd (tests/sshd.py)."""
        sshd = _sshd_module()
        self.client_key.parent.mkdir(parents=True, exist_ok=True)
        sshd.keygen(self.client_key, comment="migready-lab-client")
        for site in SSH_SITES:
            site_dir = self.workdir / site
            site_dir.mkdir(parents=True, exist_ok=True)
            for suffix in ("", ".pub"):  # write_sshd_config authorizes the key it finds there
                shutil.copy(str(self.client_key) + suffix, str(site_dir / "client_ed25519") + suffix)
            files = sshd.write_sshd_config(site_dir, self.addresses[site], self.ssh_port,
                                           user=self.ssh_user, extra=["Subsystem sftp internal-sftp"])
            assert files.config == self.sshd_configs[site] and files.host_pub == self.host_keys[site]
            self.sshd[site] = sshd.SshdServer(files, prefix=["ip", "netns", "exec", self.ns(site)])
            self.sshd[site].start(timeout)
        self.write_known_hosts()
        self.write_ssh_config()

    def teardown(self) -> None:
        """Kill the lab's processes, delete its namespaces, drop the route if last."""
        if self._torn_down:
            return
        self._torn_down = True
        for server in self.sshd.values():
            server.stop()
        for proc in self._procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self._procs:
            try:
                proc.wait(3)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(3)
        with _Lock():
            _destroy_namespaces([ns for ns in self.namespaces.values() if ns in netns_list()])
            (STATE_DIR / ("%s.json" % self.prefix)).unlink(missing_ok=True)
            if not self.had_route and not any(_alive(s) for s in _states().values()):
                _run(["ip", "route", "del", "blackhole", LAB_NET], check=False)
        if self._owns_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
        try:
            atexit.unregister(self.teardown)
        except Exception:  # pragma: no cover - interpreter shutting down
            pass

    @property
    def is_up(self) -> bool:
        return not self._torn_down

    # ---- per-namespace /etc files (split-horizon DNS: /etc/netns/<ns>/hosts) ----

    def write_etc(self, role: str, name: str, text: str) -> Path:
        """Write /etc/netns/<ns>/<name>, which processes started in ``role`` afterwards see as
        /etc/<name>.  Rewritten in place, so processes already started see the new text too
        once they saw the file at all (a bind mount follows the inode).  Removed at teardown."""
        path = ETC_NETNS / self.ns(role) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        return path

    def restart_sshd(self, site: str, timeout: float = 15.0) -> None:
        """Restart a site's sshd, so its sessions see the /etc files written since it started."""
        server = self.sshd[site]
        server.stop()
        server.files.log.write_text("")  # start() waits for a fresh "Server listening on"
        server.start(timeout)


def _sshd_module():
    """tests/sshd.py (the loopback sshd fixture's key/config/process layer)."""
    for name in ("tests.sshd", "sshd"):
        if name in sys.modules:
            return sys.modules[name]
    spec = importlib.util.spec_from_file_location("sshd", REPO / "tests" / "sshd.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["sshd"] = module
    spec.loader.exec_module(module)
    return module


def blackhole_present() -> bool:
    """Whether the root namespace has the lab's blackhole route."""
    out = _run(["ip", "route", "show", "type", "blackhole", LAB_NET], check=False).stdout
    return LAB_NET in out
