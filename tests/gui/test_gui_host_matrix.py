"""The dependency x host matrix (issue 24): a cell's colour, symbol and evidence, and the page's tab."""
from __future__ import annotations

from guikit import with_target_hosts
from PySide6.QtCore import Qt

from migready.gui import style
from migready.gui.host_matrix import HostMatrix


def _view(hosts: int = 3) -> dict:
    names = [f"node-{i}" for i in range(1, hosts + 1)]
    results = []
    for i, name in enumerate(names):
        tag = {"host": f"ssh://root@192.0.2.{i + 1}:22", "host_name": name, "pool": "k8s-b"}
        results.append(dict(tag, dependency=None, check="host_facts", target=None, status="pass"))
        bad = name == "node-2"
        results.append(dict(tag, dependency="adapter/scales", check="reflect", target="198.51.100.10:3478",
                            status="fail" if bad else "pass", reason="port_rewritten" if bad else None,
                            detail="source port 9010 → 40212" if bad else None,
                            data={"local": {"ip": "192.0.2.%d" % (i + 1), "port": 9010},
                                  "observed": {"ip": "198.51.100.1", "port": 40212 if bad else 9010},
                                  "port_preserved": not bad, "nat": bad}))
        results.append(dict(tag, dependency="adapter/printers", check="tcp_connect", target="198.51.100.21",
                            status="inconclusive" if name == "node-3" else "pass", reason="timeout"))
    return {"id": "fleet-x", "phase": "post", "results": results,
            "hosts": [{"host": f"ssh://root@192.0.2.{i + 1}:22", "host_name": n, "pool": "k8s-b"}
                      for i, n in enumerate(names)]}


def test_a_cell_shows_the_worst_status_of_its_dependency_on_its_host_and_its_evidence_on_click(qtbot):
    matrix = HostMatrix()
    qtbot.addWidget(matrix)
    matrix.set_view(_view())
    model = matrix.model
    assert (model.rowCount(), model.columnCount()) == (3, 3)  # the host itself, printers, scales
    assert [model.headerData(c, Qt.Horizontal) for c in range(3)] == ["node-1", "node-2", "node-3"]
    scales = model.dependencies.index("adapter/scales")
    printers = model.dependencies.index("adapter/printers")
    assert [model.state(scales, c) for c in range(3)] == ["pass", "fail", "pass"]
    assert [model.state(printers, c) for c in range(3)] == ["pass", "pass", "inconclusive"]
    cell = model.index(scales, 1)
    assert model.data(cell) == style.symbol("fail")  # never the colour alone
    assert model.data(cell, Qt.BackgroundRole) == style.tint("fail")

    rect = matrix.table.visualRect(cell)
    matrix.show()
    qtbot.mouseClick(matrix.table.viewport(), Qt.LeftButton, pos=rect.center())
    text = matrix.evidence.text()
    assert "node-2" in text and "k8s-b" in text and "reflect" in text and "198.51.100.10:3478" in text

    matrix.set_view(None)
    assert model.rowCount() == model.columnCount() == 0


def test_the_probe_page_runs_every_host_of_a_pool_and_shows_the_matrix(qtbot, window, demo_path, store_peers,
                                                                       tmp_path):
    """'every staging host of the phase' is offered first; the run fans out (two exec: hosts on this
    machine, loopback peers only), and the page lands on the matrix, one column per host."""
    import sys

    # two exec: hosts on this machine; the demo inventory points at this test's free loopback block
    pool = ('[{pool: p1, hosts: [{exec: [%s, "-"], name: pod-a}, {exec: [%s, "-I", "-"], name: pod-b}]}]'
            % (sys.executable, sys.executable))
    page = with_target_hosts(qtbot, window, demo_path, tmp_path, pool, "pool.yaml")
    with qtbot.waitSignal(page.started, timeout=30_000) as started:  # the hosts are looked up in a worker
        assert page.request_run() is None
    with qtbot.waitSignal(started.args[0].finished, timeout=30_000) as finished:
        pass
    assert window.interaction.asked[-1][0] == "plan"  # the plan over both hosts was shown first
    view = finished.args[0]
    assert sorted(h["host_name"] for h in view["hosts"]) == ["pod-a", "pod-b"] and view["complete"]
    assert page.views.currentWidget() is page.matrix
    model = page.matrix.model
    assert sorted(model.headerData(c, Qt.Horizontal) for c in range(model.columnCount())) == ["pod-a", "pod-b"]
    scale = model.dependencies.index("demo-scale-deviceadapter/demo-scale")
    assert {model.state(scale, c) for c in range(2)} == {"pass"}  # no NAT on loopback: the peers answered
    page.matrix.show_evidence(model.index(scale, 1))
    assert "udp_exchange" in page.matrix.evidence.text()
