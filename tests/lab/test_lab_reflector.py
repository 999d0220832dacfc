"""Reflectors in the real lab: a real coturn as the store zone's STUN reflector, and forged sources.

Issue 24 item 4: the agent can use a STUN server that networks already run.
A real coturn (Debian `coturn`, STUN only: no relay, no TLS, no CLI, bound to
the store's lab address and nothing else) stands in the store zone; the
inventory says `protocol: stun`; `migready probe` runs over SSH from the old
site (routed) and the new one (MASQUERADE --random-fully), and the source port
9010 rewritten by that real SNAT is caught from coturn's XOR-MAPPED-ADDRESS.
The same flow runs against `migready reflector`, which answers STUN on its
usual port: one reflector serves both.

Issue 23 finding 8: a datagram's source can be forged.  From the ops
namespace, raw IPv4 datagrams carry the old site's address as their source;
the old site counts what the reflector sends it: never more bytes than the
forger sent, nothing for requests smaller than their answer, and no more
answers than the per-source rate.
"""
from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time

import pytest

from .conftest import lab_unavailable
from .labflow import INVENTORY, migready_in_ops, probe
from .netlab import AGENT_PY

COTURN_PORT = 3480
SPOOF_REFLECTOR_PORT = 3490
VICTIM_PORT = 5555


@pytest.fixture(scope="module")
def coturn(lab):
    """coturn in the store namespace on (store address, 3480), STUN only; stopped after the module."""
    if shutil.which("turnserver") is None:
        lab_unavailable("turnserver is not installed (Debian package coturn)")
    work = lab.workdir / "coturn"
    work.mkdir(exist_ok=True)
    argv = ["turnserver", "-n",  # -n: no configuration file, only these options
            "--stun-only", "--no-tls", "--no-dtls", "--no-cli", "--no-rfc5780", "--no-software-attribute",
            "--listening-ip", lab.store, "--listening-port", COTURN_PORT, "--relay-ip", lab.store,
            "--log-file", "stdout", "--simple-log", "--db", work / "turndb", "--pidfile", work / "turnserver.pid"]
    proc = lab.start_daemon("store", "coturn", argv, ready="Total General servers")
    yield (lab.store, COTURN_PORT)
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def stun_inventory(lab, tmp_path, reflector) -> "object":
    text = INVENTORY.format(old=lab.old, new=lab.new, reflector=reflector[0], reflector_port=reflector[1],
                            scales=", ".join(a for a, _ in lab.scales),
                            printers=", ".join(a for a, _ in lab.printers))
    line = "reflectors: [{host: %s, port: %d}]" % reflector
    assert line in text
    path = tmp_path / "stun.yaml"
    path.write_text(text.replace(line, "reflectors: [{host: %s, port: %d, protocol: stun}]" % reflector),
                    encoding="utf-8")
    return path


def reflects(run):
    return [r for r in run["results"] if r["dependency"] == "scale-adapter/scales" and r["check"] == "reflect"]


@pytest.mark.parametrize("server", ["coturn", "migready"])
def test_a_stun_reflector_catches_the_port_rewritten_by_real_snat(lab, coturn, reflector, tmp_path, server):
    where = coturn if server == "coturn" else reflector
    inventory = stun_inventory(lab, tmp_path, where)
    plan = migready_in_ops(lab, "plan", inventory, "--phase", "post", "--format", "json")
    assert plan.returncode == 0, plan.stderr
    [shown] = [p for p in json.loads(plan.stdout)["probes"] if p["check"] == "reflect"]
    assert (shown["address"], shown["port"]) == where and shown["note"].startswith("STUN Binding request")

    ws = tmp_path / "stun.migready.json"
    pre = probe(lab, inventory, "pre", ws)
    assert pre.returncode == 0, pre.stdout + pre.stderr
    post = probe(lab, inventory, "post", ws)
    assert post.returncode == 1, post.stdout + post.stderr
    before, after = json.loads(ws.read_text(encoding="utf-8"))["runs"]

    [seen_pre], [seen_post] = reflects(before), reflects(after)
    assert seen_pre["status"] == "pass" and seen_pre["data"]["wire"] == "stun"
    assert seen_pre["data"]["observed"] == {"ip": lab.old, "port": 9010} == seen_pre["data"]["local"]
    assert (seen_post["status"], seen_post["reason"]) == ("fail", "port_rewritten")
    assert seen_post["data"]["local"] == {"ip": lab.new, "port": 9010}
    assert seen_post["data"]["observed"]["ip"] == lab.nat_address and seen_post["data"]["observed"]["port"] != 9010
    assert "source port 9010 →" in post.stdout and "(rewritten by NAT)" in post.stdout

    verdict = migready_in_ops(lab, "verdict", ws)
    assert verdict.returncode == 1 and "NO-GO" in verdict.stdout
    assert "source port 9010 rewritten by NAT" in verdict.stdout


