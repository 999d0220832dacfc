"""Imports of the layouts the tools really write (tests/data/discovery/README.md says where each comes from).

Each fixture is built from a documented column list with documentation
addresses; the tests assert what a migration lead reads off the result:
which peers, in which direction, by which process, first and last seen,
and the counts of the import summary.
"""
import codecs
import zipfile
from pathlib import Path

import pytest

from migready.checks.discovery import detect_format, import_file, import_text
from migready.checks.discovery.timeslots import parse_stamp
from migready.checks.store.problems import InputError

DATA = Path(__file__).parent / "data" / "discovery"
AWS_EXPORT = DATA / "aws_export"


def peers_of(obs):
    return {(p.direction, p.proto, p.remote, p.port): p for p in obs.peers}


@pytest.mark.parametrize("name, fmt", [
    ("azure_agentless_export.csv", "azure"), ("azure_learn_export.csv", "azure"), ("azure_75_clients.csv", "azure"),
    ("aws_athena_connections.csv", "aws"), ("aws_export/123456789012_sourceProcessConnection.csv", "aws"),
    ("aws_export/123456789012_destinationProcessConnection.csv", "aws"),
    ("ss_iproute2_3x.txt", "ss"), ("ss_tunapT_threads.txt", "ss"), ("ss_tuap_without_n.txt", "ss")])
def test_documented_layouts_are_detected(name, fmt):
    assert detect_format((DATA / name).read_text(encoding="utf-8")) == fmt


# ---------------------------------------------------------------- Azure

def test_azure_agentless_real_header_directions_processes_and_times():
    obs = import_file(DATA / "azure_agentless_export.csv", server="app-01")
    assert (obs.source, obs.server, obs.samples) == ("azure", "app-01", 4)
    # slots run over the year end: ordered as dates (month first), not as text
    assert (obs.first, obs.last) == ("12/31/2024 12:00-18:00", "01/01/2025 6:00-12:00")
    peers = peers_of(obs)
    assert len(peers) == 4
    db = peers[("outbound", "tcp", "198.51.100.20", 1433)]
    assert (db.remote_name, db.processes, db.samples, db.local_ips) == ("db-01", ["scale-adapter.exe"], 4,
                                                                        ["192.0.2.10"])
    assert (db.first_seen, db.last_seen) == ("12/31/2024 12:00-18:00", "01/01/2025 6:00-12:00")
    unnamed = peers[("outbound", "tcp", "203.0.113.5", 443)]  # empty destination name, "Unknown process"
    assert (unnamed.remote_name, unnamed.samples) == ("", 2)
    first = peers[("inbound", "tcp", "198.51.100.31", 8443)]  # inbound keyed by Source IP
    assert (first.samples, first.processes) == (2, ["scale-adapter.exe"])
    assert (first.first_seen, first.last_seen) == ("12/31/2024 18:00-0:00", "01/01/2025 6:00-12:00")
    assert peers[("inbound", "tcp", "198.51.100.32", 8443)].samples == 1
    assert all("Unknown process" not in p.processes for p in obs.peers)
    assert obs.imported == {"files": [str(DATA / "azure_agentless_export.csv")], "rows": 10, "used": 9,
                            "skipped": {"rows of other servers": 1}}
    assert obs.notes[0] == "read 10 rows: 9 used (4 peers); left out: 1 rows of other servers"


def test_azure_server_by_address():
    obs = import_file(DATA / "azure_agentless_export.csv", server="192.0.2.30")  # report-01's Source IP
    [peer] = obs.peers
    assert (peer.direction, peer.remote_ip, peer.port) == ("outbound", "198.51.100.20", 1433)


def test_azure_excel_unicode_text_reads_as_the_csv():
    raw = (DATA / "azure_agentless_unicode_text.txt").read_bytes()
    assert raw.startswith(codecs.BOM_UTF16_LE) and b"\t\x00" in raw  # what Excel writes
    utf16 = import_file(DATA / "azure_agentless_unicode_text.txt", server="app-01")
    csv = import_file(DATA / "azure_agentless_export.csv", server="app-01")
    assert [p.to_dict() for p in utf16.peers] == [p.to_dict() for p in csv.peers]
    assert (utf16.first, utf16.last, utf16.imported["rows"]) == (csv.first, csv.last, 10)


