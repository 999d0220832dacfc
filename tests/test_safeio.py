"""checks/store/safeio.py: the guarded reads every input file goes through.

The depth check runs over every file read (a 10k-item report is 19 MB), so it was rewritten to work in
C (two `re.sub`s and a count over the brackets left); these tests hold it to the plain walk's answer:
JSON strings full of brackets, quotes and backslashes, nested to either side of the limit.
"""
from __future__ import annotations

import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from migready.checks.store import safeio

tricky_text = st.text(alphabet='[]{}"\\ab\n\u00e9\u4e2d', max_size=8)
leaves = st.one_of(st.none(), st.booleans(), st.integers(), tricky_text)
documents = st.recursive(leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(tricky_text, inner, max_size=3)), max_leaves=40)


def depth_of(value) -> int:
    if isinstance(value, dict):
        return 1 + max((depth_of(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((depth_of(v) for v in value), default=0)
    return 0


def walked(text: str, limit: int) -> int | None:
    """Where the plain character walk (outside strings) first goes deeper than LIMIT."""
    depth, in_string, escaped = 0, False, False
    for index, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return index
        elif char in "]}":
            depth -= 1
    return None


@settings(max_examples=400, deadline=None)
@given(documents, st.integers(0, 6), st.integers(0, 3))
def test_the_depth_check_agrees_with_the_document_and_says_where(doc, limit, wrap):
    for _ in range(wrap):
        doc = [doc, {"k]": "]]}"}]
    text = json.dumps(doc, ensure_ascii=False)
    error = safeio._depth_error(text, limit)
    assert (error is None) == (depth_of(doc) <= limit)
    assert (error.pos if error else None) == walked(text, limit)


def exact(text: str, limit: int) -> int | None:
    """The plain walk over any text, valid JSON or not: strings blanked by the JSON string pattern (an
    unterminated one is not a string), then the brackets counted one by one."""
    blank = re.sub(r'"(?:[^"\\]|\\.)*"', lambda m: " " * len(m.group()), text, flags=re.DOTALL)
    depth = 0
    for index, char in enumerate(blank):
        if char in "[{":
            depth += 1
            if depth > limit:
                return index
        elif char in "]}":
            depth -= 1
    return None


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet='[]{}"\\a\u00e9', max_size=60), st.integers(0, 4))
def test_the_fast_path_never_clears_a_text_the_plain_walk_finds_too_deep(text, limit):
    """Any text, not only JSON (truncated, unbalanced, odd escapes): the C-speed pass may only say
    "within the limit" when the plain walk agrees; otherwise the walk decides and says where."""
    error = safeio._depth_error(text, limit)
    assert (error.pos if error else None) == exact(text, limit)


def test_brackets_only_inside_strings_are_not_nesting():
    text = json.dumps(["[" * 200, {"{" * 100: "]" * 300}])
    assert safeio._depth_error(text, 2) is None
    assert safeio.loads_strict(text, max_depth=2)[0] == "[" * 200


def test_a_document_one_level_too_deep_is_refused_at_its_innermost_bracket():
    text = '{"a": [[["x"]]]}'
    error = safeio._depth_error(text, 3)
    assert error is not None and text[error.pos] == "[" and error.pos == text.index('["x"')
