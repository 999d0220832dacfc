"""The guard the GUI tests and the screenshot script run every probe plan through (no probing here)."""
from __future__ import annotations

import pytest
from guikit import DEMO, EXAMPLES

from migready.checks.inventory.load import load_inventory
from migready.checks.probing.plans import build_plan
from migready.gui.screenshots import loopback_only, outside_loopback


def test_demo_plans_stay_on_loopback():
    for phase in ("pre", "post"):
        assert outside_loopback(build_plan(load_inventory(DEMO), "local://", phase)) == []


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.yaml") if p.name != "demo.yaml"))
def test_every_other_example_is_refused(name):
    inventory = load_inventory(EXAMPLES / name)
    assert outside_loopback(build_plan(inventory, "local://", "pre"))
    with pytest.raises(RuntimeError, match="loopback only"):
        loopback_only(inventory, "pre")


def test_probe_button_waits_for_a_loading_inventory(qtbot, demo_window, tmp_path):
    session, page = demo_window.session, demo_window.pages["pre"]
    other = tmp_path / "other.yaml"  # loopback too: nothing here may probe an example's addresses
    other.write_text(DEMO.read_text(encoding="utf-8").replace("name: demo-printer", "name: other-printer"),
                     encoding="utf-8")
    session.open_path(other)  # loading: the old review is still shown
    assert session.loading and not page.run_button.isEnabled()
    assert page.start("local://") is None and "Wait until the inventory has loaded" in page.state.text()
    qtbot.waitUntil(lambda: not session.loading, timeout=10_000)
