"""Incident 2 judged against the inventory's own zones (checks/inventory/zones.py), without a network.

Placement: the most specific CIDR wins, IPv6 too; a name goes by its longest domain
suffix; an address in no zone falls back to its class.  Then the judgements and the
comparison that use it: an answer in a declared external zone fails `private_dns`
even in non-global space (198.18.0.0/15), a route through a declared NAT gateway
fails `internal_route`, and moving out of every internal zone between pre and post
is a regression naming the zone and the NAT.
"""
from __future__ import annotations

import ipaddress

import pytest

from migready.checks.review.compare import compare_runs
from migready.checks.review.evidence import judge
from migready.checks.inventory.load import load_inventory
from migready.checks.inventory.model import Site, Zone
from migready.checks.store.problems import InputError
from migready.checks.inventory.rules import evaluate
from migready.checks.inventory.zones import ZoneMap


def zone(name, kind, cidrs=(), domains=()):
    return Zone(name, kind, tuple(ipaddress.ip_network(c) for c in cidrs), tuple(domains))


ZONES = ZoneMap([
    zone("corp", "internal", ["10.0.0.0/8", "fd00::/8"], [".corp.example"]),
    zone("dmz", "external", ["10.9.0.0/16", "fd00:9::/32"], ["edge.corp.example"]),
    zone("store", "store", ["10.9.4.0/24"]),
    zone("internet", "external", [], ["example.com"]),
])


@pytest.mark.parametrize("address, where", [
    ("10.1.2.3", "corp"),        # only the /8
    ("10.9.1.1", "dmz"),         # /16 beats /8
    ("10.9.4.7", "store"),       # /24 beats /16 beats /8, whatever the declaration order
    ("fd00::1", "corp"),
    ("fd00:9::5", "dmz"),        # IPv6: the /32 beats the /8
    ("::ffff:10.9.4.7", "store"),  # an IPv4-mapped answer is the IPv4 address
    ("fe80::1%eth0", None),
])
def test_most_specific_cidr_wins(address, where):
    placed = ZONES.place(address)
    assert (placed.zone.name if placed.zone else None) == where
    assert placed.by == ("cidr" if where else "class")


@pytest.mark.parametrize("name, where", [
    ("coin.svc.corp.example", "corp"),
    ("api.edge.corp.example", "dmz"),   # the longer suffix wins
    ("edge.corp.example.", "dmz"),      # the suffix itself, with the root dot
    ("COIN-API.Example.COM", "internet"),
    ("notexample.com", None),           # a suffix matches at a label boundary only
])
def test_names_by_longest_domain_suffix(name, where):
    placed = ZONES.place(name)
    assert (placed.zone.name if placed.zone else None) == where


@pytest.mark.parametrize("address, cls, inside", [
    ("192.168.1.1", "private", True),
    ("127.0.0.5", "loopback", True),
    ("203.0.113.9", "private", True),    # documentation space is not global
    ("8.8.8.8", "public", False),
    ("100.64.1.1", "other", False),     # carrier-grade NAT: not private space
    ("2001:4860::8888", "public", False),
])
def test_address_in_no_zone_falls_back_to_its_class(address, cls, inside):
    placed = ZONES.place(address)
    assert placed.zone is None and placed.address_class == cls and placed.inside is inside
    assert str(placed) == f"{address}, {cls}, in no zone"


def test_an_answer_is_only_pushed_outside_by_its_name():
    # No CIDR claims 8.8.4.4: its external name places it in `internet` ...
    assert str(ZONES.place("8.8.4.4", "coin-api.example.com")) == "8.8.4.4, zone internet (external)"
    # ... but an internal name never makes a public answer internal (that is incident 2).
    assert not ZONES.place("8.8.4.4", "coin.svc.corp.example").inside
    assert ZONES.place("10.1.2.3", "coin-api.example.com").zone.name == "corp"  # a CIDR beats a name


def test_egress_declared_by_nat_gateways_or_an_egress_zone():
    zones = ZoneMap([zone("natgw", "egress", ["10.0.255.0/28"])],
                    Site("old"), Site("new", egress_nat=True, nat_gateways=(ipaddress.ip_network("10.0.8.1/32"),)))
    assert zones.egress_via("post", "10.0.8.1") == "NAT gateway 10.0.8.1 of site 'new'"
    assert zones.egress_via("pre", "10.0.8.1") is None  # the old site declares no such gateway
    assert zones.egress_via("pre", "10.0.255.3") == "egress zone natgw (10.0.255.3) of site 'old'"
    assert zones.egress_via("post", "10.0.8.2") is None and zones.egress_via("post", None) is None


# ---------------------------------------------------------------- judgements on an inventory

