"""The compare page shows who called whom back, from where, and what the listener saw (issue 15).

The pre result is a real call-back on loopback (the agent's listener, a
reflector calling it); the post result is that record as the lab's new site
produces it (tests/lab/test_lab_callback.py): the registered address timed
out, the observed one refused, the listener saw nobody.
"""
from __future__ import annotations

import copy
import io
import socket

from migready.checks.probing import agent
from migready.checks.inventory.load import load_inventory
from migready.checks.probing.run import result_record
from migready.checks.store.workspace import Workspace
from migready.gui.compare_page import ComparePage

INVENTORY = """\
version: 1
migration:
  name: callback on loopback
  source: {site: old, staging_hosts: ["local://"]}
  target: {site: new, staging_hosts: ["local://"]}
zones:
  - name: servers
    kind: internal
    cidrs: [127.0.0.0/24]
    reflectors: [{host: 127.0.0.1, port: 3478, protocols: [tcp]}]
services:
  - name: worker
    owner: jobs
    dependencies:
      - {name: scheduler, kind: service, protocol: tcp, host: 127.0.0.1, port: 27777, direction: inbound}
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _runs():
    reflector = agent.Reflector("127.0.0.1", 0, log=io.StringIO()).start()
    try:
        line = agent.run_probe({"id": "p1", "check": "callback", "protocol": "tcp", "port": _free_port(),
                                "reflector_host": "127.0.0.1", "reflector_port": reflector.port,
                                "meta": {"dependency": "worker/scheduler", "target": "127.0.0.1:3478",
                                         "proves": ["reverse_reachable"]}})
    finally:
        reflector.stop()
    pre = result_record(line)
    assert pre["status"] == "pass", pre
    post = copy.deepcopy(pre)
    port = post["data"]["listen"]["port"]
    post.update(status="fail", reason="no_callback", latency_ms=None,
                detail=f"the peer cannot call back 127.0.0.9:{port}/tcp: timed out after 3000 ms")
    post["data"].update(registered={"ip": "127.0.0.9", "port": port, "how": "own"},
                        observed={"ip": "127.0.0.1", "port": 40000}, seen=[], calls=[
                            {"ip": "127.0.0.1", "port": port, "proto": "tcp", "status": "refused", "index": 0,
                             "roles": ["observed"], "local": None, "seen_from": None, "latency_ms": None},
                            {"ip": "127.0.0.9", "port": port, "proto": "tcp", "status": "timeout", "index": 1,
                             "roles": ["requested"], "local": {"ip": "127.0.0.1", "port": 41000},
                             "seen_from": None, "latency_ms": None, "timeout_ms": 3000}])
    return pre, post, port


def test_compare_page_says_who_called_whom(qtbot, tmp_path):
    from migready.gui.standalone import open_page

    path = tmp_path / "worker.yaml"
    path.write_text(INVENTORY, encoding="utf-8")
    inventory = load_inventory(path)
    pre, post, port = _runs()
    ws = Workspace.new(tmp_path / "worker.migready.json", str(path), inventory.digest)
    for number, (phase, result) in enumerate((("pre", pre), ("post", post)), start=1):
        ws.record_run({"id": f"run-{number}", "phase": phase, "host": "local://", "complete": True, "error": None,
                       "started": f"2026-01-0{number}T00:00:00Z", "finished": f"2026-01-0{number}T00:01:00Z",
                       "inventory_digest": inventory.digest, "planned": 1, "results": [result]})
    ws.save()

    page, session = open_page(ComparePage, [str(ws.path)])
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=10_000)
    assert page.model.rowCount() == 1  # the one callback, pre next to post
    page.table.selectRow(0)
    text = page.details.toPlainText()
    assert "REGRESSION" in text.upper() and "worker/scheduler callback" in text
    assert f"127.0.0.1 called 127.0.0.1:{port} (the registered address): connected" in text
    assert "the listener saw it from 127.0.0.1:" in text
    assert f"127.0.0.1 called 127.0.0.9:{port} (the registered address): timed out" in text
    assert f"called 127.0.0.1:{port} (the address it observed): refused" in text
    assert "the peer cannot call back 127.0.0.9" in text  # the regression, in words
    session.shutdown()
