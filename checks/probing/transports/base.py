"""The contract every transport honours, and the pieces they share.

A transport gets the probe agent to a host and brings its JSON lines back.
Two rules shape everything here:

* Nothing from the inventory is ever put on a command line.  The agent is
  started with a FIXED bootstrap (``BOOTSTRAP_CODE``) and receives its own
  source and the probe plan on stdin, so the remote command is the same
  string for every host and every plan.
* Errors are for people.  Every failure a user can cause or meet (host down,
  wrong key, unknown host key, python3 missing, dropped connection) is a
  `TransportError` whose message names the host and says what happened in
  words; callers print ``str(exc)``, never a traceback.

`AgentOutcome.error` is stored in the workspace with the run: it is a `Msg`
(neutral English, shown in the reader's language).
"""
from __future__ import annotations

import collections
import functools
import json
import shlex
import threading
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from ...text.i18n import Msg, MsgN
from .errors import (AuthFailed, ChangedHostKey, CommandTimeout, ConnectFailed, ConnectionDropped, ConnectTimeout, HostKeyError, HostKeyInfo, PythonMissing, RevokedHostKey, TransportError, UnknownHostKey, hostport, known_hosts_name)
from . import guard
from .hostspec import HostSpec

# The agent is exec'd in the real ``__main__`` namespace (so ``__name__ ==
# "__main__"`` and classes/dataclasses defined by the agent resolve their
# module), with ``sys.argv == ["migready-agent", "run"]``.  stdin carries: one
# line with the byte length of the zlib-compressed agent source, that source,
# then the plan (JSON, ASCII-only, zlib-compressed) until EOF, which the agent
# reads as its plan.  Compressed because the source is ~150 kB and a 10,000-target
# plan ~4 MB of repetitive JSON (a tenth of that compressed); zlib is in every
# CPython.  Single expression, no helper variables leak into the agent's globals
# beyond the two modules.  No single quotes inside, so it survives any POSIX
# shell quoting unchanged.
BOOTSTRAP_CODE = (
    'import sys,zlib;sys.argv[0]="migready-agent";'
    "exec(compile(zlib.decompress(sys.stdin.buffer.read(int(sys.stdin.buffer.readline()))),"
    '"migready-agent","exec"))'
)

HOST_KEY_ANSWERS = ("once", "remember", "refuse")


def agent_argv(python: str) -> list[str]:
    """The argument list that starts the agent: ``python -I -S -u -c BOOTSTRAP run``.

    ``-I`` (isolated: no PYTHON* variables, no user site, no current
    directory on sys.path) so a stray ``json.py`` in the login directory or a
    PYTHONPATH on the staging host cannot change what the stdlib-only agent
    imports; ``-S`` (no ``site``): the agent needs no site-packages, and
    skipping ``site`` and its ``.pth`` files saves 10-50 ms of every start;
    ``-u`` keeps stdout unbuffered so each result line leaves the host
    as soon as the agent prints it (streaming), even on Python 3.6.
    """
    return [python, "-I", "-S", "-u", "-c", BOOTSTRAP_CODE, "run"]


def agent_command(python: str) -> str:
    """`agent_argv` as one shell command line (what SSH executes remotely)."""
    return " ".join(shlex.quote(a) for a in agent_argv(python))


def encode_agent_input(agent_source: str, plan: dict) -> bytes:
    """Length line + compressed agent source + compressed plan JSON: everything the bootstrap reads.

    The plan is ASCII-escaped so that a remote Python with a C/POSIX locale
    (no UTF-8 mode before 3.7) decodes it without trouble.  Level 1 for the
    plan: nearly the ratio of level 9 on this JSON at a fraction of the time.
    """
    guard.enforce(plan)
    src = _compressed_source(agent_source)
    plan_bytes = json.dumps(plan, ensure_ascii=True, separators=(",", ":")).encode("ascii")
    return str(len(src)).encode("ascii") + b"\n" + src + zlib.compress(plan_bytes, 1)


@functools.lru_cache(maxsize=4)
def _compressed_source(agent_source: str) -> bytes:
    """The agent source compressed once per process (a fleet sends it to every host)."""
    return zlib.compress(agent_source.encode("utf-8"), 6)


