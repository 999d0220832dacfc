"""Every field of a report and of a workspace, edited the way a forger with write access would (issue 23,
item 6): `verify`, `verdict` and `report` answer with a verdict, or with exit 2 naming the field; never
exit 70 (internal error).

"Every field" is meant literally: the documents are walked and each field path (list positions
taken as one, `runs[*].phase`) is edited at least once, in a sweep, with a value of another JSON
type; hypothesis then puts random JSON at randomly chosen field paths.  After each edit what a forger
recomputes is recomputed, so the edit reaches past the integrity checks into the code that reads the
field: in a workspace the run digests its log records and the whole event hash chain
(test_hostile_fuzz.reforge); in a report the run digests its evidence records (`evidence.state.finished`)
and the content digest.
"""
from __future__ import annotations

import copy
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migready.checks.report.model import content_digest
from migready.checks.store.workspace import run_digest
from test_hostile_fuzz import EXIT_INTERNAL, demo, documents, reforge, run_cli, write  # noqa: F401 (fixture)

FUZZ = settings(max_examples=200, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def walk(node, path=(), shape=()):
    """(path, shape) of every node: shape is the path with list positions as '*'."""
    yield path, shape
    if isinstance(node, dict):
        for key, value in node.items():
            yield from walk(value, path + (key,), shape + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, path + (index,), shape + ("*",))


def fields(doc) -> list[tuple]:
    """One concrete path per field shape (the first met), the root left out."""
    first: dict[tuple, tuple] = {}
    for path, shape in walk(doc):
        first.setdefault(shape, path)
    return [path for path in first.values() if path]


def at(doc, path):
    for key in path:
        doc = doc[key]
    return doc


def put(doc, path, value):
    doc = copy.deepcopy(doc)
    at(doc, path[:-1])[path[-1]] = value
    return doc


def other_type(value):
    """A value of another JSON type, one a reader of this field would not expect."""
    if isinstance(value, bool):
        return "yes"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return {"a": 1}
    if isinstance(value, list):
        return {"0": value[:1]}
    return [1] if isinstance(value, dict) else [value]


def reforge_report(report: dict) -> dict:
    """What a forger recomputes in a report: the run digests its evidence records, then the content digest."""
    try:
        state = report["evidence"]["state"]
        for run in state["runs"]:
            if isinstance(run, dict) and run.get("id") in state["finished"]:
                state["finished"][run["id"]] = run_digest(run)
    except (KeyError, TypeError, AttributeError, ValueError):
        pass  # the edit broke the structure a forger relies on: tested as it is
    try:
        report["digest"] = content_digest(report)
    except (TypeError, ValueError, AttributeError):
        pass
    return report


def names(err: str, path: tuple) -> bool:
    """Exit 2 says which field: one of the path's keys, as written, in words (schema_version) or in the
    singular (`events` emptied: "runs[0] is not in the event log"), or, for a value JSON itself refuses
    (NaN, Infinity), the line and column the parser stopped at."""
    keys = [str(k) for k in path if isinstance(k, str)]
    keys += [k[:-1] for k in keys if k.endswith("s") and len(k) > 3]
    return not keys or any(k in err or k.replace("_", " ") in err for k in keys) or \
        ("line " in err and " column " in err) or re.search(r"\.json:\d+:\d+: ", err) is not None


def answered(code: int, err: str, path: tuple, verb: str) -> str | None:
    """None when the answer is one a user can act on, else what was wrong with it."""
    if code == EXIT_INTERNAL or code not in (0, 1, 2):
        return f"{verb} {path}: exit {code}: {err.strip()[-300:]}"
    if code == 2 and not names(err, path):
        return f"{verb} {path}: exit 2 without naming the field: {err.strip()[:300]}"
    return None


def check_report(demo, tmp_path, path, value) -> str | None:
    target = tmp_path / "fuzz.report.json"
    write(target, reforge_report(put(demo["report"], path, value)))
    return answered(*run_cli("verify", target, "--trust", demo["trust"]), path, "verify")


def check_workspace(demo, tmp_path, path, value) -> str | None:
    target = tmp_path / "fuzz.migready.json"
    write(target, reforge(put(demo["ws"], path, value)))
    for verb in (("verdict",), ("report", "--format", "json", "--out", tmp_path / "r.json"),
                 ("report", "--format", "md", "--out", tmp_path / "r.md")):
        code, err = run_cli(verb[0], target, *verb[1:])
        problem = answered(code, err, path, verb[0])
        if problem or code == 2:
            return problem
    return None


@pytest.mark.slow
def test_every_report_field_of_another_type_is_answered(demo, tmp_path):
    report_fields = fields(demo["report"])
    assert len(report_fields) > 300  # the content, the signed evidence, the sign-off section, the words
    found = [p for p in (check_report(demo, tmp_path, path, other_type(at(demo["report"], path)))
                         for path in report_fields) if p]
    assert found == []


@pytest.mark.slow
def test_every_workspace_field_of_another_type_is_answered(demo, tmp_path):
    ws_fields = fields(demo["ws"])
    assert len(ws_fields) > 100
    found = [p for p in (check_workspace(demo, tmp_path, path, other_type(at(demo["ws"], path)))
                         for path in ws_fields) if p]
    assert found == []


@FUZZ
@given(st.data(), documents)
def test_random_json_at_any_report_field(demo, tmp_path, data, value):
    path = data.draw(st.sampled_from(fields(demo["report"])))
    assert check_report(demo, tmp_path, path, value) is None


@FUZZ
@given(st.data(), documents)
def test_random_json_at_any_workspace_field(demo, tmp_path, data, value):
    path = data.draw(st.sampled_from(fields(demo["ws"])))
    assert check_workspace(demo, tmp_path, path, value) is None


def test_the_sweep_reaches_the_evidence_verify_rejudges(demo, tmp_path):
    """The recomputed digests get an edit past the integrity checks: an untouched re-forged report still
    holds, and a re-forged edit deep in the evidence is re-judged (exit 1 or 2 naming it), not stopped
    at the digest."""
    assert check_report(demo, tmp_path, ("verdict",), demo["report"]["verdict"]) is None
    target = tmp_path / "fuzz.report.json"
    write(target, reforge_report(put(demo["report"], ("evidence", "state", "runs", 0, "phase"), {"a": 1})))
    code, err = run_cli("verify", target, "--trust", demo["trust"])
    assert code == 2 and "evidence.state.runs.0.phase" in err, err
    assert "digest" not in err
