"""The window's sign-off keeps the rules `migready signoff` keeps (issue 23, item 5 in the window).

The Sign-off page signs through the same `actions.sign_off` the CLI calls: approving NO-GO evidence
takes an override reason (its own field, required; the reports say it), a role the policy does not
require is refused unless the signer ticks the extra role, and the table says how each signature
stands as the core judged it, never "counts" for one that does not (an untrusted key, a sign-off
replaced by the same signer's later one, a broken chain), in English and in Chinese.
"""
from __future__ import annotations

import pytest

from migready.checks.trust import signing
from migready.gui.models.signoff import SignoffModel, rows, status, status_text


@pytest.fixture
def trust(tmp_path, monkeypatch):
    """The trust directory the window reads ($MIGREADY_TRUST_DIR, as `verify` does), empty at first."""
    directory = tmp_path / "trust"
    directory.mkdir()
    monkeypatch.setenv("MIGREADY_TRUST_DIR", str(directory))
    return directory


def key(tmp_path, trust, name: str, role: str, trusted: bool = True):
    path = tmp_path / name.split()[0].lower()
    pub = signing.keygen(name, role, path, None)
    if trusted:
        (trust / pub.name).write_bytes(pub.read_bytes())
    return path


def signoff_page(qtbot, window):
    page = window.pages["signoff"]
    window.go("signoff")
    qtbot.waitUntil(lambda: page.report is not None and not page.stale, timeout=20_000)
    return page


def signed(qtbot, window, n: int):
    """Wait until the workspace holds N sign-offs and the page shows the report built after them."""
    page = window.pages["signoff"]
    qtbot.waitUntil(lambda: len(window.session.workspace.data["signoffs"]) == n, timeout=15_000)
    qtbot.waitUntil(lambda: page.report is not None and not page.stale
                    and len(page.report["signoff"]["entries"]) == n, timeout=20_000)
    return page


def row_of(page, name: str) -> dict:
    return next(r for r in rows(page.report["signoff"]) if r.get("name") == name)


def texts(page, name: str) -> list[str]:
    model = page.model
    index = next(i for i in range(model.rowCount()) if model.index(i, 2).data() == name)
    return [model.index(index, column).data() for column in range(model.columnCount())]


def test_approving_no_go_evidence_takes_an_override_reason_of_its_own(qtbot, demo_window, interaction, trust,
                                                                       tmp_path):
    session = demo_window.session
    lead = key(tmp_path, trust, "Lin Wei", session.inventory.signoff_roles[0])
    page = signoff_page(qtbot, demo_window)
    assert page.report["verdict"]["verdict"] == "NO-GO"  # nothing probed yet
    interaction.sign_values = {"key_path": str(lead), "decision": "approve", "comment": "seen it"}
    page.ask_sign()
    dialog = interaction.dialogs[-1]
    assert not dialog.override.isHidden()  # asked for, because the evidence says NO-GO
    qtbot.wait(300)
    assert session.workspace.data["signoffs"] == []  # a comment is not a reason to override: nothing signed
    interaction.sign_values["override"] = "vendor confirmed the firmware by phone"
    page.ask_sign()
    page = signed(qtbot, demo_window, 1)
    entry = session.workspace.data["signoffs"][0]
    assert entry["override"] == "vendor confirmed the firmware by phone" and entry["comment"] == "seen it"
    shown = texts(page, "Lin Wei")
    assert "overriding NO-GO: vendor confirmed the firmware by phone" in shown[3]
    assert "overriding: vendor confirmed the firmware by phone" in page.summary.text()


def test_a_reject_needs_no_override_reason(qtbot, demo_window, interaction, trust, tmp_path):
    lead = key(tmp_path, trust, "Lin Wei", demo_window.session.inventory.signoff_roles[0])
    page = signoff_page(qtbot, demo_window)
    interaction.sign_values = {"key_path": str(lead), "decision": "reject", "comment": "printer gone"}
    page.ask_sign()
    assert interaction.dialogs[-1].override.isHidden()
    page = signed(qtbot, demo_window, 1)
    assert "override" not in demo_window.session.workspace.data["signoffs"][0] or \
        not demo_window.session.workspace.data["signoffs"][0]["override"]