@dataclass
class TransportOptions:
    """How to connect.  ``None`` means "the OpenSSH default", resolved at
    connect time (so a changed ``HOME`` is honoured)."""

    ssh_config: Optional[str] = None  # None: ~/.ssh/config if present; "": none
    identity_files: list[str] = field(default_factory=list)
    known_hosts: Optional[str] = None  # None: UserKnownHostsFile or ~/.ssh/known_hosts
    global_known_hosts: Optional[list[str]] = None  # None: /etc/ssh/ssh_known_hosts{,2}
    hash_known_hosts: Optional[bool] = None  # None: HashKnownHosts from ssh config
    accept_new_host_key: bool = False  # trust AND record an unknown key (like accept-new)
    host_key_callback: Optional[Callable[[HostKeyInfo], str]] = None  # once|remember|refuse
    connect_timeout: float = 10.0
    auth_timeout: float = 10.0
    allow_agent: bool = True
    look_for_keys: bool = True
    password_callback: Optional[Callable[[str], Optional[str]]] = field(default=None, repr=False)
    passphrase_callback: Optional[Callable[[str], Optional[str]]] = field(default=None, repr=False)
    remote_python: str = "python3"
    local_python: Optional[str] = None  # None: sys.executable
    keepalive_interval: float = 15.0


@dataclass
class CommandResult:
    exit_status: int
    stdout: bytes
    stderr: bytes


@dataclass
class AgentOutcome:
    """How an agent run ended.  The lines themselves went to ``on_line``."""

    complete: bool  # the summary line was seen
    exit_status: Optional[int]  # None: no exit status arrived (dropped, signal)
    stderr_tail: str
    error: Optional[str] = None  # a Msg: stored with the run
    results: int = 0  # "result" lines passed to on_line
    noise: list[str] = field(default_factory=list)  # non-JSON stdout lines (last few)


class Tail:
    """Keep the last ``limit`` bytes of a stream (stderr is for diagnosis only)."""

    def __init__(self, limit: int = 8192) -> None:
        self.limit = limit
        self._buf = bytearray()
        self._lock = threading.Lock()

    def add(self, data: bytes) -> None:
        with self._lock:
            self._buf += data
            if len(self._buf) > self.limit:
                del self._buf[: len(self._buf) - self.limit]

    def text(self) -> str:
        with self._lock:
            return self._buf.decode("utf-8", "replace")


class AgentStream:
    """Turn agent stdout bytes into JSON objects for ``on_line``, as they arrive.

    Anything that is not a JSON object on a line of its own is kept as noise
    (a stray print, a warning): it never stops the stream.
    """

    MAX_LINE = 16 * 1024 * 1024

    def __init__(self, on_line: Callable[[dict], None]) -> None:
        self.on_line = on_line
        self._buf = b""
        self.lines = 0
        self.results = 0
        self.summary_seen = False
        self.error_line: Optional[dict] = None
        self.noise: collections.deque[str] = collections.deque(maxlen=20)

    def feed(self, data: bytes) -> None:
        if b"\n" in data:  # every whole line at once (the agent sends its results in batches)
            *lines, self._buf = (self._buf + data).split(b"\n")
            objects = _objects(lines)
            if objects is None:  # noise among them (a login banner, a cut line): one at a time
                for line in lines:
                    self._line(line)
            else:
                for obj in objects:
                    self._object(obj)
        else:
            self._buf += data
        if len(self._buf) > self.MAX_LINE:
            self.noise.append(f"<{len(self._buf)} bytes without a newline dropped>")
            self._buf = b""

    def finish(self) -> None:
        """End of stream: a trailing fragment (cut off mid-line) is noise."""
        if self._buf.strip():
            self._line(self._buf)
        self._buf = b""

    def _line(self, raw: bytes) -> None:
        text = raw.decode("utf-8", "replace").strip()
        if not text:
            return
        try:
            obj: Any = json.loads(text)
        except ValueError:
            obj = None
        if not isinstance(obj, dict):
            self.noise.append(text[:500])
            return
        self._object(obj)

    def _object(self, obj: dict) -> None:
        self.lines += 1
        kind = obj.get("type")
        if kind == "result":
            self.results += 1
        elif kind == "summary":
            self.summary_seen = True
        elif kind == "error" and self.error_line is None:
            self.error_line = obj
        self.on_line(obj)


