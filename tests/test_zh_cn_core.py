"""The core's findings in Chinese: rule flags, checklist items, the verdict and its root causes.

A migration lead reads these first.  In zh_CN each sentence is shown in Chinese
(`shown()`), while its value, the English sentence, is what goes into JSON and the
report's digest, so a report signed in one language verifies in the other.
Incident 1 (`inventories/scale-adapter-nat.yaml`) for the flags; the demo inventory
with a NO-GO workspace (tests/report_data.py: NAT rewrote the scale's source port)
for the checklist, the verdict and the root causes.
"""
from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import pytest
import yaml

from migready.checks.text import i18n
from migready.checks.review import root_causes
from migready.checks.review.checklist import build_checklist
from migready.checks.text.i18n import Joined, Msg, shown
from migready.checks.inventory.load import load_inventory
from migready.checks.text.labels import label
from migready.checks.probing.plan_view import view_plan
from migready.checks.probing.plans import build_plan
from migready.checks.inventory.rules import evaluate
from migready.checks.review.verdict import review
from migready.checks.store.workspace import Workspace

from report_data import TODAY, make_workspace, open_report

INVENTORIES = Path(str(resources.files("migready.inventories")))
CJK = re.compile(r"[\u4e00-\u9fff]")
# Three English words in a row in a piece of text that is not a Msg: a sentence an f-string built.
ENGLISH_PROSE = re.compile(r"\b[a-z]{2,}\s+[a-z]{2,}\s+[a-z]{2,}\b")


@pytest.fixture
def zh():
    i18n.set_language("zh_CN")
    yield
    i18n.set_language("en")


def in_both(fn):
    """`fn()` computed in English and in zh_CN (the same objects' values must not differ)."""
    i18n.set_language("en")
    english = fn()
    i18n.set_language("zh_CN")
    try:
        chinese = fn()
    finally:
        i18n.set_language("en")
    return english, chinese


def strings_in(value, into: set | None = None) -> set:
    """Every string in a parsed document: data that is shown as written."""
    into = set() if into is None else into
    if isinstance(value, str):
        into.add(value)
    elif isinstance(value, dict):
        for v in value.values():
            strings_in(v, into)
    elif isinstance(value, (list, tuple)):
        for v in value:
            strings_in(v, into)
    return into


DATA: set = set()  # the strings of the inventory and workspace under test


def prose_leaves(value) -> list[str]:
    """Plain (untranslatable) strings inside a Msg that read like English sentences and are not data."""
    if isinstance(value, Joined):
        return [p for v in value.params["parts"] for p in prose_leaves(v)]
    if isinstance(value, Msg):
        return [p for v in value.params.values() for p in prose_leaves(v)]
    if isinstance(value, str) and value not in DATA and ENGLISH_PROSE.search(value):
        return [value]
    return []


def chinese(value) -> str:
    """`value` shown in zh_CN, asserting that it is Chinese and that no English sentence was pasted in."""
    assert isinstance(value, Msg), f"not translatable (a plain str): {value!r}"
    text = shown(value)
    assert CJK.search(text), f"not shown in Chinese: {text!r}"
    assert not prose_leaves(value), f"English pasted into {value.msgid!r}: {prose_leaves(value)}"
    return text


@pytest.fixture(autouse=True)
def data_of_the_test():
    yield
    DATA.clear()


def inventory_data(path: Path) -> Path:
    DATA.update(strings_in(yaml.safe_load(path.read_text(encoding="utf-8"))))
    return path


# ------------------------------------------------------------------ flags (incident 1)


def test_incident_1_flags_are_shown_in_chinese_and_stay_english_in_json():
    path = inventory_data(INVENTORIES / "scale-adapter-nat.yaml")
    english, translated = in_both(lambda: evaluate(load_inventory(path)))
    assert json.dumps([f.to_dict() for f in english], ensure_ascii=False) == \
        json.dumps([f.to_dict() for f in translated], ensure_ascii=False)
    i18n.set_language("zh_CN")
    try:
        said = {(f.rule, f.dependency): (chinese(f.title), chinese(f.message), chinese(f.cleared_by))
                for f in translated}
    finally:
        i18n.set_language("en")
    title, message, cleared = said[("MR002", "topscale-scales")]
    assert title == "固定源端口经过 NAT"
    assert "对端校验源端口 9010" in message and "出网经过 NAT" in message and "源端口可能被改写" in message
    assert "上海IDC (TCE Shanghai)" in message  # the site's name is data, shown as written
    assert "port_preserved=true" in cleared  # the probe's field name stays as the agent writes it
    scales = next(f for f in translated if f.rule == "MR001" and f.dependency == "topscale-scales")
    i18n.set_language("zh_CN")
    try:
        assert shown(scales.message) == ("yh-sod-scale-deviceadapter/topscale-scales：基于 udp/5002 的电子秤"
                                         "（TopScale 顶尖）：HTTP 健康检查覆盖不到这条路径")
    finally:
        i18n.set_language("en")
    assert "：100 个目标中只会探测 8 个；" in said[("MR009", "topscale-scales")][1]
    assert said[("MR007", "store-pdas")][0] == "入向或双向依赖"


