"""`migready demo`, the README's first command: loopback only, no root, ends NO-GO for the right reason."""
from __future__ import annotations

import os
import re
import subprocess
import sys


from cliproc import migready

from migready.checks.store.workspace import Workspace


def store_of(inventory) -> str:
    """The first three octets of the store's reflector in a demo's copy of demo.yaml."""
    [prefix] = re.findall(r"- host: (127\.\d+\.\d+)\.20\n", inventory.read_text(encoding="utf-8"))
    return prefix


def demo(out, cwd):
    return migready("demo", "--out", out, cwd=cwd, timeout=120)


def test_demo_ends_no_go_on_the_rewritten_source_port(tmp_path):
    out = demo(tmp_path / "d", tmp_path)
    assert out.returncode == 1, out.stderr  # the verdict's exit code: NO-GO
    lines = out.stdout.splitlines()
    assert len(lines) + len(out.stderr.splitlines()) <= 25  # the whole output fits a terminal
    assert lines[0].startswith("NO-GO: 2 root causes (1 failed, 1 pending)")
    # one root cause per line: the scale's rewritten port is ONE headline, its flows under it
    headlines = [line for line in lines if line[:1].isdigit()]
    assert headlines[0].startswith("1. [FAILED] demo-scale: source port 9010 rewritten by NAT at demo-new")
    assert sum("9010" in h for h in headlines) == 1
    assert not any("flag:" in line or "req:" in line for line in lines)  # ids are not the headline
    flows = lines[lines.index(headlines[0]) + 1:lines.index(headlines[1])]
    store = store_of(tmp_path / "d" / "demo.yaml")  # a loopback block of its own, free when it ran
    assert flows[0].strip().startswith(f"reflector {store}.20:3478 from port 9010: pre port 9010 kept → post port 9010 → ")
    assert flows[1].strip().startswith(f"udp {store}.21:5002 from port 9010: pre pass → post fail") and "266" in flows[1]
    assert "clears it: keep the source port" in flows[2]  # the fix, not the requirement
    assert "awaiting sign-off: " in lines[0]  # the gate, as `migready verdict` says
    # it says where its results are and what to run next; the HTML report is written
    report = tmp_path / "d" / "demo.report.html"
    assert f"report:    {report}" in lines and "NO-GO" in report.read_text(encoding="utf-8")
    ws_path = tmp_path / "d" / "demo.migready.json"
    assert lines[-3:] == ["next:", f"  migready gui {ws_path}", f"  migready report {ws_path} --format pdf"]
    verdict = migready("verdict", ws_path)
    assert verdict.stdout.splitlines() == lines[:lines.index(f"workspace: {ws_path}")]  # the same grouping
    ws = Workspace.load(tmp_path / "d" / "demo.migready.json")
    pre, post = ws.runs
    assert (pre["phase"], post["phase"]) == ("pre", "post") and pre["complete"] and post["complete"]
    [scale_pre] = [r for r in pre["results"] if r["check"] == "udp_exchange" and "scale" in r["dependency"]]
    [scale_post] = [r for r in post["results"] if r["check"] == "udp_exchange" and "scale" in r["dependency"]]
    assert scale_pre["status"] == "pass"  # the scale accepted the SDK port directly...
    assert scale_post["status"] == "fail" and "266" in scale_post["detail"]  # ...and rejected it through NAT
    # The reflector answered both times; what it saw is good before and bad after *for the scale*.
    [refl_pre] = [r for r in pre["results"] if r["check"] == "reflect"]
    [refl_post] = [r for r in post["results"] if r["check"] == "reflect"]
    assert refl_pre["status"] == "pass"
    assert (refl_post["status"], refl_post["reason"]) == ("fail", "port_rewritten")
    assert "port rewritten" in refl_post["detail"] and refl_post["probe_status"] == "pass"
    printers = [r for run in ws.runs for r in run["results"] if r["check"] == "tcp_connect"]
    assert printers and all(r["status"] == "pass" for r in printers)


def test_demo_refuses_to_replace_a_previous_demo_unless_forced(tmp_path):
    assert demo(tmp_path / "d", tmp_path).returncode == 1
    before = (tmp_path / "d" / "demo.migready.json").read_bytes()
    again = demo(tmp_path / "d", tmp_path)
    assert again.returncode == 2 and "--force" in again.stderr and again.stdout == ""
    assert (tmp_path / "d" / "demo.migready.json").read_bytes() == before
    assert migready("demo", "--out", tmp_path / "d", "--force", cwd=tmp_path, timeout=120).returncode == 1
    assert len(Workspace.load(tmp_path / "d" / "demo.migready.json").runs) == 2  # started fresh


def test_demo_gui_opens_the_app_on_the_demo_workspace(tmp_path, monkeypatch):
    """`--gui` hands the finished workspace to the app (the app itself is tested in tests/gui)."""
    from migready.checks import cli
    from migready.checks.cli import gui as cli_gui
    opened = []
    monkeypatch.setattr(cli_gui, "cmd_gui", lambda args: opened.append(args.path) or 0)
    assert cli.main(["demo", "--out", str(tmp_path / "d"), "--gui"]) == 1
    assert opened == [tmp_path / "d" / "demo.migready.json"]


def test_two_demos_and_a_probe_run_at_once_each_see_only_their_own_store(tmp_path, demo_path, store_peers):
    """A shared machine (issue 26): two demos and a probe run side by side all succeed, each in a
    loopback block of its own, and no one's simulators answer anyone else."""
    env = dict(os.environ)
    argv = [sys.executable, "-m", "migready.checks.cli"]
    running = {name: subprocess.Popen(argv + ["demo", "--out", str(tmp_path / name)], cwd=tmp_path, env=env,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for name in ("a", "b")}
    running["probe"] = subprocess.Popen(argv + ["probe", str(demo_path), "--phase", "pre", "--workspace",
                                                str(tmp_path / "probe.migready.json")], cwd=tmp_path, env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    done = {name: (proc, *proc.communicate(timeout=180)) for name, proc in running.items()}
    for name in ("a", "b"):
        proc, out, err = done[name]
        assert proc.returncode == 1, err  # NO-GO, for the rewritten source port, as alone
        assert "1. [FAILED] demo-scale: source port 9010 rewritten by NAT at demo-new" in out
    proc, out, err = done["probe"]
    assert proc.returncode == 0, err  # every check passed against this test's own store
    stores = {name: store_of(tmp_path / name / "demo.yaml") for name in ("a", "b")}
    ours = store_peers.block.prefix
    assert len({stores["a"], stores["b"], ours}) == 3  # three blocks, one each
    for name, prefix in stores.items():
        for run in Workspace.load(tmp_path / name / "demo.migready.json").runs:
            targets = {r["target"].rsplit(":", 1)[0] for r in run["results"] if r["check"] != "host_facts"}
            assert targets and all(t.startswith(prefix + ".") for t in targets if t), (name, targets)
    # The probe's simulators saw the probe's traffic, and only that: one datagram from SDK port 9010.
    assert store_peers["scale"].stats.accepted == 1 and store_peers["scale"].stats.rejected == 0
    [run] = Workspace.load(tmp_path / "probe.migready.json").runs
    assert {r["target"].rsplit(":", 1)[0] for r in run["results"] if r["check"] == "udp_exchange"} == {ours + ".21"}
