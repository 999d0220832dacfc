"""What is signed does not depend on the reader's language, for every kind of content.

tests/test_report_i18n.py proves it on the demo's NO-GO workspace; this file
sweeps wider: every bundled example inventory, and a synthetic fleet with
regressions, NAT rewrites, DNS, zones and latency over budget
(bench/bench_report.py's workload, small).  A sentence built with `_()` (said
at once) instead of a `Msg` inside the content would put Chinese into the
signed bytes, change the digest and void every signature made in the other
language: this is the test that catches it.
"""
from __future__ import annotations

import datetime as dt
import re
import sys
from importlib import resources
from pathlib import Path

import pytest

from migready.checks.text import i18n
from migready.checks.inventory.load import load_inventory
from migready.checks.report import build_report
from migready.checks.report.model import canonical_content
from migready.checks.store.workspace import Workspace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import bench_report  # noqa: E402

TODAY = dt.date(2030, 1, 1)
EXAMPLES = sorted(Path(str(resources.files("migready.inventories"))).glob("*.yaml"))
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")


def _both(inventory, ws) -> tuple[dict, dict]:
    reports = {}
    for lang in ("en", "zh_CN"):
        i18n.set_language(lang)
        try:
            reports[lang] = build_report(inventory, ws, TODAY)
        finally:
            i18n.set_language("en")
    return reports["en"], reports["zh_CN"]


def _assert_neutral(inventory, ws, source_text: str) -> dict:
    en, zh = _both(inventory, ws)
    assert zh["digest"] == en["digest"]
    assert canonical_content(zh) == canonical_content(en)
    # and no Chinese in the signed bytes but what the inventory itself wrote (site names, notes)
    foreign = set(CJK.findall(canonical_content(zh).decode("utf-8"))) - set(CJK.findall(source_text))
    assert not foreign, sorted(foreign)[:10]
    return zh


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_inventory_signs_the_same_content_in_both_languages(path, tmp_path):
    inventory = load_inventory(path)
    ws = Workspace.new(tmp_path / "ws.migready.json", str(path), inventory.digest)
    zh = _assert_neutral(inventory, ws, path.read_text(encoding="utf-8"))
    assert zh["words"]["text"], "the Chinese report said nothing in Chinese: the sweep would prove nothing"


def test_a_fleet_with_regressions_signs_the_same_content_in_both_languages(tmp_path):
    inventory, ws, deps = bench_report.make(tmp_path, 400)
    zh = _assert_neutral(inventory, ws, Path(inventory.path).read_text(encoding="utf-8"))
    assert zh["attention"]["regressions"], "the workload should have regressions to say"
    said = zh["words"]["text"]
    assert any("源端口" in text for text in said.values())  # the NAT rewrite, said in Chinese beside it
