"""Untrusted text on a terminal, and host names that cannot forge lines.

Names, roles, comments, evidence and inventory text reach the terminal from
files other people wrote.  A signer named "\\x1b[2K\\rOK ... verdict: GO"
would repaint the line `migready verify` just printed; a newline in a host
would add lines of its own to the probe output.  `for_terminal` shows every
control character (C0, DEL, C1), and the invisible bidirectional and
zero-width formatting characters, as an escape (``\\x1b``, ``\\n``,
``\\u202e``) so what is printed is exactly what is in the file, one line.

`TerminalGuard` wraps stdout/stderr when they are a terminal: whatever a
verb prints, escape sequences are shown, never obeyed (newlines and tabs are
kept: the program's own line structure is not untrusted).
"""
from __future__ import annotations

import re

# C0 controls, DEL, C1 controls; bidi embeddings/overrides/isolates; zero-width and BOM; line/para separators
_UNSAFE = "\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff"
_UNSAFE_RE = re.compile(f"[{_UNSAFE}]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def for_terminal(value) -> str:
    """VALUE as one printable line: every control or invisible formatting character escaped."""
    return _UNSAFE_RE.sub(_escape, value if isinstance(value, str) else str(value))


def _escape_keep_lines(match: re.Match) -> str:
    return match.group() if match.group() in "\n\t" else _escape(match)


def keep_lines(text: str) -> str:
    """TEXT with escapes shown but its newlines and tabs kept (for whole blocks of output)."""
    return _UNSAFE_RE.sub(_escape_keep_lines, text)


class TerminalGuard:
    """A text stream wrapper that writes `keep_lines(text)`: nothing printed can move the cursor,
    clear the screen or set the window title."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(keep_lines(text))
        return len(text)

    def __getattr__(self, name):
        return getattr(self._stream, name)


_HOST_BAD = re.compile(r"[\s" + _UNSAFE + "]")


def host_problem(host: str) -> str | None:
    """None when HOST (an address, a name, or a host spec) holds no whitespace or control character,
    else the reason: such a host is never a real one, and printed it could forge output lines."""
    bad = _HOST_BAD.search(host)
    if bad is None:
        return None
    char = bad.group()
    shown = "' '" if char == " " else _UNSAFE_RE.sub(_escape, char) if _UNSAFE_RE.match(char) \
        else f"\\u{ord(char):04x}"
    what = f"a control character ({shown})" if _UNSAFE_RE.match(char) else f"whitespace ({shown})"
    return f"host '{for_terminal(host)}' contains {what}: a host has no whitespace or control characters"