def test_english_flags_are_todays_sentences():
    flags = {f.rule: f for f in evaluate(load_inventory(INVENTORIES / "scale-adapter-nat.yaml"))}
    mr002 = flags["MR002"]
    assert mr002.title == "fixed source port across NAT"
    assert mr002.message == ("yh-sod-scale-deviceadapter/topscale-scales: the peer checks source port 9010, and "
                             "target site '上海IDC (TCE Shanghai)' NATs its egress (Calico IPIP, natOutgoing=true on "
                             "pod pool 192.0.2.128/26): the port may be rewritten")
    assert shown(mr002.message) == mr002.message  # English: shown is the value itself
    scales = next(f for f in evaluate(load_inventory(INVENTORIES / "scale-adapter-nat.yaml"))
                  if f.rule == "MR001" and f.dependency == "topscale-scales")
    assert scales.message == ("yh-sod-scale-deviceadapter/topscale-scales: scale over udp/5002 (TopScale 顶尖): "
                              "HTTP health checks never exercise this path")


@pytest.mark.parametrize("name", sorted(p.name for p in INVENTORIES.glob("*.yaml")))
def test_every_example_inventorys_flags_are_chinese(name, zh):
    for flag in evaluate(load_inventory(inventory_data(INVENTORIES / name))):
        chinese(flag.title), chinese(flag.message), chinese(flag.cleared_by)


# ------------------------------------------------------------------ the demo: checklist, verdict, root causes


@pytest.fixture
def demo(tmp_path):
    ws_path = make_workspace(tmp_path)
    ws = Workspace.load(ws_path)
    inventory_data(Path(ws.data["inventory"]["path"]))
    DATA.update(strings_in(ws.data))
    return load_inventory(ws.data["inventory"]["path"]), ws, ws_path


def test_the_demo_verdict_and_root_causes_are_chinese_and_sign_the_same_words(demo):
    inventory, ws, _ws_path = demo
    english, translated = in_both(lambda: review(inventory, ws, TODAY))
    assert translated.verdict.to_dict() == english.verdict.to_dict()
    causes_en, causes_zh = in_both(lambda: root_causes.from_review(inventory, review(inventory, ws, TODAY)))
    assert [c.to_dict() for c in causes_en] == [c.to_dict() for c in causes_zh]
    i18n.set_language("zh_CN")
    try:
        assert label("verdict", translated.verdict.verdict) == "不放行"
        reasons = [shown(r) for r in translated.verdict.reasons]
        assert all(CJK.search(r) for r in reasons), reasons
        assert any(r.startswith("阻断项失败：") for r in reasons)
        assert any(r.startswith("已豁免：prepare.store-ops-informed") for r in reasons)
        headlines = [chinese(c.headline) for c in causes_zh]
        assert "demo-scale：源端口 9010 在 demo-new (Calico natOutgoing, declared) 被 NAT 改写" in headlines
        scale = next(c for c in causes_zh if c.dependency == "demo-scale-deviceadapter/demo-scale")
        assert shown(scale.rule) == "MR002（事故 1）"
        assert chinese(scale.cleared_by).startswith("让源端口在到对端的路径上保持不变")  # the fix, not the check
        assert any("迁移前 端口 9010 保持不变 → 迁移后 端口 9010 → 41733" in shown(e) for e in scale.evidence)
        printed = "\n".join(root_causes.lines(causes_zh))
        assert "[失败]" in printed and "清除条件：" in printed and "FAILED" not in printed
        assert root_causes.tally_text(causes_zh) == "3 个根因（1 个失败，1 个待定，1 个已豁免）"
    finally:
        i18n.set_language("en")
    assert root_causes.lines(causes_en)[0].startswith("1. [FAILED] ")
    assert root_causes.tally_text(causes_en) == "3 root causes (1 failed, 1 pending, 1 waived)"
    assert "demo-scale: source port 9010 rewritten by NAT at demo-new (Calico natOutgoing, declared)" in \
        [c.headline for c in causes_en]


def test_the_demo_checklist_titles_and_evidence_are_chinese(demo, zh):
    inventory, ws, _ws_path = demo
    checklist = build_checklist(inventory, ws, TODAY)
    by_id = {i.id: i for i in checklist.items}
    assert chinese(by_id["run.pre"].title) == "已从源站点完成迁移前基线探测运行"
    assert chinese(by_id["run.post"].evidence).startswith("run-2，来自 local://，完成于 ")
    assert chinese(by_id["prepare.rollback-plan"].title) == "回滚方案已写好，并写明触发回滚的条件"
    assert chinese(by_id["prepare.rollback-plan"].evidence).startswith("由 李伟 人工标记为“通过”：")
    req = by_id["req:demo-scale-deviceadapter/demo-scale:source_port_preserved"]
    assert chinese(req.title) == "demo-scale-deviceadapter/demo-scale：源端口保持"
    assert chinese(req.cleared_by).startswith("让源端口在到对端的路径上保持不变")  # it fails: what fixes it
    for item in checklist.items:
        if item.source in ("run", "requirement", "flag", "template"):
            chinese(item.title)
        elif item.source == "inventory":
            assert not isinstance(item.title, Msg)  # the inventory's own titles are data, never translated


def test_the_report_digest_does_not_depend_on_the_language(demo):
    from migready.checks.report import content_digest

    _inventory, _ws, ws_path = demo
    english, translated = in_both(lambda: content_digest(open_report(ws_path)))
    assert english == translated


# ------------------------------------------------------------------ the probe plan


def test_the_probe_plan_is_described_in_chinese(zh):
    inventory = load_inventory(INVENTORIES / "demo.yaml")
    view = view_plan(inventory, build_plan(inventory, "local://", "pre"))
    lines = view.lines()
    assert lines[0].startswith("探测计划：从 local:// 发起的迁移前运行：")
    assert lines[-1].startswith("合计：") and "个地址" in lines[-1]
    local = [c for c in view.contacts if not c.sends]
    assert local and all(CJK.search(shown(c.note)) for c in local)
    i18n.set_language("en")
    assert view.lines()[0].startswith("plan: pre run from local://: ")