# ---------------------------------------------------------------- forged sources

_VICTIM = r"""
import json, signal, socket, sys
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
sock.bind((sys.argv[1], int(sys.argv[2])))
sock.settimeout(0.1)
stop, got = [], {"datagrams": 0, "bytes": 0, "largest": 0, "nonces": []}
signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
print("ready", flush=True)
while not stop:
    try:
        data = sock.recv(65535)
    except socket.timeout:
        continue
    got["datagrams"] += 1
    got["bytes"] += len(data)
    got["largest"] = max(got["largest"], len(data))
    try:
        nonce = json.loads(data).get("nonce")
    except ValueError:
        nonce = "(not json)"
    if nonce not in got["nonces"]:
        got["nonces"].append(nonce)
print(json.dumps(got), flush=True)
"""

_FORGER = r"""
import json, socket, struct, sys, time
src, sport, dst, dport, count = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)  # we write the IP header
def forged(payload):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload  # checksum 0: none (IPv4)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, socket.IPPROTO_UDP, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    return ip + udp
short = json.dumps({"migready": "reflect", "nonce": "short"}).encode()
head = json.dumps({"migready": "reflect", "nonce": "padded", "pad": ""})
padded = json.dumps({"migready": "reflect", "nonce": "padded", "pad": "." * (256 - len(head))}).encode()
sent = {"datagrams": 0, "bytes": 0}
t0 = time.monotonic()
for i in range(count):
    for payload in (b"", short, padded):
        raw.sendto(forged(payload), (dst, 0))
        sent["datagrams"] += 1
        sent["bytes"] += len(payload)
sent["elapsed"] = time.monotonic() - t0
print(json.dumps(sent), flush=True)
"""


def test_forged_sources_get_no_amplification_and_at_most_the_rate(lab, tmp_path):
    rate = 20
    lab.start_daemon("store", "spoof-reflector", [sys.executable, "-I", str(AGENT_PY), "reflector", "--udp",
                                                  "--bind", lab.store, "--port", SPOOF_REFLECTOR_PORT,
                                                  "--rate-per-source", rate, "--rate", 10000],
                     ready="listening udp")
    for knob in ("all", "default", "to-ops"):  # a flat network: the lab's router does not filter forged sources
        lab.exec_in("router", ["sysctl", "-qw", "net.ipv4.conf.%s.rp_filter=0" % knob], check=True)
    victim = lab.popen_in("old", [sys.executable, "-I", "-c", _VICTIM, lab.old, VICTIM_PORT],
                          stdout=subprocess.PIPE, text=True)
    try:
        assert victim.stdout.readline().strip() == "ready"
        t0 = time.monotonic()
        forger = lab.exec_in("ops", [sys.executable, "-I", "-c", _FORGER, lab.old, VICTIM_PORT, lab.store,
                                     SPOOF_REFLECTOR_PORT, 1000])
        assert forger.returncode == 0, forger.stderr
        sent = json.loads(forger.stdout)
        time.sleep(1.0)  # let the last answers arrive (this only loosens the bound below)
        elapsed = time.monotonic() - t0
        victim.send_signal(signal.SIGTERM)
        got = json.loads(victim.communicate(timeout=10)[0].strip().splitlines()[-1])
    finally:
        if victim.poll() is None:
            victim.kill()
            victim.wait()
    assert got["datagrams"] > 0, "the forged requests never reached the reflector: the test proves nothing"
    assert got["nonces"] == ["padded"]  # nothing for the 0-byte and the short requests
    assert got["bytes"] <= sent["bytes"] and got["largest"] <= 256
    assert got["datagrams"] <= rate + rate * elapsed, (got, elapsed)
