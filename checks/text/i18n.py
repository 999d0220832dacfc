"""The core's words in the reader's language (gettext, domain ``migready``).

Two kinds of text leave the core, and they are translated differently:

* **Presentation** (CLI output and help, report headings, fixed sentences a
  renderer writes): ``_()`` / ``ngettext()`` translate at once, in the language
  chosen by `set_language`.
* **Content that is signed** (verdict reasons, flag titles and messages,
  checklist titles, evidence sentences, root causes): a `Msg`.  A `Msg` *is*
  a ``str`` holding the neutral English sentence, so the report's canonical
  JSON, and therefore its digest, is the same in every language; it also keeps
  its message id and parameters so that `shown()` can say it in the reader's
  language when it is displayed.  Text from an inventory or a staging host is
  data, a plain ``str``, and `shown()` leaves it as it is.

Catalogs live under ``resources/i18n/<lang>/LC_MESSAGES/migready.mo``, compiled
from the ``.po`` next to them (``python -m migready.checks.i18n_catalog``,
which drives Babel as configured in ``pyproject.toml``).  ``en`` is the source
language: no catalog, the ids are the English text.

No Qt here: the window loads its own Qt translator (gui/i18n.py) for its own
strings and calls `set_language` with the same language for the core's.
"""
from __future__ import annotations

import argparse
import gettext as _gettext
import os
import threading
from importlib import resources
from pathlib import Path
from typing import Iterable

from .times import short_time

LOCALEDIR = Path(str(resources.files("migready.resources").joinpath("i18n")))
DOMAIN = "migready"
SOURCE_LANGUAGE = "en"
LANGUAGES = ("en", "zh_CN")  # what --lang accepts; a catalog exists for each but the source
ENV_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")  # gettext's own order

_lock = threading.Lock()
_translation: _gettext.NullTranslations = _gettext.NullTranslations()
_language = SOURCE_LANGUAGE


def normalise(lang: str | None) -> str | None:
    """'zh_CN.UTF-8', 'zh-cn', 'zh' -> 'zh_CN'; 'C', 'POSIX', 'en_US' -> 'en'; unknown -> None."""
    if not lang:
        return None
    code = lang.split(".", 1)[0].split("@", 1)[0].replace("-", "_")
    if code in ("C", "POSIX") or code.lower().startswith("en"):
        return SOURCE_LANGUAGE
    for known in LANGUAGES:
        if code.lower() == known.lower() or known.lower().startswith(code.lower() + "_"):
            return known
    return None


def from_environment(environ=os.environ) -> str:
    """The first language the standard variables name that we have, as gettext reads them.

    LANGUAGE is a colon-separated preference list; the LC_* and LANG variables
    are one locale each.  The first variable that is set decides, as in gettext
    (an English LC_ALL is not overridden by LANG)."""
    for var in ENV_VARIABLES:
        value = environ.get(var)
        if not value:
            continue
        for candidate in value.split(":"):
            found = normalise(candidate)
            if found:
                return found
        if var != "LANGUAGE":
            return SOURCE_LANGUAGE
    return SOURCE_LANGUAGE


def set_language(lang: str | None = None) -> str:
    """Speak `lang` ('en', 'zh_CN', a locale name) or, when None, the environment's language.

    Returns the language now in use.  An unknown `lang` raises ValueError naming
    the languages there are; a missing catalog falls back to English."""
    global _translation, _language
    chosen = normalise(lang) if lang else from_environment()
    if chosen is None:
        raise ValueError(f"unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}")
    if chosen == SOURCE_LANGUAGE:
        translation = _gettext.NullTranslations()
    else:
        translation = _gettext.translation(DOMAIN, str(LOCALEDIR), languages=[chosen], fallback=True)
        if not isinstance(translation, _gettext.GNUTranslations):
            chosen = SOURCE_LANGUAGE
    with _lock:
        _translation, _language = translation, chosen
    # argparse says "usage:", "options", "error:" through the stdlib's gettext,
    # whose global domain is not ours: route its lookups through our catalog.
    argparse._ = gettext
    argparse.ngettext = ngettext
    return chosen


def language() -> str:
    return _language


