"""Importing observed connections from the tools people already run.

The sample files in tests/data/discovery/ follow the documented columns:
Azure Migrate's dependency CSV, the AWS Application Discovery Service agent
connection tables, and saved `ss -tunap` output.
"""
from pathlib import Path

import pytest

from migready.checks.discovery import detect_format, import_file, import_text
from migready.checks.store.problems import InputError

DATA = Path(__file__).parent / "data" / "discovery"


def peers_of(obs):
    return {(p.direction, p.proto, p.remote, p.port): p for p in obs.peers}


@pytest.mark.parametrize("name, fmt", [("azure_dependencies.csv", "azure"), ("aws_connections.csv", "aws"),
                                       ("ss_tunap.txt", "ss"), ("ss_tunapH_old_style.txt", "ss")])
def test_detect_format(name, fmt):
    assert detect_format((DATA / name).read_text(encoding="utf-8")) == fmt


@pytest.mark.parametrize("text", ["", "hello world\n", "a,b,c\n1,2,3\n", "{\"json\": true}\n"])
def test_undetectable_is_none_and_import_says_what_to_do(text):
    assert detect_format(text) is None
    with pytest.raises(InputError) as exc:
        import_text(text, "auto", "x.txt")
    assert "--input-format" in str(exc.value.problems[0])


def test_azure_needs_a_server_when_the_export_covers_several():
    with pytest.raises(InputError) as exc:
        import_file(DATA / "azure_dependencies.csv")
    message = exc.value.problems[0].message
    assert "3 source servers" in message and "scale-adapter-01" in message and "--server" in message


def test_azure_outbound_inbound_and_time_slots():
    obs = import_file(DATA / "azure_dependencies.csv", "azure", "Scale-Adapter-01")  # names: any case
    assert (obs.source, obs.server, obs.samples) == ("azure", "Scale-Adapter-01", 3)
    assert (obs.first, obs.last) == ("08-07-2024 10:00 - 10:15", "08-07-2024 10:30 - 10:45")
    peers = peers_of(obs)
    printer = peers[("outbound", "tcp", "10.1.4.21", 9100)]
    assert (printer.remote_name, printer.samples, printer.connections) == ("printer-21", 2, 2)
    assert printer.processes == ["scale-adapter"]
    assert peers[("outbound", "tcp", "172.19.3.14", 8100)].remote_name == "push-a-04"
    worker = peers[("inbound", "tcp", "worker-lz-201", 27777)]  # Azure gives no source address
    assert (worker.remote_ip, worker.processes) == ("", ["java"])
    assert len(obs.peers) == 4 and any("1 rows of other servers" in n for n in obs.notes)


def test_azure_one_source_server_is_picked_without_asking(tmp_path):
    lines = (DATA / "azure_dependencies.csv").read_text(encoding="utf-8").splitlines()
    only = tmp_path / "one.csv"
    only.write_bytes(("\ufeff" + "\n".join(lines[:4]) + "\n").encode("utf-8"))  # with a BOM, as Excel writes
    obs = import_file(only)
    assert obs.source == "azure" and obs.server == "scale-adapter-01" and len(obs.peers) == 2


def test_azure_bad_row_names_its_line(tmp_path):
    bad = tmp_path / "bad.csv"
    text = (DATA / "azure_dependencies.csv").read_text(encoding="utf-8").replace(",9100\n", ",http\n", 1)
    bad.write_text(text.replace("10.6.53.128,MySQL,mysqld,3306", "10.6.53.300,MySQL,mysqld,3306", 1),
                   encoding="utf-8")
    with pytest.raises(InputError) as exc:
        import_file(bad, server="scale-adapter-01")
    got = [(p.line, p.path) for p in exc.value.problems]
    assert got == [(2, "Destination port"), (4, "Destination IP")]


