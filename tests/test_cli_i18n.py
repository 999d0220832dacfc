"""The command line in the reader's language (issue 17): `LANGUAGE=zh_CN migready demo`, `verdict --lang zh_CN`,
Chinese --help and argparse errors, a clear exit 2 for an unknown language, and today's English with `--lang en`.

The CLI runs as a user runs it (a child process, tests/cliproc.py); the network fence
(MIGREADY_ALLOWED_NETWORKS, set by conftest.py) is inherited by every child: the demo stays on loopback.
Tests named `..._core_sentences_...` read sentences the core builds (root causes, reasons): they pass once
the core's helpers say them as `Msg` (issue 17, the core's parts), and fail before.
"""
from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import argparse
import pytest
from cliproc import migready

DEMO = "inventories/demo.yaml"
CJK = re.compile(r"[\u4e00-\u9fff]")
# English words of the CLI's own sentences, none of which may be left in its Chinese output.
ENGLISH_CLI_WORDS = ("workspace:", "report:", "next:", "evidence:", "before:", "usage:", "options:", "error:",
                     "show this help", "exit codes:", "items:", "the evidence alone says")


def env(**extra) -> dict:
    """The test's environment (with the network fence) and no language but the one given."""
    out = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    out.update(extra)
    return out


@pytest.fixture(scope="module")
def zh_demo(tmp_path_factory):
    """`LANGUAGE=zh_CN migready demo`, run once for the module (loopback only)."""
    tmp = tmp_path_factory.mktemp("zh-demo")
    out = migready("demo", "--out", tmp / "d", cwd=tmp, env=env(LANGUAGE="zh_CN"), timeout=120)
    return out, tmp / "d" / "demo.migready.json"


def test_demo_speaks_chinese_when_language_says_zh_cn(zh_demo):
    out, ws = zh_demo
    assert out.returncode == 1, out.stderr  # NO-GO, as in English: the exit code is the verdict's
    lines = out.stdout.splitlines()
    assert lines[0].startswith("不放行 (NO-GO)："), lines[0]  # the lead's word, the id kept for whoever greps
    assert f"工作区：{ws}" in lines and "下一步：" in lines
    assert lines[-2:] == [f"  migready gui {ws}", f"  migready report {ws} --format pdf"]  # commands stay
    assert "迁移前：直接探测门店设备（旧站点，无 NAT）" in out.stderr.splitlines()
    assert "迁移后：经用户态 NAT 模拟探测（新站点，natOutgoing）" in out.stderr.splitlines()
    said = out.stdout + out.stderr
    assert not [w for w in ENGLISH_CLI_WORDS if w in said]


def test_demo_core_sentences_are_chinese(zh_demo):
    """Waits for the core's root causes (checks/review/root_causes.py) to be `Msg`: the headline and the tally."""
    out, _ws = zh_demo
    lines = out.stdout.splitlines()
    assert "根因" in lines[0] and "root cause" not in lines[0]  # the tally
    assert "awaiting sign-off" not in lines[0] and "签字确认" in lines[0]  # the sign-off gate
    headline = next(line for line in lines if line.startswith("1. "))
    assert "源端口 9010" in headline and "9010 rewritten" not in headline
    assert not any("clears it:" in line for line in lines)


def test_verdict_lang_zh_cn_and_lang_en(zh_demo):
    _out, ws = zh_demo
    zh = migready("verdict", ws, "--lang", "zh_CN", env=env())
    assert zh.returncode == 1
    assert zh.stdout.splitlines()[0].startswith("不放行 (NO-GO)：")
    # --lang wins over the environment, and English is today's English
    en = migready("verdict", ws, "--lang", "en", env=env(LANGUAGE="zh_CN", LANG="zh_CN.UTF-8"))
    assert en.returncode == 1
    assert en.stdout.splitlines()[0].startswith("NO-GO: 2 root causes (1 failed, 1 pending); awaiting sign-off: ")
    assert not CJK.search(en.stdout.replace("顶尖", ""))  # the demo inventory's vendor name is data
    assert migready("verdict", ws, env=env()).stdout == en.stdout  # no language set: English


