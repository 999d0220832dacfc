"""'Every staging host of the phase' asks Ansible (or kubectl) in a worker, never on the UI thread.

A phase whose hosts come from `{ansible: hosts.ini, group: ...}` is only known
once `ansible-inventory -i hosts.ini --list` has answered: a second or two for
a static file, up to the 120 s timeout for a dynamic script.  The window used
to ask it on the UI thread when Run was pressed, frozen meanwhile (issue 24).
These tests drive the real ansible-core (`migready[ansible]`, installed in CI)
over a static INI inventory; the plan is declined, so nothing is probed (and
the hosts are loopback addresses anyway).
"""
from __future__ import annotations

import pytest
from guikit import with_target_hosts

from migready.checks.probing import hostsources


def ansible_core() -> None:
    if hostsources._ansible_inventory_program() is None:
        import os
        if os.environ.get("CI"):
            pytest.fail("CI installs migready[ansible]; ansible-inventory is missing")
        pytest.skip("ansible-core is not installed (pip install 'migready[ansible]')")


def pool_window(qtbot, window, demo_path, tmp_path, group: str = "nodes"):
    """The demo inventory whose target phase takes its hosts from an Ansible INI inventory."""
    (tmp_path / "hosts.ini").write_text(
        "[nodes]\nnode-a ansible_host=127.0.0.1 ansible_port=2201\nnode-b ansible_host=127.0.0.1 ansible_port=2202\n"
        "\n[nodes:vars]\nansible_user=ops\n", encoding="utf-8")
    return with_target_hosts(qtbot, window, demo_path, tmp_path,
                             "[{ansible: %s, group: %s}]" % (tmp_path / "hosts.ini", group), "ansible-pool.yaml")


def test_every_host_of_an_ansible_group_is_looked_up_in_a_worker_then_planned(qtbot, window, demo_path, tmp_path):
    ansible_core()
    page = pool_window(qtbot, window, demo_path, tmp_path)
    window.interaction.plan_answer = False  # declined: nothing is sent
    asked = len(window.interaction.asked)
    assert page.request_run() is None
    # Run returned at once: ansible-inventory has not been asked on the UI thread, no plan shown yet,
    # the page says what it is doing and only Cancel can be pressed.
    assert len(window.interaction.asked) == asked
    assert page.state.told[0] == "running" and "Looking up the staging hosts" in page.state.told[1]
    assert not page.run_button.isEnabled() and page.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: len(window.interaction.asked) > asked, timeout=60_000)
    kind, summary = window.interaction.asked[-1]
    assert kind == "plan" and "2 staging hosts" in summary, summary
    plan = "\n".join(window.interaction.dialogs[-1].view.lines())
    assert "node-a" in plan and "node-b" in plan, plan  # the group's hosts, as ansible-core answered
    assert page.state.told == ("todo", "Not run: nothing was sent.")
    assert page.run_button.isEnabled() and not page.cancel_button.isEnabled()
    assert page.current is None and window.session.probe is None


def test_a_lookup_that_fails_says_why_and_names_the_group(qtbot, window, demo_path, tmp_path):
    ansible_core()
    page = pool_window(qtbot, window, demo_path, tmp_path, group="k8s_nodes")
    page.request_run()
    qtbot.waitUntil(lambda: page.state.told[0] == "fail", timeout=60_000)
    why = page.state.told[1]
    assert why.startswith("Could not look up the staging hosts:") and "no group k8s_nodes" in why, why
    assert "nodes" in why.split("groups:", 1)[1]  # the groups it does have
    assert not any(kind == "plan" for kind, *_ in window.interaction.asked)
    assert page.run_button.isEnabled()


def test_without_ansible_core_the_lookup_names_the_extra(qtbot, window, demo_path, tmp_path, monkeypatch):
    page = pool_window(qtbot, window, demo_path, tmp_path)
    monkeypatch.setattr(hostsources, "_ansible_inventory_program", lambda: None)  # as tests/test_fleet.py does
    page.request_run()
    qtbot.waitUntil(lambda: page.state.told[0] == "fail", timeout=30_000)
    assert "need ansible-core, which is not installed: pip install 'migready[ansible]'" in page.state.told[1]
    assert "hosts.ini" in page.state.told[1]


def test_cancel_during_the_lookup_shows_no_plan(qtbot, window, demo_path, tmp_path):
    ansible_core()
    page = pool_window(qtbot, window, demo_path, tmp_path)
    page.request_run()
    page.cancel()
    assert page.state.told[0] == "todo" and "cancelled" in page.state.told[1]
    qtbot.waitUntil(lambda: not window.session.runner.busy(), timeout=60_000)  # ansible-inventory answered
    qtbot.wait(50)
    assert not any(kind == "plan" for kind, *_ in window.interaction.asked)
    assert page.run_button.isEnabled() and page.current is None
