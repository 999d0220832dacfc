"""The Rehearsal page through the real window: the dry-run rules as the person chooses, refusals in
words, and the question before anything is applied.  Declining sends nothing; the real rehearsal
through this page runs on the lab (tests/lab/test_lab_rehearse.py::test_gui_page_rehearses_on_the_lab).

The inventory's staging host is a lab address: every case here stops before connecting.
"""
from __future__ import annotations

import re

import pytest

INVENTORY = """\
version: 1
migration:
  name: check-out API
  source: {site: old, staging_hosts: ["ssh://root@198.18.1.2:22"]}
  target: {site: new}
services:
  - name: checkout
    owner: service-point
    health: http://127.0.0.1:8081/health
    dependencies:
      - name: kafka
        kind: middleware
        protocol: kafka
        host: 198.18.10.2
        port: 9092
        in_request_path: true
        timeout_ms: 200
  - name: reports
    owner: bi
    dependencies:
      - name: db
        kind: database
        protocol: mysql
        host: 198.18.10.5
        port: 3306
"""


@pytest.fixture
def rehearsal_window(qtbot, window, tmp_path):
    path = tmp_path / "checkout.yaml"
    path.write_text(INVENTORY, encoding="utf-8")
    window.session.open_path(path)
    qtbot.waitUntil(lambda: window.session.review is not None, timeout=10_000)
    window.session.save_as(tmp_path / "ws.migready.json")
    window.go("rehearsal")
    return window, window.pages["rehearsal"]


def test_page_shows_the_rules_and_asks_before_applying(qtbot, rehearsal_window, interaction):
    window, page = rehearsal_window
    assert window.step_state("rehearsal") == "todo"
    assert "0 of 1 fail fast" in window.rail.item(window.rail.count() - 1).text()
    assert page.host.currentText() == "ssh://root@198.18.1.2:22"
    assert page.dependency.currentText() == "checkout/kafka"  # the one to rehearse comes first
    rules = page.rules.toPlainText()
    chain = re.search(r"iptables -N (MIGREADY-\w+)", rules).group(1)
    assert f"iptables -A {chain} -d 198.18.10.2 -p tcp --dport 9092 -j DROP" in rules
    assert f"iptables -X {chain}" in rules and "fail_fast_ms 450" in rules
    page.fault.setCurrentText("reject")
    assert "-j REJECT --reject-with tcp-reset" in page.rules.toPlainText()

    runs = len(window.session.workspace.runs)
    interaction.confirm_answer = False
    assert page.run_button.isEnabled()
    page.run_button.click()
    kind, text = interaction.asked[-1]
    assert kind == "confirm" and "-j REJECT" in text and "Apply these rules on ssh://root@198.18.1.2:22" in text
    assert page.current is None and len(window.session.workspace.runs) == runs
    assert page.state.told == ("todo", "Not applied: nothing was sent.")


def test_page_shows_why_a_rehearsal_is_refused(qtbot, rehearsal_window, interaction):
    _, page = rehearsal_window
    page.dependency.setCurrentText("reports/db")
    assert "Refused:" in page.rules.toPlainText() and "declares no health endpoint" in page.rules.toPlainText()
    assert not page.run_button.isEnabled()
    page.dependency.setCurrentText("checkout/kafka")
    page.fault.setCurrentText("blackhole")
    assert not page.delay.isVisibleTo(page)  # a delay field beside blackhole would mislead
    assert "TODO" not in page.state.text() and "Nothing applied yet" in page.state.text()
    page.fault.setCurrentText("delay")
    assert page.delay.isVisibleTo(page) and page.delay.isEnabled() and "netem" in page.rules.toPlainText()
    assert page.run_button.isEnabled()
    assert not interaction.asked
