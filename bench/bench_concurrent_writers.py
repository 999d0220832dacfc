"""Two `migready mark`-style writers on one workspace at the same moment, N times: how many acknowledged
updates are lost?  (Issue 12: before the OS lock, 5 of 40 trials lost one.)

    python bench/bench_concurrent_writers.py --trials 1000

Each trial makes a fresh workspace, forks two processes that wait on one event, then each loads, marks
and saves under `Workspace.editing` (the code path of `migready mark`/`waive`/`signoff`); the trial counts
the marks that reached the file.  tests/test_workspace_lock.py runs the same function with 200 trials.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from test_workspace_lock import concurrent_writer_trials  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        started = time.perf_counter()
        lost = concurrent_writer_trials(Path(directory), args.trials)
        elapsed = time.perf_counter() - started
    print(f"{args.trials} trials of two concurrent writers: {lost} lost updates ({elapsed:.1f} s)")


if __name__ == "__main__":
    main()
