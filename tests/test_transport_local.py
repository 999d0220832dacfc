"""The local transport, and the transport pieces that need no network.

The stand-in agent (tests/sshd.py STANDIN_AGENT) speaks the agent protocol;
it is the test double for checks/probing/agent.py, which has its own tests.  One test
runs the real agent when it exists.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

import pytest

import migready.checks
from migready.checks.probing.transports import (BOOTSTRAP_CODE, AgentOutcome, CommandTimeout, PythonMissing, TransportOptions, agent_argv, agent_command, open_transport, parse_host)
from migready.checks.probing.run import agent_source
from migready.checks.probing.transports.base import AgentStream, encode_agent_input

try:
    from sshd import STANDIN_AGENT
except ImportError:  # tests/ became a package
    from tests.sshd import STANDIN_AGENT

REAL_AGENT = Path(migready.checks.__file__).parent / "probing" / "agent.py"


def run_local(plan: dict, cancel: threading.Event | None = None, **opts: object):
    lines: list[dict] = []
    with open_transport("local://", TransportOptions(**opts)) as t:  # type: ignore[arg-type]
        outcome = t.run_agent(STANDIN_AGENT, plan, lines.append, cancel)
    return lines, outcome


def test_bootstrap_is_a_constant_without_single_quotes() -> None:
    assert "'" not in BOOTSTRAP_CODE
    assert agent_argv("python3") == ["python3", "-I", "-S", "-u", "-c", BOOTSTRAP_CODE, "run"]
    assert agent_command("python3") == f"python3 -I -S -u -c '{BOOTSTRAP_CODE}' run"


def test_agent_ignores_modules_in_the_working_directory(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "json.py").write_text("raise SystemExit('shadowed stdlib')\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    lines, outcome = run_local({"probes": [1]})
    assert outcome.complete, outcome


def test_runs_standin_agent_as_main_with_argv() -> None:
    lines, outcome = run_local({"probes": ["a", "b", "ü"], "noise": True})
    assert [l["type"] for l in lines] == ["hello", "result", "result", "result", "summary"]
    hello = lines[0]
    assert hello["name"] == "__main__"
    assert hello["argv"] == ["migready-agent", "run"]
    assert [l["probe"] for l in lines[1:4]] == ["a", "b", "ü"]
    assert outcome == AgentOutcome(complete=True, exit_status=0, stderr_tail="", error=None,
                                   results=3, noise=["this is not json", "[1, 2]"])


def test_lines_stream_as_they_arrive() -> None:
    stamps: list[float] = []
    with open_transport("local://") as t:
        t.run_agent(STANDIN_AGENT, {"probes": [1, 2, 3], "delay": 0.4},
                    lambda obj: stamps.append(time.monotonic()))
    assert len(stamps) == 5
    assert stamps[-1] - stamps[1] > 0.6  # the first result came well before the summary


def test_cancel_kills_the_agent_promptly() -> None:
    cancel = threading.Event()
    seen: list[dict] = []

    def on_line(obj: dict) -> None:
        seen.append(obj)
        if obj["type"] == "result":
            cancel.set()

    t0 = time.monotonic()
    with open_transport("local://") as t:
        outcome = t.run_agent(STANDIN_AGENT, {"probes": list(range(50)), "delay": 0.5},
                              on_line, cancel)
    assert time.monotonic() - t0 < 3
    assert outcome.complete is False and outcome.error == "cancelled"
    assert [o["type"] for o in seen] == ["hello", "result"]
    pid = seen[0]["pid"]
    time.sleep(0.2)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_cancel_from_another_thread_while_agent_is_silent() -> None:
    cancel = threading.Event()
    threading.Timer(0.5, cancel.set).start()
    t0 = time.monotonic()
    lines, outcome = run_local({"probes": [1], "delay": 30}, cancel)
    assert time.monotonic() - t0 < 3
    assert outcome.error == "cancelled" and [l["type"] for l in lines] == ["hello"]


def test_bad_plan_gives_the_agents_error() -> None:
    lines, outcome = run_local({"no": "probes"})
    assert lines[0]["type"] == "error"
    assert outcome.complete is False and outcome.exit_status == 2
    assert "bad plan" in (outcome.error or "") and "this machine" in (outcome.error or "")


def test_agent_exiting_before_summary_is_incomplete() -> None:
    lines, outcome = run_local({"probes": [1, 2], "exit": 3})
    assert outcome.results == 2 and outcome.complete is False and outcome.exit_status == 3
    assert "exited with status 3" in (outcome.error or "")
    assert "stand-in agent giving up" in (outcome.error or "")


def test_python_missing_is_distinguishable() -> None:
    with pytest.raises(PythonMissing) as info:
        run_local({"probes": []}, local_python="/nonexistent/python3")
    assert str(info.value) == "/nonexistent/python3 not found on this machine (local://)"


def test_large_plan_large_lines_and_stderr_do_not_deadlock() -> None:
    probes = [f"probe-{i}-" + "p" * 100 for i in range(20000)]  # a ~2.3 MB plan
    lines, outcome = run_local({"probes": probes[:3], "filler": probes, "pad": 3_000_000,
                                "stderr_bytes": 1_000_000})
    assert outcome.complete and len(lines[1]["pad"]) == 3_000_000
    assert len(outcome.stderr_tail) == 8192


def test_on_line_exception_propagates_and_stops_the_agent() -> None:
    seen: list[int] = []

    def on_line(obj: dict) -> None:
        seen.append(obj.get("pid", 0))
        raise RuntimeError("consumer bug")

    with open_transport("local://") as t, pytest.raises(RuntimeError):
        t.run_agent(STANDIN_AGENT, {"probes": [1], "delay": 5}, on_line)
    time.sleep(0.2)
    with pytest.raises(ProcessLookupError):
        os.kill(seen[0], 0)


def test_run_commands() -> None:
    with open_transport("local://") as t:
        assert t.run(["cat"], stdin=b"xyz").stdout == b"xyz"
        assert t.run(["false"]).exit_status == 1
        missing = t.run(["migready-no-such-program"])
        assert missing.exit_status == 127 and b"not found" in missing.stderr
        with pytest.raises(CommandTimeout, match="did not finish within 0.5 s"):
            t.run(["sleep", "5"], timeout=0.5)


@pytest.mark.skipif(not REAL_AGENT.exists(), reason="checks/probing/agent.py not written yet")
def test_real_agent_through_the_bootstrap() -> None:
    lines: list[dict] = []
    plan = {"version": 1, "probes": [{"id": "facts", "check": "host_facts"},
                                     {"id": "x", "check": "no_such_check"}]}
    with open_transport("local://") as t:
        outcome = t.run_agent(REAL_AGENT.read_text(encoding="utf-8"), plan, lines.append)
    assert outcome.complete and outcome.error is None, outcome
    assert [l["type"] for l in lines] == ["hello", "result", "result", "summary"]
    assert {l["id"] for l in lines if l["type"] == "result"} == {"facts", "x"}


@pytest.mark.skipif(not REAL_AGENT.exists(), reason="checks/probing/agent.py not written yet")
def test_real_agent_bad_plan() -> None:
    lines: list[dict] = []
    with open_transport("local://") as t:
        outcome = t.run_agent(REAL_AGENT.read_text(encoding="utf-8"), {"version": 9}, lines.append)
    assert lines[0]["type"] == "error" and outcome.exit_status == 2
    assert "unsupported plan version" in (outcome.error or "")


# -- pieces without a connection ------------------------------------------

def test_agent_stream_splits_chunks_and_keeps_noise() -> None:
    got: list[dict] = []
    s = AgentStream(got.append)
    for chunk in (b'{"type": "hel', b'lo"}\nnoise\n{"type": "result"}\n{"type"', b': "res'):
        s.feed(chunk)
    s.finish()
    assert got == [{"type": "hello"}, {"type": "result"}]
    assert s.results == 1 and list(s.noise) == ["noise", '{"type": "res']


@pytest.mark.parametrize("raw", [
    b'{"type": "result", "id": 1}\n{"type": "result", "id": 2}\n',  # a batch: parsed in one call
    b'{"type": "result", "id": 1}\n\nbanner \xff\n[1]\n{"type": "summary"}\n',  # noise: line by line
], ids=["batch", "noise"])
def test_agent_stream_says_the_same_whatever_the_chunks(raw: bytes) -> None:
    """A chunk of whole lines is parsed at once; the objects, counts and noise are those of a byte at a time."""
    def fed(chunks):
        got: list[dict] = []
        s = AgentStream(got.append)
        for chunk in chunks:
            s.feed(chunk)
        s.finish()
        return got, s.results, s.lines, list(s.noise)
    assert fed([raw]) == fed([raw[i:i + 1] for i in range(len(raw))])


def test_encoded_input_is_what_the_bootstrap_reads() -> None:
    src = "print('ü')\n"
    data = encode_agent_input(src, {"name": "ü"})
    first, rest = data.split(b"\n", 1)
    n = int(first)
    plan = zlib.decompress(rest[n:])
    assert zlib.decompress(rest[:n]).decode() == src and json.loads(plan) == {"name": "ü"}
    assert plan.isascii()


def test_the_bootstrap_runs_the_compressed_agent_on_its_compressed_plan(tmp_path) -> None:
    """What a staging host runs, end to end: the fixed bootstrap, the real agent, a real plan."""
    plan = {"version": 1, "jobs": 2, "probes": [{"id": "f", "check": "host_facts"}]}
    proc = subprocess.run(agent_argv(sys.executable), input=encode_agent_input(agent_source(), plan),
                          capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [x["type"] for x in lines] == ["hello", "result", "summary"]
    assert lines[1]["status"] == "pass" and lines[2]["pass"] == 1


@pytest.mark.parametrize("spec, expected", [
    ("local://", ("local", None, "", None)),
    ("ssh://staging1", ("ssh", None, "staging1", None)),
    ("ssh://ops@10.0.0.5:2222", ("ssh", "ops", "10.0.0.5", 2222)),
    ("SSH://ops@[::1]:22", ("ssh", "ops", "::1", 22)),
    ("ssh://[fe80::1%eth0]", ("ssh", None, "fe80::1%eth0", None)),
    ("ssh://deploy_user@store-gw.example.com/", ("ssh", "deploy_user", "store-gw.example.com", None)),
])
def test_parse_host_accepts(spec: str, expected: tuple) -> None:
    hs = parse_host(spec)
    assert (hs.scheme, hs.user, hs.host, hs.port) == expected


@pytest.mark.parametrize("spec, words", [
    ("", "empty host spec"),
    ("staging1", "has no scheme; write ssh://staging1"),
    ("ftp://x", "unknown scheme 'ftp'"),
    ("local://host", "local:// takes no host"),
    ("ssh://", "has no host"),
    ("ssh://host:0", "port must be a number from 1 to 65535"),
    ("ssh://host:ssh", "port must be a number from 1 to 65535, got 'ssh'"),
    ("ssh://::1", "put IPv6 addresses in brackets"),
    ("ssh://[::1", "missing ']'"),
    ("ssh://[nope]:22", "is not an IPv6 address"),
    ("ssh://u:pw@host", "passwords do not belong"),
    ("ssh://-oProxyCommand=x", "is not a valid host name"),
    ("ssh://host name", "is not a valid host name"),
    ("ssh://-x@host", "is not a valid user name"),
    ("ssh://host/path", "has a path"),
])
def test_parse_host_rejects_with_a_reason(spec: str, words: str) -> None:
    with pytest.raises(ValueError, match=words.replace("(", r"\(").replace("]", r"\]")):
        parse_host(spec)


def test_ssh_module_is_imported_lazily() -> None:
    code = ("import sys; from migready.checks.probing.transports import open_transport;"
            "open_transport('local://').close();"
            "print('paramiko' in sys.modules, 'migready.checks.probing.transports.ssh' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
