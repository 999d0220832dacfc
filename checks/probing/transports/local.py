"""Local transport: the agent as a subprocess of this machine's Python.

Used for "probe from here" and by tests.  It runs the very same bootstrap as
SSH does (argument list, no shell), so whatever works locally exercises the
remote code path too.
"""
from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from typing import IO, Callable, Optional

from ...text.i18n import Msg
from .base import (AgentOutcome, AgentStream, CommandResult, CommandTimeout, PythonMissing, Tail, Transport, agent_argv, conclude, encode_agent_input)

_POSIX = os.name == "posix"


class LocalTransport(Transport):
    scheme = "local"

    @property
    def where(self) -> str:
        return "this machine (local://)"

    @property
    def python(self) -> str:
        return self.options.local_python or sys.executable

    def run_agent(self, agent_source: str, plan: dict, on_line: Callable[[dict], None],
                  cancel: Optional[threading.Event] = None) -> AgentOutcome:
        argv, payload = self._agent_launch(agent_source, plan)
        try:
            proc = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    start_new_session=_POSIX)
        except (FileNotFoundError, PermissionError):
            raise self._missing() from None
        assert proc.stdin and proc.stdout and proc.stderr
        stream, err = AgentStream(on_line), Tail()
        chunks: "queue.Queue[bytes]" = queue.Queue()
        threads = [threading.Thread(target=_write, args=(proc.stdin, payload), daemon=True),
                   threading.Thread(target=_read, args=(proc.stdout, chunks.put), daemon=True),
                   threading.Thread(target=_read, args=(proc.stderr, err.add), daemon=True)]
        for t in threads:
            t.start()
        cancelled = False
        try:
            while True:
                if cancel is not None and cancel.is_set():
                    cancelled = True
                    break
                try:
                    data = chunks.get(timeout=0.1)
                except queue.Empty:
                    continue
                if not data:
                    break
                stream.feed(data)
        except BaseException:  # on_line raised: do not leave the agent running
            _kill(proc)
            proc.wait()
            _close_pipes(proc, threads)
            raise
        if cancelled:
            _kill(proc)
        stream.finish()
        status = proc.wait()
        _close_pipes(proc, threads)
        return conclude(stream, status, err, where=self.where, host="localhost", port=None,
                        python=self.python, cancelled=cancelled)

    def _agent_launch(self, agent_source: str, plan: dict) -> tuple[list[str], bytes]:
        """The argv that starts the agent and what it reads on stdin (the exec: transport differs)."""
        return agent_argv(self.python), encode_agent_input(agent_source, plan)

    def _missing(self) -> Exception:
        return PythonMissing("localhost", None, self.python, self.where)

    def run(self, argv: list[str], stdin: Optional[bytes] = None,
            timeout: Optional[float] = None) -> CommandResult:
        """Run ``argv`` (no shell).  A missing program gives exit status 127, as
        a shell would, so callers treat local and SSH alike."""
        if not argv:
            raise ValueError("run() needs a command")
        try:
            done = subprocess.run(argv, input=stdin or b"", capture_output=True, timeout=timeout)
        except FileNotFoundError:
            return CommandResult(127, b"", f"{argv[0]}: not found\n".encode())
        except subprocess.TimeoutExpired:
            raise CommandTimeout(Msg("{command} on {where} did not finish within {seconds:g} s",
                                     command=argv[0], where=self.where, seconds=timeout),
                                 "localhost", None) from None
        return CommandResult(done.returncode, done.stdout, done.stderr)


def _write(pipe: IO[bytes], data: bytes) -> None:
    """stdin in its own thread: the child may write a lot before reading."""
    try:
        pipe.write(data)
    except (BrokenPipeError, OSError):
        pass
    finally:
        try:
            pipe.close()
        except OSError:
            pass


def _read(pipe: IO[bytes], sink: Callable[[bytes], object]) -> None:
    """Forward output as it arrives (read1: no waiting for a full buffer);
    an empty chunk marks EOF."""
    try:
        while True:
            data = pipe.read1(65536)  # type: ignore[attr-defined]
            sink(data)
            if not data:
                return
    except (OSError, ValueError):
        sink(b"")


def _close_pipes(proc: subprocess.Popen, threads: list) -> None:
    """Let the readers see EOF, then close the agent's pipes (no ResourceWarning, no leaked fds)."""
    for t in threads[1:]:
        t.join(timeout=2)
    for pipe in (proc.stdout, proc.stderr):
        try:
            pipe.close()
        except OSError:
            pass


def _kill(proc: subprocess.Popen) -> None:
    """Kill the agent and anything it started (its own session on POSIX)."""
    try:
        if _POSIX:
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    except (ProcessLookupError, PermissionError, OSError):
        pass
