"""YAML to plain data, remembering where every value came from.

PyYAML's constructors forget positions, accept duplicate keys silently (the
last one wins) and turn `yes`, `on` or a date into something else.  An
inventory is edited by hand, so migready builds the data itself from
libyaml's parser events (several times faster than composing PyYAML nodes)
and keeps, for every path, the line and column of the value and of its key.
Keys are always taken as written (`on:` stays the string "on").
"""
from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from ..text.i18n import _
from ..store.problems import Problem, format_path

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


class _Frame:
    __slots__ = ("obj", "path", "key", "seen", "merges", "anchor", "size")

    def __init__(self, obj, path: tuple, anchor):
        self.obj = obj
        self.path = path
        self.key = None  # mapping: the key whose value comes next
        self.seen: dict = {}  # mapping: key -> line it was first defined on
        self.merges: list = []  # mapping: dicts given by `<<:`
        self.anchor = anchor
        self.size = 1


class _Builder:
    """Builds plain data from parser events, which is several times faster than
    composing PyYAML nodes and lets positions, duplicates and aliases be handled
    in one pass."""

    def __init__(self, filename: str, problems: list[Problem]):
        self.filename = filename
        self.problems = problems
        self.located = Located(None)
        self.resolver = yaml.resolver.Resolver()
        self.constructor = yaml.constructor.SafeConstructor()
        self.plain_cache: dict[str, object] = {}
        self.anchors: dict[str, tuple[object, int]] = {}
        self.stack: list[_Frame] = []
        self.skip_depth = 0  # inside a complex (non-scalar) key being skipped
        self.total = 0
        self.documents = 0

    def problem(self, mark, path: tuple, message: str) -> None:
        self.problems.append(Problem(self.filename, mark.line + 1, mark.column + 1, format_path(path), message))

    def run(self, events) -> bool:
        for event in events:
            if self.skip_depth:
                if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                    self.skip_depth += 1
                elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                    self.skip_depth -= 1
                continue
            if isinstance(event, yaml.ScalarEvent):
                self.scalar(event)
            elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                self.start(event)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                self.end()
            elif isinstance(event, yaml.AliasEvent):
                self.alias(event)
            elif isinstance(event, yaml.DocumentStartEvent):
                self.documents += 1
                if self.documents > 1:
                    self.problem(event.start_mark, (), _("only one YAML document is allowed (found a second '---')"))
                    return False
            if self.total > _MAX_NODES:
                self.problem(event.start_mark, (), _("document expands to more than {limit} values").format(limit=_MAX_NODES))
                return False
        return True

    # -- where a new value goes -------------------------------------------------------------

    def attach(self, value, event, size: int):
        """Put `value` into the current container; return its path, or None if it is a key."""
        self.total += size
        if not self.stack:
            self.located.data = value
            path = ()
        else:
            frame = self.stack[-1]
            frame.size += size
            if isinstance(frame.obj, list):
                path = frame.path + (len(frame.obj),)
                frame.obj.append(value)
            else:
                key = frame.key
                frame.key = None
                if key is _DROPPED:
                    return ()
                path = frame.path + (key,)
                if key == "<<" and isinstance(value, (dict, list)):
                    frame.merges.extend(value if isinstance(value, list) else [value])
                else:
                    frame.obj[key] = value
        self.located.values[path] = (event.start_mark.line + 1, event.start_mark.column + 1)
        return path

    def takes_key(self) -> bool:
        return bool(self.stack) and isinstance(self.stack[-1].obj, dict) and self.stack[-1].key is None

    def set_key(self, event) -> None:
        frame = self.stack[-1]
        key, mark = event.value, event.start_mark
        if key in frame.seen:
            self.problem(mark, frame.path + (key,), _("duplicate key '{key}' (first defined on line {line})").format(key=key, line=frame.seen[key]))
            frame.key = _DROPPED
            return
        frame.seen[key] = mark.line + 1
        frame.key = key
        self.located.keys[frame.path + (key,)] = (mark.line + 1, mark.column + 1)

    # -- events ------------------------------------------------------------------------------

    def scalar(self, event) -> None:
        if self.takes_key():
            self.set_key(event)
            return
        value = self.scalar_value(event)
        self.attach(value, event, 1)
        if event.anchor:
            self.anchors[event.anchor] = (value, 1)

    def scalar_value(self, event):
        plain = event.implicit[0] and event.tag is None
        if plain:
            cached = self.plain_cache.get(event.value, _MISSING)
            if cached is not _MISSING:
                return cached
            tag = self.resolver.resolve(yaml.ScalarNode, event.value, (True, False))
        elif event.tag in (None, "!") or not event.tag.startswith("tag:yaml.org,2002:"):
            if event.tag not in (None, "!"):
                self.problem(event.start_mark, self.current_path(), _("unsupported YAML tag {tag}").format(tag=event.tag))
            return event.value
        else:
            tag = event.tag
        if tag in _SCALAR_TAGS_AS_TEXT or tag == "tag:yaml.org,2002:str":
            value = event.value
        else:
            node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark)
            value = self.constructor.construct_object(node)
        if plain:
            self.plain_cache[event.value] = value
        return value

    def current_path(self) -> tuple:
        return self.stack[-1].path if self.stack else ()

    def start(self, event) -> None:
        if self.takes_key():
            self.problem(event.start_mark, self.current_path(), _("keys must be plain strings"))
            self.stack[-1].key = _DROPPED
            self.skip_depth = 1
            return
        obj = {} if isinstance(event, yaml.MappingStartEvent) else []
        path = self.attach(obj, event, 0)
        self.stack.append(_Frame(obj, path, event.anchor))

    def end(self) -> None:
        frame = self.stack.pop()
        if isinstance(frame.obj, dict):
            for merged in frame.merges:
                if isinstance(merged, dict):
                    for key, value in merged.items():
                        frame.obj.setdefault(key, value)
        self.total += 1
        if self.stack:
            self.stack[-1].size += frame.size
        if frame.anchor:
            self.anchors[frame.anchor] = (frame.obj, frame.size)

    def alias(self, event) -> None:
        if self.takes_key():
            self.problem(event.start_mark, self.current_path(), _("keys must be plain strings"))
            self.stack[-1].key = _DROPPED
            return
        if event.anchor not in self.anchors:
            self.problem(event.start_mark, self.current_path(),
                         _("alias *{anchor} refers to no complete anchor (undefined or recursive)").format(anchor=event.anchor))
            self.attach(None, event, 1)
            return
        value, size = self.anchors[event.anchor]
        self.attach(value, event, size)


