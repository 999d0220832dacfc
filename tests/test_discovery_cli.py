"""Live sampling through the local:// transport, and `migready discover` end to end.

Live sampling here reads this machine's own socket tables; the only traffic
is a loopback connection the tests open themselves.  Inventories used with
--host hold addresses only (no name is resolved) except `localhost`.
"""
import json
import threading
from pathlib import Path

import pytest

from cliproc import migready

from migready.checks.discovery import sample_host, sample_plan
from migready.checks.inventory.load import load_inventory
from migready.checks.store.workspace import Workspace

DATA = Path(__file__).parent / "data" / "discovery"
INVENTORY = DATA / "inventory.yaml"


# ---------------------------------------------------------------- the plan

def test_sample_plan_chunks_the_window():
    plan = sample_plan(60, 1)
    probes = plan["probes"]
    assert plan["jobs"] == 1 and len(probes) == 13  # 61 samples (0..60 s) in chunks of 5
    assert sum(p["samples"] for p in probes) == 61 and probes[-1]["samples"] == 1
    assert probes[0]["delay_s"] == 0 and {p["delay_s"] for p in probes[1:]} == {1}
    assert all(p["check"] == "sample_connections" and p["timeout_ms"] > 5000 for p in probes)
    assert [p["samples"] for p in sample_plan(3, 0.5, chunk_s=1)["probes"]] == [2, 2, 2, 1]
    assert sample_plan(0, 1)["probes"][0]["samples"] == 1  # one snapshot
    assert sample_plan(10, 1, use_ss=False)["probes"][0]["ss"] is False


@pytest.mark.parametrize("duration, interval", [(-1, 1), (10, 0), (10, 0.001), (90000, 1), (86400, 0.5)])
def test_sample_plan_rejects(duration, interval):
    with pytest.raises(ValueError):
        sample_plan(duration, interval)


# ---------------------------------------------------------------- sample_host

def test_sample_host_local_finds_a_loopback_connection_with_progress(loopback_connection):
    port, cport = loopback_connection
    seen = []
    obs = sample_host("local://", duration=0.6, interval=0.2, chunk_s=0.4, names=["localhost"],
                      progress=seen.append)
    assert obs.complete and obs.error is None and obs.source == "live" and obs.origin == "local://"
    assert obs.samples == 4 and obs.first < obs.last and obs.started <= obs.finished
    assert obs.resolved["localhost"]  # resolved by the agent, on the sampled host
    peers = {(p.direction, p.port): p for p in obs.peers if p.remote_ip == "127.0.0.1"}
    assert peers[("outbound", port)].local_ports == [cport] and peers[("inbound", port)].samples == 4
    assert [p.phase for p in seen][:2] == ["resolving", "sampling"] and seen[-1].phase == "done"
    chunks = [p.chunks_done for p in seen if p.phase == "sampling"]
    assert chunks == sorted(chunks) and seen[-1].chunks_done == seen[-1].chunks == 2
    assert seen[-1].fraction == 1.0 and seen[-1].samples == 4


def test_cancel_keeps_the_chunks_that_came_in():
    cancel = threading.Event()

    def progress(p):
        if p.phase == "sampling" and p.chunks_done == 1:
            cancel.set()

    obs = sample_host("local://", duration=30, interval=0.1, chunk_s=0.2, use_ss=False,
                      progress=progress, cancel=cancel)
    assert not obs.complete and obs.error == "cancelled"
    assert 2 <= obs.samples < 301 and obs.process_names == "none"


def test_cancel_before_sampling():
    cancel = threading.Event()
    cancel.set()
    obs = sample_host("local://", duration=5, interval=1, names=["localhost"], cancel=cancel)
    assert not obs.complete and obs.samples == 0


def test_sample_host_bad_spec():
    with pytest.raises(ValueError):
        sample_host("nope", duration=1)


# ---------------------------------------------------------------- the command line

def test_help_documents_the_option_names():
    out = migready("discover", "--help")
    assert out.returncode == 0
    for option in ("--host", "--from-file", "--duration", "--interval", "--input-format", "--format",
                   "--output-format", "--out", "--workspace", "--identity", "--known-hosts",
                   "--ssh-config", "--accept-new-host-key", "--connect-timeout", "--server", "--service"):
        assert option in out.stdout, option


def test_from_file_text_exit_1_on_high_findings():
    out = migready("discover", INVENTORY, "--from-file", DATA / "ss_tunap.txt")
    assert out.returncode == 1, out.stderr
    assert "[HIGH   ] inbound" in out.stdout and "[HIGH   ] undocumented" in out.stdout
    assert migready("discover", INVENTORY, "--from-file", DATA / "ss_tunap.txt",
                    "--fail-on", "blocker").returncode == 0


