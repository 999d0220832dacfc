"""The whole review through the real window: inventory, flags, pre and post probes (local://,
loopback peers; the post run goes through `migready demo`'s user-space NAT simulation, so the
scale's source port is rewritten as in incident 1), compare, checklist marks and a waiver,
sign-off with generated keys, PDF export."""
from __future__ import annotations

import datetime as _dt
import json
import re

from guikit import behind_nat

from migready.checks.trust import signing
from migready.checks.store.workspace import Workspace

SCALE = "demo-scale-deviceadapter/demo-scale"


def run_phase(qtbot, window, phase: str) -> dict:
    window.go(phase)
    page = window.pages[phase]
    assert page.host.currentText() == "local://"  # the demo's staging host, offered first
    with qtbot.waitSignal(window.session.review_changed, timeout=20_000):
        with qtbot.waitSignal(page.request_run().finished, timeout=20_000) as finished:
            pass
    assert window.interaction.asked[-1][0] == "plan"  # the plan was shown before the run
    run = finished.args[0]
    assert run["complete"] and run["phase"] == phase
    assert page.model.rowCount() == len(run["results"]) > 0
    assert "finished" in page.state.text()
    return run


def test_whole_review_through_the_window(qtbot, demo_window, store_peers, tmp_path):
    window, session = demo_window, demo_window.session
    # Inventory and flags: the scale's fixed source port behind the target's NAT is a blocker.
    assert window.pages["inventory"].model.rowCount() == 1
    assert window.step_state("inventory") == "done"
    flags = window.pages["flags"]
    window.go("flags")
    rows = [flags.proxy.index(r, 0).data() + " " + flags.proxy.index(r, 1).data()
            for r in range(flags.proxy.rowCount())]
    assert "✗ BLOCKER MR002" in rows
    assert window.step_state("flags") == "attention"
    assert window.banner.word == "NO-GO"

    # Pre-migration baseline with the devices reached directly; post-migration through the NAT.
    pre = run_phase(qtbot, window, "pre")
    assert all(r["status"] == "pass" for r in pre["results"])
    assert window.step_state("pre") == "done"
    store_peers.stop()
    nat = behind_nat(store_peers.block)
    try:
        post = run_phase(qtbot, window, "post")
    finally:
        nat.stop()
    assert any(r["status"] == "fail" for r in post["results"])  # the scale answers ERR 266

    # Compare: the scale's rewritten source port is a regression, first, in plain words.
    window.go("compare")
    compare = window.pages["compare"]
    rows = [[compare.proxy.index(r, c).data() for c in range(compare.proxy.columnCount())]
            for r in range(compare.proxy.rowCount())]
    regressions = [row for row in rows if row[0].startswith("✗ REGRESSION")]
    assert rows[:len(regressions)] == regressions and len(regressions) >= 2
    reflect = next(row for row in regressions if row[3] == "reflect")
    assert re.search(r"source port 9010 → \d+ \(rewritten by NAT\)", reflect[1])
    assert reflect[2] == "demo-scale · demo-scale-deviceadapter"
    exchange = next(row for row in regressions if row[3] == "udp_exchange")
    assert exchange[5].startswith("pass") and exchange[6].startswith("fail")
    assert window.step_state("compare") == "blocked"
    assert "regression" in compare.summary.text()

    # Checklist: mark every manual blocker pass with a note (through the mark dialog).
    window.go("checklist")
    checklist = window.pages["checklist"]
    manual = [i for i in session.review.checklist.items if i.source in ("template", "inventory")]
    for item in manual:
        assert checklist.select(item.id)
        with qtbot.waitSignal(session.review_changed, timeout=10_000):
            assert checklist.ask_mark("pass")
    assert session.workspace.marks["demo.vendor-confirmation"]["note"] == "checked with the store"
    assert session.review.checklist.item("demo.vendor-confirmation").state == "pass"
    assert window.banner.word == "NO-GO"  # the scale still blocks

    # Waive the scale (all its items) through the waive dialog: GO WITH WAIVERS.
    until = (_dt.date.today() + _dt.timedelta(days=7)).isoformat()
    window.interaction.waiver_values = {"by": "Lin Wei", "reason": "vendor firmware 3.2 accepts any source port; "
                                        "rolled out before cutover", "until": until, "whole_dependency": True}
    assert checklist.select(f"req:{SCALE}:source_port_preserved")
    with qtbot.waitSignal(session.review_changed, timeout=10_000):
        assert checklist.ask_waive()
    assert session.workspace.waivers[-1]["dependency"] == SCALE
    assert window.banner.word == "GO WITH WAIVERS", session.review.verdict.reasons
    assert window.step_state("compare") == "attention"
    actions = [e["action"] for e in session.workspace.events]
    assert actions.count("mark") == len(manual) and "waive" in actions
    log = checklist.events.rows()
    assert log[0]["action"] == "waive"  # newest first in the log tab

    # Sign-off with generated keys, one per required role; then export a PDF.
    window.go("signoff")
    signoff = window.pages["signoff"]
    qtbot.waitUntil(lambda: signoff.report is not None and not signoff.stale, timeout=15_000)
    assert "awaiting" in signoff.summary.text().lower()
    for number, role in enumerate(session.inventory.signoff_roles):
        key = tmp_path / f"key{number}"
        signing.keygen(f"Signer {number}", role, key)
        window.interaction.sign_values = {"key_path": str(key), "decision": "approve"}
        signoff.ask_sign()
        qtbot.waitUntil(lambda: len(session.workspace.data["signoffs"]) == number + 1, timeout=10_000)
        qtbot.waitUntil(lambda: signoff.report is not None and not signoff.stale
                        and len(signoff.report["signoff"]["entries"]) == number + 1, timeout=15_000)
    assert signoff.report["signoff"]["final"]["verdict"] == "GO WITH WAIVERS"
    qtbot.waitUntil(lambda: window.step_state("signoff") == "done", timeout=5_000)  # every role signed
    assert signoff.model.rowCount() == 2
    pdf = tmp_path / "report.pdf"
    window.interaction.save_paths = [str(pdf)]
    signoff.ask_export("pdf")
    qtbot.waitUntil(pdf.exists, timeout=30_000)
    assert pdf.read_bytes().startswith(b"%PDF")

    # Autosaved: the file on disk holds everything that was done.
    qtbot.waitUntil(lambda: not session._saving, timeout=10_000)
    saved = Workspace.load(session.workspace.path)
    assert len(saved.runs) == 2 and len(saved.marks) == len(manual)
    assert saved.waivers and len(saved.data["signoffs"]) == 2
    assert json.loads(session.workspace.path.read_text(encoding="utf-8"))["events"][-1]["action"] == "signoff"


