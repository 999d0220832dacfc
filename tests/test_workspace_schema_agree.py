"""The workspace's fast schema check (fastjsonschema, draft-07) and jsonschema (2020-12) give the same
answer: the fast one only decides "valid?", so a file it passed must have no problem jsonschema finds."""
from __future__ import annotations

import copy
import json

from hypothesis import given, settings, strategies as st

from migready.checks.store.workspace import _validator, schema_valid

BASE = {
    "format": "migready-workspace", "schema_version": 2, "created": "2030-01-01T00:00:00Z",
    "updated": "2030-01-01T00:00:00Z", "inventory": {"path": "inv.yaml", "digest": "ab" * 32},
    "flags": [], "marks": {}, "waivers": [], "signoffs": [], "events": [],
    "runs": [{"id": "run-1", "phase": "pre", "host": "local://", "started": "2030-01-01T00:00:00Z",
              "complete": True, "finished": None, "error": None,
              "results": [{"check": "reflect", "status": "fail", "probe_status": "pass", "dependency": "s/d",
                           "target": "198.18.10.5:3478", "proves": ["source_port_preserved"],
                           "latency_ms": 1.0, "data": {"local": {"ip": "198.18.2.2", "port": 9010}}}]}],
}
VALUES = st.recursive(st.none() | st.booleans() | st.integers(-3, 3) | st.floats(allow_nan=False) |
                      st.text(max_size=4), lambda inner: st.lists(inner, max_size=2) |
                      st.dictionaries(st.text(max_size=4), inner, max_size=2), max_leaves=4)


def paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from paths(v, prefix + (i,))


ALL = [p for p in paths(BASE) if p]


def agree(doc) -> None:
    slow = not list(_validator().iter_errors(doc))
    assert schema_valid(doc) == slow, json.dumps(doc)[:300]


def test_the_base_workspace_is_valid_for_both():
    agree(BASE)
    assert not list(_validator().iter_errors(BASE))


@settings(max_examples=300, deadline=None)
@given(where=st.sampled_from(ALL), value=VALUES, drop=st.booleans())
def test_a_mutated_workspace_gets_the_same_answer(where, value, drop):
    doc = copy.deepcopy(BASE)
    parent = doc
    for key in where[:-1]:
        parent = parent[key]
    if drop and isinstance(parent, dict):
        del parent[where[-1]]
    else:
        parent[where[-1]] = value
    agree(doc)