@pytest.mark.parametrize("encode", [
    lambda t: t.replace(",", ";").encode("utf-8"),  # re-saved under a comma-decimal locale
    lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
    lambda t: t.encode("utf-16-le"),  # UTF-16 without a BOM
    lambda t: t.replace("report-01", "Zürich-01").encode("cp1252"),  # not UTF-8: Windows-1252
])
def test_azure_resaved_files(tmp_path, encode):
    path = tmp_path / "deps.csv"
    path.write_bytes(encode((DATA / "azure_agentless_export.csv").read_text(encoding="utf-8")))
    obs = import_file(path, server="app-01")
    assert len(obs.peers) == 4 and obs.imported["rows"] == 10 and obs.first == "12/31/2024 12:00-18:00"


def test_azure_learn_header_timeslot_and_spaced_dash():
    obs = import_file(DATA / "azure_learn_export.csv", server="APP-01")
    assert (obs.samples, obs.first, obs.last) == (3, "12/15/2024 12:00 - 18:00", "12/16/2024 0:00 - 6:00")
    peers = peers_of(obs)
    printer = peers[("outbound", "tcp", "198.51.100.21", 9100)]
    assert (printer.remote_name, printer.samples, printer.processes) == ("printer-21", 2, ["scale-adapter.exe"])
    worker = peers[("inbound", "tcp", "worker-201", 27777)]  # no Source IP column: known by name
    assert (worker.remote_ip, worker.processes) == ("", ["java.exe"])
    assert any("no Source IP column" in n for n in obs.notes)


def test_azure_75_unnamed_clients_are_75_peers():
    obs = import_file(DATA / "azure_75_clients.csv")  # one named source server: picked without asking
    inbound = [p for p in obs.peers if p.direction == "inbound"]
    assert obs.server == "app-01" and len(inbound) == 75
    assert {p.remote_ip for p in inbound} == {f"198.51.100.{i}" for i in range(1, 76)}
    assert all(p.port == 8443 and p.remote_name == "" for p in inbound)
    assert obs.notes[0] == "read 76 rows: 76 used (76 peers); nothing left out"


def test_azure_slot_day_first_only_file_is_read_and_said(tmp_path):
    text = ("Time slot,Source server name,Source IP,Destination server name,Destination IP,Destination port\n"
            "15/12/2024 0:00-6:00,a,192.0.2.1,,198.51.100.1,80\n"
            "31/12/2024 0:00-6:00,a,192.0.2.1,,198.51.100.1,80\n"
            "13/12/2024 0:00-6:00,a,192.0.2.1,,198.51.100.1,80\n")
    obs = import_text(text)
    assert (obs.first, obs.last) == ("13/12/2024 0:00-6:00", "31/12/2024 0:00-6:00")
    assert any("day first" in n for n in obs.notes)


def test_azure_ambiguous_slot_is_rejected_not_guessed():
    text = ("Time slot,Source server name,Source IP,Destination server name,Destination IP,Destination port\n"
            "15/12/2024 0:00-6:00,a,192.0.2.1,,198.51.100.1,80\n"
            "08/12/2024 0:00-6:00,a,192.0.2.1,,198.51.100.1,80\n")
    with pytest.raises(InputError) as exc:
        import_text(text, origin="deps.csv")
    [problem] = exc.value.problems
    assert (problem.file, problem.line, problem.path) == ("deps.csv", 3, "Time slot")
    assert "ambiguous" in problem.message and "line 2" in problem.message


def test_azure_mixed_orders_and_unreadable_slots_name_their_lines():
    text = (DATA / "azure_agentless_export.csv").read_text(encoding="utf-8")
    mixed = text.replace("12/31/2024 12:00-18:00,report-01", "31/12/2024 12:00-18:00,report-01")
    with pytest.raises(InputError) as exc:
        import_text(mixed, server="app-01")
    assert exc.value.problems[0].line == 11 and "month first" in exc.value.problems[0].message
    garbled = text.replace("01/01/2025 6:00-12:00", "Wed 6am", 1)
    with pytest.raises(InputError) as exc:
        import_text(garbled, server="app-01")
    assert [(p.line, p.path) for p in exc.value.problems] == [(5, "Time slot")]


@pytest.mark.parametrize("text, key", [
    ("12/15/2024 12:00-18:00", (2024, 12, 15, 12, 0, 0)),
    ("12/18/2024 18:00-0:00", (2024, 12, 18, 18, 0, 0)),
    ("12/15/2024 12:00 - 18:00", (2024, 12, 15, 12, 0, 0)),
    ("12-15-2024 12:00 \u2013 18:00", (2024, 12, 15, 12, 0, 0)),
    ("07/08/2024 01:10:00 PM", (2024, 7, 8, 13, 10, 0)),
    ("07/08/2024 12:05:00 am", (2024, 7, 8, 0, 5, 0)),
    ("2024-07-08 10:10:00", (2024, 7, 8, 10, 10, 0)),
])
def test_time_formats_month_first(text, key):
    assert parse_stamp(text).key(day_first=False) == key


