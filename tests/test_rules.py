"""Every rule fires where its incident says it must, and stays quiet otherwise."""
from __future__ import annotations

import pytest

from migready.checks.inventory.load import load_inventory
from migready.checks.inventory.rules import RULES, SEVERITIES, at_or_above, evaluate

HEAD = """\
version: 1
migration:
  name: m
  source: {{site: old-idc}}
  target: {{site: new-idc, egress_nat: {nat}}}
zones:
  - {{name: store-lan, kind: store, cidrs: [10.128.0.0/12]{reflectors}}}
  - {{name: dc, kind: internal, cidrs: [10.20.0.0/16]}}
  - {{name: internet, kind: external, domains: [example.com]}}
services:
  - name: svc
    owner: team
    dependencies:
      - name: dep
"""


def flags_for(tmp_path, dep: str, nat: bool = True, reflector: bool = True):
    head = HEAD.format(nat=str(nat).lower(),
                       reflectors=", reflectors: [{host: 10.128.0.10, port: 3478}]" if reflector else "")
    body = "".join(f"        {line}\n" for line in dep.strip().splitlines())
    path = tmp_path / "inv.yaml"
    path.write_text(head + body, encoding="utf-8")
    return evaluate(load_inventory(path))


def fired(flags, rule_id):
    return [f for f in flags if f.rule == rule_id]


SCALE = "kind: device\ndevice_type: scale\nvendor: TopScale\nprotocol: udp\nhost: 10.128.4.21\nport: 5002"
PRINTER_HTTP = "kind: device\ndevice_type: printer\nprotocol: http\nhost: 10.128.4.22"
API = "kind: service\nprotocol: https\nhost: api.dc.internal\ntimeout_ms: 800"


# rule, dependency text, nat, whether it fires, expected severity
CASES = [
    ("MR001", SCALE, True, True, "high"),
    ("MR001", PRINTER_HTTP, True, False, None),
    ("MR001", API, True, False, None),
    ("MR002", SCALE + "\nsource_port: 9010", True, True, "blocker"),
    ("MR002", SCALE + "\nrequires: [source_port_preserved]", True, True, "blocker"),
    ("MR002", SCALE + "\nsource_port: 9010", False, True, "medium"),
    ("MR002", SCALE, True, False, None),
    ("MR003", SCALE, True, True, "high"),
    ("MR003", SCALE, False, False, None),
    ("MR003", "kind: device\nprotocol: tcp\nhost: 10.128.4.22\nport: 9100", True, False, None),
    ("MR004", "kind: service\nprotocol: https\nhost: coin-api.example.com\nzone: dc\ntimeout_ms: 500", True, True, "high"),
    ("MR004", "kind: service\nprotocol: https\nhost: 8.8.8.8\nrequires: [internal_route]\ntimeout_ms: 500", True, True, "high"),
    ("MR004", "kind: service\nprotocol: https\nhost: 10.20.1.5\ntimeout_ms: 500", True, False, None),
    ("MR004", "kind: service\nprotocol: https\nhost: pay.example.com\ntimeout_ms: 500", True, False, None),
    ("MR005", "kind: middleware\nprotocol: kafka\nhost: 10.20.1.9\nport: 9092", True, True, "medium"),
    ("MR005", "kind: middleware\nprotocol: kafka\nhost: 10.20.1.9\nport: 9092\nin_request_path: true", True, True, "high"),
    ("MR005", "kind: middleware\nprotocol: kafka\nhost: 10.20.1.9\nport: 9092\ntimeout_ms: 200", True, False, None),
    ("MR005", SCALE, True, False, None),
    ("MR006", "kind: middleware\nprotocol: kafka\nhost: 10.20.1.9\nport: 9092\nin_request_path: true", True, True, "high"),
    ("MR006", "kind: middleware\nprotocol: kafka\nhost: 10.20.1.9\nport: 9092\ntimeout_ms: 5", True, False, None),
    ("MR006", "kind: database\nprotocol: mysql\nhost: 10.20.1.9\nport: 3306\nin_request_path: true\ntimeout_ms: 9", True, False, None),
    ("MR007", SCALE + "\ndirection: inbound", True, True, "high"),
    ("MR007", SCALE + "\ndirection: both", True, True, "high"),
    ("MR007", SCALE + "\ndirection: outbound", True, False, None),
    ("MR008", SCALE + "\nallowlisted_source: true", True, True, "blocker"),
    ("MR008", SCALE + "\nallowlisted_source: true", False, True, "high"),
    ("MR008", SCALE, True, False, None),
    ("MR009", SCALE.replace("host: 10.128.4.21", "range: 10.128.4.10-10.128.4.99\nsample: 5"), True, True, "low"),
    ("MR009", SCALE.replace("host: 10.128.4.21", "range: 10.128.4.10-10.128.4.13\nsample: 5"), True, False, None),
    ("MR009", SCALE, True, False, None),
]


@pytest.mark.parametrize("rule_id, dep, nat, fires, severity", CASES)
def test_rule(tmp_path, rule_id, dep, nat, fires, severity):
    flags = fired(flags_for(tmp_path, dep, nat=nat), rule_id)
    if not fires:
        assert flags == []
        return
    [flag] = flags
    assert flag.severity == severity
    assert flag.service == "svc" and flag.dependency == "dep"
    assert flag.message.startswith("svc/dep: ")
    assert flag.cleared_by and flag.incident in (1, 2, 3, 4, 5)


def test_no_reflector_rule(tmp_path):
    dep = SCALE + "\nrequires: [reachable, no_nat]"
    [flag] = fired(flags_for(tmp_path, dep, reflector=False), "MR010")
    assert "zone 'store-lan' has no reflector" in flag.message and flag.severity == "high"
    assert fired(flags_for(tmp_path, dep, reflector=True), "MR010") == []
    outside = dep.replace("10.128.4.21", "192.0.2.7")
    [flag] = fired(flags_for(tmp_path, outside), "MR010")
    assert "in no declared zone" in flag.message


def test_messages_say_why(tmp_path):
    """No rule is silent about why it fired: the triggering fact is in the message."""
    flags = flags_for(tmp_path, SCALE + "\nsource_port: 9010\nallowlisted_source: true")
    by_rule = {f.rule: f.message for f in flags}
    assert "source port 9010" in by_rule["MR002"] and "new-idc" in by_rule["MR002"]
    assert "udp/5002" in by_rule["MR001"] and "TopScale" in by_rule["MR001"]
    assert "port 5002" in by_rule["MR003"]


def test_rules_have_ids_docs_and_known_severities():
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids)) >= 10
    for r in RULES:
        assert r.severity in SEVERITIES and r.doc and r.cleared_by and r.incident in (1, 2, 3, 4, 5)


def test_flags_sorted_by_severity_and_threshold(tmp_path):
    flags = flags_for(tmp_path, SCALE + "\nsource_port: 9010")
    ranks = [SEVERITIES.index(f.severity) for f in flags]
    assert ranks == sorted(ranks)
    assert {f.severity for f in at_or_above(flags, "high")} <= {"blocker", "high"}
    assert at_or_above(flags, "blocker") == [f for f in flags if f.severity == "blocker"]
