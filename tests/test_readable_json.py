"""The workspace's JSON text (checks/store/readable_json.py): readable, and the same value back.

Why: saves went from json's pure-Python indenting encoder to the C encoder
below the top levels (40,000 results: seconds per save).  A user still reads
and diffs the file: one line per run field and per result, keys sorted.
"""
from __future__ import annotations

import json

from hypothesis import given, settings, strategies as st

from migready.checks.store import readable_json
from migready.checks.store.workspace import Workspace

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text())
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(), inner, max_size=4)), max_leaves=30)


@given(values, st.integers(min_value=0, max_value=6))
@settings(max_examples=300, deadline=None)
def test_the_text_loads_back_to_the_same_value(value, levels):
    assert json.loads(readable_json.dumps(value, levels)) == value


@given(values)
@settings(max_examples=300, deadline=None)
def test_above_the_compact_depth_it_is_exactly_the_indented_format(value):
    assert readable_json.dumps(value, levels=100) == json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)


def test_non_string_keys_are_written_as_json_writes_them():
    value = {1: "a", "b": {True: None, None: 2}}
    assert json.loads(readable_json.dumps(value)) == json.loads(json.dumps(value, sort_keys=False))


def test_a_saved_workspace_has_one_line_per_result_and_loads_unchanged(tmp_path):
    ws = Workspace.new(tmp_path / "w.migready.json")
    run = ws.start_run({"phase": "pre", "host": "local://", "started": "2026-12-07T06:00:00+00:00", "error": None,
                        "inventory_digest": "", "planned": 3, "agent_version": "1", "results": []})
    for i in range(3):
        ws.add_result(run["id"], {"id": f"p{i}", "check": "tcp_connect", "status": "pass", "reason": "ok",
                                  "detail": "ünïcode", "latency_ms": 1.5, "meta": {"dependency": "s/d"},
                                  "data": {"peer": ["127.0.0.1", 9]}, "started": "2026-12-07T06:00:00+00:00"})
    ws.finish_run(run["id"], True)
    ws.save()
    text = ws.path.read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines()]
    assert sum(1 for line in lines if line.startswith('{"check":"tcp_connect"')) == 3  # one line each
    assert "ünïcode" in text  # not escaped: readable
    assert Workspace.load(ws.path).data == json.loads(text)
    assert json.loads(text)["runs"][0]["results"][2]["id"] == "p2"


def test_known_item_texts_are_written_as_given_and_the_same_as_encoding_them():
    """A workspace saves an open run's results from the texts it encoded as each result came."""
    results = [{"id": str(n), "status": "pass", "data": {"ms": n / 3}} for n in range(5)]
    value = {"runs": [{"id": "run-1", "results": results}], "x": 1}
    known = {id(results): [readable_json.compact(r) for r in results]}
    assert readable_json.dumps(value, known=known) == readable_json.dumps(value)
    known[id(results)][0] = readable_json.compact({"id": "seen"})
    assert '"id":"seen"' in readable_json.dumps(value, known=known)  # the texts are what is written
    results.append({"id": "5"})  # one text short of the list: not used
    assert json.loads(readable_json.dumps(value, known=known)) == value


@given(st.lists(st.dictionaries(st.text(), values, max_size=4), max_size=5),
       st.dictionaries(st.text(), values, max_size=4))
@settings(max_examples=200, deadline=None)
def test_a_runs_digest_from_its_results_lines_is_its_digest(results, fields):
    """A result's saved line is its canonical text: the run's digest is spliced from those lines."""
    from migready.checks.store.workspace import run_digest, run_digest_from

    run = dict(fields, results=results)
    assert run_digest_from(run, [readable_json.compact(r) for r in results]) == run_digest(run)
