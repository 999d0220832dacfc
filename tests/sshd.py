"""A real OpenSSH sshd for tests: keys, config, process, teardown.

Two layers, so the network lab can reuse the first without the second:

* `write_sshd_config(directory, listen_address, port)` writes host key, client
  key pair, authorized_keys and an sshd_config into ``directory`` and returns
  an `SshdFiles` with every path (nothing is started).
* `SshdServer(files)` runs ``sshd -D -e -f CONFIG`` (optionally behind a
  command prefix such as ``ip netns exec NS``), waits until it listens, and
  always kills it and its session processes at teardown.

Works as root on a fresh Debian with only ``openssh-server`` installed (the
privilege separation directory /run/sshd is created if missing) and as an
ordinary user (then only that user can log in).  The `sshd_server` pytest
fixture skips with a reason when sshd or ssh-keygen is missing.
"""
from __future__ import annotations

import getpass
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Sequence

import pytest

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
SSH_KEYGEN = shutil.which("ssh-keygen") or "/usr/bin/ssh-keygen"


def missing_tools() -> Optional[str]:
    """Why sshd tests cannot run here, or None."""
    for tool in (SSHD, SSH_KEYGEN):
        if not os.access(tool, os.X_OK):
            return f"{os.path.basename(tool)} not found (apt-get install openssh-server)"
    return None


def free_port(address: str = "127.0.0.1") -> int:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((address, 0))
        return s.getsockname()[1]


def keygen(path: Path, key_type: str = "ed25519", comment: str = "migready-test") -> Path:
    """An unencrypted key pair at ``path`` / ``path.pub``."""
    subprocess.run([SSH_KEYGEN, "-q", "-t", key_type, "-N", "", "-C", comment, "-f", str(path)],
                   check=True, stdin=subprocess.DEVNULL)
    return path


@dataclass
class SshdFiles:
    directory: Path
    config: Path
    host_key: Path
    client_key: Path
    authorized_keys: Path
    pidfile: Path
    log: Path
    listen_address: str
    port: int
    user: str

    @property
    def host_pub(self) -> Path:
        return Path(str(self.host_key) + ".pub")

    @property
    def client_pub(self) -> Path:
        return Path(str(self.client_key) + ".pub")

    def known_hosts_line(self, name: Optional[str] = None, key_pub: Optional[Path] = None) -> str:
        """A known_hosts line for this server (or another key, to fake a change)."""
        host = name or self.listen_address
        if name is None and self.port != 22:
            host = f"[{self.listen_address}]:{self.port}"
        key_type, b64 = (key_pub or self.host_pub).read_text().split()[:2]
        return f"{host} {key_type} {b64}\n"

    def write_known_hosts(self, path: Path) -> Path:
        path.write_text(self.known_hosts_line())
        return path


def _account_locked(user: str) -> bool:
    """With UsePAM no, sshd refuses accounts whose password field starts with
    '!' even for key logins; such machines need UsePAM yes."""
    try:
        with open("/etc/shadow") as f:
            for line in f:
                name, _, rest = line.partition(":")
                if name == user:
                    return rest.startswith("!")
    except OSError:
        pass
    return False


