"""The command line as a user (or a CI pipeline) runs it: ``python -m migready.checks.cli ARGS`` in a
child process, its output captured as text.  Arguments may be paths; they are passed as strings."""
from __future__ import annotations

import subprocess
import sys


def migready(*args, cwd=None, env=None, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "migready.checks.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout)
