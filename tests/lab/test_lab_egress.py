"""Incident 2 on a real network: split-horizon DNS sends an "internal" call out through the NAT gateway.

Its own lab (netlab.Lab), extended for the incident::

    old 198.18.1.2 --(198.18.1.1)--+                   +-- idc 198.18.20.15:8080   (coin, internal)
                                   [ router ] --store--+
    new 198.18.2.2 --(198.18.2.1)--+                   +-- edge 198.18.30.7:8080   (DDoS edge, external)
                   --(198.18.2.254: the new site's NAT gateway, MASQUERADE)--> edge only

Both addresses are in 198.18.0.0/15, which is not global space: `ipaddress` calls
the edge private, so only the inventory's zones can say it is outside.  Split
horizon is per-namespace `/etc/netns/<ns>/hosts` (nsswitch `hosts: files`, so no
DNS query is ever sent), seen by each site's real sshd and the agent it runs:
old resolves coin.svc.corp.example to the internal zone, new to the edge.  Every
probe passes; `migready verdict` must still be NO-GO, naming the dependency, the
name, the answer, the zone it moved into and the NAT it leaves through.  Fixing
new's hosts file (the split-horizon record restored) clears that reason.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import lab_unavailable
from .labflow import migready_in_ops, probe
from .netlab import Lab, LabUnavailable

pytestmark = pytest.mark.lab

NAME = "coin.svc.corp.example"
COIN = "biz-gateway/coin-service"
INTERNAL, EDGE, NAT_GATEWAY, PORT = "198.18.20.15", "198.18.30.7", "198.18.2.254", 8080

INVENTORY = """\
version: 1
migration:
  name: lab - biz-gateway into the new VPC (incident 2)
  source: {{site: old, staging_hosts: ["ssh://root@{old}:22"]}}
  target: {{site: new, egress_nat: true, nat_gateways: [{nat_gateway}], staging_hosts: ["ssh://root@{new}:22"]}}
zones:
  - {{name: idc, kind: internal, cidrs: [198.18.20.0/24], domains: [.corp.example]}}
  - {{name: ddos-edge, kind: external, cidrs: [198.18.30.0/24]}}
services:
  - name: biz-gateway
    owner: gateway team
    dependencies:
      - name: coin-service
        kind: service
        protocol: http
        host: {name}
        port: {port}
        zone: idc
        requires: [reachable, private_dns, internal_route]
        timeout_ms: 2000
"""


def hosts(address: str) -> str:
    return f"127.0.0.1 localhost\n::1 localhost\n{address} {NAME}\n"


def _nsswitch() -> str:
    """The host's nsswitch.conf with `hosts: files`: names in the lab never reach a DNS server."""
    try:
        lines = Path("/etc/nsswitch.conf").read_text().splitlines()
    except OSError:
        lines = ["passwd: files", "group: files", "shadow: files"]
    kept = [line for line in lines if not line.split(":")[0].strip() == "hosts"]
    return "\n".join(kept + ["hosts: files"]) + "\n"


