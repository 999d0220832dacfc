"""Problems found in user input, reported the way people fix them: file:line:col.

Every loader in migready reports *all* problems it finds as `Problem`s and
raises one `InputError` carrying them, so a person fixes a file in one pass
instead of one error per run.  Nothing here ever shows a traceback to a user.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..text.i18n import _


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input file.

    `line` and `column` are 1-based, as editors show them; 0 means unknown.
    `path` is the field path in the document, e.g. ``services[0].dependencies[2].port``.
    """

    file: str
    line: int
    column: int
    path: str
    message: str
    severity: str = field(default="error", compare=False)

    def __str__(self) -> str:
        """``file:line:col: field: message``; in another language the frame is translated (the
        location stays first and as editors write it, so it can still be clicked)."""
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        if self.path:
            return _("{where}: {field}: {message}").format(where=where, field=self.path, message=self.message)
        return _("{where}: {message}").format(where=where, message=self.message)

    def to_dict(self) -> dict:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "message": self.message,
            "severity": self.severity,
        }


class InputError(Exception):
    """Raised with every problem found in one input file."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def format_path(path: tuple) -> str:
    """Render a path tuple as people write it: ``services[0].dependencies[2].port``."""
    out = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        else:
            out.append(f".{part}" if out else str(part))
    return "".join(out)