@pytest.mark.parametrize("text", ["", "yesterday", "13/13/2024 0:00", "07/08/2024 13:10:00 PM", "12/15/2024 25:00"])
def test_time_formats_rejected(text):
    assert parse_stamp(text) is None


# ---------------------------------------------------------------- AWS

def _aws_expected(obs):
    assert (obs.source, obs.server) == ("aws", "192.0.2.10")
    peers = peers_of(obs)
    assert len(peers) == 4
    scale = peers[("outbound", "udp", "198.51.100.11", 5002)]
    # AM/PM ordered as times: 11:55 AM < 12:05 PM < 01:10 PM
    assert (scale.first_seen, scale.last_seen) == ("07/08/2024 11:55:00 AM", "07/08/2024 01:10:00 PM")
    assert (scale.samples, scale.local_ports, scale.processes) == (3, [40001], ["scale-adapter"])
    printer = peers[("outbound", "tcp", "198.51.100.21", 9100)]
    assert (printer.connections, printer.local_ports) == (2, [41002, 41006])
    callback = peers[("inbound", "tcp", "203.0.113.201", 27777)]
    assert (callback.remote_ports, callback.processes) == ([43210, 43214], ["java"])
    assert (callback.first_seen, callback.last_seen) == ("07/08/2024 10:10:00 AM", "07/08/2024 02:40:00 PM")
    assert peers[("inbound", "tcp", "203.0.113.202", 27777)].samples == 1
    assert (obs.first, obs.last) == ("07/08/2024 09:30:00 AM", "07/08/2024 02:40:00 PM")
    assert obs.process_names == "export"
    assert not any(p.remote_ip in ("127.0.0.1", "::1") for p in obs.peers)
    assert (obs.imported["rows"], obs.imported["used"]) == (11, 8)
    assert obs.imported["skipped"] == {"loopback rows (the host talking to itself)": 3}


def test_aws_export_folder_both_connection_files_and_process_names():
    _aws_expected(import_file(AWS_EXPORT))


