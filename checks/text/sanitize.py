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

from .i18n import _


def _escape(char: str) -> str:
    return char.encode("unicode_escape").decode("ascii")  # \x1b, \n, \u202e, \U000e0001


def _safe(char: str) -> bool:
    """Printable (no control, format, separator other than the space, surrogate, private or unassigned
    code point): `str.isprintable`'s rule, which covers C0/C1, DEL and the bidi/zero-width characters."""
    return char == " " or char.isprintable()


def for_terminal(value) -> str:
    """VALUE as one printable line: every control or invisible formatting character escaped."""
    text = value if isinstance(value, str) else str(value)
    return text if text.isprintable() else "".join(c if _safe(c) else _escape(c) for c in text)


def keep_lines(text: str) -> str:
    """TEXT with escapes shown but its newlines and tabs kept (for whole blocks of output)."""
    return "".join(c if c in "\n\t" or _safe(c) else _escape(c) for c in text)


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


def host_problem(host: str) -> str | None:
    """None when HOST (an address, a name, or a host spec) holds no whitespace or control character,
    else the reason: such a host is never a real one, and printed it could forge output lines."""
    bad = next((c for c in host if c.isspace() or not _safe(c)), None)
    if bad is None:
        return None
    what = _("whitespace (a space)") if bad == " " else \
        _("a control character ({char})").format(char=_escape(bad)) \
        if not bad.isspace() or bad in "\n\r\t\v\f" else _("whitespace ({char})").format(char=_escape(bad))
    return _("host '{host}' contains {what}: a host has no whitespace or control characters").format(
        host=for_terminal(host), what=what)
