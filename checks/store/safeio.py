"""Reading input files that may be hostile: regular files only, bounded size, strict JSON.

Every file migready reads (inventory, target CSV, workspace, report, keys,
discovery exports) may have been put there by someone else.  A FIFO given as
a workspace would block `open()` forever, a device would stream without end,
a 100,000-level JSON array would blow the parser's recursion, and a `NaN`
would make digests and comparisons meaningless.  So:

- `read_regular(path)` looks at the file with `os.stat` (which never blocks)
  and refuses anything but a regular file before opening it; the open itself
  is non-blocking and the opened file is checked again (`fstat`), so a file
  swapped for a FIFO in between is refused too, never waited on.  Refusals
  are `OSError`s whose `strerror` says what the file is, so every caller's
  existing "cannot read X: {strerror}" message reads right.
- `loads_strict(text)` is `json.loads` that refuses NaN/Infinity (and numbers
  that overflow to infinity) and nesting deeper than `MAX_DEPTH`, with a
  `StrictJSONError` (a `json.JSONDecodeError`, so line and column come along).
"""
from __future__ import annotations

import errno
import json
import math
import os
import re
import stat
from pathlib import Path
from typing import BinaryIO

from ..text.i18n import N_, _

MAX_BYTES = 256 * 1024 * 1024  # a workspace of a 5,000-device fleet with many runs is a few MB
MAX_DEPTH = 64  # the deepest migready document nests about 8 levels

_KINDS = ((stat.S_ISDIR, N_("a directory")), (stat.S_ISFIFO, N_("a FIFO (named pipe)")),
          (stat.S_ISCHR, N_("a character device")), (stat.S_ISBLK, N_("a block device")),
          (stat.S_ISSOCK, N_("a socket")))


class NotRegularFile(OSError):
    """The path is a FIFO, a device, a directory or a socket: refused without reading."""


class FileTooLarge(OSError):
    """The file is larger than the caller's bound."""


def _kind(mode: int) -> str:
    return _(next((name for test, name in _KINDS if test(mode)), N_("not a regular file")))


def regular_file_problem(path: str | Path) -> str | None:
    """None when PATH is a regular file (symlinks followed), else what it is; never opens it.
    A missing or unreadable path is left to the caller's open (its error names it)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    return None if stat.S_ISREG(mode) else _("{kind}, not a regular file").format(kind=_kind(mode))


def _open_regular(path: str | Path) -> tuple[int, os.stat_result]:
    """An fd on the regular file at PATH and its stat: refused before opening when it is not one,
    and again on the open fd (swapped after the stat: still never read).  The caller closes it."""
    problem = regular_file_problem(path)
    if problem:
        raise NotRegularFile(errno.EINVAL, problem, str(path))
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise NotRegularFile(errno.EINVAL, _("{kind}, not a regular file").format(kind=_kind(st.st_mode)), str(path))
    return fd, st


def open_regular(path: str | Path) -> BinaryIO:
    """A binary file object on the regular file at PATH, for readers that stream (an import, a CSV):
    refused like `read_regular` before anything is read, so a FIFO or a device never blocks it."""
    fd, _st = _open_regular(path)
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def followed(path: str | Path) -> Path:
    """Where a file reached through a symbolic link really is, so that it is read and written there.

    A workspace opened as `link.migready.json -> real.migready.json` must stay one workspace: the
    atomic save replaces the file it names, which would swap the link for a regular file (a fork:
    later changes through the link and through the real path diverge), and its lock, `NAME.lock`,
    would sit beside the link instead of beside the file.  So the path whose last part is a link is
    followed to its end (every link in the chain), once, when the workspace is opened; a path
    without a link at its end is returned as given (relative stays relative)."""
    path = Path(path)
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def link_problem(path: str | Path) -> str | None:
    """None unless PATH itself is a symbolic link: then why migready will not write through it (a file
    migready makes, such as a lock, must be its own; one planted as a link would let whoever planted
    it have migready open, truncate or write the file it points to)."""
    path = Path(path)
    if not path.is_symlink():
        return None
    return _("{path} is a symbolic link (to {target}), where migready makes a file of its own; it does not "
             "write through a link it did not make: remove it").format(path=path, target=os.readlink(path))


def read_regular(path: str | Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of the regular file at PATH; `NotRegularFile` / `FileTooLarge` / any `OSError`."""
    fd, st = _open_regular(path)
    try:
        if st.st_size > limit:
            raise FileTooLarge(errno.EFBIG, _("{size:,} bytes, more than the limit of {limit:,}").format(size=st.st_size, limit=limit), str(path))
        chunks, size = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:  # grew while we read it
                raise FileTooLarge(errno.EFBIG, _("more than the limit of {limit:,} bytes").format(limit=limit), str(path))
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_head(path: str | Path, size: int) -> bytes:
    """The first SIZE bytes of the regular file at PATH (to recognise what it is), with the same
    refusals as `read_regular`."""
    fd, _st = _open_regular(path)
    try:
        return os.read(fd, size)
    finally:
        os.close(fd)


