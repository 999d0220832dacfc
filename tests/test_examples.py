"""The bundled example inventories: they are documentation, so they must stay valid."""
from __future__ import annotations

import ipaddress
import re
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from migready.checks.inventory.load import load_inventory
from migready.checks.inventory.rules import evaluate

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


DOCUMENTATION = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24",
                                                   "2001:db8::/32")]
RESERVED_SUFFIXES = (".example", ".test", ".invalid")
IPV4 = re.compile(r"(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(?:/(\d{1,2}))?(?![\d.])")


def _documentation(text: str) -> bool:
    network = ipaddress.ip_network(text, strict=False)
    return any(network.version == d.version and network.subnet_of(d) for d in DOCUMENTATION)


def _host_of(spec: str) -> str:
    host = urlsplit(spec).hostname if "://" in spec else spec
    return host or spec


NOT_DEMO = [p for p in EXAMPLES if p.name != "demo.yaml"]
OTHER_FILES = sorted(p for p in Path(str(resources.files("migready.inventories"))).iterdir()
                     if p.suffix in (".csv", ".txt", ".ini"))


@pytest.mark.parametrize("path", NOT_DEMO + OTHER_FILES, ids=lambda p: p.name)
def test_every_address_in_an_example_is_a_documentation_address(path):
    """A mis-click never probes someone's network: the examples only hold RFC 5737 / RFC 3849 addresses."""
    text = path.read_text(encoding="utf-8")
    found = [m.group(0) for m in IPV4.finditer(text)]
    assert found or path.suffix != ".yaml" or "host:" not in text
    assert [a for a in found if not _documentation(a)] == []


@pytest.mark.parametrize("path", NOT_DEMO, ids=lambda p: p.name)
def test_every_host_and_name_in_an_example_is_reserved(path):
    inv = load_inventory(path)
    hosts = [_host_of(h) for site in (inv.migration.source, inv.migration.target) for h in site.staging_hosts
             if not h.startswith("exec:")]  # an exec: argv names a pod or container, not an address
    hosts += [t for dep in inv.dependencies() for t in dep.targets]
    hosts += [r.host for zone in inv.zones for r in zone.reflectors]
    assert hosts
    for host in hosts:
        try:
            assert _documentation(host), host
        except ValueError:  # a name
            assert host.rstrip(".").endswith(RESERVED_SUFFIXES), host
    for zone in inv.zones:
        assert all(_documentation(str(c)) for c in zone.cidrs), zone.name
        assert all(d.rstrip(".").endswith(RESERVED_SUFFIXES) for d in zone.domains), zone.name