def test_checklist_words_are_chinese_and_ids_stay(zh_demo):
    _out, ws = zh_demo
    out = migready("checklist", ws, "--lang", "zh_CN", env=env())
    assert out.returncode == 0
    text = out.stdout
    assert "== 准备 ==" in text and "[失败   ] 阻断 flag:MR002:" in text  # 7 columns: CJK counts 2
    assert "证据：" in text and "evidence:" not in text
    assert re.search(r"^共 \d+ 个检查项：", text.splitlines()[-2])
    assert text.splitlines()[-1].startswith("其背后：") and "个根因" in text.splitlines()[-1]  # the verdict's count
    assert "prepare.rollback-plan" in text  # ids are never translated
    en = migready("checklist", ws, env=env())
    assert "== prepare ==" in en.stdout and "[FAIL   ] blocker flag:MR002:" in en.stdout


def test_help_is_chinese_with_lang_zh_cn():
    out = migready("--lang", "zh_CN", "flags", "--help", env=env())
    assert out.returncode == 0
    text = out.stdout
    assert text.startswith("用法：migready flags")  # argparse's own words, through our catalog
    for words in ("位置参数", "选项", "显示此帮助信息并退出", "严重级别", "退出码：", "清单（YAML）"):
        assert words in text, words
    assert not [w for w in ENGLISH_CLI_WORDS if w in text]
    top = migready("--lang", "zh_CN", "--help", env=env()).stdout
    assert "列出清单中有风险的依赖" in top and "显示程序版本号并退出" in top


def test_help_in_english_is_unchanged_whatever_the_environment():
    plain = migready("flags", "--help", env=env())
    forced = migready("--lang", "en", "flags", "--help", env=env(LANGUAGE="zh_CN"))
    assert plain.stdout == forced.stdout and plain.stdout.startswith("usage: migready flags")
    assert "show this help message and exit" in plain.stdout and not CJK.search(plain.stdout)


def test_argparse_errors_are_chinese():
    out = migready("--lang", "zh_CN", "flags", DEMO, "--format", "xml", env=env())
    assert out.returncode == 2
    assert "migready flags：错误：参数 --format：无效的选择：'xml'" in out.stderr
    missing = migready("--lang", "zh_CN", "mark", "w.json", "item", "pass", env=env())
    assert missing.returncode == 2 and "错误：缺少必需的参数：--by" in missing.stderr


def test_unknown_language_is_exit_2_naming_the_languages():
    out = migready("--lang", "xx", "flags", DEMO, env=env())
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.strip() == "migready: error: unknown language 'xx': choose one of en, zh_CN"


def test_language_from_the_environment_variables_in_gettext_order():
    assert "有效（1 个服务，2 个依赖）" in migready("validate", DEMO, env=env(LANG="zh_CN.UTF-8")).stdout
    assert "有效" in migready("validate", DEMO, env=env(LC_MESSAGES="zh_CN.UTF-8", LANG="en_US.UTF-8")).stdout
    # LC_ALL=C comes before LANG: English, as gettext would have it
    assert migready("validate", DEMO, env=env(LC_ALL="C", LANG="zh_CN.UTF-8")).stdout.strip() == \
        f"{DEMO}: valid (1 service, 2 dependencies)"


