"""A review with 10,000 root causes: the banner and "Why?" say the first few and count the rest.

The banner is refreshed on the UI thread after every review.  Its tooltip once
said every root cause (8,202 for the 10,000-dependency bench: a 3 MB string,
every sentence translated), which froze the window for 160-230 ms (issue 27).
What the UI thread builds must not grow with the number of root causes: these
tests count the sentences it builds, not the time it takes.
"""
from __future__ import annotations

import pytest

from migready.checks.review.root_causes import RootCause
from migready.checks.review.verdict import Verdict
from migready.checks.text.i18n import Msg
from migready.gui import banner as banner_module
from migready.gui.banner import TOOLTIP_CAUSES, VerdictBanner
from migready.gui.dialogs import why as why_module

CAUSES = 10_000


def many_causes(n: int = CAUSES) -> list[RootCause]:
    """Root causes as the grouping makes them: a headline sentence, evidence sentences, a rule."""
    return [RootCause(key=f"dep:svc-{i // 50}/dep-{i}", state="fail", severity="blocker",
                      headline=Msg("{dependency}: source port {port} rewritten by NAT at {host}",
                                   dependency=f"svc-{i // 50}/dep-{i}", port=9010, host="new-k8s"),
                      evidence=[Msg("reflector {ip}:{port} from port {sport}: pre port kept → post rewritten",
                                    ip=f"10.128.{i >> 8 & 255}.{i & 255}", port=3478, sport=9010)
                                for _ in range(4)],
                      rule="MR002 (incident 1)", cleared_by=Msg("probe: reflect shows port_preserved=true"),
                      dependency=f"svc-{i // 50}/dep-{i}", family="path", items=[f"req:svc/dep-{i}:reach"])
            for i in range(n)]


@pytest.fixture
def counted(monkeypatch):
    """Counts the sentences said (Msg.shown) and the root-cause lines built on this (the UI) thread."""
    said = {"sentences": 0, "lines": 0}
    real_shown = Msg.shown

    def shown(self):
        said["sentences"] += 1
        return real_shown(self)

    monkeypatch.setattr(Msg, "shown", shown)
    for module in (banner_module, why_module):
        real_lines = module.lines

        def lines(causes, *args, _real=real_lines, **kwargs):
            out = _real(causes, *args, **kwargs)
            said["lines"] += len(out)
            return out

        monkeypatch.setattr(module, "lines", lines)
    return said


def test_banner_builds_a_bounded_tooltip_for_10000_root_causes(qtbot, counted):
    causes = many_causes()
    banner = VerdictBanner()
    qtbot.addWidget(banner)
    counted.update(sentences=0, lines=0)
    banner.show_verdict(Verdict("NO-GO", ["10000 blockers failed"]), causes=causes)
    # the first root cause on the banner, the first few in the tooltip, the rest counted
    assert "svc-0/dep-0: source port 9010 rewritten by NAT" in banner.reasons.text()
    tip = banner.reasons.toolTip().splitlines()
    assert tip[0].startswith("1. [FAILED] svc-0/dep-0: source port 9010")
    assert tip[-1] == f"…and {CAUSES - TOOLTIP_CAUSES} more root causes (Why? ▸)"
    assert f"{TOOLTIP_CAUSES}. [FAILED]" in "\n".join(tip) and f"{TOOLTIP_CAUSES + 1}. " not in "\n".join(tip)
    per_cause = 1 + 3 + 1 + 1  # headline, the first 3 evidence lines, "…and 1 more", rule and clears-it
    assert counted["lines"] <= TOOLTIP_CAUSES * per_cause, counted
    assert counted["sentences"] <= 10 * TOOLTIP_CAUSES * per_cause, counted  # not ~70,000
    assert len(banner.causes) == CAUSES  # "Why?" still has every one


def test_why_dialog_says_a_page_of_root_causes_and_shows_more_on_request(qtbot, counted):
    causes = many_causes()
    counted.update(sentences=0, lines=0)
    dialog = why_module.WhyDialog("NO-GO", causes, [])
    qtbot.addWidget(dialog)
    page = why_module.PAGE
    first = dialog.text.toPlainText()
    assert f"{page}. [FAILED] svc-{(page - 1) // 50}/dep-{page - 1}:" in first
    assert f"\n{page + 1}. [FAILED]" not in first
    assert f"…and {CAUSES - page} more root causes (Show more)" in first
    assert counted["lines"] <= page * 7, counted
    assert dialog.more.isVisible() or not dialog.isVisible()
    assert dialog.more.text() == f"Show {page} more"
    dialog.more.click()
    second = dialog.text.toPlainText()
    assert f"\n{2 * page}. [FAILED] svc-{(2 * page - 1) // 50}/dep-{2 * page - 1}:" in second
    assert f"…and {CAUSES - 2 * page} more root causes (Show more)" in second
    # the details list the item ids of the causes said, in order
    assert f"{2 * page}. svc-{(2 * page - 1) // 50}/dep-{2 * page - 1}: source port 9010" in second
    assert f"items: req:svc/dep-{2 * page - 1}:reach" in second


def test_why_dialog_with_few_root_causes_says_them_all_without_a_more_button(qtbot):
    dialog = why_module.WhyDialog("NO-GO", many_causes(3), [])
    qtbot.addWidget(dialog)
    text = dialog.text.toPlainText()
    assert "3. [FAILED] svc-0/dep-2:" in text and "more root causes" not in text
    assert not dialog.more.isVisibleTo(dialog)