def test_opening_never_starts_probes(qtbot, demo_window):
    assert demo_window.session.probe is None
    assert demo_window.session.workspace.runs == []
    assert demo_window.step_state("pre") == "todo"


def test_run_shows_the_plan_first_and_cancel_sends_nothing(qtbot, demo_window, demo_block):
    """The app's own dialog: the plan lists every address and port; Cancel leaves no run."""
    from guikit import answer_when_shown
    from migready.gui.dialogs.plan import PlanDialog
    from migready.gui.interaction import Interaction
    page = demo_window.pages["pre"]
    page.interaction = Interaction(demo_window)
    shown = []

    def cancel(dialog):
        shown.append(dialog.text.toPlainText())
        dialog.reject()

    answer_when_shown(page.interaction, cancel, PlanDialog)
    demo_window.go("pre")
    assert page.request_run("local://") is None
    assert demo_block.scale[0] in shown[0] and "udp/5002" in shown[0] and "totals:" in shown[0]
    assert demo_window.session.probe is None and demo_window.session.workspace.runs == []
    assert "nothing was sent" in page.state.text()


def test_counts_agree_across_banner_rail_pages_and_report_on_the_demo(qtbot, demo_window, store_peers):
    """One place counts: the banner's root causes = the Sign-off page's = every report format's;
    the rail's checklist step = the checklist page's = the report's blocker counts."""
    from migready.checks.report import build_report, render
    from migready.checks.review.root_causes import blocker_tally, from_report, tally, tally_text
    window, session = demo_window, demo_window.session
    run_phase(qtbot, window, "pre")
    store_peers.stop()
    nat = behind_nat(store_peers.block)
    try:
        run_phase(qtbot, window, "post")
    finally:
        nat.stop()
    report = build_report(session.inventory, session.workspace)
    causes = from_report(report)
    said = tally_text(causes)
    assert said == "2 root causes (1 failed, 1 pending)"
    # banner: the tally and the first root cause (the scale's port), nothing else
    assert tally(window.banner.causes) == tally(causes)
    banner = window.banner.reasons.text()
    assert said in banner and "demo-scale: source port 9010 rewritten by NAT" in banner
    assert "flag:" not in banner and "req:" not in banner
    # compare page: its two regressions under the one root cause
    window.go("compare")
    compare = window.pages["compare"].summary.text()
    assert compare.count("source port 9010 rewritten by NAT") == 1 and "(2 regressions)" in compare
    # rail and checklist page: blocker items by state, as the report counts them
    items = [i for s in report["services"] for d in s["dependencies"] for i in d["items"]]
    items += [i for g in report["general_items"] for i in g["items"]]
    blockers = blocker_tally(items)
    step = window.rail.item([k for k, _ in __import__("migready.gui.steps", fromlist=["STEPS"]).STEPS]
                            .index("checklist")).text()
    assert f"{blockers['failed']} failed, {blockers['pending']} pending" in step
    window.go("checklist")
    assert f"Blockers: {blockers['failed']} failed, {blockers['pending']} pending" in \
        window.pages["checklist"].summary.text()
    # Sign-off page and every report format: the same root-cause tally
    window.go("signoff")
    signoff = window.pages["signoff"]
    qtbot.waitUntil(lambda: signoff.report is not None and not signoff.stale, timeout=15_000)
    assert said in signoff.summary.text()
    for fmt in ("html", "md", "junit"):
        text = render(report, fmt).decode("utf-8")
        assert text.count("demo-scale: source port 9010 rewritten by NAT") == 1, fmt
    assert said in render(report, "html").decode("utf-8") and said in render(report, "md").decode("utf-8")
    # the rail's Sign-off step is not done while a required role is awaited
    assert window.step_state("signoff") != "done"