def _build(lab: Lab) -> None:
    def ip(role, *args):
        _ok(lab.exec_in(role, ["ip", *args]))

    for address in (INTERNAL, EDGE):
        ip("store", "addr", "add", address + "/32", "dev", "eth0")
        ip("router", "route", "add", address.rsplit(".", 1)[0] + ".0/24", "via", lab.store)
    ip("router", "addr", "add", NAT_GATEWAY + "/24", "dev", "to-new")  # the NAT gateway's address
    ip("new", "route", "add", "198.18.30.0/24", "via", NAT_GATEWAY)  # the VPC routes the edge via NAT
    # Internal traffic from new is routed as is; only what goes to the edge is translated.
    _ok(lab.exec_in("router", ["iptables", "-t", "nat", "-I", "POSTROUTING", "1", "-s", "198.18.2.0/24",
                               "-d", "198.18.20.0/24", "-j", "RETURN"]))
    for address, name in ((INTERNAL, "coin"), (EDGE, "edge")):
        root = lab.workdir / name
        root.mkdir()
        (root / "index.html").write_text(f"{name}\n")
        log = open(lab.logs / f"{name}-http.log", "wb")
        lab.popen_in("store", [sys.executable, "-I", "-m", "http.server", PORT, "--bind", address,
                               "--directory", root], stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        log.close()
    for address in (INTERNAL, EDGE):
        _wait_listening(lab, address)
    nsswitch = _nsswitch()
    for site, address in (("old", INTERNAL), ("new", EDGE)):
        lab.write_etc(site, "nsswitch.conf", nsswitch)
        lab.write_etc(site, "hosts", hosts(address))
        lab.restart_sshd(site)


def _ok(proc):
    assert proc.returncode == 0, proc.stderr
    return proc


def _wait_listening(lab: Lab, address: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if lab.exchange("ops", "tcp", (address, PORT), timeout=1.0).error is None:
            return
        time.sleep(0.1)
    raise RuntimeError(f"http server on {address}:{PORT} did not start (log in {lab.logs})")


@pytest.fixture(scope="module")
def egress_lab(tmp_path_factory):
    try:
        lab = Lab.build(workdir=tmp_path_factory.mktemp("egress-lab"))
    except LabUnavailable as exc:
        lab_unavailable(str(exc))
    try:
        _build(lab)
        yield lab
    finally:
        lab.teardown()


@pytest.fixture
def fenced(monkeypatch):
    """The networks fence stays on (conftest); the lab's one name is let through, nothing else."""
    assert os.environ.get("MIGREADY_ALLOWED_NETWORKS")
    monkeypatch.setenv("MIGREADY_ALLOWED_NAMES", NAME)


def line(stdout: str, check: str) -> str:
    """The probe's output line for the coin dependency's `check`."""
    [found] = [x for x in stdout.splitlines() if f"{COIN} {check} {NAME}:" in x]
    return found


def verdict(lab, ws):
    out = migready_in_ops(lab, "verdict", ws, "--format", "json")
    return out.returncode, json.loads(out.stdout)


def items(lab, ws):
    out = migready_in_ops(lab, "checklist", ws, "--format", "json")
    return {i["id"]: i for i in json.loads(out.stdout)["items"]}


def test_split_horizon_answer_in_the_external_zone_is_no_go_until_fixed(egress_lab, fenced, tmp_path):
    lab = egress_lab
    inventory = tmp_path / "incident2.yaml"
    inventory.write_text(INVENTORY.format(old=lab.old, new=lab.new, nat_gateway=NAT_GATEWAY, name=NAME, port=PORT),
                         encoding="utf-8")
    ws = tmp_path / "incident2.migready.json"

    # Every probe answers from both sites, as in the incident (HTTP checks were green); after the move the
    # DNS answer and the route are bad FOR THIS DEPENDENCY, and `probe` says so (issue 22: it said PASS).
    pre = probe(lab, inventory, "pre", ws)
    assert pre.returncode == 0, pre.stdout + pre.stderr
    post = probe(lab, inventory, "post", ws)
    assert post.returncode == 1, post.stdout + post.stderr
    assert line(post.stdout, "dns").lstrip().startswith("FAIL") and line(post.stdout, "route").lstrip().startswith(
        "FAIL") and line(post.stdout, "http").lstrip().startswith("PASS"), post.stdout
    # The results say where each answer and route lies, in the inventory's zones.
    assert line(pre.stdout, "dns").endswith(f"[{INTERNAL}, zone idc (internal)]"), pre.stdout
    assert line(post.stdout, "dns").endswith(f"[{EDGE}, zone ddos-edge (external)]"), post.stdout
    assert line(post.stdout, "route").endswith(f"[{EDGE}, zone ddos-edge (external); leaves via NAT gateway "
                                               f"{NAT_GATEWAY} of site 'new']"), post.stdout
    # The new site's call really went out through the NAT: the edge saw the router's address.
    edge_log = (lab.logs / "edge-http.log").read_text()
    assert lab.nat_address in edge_log and lab.new not in edge_log, edge_log
    assert lab.old in (lab.logs / "coin-http.log").read_text()

    code, result = verdict(lab, ws)
    assert (code, result["verdict"]) == (1, "NO-GO"), result
    moved = [r for r in result["reasons"] if r.startswith("regression:") and "dns" in r]
    assert moved, result["reasons"]
    assert all(s in moved[0] for s in (COIN, NAME, f"{EDGE}, zone ddos-edge (external)",
                                       "moved into zone ddos-edge (external)",
                                       f"leaves via NAT gateway {NAT_GATEWAY} of site 'new'")), moved[0]
    # The root cause names the address, the zone and the NAT site, cites the incident, and says what clears it.
    text = migready_in_ops(lab, "verdict", ws).stdout
    [headline] = [x for x in text.splitlines() if x.startswith("1. ")]
    assert headline.startswith("1. [FAILED] coin-service: ") and all(
        s in headline for s in (EDGE, "zone ddos-edge (external)", "site 'new'")), text
    assert "pre pass → post pass" not in text and "incident 2" in text, text
    assert "clears it: route the traffic inside" in text or "clears it: make the name resolve" in text, text
    compared = migready_in_ops(lab, "compare", ws).stdout
    assert not [x for x in compared.splitlines() if "REGRESSION" in x and "pass → pass" in x], compared
    judged = items(lab, ws)
    assert judged[f"req:{COIN}:private_dns"]["state"] == "fail"
    assert judged[f"req:{COIN}:internal_route"]["state"] == "fail"
    assert f"leaves via NAT gateway {NAT_GATEWAY}" in judged[f"req:{COIN}:internal_route"]["evidence"]
    assert judged[f"req:{COIN}:reachable"]["state"] == "pass"
    report = tmp_path / "report.md"
    assert migready_in_ops(lab, "report", ws, "--format", "md", "--out", report).returncode == 0
    assert f"DNS {EDGE} (zone ddos-edge (external))" in report.read_text(encoding="utf-8")

    # The fix: new's split-horizon record restored.  Same inventory, a new post run.
    lab.write_etc("new", "hosts", hosts(INTERNAL))
    post = probe(lab, inventory, "post", ws)
    assert post.returncode == 0, post.stdout + post.stderr
    code, result = verdict(lab, ws)
    about_coin = [r for r in result["reasons"] if COIN in r or NAME in r]
    assert about_coin == [], about_coin
    assert not any("ddos-edge" in r or "NAT gateway" in r for r in result["reasons"]), result["reasons"]
    judged = items(lab, ws)
    for req in ("private_dns", "internal_route", "reachable"):
        assert judged[f"req:{COIN}:{req}"]["state"] == "pass", judged[f"req:{COIN}:{req}"]
