"""Issue 24: one probe run over every node of a pool, through real SNAT on some of them.

The pool k8s-b has 8 nodes (namespaces with a real sshd each); 3 of them
reach the store zone through MASQUERADE --random-fully (like Calico
natOutgoing on some nodes), 5 are routed.  The CLI runs in the lab's `ops`
namespace and probes all 8 in one run.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import lab_unavailable
from .fleetlab import SLOW_ADDR, SLOW_PORT, FleetLab
from .netlab import LabUnavailable

pytestmark = pytest.mark.lab
NATTED = ("node2", "node5", "node7")

INVENTORY = """\
version: 1
migration:
  name: lab - scale adapter onto pool k8s-b
  source: {{site: old, staging_hosts: ["ssh://root@{old}:22"]}}
  target:
    site: new
    egress_nat: true
    staging_hosts:
{target}
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
{extra}"""

SLOW = """\
      - name: slow-backend
        kind: service
        protocol: tcp
        host: {addr}
        port: {port}
        requires: [reachable]
        timeout_ms: 4000
""".format(addr=SLOW_ADDR, port=SLOW_PORT)


@pytest.fixture(scope="module")
def fleet_lab(tmp_path_factory):
    try:
        built = FleetLab.build(workdir=tmp_path_factory.mktemp("fleetlab"))
    except LabUnavailable as exc:
        lab_unavailable(str(exc))
    try:
        if built.reflector_error:
            lab_unavailable(built.reflector_error)
        for node in NATTED:
            built.snat(node)
        yield built
    finally:
        built.teardown()


def write_inventory(lab: FleetLab, path: Path, target: str, extra: str = "") -> Path:
    path.write_text(INVENTORY.format(
        old=lab.old, reflector=lab.reflector[0], reflector_port=lab.reflector[1], target=target,
        scales=", ".join(a for a, _ in lab.scales), extra=extra), encoding="utf-8")
    return path


def pool_of_nodes(lab: FleetLab) -> str:
    members = ", ".join('"%s"' % lab.spec(n) for n in lab.nodes)
    return "      - {pool: k8s-b, hosts: [%s]}" % members


def cli(lab: FleetLab, *args, timeout=180) -> subprocess.CompletedProcess:
    return lab.exec_in("ops", [sys.executable, "-m", "migready.checks.cli", *map(str, args)], timeout=timeout)


def ssh_args(lab: FleetLab, identity: bool = True) -> list:
    return (["--identity", lab.client_key] if identity else []) + [
        "--known-hosts", lab.known_hosts, "--ssh-config", "/dev/null", "--connect-timeout", "5"]


def item(ws: Path, inventory: Path, item_id: str):
    from migready.checks.inventory.load import load_inventory
    from migready.checks.review.checklist import build_checklist
    from migready.checks.store.workspace import Workspace

    checklist = build_checklist(load_inventory(inventory), Workspace.load(ws))
    [found] = [i for i in checklist.items if i.id == item_id]
    return found


def test_post_over_eight_nodes_is_no_go_naming_exactly_the_three_natted_ones(fleet_lab, tmp_path):
    lab = fleet_lab
    inventory = write_inventory(lab, tmp_path / "pool.yaml", pool_of_nodes(lab))
    ws = tmp_path / "pool.migready.json"
    pre = cli(lab, "probe", inventory, "--phase", "pre", "--workspace", ws, *ssh_args(lab))
    assert pre.returncode == 0, pre.stdout + pre.stderr
    post = cli(lab, "probe", inventory, "--phase", "post", "--workspace", ws, "--hosts-jobs", "3", *ssh_args(lab))
    assert post.returncode == 1, post.stdout + post.stderr  # completed, with failures
    runs = json.loads(ws.read_text(encoding="utf-8"))["runs"]
    post_runs = [r for r in runs if r["phase"] == "post"]
    assert sorted(r["host"] for r in post_runs) == sorted(lab.spec(n) for n in lab.nodes)
    assert all(r["complete"] and r["pool"] == "k8s-b" for r in post_runs)
    assert len({r["fleet"]["id"] for r in post_runs}) == 1
    rewritten = sorted(r["host"] for r in post_runs for res in r["results"]
                       if res["check"] == "reflect" and res["reason"] == "port_rewritten")
    assert rewritten == sorted(lab.spec(n) for n in NATTED)

    verdict = cli(lab, "verdict", ws)
    assert verdict.returncode == 1 and "NO-GO" in verdict.stdout, verdict.stdout + verdict.stderr
    # one fault on 3 hosts is one root cause, and its headline says on which (issue 22 over issue 24)
    causes = [x for x in verdict.stdout.splitlines() if x[:1].isdigit() and "rewritten by NAT" in x]
    assert len(causes) == 1 and "on 3 of 8 hosts (" in causes[0], verdict.stdout
    assert all(lab.spec(n) in causes[0] for n in NATTED), causes[0]
    req = item(ws, inventory, "req:scale-adapter/scales:source_port_preserved")
    assert req.state == "fail"
    assert "on 3 of 8 hosts of pool k8s-b (" in req.evidence, req.evidence
    named = req.evidence.split("on 3 of 8 hosts of pool k8s-b (", 1)[1]
    assert all(lab.spec(n) in named for n in NATTED), req.evidence
    assert not any(lab.spec(n) in req.evidence for n in lab.nodes if n not in NATTED), req.evidence

    compare = cli(lab, "compare", ws)
    for node in NATTED:  # compare pairs the old host's reflect with each node's
        assert any("reflect" in line and lab.spec(node) in line and "REGRESSION" in line
                   for line in compare.stdout.splitlines()), compare.stdout

    for node in NATTED:  # the fix: no more SNAT on those nodes
        lab.snat(node, on=False)
    try:
        again = cli(lab, "probe", inventory, "--phase", "post", "--workspace", ws, *ssh_args(lab))
        assert again.returncode == 0, again.stdout + again.stderr
        req = item(ws, inventory, "req:scale-adapter/scales:source_port_preserved")
        assert req.state == "pass", req.evidence
        assert item(ws, inventory, "run.post").state == "pass"
    finally:
        for node in NATTED:
            lab.snat(node)


def test_a_node_that_dies_mid_run_is_recorded_and_the_others_complete(fleet_lab, tmp_path):
    lab = fleet_lab
    inventory = write_inventory(lab, tmp_path / "slow.yaml", pool_of_nodes(lab), SLOW)
    ws = tmp_path / "slow.migready.json"
    victim = "node8"
    argv = ["ip", "netns", "exec", lab.ns("ops"), sys.executable, "-m", "migready.checks.cli", "probe",
            str(inventory), "--phase", "post", "--workspace", str(ws), *map(str, ssh_args(lab))]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        while not lab.agent_running(victim):  # the victim's agent runs (its slow probe waits 8 s)
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.05)
        lab.kill_node(victim)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
        lab.sshd[victim].start(15)  # the lab's next test gets the node back
    assert proc.returncode == 4, out + err  # incomplete: what arrived is stored
    runs = {r["host"]: r for r in json.loads(ws.read_text(encoding="utf-8"))["runs"]}
    assert len(runs) == 8
    dead = runs.pop(lab.spec(victim))
    assert dead["complete"] is False and dead["error"], dead
    assert all(r["complete"] and len(r["results"]) == r["planned"] for r in runs.values())
    assert "INCOMPLETE" in out and lab.spec(victim) in out
    run_item = item(ws, inventory, "run.post")
    assert run_item.state == "pending" and lab.spec(victim) in run_item.evidence


def test_an_ansible_group_drives_plan_and_probe(fleet_lab, tmp_path):
    """Real ansible-core (`migready[ansible]`): the hosts, their addresses, port, user and key come from
    an INI inventory; no --identity is given, the key is ansible_ssh_private_key_file's."""
    lab = fleet_lab
    nodes = ("node1", "node2", "node3")
    lines = ["[k8s_nodes]"] + ["%s ansible_host=%s ansible_port=22" % (n, lab.addresses[n]) for n in nodes]
    lines += ["", "[k8s_nodes:vars]", "ansible_user=root", "ansible_ssh_private_key_file=%s" % lab.client_key,
              "", "[elsewhere]", "stray ansible_host=198.18.99.9"]
    (tmp_path / "hosts.ini").write_text("\n".join(lines) + "\n", encoding="utf-8")
    inventory = write_inventory(lab, tmp_path / "ansible.yaml", "      - {ansible: hosts.ini, group: k8s_nodes}")

    plan = cli(lab, "plan", inventory, "--phase", "post")
    assert plan.returncode == 0, plan.stdout + plan.stderr
    for node in nodes:
        assert "host %s (pool k8s_nodes)" % node in plan.stdout, plan.stdout
    assert "stray" not in plan.stdout and "198.18.99.9" not in plan.stdout
    assert "3 staging hosts" in plan.stdout

    ws = tmp_path / "ansible.migready.json"
    post = cli(lab, "probe", inventory, "--phase", "post", "--workspace", ws, *ssh_args(lab, identity=False))
    assert post.returncode == 1, post.stdout + post.stderr  # node2 is behind SNAT
    runs = {r["host_name"]: r for r in json.loads(ws.read_text(encoding="utf-8"))["runs"]}
    assert sorted(runs) == list(nodes)
    assert all(runs[n]["host"] == lab.spec(n) and runs[n]["complete"] for n in nodes)
    req = item(ws, inventory, "req:scale-adapter/scales:source_port_preserved")
    assert req.state == "fail" and "on 1 of 3 hosts of pool k8s_nodes (node2)" in req.evidence, req.evidence


