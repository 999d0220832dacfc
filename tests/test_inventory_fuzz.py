"""Property-based: whatever the file holds, the loader answers with its own error or an Inventory."""
from __future__ import annotations

import copy
from importlib import resources
from pathlib import Path

import fastjsonschema
import jsonschema
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migready.checks.inventory.load import _fast_validator, inventory_schema, load_inventory
from migready.checks.inventory.model import Inventory
from migready.checks.store.problems import InputError

EXAMPLE = Path(str(resources.files("migready.inventories"))) / "demo.yaml"
EXAMPLE_TEXT = EXAMPLE.read_text(encoding="utf-8")
EXAMPLE_DATA = yaml.safe_load(EXAMPLE_TEXT)

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=True),
                    st.text(max_size=20))
documents = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=12), inner, max_size=5)), max_leaves=30)
yamlish = st.text(alphabet=st.sampled_from(list("ab:- \n\t[]{},&*!|>'\"#%@`?1.\\\u00e9\u79e4")), max_size=200)


def load_text(tmp_path, raw: bytes):
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(raw)
    try:
        return load_inventory(path)
    except InputError as exc:
        assert exc.problems, "an InputError always carries at least one problem"
        for problem in exc.problems:
            assert problem.message and problem.file == str(path)
        return None


@FUZZ
@given(yamlish)
def test_random_yaml_text(tmp_path, text):
    load_text(tmp_path, text.encode("utf-8"))


@FUZZ
@given(st.binary(max_size=200))
def test_random_bytes(tmp_path, raw):
    load_text(tmp_path, raw)


@FUZZ
@given(documents)
def test_random_documents(tmp_path, doc):
    load_text(tmp_path, yaml.safe_dump(doc, allow_unicode=True).encode("utf-8"))


@st.composite
def mutated_example(draw):
    """The demo inventory with one value somewhere replaced by something random."""
    doc = copy.deepcopy(EXAMPLE_DATA)
    node, steps = doc, draw(st.integers(1, 6))
    for _ in range(steps):
        if isinstance(node, dict) and node:
            key = draw(st.sampled_from(sorted(node)))
            if not isinstance(node[key], (dict, list)) or draw(st.booleans()):
                node[key] = draw(documents)
                return doc
            node = node[key]
        elif isinstance(node, list) and node:
            index = draw(st.integers(0, len(node) - 1))
            if not isinstance(node[index], (dict, list)) or draw(st.booleans()):
                node[index] = draw(documents)
                return doc
            node = node[index]
    return doc


@FUZZ
@given(mutated_example())
def test_mutated_example_never_crashes(tmp_path, doc):
    result = load_text(tmp_path, yaml.safe_dump(doc, allow_unicode=True).encode("utf-8"))
    assert result is None or isinstance(result, Inventory)


@FUZZ
@given(mutated_example())
def test_fast_and_full_schema_validators_agree(doc):
    """The fastjsonschema fast path may only ever say what jsonschema says."""
    try:
        _fast_validator()(doc)
        fast_ok = True
    except fastjsonschema.JsonSchemaException:
        fast_ok = False
    full_ok = jsonschema.Draft202012Validator(inventory_schema()).is_valid(doc)
    assert fast_ok == full_ok


@FUZZ
@given(st.integers(0, len(EXAMPLE_TEXT.splitlines()) - 1), st.text(max_size=10))
def test_edited_line_never_crashes(tmp_path, line_no, junk):
    lines = EXAMPLE_TEXT.splitlines()
    lines[line_no] = lines[line_no][: len(lines[line_no]) // 2] + junk
    load_text(tmp_path, "\n".join(lines).encode("utf-8"))
