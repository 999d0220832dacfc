"""Issue 15 on the lab: can the peer still call us back (incident 5)?

A worker-like service registers its own address with a server-like peer in
another zone (the store namespace plays the server's zone), and the peer
calls it back on port 27777.  The peer's zone runs a call-back reflector
allowed to call the two sites.  From the old site (routed) the call-back
connects.  From the new site it cannot: its own address is not routed from
outside (the router drops new connections from the peer's zone to it, like
a container network that only SNATs outward) and the address the peer
observes (the router's NAT address) refuses.  A port-forward on the router,
with the worker registering the forwarded address, makes it pass again.

Every command runs in the lab's namespaces; the router rules live in the
lab's router namespace and are removed after each test.
"""
from __future__ import annotations

import json
import sys
import time

import pytest

from .labflow import migready_in_ops, probe
from .netlab import AGENT_PY

PORT = 27777
CALLBACK_REFLECTOR_PORT = 3479
DEP = "job-worker/scheduler-callback"

INVENTORY = """\
version: 1
migration:
  name: lab - job worker behind SNAT
  source: {{site: old, staging_hosts: ["ssh://root@{old}:22"]}}
  target: {{site: new, egress_nat: true, staging_hosts: ["ssh://root@{new}:22"]}}
zones:
  - name: scheduler-zone
    kind: internal
    cidrs: [198.18.10.0/24]
    reflectors: [{{host: {store}, port: {reflector_port}, protocols: [tcp]}}]
services:
  - name: job-worker
    owner: jobs
    dependencies:
      - name: scheduler-callback
        kind: service
        protocol: {proto}
        host: {store}                # the scheduler server; it calls the worker back on 27777
        port: {port}
        direction: inbound
        requires: [reverse_reachable]
        timeout_ms: 1000
{advertised}"""


def write_inventory(lab, path, proto, advertised=""):
    path.write_text(INVENTORY.format(old=lab.old, new=lab.new, store=lab.store, port=PORT, proto=proto,
                                     reflector_port=CALLBACK_REFLECTOR_PORT,
                                     advertised=f"        advertised_address: {advertised}\n" if advertised else ""),
                    encoding="utf-8")
    return path


@pytest.fixture
def callback_reflector(lab, tmp_path):
    """A call-back reflector in the peer's zone, allowed to call the old and the new site."""
    log = tmp_path / "callback-reflector.log"
    with open(log, "wb") as out:
        proc = lab.popen_in("store", [sys.executable, "-I", str(AGENT_PY), "reflector", "--tcp",
                                      "--bind", lab.store, "--port", CALLBACK_REFLECTOR_PORT,
                                      "--callback-allow", "198.18.1.0/24", "--callback-allow", "198.18.2.0/24"],
                            stdout=out, stderr=out, start_new_session=True)
    deadline = time.monotonic() + 15
    while f"listening tcp {lab.store}:{CALLBACK_REFLECTOR_PORT}" not in log.read_text(errors="replace"):
        assert proc.poll() is None and time.monotonic() < deadline, log.read_text(errors="replace")
        time.sleep(0.05)
    yield log
    proc.terminate()
    proc.wait(5)


class Router:
    """iptables rules added in the lab's router namespace, removed (in reverse) at the end."""

    def __init__(self, lab):
        self.lab, self.added = lab, []

    def add(self, table, chain, *rule):
        out = self.lab.exec_in("router", ["iptables", "-t", table, "-I", chain, "1", *rule])
        assert out.returncode == 0, out.stderr
        self.added.append((table, chain, rule))

    def remove_all(self):
        for table, chain, rule in reversed(self.added):
            self.lab.exec_in("router", ["iptables", "-t", table, "-D", chain, *rule])
        self.added.clear()


@pytest.fixture
def router(lab):
    rules = Router(lab)
    yield rules
    rules.remove_all()


def close_new_site_to(router, side):
    """The new site is reachable from `side` only through what the router forwards on purpose:
    connections whose original destination is the new site's own subnet are dropped."""
    router.add("filter", "FORWARD", "-i", f"to-{side}", "-o", "to-new", "-m", "conntrack", "--ctstate", "NEW",
               "--ctorigdst", "198.18.2.0/24", "-j", "DROP")