def test_aws_export_zip(tmp_path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for member in sorted(AWS_EXPORT.iterdir()):
            z.write(member, f"agentExports/{member.name}")
        z.writestr("agentExports/123456789012_osInfo.csv", "accountNumber,agentId,osName\n1,2,Linux\n")
    obs = import_file(archive)
    _aws_expected(obs)
    assert all(f.startswith(str(archive)) for f in obs.imported["files"])


def test_aws_camelcase_single_files_and_explicit_format():
    out = import_file(AWS_EXPORT / "123456789012_sourceProcessConnection.csv", "aws")
    assert out.server == "192.0.2.10" and {p.direction for p in out.peers} == {"outbound"}
    assert out.process_names == "none" and any("process file" in n for n in out.notes)
    assert out.imported["skipped"] == {"loopback rows (the host talking to itself)": 2}
    into = import_file(AWS_EXPORT / "123456789012_destinationProcessConnection.csv")
    assert into.server == "192.0.2.10" and len(into.peers) == 2


def test_aws_process_file_alone_says_what_to_import():
    with pytest.raises(InputError) as exc:
        import_file(AWS_EXPORT / "123456789012_process.csv")
    assert "process file" in exc.value.problems[0].message


def test_aws_athena_form_with_loopback_rows():
    obs = import_file(DATA / "aws_athena_connections.csv")
    assert obs.server == "192.0.2.10"  # the loopback row first does not hide the server
    peers = peers_of(obs)
    assert set(peers) == {("outbound", "udp", "198.51.100.11", 5002), ("outbound", "tcp", "198.51.100.20", 1433),
                          ("inbound", "tcp", "203.0.113.201", 27777)}
    scale = peers[("outbound", "udp", "198.51.100.11", 5002)]
    assert (scale.first_seen, scale.last_seen) == ("2024-07-08 11:55:00", "2024-07-08 13:10:00")
    assert obs.notes[0] == "read 5 rows: 4 used (3 peers); left out: 1 loopback rows (the host talking to itself)"


def test_aws_bad_rows_named_by_file_line_and_column(tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    for member in AWS_EXPORT.iterdir():
        text = member.read_text(encoding="utf-8")
        if "destinationProcess" in member.name:
            text = text.replace("203.0.113.202", "203.0.113.300").replace("07/08/2024 02:40:00 PM", "soon")
        (folder / member.name).write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        import_file(folder)
    got = {(Path(p.file).name, p.line, p.path) for p in exc.value.problems}
    assert ("123456789012_destinationProcessConnection.csv", 4, "sourceIp") in got
    assert any(path == "agentProvidedTimeStamp" for _, _, path in got)


# ---------------------------------------------------------------- ss

def test_ss_iproute2_3x_process_format_keeps_names():
    obs = import_file(DATA / "ss_iproute2_3x.txt")
    assert obs.process_names == "ss" and not any("without -p" in n for n in obs.notes)
    peers = peers_of(obs)
    assert peers[("outbound", "tcp", "198.51.100.21", 9100)].processes == ["scale-adapter"]
    assert peers[("inbound", "tcp", "203.0.113.201", 27777)].processes == ["java"]
    assert {(l.port, tuple(l.processes)) for l in obs.listening} == {(22, ("sshd",)), (27777, ("java",))}
    assert obs.notes[0] == "read 4 socket lines: 4 used (2 peers); nothing left out"


def test_ss_threads_format_keeps_names():
    obs = import_file(DATA / "ss_tunapT_threads.txt")
    peers = peers_of(obs)
    assert peers[("outbound", "udp", "198.51.100.11", 5002)].processes == ["scale-adapter"]
    assert peers[("inbound", "tcp", "203.0.113.201", 27777)].processes == ["java"]
    assert obs.process_names == "ss" and len(peers) == 3


def test_ss_without_n_resolves_service_names_and_reports_the_rest():
    obs = import_file(DATA / "ss_tuap_without_n.txt")
    peers = peers_of(obs)
    assert set(peers) == {("inbound", "tcp", "198.51.100.7", 22), ("outbound", "tcp", "198.51.100.20", 3306),
                          ("outbound", "tcp", "203.0.113.5", 443), ("outbound", "udp", "198.51.100.11", 5002)}
    assert any("use -n" in n for n in obs.notes)
    assert any("line 7" in n and "scale-sdk" in n for n in obs.notes)  # not dropped without a word
    assert obs.imported["rows"] == 6 and obs.imported["used"] == 5
    assert sum(obs.imported["skipped"].values()) == 1


def test_ss_without_n_nothing_readable_says_use_n(tmp_path):
    path = tmp_path / "ss.txt"
    path.write_text("Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n"
                    "tcp ESTAB 0 0 192.0.2.10:41002 198.51.100.21:scale-sdk users:((\"a\",pid=1,fd=2))\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as exc:
        import_file(path)
    assert "ss -tunap -n" in exc.value.problems[0].message


# ---------------------------------------------------------------- input that is not a file

def test_not_a_regular_file(tmp_path):
    import os
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(InputError) as exc:
        import_file(fifo)
    assert "not a regular file" in exc.value.problems[0].message


def test_empty_folder_says_what_it_expected(tmp_path):
    with pytest.raises(InputError) as exc:
        import_file(tmp_path)
    assert "sourceProcessConnection" in exc.value.problems[0].message


def test_size_bound_for_files_and_zip_contents(tmp_path, monkeypatch):
    from migready.checks.discovery import exportfile
    monkeypatch.setattr(exportfile, "MAX_EXPORT_BYTES", 1000)  # the real bound is 4 GiB
    with pytest.raises(InputError) as exc:
        import_file(DATA / "azure_75_clients.csv")  # 8.5 kB
    assert "an export is read up to" in exc.value.problems[0].message
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("1_sourceProcessConnection.csv", "sourceIp,destinationIp,destinationPort\n" * 100)
    assert archive.stat().st_size < 1000  # small on disk, large inside
    with pytest.raises(InputError) as exc:
        import_file(archive)
    assert "(uncompressed)" in exc.value.problems[0].file


@pytest.mark.parametrize("fmt", ["auto", "azure", "aws", "ss"])
@pytest.mark.parametrize("content", [
    bytes(range(256)) * 40,  # not text in any encoding tried (0x81 is undefined in Windows-1252)
    codecs.BOM_UTF16_LE + "Time slot\tSource server name\tDestination server name\tDestination port\r\n"
    .encode("utf-16-le") + b"\x00\xd8",  # UTF-16 cut in the middle of a surrogate pair
])
def test_undecodable_files_are_input_errors(tmp_path, fmt, content):
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    with pytest.raises(InputError):
        import_file(path, fmt)
