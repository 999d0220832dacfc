"""Socket table parsers (/proc/net/*, ss) and the agent's `sample_connections` check.

Samples in tests/data/discovery/ are written in the kernel's exact formats
(tcp4/tcp6 seq_show, time-wait and request socks, udp seq_show) for one
host, 10.1.2.10, that runs a scale adapter.  Live tests only open sockets on
loopback (127.0.0.1) and read this machine's own /proc/net.
"""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from migready.checks.probing import agent
from migready.checks.discovery import (TCP_STATES, SocketAggregator, decode_proc_address,
                                       guess_direction, parse_proc_net, parse_ss)
from migready.checks.discovery.procnet import socket_direction

AGENT = Path(agent.__file__).resolve()
DATA = Path(__file__).parent / "data" / "discovery"


def oldest_python():
    """A Python 3.6 interpreter if this machine has one (as tests/test_agent.py looks for it)."""
    root = Path(os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv")))
    for python in [str(p) for p in sorted(root.glob("versions/3.6*/bin/python3"))] + [shutil.which("python3.6")]:
        if python and subprocess.run([python, "-c", "pass"], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL).returncode == 0:
            return python
    return None


def read(name):
    return (DATA / name).read_text(encoding="utf-8")


def by_local_port(sockets):
    return {(s["local_ip"], s["local_port"], s["remote_ip"], s["remote_port"]): s for s in sockets}


# ---------------------------------------------------------------- addresses

@pytest.mark.parametrize("field, order, expected", [
    ("0100007F:0016", "little", ("127.0.0.1", 22)),
    ("0A02010A:A02A", "little", ("10.1.2.10", 41002)),
    ("0A01020A:A02A", "big", ("10.1.2.10", 41002)),
    ("00000000:0000", "little", ("0.0.0.0", 0)),
    ("00000000000000000000000001000000:1FBD", "little", ("::1", 8125)),
    ("B80D0120000010000000000010000000:BB80", "little", ("2001:db8:10::10", 48000)),
    ("20010DB8001000000000000000000010:BB80", "big", ("2001:db8:10::10", 48000)),
    # IPv4-mapped IPv6 comes out as the IPv4 address, so it matches inventories and ss
    ("0000000000000000FFFF00000A02010A:6C81", "little", ("10.1.2.10", 27777)),
])
def test_decode_proc_address(field, order, expected):
    assert decode_proc_address(field, order) == expected


@pytest.mark.parametrize("bad", ["0100007F", "0100007:0016", "XYZ:0016", "0100007F0000:0016"])
def test_decode_proc_address_rejects_garbage(bad):
    with pytest.raises(ValueError):
        decode_proc_address(bad, "little")


# ---------------------------------------------------------------- /proc/net

def test_tcp_every_state_ipv4():
    sockets = parse_proc_net(read("proc_net_tcp"), "tcp", "little")
    assert len(sockets) == 16 and {s["proto"] for s in sockets} == {"tcp"} and {s["family"] for s in sockets} == {4}
    states = [s["state"] for s in sockets]
    # every state the kernel prints in /proc/net/tcp (NEW_SYN_RECV request socks show as SYN_RECV)
    assert set(states) == {"LISTEN", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
                           "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "CLOSING"}
    assert set(TCP_STATES.values()) - set(states) == {"NEW_SYN_RECV"}
    s = by_local_port(sockets)
    listen = s[("0.0.0.0", 22, "0.0.0.0", 0)]
    assert (listen["state"], listen["uid"], listen["inode"]) == ("LISTEN", 0, 20394)
    assert s[("127.0.0.1", 6379, "0.0.0.0", 0)]["uid"] == 999
    assert s[("10.1.2.10", 22, "10.9.0.5", 51544)]["state"] == "ESTABLISHED"
    assert s[("10.1.2.10", 41004, "10.1.4.22", 9100)]["state"] == "SYN_SENT"
    syn_recv = s[("10.1.2.10", 8080, "10.3.0.7", 60122)]
    assert (syn_recv["state"], syn_recv["inode"]) == ("SYN_RECV", 0)  # a request sock: no inode
    tw = s[("10.1.2.10", 50000, "10.6.53.128", 3306)]
    assert (tw["state"], tw["uid"], tw["inode"]) == ("TIME_WAIT", 0, 0)  # the short time-wait line
    assert s[("10.1.2.10", 45150, "10.2.0.10", 9092)]["state"] == "CLOSING"


def test_tcp6_listen_mapped_native_and_time_wait():
    s = by_local_port(parse_proc_net(read("proc_net_tcp6"), "tcp6", "little"))
    assert s[("::", 22, "::", 0)]["state"] == "LISTEN"
    assert s[("::", 27777, "::", 0)]["state"] == "LISTEN"
    mapped = s[("10.1.2.10", 27777, "10.60.41.201", 43210)]
    assert (mapped["family"], mapped["state"], mapped["uid"]) == (6, "ESTABLISHED", 1002)
    assert s[("2001:db8:10::10", 48000, "2001:db8:20::5", 443)]["state"] == "ESTABLISHED"
    assert s[("2001:db8:10::10", 48002, "2001:db8:20::5", 443)]["state"] == "TIME_WAIT"
    assert s[("::1", 8125, "::", 0)]["state"] == "LISTEN"


def test_udp_unconnected_and_connected():
    s = by_local_port(parse_proc_net(read("proc_net_udp"), "udp", "little"))
    assert s[("0.0.0.0", 9010, "0.0.0.0", 0)]["state"] == "UNCONN"  # the SDK's fixed source port
    assert s[("10.1.2.10", 40001, "10.1.4.11", 5002)]["state"] == "ESTABLISHED"
    assert s[("127.0.0.53", 53, "0.0.0.0", 0)]["uid"] == 101
    s6 = by_local_port(parse_proc_net(read("proc_net_udp6"), "udp6", "little"))
    assert s6[("10.1.2.10", 40100, "10.1.4.12", 5002)]["state"] == "ESTABLISHED"
    assert s6[("2001:db8:10::10", 123, "::", 0)]["state"] == "UNCONN"
    assert {x["proto"] for x in s6.values()} == {"udp"}


def test_big_endian_host_sample():
    sockets = parse_proc_net(read("proc_net_tcp_bigendian"), "tcp", "big")
    assert [(x["local_ip"], x["remote_ip"], x["remote_port"]) for x in sockets] == [
        ("10.1.2.10", "10.1.4.21", 9100), ("2001:db8:10::10", "2001:db8:20::5", 443)]


def test_damaged_lines_are_skipped():
    text = read("proc_net_tcp").splitlines()
    text.insert(3, "   7: 0A02010A:ZZZZ 0B04010A:138A 01 00000000:00000000 00:00000000 00000000 0 0 1 2")
    text.append("  99: truncated")
    assert len(parse_proc_net("\n".join(text), "tcp", "little")) == 16


def test_this_machines_proc_net_on_loopback(loopback_connection):
    """Real kernel output: a loopback listener and connection, found in /proc/net/tcp."""
    port, cport = loopback_connection
    with open("/proc/net/tcp") as handle:
        sockets = parse_proc_net(handle.read(), "tcp")
    mine = by_local_port(sockets)
    assert mine[("127.0.0.1", port, "0.0.0.0", 0)]["state"] == "LISTEN"
    assert mine[("127.0.0.1", cport, "127.0.0.1", port)]["state"] == "ESTABLISHED"
    assert mine[("127.0.0.1", port, "127.0.0.1", cport)]["state"] == "ESTABLISHED"


# ---------------------------------------------------------------- ss

def test_ss_with_header_processes_ipv6_and_scope():
    sockets = parse_ss(read("ss_tunap.txt"))
    assert len(sockets) == 16 + 7  # two snapshots, header lines skipped
    first = by_local_port(sockets[:16])
    resolver = first[("127.0.0.53", 53, "0.0.0.0", 0)]
    assert (resolver["proto"], resolver["state"], resolver["processes"]) == ("udp", "UNCONN", ["systemd-resolve"])
    mapped = first[("10.1.2.10", 40100, "10.1.4.12", 5002)]
    assert (mapped["family"], mapped["state"], mapped["processes"]) == (4, "ESTABLISHED", ["scale-adapter"])
    star = first[("::", 27777, "::", 0)]
    assert (star["state"], star["processes"], star["pids"]) == ("LISTEN", ["java"], [3100])
    sshd = first[("10.1.2.10", 22, "10.9.0.5", 51544)]
    assert sshd["processes"] == ["sshd"] and sshd["pids"] == [5001, 5003]
    assert first[("10.1.2.10", 50000, "10.6.53.128", 3306)]["state"] == "TIME_WAIT"
    assert first[("10.1.2.10", 50000, "10.6.53.128", 3306)]["processes"] == []
    assert first[("2001:db8:10::10", 48000, "2001:db8:20::5", 443)]["processes"] == ["Web Content"]
    assert by_local_port(sockets[16:])[("10.1.2.10", 41004, "10.1.4.22", 9100)]["state"] == "SYN_SENT"


def test_ss_old_style_without_header():
    s = by_local_port(parse_ss(read("ss_tunapH_old_style.txt")))
    assert s[("::", 9010, "::", 0)]["state"] == "UNCONN"  # old ss: * for the IPv4 wildcard
    assert s[("::", 22, "::", 0)]["processes"] == ["sshd"]
    assert s[("fe80::5054:ff:fe12:3456", 22, "fe80::1", 50022)]["state"] == "ESTABLISHED"  # scope dropped


def test_ss_without_netid_column():
    text = ("State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n"
            "ESTAB  0      0      10.1.2.10:41002   10.1.4.21:9100    users:((\"scale-adapter\",pid=2101,fd=14))\n"
            "UNCONN 0      0      0.0.0.0:9010      0.0.0.0:*\n")
    tcp, udp = parse_ss(text)
    assert (tcp["proto"], tcp["state"], udp["proto"], udp["state"]) == ("tcp", "ESTABLISHED", "udp", "UNCONN")


def test_ss_ignores_other_netids_and_noise():
    text = ("u_str ESTAB 0 0 * 12345 * 12346 users:((\"dbus\",pid=1,fd=3))\n"
            "tcp   ESTAB 0 0 not-an-address:1 10.0.0.1:2\n\n   \n")
    assert parse_ss(text) == []


@pytest.mark.parametrize("users, names, pids", [
    ('users:(("sshd",pid=901,fd=3),("sshd",pid=905,fd=3))', ["sshd"], [901, 905]),  # iproute2 4.x and later
    ('users:(("sshd",901,3),("sshd",905,3))', ["sshd"], [901, 905]),  # iproute2 3.x
    ('users:(("java",pid=3100,tid=3107,fd=88),("java",pid=3100,tid=3100,fd=88))', ["java"], [3100]),  # -T
    ('users:(("Web Content",pid=4000,fd=50),("sshd",pid=901,fd=3))', ["Web Content", "sshd"], [901, 4000]),
])
def test_ss_process_formats_keep_names_and_pids(users, names, pids):
    [sock] = parse_ss(f"tcp LISTEN 0 128 0.0.0.0:22 0.0.0.0:* {users}\n")
    assert (sock["processes"], sock["pids"]) == (names, pids)


def test_ss_service_names_resolved_by_the_caller_or_reported():
    text = ("tcp ESTAB 0 0 192.0.2.10:ssh 198.51.100.7:50522\n"
            "tcp ESTAB 0 0 192.0.2.10:41002 198.51.100.21:scale-sdk\n")
    assert parse_ss(text) == []  # the agent itself (live sampling runs ss -n) reads numbers only
    rejected = []
    known = {("ssh", "tcp"): 22}
    [sock] = parse_ss(text, lambda name, proto: known.get((name, proto)), rejected)
    assert (sock["local_port"], sock["remote_port"]) == (22, 50522)
    assert [(n, why) for n, _, why in rejected] == [(2, "service name 'scale-sdk' is not a known port")]


# ---------------------------------------------------------------- direction and aggregation

def sock(proto, lip, lport, rip, rport, state, processes=()):
    return {"proto": proto, "family": 4, "local_ip": lip, "local_port": lport, "remote_ip": rip,
            "remote_port": rport, "state": state, "processes": list(processes)}


def test_direction_rules():
    listeners = {("tcp", "0.0.0.0", 8080), ("tcp", "::", 27777)}
    d = lambda s: socket_direction(s, listeners, (32768, 60999), {"10.1.2.10"})
    assert d(sock("tcp", "10.1.2.10", 8080, "10.3.0.8", 55000, "CLOSE_WAIT")) == "inbound"
    assert d(sock("tcp", "10.1.2.10", 27777, "10.60.41.201", 43210, "ESTABLISHED")) == "inbound"  # [::] listener
    assert d(sock("tcp", "10.1.2.10", 41002, "10.1.4.21", 9100, "ESTABLISHED")) == "outbound"
    assert d(sock("tcp", "10.1.2.10", 1000, "10.1.4.21", 2000, "SYN_SENT")) == "outbound"
    assert d(sock("tcp", "10.1.2.10", 1000, "10.1.4.21", 2000, "SYN_RECV")) == "inbound"
    # a connection to this host's own listener is outbound on the connecting side
    assert d(sock("tcp", "10.1.2.10", 40000, "10.1.2.10", 8080, "ESTABLISHED")) == "outbound"
    assert guess_direction(40000, 5002) == "outbound"
    assert guess_direction(5002, 40000) == "inbound"
    assert guess_direction(9010, 5002) == "outbound"  # neither ephemeral: the lower port is the service
    assert guess_direction(1022, 2049) == "inbound"


def test_aggregator_counts_first_last_and_excludes_own_session():
    own = ("tcp", "10.1.2.10", 22, "10.9.0.5", 51544)
    agg = SocketAggregator((32768, 60999), own)
    snap1 = [sock("tcp", "0.0.0.0", 22, "0.0.0.0", 0, "LISTEN", ["sshd"]),
             sock("tcp", "10.1.2.10", 22, "10.9.0.5", 51544, "ESTABLISHED", ["sshd"]),
             sock("tcp", "10.1.2.10", 22, "10.9.0.6", 40000, "ESTABLISHED", ["sshd"]),
             sock("udp", "10.1.2.10", 40001, "10.1.4.11", 5002, "ESTABLISHED", ["scale-adapter"])]
    snap2 = [snap1[0], snap1[3], sock("udp", "10.1.2.10", 40002, "10.1.4.11", 5002, "ESTABLISHED"),
             sock("udp", "0.0.0.0", 51234, "0.0.0.0", 0, "UNCONN")]
    agg.add(snap1, "2024-07-08T10:00:00.000+00:00")
    agg.add(snap2, "2024-07-08T10:00:01.000+00:00")
    data = agg.to_data()
    assert data["samples"] == 2 and data["excluded"] == 1
    peers = {(p["direction"], p["remote_ip"], p["port"]): p for p in data["peers"]}
    assert set(peers) == {("inbound", "10.9.0.6", 22), ("outbound", "10.1.4.11", 5002)}
    scale = peers[("outbound", "10.1.4.11", 5002)]
    assert scale["samples"] == 2 and sorted(scale["conns"]) == ["40001-5002", "40002-5002"]
    assert (scale["first_seen"], scale["last_seen"]) == ("2024-07-08T10:00:00.000+00:00",
                                                         "2024-07-08T10:00:01.000+00:00")
    assert scale["processes"] == ["scale-adapter"] and scale["local_ports"] == [40001, 40002]
    listening = {(l["proto"], l["port"]): l for l in data["listening"]}
    assert listening[("tcp", 22)]["samples"] == 2 and listening[("tcp", 22)]["ephemeral"] is False
    assert listening[("udp", 51234)]["ephemeral"] is True
    json.dumps(data)  # it travels as JSON


def test_aggregator_merge_of_chunks_equals_one_pass():
    snaps = [[sock("tcp", "10.1.2.10", 41000 + i, "10.1.4.21", 9100, "ESTABLISHED", ["a" if i % 2 else "b"])]
             for i in range(4)]
    whole = SocketAggregator()
    for i, snap in enumerate(snaps):
        whole.add(snap, "t%d" % i)
    merged = SocketAggregator()
    for part in (snaps[:2], snaps[2:]):
        chunk = SocketAggregator()
        for snap in part:
            chunk.add(snap, "t%d" % snaps.index(snap))
        merged.merge(chunk.to_data())
    assert merged.to_data() == whole.to_data()


# ---------------------------------------------------------------- the agent check

def run_agent_plan(plan, python=sys.executable):
    proc = subprocess.run([python, str(AGENT), "run"], input=json.dumps(plan), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines()]


def check_sample_result(lines, port, cport):
    [result] = [l for l in lines if l["type"] == "result"]
    assert (result["status"], result["reason"]) == ("pass", "sampled"), result
    data = result["data"]
    assert data["samples"] == 3 and data["first"] < data["last"]
    peers = {(p["direction"], p["port"]): p for p in data["peers"] if p["remote_ip"] == "127.0.0.1"}
    inbound, outbound = peers[("inbound", port)], peers[("outbound", port)]
    assert inbound["remote_ports"] == [cport] and outbound["local_ports"] == [cport]
    assert inbound["samples"] == 3 == outbound["samples"]
    assert any(l["port"] == port and l["proto"] == "tcp" for l in data["listening"])
    return data


def test_sample_connections_check_in_a_real_agent_process(loopback_connection):
    lines = run_agent_plan({"version": 1, "jobs": 1, "probes": [
        {"id": "c1", "check": "sample_connections", "samples": 3, "interval_s": 0.1}]})
    data = check_sample_result(lines, *loopback_connection)
    assert data["ss"] in (["used"], ["missing"], ["failed"])
    assert lines[-1]["type"] == "summary" and lines[-1]["pass"] == 1


def test_sample_connections_bad_fields_are_bad_probe():
    lines = run_agent_plan({"version": 1, "probes": [
        {"id": "a", "check": "sample_connections", "samples": 0},
        {"id": "b", "check": "sample_connections", "interval_s": -1},
        {"id": "c", "check": "sample_connections", "samples": True}]})
    assert {l["id"]: l["reason"] for l in lines if l["type"] == "result"} == {
        "a": "bad_probe", "b": "bad_probe", "c": "bad_probe"}


def test_sample_connections_stops_when_its_time_runs_out():
    result = agent.run_probe({"id": "x", "check": "sample_connections", "samples": 50, "interval_s": 0.5,
                              "timeout_ms": 1600, "ss": False})
    assert result["status"] == "pass" and result["data"]["samples"] < 50
    assert "time ran out" in result["data"]["notes"][0]


def test_own_ssh_session_from_environment(monkeypatch):
    monkeypatch.setenv("SSH_CONNECTION", "198.18.0.2 51234 198.18.1.2 22")
    assert agent._own_ssh_session() == ("tcp", "198.18.1.2", 22, "198.18.0.2", 51234)
    monkeypatch.setenv("SSH_CONNECTION", "::ffff:198.18.0.2 51234 fe80::1%eth0 22")
    assert agent._own_ssh_session() == ("tcp", "fe80::1", 22, "198.18.0.2", 51234)
    monkeypatch.delenv("SSH_CONNECTION")
    assert agent._own_ssh_session() is None


def test_real_python36_samples_connections(loopback_connection):
    python = oldest_python()
    if python is None:
        pytest.skip("no Python 3.6 interpreter here (set MIGREADY_AGENT_PYTHON in CI)")
    lines = run_agent_plan({"version": 1, "jobs": 1, "probes": [
        {"id": "c1", "check": "sample_connections", "samples": 3, "interval_s": 0.1}]}, python)
    assert lines[0]["python"].startswith("3.6")
    check_sample_result(lines, *loopback_connection)
