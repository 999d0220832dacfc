"""The suite's network fence: a plan for an example inventory is refused before anything is sent."""
from __future__ import annotations

import ipaddress
from importlib import resources
from pathlib import Path

import pytest

from migready.checks.inventory.load import load_inventory
from migready.checks.probing.plans import build_plan
from migready.checks.probing.transports import TransportOptions, open_transport
from migready.checks.probing.transports.guard import NAMES_ENV, TargetNotAllowed, outside

EXAMPLES = Path(str(resources.files("migready.inventories")))


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.yaml") if p.name != "demo.yaml"))
def test_examples_are_refused_by_the_fence(name):
    plan = build_plan(load_inventory(EXAMPLES / name), "local://", "post").to_agent()
    with open_transport("local://", TransportOptions()) as transport:
        with pytest.raises(TargetNotAllowed) as caught:
            transport.run_agent("raise SystemExit('the agent must never start')", plan, lambda line: None)
    assert "nothing was sent" in str(caught.value)


def test_demo_passes_the_fence():
    plan = build_plan(load_inventory(EXAMPLES / "demo.yaml"), "local://", "pre").to_agent()
    lines = []
    with open_transport("local://", TransportOptions()) as transport:
        transport.run_agent("import sys, json\nprint(json.dumps({'type': 'summary'}))", plan, lines.append)
    assert lines == [{"type": "summary"}]


def test_allowed_names_let_only_those_names_through(monkeypatch):
    plan = {"probes": [{"check": "dns", "name": "coin.svc.corp.example"},
                       {"check": "http", "url": "http://coin.svc.corp.example:8080/"},
                       {"check": "dns", "name": "corp.example.evil.net"},
                       {"check": "dns", "name": "pay.example.com"}]}
    networks = [ipaddress.ip_network("198.18.0.0/15")]
    assert len(outside(plan, networks)) == 4  # unset: every name is outside
    monkeypatch.setenv(NAMES_ENV, " .corp.example , pay.example.com")
    assert outside(plan, networks) == ["corp.example.evil.net"]
