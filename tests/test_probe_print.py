"""What `migready probe` prints at the end of a run (checks/cli/probe.py print_run)."""
from __future__ import annotations

from migready.checks.cli.probe import print_run


def _run(n: int, failed: set[int]) -> dict:
    results = [{"id": f"p{i}", "dependency": "shop/scale", "target": f"198.18.{i // 250}.{i % 250 + 1}",
                "check": "tcp_connect", "proves": ["reachable"], "status": "fail" if i in failed else "pass",
                "reason": "refused" if i in failed else "connected", "detail": "", "latency_ms": 1.0,
                "started": "2030-01-01T00:00:00.000Z", "data": {}} for i in range(n)]
    return {"id": "run-1", "phase": "post", "host": "ssh://root@stage", "planned": n, "results": results}


def test_a_large_run_lists_what_did_not_pass_and_counts_the_passes(capsys):
    """At 10,000 targets the run printed 20,000 lines and the failures were somewhere in them."""
    print_run(_run(1000, {7, 500, 999}))
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "run-1: post from ssh://root@stage, 1000/1000 results"
    listed = [line for line in lines[1:] if "tcp_connect" in line]
    assert len(listed) == 3 and all("FAIL" in line for line in listed)
    assert any("198.18.2.1" in line for line in listed)  # result 500
    assert lines[-1] == "  …and 997 passing results, not listed (every result is in the workspace)"


def test_a_small_run_lists_every_result(capsys):
    print_run(_run(6, {2}))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 7 and sum("PASS" in line for line in lines) == 5