def _objects(lines: list[bytes]) -> Optional[list[dict]]:
    """Every line as a JSON object, parsed in one call (a batch of agent results), or None when any
    line is not one."""
    try:
        objects = json.loads(b"[" + b",".join(lines) + b"]")
    except ValueError:  # UnicodeDecodeError included
        return None
    return objects if all(type(obj) is dict for obj in objects) else None


def conclude(stream: AgentStream, exit_status: Optional[int], stderr: Tail, *,
             where: str, host: str, port: Optional[int], python: str,
             cancelled: bool = False, dropped: Optional[str] = None) -> AgentOutcome:
    """Decide how an agent run ended, in words.  Raises `PythonMissing`."""
    tail = stderr.text()
    n = stream.results
    error: Optional[str] = None
    if cancelled:
        error = Msg("cancelled")
    elif exit_status == 127 and stream.lines == 0:
        raise PythonMissing(host, port, python, where)
    elif stream.summary_seen:
        error = None
    elif dropped is not None:
        error = MsgN("connection to {where} dropped after {n} result ({reason})",
                     "connection to {where} dropped after {n} results ({reason})", n, where=where, reason=dropped)
    elif stream.error_line is not None:
        err = stream.error_line
        detail = err.get("detail") or err.get("message") or json.dumps(err)
        error = MsgN("agent on {where} reported an error after {n} result: {detail}",
                     "agent on {where} reported an error after {n} results: {detail}", n, where=where, detail=detail)
    else:
        how = (Msg("exited with status {status}", status=exit_status)
               if exit_status is not None and exit_status >= 0
               else Msg("was killed by signal {signal}", signal=-exit_status) if exit_status is not None
               else Msg("ended without an exit status (killed by a signal?)"))
        last = tail.strip().splitlines()[-1:] or [""]
        if last[0]:  # the agent's last stderr line is the host's own words: data
            error = MsgN("agent on {where} {how} before its summary, after {n} result: {last}",
                         "agent on {where} {how} before its summary, after {n} results: {last}", n,
                         where=where, how=how, last=last[0][:300])
        else:
            error = MsgN("agent on {where} {how} before its summary, after {n} result",
                         "agent on {where} {how} before its summary, after {n} results", n, where=where, how=how)
    return AgentOutcome(complete=stream.summary_seen and not cancelled, exit_status=exit_status,
                        stderr_tail=tail, error=error, results=n, noise=list(stream.noise))


class Transport:
    """A connection to one host.  Subclasses: `LocalTransport`, `SSHTransport`.

    Construct cheaply, then `connect()` (what `open_transport` does); use as a
    context manager so `close()` always runs.
    """

    scheme = ""

    def __init__(self, spec: HostSpec, options: Optional[TransportOptions] = None) -> None:
        self.spec = spec
        self.options = options if options is not None else TransportOptions()

    @property
    def where(self) -> str:
        """How messages name this host."""
        return str(self.spec)

    def connect(self) -> None:
        """Establish the connection; raises `TransportError` subclasses."""

    def run_agent(self, agent_source: str, plan: dict, on_line: Callable[[dict], None],
                  cancel: Optional[threading.Event] = None) -> AgentOutcome:
        """Run the agent with ``plan``; ``on_line(obj)`` for each JSON line as it
        arrives (on the calling thread).  A dropped connection or a cancel is
        not an exception: see AgentOutcome.complete/.error.  Raises
        `PythonMissing` when the interpreter is not there, and whatever
        ``on_line`` raises (after stopping the agent)."""
        raise NotImplementedError

    def run(self, argv: list[str], stdin: Optional[bytes] = None,
            timeout: Optional[float] = None) -> CommandResult:
        """Run a command with CONSTANT arguments (never inventory values)."""
        raise NotImplementedError

    def close(self) -> None:
        """Release the connection; safe to call twice."""

    def __enter__(self) -> "Transport":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