def test_exec_hosts_through_ip_netns_exec_see_the_same_nat(fleet_lab, tmp_path):
    """Staging hosts without sshd: `ip netns exec NS python3 -` as the exec: argv, the same assertions
    as over SSH (node2 behind SNAT sees its port rewritten, node1 routed keeps it)."""
    lab = fleet_lab
    members = ", ".join('{exec: [ip, netns, exec, %s, python3, "-"], name: %s}' % (lab.ns(n), n)
                        for n in ("node1", "node2"))
    inventory = write_inventory(lab, tmp_path / "exec.yaml", "      - {pool: netns, hosts: [%s]}" % members)
    plan = cli(lab, "plan", inventory, "--phase", "post")
    assert plan.returncode == 0 and "host node1 (pool netns)" in plan.stdout, plan.stdout + plan.stderr
    ws = tmp_path / "exec.migready.json"
    post = cli(lab, "probe", inventory, "--phase", "post", "--workspace", ws)
    assert post.returncode == 1, post.stdout + post.stderr
    runs = {r["host_name"]: r for r in json.loads(ws.read_text(encoding="utf-8"))["runs"]}
    assert runs["node1"]["host"] == "exec:ip netns exec %s python3 -" % lab.ns("node1")  # the argv as written
    assert all(r["complete"] and r["host_facts"]["hostname"] for r in runs.values())
    [kept] = [r for r in runs["node1"]["results"] if r["check"] == "reflect"]
    [rewritten] = [r for r in runs["node2"]["results"] if r["check"] == "reflect"]
    assert kept["status"] == "pass" and kept["data"]["local"] == {"ip": lab.addresses["node1"], "port": 9010}
    assert kept["data"]["observed"] == kept["data"]["local"]
    assert (rewritten["status"], rewritten["reason"]) == ("fail", "port_rewritten")
    assert rewritten["data"]["observed"]["ip"] == lab.nat_address and rewritten["data"]["observed"]["port"] != 9010
    scales = [r for r in runs["node1"]["results"] if r["check"] == "udp_exchange"]
    assert len(scales) == len(lab.scales) and all(r["status"] == "pass" for r in scales)
    req = item(ws, inventory, "req:scale-adapter/scales:source_port_preserved")
    assert req.state == "fail" and "on 1 of 2 hosts of pool netns (node2)" in req.evidence, req.evidence
