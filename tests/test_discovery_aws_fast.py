"""The AWS importer's chunked path says exactly what the row-by-row path says (issue 27).

A 50 MB agent export is folded a chunk at a time with C-level maps
(`AwsReader._read_fast`); anything that path does not expect (a day-first
date, an unreadable or empty time, a date spelled two ways, a source port
that is not a number, any problem) makes the reader start again row by row
(`_read_exact`), which names every problem with its line.  Each export below
is imported both ways and the peers, counts, times and notes, or the
problems, must be the same.
"""
from __future__ import annotations


import pytest

from discovery_both_ways import both_ways as read_both_ways
from migready.checks.discovery import import_aws

HEADER = ("accountNumber,agentId,sourceIp,sourcePort,destinationIp,destinationPort,ipVersion,"
          "transportProtocol,agentAssignedProcessId,agentProvidedTimeStamp")


def rows(n: int = 300, stamp=None, port=None) -> list[str]:
    out = []
    for k in range(n):
        hour, minute, second = 1 + k % 12, k % 60, (k * 7) % 60
        when = stamp(k) if stamp else f"07/{8 + k % 3:02d}/2024 {hour:02d}:{minute:02d}:{second:02d} " \
                                      f"{'PM' if k % 2 else 'AM'}"
        sport = port(k) if port else str(32768 + k * 13 % 20000)
        out.append(f"123456789012,o-1,192.0.2.10,{sport},198.51.100.{1 + k % 7},{(443, 9100, 5002)[k % 3]},IPv4,"
                   f"{'UDP' if k % 3 == 2 else 'TCP'},o-1-{2100 + k % 2},{when}")
    return out


