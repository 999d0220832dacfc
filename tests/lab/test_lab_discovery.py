"""Issue 7's proof: `migready discover` over real SSH finds what the inventory does not list.

Inside the lab, the old site talks to a store scale simulator the inventory
does not mention (UDP, connected socket), and two store addresses call back
INTO a listener on the old site (incident 5): one of them is a printer the
inventory lists as an outbound peer only.  `migready discover` runs in the
ops namespace, samples the old site over real SSH for 3 seconds, and must
report the scale as undocumented (high: store zone), the printer's callback
as inbound, the other caller as undocumented, leave its own SSH session
out, and write a draft inventory that validates.
"""
from __future__ import annotations

import json
import subprocess
import sys

from migready.checks.inventory.load import load_inventory
from migready.checks.store.workspace import Workspace

from .labflow import migready_in_ops

CALLBACK_PORT = 27777
LIFETIME_S = "15"  # the helpers end by themselves; the test stops them sooner

INVENTORY = """\
version: 1
migration:
  name: lab - what the old site really talks to
  source: {{site: old, staging_hosts: ["ssh://root@{old}:22"]}}
  target: {{site: new, egress_nat: true, staging_hosts: ["ssh://root@{new}:22"]}}
zones:
  - {{name: store, kind: store, cidrs: [198.18.10.0/24]}}
  - {{name: ops, kind: internal, cidrs: [198.18.0.0/24]}}
services:
  - name: scale-adapter
    owner: store-devices
    dependencies:
      - name: printers
        kind: device
        device_type: printer
        protocol: tcp
        hosts: [{printers}]
        port: 9100
        direction: outbound
"""

UDP_SENDER = r"""
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect((sys.argv[1], int(sys.argv[2])))
print("ready", flush=True)
end = time.monotonic() + float(sys.argv[3])
while time.monotonic() < end:
    try:
        s.send(b"TSCALE/1 PRICE 4711 1.99")
    except OSError:
        pass
    time.sleep(0.2)
"""

LISTENER = r"""
import socket, sys, time
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("0.0.0.0", int(sys.argv[1])))
srv.listen(8)
srv.settimeout(0.2)
print("ready", flush=True)
held, end = [], time.monotonic() + float(sys.argv[2])
while time.monotonic() < end:
    try:
        held.append(srv.accept()[0])
    except socket.timeout:
        pass
"""

CALLER = r"""
import socket, sys, time
s = socket.socket()
s.bind((sys.argv[1], 0))
s.connect((sys.argv[2], int(sys.argv[3])))
print("ready", flush=True)
time.sleep(float(sys.argv[4]))
"""


