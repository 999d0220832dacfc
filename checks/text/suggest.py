"""'Did you mean …?': the closest known word to a mistyped one.

One rule for every place a person types a name the program knows: the inventory validator's
fields, enums and zones, and the command line's verbs, checklist item ids, SERVICE/DEPENDENCY
references and zone names (issue 26: `migready verdcit`, `prepare.rollbak-plan` got no hint).
difflib's ratio, as the validator always used; nothing is suggested below `cutoff`.
"""
from __future__ import annotations

import difflib
from typing import Iterable, Optional

from .i18n import _


def closest(word: str, known: Iterable[str], cutoff: float = 0.6) -> Optional[str]:
    """The known word most like `word`, or None when none is like enough."""
    found = difflib.get_close_matches(word, [str(k) for k in known], n=1, cutoff=cutoff)
    return found[0] if found else None


def did_you_mean(word: str, known: Iterable[str], cutoff: float = 0.6) -> str:
    """"; did you mean 'X'?" to append to a message, or "" when nothing is close."""
    close = closest(word, known, cutoff)
    return _("; did you mean '{close}'?").format(close=close) if close else ""
