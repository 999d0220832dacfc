"""Comparisons, zone judgements, rehearsal and attestation text, and verify's findings in zh_CN.

What a migration lead reads: a source-port regression and an answer that left the
internal zone said in Chinese, with the glossary's words (源端口, 退化, 出网, 网络区域), while
the value that is signed stays the English sentence, so the report's JSON and digest
do not depend on who reads it.  `verify` speaks the reader's language too; English is
exactly what it was.
"""
from __future__ import annotations

import json
import os
import re

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

import cliproc
from migready.checks.cli.compare_text import comparison_text
from migready.checks.review.compare import compare_runs
from migready.checks.review.evidence import judge
from migready.checks.text.i18n import Msg, set_language, shown
from migready.checks.store.records import describe, run_label
from migready.checks.review.rehearsal_verdict import judge_calls
from migready.checks.report.model import FORMAT, content_digest
from migready.checks.trust.signing import Signer, entry_hash, keygen, load_signer, sign
from migready.checks.trust.verify import trusted_keys, verify_report
from test_zones import NAME, dep, dns, inventory, route, run  # noqa: F401 (inventory is a fixture)

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def zh():
    set_language("zh_CN")
    yield
    set_language("en")


def reflect(port_seen: int, preserved: bool) -> dict:
    local, observed = {"ip": "198.18.2.2", "port": 5002}, {"ip": "198.18.2.2", "port": port_seen}
    return {"dependency": "scale-adapter/scales", "target": "198.18.9.9:3478", "check": "reflect",
            "status": "pass", "reason": "ok", "detail": "", "latency_ms": 0.4,
            "proves": ["source_port_preserved"],
            "data": {"local": local, "observed": observed, "nat": False, "port_preserved": preserved}}


def port_regression():
    pre = dict(run("pre", reflect(5002, True)), host="ssh://old-vm")
    post = dict(run("post", reflect(41733, False)), host="ssh://new-vm")
    return compare_runs(pre, post)


def test_a_source_port_regression_reads_in_chinese_and_its_value_stays_english(zh):
    comparison = port_regression()
    [change] = comparison.regressions
    [finding] = change.notes
    assert (finding.kind, finding.severity) == ("port_rewritten", "regression")
    assert str(finding.text) == "source port 5002 → 41733 (rewritten by NAT)"  # signed, in every language
    assert shown(finding.text) == "源端口 5002 → 41733（被 NAT 改写）"
    table = comparison_text(comparison)
    assert "[退化] 源端口 5002 → 41733（被 NAT 改写）" in table
    assert table.splitlines()[-1] == "已对比 1 项检查：1 项退化。"
    assert "rewritten" not in table and "Regressions" not in table and "compared" not in table
    zh_json = json.dumps(comparison.to_dict(), ensure_ascii=False, sort_keys=True)
    set_language("en")
    assert json.dumps(port_regression().to_dict(), ensure_ascii=False, sort_keys=True) == zh_json


def test_the_comparison_table_is_unchanged_in_english():
    set_language("en")
    table = comparison_text(port_regression())
    assert table.splitlines()[0] == ("pre run-pre (ssh://old-vm, 2030-01-01T00:00:00Z)  →  "
                                     "post run-post (ssh://new-vm, 2030-01-01T00:00:00Z)")
    assert "    [regression] source port 5002 → 41733 (rewritten by NAT)" in table
    assert table.splitlines()[-1] == "1 check compared: 1 regression."
    assert re.search(r"^REGRESSION\s+scale-adapter/scales\s+reflect\s+198\.18\.9\.9:3478\s+pass → pass$", table,
                     re.M)


def test_the_chinese_table_keeps_its_columns_aligned(zh):
    """A CJK character takes two terminal columns: the header and the rows must still line up."""
    lines = comparison_text(port_regression()).splitlines()
    header, row = lines[2], lines[3]
    assert header.startswith("分类") and row.startswith("退化")

    def column(text, word):  # the terminal column where `word` starts
        i = text.index(word)
        return sum(2 if HAN.match(ch) else 1 for ch in text[:i])
    assert column(header, "依赖") == column(row, "scale-adapter/scales")
    assert column(header, "检查") == column(row, "reflect")


def test_an_answer_leaving_the_internal_zone_is_judged_in_chinese(inventory, zh):  # noqa: F811
    post = run("post", dns("198.18.30.7"), route("198.18.30.7", "198.18.2.254"))
    j = judge("private_dns", dep(inventory), post, inventory)
    assert j.state == "fail"
    assert str(j.text) == (f"{NAME} → 198.18.30.7, zone ddos-edge (external): outside every internal zone; "
                           "leaves via NAT gateway 198.18.2.254 of site 'vpc-core'")
    assert shown(j.text) == (f"{NAME} → 198.18.30.7，网络区域 ddos-edge（外部）：不在任何内部网络区域内；"
                             "经 站点 'vpc-core' 的 NAT 网关 198.18.2.254 出网")
    route_j = judge("internal_route", dep(inventory), run("post", route("198.18.30.7", "198.18.2.1")), inventory)
    assert shown(route_j.text) == (f"{NAME} 去往 198.18.30.7，网络区域 ddos-edge（外部），且经 站点 'vpc-core' 的 "
                                   "NAT 出网")


