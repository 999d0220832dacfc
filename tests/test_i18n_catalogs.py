"""The zh_CN catalogs are complete and current: every string the code can show has its translation.

Both catalogs are re-extracted from the sources here, exactly as
`resources/i18n/refresh` does, so a new `_()`/`Msg()`/`tr()` string without a
zh_CN translation fails this file, and so does a committed .mo/.qm that is
older than its .po/.ts.
"""
from __future__ import annotations

import gettext
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

babel_pofile = pytest.importorskip("babel.messages.pofile")

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "resources" / "i18n"
PO = I18N / "zh_CN" / "LC_MESSAGES" / "migready.po"
MO = I18N / "zh_CN" / "LC_MESSAGES" / "migready.mo"
TS = I18N / "migready_zh_CN.ts"
QM = I18N / "migready_zh_CN.qm"
BRACES = re.compile(r"\{([^{}]*)\}")
QT_ARGS = re.compile(r"%(?:n|L?\d)")


def _extract(tmp_path: Path) -> dict:
    pot = tmp_path / "fresh.pot"
    subprocess.run([sys.executable, "-c", "from babel.messages.frontend import main; main()", "-q", "extract",
                    "-F", "pyproject.toml", "--no-location", "-o", str(pot), "."], cwd=ROOT, check=True)
    with pot.open("rb") as f:
        return {m.id: m for m in babel_pofile.read_po(f) if m.id}


def _po() -> dict:
    with PO.open("rb") as f:
        catalog = babel_pofile.read_po(f)
    return {m.id: m for m in catalog if m.id}, catalog


def _ids(message) -> tuple:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def _strings(message) -> tuple:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def test_every_core_string_has_its_zh_cn_translation(tmp_path):
    fresh = _extract(tmp_path)
    po, _catalog = _po()
    missing = sorted(str(_ids(m)[0]) for key, m in fresh.items()
                     if key not in po or not all(_strings(po[key])) or po[key].fuzzy)
    stale = sorted(str(_ids(m)[0]) for key, m in po.items() if key not in fresh)
    assert not missing, (f"{len(missing)} core strings have no zh_CN translation (run resources/i18n/refresh, "
                         f"then translate them in {PO.relative_to(ROOT)}): {missing[:20]}")
    assert not stale, f"{len(stale)} translations no code uses any more (run resources/i18n/refresh): {stale[:20]}"


def test_core_translations_keep_every_placeholder():
    """`Msg.shown` formats the translation with the English sentence's parameters: a missing or
    misspelled {name} would raise, or drop a value the lead needs (a port, an address)."""
    po, _catalog = _po()
    wrong = []
    for m in po.values():
        for source, text in zip(_ids(m) * 2, _strings(m)):
            if sorted(BRACES.findall(source)) != sorted(BRACES.findall(text)) and \
                    set(BRACES.findall(source)) != set(BRACES.findall(text)):
                wrong.append((source, text))
            if source.count("%") != text.count("%"):
                wrong.append((source, text))
    assert not wrong, wrong[:10]


def test_compiled_core_catalog_is_current():
    po, catalog = _po()
    with MO.open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    expected = {}
    for m in po.values():
        if m.fuzzy or not all(_strings(m)):
            continue  # pybabel compile leaves these out (and the first test fails on them)
        if isinstance(m.id, tuple):
            for i, text in enumerate(m.string):
                expected[(m.id[0], i)] = text
        else:
            expected[m.id] = m.string
    actual = {k: v for k, v in compiled._catalog.items() if k != ""}
    assert actual == expected, "migready.mo is older than migready.po: run resources/i18n/refresh"
    assert compiled.info().get("language") == "zh_CN"


def _ts_messages(path: Path) -> dict:
    out = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            translation = message.find("translation")
            numerus = translation.findall("numerusform")
            texts = [n.text or "" for n in numerus] if numerus else [translation.text or ""]
            out[(name, message.findtext("source"))] = (translation.get("type"), texts)
    return out


