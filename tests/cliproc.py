"""The command line as a user (or a CI pipeline) runs it, for the tests: ``migready ARGS`` with its
output captured as text and its exit code as ``returncode`` (a ``subprocess.CompletedProcess``).

Why in-process by default: a fresh Python per call cost about a second on a busy 2-core machine,
and the suite made some 200 of them (issue 26).  ``main(argv)`` is what the console script and
``python -m migready.checks.cli`` call, so the words and exit codes are the same; the call gets its
own stdout, stderr and stdin, the environment and working directory it is given, and the language
and signal handlers of the test are put back afterwards.  ``subprocess=True`` starts a real child
instead: for what only a process can show (exit codes on signals, a lock held by another process,
stdin and the interpreter's own flags, a verb that opens Qt).  MIGREADY_TEST_SUBPROCESS=1 makes every
call a child, to compare.  Arguments may be paths; they are passed as strings.
"""
from __future__ import annotations

import io
import os
import signal
import subprocess as _subprocess
import sys
import threading

_ONE_AT_A_TIME = threading.Lock()  # os.environ, the working directory and sys.std* are the process's
_SIGNALS = [s for s in (getattr(signal, n, None) for n in ("SIGINT", "SIGTERM", "SIGHUP", "SIGPIPE")) if s]


def migready(*args, cwd=None, env=None, timeout: float = 60, input: str | None = None,
             subprocess: bool = False) -> _subprocess.CompletedProcess:
    argv = [str(a) for a in args]
    if subprocess or os.environ.get("MIGREADY_TEST_SUBPROCESS") == "1" or _foreign_locale(env):
        return _subprocess.run([sys.executable, "-m", "migready.checks.cli", *argv], capture_output=True,
                               text=True, cwd=cwd, env=env, timeout=timeout, input=input)
    return _in_process(argv, cwd, env, input)


def _foreign_locale(env) -> bool:
    """An environment in another language is given to a child: the C library's own messages (strerror)
    follow it, and glibc keeps what it loaded for the rest of the process (a later test read
    'No such file or directory' in Chinese)."""
    if env is None:
        return False
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = str(env.get(name) or "")
        if value and not value.startswith(("en", "C", "POSIX")):
            return True
    return False


def _stream(data: bytes = b"") -> io.TextIOWrapper:
    """A text stream with a `.buffer`, as sys.stdout is (some verbs write bytes)."""
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="replace", newline=None)


def _text(stream: io.TextIOWrapper) -> str:
    stream.flush()
    return stream.buffer.getvalue().decode("utf-8", "replace").replace("\r\n", "\n")


def _in_process(argv: list[str], cwd, env, input: str | None) -> _subprocess.CompletedProcess:
    from migready.checks.cli import main
    from migready.checks.text.i18n import set_language

    with _ONE_AT_A_TIME:
        saved_env, saved_cwd = dict(os.environ), os.getcwd()
        saved_std = sys.stdin, sys.stdout, sys.stderr
        saved_signals = {s: signal.getsignal(s) for s in _SIGNALS} \
            if threading.current_thread() is threading.main_thread() else {}
        out, err = _stream(), _stream()
        try:
            if env is not None:
                os.environ.clear()
                os.environ.update({str(k): str(v) for k, v in env.items()})
            if cwd is not None:
                os.chdir(cwd)
            sys.stdin, sys.stdout, sys.stderr = _stream((input or "").encode("utf-8")), out, err
            try:
                code = main(argv)
            except SystemExit as exc:  # argparse's --help and its errors
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
                if isinstance(exc.code, str):
                    print(exc.code, file=sys.stderr)
        finally:
            sys.stdin, sys.stdout, sys.stderr = saved_std
            os.chdir(saved_cwd)
            os.environ.clear()
            os.environ.update(saved_env)
            for sig, handler in saved_signals.items():
                if handler is not None:
                    signal.signal(sig, handler)
            set_language(None)  # the test's own language again (conftest: LANGUAGE=en)
        return _subprocess.CompletedProcess(["migready", *argv], code, _text(out), _text(err))
