"""YAML to plain data, remembering where every value came from.

PyYAML's constructors forget positions, accept duplicate keys silently (the
last one wins) and turn `yes`, `on` or a date into something else.  An
inventory is edited by hand, so migready composes the node tree itself and
keeps, for every path, the line and column of the value and of its key.
Keys are always taken as written (`on:` stays the string "on").
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import yaml

from .problems import Problem, format_path

try:  # libyaml is much faster; fall back to pure Python when it is absent
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader

_MAX_NODES = 2_000_000  # after alias expansion; guards against "billion laughs"
_SCALAR_TAGS_AS_TEXT = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary"}


@dataclass
class Located:
    """A parsed document plus the source position of each path (1-based)."""

    data: object
    values: dict = field(default_factory=dict)  # path tuple -> (line, col) of the value
    keys: dict = field(default_factory=dict)  # path tuple -> (line, col) of its key

    def position(self, path: tuple, prefer_key: bool = False) -> tuple[int, int]:
        """Best known position for `path`, walking up to the nearest known parent."""
        path = tuple(path)
        while True:
            if prefer_key and path in self.keys:
                return self.keys[path]
            if path in self.values:
                return self.values[path]
            if not path:
                return (1, 1)
            path = path[:-1]


class _Walker:
    def __init__(self, filename: str, problems: list[Problem]):
        self.filename = filename
        self.problems = problems
        self.constructor = yaml.constructor.SafeConstructor()
        self.located = Located(None)
        self.count = 0

    def problem(self, mark, path: tuple, message: str) -> None:
        self.problems.append(
            Problem(self.filename, mark.line + 1, mark.column + 1, format_path(path), message)
        )

    def walk(self, node, path: tuple, active: set):
        self.count += 1
        if self.count > _MAX_NODES:
            raise _TooLarge(node)
        self.located.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        if id(node) in active:
            self.problem(node.start_mark, path, "alias refers to itself (recursive structure)")
            return None
        active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.walk(child, path + (i,), active) for i, child in enumerate(node.value)]
            return self.mapping(node, path, active)
        finally:
            active.discard(id(node))

    def scalar(self, node):
        if node.tag in _SCALAR_TAGS_AS_TEXT:
            return node.value
        value = self.constructor.construct_object(node)
        if isinstance(value, (datetime.date, bytes)):
            return node.value
        return value

    def mapping(self, node, path: tuple, active: set) -> dict:
        self.constructor.flatten_mapping(node)  # resolves `<<: *defaults`
        result: dict = {}
        first_seen: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node.start_mark, path, "keys must be plain strings")
                continue
            key = key_node.value
            key_mark = key_node.start_mark
            if key in first_seen:
                self.problem(
                    key_mark,
                    path + (key,),
                    f"duplicate key '{key}' (first defined on line {first_seen[key]})",
                )
                continue
            first_seen[key] = key_mark.line + 1
            self.located.keys[path + (key,)] = (key_mark.line + 1, key_mark.column + 1)
            result[key] = self.walk(value_node, path + (key,), active)
        return result


class _TooLarge(Exception):
    def __init__(self, node):
        self.node = node


def load_located(text: str, filename: str, problems: list[Problem]) -> Located | None:
    """Parse one YAML document; append problems; return None when unusable."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        what = exc.problem or "YAML syntax error"
        if exc.context:
            what = f"{exc.context}: {what}"
        problems.append(Problem(filename, line, col, "", f"YAML syntax error: {what}"))
        return None
    except yaml.YAMLError as exc:  # e.g. a stream with several documents
        problems.append(Problem(filename, 1, 1, "", f"YAML error: {exc}"))
        return None
    walker = _Walker(filename, problems)
    if node is None:
        problems.append(Problem(filename, 1, 1, "", "the file is empty"))
        return None
    try:
        walker.located.data = walker.walk(node, (), set())
    except _TooLarge as exc:
        walker.problem(exc.node.start_mark, (), f"document expands to more than {_MAX_NODES} values")
        return None
    except RecursionError:
        problems.append(Problem(filename, 1, 1, "", "document is nested too deeply"))
        return None
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        # A scalar PyYAML cannot construct; report it at the document level.
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problems.append(Problem(filename, line, col, "", f"cannot read value: {exc}"))
        return None
    return walker.located


def decode_text(raw: bytes, filename: str, problems: list[Problem]) -> str | None:
    """UTF-8 (with or without BOM), or a problem pointing at the first bad byte."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.append(
            Problem(
                filename,
                line,
                col,
                "",
                f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
            )
        )
        return None
