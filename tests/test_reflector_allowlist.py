"""A partner's allowlist of our egress addresses, seen through a STUN server in its zone (issue 24 item 4).

Incident 2's family: after the move, traffic to a partner leaves through a
new NAT gateway, whose address the partner never allowlisted.  A zone says
`egress_allowlisted: [addresses]`; a dependency requiring
`egress_ip_allowlisted` is proved by a reflect to a reflector (a STUN server)
in that zone, and fails when the address it saw is not on the list.  No
network here: the plan is built and hand-made results are judged.
"""
from __future__ import annotations

import pytest

from migready.checks.inventory.load import load_inventory
from migready.checks.inventory.rules import evaluate
from migready.checks.probing.plans import build_plan
from migready.checks.review.evidence import judge
from migready.checks.store.problems import InputError

INVENTORY = """\
version: 1
migration:
  name: payments partner behind a new NAT gateway
  source: {{site: old, staging_hosts: ["ssh://ops@192.0.2.15:22"]}}
  target: {{site: new, egress_nat: true, staging_hosts: ["ssh://ops@192.0.2.25:22"]}}
zones:
  - name: partner
    kind: external
    cidrs: [203.0.113.0/24]
    {reflectors}
    egress_allowlisted: {allowed}
services:
  - name: checkout
    owner: payments
    dependencies:
      - name: acquirer
        kind: service
        protocol: tcp
        host: 203.0.113.40
        port: 443
        requires: [reachable, egress_ip_allowlisted]
"""
REFLECTOR = "reflectors: [{host: 203.0.113.9, port: 3478, protocol: stun}]"


def load(tmp_path, allowed="[198.51.100.7, 198.51.100.64/28]", reflectors=REFLECTOR):
    path = tmp_path / "partner.yaml"
    path.write_text(INVENTORY.format(allowed=allowed, reflectors=reflectors), encoding="utf-8")
    return load_inventory(path)


def post_run(observed_ip: str) -> dict:
    data = {"local": {"ip": "192.0.2.25", "port": 40001}, "observed": {"ip": observed_ip, "port": 61000},
            "proto": "tcp", "wire": "stun", "nat": True, "port_preserved": False}
    result = {"dependency": "checkout/acquirer", "target": "203.0.113.9:3478", "check": "reflect",
              "status": "pass", "reason": "reflected", "detail": "", "latency_ms": 3.0,
              "proves": ["egress_ip_allowlisted"], "data": data}
    return {"id": "run-post", "phase": "post", "host": "ssh://ops@192.0.2.25:22", "complete": True,
            "started": "2030-01-01T00:00:00Z", "finished": "2030-01-01T00:00:01Z", "results": [result]}


def test_the_plan_asks_the_partners_stun_server(tmp_path):
    inventory = load(tmp_path)
    [reflect] = [p for p in build_plan(inventory, "ssh://ops@192.0.2.25:22", "post").probes
                 if p["check"] == "reflect"]
    assert (reflect["reflector_host"], reflect["reflector_port"], reflect["reflector_protocol"]) == \
        ("203.0.113.9", 3478, "stun")
    assert reflect["meta"]["proves"] == ["egress_ip_allowlisted"]


@pytest.mark.parametrize("observed, state", [("198.51.100.7", "pass"), ("198.51.100.70", "pass"),
                                             ("198.51.100.99", "fail")])
def test_the_address_the_partner_sees_must_be_on_its_allowlist(tmp_path, observed, state):
    inventory = load(tmp_path)
    dep = next(inventory.dependencies())
    j = judge("egress_ip_allowlisted", dep, post_run(observed), inventory)
    assert j.state == state
    if state == "fail":
        assert j.text == ("the reflector in partner saw our traffic from 198.51.100.99, which is not on the "
                          "zone's egress_allowlisted (198.51.100.7/32, 198.51.100.64/28)")


def test_a_zone_without_an_allowlist_fails_the_requirement(tmp_path):
    inventory = load(tmp_path, allowed="[]")
    j = judge("egress_ip_allowlisted", next(inventory.dependencies()), post_run("198.51.100.7"), inventory)
    assert j.state == "fail" and j.text.endswith("egress_allowlisted (none declared)")


def test_a_bad_allowlist_entry_is_named(tmp_path):
    with pytest.raises(InputError) as caught:
        load(tmp_path, allowed="[198.51.100.7, 198.51.100.300]")
    assert "egress_allowlisted" in str(caught.value) and "198.51.100.300" in str(caught.value)


def test_the_requirement_without_a_reflector_is_flagged(tmp_path):
    inventory = load(tmp_path, reflectors="")
    assert any(f.rule == "MR010" and "egress_ip_allowlisted" in str(f.message) for f in evaluate(inventory))
