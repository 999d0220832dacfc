"""The Azure importer's chunked path says exactly what the row-by-row path says (issue 27).

A 50 MB dependency export is folded a chunk at a time (`AzureReader._read_fast`:
columns, a dict lookup per row, rows of other servers dropped by a lookup per
distinct name); lines are not followed there, so any problem makes the reader
read every file again row by row, which names each problem with its line.
Each export below is imported both ways: the peers, counts, times and notes,
or the problems, must be the same.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from discovery_both_ways import both_ways as read_both_ways
from migready.checks.discovery import import_azure

DATA = Path(__file__).parent / "data" / "discovery"
HEADER = ("Time slot,Source server name,Source IP,Source application,Source process,Destination server name,"
          "Destination IP,Destination application,Destination process,Destination port,Source VLAN")


def rows(n: int = 120, slot=None, port=None) -> list[str]:
    out = []
    for k in range(n):
        day, start = 30 + k % 3, (0, 6, 12, 18)[k % 4]
        when = slot(k) if slot else (f"12/{day}/2024 {start}:00-{(start + 6) % 24}:00" if day < 32 else
                                     f"01/01/2025 {start}:00-{(start + 6) % 24}:00")
        dport = port(k) if port else (443, 1433, 9100)[k % 3]
        if k % 5 == 4:  # a client calling in, unnamed
            out.append(f"{when},,198.51.100.{k % 9 + 1},,Unknown process,app-01,192.0.2.1,Scale Adapter,"
                       f"scale-adapter.exe,8443,10")
        else:
            out.append(f"{when},{'app-01' if k % 7 else 'srv-002'},192.0.2.{1 if k % 7 else 2},Scale Adapter,"
                       f"scale-adapter.exe,{'db-01' if k % 2 else ''},198.51.100.{20 + k % 4},,"
                       f"{'Unknown process' if k % 3 else 'sqlservr.exe'},{dport},10")
    return out


CASES = {
    "dependency export": [HEADER] + rows(),
    "over the year end, day-first slots elsewhere": [HEADER] + rows(40, slot=lambda k: f"{13 + k % 5}/12/2024 0:00-6:00"),
    "an ambiguous slot in a day-first file": [HEADER] + rows(20, slot=lambda k: f"{13 + k % 5}/12/2024 0:00-6:00")
                                             + rows(2, slot=lambda k: "01/12/2024 0:00-6:00"),
    "a slot that is not one": [HEADER] + rows(30) + rows(1, slot=lambda k: "sometime"),
    "an empty slot": [HEADER] + rows(30) + rows(2, slot=lambda k: ""),
    "a port that is not one": [HEADER] + rows(30) + rows(3, port=lambda k: "http"),
    "an address that is not one": [HEADER] + rows(30) + [r.replace("198.51.100.2", "198.51.100.300") for r in rows(6)],
    "empty lines, a short row and a long one": [HEADER, ""] + rows(50) + ["", "12/30/2024 0:00-6:00,app-01,192.0.2.1"]
                                              + [rows(1)[0] + ",x,y"],
    "quoted values": [HEADER] + rows(20) + ['"12/30/2024 0:00-6:00","app-01","192.0.2.1","Scale, Adapter",'
                                            '"a.exe","db-01","198.51.100.20","","x",1433,10'] + rows(20),
    "the Learn article's header (no Source IP)": [HEADER.replace("Time slot", "Timeslot").replace("Source IP,", "")]
                                                 + [",".join(r.split(",")[:2] + r.split(",")[3:]) for r in rows()],
    "semicolons (re-saved under a comma locale)": [HEADER.replace(",", ";")] + [r.replace(",", ";") for r in rows()],
    "the slot last (read as columns)": [",".join(HEADER.split(",")[1:] + ["Time slot"])]
                                       + [",".join(r.split(",")[1:] + r.split(",")[:1]) for r in rows()],
}


def both_ways(path, monkeypatch, server="app-01"):
    return read_both_ways(path, monkeypatch, "azure", server, "AzureReader", lambda server: import_azure.AzureReader(server, exact=True))


@pytest.mark.parametrize("server", ["app-01", "192.0.2.1", None])
@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("newline", ["\r\n", "\n"], ids=["crlf", "lf"])
def test_the_chunked_path_says_what_the_row_by_row_path_says(case, server, newline, tmp_path, monkeypatch):
    path = tmp_path / "dependencies.csv"
    path.write_text(newline.join(CASES[case]) + newline, encoding="utf-8")
    fast, exact = both_ways(path, monkeypatch, server)
    assert fast == exact


@pytest.mark.parametrize("server", ["app-01", "scale-adapter-01", None])
@pytest.mark.parametrize("name", ["azure_agentless_export.csv", "azure_learn_export.csv", "azure_75_clients.csv",
                                  "azure_dependencies.csv", "azure_agentless_unicode_text.txt"])
def test_the_documented_layouts_read_the_same_both_ways(name, server, monkeypatch):
    fast, exact = both_ways(DATA / name, monkeypatch, server)
    assert fast == exact


def test_a_well_formed_export_takes_the_chunked_path(tmp_path):
    """The point of it: one server's 50 MB is not read row by row (issue 27)."""
    from migready.checks.discovery.exportfile import Table, file_source
    path = tmp_path / "dependencies.csv"
    path.write_text("\r\n".join(CASES["dependency export"]) + "\r\n", encoding="utf-8")
    reader = import_azure.AzureReader("app-01")
    reader.read(Table(file_source(path)))
    obs = reader.observe(str(path), "app-01")
    assert not reader.exact and obs.peers
