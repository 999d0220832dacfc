"""`migready demo`, the README's first command: loopback only, no root, ends NO-GO for the right reason."""
from __future__ import annotations


from cliproc import migready

from migready.checks.workspace import Workspace


def demo(out, cwd):
    return migready("demo", "--out", out, cwd=cwd, timeout=120)


def test_demo_ends_no_go_on_the_rewritten_source_port(tmp_path):
    out = demo(tmp_path / "d", tmp_path)
    assert out.returncode == 1, out.stderr  # the verdict's exit code: NO-GO
    lines = out.stdout.splitlines()
    assert "NO-GO" in lines
    first_reason = next(line for line in lines if line.startswith("  - "))
    assert "regression" in first_reason and "source port 9010 →" in first_reason
    assert "(rewritten by NAT)" in first_reason
    ws = Workspace.load(tmp_path / "d" / "demo.migready.json")
    pre, post = ws.runs
    assert (pre["phase"], post["phase"]) == ("pre", "post") and pre["complete"] and post["complete"]
    [scale_pre] = [r for r in pre["results"] if r["check"] == "udp_exchange" and "scale" in r["dependency"]]
    [scale_post] = [r for r in post["results"] if r["check"] == "udp_exchange" and "scale" in r["dependency"]]
    assert scale_pre["status"] == "pass"  # the scale accepted the SDK port directly...
    assert scale_post["status"] == "fail" and "266" in scale_post["detail"]  # ...and rejected it through NAT
    printers = [r for run in ws.runs for r in run["results"] if r["check"] == "tcp_connect"]
    assert printers and all(r["status"] == "pass" for r in printers)


def test_demo_twice_starts_fresh(tmp_path):
    assert demo(tmp_path / "d", tmp_path).returncode == 1
    assert demo(tmp_path / "d", tmp_path).returncode == 1
    assert len(Workspace.load(tmp_path / "d" / "demo.migready.json").runs) == 2


def test_demo_gui_opens_the_app_on_the_demo_workspace(tmp_path, monkeypatch):
    """`--gui` hands the finished workspace to the app (the app itself is tested in tests/gui)."""
    from migready.checks import cli
    from migready.checks.cli import gui as cli_gui
    opened = []
    monkeypatch.setattr(cli_gui, "cmd_gui", lambda args: opened.append(args.path) or 0)
    assert cli.main(["demo", "--out", str(tmp_path / "d"), "--gui"]) == 1
    assert opened == [tmp_path / "d" / "demo.migready.json"]