def start(lab, ns, code, *args):
    proc = lab.popen_in(ns, [sys.executable, "-I", "-c", code, *map(str, args)], stdin=subprocess.DEVNULL,
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if line.strip() != "ready":
        proc.kill()
        raise AssertionError("helper in %s did not start: %s" % (ns, proc.stderr.read()))
    return proc


def test_discover_over_ssh_finds_undocumented_and_inbound(lab, tmp_path):
    inventory = tmp_path / "lab.yaml"
    inventory.write_text(INVENTORY.format(old=lab.old, new=lab.new,
                                          printers=", ".join(a for a, _ in lab.printers)), encoding="utf-8")
    printer, store = lab.printers[0][0], lab.store
    scale_ip, scale_port = lab.scale
    helpers = []
    try:
        helpers.append(start(lab, "old", LISTENER, CALLBACK_PORT, LIFETIME_S))
        helpers.append(start(lab, "old", UDP_SENDER, scale_ip, scale_port, LIFETIME_S))
        helpers.append(start(lab, "store", CALLER, printer, lab.old, CALLBACK_PORT, LIFETIME_S))
        helpers.append(start(lab, "store", CALLER, store, lab.old, CALLBACK_PORT, LIFETIME_S))
        ws, draft = tmp_path / "lab.migready.json", tmp_path / "draft.yaml"
        out = migready_in_ops(
            lab, "discover", inventory, "--host", f"ssh://root@{lab.old}:22", "--duration", "3",
            "--interval", "0.5", "--identity", lab.client_key, "--known-hosts", lab.known_hosts,
            "--ssh-config", "/dev/null", "--connect-timeout", "5", "--format", "json",
            "--workspace", ws, "--draft", draft, timeout=60)
    finally:
        for proc in helpers:
            proc.terminate()
        for proc in helpers:
            proc.wait(5)
    assert out.returncode == 1, out.stdout + out.stderr  # high findings
    assert "Traceback" not in out.stderr
    result = json.loads(out.stdout)
    obs, comparison = result["observation"], result["comparison"]
    assert obs["complete"] and obs["samples"] == 7 and obs["origin"] == f"ssh://root@{lab.old}:22"
    assert obs["self_session"][:3] == ["tcp", lab.old, 22] and obs["self_session"][3] == lab.ops
    own_port = obs["self_session"][4]  # our own SSH session is left out (earlier lab tests may leave others)
    assert not [p for p in obs["peers"] if p["remote_ip"] == lab.ops and own_port in p["remote_ports"]]

    # keyed by direction and port too: earlier lab tests leave TIME_WAIT connections to the store's reflector
    findings = {(f["kind"], (f["peer"] or {}).get("remote_ip"), (f["peer"] or {}).get("direction"),
                 (f["peer"] or {}).get("port")): f for f in comparison["findings"]}
    scale = findings[("undocumented", scale_ip, "outbound", scale_port)]
    assert scale["severity"] == "high" and scale["zone"] == "store"
    assert (scale["peer"]["proto"], scale["peer"]["direction"], scale["peer"]["port"]) == ("udp", "outbound",
                                                                                          scale_port)
    assert scale["peer"]["samples"] == 7 and scale["peer"]["local_ips"] == [lab.old]
    assert any(p.startswith("python") for p in scale["peer"]["processes"]), scale["peer"]  # ss ran there

    callback = findings[("inbound", printer, "inbound", CALLBACK_PORT)]  # listed as an outbound printer, calls back in
    assert callback["severity"] == "high" and callback["dependency"] == "scale-adapter/printers"
    assert (callback["peer"]["direction"], callback["peer"]["port"]) == ("inbound", CALLBACK_PORT)
    stranger = findings[("inbound", store, "inbound", CALLBACK_PORT)]  # calls in, listed nowhere: an undeclared caller
    assert stranger["severity"] == "high" and stranger["peer"]["direction"] == "inbound"
    listeners = [f for f in comparison["findings"] if f["kind"] == "unused-listener"]
    assert not any(f["listener"]["port"] == CALLBACK_PORT for f in listeners)  # the callers say it: one finding
    unseen = [f for f in comparison["findings"] if f["kind"] == "unseen"]
    matched = {m["peer"]["remote_ip"] for m in comparison["matched"]}
    for address, _ in lab.printers:  # listed: seen only if an earlier lab test connected (TIME_WAIT)
        assert address in matched or any(address in f["targets"] for f in unseen)
    if printer not in matched:
        assert "seen, but not as declared" in unseen[0]["message"]

    drafted = load_inventory(draft)  # the draft validates
    drafted_as = {(t, d.direction, d.port): d for d in drafted.dependencies() for t in d.targets}
    assert drafted_as[(scale_ip, "outbound", scale_port)].protocol == "udp"
    assert drafted_as[(scale_ip, "outbound", scale_port)].zone == "store"
    assert (printer, "inbound", CALLBACK_PORT) in drafted_as and (store, "inbound", CALLBACK_PORT) in drafted_as
    assert draft.read_text(encoding="utf-8").startswith("# Draft inventory DISCOVERED")
    assert f"ssh://root@{lab.old}:22" in draft.read_text(encoding="utf-8").splitlines()[1]

    [record] = Workspace.load(ws).data["discoveries"]
    assert record["observation"]["source"] == "live" and record["comparison"]["kinds"]["inbound"] == 2

    # what discovery saw is now in the review: the undocumented scale blocks the verdict until it is listed
    verdict = migready_in_ops(lab, "verdict", ws, "--format", "json", timeout=60)
    assert verdict.returncode == 1, verdict.stdout + verdict.stderr
    reasons = json.loads(verdict.stdout)["reasons"]
    assert any(f"discovery:undocumented:udp:outbound:{scale_ip}:{scale_port}" in r for r in reasons), reasons
    assert any(f"discovery:inbound:tcp:inbound:{printer}:{CALLBACK_PORT}" in r for r in reasons), reasons


def test_an_undeclared_caller_from_the_old_site_blocks_until_declared_or_waived(lab, tmp_path):
    """Issue 22: discovery on the NEW site sees the old site calling in on a port no dependency declares
    (incident 5's scheduler calling its workers back).  High; recorded in the workspace, the verdict is
    NO-GO until the caller is declared in the inventory or the finding is waived."""
    inventory = tmp_path / "lab.yaml"
    inventory.write_text(INVENTORY.format(old=lab.old, new=lab.new,
                                          printers=", ".join(a for a, _ in lab.printers)), encoding="utf-8")
    ws = tmp_path / "new.migready.json"
    helpers = []
    try:
        helpers.append(start(lab, "new", LISTENER, CALLBACK_PORT, LIFETIME_S))
        helpers.append(start(lab, "old", CALLER, lab.old, lab.new, CALLBACK_PORT, LIFETIME_S))
        out = migready_in_ops(
            lab, "discover", inventory, "--host", f"ssh://root@{lab.new}:22", "--duration", "2",
            "--interval", "0.5", "--identity", lab.client_key, "--known-hosts", lab.known_hosts,
            "--ssh-config", "/dev/null", "--connect-timeout", "5", "--format", "json", "--workspace", ws,
            timeout=60)
    finally:
        for proc in helpers:
            proc.terminate()
        for proc in helpers:
            proc.wait(5)
    assert out.returncode == 1, out.stdout + out.stderr  # high: the default --fail-on stops a pipeline
    findings = json.loads(out.stdout)["comparison"]["findings"]
    [caller] = [f for f in findings if (f["peer"] or {}).get("remote_ip") == lab.old
                and (f["peer"] or {}).get("port") == CALLBACK_PORT]
    assert (caller["kind"], caller["severity"], caller["incident"]) == ("inbound", "high", 5)
    assert "undeclared caller" in caller["message"]
    item = f"discovery:inbound:tcp:inbound:{lab.old}:{CALLBACK_PORT}"

    verdict = migready_in_ops(lab, "verdict", ws, "--format", "json", timeout=60)
    assert verdict.returncode == 1
    reasons = json.loads(verdict.stdout)["reasons"]
    assert any(r.startswith(f"blocker failed: {item}") for r in reasons), reasons

    waived = migready_in_ops(lab, "waive", ws, item, "--by", "Lin Wei", "--reason", "the old scheduler, "
                             "switched off at cutover", "--until", "2099-01-01", timeout=60)
    assert waived.returncode == 0, waived.stdout + waived.stderr
    reasons = json.loads(migready_in_ops(lab, "verdict", ws, "--format", "json", timeout=60).stdout)["reasons"]
    assert not any(r.startswith(f"blocker failed: {item}") for r in reasons)
    assert any(r.startswith(f"waived: {item}") for r in reasons), reasons

    # declared instead: an inbound dependency for the caller, and the finding is gone from the review
    inventory.write_text(inventory.read_text(encoding="utf-8") + f"""\
      - name: scheduler
        kind: service
        protocol: tcp
        host: {lab.old}
        port: {CALLBACK_PORT}
        direction: inbound
""", encoding="utf-8")
    items = migready_in_ops(lab, "checklist", ws, "--format", "json", timeout=60)
    assert item not in {i["id"] for i in json.loads(items.stdout)["items"]}, items.stdout + items.stderr
