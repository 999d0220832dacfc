"""`migready report`: every format from a NO-GO workspace, atomic output, exit 2 on bad input;
and once end to end from a real loopback probe run (the demo's store in a free loopback block only)."""
from __future__ import annotations

import copy
import json

import pytest

from cliproc import migready

from migready.checks.cli import main
from migready.checks.report import content_digest
from migready.checks.store.workspace import Workspace

from report_data import DEMO, make_workspace

FORMATS = ["html", "json", "junit", "md"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format(tmp_path, capsys, fmt):
    ws = make_workspace(tmp_path)
    out = tmp_path / "out" / f"report.{fmt}"
    out.parent.mkdir()
    assert main(["report", str(ws), "--format", fmt, "--out", str(out)]) == 0
    assert f"{out}: NO-GO" in capsys.readouterr().out
    assert out.stat().st_size > 1000 and [p.name for p in out.parent.iterdir()] == [out.name]  # no temp file left


def test_default_output_name(tmp_path, capsys):
    ws = make_workspace(tmp_path)
    assert main(["report", str(ws), "--format", "junit"]) == 0
    assert (tmp_path / "demo.report.junit.xml").exists()


@pytest.mark.parametrize("case, message", [
    ("missing", "cannot read workspace"),
    ("garbage", "not valid JSON"),
    ("no-inventory", "demo.yaml"),
    ("out-dir", "does not exist"),
    ("out-is-dir", "is a directory"),
])
def test_bad_input_exits_2_with_a_message(tmp_path, capsys, case, message):
    ws = make_workspace(tmp_path)
    out = tmp_path / "r.html"
    if case == "missing":
        ws = tmp_path / "nope.migready.json"
    elif case == "garbage":
        ws.write_text('{"format": "migready-workspace", ', encoding="utf-8")
    elif case == "no-inventory":
        (tmp_path / "demo.yaml").unlink()
    elif case == "out-dir":
        out = tmp_path / "nowhere" / "r.html"
    elif case == "out-is-dir":
        out = tmp_path
    assert main(["report", str(ws), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_end_to_end_from_a_real_loopback_run(tmp_path, demo_path, store_peers):
    ws_path = tmp_path / "demo.migready.json"
    probe = migready("probe", demo_path, "--phase", "pre", "--workspace", ws_path, timeout=120)
    assert probe.returncode == 0, probe.stderr
    ws = Workspace.load(ws_path)
    post = copy.deepcopy(ws.runs[0])  # the move, as NAT would show it: the reflector sees another port
    post.update(id="run-2", phase="post")
    [reflect] = [r for r in post["results"] if r["check"] == "reflect"]
    reflect["data"]["observed"] = dict(reflect["data"]["local"], port=41733)
    reflect["data"]["port_preserved"] = False
    ws.record_run(post)
    ws.save()

    out = tmp_path / "report.json"
    assert main(["report", str(ws_path), "--format", "json", "--out", str(out)]) == 0
    report = json.loads(out.read_bytes())
    assert report["verdict"]["verdict"] == "NO-GO" and report["digest"] == content_digest(report)
    assert any("source port 9010 → 41733" in r for r in report["verdict"]["reasons"])
    assert {r["host"] for r in report["runs"]} == {"local://"} and report["agent_versions"]
    assert main(["report", str(ws_path), "--format", "html", "--out", str(tmp_path / "r.html")]) == 0
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "VERDICT: NO-GO" in page and "蔬菜卖场秤" in page and ":41733" in page