def test_opening_a_finished_workspace_lands_on_compare(qtbot, demo_window, store_peers):
    window, session = demo_window, demo_window.session
    run_phase(qtbot, window, "pre")
    run_phase(qtbot, window, "post")
    qtbot.waitUntil(lambda: session.workspace.path.exists(), timeout=5_000)
    path = session.workspace.path
    window.go("inventory")
    session.open_path(path)
    qtbot.waitUntil(lambda: window.current_page() is window.pages["compare"], timeout=10_000)


def test_probe_runs_are_attested_with_the_key_chosen_once(qtbot, demo_window, store_peers, tmp_path):
    """Run ▸ Attest my probe runs: the key (passphrase asked once) signs every run finished afterwards."""
    from migready.checks.trust.provenance import standing
    from migready.checks.trust.signing import keygen
    window, session = demo_window, demo_window.session
    keygen("Lin Wei", "network", tmp_path / "lin", b"swordfish")
    ask = window.interaction
    ask.open_paths.append(str(tmp_path / "lin"))
    ask.secret_value = "swordfish"
    window.actions["attest"].trigger()
    assert session.run_signer is not None and session.run_signer.name == "Lin Wei"
    assert ("secret", f"Passphrase for {tmp_path / 'lin'}:") in ask.asked
    run = run_phase(qtbot, window, "pre")
    s = standing(session.workspace, session.workspace.run(run["id"]))
    assert s.state == "attested" and "Lin Wei (network)" in s.text
