"""The go/no-go report: one model, every format, and a digest that signing can rely on.

Built from a NO-GO workspace (tests/report_data.py): the scale's source port
rewritten by NAT after the move (incident 1), hostile text in the inventory.
PDF tests are in tests/test_report_pdf.py.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from migready.checks.review.checklist import PHASES
from migready.checks.inventory.load import load_inventory
from migready.checks.report import (DEFAULT_ROLES, build_report, canonical_content, content_digest, final_verdict,
                                    render)
from migready.checks.review.verdict import mark
from migready.checks.review.checklist import build_checklist
from migready.checks.store.workspace import Workspace

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from migready.checks.trust import signing
from report_data import SCALE, TODAY, chained_sign, make_workspace, open_report, record_signoff


@pytest.fixture
def ws_path(tmp_path):
    return make_workspace(tmp_path, hostile=True)


@pytest.fixture
def report(ws_path):
    return open_report(ws_path)


# -- the model ------------------------------------------------------------------------------------


def test_model_puts_the_verdict_blockers_and_regressions_first(report):
    assert report["verdict"]["verdict"] == "NO-GO" and report["verdict"]["exit_code"] == 1
    [regression] = report["attention"]["regressions"]
    assert regression["dependency"] == SCALE and regression["check"] == "reflect"
    assert regression["findings"] == ["source port 9010 → 41733 (rewritten by NAT)"] and regression["waived"] is None
    blockers = {b["id"]: b["state"] for b in report["attention"]["blockers"]}
    assert blockers[f"req:{SCALE}:source_port_preserved"] == "fail"
    assert "prepare.store-ops-informed" not in blockers  # waived
    counts = report["counts"]
    assert counts["items"] == sum(counts[s] for s in ("pass", "fail", "pending", "waived", "na"))
    assert counts["regressions"] == 1 and counts["fail"] == 2 and counts["waived"] == 1


def test_model_evidence_side_by_side(report):
    [service] = report["services"]
    scale = service["dependencies"][0]
    assert scale["ref"] == SCALE and scale["notes"] == "蔬菜卖场秤-171号秤（演示）" and scale["source_port"] == 9010
    assert [f["rule"] for f in scale["flags"]] == ["MR002", "MR001", "MR003"]
    assert {i["id"] for i in scale["items"]} >= {f"req:{SCALE}:reachable", f"flag:MR002:{SCALE}"}
    by_check = {e["check"]: e for e in scale["evidence"]}
    reflect = by_check["reflect"]
    assert reflect["regression"] and reflect["pre"]["observed"] == "127.0.0.1:9010"
    assert (reflect["post"]["local"], reflect["post"]["observed"]) == ("127.0.0.1:9010", "127.0.0.1:41733")
    assert reflect["post"]["port_preserved"] is False
    assert by_check["route"]["post"]["route"] == {"dev": "lo", "gateway": None, "src": "127.0.0.1"}
    assert by_check["udp_exchange"]["pre"]["latency_ms"] == 1.115
    printer = service["dependencies"][1]
    dns = {e["check"]: e for e in printer["evidence"]}["dns"]
    assert dns["post"]["dns"] == [{"ip": "127.0.0.22", "class": "loopback"}, {"ip": "10.1.2.3", "class": "private"}]
    latency = {e["check"]: e for e in printer["evidence"]}["tcp_connect"]
    assert [f["kind"] for f in latency["findings"]] == ["latency_up"]


def test_model_provenance_waivers_and_signoff(report, ws_path):
    runs = {r["phase"]: r for r in report["runs"]}
    assert runs["pre"]["host"] == "local://" and runs["pre"]["hostname"] == "old-vm"
    assert runs["post"]["hostname"] == "new-pod-7" and runs["post"]["started"] == "2030-01-01T05:00:00.000Z"
    assert all(r["compared"] and r["agent_version"] == "1" for r in runs.values())
    assert report["agent_versions"] == ["1"]
    ws = Workspace.load(ws_path)
    assert report["inventory"] == {"path": ws.data["inventory"]["path"], "digest": ws.data["inventory"]["digest"],
                                   "recorded_digest": ws.data["inventory"]["digest"], "changed": False}
    [waiver] = report["waivers"]
    assert (waiver["by"], waiver["until"], waiver["status"]) == ("Zhang Min (migration lead)", "2030-01-08", "active")
    assert waiver["applies_to"] == ["prepare.store-ops-informed"]
    section = report["signoff"]
    assert section["required_roles"] == ["migration lead", "store devices"]  # from the inventory
    assert section["awaiting"] == ["migration lead", "store devices"]  # the one entry is over other content
    [entry] = section["entries"]
    assert entry["name"] == "王芳" and entry["current"] is False and "stale" in section["notes"][0]
    assert report["generated"]["as_of"] == TODAY.isoformat()


def test_default_roles_when_the_inventory_names_none(tmp_path):
    ws_path = make_workspace(tmp_path)
    inv = load_inventory(Workspace.load(ws_path).data["inventory"]["path"])
    inv.signoff_roles = ()
    report = build_report(inv, Workspace.load(ws_path), today=TODAY)
    assert report["signoff"]["required_roles"] == DEFAULT_ROLES == [
        "migration lead", "service owner", "network", "store operations"]


def test_go_needs_every_role_signed_over_the_current_digest(report):
    from migready.checks.report.signoff import signoff_section
    from migready.checks.trust.policy import Trust
    go = {"verdict": "GO WITH WAIVERS", "reasons": ["waived: x"]}
    digest = report["digest"]
    li = signing.Signer("Li", "network", Ed25519PrivateKey.generate())
    wang = signing.Signer("Wang", "store operations", Ed25519PrivateKey.generate())
    trust = Trust(Path("."), keys={s.public_b64: {"name": s.name, "role": s.role} for s in (li, wang)})
    policy = {"required_roles": ["network", "store operations"]}
    entry = signing.sign(li, digest, "approve")
    section = signoff_section(policy, [entry], digest, go, trust)
    assert section["final"] == {"verdict": "NO-GO", "reasons": ["awaiting sign-off: store operations", "waived: x"]}
    both = [entry, signing.sign(wang, digest, "approve", prev=signing.entry_hash(entry))]
    assert signoff_section(policy, both, digest, go, trust)["final"]["verdict"] == "GO WITH WAIVERS"
    stale = [entry, signing.sign(wang, "f" * 64, "approve", prev=signing.entry_hash(entry))]
    assert signoff_section(policy, stale, digest, go, trust)["awaiting"] == ["store operations"]
    bad = signoff_section({"required_roles": ["network"]}, [dict(entry, comment="edited")], digest, go, trust)
    assert bad["final"]["verdict"] == "NO-GO" and bad["entries"][0]["signature_valid"] is False
    rejected = signoff_section({"required_roles": ["network"]}, [signing.sign(li, digest, "reject", "not tonight")],
                               digest, go, trust)
    assert rejected["final"]["reasons"][0] == "rejected by Li (network): not tonight"
    untrusted = signoff_section(policy, both, digest, go, Trust(None))  # no trust directory: nothing counts
    assert untrusted["final"]["verdict"] == "NO-GO" and {e["status"] for e in untrusted["entries"]} == {"untrusted"}


# -- the digest ------------------------------------------------------------------------------------


def test_digest_is_stable_and_covers_the_review_not_the_signoffs(ws_path, tmp_path):
    first, second = open_report(ws_path), open_report(ws_path)
    assert first["generated"]["at"] <= second["generated"]["at"]
    assert content_digest(first) == content_digest(second) == first["digest"]
    assert canonical_content(first) == canonical_content(second)
    assert content_digest(open_report(ws_path, today=TODAY + dt.timedelta(days=3))) == first["digest"]

    ws = Workspace.load(ws_path)
    lead = signing.Signer("Li", "migration lead", Ed25519PrivateKey.generate())
    record_signoff(ws, chained_sign(ws, lead, first["digest"], "approve", "go"))
    ws.save()
    signed = open_report(ws_path)
    assert signed["digest"] == first["digest"]  # signing does not change what was signed
    assert signed["signoff"]["awaiting"] == ["store devices"]

    inventory = load_inventory(ws.data["inventory"]["path"])
    mark(ws, build_checklist(inventory, ws, TODAY), "pre.rollback-rehearsed", "pass", "Li", "rehearsed 12-30")
    ws.save()
    marked = open_report(ws_path)
    assert marked["digest"] != first["digest"]
    assert marked["signoff"]["entries"][1]["current"] is False  # the signature went stale, visibly
    assert marked["signoff"]["awaiting"] == ["migration lead", "store devices"]

    expired = open_report(ws_path, today=dt.date(2030, 1, 9))  # the waiver ran out on 2030-01-08
    assert expired["waivers"][0]["status"] == "expired" and expired["digest"] != marked["digest"]


def test_canonical_content_is_sorted_compact_utf8_without_the_unsigned_parts(report):
    raw = canonical_content(report)
    body = json.loads(raw.decode("utf-8"))
    assert not {"signoff", "generated", "digest"} & set(body)
    assert raw == json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    assert "蔬菜卖场秤".encode("utf-8") in raw


# -- JSON -------------------------------------------------------------------------------------------


def test_json_is_canonical_and_carries_its_digest(report):
    data = render(report, "json")
    parsed = json.loads(data)
    assert parsed["digest"] == content_digest(parsed) == report["digest"]
    assert data == json.dumps(parsed, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode() + b"\n"
    assert "蔬菜卖场秤".encode("utf-8") in data
    assert not re.search(rb"\\u(?!00[01][0-9a-f])", data)  # only control characters are escaped
    assert parsed["signoff"]["entries"][0]["name"] == "王芳"
    tampered = json.loads(data.decode("utf-8").replace("41733", "41734", 1))
    assert content_digest(tampered) != tampered["digest"]


# -- HTML -------------------------------------------------------------------------------------------


class _Tags(HTMLParser):
    """Counts open/close of the block tags the report uses: a cheap well-formedness check."""

    def __init__(self):
        super().__init__()
        self.depth = {t: 0 for t in ("table", "tr", "td", "th", "ul", "li", "div", "p", "h2", "h3")}
        self.never_negative = True

    def handle_starttag(self, tag, attrs):
        if tag in self.depth:
            self.depth[tag] += 1

    def handle_endtag(self, tag):
        if tag in self.depth:
            self.depth[tag] -= 1
            self.never_negative &= self.depth[tag] >= 0


def test_html_is_self_contained_escaped_and_says_how_to_verify(report):
    page = render(report, "html").decode("utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert "<script" not in page.lower() and "<link" not in page.lower() and "@import" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page  # the hostile service note, as text
    assert "&lt;b&gt;bold&lt;/b&gt;" in page and "\x00" not in page and "\x07" not in page
    assert "Noto Sans CJK SC" in page and "@media print" in page and "page-break-before: always" in page
    assert "VERDICT: NO-GO" in page and 'class="banner nogo"' in page and "#b00020" in page
    assert "蔬菜卖场秤-171号秤（演示）" in page and "TopScale 顶尖" in page
    assert report["digest"] in page and "migready verify REPORT.json --trust DIR" in page
    assert "王芳" in page and "AWAITING SIGN-OFF" in page and "STALE" in page
    assert "127.0.0.1:41733" in page and "source port 9010 → 41733 (rewritten by NAT)" in page
    assert page.count("before the move: pass: 1 reflect check passed") == 1  # shown where the state changed
    tags = _Tags()
    tags.feed(page)
    assert tags.never_negative and all(v == 0 for v in tags.depth.values()), tags.depth


# -- Markdown ---------------------------------------------------------------------------------------


def test_markdown_for_a_ticket(report):
    text = render(report, "md").decode("utf-8")
    assert text.startswith("# migready report: NO-GO")
    assert "**Verdict: NO-GO**" in text and "蔬菜卖场秤-171号秤（演示）" in text
    assert "\\<script\\>alert" in text and not re.search(r"(?<!\\)<", text)  # no raw HTML reaches the ticket
    assert "ok for the scales \\| printers" in text and report["digest"] in text
    for block in re.findall(r"(?:^\|.*\|\n)+", text, re.M):
        rows = block.splitlines()
        cells = {len(re.findall(r"(?<!\\)\|", row)) for row in rows}
        assert len(cells) == 1, rows  # every row of a table has the header's number of columns


# -- JUnit ------------------------------------------------------------------------------------------


def test_junit_one_case_per_item_with_failures_and_skips(ws_path):
    ws = Workspace.load(ws_path)
    inventory = load_inventory(ws.data["inventory"]["path"])
    mark(ws, build_checklist(inventory, ws, TODAY), "demo.vendor-confirmation", "na", "Li\x1b[31m",
         "vendor\x0bsays\x00 no <check> & \ufffe")
    ws.save()
    report = open_report(ws_path)
    root = ET.fromstring(render(report, "junit"))
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    checklist = suites["checklist"]
    cases = checklist.findall("testcase")
    counts = report["counts"]
    assert len(cases) == int(checklist.get("tests")) == counts["items"]
    assert int(checklist.get("failures")) == counts["fail"] == len([c for c in cases if c.find("failure") is not None])
    assert int(checklist.get("skipped")) == counts["pending"] + counts["na"] + counts["waived"]
    assert {c.get("classname") for c in cases} <= set(PHASES)
    by_id = {c.get("name").split(": ")[0]: c for c in cases}
    failure = by_id[f"req:{SCALE}:source_port_preserved"].find("failure")
    assert "41733" in failure.get("message") and by_id[f"req:{SCALE}:source_port_preserved"].get("classname") == \
        "post-migration"
    waived = by_id["prepare.store-ops-informed"].find("skipped").get("message")
    assert "Zhang Min" in waived and "until 2030-01-08" in waived
    na = by_id["demo.vendor-confirmation"].find("skipped").get("message")
    assert na.startswith("not applicable:") and "vendorsays no <check> &" in na
    assert suites["regressions"].get("failures") == "1"
    assert suites["verdict"].find("testcase/failure").get("message") == "NO-GO"
    assert int(root.get("tests")) == counts["items"] + 2
    props = {p.get("name"): p.get("value") for p in checklist.iter("property")}
    assert props["verdict"] == "NO-GO" and props["digest"] == report["digest"]


def test_unknown_format_is_refused(report):
    with pytest.raises(ValueError, match="unknown report format"):
        render(report, "docx")
    assert final_verdict(report)["verdict"] == "NO-GO"


def test_a_waived_regression_is_shown_as_the_verdict_counts_it(ws_path):
    from migready.checks.review.verdict import waive
    ws = Workspace.load(ws_path)
    inventory = load_inventory(ws.data["inventory"]["path"])
    waive(ws, build_checklist(inventory, ws, TODAY), SCALE, "Zhang Min", "vendor: firmware 3.2 ignores the port",
          "2030-01-05", today=TODAY)
    ws.save()
    report = open_report(ws_path)
    [regression] = report["attention"]["regressions"]
    assert regression["waived"]["by"] == "Zhang Min" and regression["waived"]["until"] == "2030-01-05"
    assert any(r.startswith("waived regression:") for r in report["verdict"]["reasons"])
    assert not any(r.startswith("regression:") for r in report["verdict"]["reasons"])
    waiver = next(w for w in report["waivers"] if w["scope"] == "dependency")
    assert waiver["status"] == "active" and f"req:{SCALE}:source_port_preserved" in waiver["applies_to"]
    junit = ET.fromstring(render(report, "junit"))
    regressions = next(s for s in junit.iter("testsuite") if s.get("name") == "regressions")
    assert (regressions.get("failures"), regressions.get("skipped")) == ("0", "1")


@pytest.mark.parametrize("verdict, cls", [("GO", "go"), ("GO WITH WAIVERS", "waivers"), ("NO-GO", "nogo")])
def test_banner_says_the_final_verdict_in_words_and_colour(report, verdict, cls):
    report["signoff"]["final"] = {"verdict": verdict, "reasons": ["because"]}
    page = render(report, "html").decode("utf-8")
    assert f'class="banner {cls}"' in page and f"VERDICT: {verdict}<" in page
    assert ("(evidence alone: NO-GO)" in page) == (verdict != "NO-GO")
    text = render(report, "md").decode("utf-8")
    assert f"**Verdict: {verdict}**" in text


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=40)


@given(json_values)
@settings(max_examples=300, deadline=None)
def test_canonical_chunks_are_exactly_the_one_shot_encoding(value):
    """The digest everyone recomputes must not depend on how the encoding was split."""
    from migready.checks.report.model import canonical_chunks
    whole = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    assert "".join(canonical_chunks(value)) == whole
    assert "".join(canonical_chunks(value, depth=1)) == whole