def test_a_role_the_policy_does_not_require_signs_only_as_an_extra_role(qtbot, demo_window, interaction, trust,
                                                                         tmp_path):
    session = demo_window.session
    auditor = key(tmp_path, trust, "Ma Jun", "auditor")
    page = signoff_page(qtbot, demo_window)
    interaction.sign_values = {"key_path": str(auditor), "decision": "reject", "comment": "not my call"}
    with qtbot.waitSignal(session.error, timeout=15_000) as refused:
        page.ask_sign()
    assert "auditor" in refused.args[1] and "--extra-role" in refused.args[1]
    assert session.workspace.data["signoffs"] == []
    interaction.sign_values["extra_role"] = True
    page.ask_sign()
    page = signed(qtbot, demo_window, 1)
    assert session.workspace.data["signoffs"][0]["extra_role"] is True
    assert texts(page, "Ma Jun")[0] == "auditor (not required)"


def test_a_key_not_in_the_trust_directory_never_shows_as_counting(qtbot, demo_window, interaction, trust, tmp_path):
    lead = key(tmp_path, trust, "Lin Wei", demo_window.session.inventory.signoff_roles[0], trusted=False)
    page = signoff_page(qtbot, demo_window)
    interaction.sign_values = {"key_path": str(lead), "decision": "reject", "comment": "printer gone"}
    page.ask_sign()
    page = signed(qtbot, demo_window, 1)
    row = row_of(page, "Lin Wei")
    assert row["status"] == "untrusted" and status(row) == "fail"
    shown = texts(page, "Lin Wei")
    assert "unverified: key not trusted" in shown[1] and "counts" not in shown[1] and "rejected" not in shown[1]


SECTION = {"required_roles": ["migration lead", "network"], "entries": [
    {"name": "Lin Wei", "role": "migration lead", "decision": "approve", "current": True, "signature_valid": True,
     "status": "replaced"},
    {"name": "Lin Wei", "role": "migration lead", "decision": "reject", "current": True, "signature_valid": True,
     "status": "valid"},
    {"name": "Mallory", "role": "network", "decision": "approve", "current": True, "signature_valid": True,
     "status": "untrusted"},
    {"name": "Zhao Lei", "role": "network", "decision": "approve", "current": True, "signature_valid": True,
     "status": "broken"},
]}


def statuses() -> list[tuple[str, str]]:
    return [(status(r), status_text(r)) for r in rows(SECTION)]


def test_the_sign_off_states_in_words(qtmodeltester):
    model = SignoffModel()
    model.set_rows(rows(SECTION))
    qtmodeltester.check(model)
    (replaced_state, replaced), (_, rejected), (untrusted_state, untrusted), (broken_state, broken) = statuses()
    assert "replaced by the signer's later sign-off" in replaced and replaced_state == "inconclusive"
    assert "rejected" in rejected
    assert "unverified: key not trusted" in untrusted and untrusted_state == "fail"
    assert "chain broken" in broken and broken_state == "fail"
    assert not any("counts" in text for _state, text in statuses())


def test_the_sign_off_states_in_chinese(qtbot):
    from migready.gui.i18n import install
    assert install("zh_CN") == "zh_CN"
    try:
        said = [text for _state, text in statuses()]
    finally:
        install("en")
    assert said[0].endswith("已被签字人之后的签字确认取代")
    assert "未验证：密钥不受信任" in said[2]
    assert "签字确认链已断开" in said[3]


def test_a_waiver_ending_before_the_cutover_is_said_in_the_window(qtbot, demo_window):
    """The verdict, every report and the window say it (the window's banner and Why? read the review's
    warnings; the line used to be added only to the report's)."""
    from migready.gui.dialogs.why import WhyDialog
    session = demo_window.session
    with qtbot.waitSignal(session.review_changed, timeout=10_000):
        assert session.waive("demo-scale-deviceadapter/demo-scale", "Lin Wei", "vendor", "2029-12-01")
    said = "waiver {id} expires on 2029-12-01, before the cutover on 2030-01-01"
    warnings = [str(w) for w in session.review.verdict.warnings]
    assert any(said.format(id=session.workspace.waivers[0]["id"]) in w for w in warnings), warnings
    assert "⚠" in demo_window.banner.reasons.text()
    dialog = WhyDialog(session.review.verdict.verdict, getattr(session.review, "causes", []),
                       session.review.verdict.warnings, demo_window)
    assert "before the cutover on 2030-01-01: it does not cover the move" in dialog.text.toPlainText()