INVENTORY = """\
version: 1
migration:
  name: gateway to the new VPC
  source: {site: vpc-old}
  target: {site: vpc-core, egress_nat: true, nat_gateways: [198.18.2.254]}
zones:
  - {name: idc, kind: internal, cidrs: [198.18.20.0/24], domains: [.corp.example]}
  - {name: ddos-edge, kind: external, cidrs: [198.18.30.0/24], domains: [.example.com]}
services:
  - name: biz-gateway
    owner: gateway team
    dependencies:
      - name: coin-service
        kind: service
        protocol: http
        host: coin.svc.corp.example
        port: 8080
        zone: idc
        requires: [private_dns, internal_route, within_timeout]
        timeout_ms: 1000
"""
COIN = "biz-gateway/coin-service"
NAME = "coin.svc.corp.example"


@pytest.fixture
def inventory(tmp_path):
    path = tmp_path / "inv.yaml"
    path.write_text(INVENTORY, encoding="utf-8")
    return load_inventory(path)


def result(check, data, target=NAME, status="pass", latency_ms=None, **top):
    r = {"dependency": COIN, "target": target, "check": check, "status": status, "reason": "ok",
         "detail": "", "latency_ms": latency_ms, "proves": [], "data": data}
    r.update(top)
    return r


def dns(*ips):  # the agent's class says "private" for 198.18/15: the core must not believe it
    return result("dns", {"answers": [{"ip": ip, "class": "private"} for ip in ips], "resolver": None},
                  proves=["private_dns"])


def route(ip, gateway, src="198.18.2.2"):
    return result("route", {"ip": ip, "dev": "eth0", "gateway": gateway, "src": src, "method": "ip"},
                  proves=["internal_route"])


def run(phase, *results):
    return {"id": f"run-{phase}", "phase": phase, "host": "ssh://stage", "started": "2030-01-01T00:00:00Z",
            "finished": "2030-01-01T00:00:01Z", "complete": True, "results": list(results)}


def dep(inventory):
    return next(inventory.dependencies())


def test_answer_in_an_external_zone_fails_private_dns_though_not_global(inventory):
    post = run("post", dns("198.18.30.7"), route("198.18.30.7", "198.18.2.254"))
    j = judge("private_dns", dep(inventory), post, inventory)
    assert j.state == "fail"
    assert j.text == (f"{NAME} → 198.18.30.7, zone ddos-edge (external): outside every internal zone; "
                      "leaves via NAT gateway 198.18.2.254 of site 'vpc-core'")
    # Without the inventory only the address class is known, and 198.18/15 is private space.
    assert judge("private_dns", dep(inventory), post).state == "pass"
    assert judge("private_dns", dep(inventory), run("post", dns("198.18.20.15")), inventory).state == "pass"


def test_route_through_a_declared_nat_gateway_fails_internal_route(inventory):
    post = run("post", route("198.18.20.15", "198.18.2.254"))
    j = judge("internal_route", dep(inventory), post, inventory)
    assert (j.state, j.text) == ("fail", f"{NAME} leaves via NAT gateway 198.18.2.254 of site 'vpc-core'")
    ok = judge("internal_route", dep(inventory), run("post", route("198.18.20.15", "198.18.2.1")), inventory)
    assert ok.state == "pass", ok.text


def test_route_to_an_external_zone_from_a_nating_site_fails_internal_route(inventory):
    j = judge("internal_route", dep(inventory), run("post", route("198.18.30.7", "198.18.2.1")), inventory)
    assert j.state == "fail"
    assert j.text == (f"{NAME} goes to 198.18.30.7, zone ddos-edge (external) and leaves via "
                      "the NAT of site 'vpc-core'")


def test_reflector_in_an_internal_zone_seeing_a_translated_source_fails_internal_route(inventory):
    local, observed = {"ip": "198.18.2.2", "port": 40000}, {"ip": "198.18.10.1", "port": 40000}
    reflect = result("reflect", {"local": local, "observed": observed, "nat": True, "port_preserved": True},
                     target="198.18.20.2:3478", local=local, observed=observed, nat=True)
    post = run("post", route("198.18.20.15", "198.18.2.1"), reflect)
    j = judge("internal_route", dep(inventory), post, inventory)
    assert j.state == "fail" and j.text.startswith("reflector in zone idc (internal) saw 198.18.2.2 as 198.18.10.1")


def test_within_timeout_names_where_the_slow_path_went(inventory):
    slow = result("http", {"ip": "198.18.30.7", "status": 200}, latency_ms=1500.0)
    j = judge("within_timeout", dep(inventory), run("post", slow), inventory)
    assert j.state == "fail"
    assert j.text == (f"slowest first byte 1500.0 ms exceeds the 1000 ms budget "
                      f"({NAME} → 198.18.30.7, zone ddos-edge (external))")