def callback_result(ws, phase):
    runs = [r for r in json.loads(ws.read_text(encoding="utf-8"))["runs"] if r["phase"] == phase]
    [result] = [r for r in runs[-1]["results"] if r["dependency"] == DEP and r["check"] == "callback"]
    return result


def calls_by_ip(result):
    return {c["ip"]: c for c in result["data"]["calls"]}


# The words the peer's calls end in, per transport: a UDP call is "answered" when the
# listener acknowledged its datagram, "silent" when nothing came back.
REACHED = {"tcp": ("connected", "timeout", "timed out"), "udp": ("answered", "silent", "no answer")}


@pytest.mark.parametrize("proto", ["tcp", "udp"])
def test_the_peer_calls_back_the_old_site_not_the_new_one_until_a_port_forward(
        lab, callback_reflector, router, tmp_path, proto):
    reached, lost, lost_words = REACHED[proto]
    close_new_site_to(router, "store")
    inventory = write_inventory(lab, tmp_path / "worker.yaml", proto)
    ws = tmp_path / "worker.migready.json"

    # Pre: from the old site the peer sees the worker's own address and calls it back.
    pre = probe(lab, inventory, "pre", ws)
    assert pre.returncode == 0, pre.stdout + pre.stderr
    before = callback_result(ws, "pre")
    assert (before["status"], before["reason"]) == ("pass", "called_back"), before
    assert before["data"]["registered"] == {"ip": lab.old, "port": PORT, "how": "own"}
    assert before["data"]["observed"]["ip"] == lab.old
    [call] = before["data"]["calls"]
    assert call["status"] == reached and call["seen_from"]["ip"] == lab.store  # who called whom, from where
    assert before["data"]["listen"]["port"] == PORT and not before["data"]["listen"]["ephemeral"]

    # Post: the worker registers 198.18.2.2, which the peer cannot reach; the NAT address refuses.
    post = probe(lab, inventory, "post", ws)
    assert post.returncode == 1, post.stdout + post.stderr
    after = callback_result(ws, "post")
    assert (after["status"], after["reason"]) == ("fail", "no_callback"), after
    assert after["data"]["registered"]["ip"] == lab.new and after["data"]["observed"]["ip"] == lab.nat_address
    calls = calls_by_ip(after)
    assert calls[lab.new]["status"] == lost and calls[lab.new]["seen_from"] is None
    assert calls[lab.nat_address]["status"] == "refused"
    assert after["data"]["seen"] == []  # the listener on the new site saw nobody
    assert f"the peer cannot call back {lab.new}:{PORT}/{proto}" in after["detail"]

    compare = json.loads(migready_in_ops(lab, "compare", ws, "--format", "json").stdout)
    [change] = [c for c in compare["changes"] if c["dependency"] == DEP and c["check"] == "callback"]
    assert change["classification"] == "regression" and change["regression"]
    assert any(n["kind"] == "callback_lost" for n in change["notes"])

    out = migready_in_ops(lab, "verdict", ws, "--format", "json")
    verdict = json.loads(out.stdout)
    assert out.returncode == 1 and verdict["verdict"] == "NO-GO"
    assert any(r.startswith("regression:") and DEP in r and f":{PORT}" in r and "the peer cannot call back" in r
               for r in verdict["reasons"]), verdict["reasons"]

    # The report and `probe`'s own output say who called whom, from where, and what each side saw.
    report = tmp_path / "report.md"
    assert migready_in_ops(lab, "report", ws, "--format", "md", "--out", report).returncode == 0
    text = report.read_text(encoding="utf-8")
    assert f"{lab.store} called {lab.new}:{PORT} (the registered address): {lost_words}" in text
    assert f"{lab.store} called {lab.nat_address}:{PORT} (the address it observed): refused" in text
    assert f"{lab.store} called {lab.old}:{PORT} (the registered address): {reached} in " in text
    assert f"the listener saw it from {lab.store}:" in text
    assert f"listened on {lab.new}:{PORT}/{proto}; the peer's reflector {lab.store}:{CALLBACK_REFLECTOR_PORT} " \
           f"saw the request from {lab.nat_address}" in post.stdout

    # The fix: the router forwards its address's port 27777 to the worker, and the worker
    # registers the address the peer sees (the forwarded one).
    router.add("nat", "PREROUTING", "-i", "to-store", "-d", lab.nat_address, "-p", proto, "--dport", str(PORT),
               "-j", "DNAT", "--to-destination", f"{lab.new}:{PORT}")
    write_inventory(lab, inventory, proto, advertised="observed")  # the team updates the inventory
    fixed = probe(lab, inventory, "post", ws)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    again = callback_result(ws, "post")
    assert (again["status"], again["reason"]) == ("pass", "called_back"), again
    assert again["data"]["registered"] == {"ip": lab.nat_address, "port": PORT, "how": "observed"}
    [call] = again["data"]["calls"]
    assert call["status"] == reached and call["seen_from"]["ip"] == lab.store  # DNAT keeps the source

    compare = json.loads(migready_in_ops(lab, "compare", ws, "--format", "json").stdout)
    [change] = [c for c in compare["changes"] if c["dependency"] == DEP and c["check"] == "callback"]
    assert change["classification"] == "unchanged" and not change["regression"]
    checklist = json.loads(migready_in_ops(lab, "checklist", ws, "--format", "json").stdout)
    states = {i["id"]: i["state"] for i in checklist["items"] if i.get("dependency") == DEP}
    assert states[f"req:{DEP}:reverse_reachable"] == "pass" and states[f"flag:MR007:{DEP}"] == "pass", states
    verdict = json.loads(migready_in_ops(lab, "verdict", ws, "--format", "json").stdout)
    # (a UDP dependency also carries MR003, which only outbound probes clear: not this issue's)
    assert not [r for r in verdict["reasons"] if r.startswith("regression:") or f"MR007:{DEP}" in r
                or f"{DEP}:reverse_reachable" in r], verdict["reasons"]