@pytest.fixture(scope="module")
def fresh_ts(tmp_path_factory) -> Path:
    lupdate = shutil.which("pyside6-lupdate")
    if not lupdate:
        pytest.skip("pyside6-lupdate is not installed (it comes with PySide6)")
    out = tmp_path_factory.mktemp("ts") / TS.name
    shutil.copy(TS, out)
    sources = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "gui").rglob("*.py"))
    subprocess.run([lupdate, "-silent", "-no-obsolete", "-locations", "none", *sources, "-ts", str(out)],
                   cwd=ROOT, check=True)
    return out


def test_every_window_string_has_its_zh_cn_translation(fresh_ts):
    fresh, committed = _ts_messages(fresh_ts), _ts_messages(TS)
    untranslated = sorted(f"{ctx}: {src}" for (ctx, src), (kind, texts) in fresh.items()
                          if kind in ("unfinished", "vanished", "obsolete") or not all(texts))
    assert not untranslated, (f"{len(untranslated)} window strings have no zh_CN translation (run "
                              f"resources/i18n/refresh, then translate them in {TS.name}): {untranslated[:20]}")
    assert set(fresh) == set(committed), f"{TS.name} is not current: run resources/i18n/refresh"


def test_window_translations_keep_every_placeholder():
    wrong = [(src, texts) for (ctx, src), (kind, texts) in _ts_messages(TS).items()
             for text in texts if set(QT_ARGS.findall(src)) != set(QT_ARGS.findall(text))
             or set(BRACES.findall(src)) != set(BRACES.findall(text))]
    assert not wrong, wrong[:10]


def test_compiled_window_catalog_is_current(tmp_path):
    lrelease = shutil.which("pyside6-lrelease")
    if not lrelease:
        pytest.skip("pyside6-lrelease is not installed (it comes with PySide6)")
    out = tmp_path / QM.name
    subprocess.run([lrelease, "-silent", str(TS), "-qm", str(out)], check=True)
    assert out.read_bytes() == QM.read_bytes(), f"{QM.name} is older than {TS.name}: run resources/i18n/refresh"


# GLOSSARY.md's key terms: a sentence that names one in English says it with the glossary's word
# (or one of the listed forms) in Chinese.  One word for one thing is what lets a lead trust a
# sentence at 2 a.m.; a second word for "waiver" reads as a second thing.
GLOSSARY_TERMS = {
    "source port": ("源端口",), "cutover": ("割接",), "rollback": ("回滚",), "waive": ("豁免",),
    "staging host": ("预发主机",), "root cause": ("根因",), "regression": ("退化",),
    "inconclusive": ("无法判定",), "sign-off": ("签字确认", "签字人"), "checklist": ("检查单", "检查项"),
    "workspace": ("工作区",), "egress": ("出网",), "rehearsal": ("演练",), "callback": ("回调",),
    "fingerprint": ("指纹",), "digest": ("摘要",), "zone": ("网络区域", "出网区域"), "reflector": ("反射器",),
    "attest": ("证明",), "evidence": ("证据",), "inventory": ("清单", "INVENTORY"), "verdict": ("结论",),
}
NOT_PROSE = re.compile(r"\{[^}]*\}|--[\w-]+|`[^`]*`|migready [a-z]+")  # placeholders, options, commands


def test_the_glossary_terms_are_said_with_the_glossarys_words():
    po, _catalog = _po()
    pairs = [(_ids(m)[0], _strings(m)[0]) for m in po.values()]
    pairs += [(src, texts[0]) for (ctx, src), (kind, texts) in _ts_messages(TS).items()]
    glossary = (I18N / "GLOSSARY.md").read_text(encoding="utf-8")
    off = []
    for english, chinese in pairs:
        prose = NOT_PROSE.sub("", english)
        for term, words in GLOSSARY_TERMS.items():
            assert words[0] in glossary, f"{words[0]} ({term}) is not in GLOSSARY.md"
            if re.search(r"\b" + re.escape(term), prose, re.I) and not any(w in chinese for w in words):
                off.append(f"{term} -> {words[0]}: {english!r} = {chinese!r}")
    assert not off, f"{len(off)} translations do not use the glossary's word: {off[:10]}"
