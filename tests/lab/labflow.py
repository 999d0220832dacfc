"""The lab's inventory and the `migready probe` call the lab tests share."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

INVENTORY = """\
version: 1
migration:
  name: lab - scale adapter behind NAT
  source: {{site: old, staging_hosts: ["ssh://root@{old}:22"]}}
  target: {{site: new, egress_nat: true, staging_hosts: ["ssh://root@{new}:22"]}}
zones:
  - name: store
    kind: store
    cidrs: [198.18.10.0/24]
    reflectors: [{{host: {reflector}, port: {reflector_port}}}]
services:
  - name: scale-adapter
    owner: store-devices
    dependencies:
      - name: scales
        kind: device
        device_type: scale
        protocol: udp
        hosts: [{scales}]
        port: 5002
        source_port: 9010
        probe: {{payload: "TSCALE/1 SDKPORT=9010 PING", expect: "OK"}}
        requires: [reachable, source_port_preserved, no_nat]
        timeout_ms: 1000
      - name: printers
        kind: device
        device_type: printer
        protocol: tcp
        hosts: [{printers}]
        port: 9100
        requires: [reachable]
        timeout_ms: 1000
"""


@pytest.fixture
def lab_inventory(lab, reflector, tmp_path) -> Path:
    path = tmp_path / "lab.yaml"
    path.write_text(INVENTORY.format(
        old=lab.old, new=lab.new, reflector=reflector[0], reflector_port=reflector[1],
        scales=", ".join(a for a, _ in lab.scales), printers=", ".join(a for a, _ in lab.printers),
    ), encoding="utf-8")
    return path


def migready_in_ops(lab, *args, timeout=120):
    """Any migready command, run from the ops namespace like a user on a jump host."""
    return lab.exec_in("ops", [sys.executable, "-m", "migready.checks.cli", *map(str, args)], timeout=timeout)


def probe(lab, inventory: Path, phase: str, workspace: Path, *extra, known_hosts=None):
    return migready_in_ops(lab, "probe", inventory, "--phase", phase, "--workspace", workspace,
                           "--identity", lab.client_key, "--known-hosts", known_hosts or lab.known_hosts,
                           "--ssh-config", "/dev/null", "--connect-timeout", "5", *extra)
