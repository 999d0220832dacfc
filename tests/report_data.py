"""A NO-GO workspace for the report tests: the demo inventory, a pre run on loopback as
`migready probe` records it, and a post run where NAT rewrote the scale's source port
(9010 -> 41733, incident 1), plus a manual mark, a waiver and a sign-off.

The runs are synthesised (copied from a real loopback run) so the tests need no peers;
tests/test_report_e2e.py produces the pre run for real.
"""
from __future__ import annotations

import copy
import datetime as dt
from importlib import resources
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from migready.checks.trust import signing
from migready.checks.review.checklist import build_checklist
from migready.checks.inventory.load import load_inventory
from migready.checks.review.verdict import mark, waive
from migready.checks.store.workspace import Workspace

DEMO = Path(str(resources.files("migready.inventories"))) / "demo.yaml"
SCALE = "demo-scale-deviceadapter/demo-scale"
PRINTER = "demo-scale-deviceadapter/demo-printer"
TODAY = dt.date(2030, 1, 1)
HOSTILE = "<script>alert('x')</script> | ` & \"quoted\" \x00\x07"

_FACTS = {"hostname": "old-vm", "in_container": False, "default_gateway": {"dev": "eth0", "gateway": "192.0.2.1"}}


def _result(id, dependency, target, check, proves, reason, detail, latency_ms, data, **top):
    r = {"id": id, "dependency": dependency, "target": target, "check": check, "proves": proves,
         "status": "pass", "reason": reason, "detail": detail, "latency_ms": latency_ms,
         "started": "2029-12-31T20:00:00.100+00:00", "data": data}
    r.update(top)
    return r


def pre_run() -> dict:
    local = {"ip": "127.0.0.1", "port": 9010}
    reflect = {"local": local, "observed": dict(local), "nat": False, "port_preserved": True, "proto": "udp"}
    results = [
        _result("p1", None, None, "host_facts", ["host_facts"], "facts", "old-vm: 2 addresses", None, _FACTS),
        _result("p2", SCALE, "127.0.0.21", "route", ["internal_route"], "routed",
                "127.0.0.21 leaves on lo directly from 127.0.0.1 (ip)", None,
                {"dev": "lo", "gateway": None, "ip": "127.0.0.21", "method": "ip", "src": "127.0.0.1"}),
        _result("p3", SCALE, "127.0.0.21", "udp_exchange", ["reachable", "within_timeout"], "answered",
                "answered with 7 bytes", 1.115, {"ip": "127.0.0.21", "local": local}),
        _result("p4", SCALE, "127.0.0.20:3478", "reflect", ["source_port_preserved", "no_nat"], "reflected",
                "local 127.0.0.1:9010 observed as 127.0.0.1:9010 (no NAT, port preserved)", 0.196, reflect,
                local=local, observed=dict(local), nat=False, port_preserved=True),
        _result("p5", PRINTER, "127.0.0.22", "route", ["internal_route"], "routed",
                "127.0.0.22 leaves on lo directly from 127.0.0.1 (ip)", None,
                {"dev": "lo", "gateway": None, "ip": "127.0.0.22", "method": "ip", "src": "127.0.0.1"}),
        _result("p6", PRINTER, "127.0.0.22", "tcp_connect", ["reachable", "within_timeout"], "connected",
                "connected to 127.0.0.22:9100", 0.086,
                {"ip": "127.0.0.22", "local": {"ip": "127.0.0.1", "port": 42778}}),
        _result("p7", PRINTER, "printer.demo.example", "dns", ["private_dns"], "resolved", "2 answers", 0.9,
                {"answers": [{"ip": "127.0.0.22", "class": "loopback"}, {"ip": "10.1.2.3", "class": "private"}]}),
    ]
    return {"id": "run-1", "phase": "pre", "host": "local://", "started": "2029-12-31T20:00:00.000Z",
            "finished": "2029-12-31T20:00:01.000Z", "complete": True, "error": None, "planned": 7,
            "agent_version": "1", "agent_python": "3.11.7", "host_facts": _FACTS, "results": results}


