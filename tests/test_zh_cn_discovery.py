"""Discovery in Chinese (issue 17): findings are stored in English and shown in the reader's language.

A discovery record goes into the workspace (and from there into what is
signed), so its sentences are `Msg`s: the record is byte for byte the same
whatever language the person who ran it reads; the CLI's summary and every
finding are shown in Chinese.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from migready.checks.discovery import classify, import_file
from migready.checks.text.i18n import set_language, shown
from migready.checks.inventory.load import load_inventory
from migready.checks.store.problems import InputError

DATA = Path(__file__).parent / "data" / "discovery"


@pytest.fixture(scope="module")
def inventory():
    return load_inventory(DATA / "inventory.yaml")


@pytest.fixture
def zh():
    set_language("zh_CN")
    yield
    set_language("en")


def record(inventory) -> str:
    observation = import_file(DATA / "ss_tunap.txt")
    report = classify(inventory, observation)
    return json.dumps({"observation": observation.to_dict(), "comparison": report.to_dict()},
                      sort_keys=True, ensure_ascii=False)


def test_the_stored_record_is_the_same_in_every_language(inventory):
    set_language("en")
    english = record(inventory)
    set_language("zh_CN")
    try:
        chinese = record(inventory)
    finally:
        set_language("en")
    assert chinese == english
    assert "an undeclared callback" in english and "未声明" not in english


def test_findings_and_summary_are_shown_in_chinese(inventory, zh):
    observation = import_file(DATA / "ss_tunap.txt")
    report = classify(inventory, observation)
    callback = next(f for f in report.findings if f.kind == "inbound")
    assert shown(callback.message) == (
        "tcp 10.60.41.201 -> 本机端口 27777（网络区域 dc，java）：从外部连入，但清单只把 10.60.41.201 列为"
        "出向对端（scale-adapter/workers (outbound, tcp 27777)）：这是未声明的回调")
    assert shown(callback.cleared_by).startswith("声明入向依赖")
    text = report.format_text(observation)
    assert text.splitlines()[0] == f"依赖发现：保存的 ss 输出 {DATA / 'ss_tunap.txt'}"
    assert "  说明：读取 23 行套接字记录：使用 23 行（10 个对端）；没有略去任何行" in text
    assert "未发现连接" in text and "采样窗口内空闲，还是已下线？" in text
    assert text.splitlines()[-1] == "8 项发现（高 2，中 2，低 2，提示 2）"
    # severities and kinds stay as ids in the table: they are what --fail-on and the JSON use
    assert "[HIGH   ] inbound" in text


def test_english_summary_is_unchanged(inventory):
    set_language("en")
    observation = import_file(DATA / "ss_tunap.txt")
    text = classify(inventory, observation).format_text(observation)
    assert text.splitlines()[0] == f"discovery: saved ss output {DATA / 'ss_tunap.txt'}"
    assert "  note: read 23 socket lines: 23 used (10 peers); nothing left out" in text
    assert text.splitlines()[-1] == "8 findings (2 high, 2 medium, 2 low, 2 info)"


def test_an_export_with_missing_columns_names_file_line_and_columns_in_chinese(tmp_path, zh):
    export = tmp_path / "deps.csv"
    export.write_text("Time slot,Source server name,Destination IP\n1,a,198.18.0.1\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        import_file(export, "azure")
    assert [str(p) for p in info.value.problems] == [
        f"{export}:1:1: 不是 Azure Migrate 依赖导出：缺少列 destination server name, destination port"
        "（现有列：timeslot, sourceservername, destinationip）"]


def test_a_record_reopened_from_the_workspace_speaks_chinese_against_its_own_inventory(inventory, zh, tmp_path):
    """The file keeps English sentences; reopened against the inventory it was recorded with, the
    window compares the stored observation afresh and shows the same findings in Chinese.  Against a
    changed inventory it shows the comparison as recorded (history), which is English."""
    from migready.checks.discovery import recorded
    from migready.checks.discovery.model import Observation

    observation = import_file(DATA / "ss_tunap.txt")
    stored = json.loads(json.dumps({"inventory_digest": inventory.digest, "observation": observation.to_dict(),
                                    "comparison": classify(inventory, observation).to_dict()}))  # as saved
    again = recorded(stored, inventory)
    assert [(f.kind, f.severity, str(f.message)) for f in again.findings] == \
        [(f["kind"], f["severity"], f["message"]) for f in stored["comparison"]["findings"]]
    assert again.findings and all(re.search("[\u4e00-\u9fff]", shown(f.message)) for f in again.findings), \
        [shown(f.message) for f in again.findings][:3]
    older = recorded(dict(stored, inventory_digest="sha256:another-inventory"), inventory)
    assert [f.message for f in older.findings] == [f["message"] for f in stored["comparison"]["findings"]]
    assert all(shown(f.message) == f.message for f in older.findings)  # plain stored English
    assert Observation.from_dict(stored["observation"]).peers == observation.peers