CASES = {
    "agent export": [HEADER] + rows(),
    "every time, date and clock once (both paths' spans)": [HEADER] + rows(40),
    "empty lines and a short row": [HEADER, ""] + rows(50) + ["", "123456789012,o-1,192.0.2.10,40000,198.51.100.1,443"],
    "a time that is not one": [HEADER] + rows(20) + rows(1, stamp=lambda k: "yesterday"),
    "an empty time": [HEADER] + rows(20) + rows(1, stamp=lambda k: ""),
    "day first (re-saved)": [HEADER] + rows(20, stamp=lambda k: f"{13 + k % 5}/07/2024 10:05:0{k % 10} AM"),
    "day first and ambiguous": [HEADER] + rows(20, stamp=lambda k: f"{13 + k % 5}/07/2024 10:05:00 AM")
                               + rows(3, stamp=lambda k: "08/07/2024 10:05:00 AM"),
    "one date spelled two ways": [HEADER] + rows(10) + rows(10, stamp=lambda k: f"7/8/2024 0{1 + k % 9}:00:00 AM"),
    "one clock spelled two ways": [HEADER] + rows(10, stamp=lambda k: "07/08/2024 10:05:00 AM")
                                  + rows(5, stamp=lambda k: "07/08/2024 10:05:00 am"),
    "24-hour clocks and seconds left out": [HEADER] + rows(30, stamp=lambda k: f"07/08/2024 {k % 24}:{k % 60:02d}"),
    "Athena spelling": [HEADER.replace("agentProvidedTimeStamp", "agent_provided_timestamp")]
                       + rows(30, stamp=lambda k: f"2024-07-{8 + k % 3:02d} {k % 24:02d}:00:{k % 60:02d}"),
    "a source port that is not a number": [HEADER] + rows(10) + rows(2, port=lambda k: "x1"),
    "spaced source ports and empty ones": [HEADER] + rows(20, port=lambda k: f" {40000 + k} " if k % 2 else ""),
    "a clock out of range": [HEADER] + rows(10) + rows(1, stamp=lambda k: "07/08/2024 13:05:00 PM"),
    "no process or time column": [HEADER.rsplit(",", 2)[0]] + [r.rsplit(",", 2)[0] for r in rows(20)],
    "loopback rows": [HEADER] + rows(10) + [r.replace("198.51.100.", "127.0.0.") for r in rows(5)],
    # the chunked path orders clock texts as text: 12:mm:ss comes first in its half-day, dates by number
    # (a connection is k mod 42 in rows(): each has 8 times here, k // 42 picks them)
    "12 o'clock first in its half-day": [HEADER] + rows(336, stamp=lambda k: f"07/08/2024 {(1, 12, 11, 12)[k // 42 % 4]:02d}:"
                                                                           f"{k % 60:02d}:00 {'AM' if k // 168 else 'PM'}"),
    "over the year end": [HEADER] + rows(336, stamp=lambda k: ("01/01/2025 12:00:01 AM", "12/31/2024 11:59:59 PM",
                                                               "01/01/2025 11:00:00 AM", "12/31/2024 12:00:00 PM")[k // 84]),
    "LF lines, quoted values": [HEADER] + rows(30) + ['"123456789012",o-1,192.0.2.10,"40001",198.51.100.1,443,IPv4,TCP,'
                                                      'o-1-2100,"07/08/2024 10:05:00 AM"'] + rows(5),
    "a space elsewhere in the time": [HEADER] + rows(10) + rows(2, stamp=lambda k: "07/08/2024  10:05:00 AM"),
    "times with and without AM/PM": [HEADER] + rows(10) + rows(10, stamp=lambda k: f"07/09/2024 {10 + k}:05:00"),
}


def both_ways(path, monkeypatch, server="192.0.2.10"):
    return read_both_ways(path, monkeypatch, "aws", server, "AwsReader", lambda: import_aws.AwsReader(exact=True))


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_chunked_path_says_what_the_row_by_row_path_says(case, tmp_path, monkeypatch):
    path = tmp_path / "123456789012_sourceProcessConnection.csv"
    path.write_text("\r\n".join(CASES[case]) + "\r\n", encoding="utf-8")
    fast, exact = both_ways(path, monkeypatch)
    assert fast == exact


@pytest.mark.parametrize("start_over", [False, True], ids=["well-formed", "a date spelled another way in the second file"])
def test_a_folder_of_both_connection_files_and_the_process_file_reads_the_same_both_ways(tmp_path, monkeypatch,
                                                                                         start_over):
    (tmp_path / "123456789012_sourceProcessConnection.csv").write_text("\n".join([HEADER] + rows(60)) + "\n")
    inbound = [r.replace("192.0.2.10,", "198.51.100.99,", 1).replace(",198.51.100.", ",192.0.2.", 1)
               for r in rows(40, stamp=(lambda k: f"7/8/2024 0{1 + k % 9}:00:00 AM") if start_over else None)]
    (tmp_path / "123456789012_destinationProcessConnection.csv").write_text("\n".join([HEADER] + inbound) + "\n")
    (tmp_path / "123456789012_process.csv").write_text(
        "agentId,agentAssignedProcessId,name\no-1,o-1-2100,scale-adapter\no-1,o-1-2101,java\n")
    fast, exact = both_ways(tmp_path, monkeypatch)
    assert fast == exact
    assert isinstance(fast, dict) and {"scale-adapter", "java"} <= {p for peer in fast["peers"]
                                                                    for p in peer["processes"]}


@pytest.mark.parametrize("case", ["agent export", "Athena spelling", "12 o'clock first in its half-day",
                                  "over the year end"])
def test_the_agent_export_takes_the_chunked_path(case, tmp_path):
    """The point of it: a well-formed agent export is not read row by row (issue 27's 10x)."""
    from migready.checks.discovery.exportfile import Table, file_source
    path = tmp_path / "123456789012_sourceProcessConnection.csv"
    path.write_text("\r\n".join(CASES[case]) + "\r\n", encoding="utf-8")
    reader = import_aws.AwsReader()
    reader.read(Table(file_source(path)))
    reader.observe(str(path), "192.0.2.10")
    assert not reader.exact