def test_azure_unknown_server(tmp_path):
    with pytest.raises(InputError) as exc:
        import_file(DATA / "azure_dependencies.csv", server="nope")
    assert "not in this export" in exc.value.problems[0].message


def test_aws_connections_server_found_in_every_row():
    obs = import_file(DATA / "aws_connections.csv")
    assert (obs.source, obs.server, obs.samples) == ("aws", "10.1.2.10", 3)
    peers = peers_of(obs)
    scale = peers[("outbound", "udp", "10.1.4.11", 5002)]
    assert (scale.samples, scale.connections, scale.local_ports) == (2, 2, [40001])
    callback = peers[("inbound", "tcp", "10.60.41.201", 27777)]
    assert callback.remote_ports == [43210] and callback.first_seen == "2024-07-08 10:10:00"
    assert obs.process_names == "none" and any("agent_assigned_process_id" in n for n in obs.notes)


def test_aws_protocol_numbers_and_explicit_server(tmp_path):
    text = ("source_ip,source_port,destination_ip,destination_port,transport_protocol\n"
            "10.1.2.10,40001,10.1.4.11,5002,17\n"
            "10.1.2.11,40001,10.1.4.11,5002,6\n")
    path = tmp_path / "aws.csv"
    path.write_text(text, encoding="utf-8")
    auto = import_file(path)  # the one address in every row: the export of 10.1.4.11's agent
    assert auto.server == "10.1.4.11" and {p.direction for p in auto.peers} == {"inbound"}
    obs = import_file(path, server="10.1.2.11")
    [peer] = obs.peers
    assert (peer.proto, peer.direction, peer.remote_ip) == ("tcp", "outbound", "10.1.4.11")
    with pytest.raises(InputError):
        import_file(path, server="not-an-address")
    path.write_text(text + "10.1.2.12,40001,10.1.4.13,5002,udp\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        import_file(path)
    assert "no address is common to every row" in exc.value.problems[0].message
    path.write_text(text.splitlines()[0] + "\n" + text.splitlines()[1] + "\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        import_file(path)
    assert "2 addresss" not in exc.value.problems[0].message and "pick one" in exc.value.problems[0].message


def test_aws_rejects_other_protocols_by_line(tmp_path):
    path = tmp_path / "aws.csv"
    path.write_text("source_ip,destination_ip,destination_port,transport_protocol\n"
                    "10.1.2.10,10.1.4.11,5002,icmp\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        import_file(path, "aws")
    assert (exc.value.problems[0].line, exc.value.problems[0].path) == (2, "transport_protocol")


def test_wrong_format_forced_names_the_missing_columns():
    with pytest.raises(InputError) as exc:
        import_file(DATA / "aws_connections.csv", "azure")
    assert "missing column(s) source server name" in exc.value.problems[0].message


def test_ss_file_snapshots_and_listeners():
    obs = import_file(DATA / "ss_tunap.txt")
    assert (obs.source, obs.samples, obs.process_names) == ("ss", 2, "ss")
    peers = peers_of(obs)
    assert peers[("outbound", "udp", "10.1.4.11", 5002)].samples == 2
    assert peers[("outbound", "tcp", "10.1.4.21", 9100)].connections == 2  # 41002 then 41006
    assert peers[("inbound", "tcp", "10.60.41.201", 27777)].processes == ["java"]
    assert peers[("outbound", "tcp", "10.1.4.22", 9100)].states == ["SYN_SENT"]
    listening = {(l.proto, l.ip, l.port) for l in obs.listening}
    assert {("tcp", "0.0.0.0", 22), ("tcp", "::", 27777), ("udp", "0.0.0.0", 9010)} <= listening


def test_ss_file_without_sockets(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        import_file(path, "ss")
    assert "no TCP or UDP socket" in exc.value.problems[0].message


def test_missing_file():
    with pytest.raises(InputError) as exc:
        import_file(DATA / "nope.csv")
    assert "cannot read" in exc.value.problems[0].message