_MISSING = object()
_DROPPED = object()


def load_located(text: str, filename: str, problems: list[Problem]) -> Located | None:
    """Parse one YAML document; append problems; return None when unusable."""
    builder = _Builder(filename, problems)
    try:
        complete = builder.run(yaml.parse(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        # PyYAML's own words (exc.problem / exc.context) come in English: quoted inside a translated frame
        what = exc.problem or _("YAML syntax error")
        if exc.context:
            what = f"{exc.context}: {what}"
        problems.append(Problem(filename, line, col, "", _("YAML syntax error: {detail}").format(detail=what)))
        return None
    except yaml.YAMLError as exc:
        problems.append(Problem(filename, 1, 1, "", _("YAML error: {detail}").format(detail=exc)))
        return None
    except (ValueError, TypeError, OverflowError) as exc:  # a scalar PyYAML cannot construct
        problems.append(Problem(filename, 1, 1, "", _("cannot read value: {detail}").format(detail=exc)))
        return None
    if not complete:
        return None
    if builder.located.data is None and not builder.located.values:
        problems.append(Problem(filename, 1, 1, "", _("the file is empty")))
        return None
    return builder.located


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
                _("not valid UTF-8 (byte 0x{byte:02x}); save the file as UTF-8").format(byte=raw[exc.start]),
            )
        )
        return None
