"""How the language is chosen, and why a translated sentence never changes what is signed."""
from __future__ import annotations

import copy
import json
import pickle

import pytest

from migready.checks.text import i18n
from migready.checks.text.i18n import Joined, Msg, MsgN, shown, translations_of


@pytest.fixture
def zh():
    i18n.set_language("zh_CN")
    yield
    i18n.set_language("en")


@pytest.mark.parametrize("environ, expected", [
    ({"LANG": "zh_CN.UTF-8"}, "zh_CN"),
    ({"LANGUAGE": "zh_CN:en", "LANG": "C.UTF-8"}, "zh_CN"),
    ({"LANGUAGE": "fr:zh", "LANG": "C"}, "zh_CN"),           # the first language we have
    ({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),  # LC_ALL wins over LANG, as in gettext
    ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_GB.UTF-8"}, "zh_CN"),
    ({"LANG": "de_DE.UTF-8"}, "en"),                          # no catalog: the source language
    ({}, "en"),
])
def test_the_language_comes_from_the_standard_variables_in_gettext_order(environ, expected):
    assert i18n.from_environment(environ) == expected


def test_an_unknown_language_is_refused_naming_the_choices():
    with pytest.raises(ValueError, match="en, zh_CN"):
        i18n.set_language("klingon")


def test_a_msg_is_its_english_sentence_everywhere_a_str_is_used(zh):
    m = Msg("{ref}: the source port changed from {before} to {after}", ref="pos/scale", before=5001, after=40112)
    assert m == "pos/scale: the source port changed from 5001 to 40112"
    assert json.dumps({"m": m}) == json.dumps({"m": str(m)})
    for clone in (copy.deepcopy(m), pickle.loads(pickle.dumps(m))):
        assert clone == m and clone.msgid == m.msgid and clone.params == m.params


def test_shown_says_a_msg_in_the_readers_language_and_leaves_data_alone(zh):
    assert shown(Msg("NO-GO")) == "不放行"
    assert shown("NO-GO") == "NO-GO"  # a plain str is data (a name, a note): never translated
    nested = Msg("{a} / {b}", a=Msg("GO"), b="门店秤")
    assert shown(nested) == "放行 / 门店秤"
    assert shown(Joined("; ", [Msg("pass"), "data"])) == "通过；data"
    assert shown([Msg("fail"), "x"]) == ["失败", "x"]


def test_plural_msgs_count(zh):
    one, many = MsgN("{n} blocker", "{n} blockers", 1), MsgN("{n} blocker", "{n} blockers", 3)
    assert (one, many) == ("1 blocker", "3 blockers")


def test_the_translation_map_holds_only_sentences_that_change():
    i18n.set_language("zh_CN")
    try:
        words = translations_of({"verdict": Msg("NO-GO"), "items": [Msg("GO"), "pos/scale", Msg("{x}", x="data")]})
    finally:
        i18n.set_language("en")
    assert words == {"NO-GO": "不放行", "GO": "放行"}
    assert translations_of({"verdict": Msg("NO-GO")}) == {}  # English: nothing to say differently

