"""The bundled example inventories: they are documentation, so they must stay valid."""
from __future__ import annotations

import ipaddress
from importlib import resources
from pathlib import Path

import pytest

from migready.checks.inventory import load_inventory
from migready.checks.rules import evaluate

EXAMPLES = sorted(Path(str(resources.files("migready.inventories"))).glob("*.yaml"))


def test_one_example_per_incident_and_a_demo():
    names = {p.name for p in EXAMPLES}
    assert {"scale-adapter-nat.yaml", "gateway-public-egress.yaml", "checkout-kafka.yaml",
            "push-service-nodes.yaml", "job-scheduler-callback.yaml", "demo.yaml"} <= names


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_loads(path):
    inv = load_inventory(path)
    assert inv.services and all(s.dependencies for s in inv.services)
    assert path.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=")


def test_scale_example_blocks_on_source_port_across_nat():
    inv = load_inventory(next(p for p in EXAMPLES if p.name == "scale-adapter-nat.yaml"))
    blockers = [f for f in evaluate(inv) if f.severity == "blocker" and f.rule == "MR002"]
    assert any("9010" in f.message and "scale" in f.dependency for f in blockers)


def test_kafka_example_flags_timeout_and_request_path():
    inv = load_inventory(next(p for p in EXAMPLES if p.name == "checkout-kafka.yaml"))
    kafka = [f for f in evaluate(inv) if "kafka" in f.dependency]
    assert {"MR005", "MR006"} <= {f.rule for f in kafka}


def test_demo_is_loopback_only():
    """The demo is the one inventory that runs on a developer's machine."""
    inv = load_inventory(next(p for p in EXAMPLES if p.name == "demo.yaml"))
    for dep in inv.dependencies():
        for target in dep.targets:
            assert ipaddress.ip_address(target).is_loopback, target
    for zone in inv.zones:
        for reflector in zone.reflectors:
            assert ipaddress.ip_address(reflector.host).is_loopback
    for site in (inv.migration.source, inv.migration.target):
        assert all(h == "local://" for h in site.staging_hosts)
