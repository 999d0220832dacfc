"""`migready probe` end to end on loopback: local:// transport, real agent, simulators.

Everything here talks to loopback only: a copy of the demo inventory moved into a free
127.A.B block (`demo_path`), so another demo or test run on the machine never answers.
NAT cannot be seen on loopback; tests/lab does that with real iptables.
"""
from __future__ import annotations

import json
from importlib import resources
from pathlib import Path


from cliproc import migready

from migready.checks.inventory.load import load_inventory
from migready.checks.probing.plans import build_plan
from migready.checks.store.workspace import Workspace

DEMO = Path(str(resources.files("migready.inventories"))) / "demo.yaml"


def probe(inventory: Path, workspace: Path, *extra):
    return migready("probe", inventory, "--phase", "pre", "--workspace", workspace, *extra, timeout=120)


def by_check(run):
    return {(r["dependency"], r["check"]): r for r in run["results"]}


def test_probe_pre_on_loopback(tmp_path, demo_path, store_peers):
    ws_path = tmp_path / "demo.migready.json"
    out = probe(demo_path, ws_path)
    assert out.returncode == 0, out.stderr
    ws = json.loads(ws_path.read_text(encoding="utf-8"))
    [run] = ws["runs"]
    assert run["complete"] and run["phase"] == "pre" and run["host"] == "local://"
    assert run["agent_version"] and run["started"] <= run["finished"]
    results = by_check(run)
    scale = results[("demo-scale-deviceadapter/demo-scale", "udp_exchange")]
    assert scale["status"] == "pass" and scale["target"] == store_peers.block.scale[0]
    assert store_peers["scale"].stats.accepted == 1  # the simulator saw source port 9010
    reflect = results[("demo-scale-deviceadapter/demo-scale", "reflect")]["data"]  # the one home of the facts
    assert reflect["local"]["port"] == 9010 and reflect["observed"]["port"] == 9010
    assert reflect["port_preserved"] is True and reflect["nat"] is False
    assert results[("demo-scale-deviceadapter/demo-printer", "tcp_connect")]["status"] == "pass"
    assert "source port 9010 preserved" in out.stdout
    for r in run["results"]:
        assert {"dependency", "target", "check", "status", "detail", "latency_ms"} <= set(r)


def test_probe_failures_are_classified(tmp_path, demo_path):
    """Nothing listening: the printer is refused, the scale port unreachable, the reflector silent or refused."""
    ws_path = tmp_path / "demo.migready.json"
    out = probe(demo_path, ws_path)
    assert out.returncode == 1, out.stderr
    results = by_check(Workspace.load(ws_path).runs[0])
    printer = results[("demo-scale-deviceadapter/demo-printer", "tcp_connect")]
    assert (printer["status"], printer["reason"]) == ("fail", "refused")
    scale = results[("demo-scale-deviceadapter/demo-scale", "udp_exchange")]
    assert (scale["status"], scale["reason"]) == ("fail", "port_unreachable")
    assert results[("demo-scale-deviceadapter/demo-scale", "reflect")]["status"] != "pass"


def test_second_run_appends_and_keeps_the_first(tmp_path, demo_path, store_peers):
    ws_path = tmp_path / "demo.migready.json"
    assert probe(demo_path, ws_path).returncode == 0
    assert probe(demo_path, ws_path).returncode == 0
    ws = Workspace.load(ws_path)
    assert [r["id"] for r in ws.runs] == ["run-1", "run-2"]
    assert (tmp_path / "demo.migready.json.bak").exists()


def test_unknown_host_scheme_is_bad_input(tmp_path):
    out = probe(DEMO, tmp_path / "w.json", "--host", "ftp://example")
    assert out.returncode == 2 and "ftp://example" in out.stderr and "Traceback" not in out.stderr


def test_plan_samples_fleets_and_keeps_unrunnable_checks(tmp_path):
    text = DEMO.read_text(encoding="utf-8").replace("host: 127.0.0.22", "range: 127.0.0.17-127.0.0.30\n        sample: 3")
    text = text.replace("        requires: [reachable]\n", "        requires: [reachable]\n        direction: both\n")
    path = tmp_path / "fleet.yaml"
    path.write_text(text, encoding="utf-8")
    inventory = load_inventory(path)
    plan = build_plan(inventory, "local://", "pre")
    printer = [p for p in plan.probes if p["check"] == "tcp_connect" and p["meta"]["dependency"].endswith("printer")]
    assert [p["host"] for p in printer] == ["127.0.0.17", "127.0.0.23", "127.0.0.30"]  # spread, ends included
    # The printer's zone has a reflector: the reverse check is a call-back probe, not unrunnable (issue 15).
    assert not [u for u in plan.unrunnable if u["meta"]["proves"] == ["reverse_reachable"]]
    [callback] = [p for p in plan.probes if p["check"] == "callback"]
    assert callback["meta"]["dependency"].endswith("printer") and callback["port"] == 9100
    assert (callback["reflector_host"], callback["protocol"], callback["advertise"]) == ("127.0.0.20", "tcp", "own")
    assert len({p["id"] for p in plan.probes}) == len(plan.probes)


def test_plan_without_reflector_is_inconclusive_not_missing(tmp_path):
    text = DEMO.read_text(encoding="utf-8")
    start = text.index("    reflectors:")
    end = text.index("    notes: 演示门店网络")
    path = tmp_path / "noreflector.yaml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    plan = build_plan(load_inventory(path), "local://", "post")
    assert not [p for p in plan.probes if p["check"] == "reflect"]
    [missing] = [u for u in plan.unrunnable if u["check"] == "reflect"]
    assert missing["reason"] == "no_reflector" and "demo-store" in missing["detail"]


def test_missing_python_makes_every_probe_inconclusive(tmp_path):
    """A staging host without python3 is not a pass and not silence: every probe says why."""
    from migready.checks.probing.run import run_probes
    from migready.checks.probing.transports import TransportOptions

    inventory = load_inventory(DEMO)
    ws = Workspace.new(tmp_path / "w.migready.json", str(DEMO), inventory.digest)
    run = run_probes(inventory, "local://", "pre", ws, TransportOptions(local_python="/nonexistent/python3"))
    planned = build_plan(inventory, "local://", "pre")
    assert len(run["results"]) == len(planned.probes) + len(planned.unrunnable) == run["planned"]
    missing = [r for r in run["results"] if r["reason"] == "python_missing"]
    assert len(missing) == len(planned.probes) and all(r["status"] == "inconclusive" for r in missing)
    assert "/nonexistent/python3" in missing[0]["detail"] and "not found" in missing[0]["detail"]
    assert Workspace.load(ws.path).runs[0]["error"] == missing[0]["detail"]


def test_the_agent_is_sent_what_to_probe_not_what_for():
    """A probe's meta (dependency, target, requirements) stays on the host side and is put back on each
    result by the probe's id (test_probe_pre_on_loopback: every stored result names its dependency)."""
    plan = build_plan(load_inventory(DEMO), "local://", "pre")
    sent = plan.to_agent()
    assert all("meta" not in p for p in sent["probes"]) and all(p["meta"] is not None for p in plan.probes)
    assert sent["probes"] == [{k: v for k, v in p.items() if k != "meta"} for p in plan.probes]
    assert plan.metas() == {p["id"]: p["meta"] for p in plan.probes}