def test_compare_answer_moving_out_of_the_internal_zone_is_a_regression(inventory):
    pre = run("pre", dns("198.18.20.15"), route("198.18.20.15", "198.18.1.1", "198.18.1.2"))
    post = run("post", dns("198.18.30.7"), route("198.18.30.7", "198.18.2.254"))
    changes = {c.check: c for c in compare_runs(pre, post, inventory=inventory).changes}
    [moved] = changes["dns"].notes
    assert (moved.kind, moved.severity) == ("dns_zone_moved", "regression")
    assert moved.text == (f"{NAME} resolved to 198.18.20.15, zone idc (internal) → 198.18.30.7, zone ddos-edge "
                          "(external): moved into zone ddos-edge (external); leaves via NAT gateway 198.18.2.254 "
                          "of site 'vpc-core'")
    assert changes["dns"].is_regression
    [egress] = changes["route"].notes
    assert (egress.kind, egress.severity) == ("egress_nat", "regression")
    assert egress.text.endswith(f"{NAME} now leaves via NAT gateway 198.18.2.254 of site 'vpc-core'")
    # Without the inventory the same runs show nothing wrong: the bug of the incident report.
    assert not compare_runs(pre, post).regressions


def test_compare_change_inside_a_zone_is_a_note_and_a_new_gateway_a_warning(inventory):
    pre = run("pre", dns("198.18.20.15"), route("198.18.20.15", "198.18.1.1", "198.18.1.2"))
    post = run("post", dns("198.18.20.16"), route("198.18.20.16", "198.18.2.1"))
    changes = {c.check: c for c in compare_runs(pre, post, inventory=inventory).changes}
    assert [(f.kind, f.severity) for f in changes["dns"].notes] == [("dns_changed", "info")]
    assert "zone idc (internal)" in changes["dns"].notes[0].text
    assert [(f.kind, f.severity) for f in changes["route"].notes] == [("egress_changed", "warning")]
    assert not compare_runs(pre, post, inventory=inventory).regressions


def test_static_rule_places_targets_like_the_evidence(tmp_path):
    body = INVENTORY + """\
      - name: coin-by-edge-address
        kind: service
        protocol: tcp
        host: 198.18.30.7
        port: 8080
        zone: idc
        timeout_ms: 1000
      - name: public-space-inside
        kind: service
        protocol: tcp
        host: 8.8.8.8
        port: 8080
        zone: idc
        timeout_ms: 1000
"""
    body = body.replace("cidrs: [198.18.20.0/24]", "cidrs: [198.18.20.0/24, 8.8.8.0/24]")
    path = tmp_path / "inv.yaml"
    path.write_text(body, encoding="utf-8")
    flags = {f.dependency: f for f in evaluate(load_inventory(path)) if f.rule == "MR004"}
    assert set(flags) == {"coin-by-edge-address"}  # public space declared internal is not flagged
    assert "198.18.30.7 lies in zone ddos-edge (external)" in flags["coin-by-edge-address"].message


def test_nat_gateways_must_be_addresses_or_cidrs(tmp_path):
    path = tmp_path / "inv.yaml"
    path.write_text(INVENTORY.replace("nat_gateways: [198.18.2.254]", "nat_gateways: [198.18.2.254/24, gw]"),
                    encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_inventory(path)
    text = str(info.value)
    assert "migration.target.nat_gateways[0]" in text and "did you mean '198.18.2.0/24'" in text
    assert "migration.target.nat_gateways[1]" in text and "'gw' is not a valid CIDR" in text


def test_reports_show_the_zone_of_each_address(inventory):
    from migready.checks.report.evidence import change_entry
    from migready.checks.report.text import side_lines

    pre = run("pre", dns("198.18.20.15"))
    post = run("post", dns("198.18.30.7", "8.8.8.8"))
    [change] = compare_runs(pre, post, inventory=inventory).changes
    entry = change_entry(change, ZoneMap.of(inventory))
    assert entry["post"]["zones"] == {"198.18.30.7": "zone ddos-edge (external)", "8.8.8.8": "public, in no zone"}
    assert "DNS 198.18.30.7 (zone ddos-edge (external)), 8.8.8.8 (public, in no zone)" in side_lines(entry["post"])
    assert "zones" not in change_entry(change)["post"]  # without an inventory nothing is placed


def test_nat_gateways_without_zones_still_judge_the_route(tmp_path):
    path = tmp_path / "inv.yaml"
    text = INVENTORY.split("zones:")[0] + "services:" + INVENTORY.split("services:")[1]
    path.write_text(text.replace("        zone: idc\n", ""), encoding="utf-8")
    inventory = load_inventory(path)
    assert not inventory.zones
    pre = run("pre", route("10.1.2.3", "10.1.0.1", "10.1.0.9"))
    post = run("post", route("10.1.2.3", "198.18.2.254"))
    [change] = compare_runs(pre, post, inventory=inventory).changes
    assert [(f.kind, f.severity) for f in change.notes] == [("egress_nat", "regression")]  # requires internal_route
    assert judge("internal_route", dep(inventory), post, inventory).text == \
        f"{NAME} leaves via NAT gateway 198.18.2.254 of site 'vpc-core'"