def _argparse_msgids() -> set[str]:
    """Every message id Python's own argparse passes to _() / ngettext(), read from its source."""
    ids = set()
    for node in ast.walk(ast.parse(Path(argparse.__file__).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext"):
            ids.update(a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str))
    return ids


def test_argparse_words_are_the_exact_ids_argparse_asks_for():
    """A word listed under another id than argparse's would silently stay English."""
    from migready.checks.cli import argparse_words

    listed = set(argparse_words.HELP_LAYOUT + argparse_words.COMMAND_LINE_ERRORS)
    listed -= {"show program's version number and exit"}  # argparse's default help, passed by us through _()
    assert listed <= _argparse_msgids(), sorted(listed - _argparse_msgids())


def test_argparse_words_have_their_translation():
    from migready.checks.text import i18n
    from migready.checks.cli import argparse_words

    previous = i18n.language()
    try:
        i18n.set_language("zh_CN")
        for word in argparse_words.HELP_LAYOUT + argparse_words.COMMAND_LINE_ERRORS:
            assert i18n.gettext(word) != word, word
        assert argparse_words._plurals(2) == ("需要 %s 个参数值",)
    finally:
        i18n.set_language(previous)


def test_chinese_help_keeps_its_columns():
    """argparse pads by characters; a Chinese metavar (two terminal columns a character) must not push its
    option's help out of the column the other options' help starts in."""
    from migready.checks.cli.words import width

    text = migready("--lang", "zh_CN", "discover", "--help", env=env()).stdout
    starts = {}
    for line in text.splitlines():
        for option in ("-h, --help", "--from-file 文件", "--duration 秒数", "--server 名称或地址"):
            if line.startswith(f"  {option} "):
                rest = line[2 + len(option):]
                starts[option] = width(line[:2 + len(option)]) + len(rest) - len(rest.lstrip(" "))
    assert len(starts) == 4 and len(set(starts.values())) == 1, starts


def test_problems_are_counted_in_chinese_and_keep_file_line_column(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nmigration: 3\n", encoding="utf-8")
    out = migready("--lang", "zh_CN", "validate", bad, env=env())
    assert out.returncode == 2
    lines = out.stderr.splitlines()
    assert re.fullmatch(r"发现 \d+ 个问题", lines[-1]), lines[-1]
    assert all(line.startswith(f"{bad}:") for line in lines[:-1])  # where, as editors read it
    en = migready("validate", bad, env=env())
    assert [line.split(": ", 1)[0] for line in en.stderr.splitlines()[:-1]] == \
        [line.split(": ", 1)[0] for line in lines[:-1]]  # the same problems, at the same places
    assert re.fullmatch(r"\d+ problems? found", en.stderr.splitlines()[-1])


REHEARSAL_INVENTORY = """\
version: 1
migration:
  name: check-out API
  source: {site: old, staging_hosts: ["ssh://root@198.18.1.2:22"]}
  target: {site: new, staging_hosts: ["ssh://root@198.18.2.2:22"]}
services:
  - name: checkout
    owner: service-point
    health: http://127.0.0.1:8081/health
    dependencies:
      - name: kafka
        kind: middleware
        protocol: kafka
        host: 198.18.10.2
        port: 9092
        in_request_path: true
        timeout_ms: 200
"""


def test_rehearse_dry_run_and_refusals_in_chinese(tmp_path):
    """Nothing is sent: a dry run stops before connecting (the host is a lab address no test reaches)."""
    inventory = tmp_path / "checkout.yaml"
    inventory.write_text(REHEARSAL_INVENTORY, encoding="utf-8")
    host = "ssh://root@198.18.1.2:22"
    out = migready("--lang", "zh_CN", "rehearse", inventory, "--host", host, "--dependency", "checkout/kafka",
                   "--dry-run", env=env())
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[-1] == "试运行：没有发送任何内容"
    assert any(line.strip().startswith("iptables -N MIGREADY-") for line in out.stdout.splitlines())  # commands stay
    missing = migready("--lang", "zh_CN", "rehearse", inventory, "--host", host, env=env())
    assert missing.returncode == 2
    assert missing.stderr.strip() == "rehearse：必须给出 --dependency 服务/依赖（或 --cleanup）"


def _rehearsal_run() -> dict:
    calls = [{"type": "call", "stage": "baseline", "n": 1, "latency_ms": 3.0, "ok": True},
             {"type": "call", "stage": "fault", "n": 2, "latency_ms": 5000.0, "ok": False, "timed_out": True}]
    return {"id": "run-3", "host": "ssh://root@198.18.1.2:22", "complete": True, "error": None,
            "rehearsal": {"dependency": "checkout/kafka", "fault": "blackhole", "duration_s": 30.0, "calls": calls,
                          "verdict": "hangs", "text": "the request path hangs", "recovery_ms": 120.0,
                          "fault_removed": True, "events": [{"event": "applied"}], "chain": "MIGREADY-1a2b"}}


def test_a_stored_rehearsal_is_shown_in_the_readers_language(capsys):
    from migready.checks.text import i18n
    from migready.checks.cli.rehearse import print_rehearsal

    previous = i18n.language()
    try:
        i18n.set_language("zh_CN")
        print_rehearsal(_rehearsal_run())
        zh = capsys.readouterr().out.splitlines()
        i18n.set_language("en")
        print_rehearsal(_rehearsal_run())
        en = capsys.readouterr().out.splitlines()
    finally:
        i18n.set_language(previous)
    assert zh[0] == "run-3：在 ssh://root@198.18.1.2:22 上演练 checkout/kafka（blackhole，30 秒）"
    assert zh[1] == "  基线      1 次调用，1 次成功，最慢 3.0 ms"  # the stage column: 9 terminal columns
    assert zh[3].startswith("  挂起：")
    assert zh[-1] == "  故障注入已移除：是（规则链 MIGREADY-1a2b）"
    assert en == ["run-3: rehearsal of checkout/kafka (blackhole, 30 s) on ssh://root@198.18.1.2:22",
                  "  baseline  1 calls, 1 ok, slowest 3.0 ms",
                  "  fault     1 calls, 0 ok, slowest 5000.0 ms",
                  "  HANGS: the request path hangs",
                  "  recovery: healthy 120 ms after the revert",
                  "  fault removed: yes (chain MIGREADY-1a2b)"]


def test_keygen_signoff_and_verify_in_chinese(zh_demo, tmp_path):
    import shutil

    _out, demo_ws = zh_demo
    ws = tmp_path / "copy.migready.json"
    shutil.copyfile(demo_ws, ws)  # the module's demo stays unsigned for the other tests
    key = tmp_path / "lead.key"
    made = migready("--lang", "zh_CN", "keygen", "--name", "王芳", "--role", "migration lead", "--out", key,
                    "--no-passphrase", env=env())
    assert made.returncode == 0, made.stderr
    assert made.stdout.splitlines() == [f"私钥：{key}（请自己保管）", f"公钥：{key}.pub（交给负责验证的人）"]
    signed = migready("--lang", "zh_CN", "signoff", ws, "--key", key, "--decision", "reject", env=env())
    assert signed.returncode == 0, signed.stderr
    assert signed.stdout.startswith("王芳（migration lead）已驳回，内容摘要 ")  # name and role are data
    report = tmp_path / "r.json"
    assert migready("report", ws, "--format", "json", "--out", report, env=env()).returncode == 0
    trust = tmp_path / "trust"
    trust.mkdir()
    shutil.copyfile(f"{key}.pub", trust / "lead.pub")
    check = migready("--lang", "zh_CN", "verify", report, "--trust", trust, env=env())
    assert check.returncode == 1  # a rejection, and roles still awaited: the sign-off does not hold
    lines = check.stdout.splitlines()
    assert re.fullmatch(r"内容摘要 [0-9a-f]{64}（已重新计算）", lines[0]), lines[0]
    assert any(line.startswith("未通过：等待签字确认：") for line in lines)
    assert lines[-1].startswith("结论：不放行 (NO-GO)") and lines[-1].endswith("（签字确认不成立）")