VANTAGE_INVENTORY = """\
version: 1
migration:
  name: lab - job worker, the scheduler's site has a vantage host
  source: {{site: old, staging_hosts: ["ssh://root@{old}:22"]}}
  target: {{site: new, staging_hosts: ["ssh://root@{new}:22"]}}
zones:
  - name: scheduler-site
    kind: internal
    cidrs: [198.18.1.0/24]
    vantage_hosts: [{{host: "ssh://root@{old}:22"}}]   # no reflector there: migready's own agent calls back
services:
  - name: job-worker
    owner: jobs
    dependencies:
      - name: scheduler-callback
        kind: service
        protocol: tcp
        host: {old}                  # the scheduler server, in the old site
        port: {port}
        direction: inbound
        timeout_ms: 1000
"""


def test_a_vantage_host_in_the_peers_site_calls_back_over_ssh(lab, router, tmp_path):
    """The peer's zone has no reflector but a host migready can reach over SSH (the old site's):
    during each run its agent serves the staging host's call-back request."""
    close_new_site_to(router, "old")
    inventory = tmp_path / "worker.yaml"
    inventory.write_text(VANTAGE_INVENTORY.format(old=lab.old, new=lab.new, port=PORT), encoding="utf-8")
    ws = tmp_path / "vantage.migready.json"
    assert probe(lab, inventory, "pre", ws).returncode == 0
    before = callback_result(ws, "pre")
    assert before["status"] == "pass" and before["target"] == f"{lab.old}:3479", before
    assert before["data"]["calls"][0]["seen_from"]["ip"] == lab.old

    post = probe(lab, inventory, "post", ws)
    assert post.returncode == 1, post.stdout + post.stderr
    after = callback_result(ws, "post")
    assert (after["status"], after["reason"]) == ("fail", "no_callback"), after
    assert calls_by_ip(after)[lab.new]["status"] == "timeout"  # routed, not NATed: observed = registered
    verdict = json.loads(migready_in_ops(lab, "verdict", ws, "--format", "json").stdout)
    assert any(r.startswith("regression:") and DEP in r and f"{lab.new}:{PORT}" in r
               and "the peer cannot call back" in r for r in verdict["reasons"]), verdict["reasons"]
