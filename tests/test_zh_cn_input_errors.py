"""Input errors in Chinese (issue 17): a lead who reads zh_CN still gets file:line:column and the field.

The YAML and schema problems are printed, never stored, so they are translated
at once; the location stays first, exactly as editors write it.  English is
pinned by test_inventory_errors.py; here the same files are read in both
languages and compared.
"""
from __future__ import annotations

import re
import textwrap

import pytest

from migready.checks.text.i18n import set_language
from migready.checks.inventory.load import validate_file

try:
    from cliproc import migready
except ImportError:  # tests/ became a package
    from tests.cliproc import migready

BROKEN = textwrap.dedent("""\
    version: 1
    migration:
      name: x
      source: {site: a, staging_hosts: ["local://"]}
      target: {site: b, staging_hosts: ["local://"]}
    zones:
      - {name: store-lan, kind: store, cidrs: [198.18.4.0/24]}
    services:
      - name: s
        owner: o
        dependencies:
          - name: scales
            kind: device
            protocl: udp
            host: 198.18.4.21
            port: 70000
          - name: printers
            kind: device
            protocol: tcp
            host: 198.18.4.22
            port: "9100x"
            zone: store-lam
    """)

SYNTAX = "version: 1\nservices: [a\n  b: c\n"


@pytest.fixture
def zh():
    set_language("zh_CN")
    yield
    set_language("en")


def problems(path) -> list[str]:
    return [str(p).replace(str(path), "inv.yaml") for p in validate_file(path)]


def english_left(text: str) -> list[str]:
    """Runs of two or more English words outside quotes, ids and field paths (what a reader would see
    as untranslated prose)."""
    text = re.sub(r"'[^']*'|\"[^\"]*\"|\S*[\[\]._/:]\S*", " ", text)
    return re.findall(r"[A-Za-z]{2,}(?:\s+[A-Za-z]{2,})+", text)


def test_schema_problems_in_chinese_name_file_line_column_and_field(tmp_path, zh):
    path = tmp_path / "inv.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    assert problems(path) == [
        "inv.yaml:12:9: 字段 services[0].dependencies[0]：缺少必填字段 'protocol'",
        "inv.yaml:14:9: 字段 services[0].dependencies[0].protocl：未知字段 'protocl'；是否想写 'protocol'？",
        "inv.yaml:16:15: 字段 services[0].dependencies[0].port：70000 大于最大值 65535",
        "inv.yaml:21:15: 字段 services[0].dependencies[1].port：应为整数，实际是字符串 '9100x'",
        "inv.yaml:22:15: 字段 services[0].dependencies[1].zone：未知网络区域 'store-lam'；是否想写 'store-lan'？",
    ]
    for line in problems(path):
        assert not english_left(line.split("：", 1)[1]), line


def test_the_same_problems_in_english_are_unchanged(tmp_path):
    path = tmp_path / "inv.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    set_language("en")
    assert problems(path) == [
        "inv.yaml:12:9: services[0].dependencies[0]: missing required field 'protocol'",
        "inv.yaml:14:9: services[0].dependencies[0].protocl: unknown field 'protocl'; did you mean 'protocol'?",
        "inv.yaml:16:15: services[0].dependencies[0].port: 70000 is greater than the maximum of 65535",
        "inv.yaml:21:15: services[0].dependencies[1].port: expected integer, got string '9100x'",
        "inv.yaml:22:15: services[0].dependencies[1].zone: unknown zone 'store-lam'; did you mean 'store-lan'?",
    ]


def test_yaml_syntax_error_from_the_command_line_in_both_languages(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(SYNTAX, encoding="utf-8")
    zh = migready("validate", path, "--lang", "zh_CN")
    en = migready("validate", path, "--lang", "en")
    assert zh.returncode == en.returncode == 2
    # the location is the same and first; the frame is Chinese, PyYAML's own detail is quoted as it comes
    assert f"{path}:3:4: YAML 语法错误：" in zh.stderr
    assert f"{path}:3:4: YAML syntax error: " in en.stderr
    assert "YAML 语法错误" not in en.stderr


def test_an_unreadable_inventory_says_what_the_path_is(tmp_path, zh):
    assert problems(tmp_path) == [f"{tmp_path}: 无法读取清单：目录，不是普通文件".replace(str(tmp_path), "inv.yaml", 1)]


def test_bad_utf8_and_duplicate_keys_in_chinese(tmp_path, zh):
    path = tmp_path / "inv.yaml"
    path.write_bytes(b"version: 1\nmigration: {name: \xff}\n")
    assert problems(path) == ["inv.yaml:2:19: 不是有效的 UTF-8（字节 0xff）；请将文件另存为 UTF-8"]
    path.write_text("version: 1\nversion: 2\n", encoding="utf-8")
    assert "inv.yaml:2:1: 字段 version：重复的键 'version'（首次定义在第 1 行）" in problems(path)
    assert "inv.yaml:1:1: 缺少必填字段 'migration'" in problems(path)