def test_from_file_json_workspace_and_draft(tmp_path):
    ws, draft = tmp_path / "w.migready.json", tmp_path / "draft.yaml"
    out = migready("discover", INVENTORY, "--from-file", DATA / "azure_dependencies.csv", "--server",
                   "scale-adapter-01", "--input-format", "azure", "--output-format", "json",
                   "--workspace", ws, "--draft", draft)
    # Azure: worker-lz-201 calls in on 27777 and no inbound dependency declares it: high (incident 5)
    assert out.returncode == 1, out.stderr
    result = json.loads(out.stdout)
    assert result["discovery"] == "discovery-1" and result["observation"]["source"] == "azure"
    assert result["comparison"]["kinds"]["undocumented"] == 1 and result["comparison"]["kinds"]["inbound"] == 1
    assert "valid: " in out.stderr and "stored as discovery-1" in out.stderr
    load_inventory(draft)
    again = migready("discover", INVENTORY, "--from-file", DATA / "aws_connections.csv", "--workspace", ws)
    assert again.returncode == 1
    assert [d["id"] for d in Workspace.load(ws).data["discoveries"]] == ["discovery-1", "discovery-2"]


@pytest.mark.parametrize("args, words", [
    (("--from-file", DATA / "azure_dependencies.csv"), "pick one with --server"),
    (("--from-file", DATA / "nope.csv"), "cannot read"),
    (("--from-file", DATA / "ss_tunap.txt", "--service", "nope"), "no such service"),
    (("--host", "nope"), "has no scheme"),
    (("--host", "local://", "--interval", "0"), "interval must be"),
    (("--from-file", DATA / "ss_tunap.txt", "--draft", INVENTORY), "the inventory itself"),
    (("--from-file", DATA / "ss_tunap.txt", "--draft", DATA / "nope" / "d.yaml"), "does not exist"),
])
def test_bad_input_exits_2(args, words):
    out = migready("discover", INVENTORY, *args)
    assert out.returncode == 2 and words in out.stderr and "Traceback" not in out.stderr, out.stderr


def test_host_and_file_are_exclusive():
    out = migready("discover", INVENTORY, "--host", "local://", "--from-file", DATA / "ss_tunap.txt")
    assert out.returncode == 2 and "not allowed with" in out.stderr


def test_live_local_json(tmp_path, loopback_connection):
    port, _ = loopback_connection
    draft = tmp_path / "seen.yaml"
    out = migready("discover", INVENTORY, "--host", "local://", "--duration", "0.4", "--interval", "0.2",
                   "--format", "json", "--draft", draft, "--fail-on", "blocker")
    assert out.returncode == 0, out.stderr
    obs = json.loads(out.stdout)["observation"]
    assert obs["source"] == "live" and obs["samples"] == 3 and obs["complete"]
    assert any(p["port"] == port and p["remote_ip"] == "127.0.0.1" for p in obs["peers"])
    load_inventory(draft)  # loopback peers are left out; whatever else this machine does, it validates


# ---------------------------------------------------------------- the documented export layouts

DOCNET = DATA / "inventory_docnet.yaml"


def test_from_file_aws_export_zip_json_counts(tmp_path):
    import zipfile
    archive = tmp_path / "ads-export.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for member in sorted((DATA / "aws_export").iterdir()):
            z.write(member, member.name)
    out = migready("discover", DOCNET, "--from-file", archive, "--format", "json")
    assert out.returncode == 1, out.stderr  # the worker calls back in: an undeclared inbound dependency
    result = json.loads(out.stdout)
    obs = result["observation"]
    assert (obs["source"], obs["server"]) == ("aws", "192.0.2.10")
    assert obs["imported"]["rows"] == 11 and obs["imported"]["used"] == 8
    assert obs["imported"]["skipped"] == {"loopback rows (the host talking to itself)": 3}
    # .201 is listed as an outbound peer only; .202 is not listed at all: both call in, both high
    assert result["comparison"]["kinds"]["inbound"] == 2
    assert any(p["processes"] == ["scale-adapter"] and p["port"] == 5002 for p in obs["peers"])


def test_from_file_text_starts_with_the_import_summary():
    out = migready("discover", DOCNET, "--from-file", DATA / "azure_agentless_export.csv", "--server", "app-01",
                   "--fail-on", "blocker")
    assert out.returncode == 0, out.stderr
    assert "  note: read 10 rows: 9 used (4 peers); left out: 1 rows of other servers" in out.stdout.splitlines()
    assert "12/31/2024 12:00-18:00 .. 01/01/2025 6:00-12:00" in out.stdout


def test_from_file_ambiguous_slot_exits_2_with_file_and_line(tmp_path):
    path = tmp_path / "deps.csv"
    path.write_text("Time slot,Source server name,Source IP,Destination server name,Destination IP,"
                    "Destination port\n15/12/2024 0:00-6:00,app-01,192.0.2.10,,198.51.100.1,80\n"
                    "08/12/2024 0:00-6:00,app-01,192.0.2.10,,198.51.100.1,80\n", encoding="utf-8")
    out = migready("discover", DOCNET, "--from-file", path)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert f"{path}:3:0: Time slot:" in out.stderr and "ambiguous" in out.stderr