def write_sshd_config(directory: Path, listen_address: str = "127.0.0.1",
                      port: Optional[int] = None, *, user: Optional[str] = None,
                      extra: Iterable[str] = ()) -> SshdFiles:
    """Keys + authorized_keys + sshd_config for a throwaway sshd in ``directory``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    user = user or getpass.getuser()
    port = port or free_port(listen_address)
    host_key = directory / "ssh_host_ed25519_key"
    client_key = directory / "client_ed25519"
    for key in (host_key, client_key):
        if not key.exists():
            keygen(key)
    authorized = directory / "authorized_keys"
    authorized.write_text(Path(str(client_key) + ".pub").read_text())
    os.chmod(authorized, 0o600)
    files = SshdFiles(directory, directory / "sshd_config", host_key, client_key, authorized,
                      directory / "sshd.pid", directory / "sshd.log", listen_address, port, user)
    lines = [
        f"ListenAddress {listen_address}",
        f"Port {port}",
        f"HostKey {host_key}",
        f"PidFile {files.pidfile}",
        f"AuthorizedKeysFile {authorized}",
        "PermitRootLogin prohibit-password",
        "PubkeyAuthentication yes",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        f"UsePAM {'yes' if _account_locked(user) else 'no'}",
        "StrictModes no",
        "AllowTcpForwarding yes",
        "X11Forwarding no",
        "PrintMotd no",
        "LogLevel VERBOSE",
        *extra,
    ]
    files.config.write_text("\n".join(lines) + "\n")
    return files


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        kids.setdefault(ppid, []).append(int(entry))
    return kids


def _comm(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return ""


class SshdServer:
    """One sshd process for ``files``; a context manager."""

    def __init__(self, files: SshdFiles, prefix: Sequence[str] = ()) -> None:
        self.files = files
        self.prefix = list(prefix)
        self.proc: Optional[subprocess.Popen] = None

    @property
    def port(self) -> int:
        return self.files.port

    def start(self, timeout: float = 10.0) -> "SshdServer":
        if os.geteuid() == 0:
            os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
        log = open(self.files.log, "ab")
        self.proc = subprocess.Popen([*self.prefix, SSHD, "-D", "-e", "-f", str(self.files.config)],
                                     stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                     start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"sshd exited with status {self.proc.returncode}:\n{self.log_text()}")
            if "Server listening on" in self.log_text() and (self.prefix or self._accepts()):
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"sshd did not start listening within {timeout} s:\n{self.log_text()}")

    def _accepts(self) -> bool:
        try:
            socket.create_connection((self.files.listen_address, self.files.port), 0.5).close()
            return True
        except OSError:
            return False

    def log_text(self) -> str:
        try:
            return self.files.log.read_text(errors="replace")
        except OSError:
            return ""

    def session_pids(self) -> list[int]:
        """Per-connection sshd processes (children of the listener and theirs)."""
        if self.proc is None:
            return []
        kids, found, todo = _children(), [], [self.proc.pid]
        while todo:
            for child in kids.get(todo.pop(), []):
                found.append(child)
                todo.append(child)
        return found

    def kill_sessions(self) -> int:
        """SIGKILL the sshd processes serving connections (not the commands they
        run): clients see the TCP connection die without an exit status."""
        victims = [p for p in self.session_pids() if _comm(p).startswith("sshd")]
        for pid in victims:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return len(victims)

    def stop(self) -> None:
        if self.proc is None:
            return
        everything = self.session_pids()
        for pid in [self.proc.pid, *everything]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        self.proc = None

    def __enter__(self) -> "SshdServer":
        return self.start() if self.proc is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_sshd(directory: Path, extra: Iterable[str] = ()) -> SshdServer:
    """write_sshd_config + start on 127.0.0.1, retrying if the free port got taken."""
    reason = missing_tools()
    if reason:
        pytest.skip(reason)
    last: Optional[Exception] = None
    for attempt in range(3):
        files = write_sshd_config(Path(directory), "127.0.0.1", extra=extra)
        files.log.write_text("")
        try:
            return SshdServer(files).start()
        except RuntimeError as e:
            last = e
    raise RuntimeError(f"could not start sshd: {last}")


def spec(server: "SshdServer") -> str:
    """The host spec a test gives `open_transport` for `server`."""
    return f"ssh://{server.files.user}@127.0.0.1:{server.port}"


def options(server: "SshdServer", tmp_path: Path, known: bool = True, **kw):
    """TransportOptions for `server` that read nothing of the machine's own SSH setup: its key,
    a known_hosts in `tmp_path` (holding the server's key unless `known` is False), no agent."""
    from migready.checks.probing.transports import TransportOptions

    kh = tmp_path / "known_hosts"
    if known:
        server.files.write_known_hosts(kh)
    base = dict(ssh_config="", identity_files=[str(server.files.client_key)], known_hosts=str(kh),
                global_known_hosts=[], allow_agent=False, look_for_keys=False, connect_timeout=5,
                auth_timeout=5)
    base.update(kw)
    return TransportOptions(**base)


@pytest.fixture(scope="module")
def sshd_server(tmp_path_factory: pytest.TempPathFactory):
    """A running sshd on 127.0.0.1:<free port>, shared by a test module."""
    server = start_sshd(tmp_path_factory.mktemp("sshd"))
    try:
        yield server
    finally:
        server.stop()


# A stand-in for checks/probing/agent.py that speaks the same protocol (one JSON plan
# on stdin until EOF; JSON lines out: hello, one result per probe, summary; an
# error line and exit 2 for a bad plan).  Knobs in the plan make it slow,
# noisy or short-lived, so the transports can be tested on their own.
STANDIN_AGENT = r'''
import json, os, sys, time, zlib
def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()
raw = sys.stdin.buffer.read()
try:
    raw = zlib.decompress(raw)  # the plan arrives compressed, as the real agent reads it
    plan = json.loads(raw)
    probes = plan["probes"]
except (ValueError, KeyError, TypeError) as e:
    emit({"type": "error", "message": "bad plan: %s" % e})
    sys.exit(2)
if plan.get("stderr_bytes"):
    sys.stderr.write("e" * plan["stderr_bytes"])
    sys.stderr.flush()
emit({"type": "hello", "name": __name__, "argv": sys.argv, "pid": os.getpid(),
      "python": list(sys.version_info[:3]), "plan_bytes": len(raw)})
if plan.get("noise"):
    print("this is not json")
    print("[1, 2]")
for i, probe in enumerate(probes):
    if plan.get("delay"):
        time.sleep(plan["delay"])
    emit({"type": "result", "seq": i, "probe": probe, "pad": "x" * plan.get("pad", 0)})
if plan.get("exit") is not None:
    sys.stderr.write("stand-in agent giving up\n")
    sys.exit(plan["exit"])
emit({"type": "summary", "results": len(probes)})
'''
