"""Property-based: whatever JSON a workspace or a report holds, the CLI answers with a verdict, a finding
or "bad input" (exit 2) naming the file; never exit 70 (internal error, i.e. a traceback).

Three kinds of input, each through the same code path a user's command takes (`migready verdict WS`,
`migready checklist WS`, `migready verify REPORT --trust DIR`, run in-process for speed):
random JSON documents; a real workspace / report with one node replaced by random JSON; and such a
workspace re-forged the way an attacker with write access would (run digests and the event chain
recomputed), so the edit gets past the chain check into the review code itself.
"""
from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cliproc
from migready.checks.cli import main
from migready.checks.store.workspace import GENESIS, event_hash, run_digest

EXIT_INTERNAL = 70
FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=True),
                    st.text(max_size=12), st.sampled_from(["pass", "fail", "pre", "post", "approve", "GO", ""]))
documents = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)), max_leaves=20)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A real workspace (the loopback demo, signed by a key kept in a trust directory) and its JSON report."""
    out = tmp_path_factory.mktemp("fuzz")
    for attempt in range(10):
        done = cliproc.migready("demo", "--out", out / "d", timeout=180)
        if done.returncode == 1:
            break
        assert "Address already in use" in done.stderr, done.stderr  # the demo's ports are shared: retry
        time.sleep(3)
    assert done.returncode == 1, done.stderr
    ws = out / "d" / "demo.migready.json"
    trust = out / "trust"
    trust.mkdir()
    assert cliproc.migready("keygen", "--name", "Zhang Min", "--role", "migration lead", "--out", out / "zm",
                            "--no-passphrase").returncode == 0
    (trust / "zm.pub").write_bytes((out / "zm.pub").read_bytes())
    assert cliproc.migready("signoff", ws, "--key", out / "zm", "--override", "fuzz").returncode == 0
    assert cliproc.migready("report", ws, "--format", "json", "--out", out / "report.json").returncode == 0
    return {"ws": json.loads(ws.read_text(encoding="utf-8")),
            "report": json.loads((out / "report.json").read_text(encoding="utf-8")),
            "trust": trust, "dir": out}


def run_cli(*args) -> tuple[int, str]:
    os.environ.pop("MIGREADY_DEBUG", None)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return code, err.getvalue()


def write(path, value) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")  # NaN is written as NaN


def replace_at(doc, steps: list[int], value):
    """DOC with the node reached by STEPS (each an index into the children met on the way) replaced."""
    doc = copy.deepcopy(doc)
    parent, key, node = None, None, doc
    for step in steps:
        children = list(node.keys()) if isinstance(node, dict) else list(range(len(node))) \
            if isinstance(node, list) else []
        if not children:
            break
        parent, key = node, children[step % len(children)]
        node = node[key]
    if parent is None:
        return value
    parent[key] = value
    return doc


def reforge(ws: dict) -> dict:
    """What a forger recomputes after editing: each finished event's run digest, then the hash chain."""
    try:
        runs = {r.get("id"): r for r in ws["runs"] if isinstance(r, dict)}
        for event in ws["events"]:
            if isinstance(event, dict) and event.get("action") == "probe-run-finished":
                run = runs.get(event["details"].get("run"))
                if run is not None:
                    event["details"]["digest"] = run_digest(run)
        previous = GENESIS
        for seq, event in enumerate(ws["events"], start=1):
            event["seq"], event["prev"] = seq, previous
            event["hash"] = previous = event_hash(event)
    except (KeyError, TypeError, AttributeError, ValueError):
        pass  # the edit broke the structure a forger would rely on: the file is tested as it is
    return ws


def assert_answered(code: int, err: str, path) -> None:
    assert code != EXIT_INTERNAL, err
    if code == 2:  # bad input says which file (the workspace, or the inventory it names) and why
        assert err.startswith("error: ") or err.rstrip().endswith("found") and ": " in err, err


@FUZZ
@given(documents)
def test_random_json_as_workspace_and_report(demo, tmp_path, doc):
    path = tmp_path / "fuzz.json"
    write(path, doc)
    assert_answered(*run_cli("verdict", path), path)
    assert_answered(*run_cli("verify", path, "--trust", demo["trust"]), path)


@FUZZ
@given(st.lists(st.integers(0, 50), max_size=8), documents, st.booleans())
def test_a_workspace_with_one_node_replaced(demo, tmp_path, steps, value, forged):
    doc = replace_at(demo["ws"], steps, value)
    path = tmp_path / "fuzz.migready.json"
    write(path, reforge(doc) if forged else doc)
    code, err = run_cli("verdict", path)
    assert_answered(code, err, path)
    if code != 2:
        assert_answered(*run_cli("checklist", path), path)


# the parts the schema leaves open (result fields, flags, sign-offs, run facts): edits there, re-forged, reach
# the checklist, the comparison and the verdict
OPEN_PARTS = [("runs", 0, "results"), ("runs", 1, "results"), ("runs", 0), ("runs", 1), ("flags",), ("signoffs",),
              ("signoffs", 0), ("marks",), ("waivers",)]


@FUZZ
@given(st.sampled_from(OPEN_PARTS), st.lists(st.integers(0, 50), max_size=4), documents)
def test_a_reforged_workspace_with_odd_values_where_the_schema_is_open(demo, tmp_path, root, steps, value):
    base = copy.deepcopy(demo["ws"])
    node = base
    for key in root:
        node = node[key] if (isinstance(node, dict) and key in node) or \
            (isinstance(node, list) and isinstance(key, int) and key < len(node)) else node
    replaced = replace_at(node, steps, value)
    holder = base
    for key in root[:-1]:
        holder = holder[key]
    holder[root[-1]] = replaced
    path = tmp_path / "fuzz.migready.json"
    write(path, reforge(base))
    code, err = run_cli("verdict", path)
    assert_answered(code, err, path)
    if code != 2:
        assert_answered(*run_cli("report", path, "--format", "md", "--out", tmp_path / "r.md"), path)


@FUZZ
@given(st.lists(st.integers(0, 50), max_size=8), documents)
def test_a_report_with_one_node_replaced(demo, tmp_path, steps, value):
    path = tmp_path / "fuzz.report.json"
    write(path, replace_at(demo["report"], steps, value))
    code, err = run_cli("verify", path, "--trust", demo["trust"])
    assert_answered(code, err, path)
    assert code in (0, 1, 2)


def test_the_fuzzed_inputs_are_the_real_thing(demo, tmp_path):
    """The unmodified workspace and report pass (so the tests above start from files the CLI accepts), and a
    re-forged untouched workspace is still accepted (so `reforge` really reaches past the chain check)."""
    path = tmp_path / "ws.migready.json"
    write(path, reforge(copy.deepcopy(demo["ws"])))
    assert run_cli("verdict", path)[0] == 1  # the demo's NO-GO
    report = tmp_path / "r.json"
    write(report, demo["report"])
    assert run_cli("verify", report, "--trust", demo["trust"])[0] in (0, 1)