def test_a_zone_move_between_pre_and_post_reads_in_chinese(inventory, zh):  # noqa: F811
    pre = run("pre", dns("198.18.20.15"), route("198.18.20.15", "198.18.1.1", "198.18.1.2"))
    post = run("post", dns("198.18.30.7"), route("198.18.30.7", "198.18.2.254"))
    changes = {c.check: c for c in compare_runs(pre, post, inventory=inventory).changes}
    [moved] = changes["dns"].notes
    assert moved.text.startswith(f"{NAME} resolved to 198.18.20.15, zone idc (internal)")
    said = shown(moved.text)
    assert said == (f"{NAME} 的解析结果 198.18.20.15，网络区域 idc（内部） → 198.18.30.7，网络区域 ddos-edge（外部）："
                    "进入网络区域 ddos-edge（外部）；经 站点 'vpc-core' 的 NAT 网关 198.18.2.254 出网")
    [egress] = changes["route"].notes
    assert "出网" in shown(egress.text) and "leaves" not in shown(egress.text)


def test_rehearsal_judgement_and_run_labels_in_chinese(zh):
    calls = [{"stage": "fault", "latency_ms": 4000.0, "timed_out": True, "ok": False}]
    outcome = judge_calls({"fail_fast_ms": 800, "events": [{"event": "applied"}], "calls": calls}, True)
    assert outcome.verdict == "hangs"
    assert str(outcome.text) == ("1 of 1 health calls under the fault took longer than fail_fast_ms 800 ms; "
                                 "still waiting after 4000 ms (cut off)")
    assert shown(outcome.text) == "故障期间 1 次健康检查调用中有 1 次超过 fail_fast_ms 800 ms；等待 4000 ms 后仍无应答（已截止）"
    label = run_label({"id": "run-2", "phase": "post", "host": "ssh://new-vm"})
    assert (str(label), shown(label)) == ("run-2 (post from ssh://new-vm)", "run-2（迁移后，来自 ssh://new-vm）")
    line = describe(reflect(41733, False))
    assert shown(line) == "源端口 5002 → 41733（被 NAT 改写）；地址 198.18.2.2 未转换"
    assert str(line) == "source port 5002 → 41733 (rewritten by NAT); address 198.18.2.2 not translated"


# ---------------------------------------------------------------- verify

ROLES = ["migration lead", "store devices"]


def signed_report(trusted: list[Signer], stranger: Signer) -> dict:
    """A GO report with one approval that is trusted, one by a stranger, and a run nobody attested."""
    report = {"format": FORMAT, "report_version": 2, "verdict": {"verdict": "GO", "reasons": [], "warnings": []},
              "signoff_policy": {"required_roles": ROLES, "require_attested_runs": True},
              "runs": [{"id": "run-2", "phase": "post", "host": "ssh://new-vm", "compared": True}]}
    digest = content_digest(report)
    report["digest"] = digest
    first = sign(trusted[0], digest)
    report["signoff"] = {"entries": [first, sign(stranger, digest, prev=entry_hash(first))]}
    return report


def people(tmp_path):
    trust = tmp_path / "trust"
    trust.mkdir()
    made = []
    for name, role in (("Zhang Min", ROLES[0]), ("Li Wei", ROLES[1])):
        stem = name.split()[0].lower()
        keygen(name, role, tmp_path / stem)
        (trust / f"{stem}.pub").write_bytes((tmp_path / f"{stem}.pub").read_bytes())
        made.append(tmp_path / stem)
    return made, trust


def _signers(tmp_path):
    made, trust = people(tmp_path)
    signers = [load_signer(path) for path in made]
    stranger = Signer("Mallory", ROLES[1], Ed25519PrivateKey.generate())
    return signers, stranger, trusted_keys(trust), trust


def test_verify_findings_in_chinese(tmp_path, zh):
    signers, stranger, trusted, _trust = _signers(tmp_path)
    check = verify_report(signed_report(signers, stranger), trusted)
    assert check.verdict == "NO-GO" and not check.holds
    assert any(p.startswith("不受信任的签字人：Mallory (store devices)，公钥 SHA256:") for p in check.problems)
    assert "run-2（迁移后，来自 ssh://new-vm） 未经证明，而清单要求运行须经证明" in check.problems
    assert check.runs == ["run-2（迁移后，来自 ssh://new-vm）：未经证明"]
    assert check.signed[0].startswith("Zhang Min (migration lead) 批准，公钥 SHA256:")
    assert not any(re.search(r"\b(signer|unattested|approve|requires)\b", line)
                   for line in check.problems + check.runs + check.signed)


def test_verify_findings_in_english_are_unchanged(tmp_path):
    set_language("en")
    signers, stranger, trusted, _trust = _signers(tmp_path)
    check = verify_report(signed_report(signers, stranger), trusted)
    assert any(p.startswith("untrusted signer: Mallory (store devices), key SHA256:") and
               p.endswith(", is not in the trust directory") for p in check.problems)
    assert "run-2 (post from ssh://new-vm) is unattested, and the inventory requires attested runs" in check.problems
    assert check.runs == ["run-2 (post from ssh://new-vm): unattested"]
    assert check.signed[0].startswith("approve by Zhang Min (migration lead), key SHA256:")


