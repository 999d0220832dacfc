"""`migready plan`: what a probe run will contact, shown first; `probe` shows it and asks on a terminal."""
from __future__ import annotations

import json
import os
import pty
import subprocess
import sys

from cliproc import migready

from migready.checks.store.workspace import Workspace



def test_plan_lists_exactly_the_probes_probe_then_runs(tmp_path, demo_path):
    shown = migready("plan", demo_path, "--phase", "post", "--format", "json")
    assert shown.returncode == 0, shown.stderr
    plan = json.loads(shown.stdout)
    ws = tmp_path / "ws.migready.json"
    ran = migready("probe", demo_path, "--phase", "post", "--workspace", ws, timeout=120)  # stdin is not a terminal
    assert ran.returncode in (0, 1), ran.stderr
    assert "plan: post run from local://" in ran.stderr  # the summary, before anything was sent
    assert f"stored in {ws} (next: migready compare {ws}" in ran.stdout  # where the result is
    [run] = Workspace.load(ws).runs
    planned = sorted((p["id"], p["check"], p["dependency"] or "", p["target"] or "") for p in plan["probes"])
    stored = sorted((r["id"], r["check"], r["dependency"] or "", r["target"] or "")
                    for r in run["results"] if not r["id"].startswith("u"))
    assert planned == stored
    assert plan["totals"]["results"] == run["planned"] == len(run["results"])
    assert len(plan["not_run"]) == sum(1 for r in run["results"] if r["id"].startswith("u"))


def test_plan_text_groups_addresses_by_zone_with_totals():
    shown = migready("plan", "inventories/scale-adapter-nat.yaml", "--phase", "pre")
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    zones = [line for line in lines if line.startswith("zone ")]
    assert len(zones) >= 2 and lines[-1].startswith("totals: ")
    assert any("udp/5002" in line and "from source port 9010" in line for line in lines)
    # the store PDAs call in: the zone's reflector is asked to call the staging host back (issue 15)
    assert any("tcp/3478" in line and "callback" in line and "store-pdas" in line for line in lines)


def test_plan_of_a_broken_inventory_exits_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nservices: nope\n", encoding="utf-8")
    out = migready("plan", bad, "--phase", "pre")
    assert out.returncode == 2 and "bad.yaml" in out.stderr


def _probe_on_a_terminal(args, answer: bytes, cwd) -> tuple[int, str]:
    """Run `migready probe` with a pseudo-terminal as stdin and type `answer`."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "migready.checks.cli", "probe", *map(str, args)],
                            stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd)
    os.close(slave)
    os.write(master, answer)
    out, err = proc.communicate(timeout=120)
    os.close(master)
    return proc.returncode, err.decode()


def test_probe_asks_on_a_terminal_and_a_no_sends_nothing(tmp_path, demo_path):
    ws = tmp_path / "ws.migready.json"
    code, err = _probe_on_a_terminal([demo_path, "--phase", "pre", "--workspace", ws], b"n\n", tmp_path)
    assert code == 2 and "Probe these? [y/N]" in err and "nothing probed" in err
    assert not ws.exists()


def test_probe_yes_does_not_ask(tmp_path, demo_path):
    ws = tmp_path / "ws.migready.json"
    code, err = _probe_on_a_terminal([demo_path, "--phase", "pre", "--workspace", ws, "--yes"],
                                     b"", tmp_path)
    assert code in (0, 1), err
    assert "Probe these?" not in err and len(Workspace.load(ws).runs) == 1