def gettext(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


_ = gettext


def N_(message: str) -> str:
    """Mark a constant for extraction; it is translated where it is shown (``_(CONSTANT)``)."""
    return message


class Msg(str):
    """A sentence that is signed in English and shown in the reader's language.

    ``Msg("{ref} answers on {port}", ref=dep.ref, port=443)`` equals the string
    ``"app/db answers on 443"`` everywhere a str is used (JSON, digests,
    comparisons), and ``shown(it)`` gives the zh_CN sentence with the same
    values.  Parameters that are themselves `Msg` are shown in turn.
    """

    msgid: str
    plural: str | None
    params: dict

    def __new__(cls, msgid: str, /, **params) -> "Msg":
        self = super().__new__(cls, msgid.format(**params) if params else msgid)
        self.msgid, self.plural, self.params = msgid, None, params
        return self

    def __reduce__(self):  # copy/deepcopy/pickle keep the id and the parameters
        return _rebuild, (type(self), str(self), self.msgid, self.plural, self.params)

    def shown(self) -> str:
        if self.plural is not None:
            template = ngettext(self.msgid, self.plural, self.params.get("n", 1))
        else:
            template = gettext(self.msgid)
        if not self.params:
            return template
        return template.format(**{k: shown(v) for k, v in self.params.items()})


def MsgN(singular: str, plural: str, n: int, /, **params) -> Msg:
    """A `Msg` with plural forms; ``{n}`` is the count."""
    params["n"] = n
    msg = Msg(singular if n == 1 else plural, **params)
    msg.msgid, msg.plural = singular, plural
    return msg


SEPARATORS = (N_("; "), N_(", "))  # Joined's separators, said the reader's way (full-width in Chinese)


class Joined(Msg):
    """Parts joined by a separator, each part shown in turn (evidence sentences built up piecewise)."""

    def __new__(cls, sep: str, parts: Iterable) -> "Joined":
        parts = list(parts)
        self = str.__new__(cls, sep.join(parts))
        self.msgid, self.plural, self.params = sep, None, {"parts": parts}
        return self

    def shown(self) -> str:
        sep = gettext(self.msgid) if self.msgid in SEPARATORS else self.msgid  # gettext("") is the header
        return sep.join(shown(p) for p in self.params["parts"])


class Stamp(Msg):
    """A recorded time inside a sentence: signed as it was recorded (ISO 8601: changing the signed
    text would make every sign-off over it stale), shown to the second in UTC, one token, as the
    report's tables show times ("2029-12-31 20:00:01Z", not "2029-12-31T20:00:01.000Z")."""

    def __new__(cls, value: str) -> "Stamp":
        self = str.__new__(cls, value)
        self.msgid, self.plural, self.params = value, None, {}
        return self

    def shown(self) -> str:
        return short_time(str(self))


def _rebuild(cls, text, msgid, plural, params):
    self = str.__new__(cls, text)
    self.msgid, self.plural, self.params = msgid, plural, params
    return self


def shown(value):
    """`value` in the reader's language: a `Msg` is translated, data is left alone.

    Lists and tuples are shown element by element; anything else is returned as is."""
    if isinstance(value, Msg):
        return value.shown()
    if type(value) in (list, tuple):  # exactly: a named tuple is a record, not a list of sentences
        return type(value)(shown(v) for v in value)
    return value


def said(exc: BaseException) -> str:
    """An exception's message in the reader's language: the core raises some with a `Msg`, which
    ``str(exc)`` would give in English; anything else is its ``str``."""
    if len(exc.args) == 1 and isinstance(exc.args[0], Msg):
        return exc.args[0].shown()
    return str(exc)


def translations_of(value) -> dict[str, str]:
    """Every `Msg` inside a JSON-able value, neutral text -> shown text (where they differ).

    A report carries this map beside its signed content so that any renderer,
    even one reading the report back from JSON, can say its sentences in the
    reader's language without the words becoming part of what is signed.  A
    10,000-item report is ~10^6 values, nearly all plain str, int or None: they
    are skipped by their exact type before any isinstance (300 ms -> 70-100 ms,
    bench/bench_report.py)."""
    into: dict[str, str] = {}
    plain = (str, int, float, bool, type(None))

    def walk(values) -> None:
        for v in values:
            kind = type(v)
            if kind in plain:
                continue
            if kind is dict:
                walk(v.values())
            elif kind is list or kind is tuple:
                walk(v)
            elif isinstance(v, Msg):
                text = v.shown()
                if text != v:
                    into[str(v)] = text
            elif isinstance(v, dict):
                walk(v.values())
            elif isinstance(v, (list, tuple)):
                walk(v)
    walk((value,))
    return into


set_language(None)