def test_an_altered_signature_is_named_in_chinese(tmp_path, zh):
    signers, stranger, trusted, _trust = _signers(tmp_path)
    report = signed_report(signers, stranger)
    report["signoff"]["entries"][0]["decision"] = "reject"  # edited after it was signed
    check = verify_report(report, trusted)
    assert "Zhang Min（migration lead）的签名无效：内容已被改动" in check.problems


def test_migready_verify_lang_zh_cn_prints_chinese_findings(tmp_path):
    signers, stranger, _trusted, trust = _signers(tmp_path)
    path = tmp_path / "report.json"
    path.write_text(json.dumps(signed_report(signers, stranger), ensure_ascii=False), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    out = cliproc.migready("verify", path, "--trust", trust, "--lang", "zh_CN", env=env)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "不受信任的签字人：Mallory" in out.stdout
    assert "run-2（迁移后，来自 ssh://new-vm）：未经证明" in out.stdout
    english = cliproc.migready("verify", path, "--trust", trust, "--lang", "en", env=env)
    assert "untrusted signer: Mallory" in english.stdout and "run-2 (post from ssh://new-vm): unattested" in english.stdout
    assert not HAN.search(english.stdout)


def test_a_message_inside_a_message_is_shown_in_turn(zh):
    """The pattern every sentence above relies on: the inner Msg is translated, data is not."""
    inner = Msg("source port {port} preserved", port=5002)
    outer = Msg("{detail} in {latency} ms", detail=inner, latency="1.5")
    assert str(outer) == "source port 5002 preserved in 1.5 ms"
    assert shown(outer) == "源端口 5002 保持不变，用时 1.5 ms"


# ---------------------------------------------------------------- rehearsal

def test_a_stored_rehearsal_and_a_refusal_read_in_chinese(tmp_path, zh):
    """The judgement a workspace stored (English, read back from JSON) is said again in Chinese when
    the stored calls give the very same sentence; a refused rehearsal says why in Chinese."""
    from migready.checks.inventory.load import load_inventory
    from migready.checks.probing.rehearsal import RehearsalRefused, describe_rules, prepare
    from migready.checks.review.rehearsal_verdict import judge_dependency, latest_rehearsals
    from test_rehearse import HOST, INVENTORY

    path = tmp_path / "checkout.yaml"
    path.write_text(INVENTORY, encoding="utf-8")
    inv = load_inventory(path)
    kafka = next(d for d in inv.dependencies() if d.ref == "checkout/kafka")
    calls = [{"stage": "fault", "latency_ms": 2450.0, "timed_out": True, "ok": False}]
    rehearsal = {"dependency": kafka.ref, "fault": "blackhole", "fail_fast_ms": 800, "calls": calls,
                 "events": [{"event": "applied"}], "verdict": "hangs"}
    rehearsal["text"] = str(judge_calls(rehearsal, True).text)
    stored = json.loads(json.dumps({"id": "run-1", "phase": "rehearsal", "host": HOST, "complete": True,
                                    "rehearsal": rehearsal}))
    part = judge_dependency(kafka, latest_rehearsals([stored]), "http://127.0.0.1:8081/health")
    assert part.state == "fail"
    assert str(part.text) == (f"checkout/kafka blackhole (run-1 on {HOST}): hangs: 1 of 1 health calls under the "
                              "fault took longer than fail_fast_ms 800 ms; still waiting after 2450 ms (cut off)")
    assert shown(part.text) == (f"checkout/kafka blackhole（run-1，在 {HOST} 上）：挂起：故障期间 1 次健康检查调用中"
                                "有 1 次超过 fail_fast_ms 800 ms；等待 2450 ms 后仍无应答（已截止）")
    # A stored sentence this migready would not write (an older one's) is kept as it was: data.
    stored["rehearsal"]["text"] = "slowest 2450 ms (timed out)"
    part = judge_dependency(kafka, latest_rehearsals([stored]), "http://127.0.0.1:8081/health")
    assert shown(part.text).endswith("：挂起：slowest 2450 ms (timed out)")

    with pytest.raises(RehearsalRefused, match="拒绝在 ssh://x 上演练：它不是 .* 中的预发主机"):
        prepare(inv, "ssh://x", "checkout/kafka", "blackhole")
    with pytest.raises(RehearsalRefused, match="--duration 20m：一次演练最长 10 分钟"):
        prepare(inv, HOST, "checkout/kafka", "blackhole", "20m")
    lines = describe_rules(prepare(inv, HOST, "checkout/kafka", "blackhole", "5s"))
    assert lines[0] == f"在 {HOST} 上演练 checkout/kafka：故障注入 blackhole，持续 5 s"
    assert any(line.startswith("回滚（结束时由 agent 执行") for line in lines)
    assert any("iptables -A MIGREADY-" in line for line in lines)  # commands are never translated