def read_regular_text(path: str | Path, limit: int = MAX_BYTES) -> str:
    """`read_regular` decoded as UTF-8 (`UnicodeDecodeError` when it is not)."""
    return read_regular(path, limit).decode("utf-8")


class StrictJSONError(json.JSONDecodeError):
    """Valid-looking JSON that migready refuses: NaN/Infinity, or nested too deep."""


_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)  # a JSON string (the unrolled loop: no per-char alternation)
_BRACKETS = re.compile(r"[\[\]{}]")
_CONSTANT = re.compile(r"-?(?:NaN|Infinity)|[0-9.]+[eE][+-]?[0-9]{3,}")
# The depth check's fast path works on UTF-8 bytes, where every byte of a non-ASCII character is >= 0x80,
# so the ASCII quotes, backslashes and brackets it looks at are exactly the text's.
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'[]{}"')
_QUOTE_PAIRS = re.compile(rb'(?:"")+')
_QUOTED = re.compile(rb'"[^"]*"')
_SQUARE = bytes.maketrans(b"{}", b"[]")


def _nesting_within(text: str, limit: int) -> bool:
    """True when TEXT, taken as JSON, nests at most LIMIT deep; False when it may not (the exact walk
    then decides).  Every file read comes through here and a 10k-item report is 19 MB, so it runs in
    C, pass by pass over bytes: the escape pairs that matter (an escaped backslash, an escaped quote)
    are cut out, then everything but quotes and brackets, then each run of quotes down to its parity
    (a string with no bracket in it leaves nothing), then what the strings still hold.  What is left
    is the brackets outside strings, `{}` as `[]`; each pass of removing every `[]` peels one level,
    so a document is within the limit when at most LIMIT passes empty it (about 0.1 s for 19 MB)."""
    data = text.encode("utf-8", "surrogatepass")
    if b"\\" in data:
        data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    data = _QUOTED.sub(b"", _QUOTE_PAIRS.sub(b"", data.translate(None, _NOT_STRUCTURE))).translate(_SQUARE)
    for _level in range(limit + 1):
        if not data:
            return True
        peeled = data.replace(b"[]", b"")
        if len(peeled) == len(data):
            return False  # unbalanced (not JSON): the exact walk says where, or the parser says why
        data = peeled
    return False


def _depth_error(text: str, limit: int) -> StrictJSONError | None:
    """Where the nesting first goes deeper than LIMIT (strings are left out, so brackets inside them do
    not count); linear, no recursion, before the parser ever sees the text.  The common case is
    `_nesting_within`; only a file it cannot clear is walked character by character (to say where)."""
    if text.count("[") + text.count("{") <= limit or _nesting_within(text, limit):
        return None
    blank = _STRINGS.sub(lambda m: " " * len(m.group()), text)
    depth = 0
    for match in _BRACKETS.finditer(blank):
        depth += 1 if match.group() in "[{" else -1
        if depth > limit:
            return StrictJSONError(_("nested more than {limit} levels deep").format(limit=limit), text, match.start())
    return None


def _no_constant(name: str):
    raise ValueError(_("{name} is not a number JSON allows").format(name=name))


def _finite(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise ValueError(_("{literal} is too large for a number").format(literal=literal))
    return value


class _DuplicateKey(ValueError):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list) -> dict:
    """An object whose keys are all different: with a key given twice, two readers of one file could
    see two documents (Python keeps the last, another parser the first), so it is refused."""
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen = set()
        for key, _value in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return obj


def _key_position(text: str, key: str) -> int:
    """Where KEY is given the second time (for the line and column of the refusal)."""
    needle = json.dumps(key, ensure_ascii=False)
    first = text.find(needle)
    second = text.find(needle, first + 1) if first >= 0 else -1
    return max(second, 0)


def loads_strict(text: str, max_depth: int = MAX_DEPTH):
    """`json.loads` for untrusted documents; `json.JSONDecodeError` (with line and column) for
    anything refused, whether malformed, too deep, holding NaN/Infinity or a key given twice."""
    too_deep = _depth_error(text, max_depth)
    if too_deep is not None:
        raise too_deep
    try:
        return json.loads(text, parse_constant=_no_constant, parse_float=_finite, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError:
        raise
    except _DuplicateKey as exc:
        raise StrictJSONError(_("the key {key} is given twice in one object (which one counts?)").format(
            key=json.dumps(exc.key, ensure_ascii=False)), text, _key_position(text, exc.key)) from None
    except (ValueError, RecursionError) as exc:  # NaN / Infinity / 1e999, or an int with 5,000 digits
        message = str(exc) if isinstance(exc, ValueError) else _("nested too deep")
        where = _CONSTANT.search(_STRINGS.sub(lambda m: " " * len(m.group()), text))
        raise StrictJSONError(message, text, where.start() if where else 0) from None
