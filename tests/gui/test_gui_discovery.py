"""The Discovery page through the real window: importing exports, the findings table, "add to
inventory" into a validated copy, and a live local:// sampling window cancelled midway.

Live sampling only reads this machine's socket tables (the demo inventory holds loopback
addresses, so no name is resolved); imports compare the sample exports in tests/data/discovery.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from guikit import DEMO

from migready.checks.inventory.load import load_inventory
from migready.checks.store.workspace import Workspace

DATA = Path(__file__).parent.parent / "data" / "discovery"


@pytest.fixture
def discovery_window(qtbot, window, tmp_path):
    """The window on a copy of the discovery test inventory (so copies are written next to it)."""
    inventory = tmp_path / "scale-adapter.yaml"
    shutil.copy(DATA / "inventory.yaml", inventory)
    window.session.open_path(inventory)
    qtbot.waitUntil(lambda: window.session.review is not None, timeout=10_000)
    window.go("discovery")
    return window, window.pages["discovery"], inventory


def rows(page) -> list[list[str]]:
    return [[page.proxy.index(r, c).data() or "" for c in range(page.proxy.columnCount())]
            for r in range(page.proxy.rowCount())]


def import_and_wait(qtbot, page, path, **kwargs) -> None:
    with qtbot.waitSignal(page.session.workspace_changed, timeout=10_000):
        assert page.ask_import(str(path), **kwargs) is not None


def test_importing_an_ss_export_shows_and_records_the_findings(qtbot, qtmodeltester, discovery_window):
    window, page, _ = discovery_window
    assert window.step_state("discovery") == "todo"
    import_and_wait(qtbot, page, DATA / "ss_tunap.txt")
    table = rows(page)
    undocumented = [r for r in table if r[0] == "undocumented"]
    # the scale 10.1.4.12 is talked to but missing from the inventory: high in a store zone
    scale = next(r for r in undocumented if r[2] == "10.1.4.12")
    assert "HIGH" in scale[1] and scale[3] == "udp" and scale[4] == "5002" and scale[6] == "store"
    assert scale[7] == "scale-adapter"
    # the scale the inventory lists and that was seen is shown as documented, not hidden
    assert any(r[0] == "documented" and r[2] == "10.1.4.11" for r in table)
    assert any(r[0] == "unseen" and "10.1.4.13" in r[2] for r in table)
    qtmodeltester.check(page.model)

    # recorded in the workspace (autosaved through the core) and shown on the rail
    record = window.session.workspace.data["discoveries"][-1]
    assert record["observation"]["source"] == "ss"
    assert window.step_state("discovery") == "attention"
    saved = window.session.workspace.path  # the autosave runs in a worker: the file may not exist yet
    qtbot.waitUntil(lambda: saved.exists() and "discoveries" in Workspace.load(saved).data, timeout=10_000)
    assert "undocumented" in page.state.text()
    # ... and the undocumented scale is now a failing blocker of the checklist, so the verdict says so
    qtbot.waitUntil(lambda: window.session.review is not None and window.session.review.checklist.item(
        "discovery:undocumented:udp:outbound:10.1.4.12:5002") is not None, timeout=10_000)
    assert window.banner.word == "NO-GO"

    # filters narrow the table; the detail pane says where the finding comes from and what clears it
    page.kind_filter.setCurrentIndex(page.kind_filter.findData("undocumented"))
    assert {r[0] for r in rows(page)} == {"undocumented"}
    assert page.select(lambda row: row.peer == "10.1.4.12")
    details = page.details.toPlainText()
    assert "Comes from incident" in details and "Cleared by" in details
    assert page.add_button.isEnabled()


def test_add_to_inventory_writes_a_valid_copy_and_leaves_the_inventory_alone(qtbot, discovery_window,
                                                                             interaction, tmp_path):
    window, page, inventory = discovery_window
    original = inventory.read_bytes()
    import_and_wait(qtbot, page, DATA / "ss_tunap.txt")
    assert page.select(lambda row: row.kind == "undocumented" and row.peer == "10.1.4.12")
    copy = tmp_path / "scale-adapter.discovered.yaml"
    interaction.choices = ["scale-adapter"]
    interaction.save_paths = [str(copy)]
    assert page.ask_add()
    qtbot.waitUntil(lambda: not page.adder.adding, timeout=10_000)
    assert "valid" in page.state.text(), page.state.text()
    save = next(a for a in interaction.asked if a[0] == "save")
    assert save[2] == str(copy)  # the copy's name is offered next to the inventory
    assert inventory.read_bytes() == original
    added = load_inventory(copy)
    service = next(s for s in added.services if s.name == "scale-adapter")
    new = [d for d in service.dependencies if "10.1.4.12" in d.targets]
    assert len(new) == 1 and new[0].protocol == "udp" and new[0].port == 5002
    assert Path(window.session.inventory_path) == inventory  # the copy is not opened unless asked

    # the copy itself cannot be the inventory
    interaction.choices = ["scale-adapter"]
    interaction.save_paths = [str(inventory)]
    assert not page.ask_add()
    assert "the inventory itself" in page.state.text()
    assert inventory.read_bytes() == original


def test_an_export_of_several_servers_asks_whose_connections(qtbot, discovery_window, interaction):
    window, page, _ = discovery_window
    interaction.choices = ["scale-adapter-01"]
    import_and_wait(qtbot, page, DATA / "azure_dependencies.csv")
    choose = next(a for a in interaction.asked if a[0] == "choose")
    assert "scale-adapter-01" in choose[2]
    record = window.session.workspace.data["discoveries"][-1]
    assert record["observation"]["source"] == "azure"
    assert any(r[0] == "documented" and "10.1.4.21" in r[2] for r in rows(page))


def test_an_unreadable_export_is_explained(qtbot, discovery_window, tmp_path):
    window, page, _ = discovery_window
    bad = tmp_path / "garbage.csv"
    bad.write_text("this,is,not\nan,export,at all\n")
    run = page.ask_import(str(bad))
    with qtbot.waitSignal(run.failed, timeout=10_000):
        pass
    assert "Could not import" in page.state.text() and "garbage.csv" in page.state.text()
    assert not window.session.workspace.data.get("discoveries")
    assert page.sample_button.isEnabled()


def test_live_sampling_in_a_worker_and_cancel_keeps_what_came_in(qtbot, window):
    window.session.open_path(DEMO)
    qtbot.waitUntil(lambda: window.session.review is not None, timeout=10_000)
    window.go("discovery")
    page = window.pages["discovery"]
    assert page.host.currentText() == "local://"
    run = page.start("local://", duration=60, interval=0.2)
    assert run is not None and page.running and page.cancel_button.isEnabled()
    assert not page.sample_button.isEnabled()  # one at a time
    qtbot.waitUntil(lambda: page.progress.maximum() > 1 and page.progress.value() >= 1, timeout=20_000)
    assert "Sampling local://" in page.state.text()
    window.cancel_probes()  # Esc
    qtbot.waitUntil(lambda: not page.running, timeout=20_000)
    record = window.session.workspace.data["discoveries"][-1]
    assert record["observation"]["complete"] is False and record["observation"]["samples"] >= 1
    assert "Incomplete" in page.state.text() and "kept" in page.state.text()
    assert page.sample_button.isEnabled()


def test_importing_an_aws_export_zip_says_what_was_read_and_left_out(qtbot, discovery_window, tmp_path):
    import zipfile
    window, page, _ = discovery_window
    archive = tmp_path / "ads-export.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for member in sorted((DATA / "aws_export").iterdir()):
            z.write(member, member.name)
    import_and_wait(qtbot, page, archive)
    assert "Import: read 11 rows: 8 used (4 peers); left out: 3 loopback rows" in page.state.text()
    record = window.session.workspace.data["discoveries"][-1]
    assert record["observation"]["imported"]["used"] == 8 and record["observation"]["server"] == "192.0.2.10"
    assert any(r[0] == "inbound" and r[2] == "203.0.113.202" for r in rows(page))  # an undeclared caller
