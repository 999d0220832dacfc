"""Every item model of the GUI, filled with real core objects, passes Qt's model tester."""
from __future__ import annotations

import datetime as _dt

import pytest
from guikit import EXAMPLES
from PySide6.QtCore import QModelIndex, Qt

from migready.checks.trust import signing
from migready.checks.inventory.load import load_inventory
from migready.checks.probing.run import run_probes
from migready.checks.store.problems import InputError
from migready.checks.report import build_report
from migready.checks.inventory.rules import evaluate
from migready.checks.review.verdict import mark, review, waive
from migready.checks.store.workspace import Workspace
from migready.gui.models.checklist import ChecklistModel
from migready.gui.models.compare import CompareModel
from migready.gui.models.events import EventsModel
from migready.gui.models.filter import FilterProxy
from migready.gui.models.flags import FlagsModel
from migready.gui.models.inventory import InventoryModel
from migready.gui.models.problems import ProblemsModel
from migready.gui.models.results import ResultsModel
from migready.gui.models.signoff import SignoffModel, rows
from migready.gui.models.table import FACETS_ROLE, ROW_ROLE, SORT_ROLE


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory):
    """The demo after a pre and a post run (printer gone for the post run), a mark, a waiver, a sign-off."""
    from freeaddr import demo_copy, free_block
    from guikit import start_peers
    folder = tmp_path_factory.mktemp("models")
    block = free_block()
    demo = demo_copy(block, folder)
    inventory = load_inventory(demo)
    workspace = Workspace.new(folder / "demo.migready.json", str(demo), inventory.digest)
    peers = start_peers(block)
    try:
        run_probes(inventory, "local://", "pre", workspace)
        peers.stop_printer()
        run_probes(inventory, "local://", "post", workspace)
    finally:
        peers.stop()
    result = review(inventory, workspace)
    mark(workspace, result.checklist, "demo.vendor-confirmation", "pass", "Lin", "vendor mail of 3 May")
    until = (_dt.date.today() + _dt.timedelta(days=3)).isoformat()
    waive(workspace, result.checklist, "demo-scale-deviceadapter/demo-printer", "Lin", "replaced", until)
    signing.keygen("Lin", "migration lead", folder / "key")
    report = build_report(inventory, workspace)
    entry = signing.sign(signing.load_signer(folder / "key"), report["digest"])
    workspace.add_signoff(entry)
    return inventory, workspace, review(inventory, workspace), build_report(inventory, workspace)


def check(qtmodeltester, model, facet=None):
    qtmodeltester.check(model)
    proxy = FilterProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    if facet:
        proxy.set_facet(*facet)
        qtmodeltester.check(proxy)
    proxy.set_text("demo")
    qtmodeltester.check(proxy)
    proxy.sort(0, Qt.DescendingOrder)
    qtmodeltester.check(proxy)
    return proxy


def test_flags_model(qtmodeltester):
    flags = evaluate(load_inventory(EXAMPLES / "scale-adapter-nat.yaml"))
    model = FlagsModel(flags)
    check(qtmodeltester, model, ("severity", "blocker"))
    assert model.index(0, 0).data() == "✗ BLOCKER" and model.index(0, 0).data(SORT_ROLE) == 4
    assert model.index(0, 0).data(Qt.BackgroundRole) is not None
    assert model.index(0, 0).data(ROW_ROLE) is flags[0]


def test_problems_model(qtmodeltester, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 2\nmigration: {name: m}\nservices: []\nextra: 1\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_inventory(bad)
    model = ProblemsModel(caught.value.problems)
    check(qtmodeltester, model)
    assert model.index(0, 0).data() == "bad.yaml:1:10"


def test_results_model_grows_while_a_run_streams(qtmodeltester, reviewed):
    _, workspace, _, _ = reviewed
    results = workspace.runs[1]["results"]
    model = ResultsModel(results[:2])
    qtmodeltester.check(model)
    model.append_rows(results[2:])
    assert model.rowCount() == len(results)
    check(qtmodeltester, model, ("status", "fail"))


def test_compare_model_puts_regressions_first(qtmodeltester, reviewed):
    _, _, result, _ = reviewed
    model = CompareModel(result.comparison.changes)
    check(qtmodeltester, model, ("change", "regression"))
    assert model.index(0, 0).data().startswith("✗ REGRESSION")
    assert model.index(0, 0).data(FACETS_ROLE) == {"change": "regression"}


def test_checklist_model(qtmodeltester, reviewed):
    _, _, result, _ = reviewed
    model = ChecklistModel()
    model.set_checklist(result.checklist)
    check(qtmodeltester, model, ("state", "waived"))
    group = model.index(0, 0)
    assert group.data().startswith("prepare — ") and model.rowCount(group) > 0
    g, c = model.find("demo.vendor-confirmation")
    item = model.index(c, 0, model.index(g, 0)).data(ROW_ROLE)
    assert item.state == "pass"


def test_events_model(qtmodeltester, reviewed):
    _, workspace, _, _ = reviewed
    model = EventsModel(workspace.events)
    check(qtmodeltester, model)
    assert [model.index(r, 3).data() for r in range(model.rowCount())][-3:] == ["mark", "waive", "signoff"]


def test_inventory_model_fetches_services_lazily(qtmodeltester, reviewed):
    inventory = load_inventory(EXAMPLES / "job-scheduler-callback.yaml")  # two services
    model = InventoryModel()
    model.batch = 1  # one service per fetch: exercises fetchMore
    model.set_inventory(inventory, evaluate(inventory))
    root = QModelIndex()
    assert model.rowCount() == 1 and model.canFetchMore(root)
    check(qtmodeltester, model, ("protocol", "tcp"))
    while model.canFetchMore(root):
        model.fetchMore(root)
    assert model.rowCount() == len(inventory.services) == 2
    proxy = check(qtmodeltester, model, ("severity", "high"))
    proxy.set_text("")
    shown = sum(proxy.rowCount(proxy.index(r, 0)) for r in range(proxy.rowCount()))
    assert 0 < shown < sum(len(s.dependencies) for s in inventory.services)


def test_signoff_model(qtmodeltester, reviewed):
    _, _, _, report = reviewed
    model = SignoffModel(rows(report["signoff"]))
    check(qtmodeltester, model)
    by_role = {model.index(r, 0).data(): model.index(r, 1).data() for r in range(model.rowCount())}
    # the fixture's key is in no trust directory: shown as judged, never as counting (issue 23)
    assert "unverified: key not trusted" in by_role["migration lead"] and "awaiting" in by_role["store devices"]