def post_run(pre: dict) -> dict:
    """The pre run copied, as if from behind NAT: the reflector now sees source port 41733."""
    run = copy.deepcopy(pre)
    run.update(id="run-2", phase="post", started="2030-01-01T05:00:00.000Z", finished="2030-01-01T05:00:01.000Z")
    run["host_facts"] = dict(_FACTS, hostname="new-pod-7", in_container=True)
    for r in run["results"]:
        if r["check"] == "reflect":
            r["observed"] = r["data"]["observed"] = {"ip": "127.0.0.1", "port": 41733}
            r["port_preserved"] = r["data"]["port_preserved"] = False
            r["detail"] = "local 127.0.0.1:9010 observed as 127.0.0.1:41733 (port rewritten)"
        if r["check"] == "host_facts":
            r["data"] = run["host_facts"]
        if r["check"] == "tcp_connect":
            r["latency_ms"] = 48.5
    return run


def inventory_file(tmp_path: Path, hostile: bool = False) -> Path:
    text = DEMO.read_text(encoding="utf-8")
    if hostile:
        text = text.replace("notes: 演示用的下秤服务。", f"notes: {_yaml(HOSTILE + ' 演示用的下秤服务')}")
        text = text.replace("    title: 秤厂商确认", "    title: <b>bold</b> | 秤厂商确认")
    path = tmp_path / "demo.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _yaml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\x00", "\\0").replace("\x07", "\\a") + '"'


def make_workspace(tmp_path: Path, hostile: bool = False, signoffs: list | None = None) -> Path:
    """Write the NO-GO workspace (and its inventory) under tmp_path; return the workspace path."""
    inv_path = inventory_file(tmp_path, hostile)
    inventory = load_inventory(inv_path)
    ws = Workspace.new(tmp_path / "demo.migready.json", str(inv_path), inventory.digest)
    pre = pre_run()
    for run in (pre, post_run(pre)):
        ws.record_run(run)
    checklist = build_checklist(inventory, ws, TODAY)
    mark(ws, checklist, "prepare.rollback-plan", "pass", "李伟",
         "rollback = redeploy on demo-old; trigger: error 266 > 1%")
    waive(ws, checklist, "prepare.store-ops-informed", "Zhang Min (migration lead)",
          "store managers briefed by phone; the written notice follows", "2030-01-08", today=TODAY)
    if signoffs is None:  # signed for real, but over other (earlier) content: shown as stale
        signer = signing.Signer("王芳", "store devices", Ed25519PrivateKey.generate())
        signoffs = [signing.sign(signer, "0" * 64, "approve", "ok for the scales | printers")]
    for entry in signoffs:
        record_signoff(ws, entry)
    ws.save()
    return ws.path


def chained_sign(ws: Workspace, signer, digest: str, decision: str = "approve", comment: str = "") -> dict:
    """A sign-off chained to the workspace's last one, as checks/actions.py `sign_off` makes it."""
    previous = signing.entry_hash(ws.signoffs[-1]) if ws.signoffs else signing.CHAIN_GENESIS
    return signing.sign(signer, digest, decision, comment, prev=previous)


def record_signoff(ws: Workspace, entry: dict) -> None:
    """As `migready signoff` records one (checks/cli/sign.py): logged, which stores it."""
    ws.add_signoff(entry)


def open_report(ws_path: Path, today: dt.date = TODAY, trust=None) -> dict:
    """The report, its sign-offs judged against `trust` (a checks.trust.policy.Trust; default: the keys of
    every sign-off in the workspace, so only chain, staleness and signatures decide here)."""
    from migready.checks.report import build_report
    from migready.checks.trust.policy import Trust
    ws = Workspace.load(ws_path)
    if trust is None:
        trust = Trust(Path("."), keys={e["public_key"]: {"name": e["name"], "role": e["role"]}
                                       for e in ws.signoffs if isinstance(e, dict) and "public_key" in e})
    return build_report(load_inventory(ws.data["inventory"]["path"]), ws, today=today, trust=trust)
