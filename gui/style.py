"""How states look: a word and a symbol always, a colour tint as a second cue.

Colour never carries meaning alone (the comparison must read in greyscale and
for colour-blind people), and tints are chosen from the palette's lightness
so that the light and the dark palette both keep the text legible.
"""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from migready.checks.text.labels import VOCABULARY, label as core_label

# tone of every state word used by the core (checklist, compare, flags, verdict)
TONES = {
    "pass": "good", "fixed": "good", "GO": "good", "done": "good",
    "fail": "bad", "regression": "bad", "blocker": "bad", "NO-GO": "bad", "blocked": "bad",
    "pending": "warn", "waived": "accepted", "inconclusive": "warn", "missing": "warn", "high": "warn",
    "GO WITH WAIVERS": "warn", "attention": "warn", "medium": "note",
    "na": "neutral", "unchanged": "neutral", "new": "note", "low": "neutral", "info": "neutral",
    "todo": "neutral", "running": "note",
}
# "accepted": waived, a risk a named person took until a date; not pending (nothing to do), not passed.
SYMBOLS = {"good": "✓", "bad": "✗", "warn": "!", "accepted": "≈", "note": "•", "neutral": "–"}

_LIGHT = {"good": "#d4edda", "bad": "#f8d7da", "warn": "#fff3cd", "accepted": "#e6dcf5", "note": "#dbe9f6",
          "neutral": ""}
_DARK = {"good": "#1f4d2b", "bad": "#5c1f24", "warn": "#5a4a12", "accepted": "#3d2d5c", "note": "#1d3a57",
         "neutral": ""}
_STRONG = {"good": "#1e7b34", "bad": "#b02a37", "warn": "#8a6d00", "accepted": "#6f42c1", "note": "#245d96",
           "neutral": "#5f6368"}


# State words only the window uses (the core's verdicts, severities, item states and phases are
# checks/text/labels.py's): marked here, translated where shown (module constants are made before --lang).
WINDOW_WORDS = {
    "fixed": QT_TRANSLATE_NOOP("style", "fixed"), "regression": QT_TRANSLATE_NOOP("style", "regression"),
    "inconclusive": QT_TRANSLATE_NOOP("style", "inconclusive"), "missing": QT_TRANSLATE_NOOP("style", "missing"),
    "unchanged": QT_TRANSLATE_NOOP("style", "unchanged"), "new": QT_TRANSLATE_NOOP("style", "new"),
    "done": QT_TRANSLATE_NOOP("style", "done"), "blocked": QT_TRANSLATE_NOOP("style", "blocked"),
    "attention": QT_TRANSLATE_NOOP("style", "attention"), "todo": QT_TRANSLATE_NOOP("style", "todo"),
    "running": QT_TRANSLATE_NOOP("style", "running"),
}


def word(state: str) -> str:
    """`state` as the reader says it (lower case in English): the core's vocabulary first, then the window's."""
    for kind in ("verdict", "state", "severity", "phase"):
        if state in VOCABULARY[kind]:
            return core_label(kind, state)
    if state in WINDOW_WORDS:
        return QCoreApplication.translate("style", WINDOW_WORDS[state])
    return state


def counted(n: int, one: str, many: str) -> str:
    """`one` or `many` (both already translated, with a ``{n}``) for `n`: English keeps its plural,
    the translation may say both the same way."""
    return (one if n == 1 else many).format(n=n)


def plural(n: int, word: str, many: str = "") -> str:
    """``1 service``, ``2 services``."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def dependency(ref: str | None) -> str:
    """``demo-printer · demo-scale-deviceadapter``: the dependency first, where eliding cannot hide it."""
    if not ref:
        return QCoreApplication.translate("style", "staging host itself")
    service, _, name = ref.partition("/")
    return f"{name} · {service}" if name else ref


def tone(state: str) -> str:
    return TONES.get(state, "neutral")


def symbol(state: str) -> str:
    return SYMBOLS[tone(state)]


def label(state: str) -> str:
    """``✗ FAIL``: the symbol and the word, never the colour alone (``✗ 失败`` in zh_CN)."""
    return f"{symbol(state)} {word(state).upper()}"


_dark_cache: dict[int, bool] = {}


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QApplication.palette()
    key = palette.cacheKey()
    if key not in _dark_cache:  # asked for every tinted cell painted: remember the answer per palette
        _dark_cache[key] = palette.color(QPalette.Window).lightness() < 128
    return _dark_cache[key]


def tint(state: str, palette: QPalette | None = None) -> QColor | None:
    """Background for a cell showing ``state`` (None: leave the palette's)."""
    colour = (_DARK if is_dark(palette) else _LIGHT)[tone(state)]
    return QColor(colour) if colour else None


def strong(state: str) -> QColor:
    """A solid colour for banners and badges; white text on it stays readable."""
    return QColor(_STRONG[tone(state)])


def dark_palette() -> QPalette:
    """A dark palette for the Fusion style (checked in the screenshots)."""
    p = QPalette()
    base, window, text = QColor("#1e1f22"), QColor("#2b2d31"), QColor("#e6e6e6")
    for role, colour in ((QPalette.Window, window), (QPalette.WindowText, text), (QPalette.Base, base),
                         (QPalette.AlternateBase, QColor("#26282c")), (QPalette.ToolTipBase, window),
                         (QPalette.ToolTipText, text), (QPalette.Text, text), (QPalette.Button, window),
                         (QPalette.ButtonText, text), (QPalette.BrightText, QColor("#ff6b6b")),
                         (QPalette.Highlight, QColor("#3d6fb4")), (QPalette.HighlightedText, QColor("#ffffff")),
                         (QPalette.Link, QColor("#8ab4f8")), (QPalette.PlaceholderText, QColor("#9aa0a6"))):
        p.setColor(role, colour)
    for role in (QPalette.Text, QPalette.WindowText, QPalette.ButtonText):
        p.setColor(QPalette.Disabled, role, QColor("#7f8389"))
    return p
