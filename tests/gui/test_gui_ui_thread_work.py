"""What the UI thread does to open an inventory does not grow with its dependencies, flags or items.

Issue 27: at 10,000 dependencies the window stalled because every refresh
walked every flag and checklist item on the UI thread (counts per state, the
flags by dependency, the phases' groups, the rail's hints, a phase row that
counted its items each time it was painted) and the views mapped every row.
Now the workers count (gui/tallies.py) and the flags table and each phase
fetch their rows as they are scrolled to.  These tests count the Python calls
made on the UI thread (`sys.setprofile` is per thread: the workers that load,
flag and review are not counted) while a window opens an inventory, is
reviewed and shows each page: ten times the dependencies must not make ten
times the calls.  A count, not a time: the machine's load does not move it.
"""
from __future__ import annotations

import sys

from guikit import big_inventory

from migready.gui import style
from migready.gui.models.table import ROW_ROLE

SMALL, LARGE = 300, 3_000


def ui_thread_calls(qtbot, window, path) -> int:
    """Python calls on this (the UI) thread from File > Open to every page shown once."""
    calls = [0]

    def count(frame, event, arg):
        if event == "call":
            calls[0] += 1

    session = window.session
    sys.setprofile(count)
    try:
        with qtbot.waitSignal(session.review_changed, timeout=120_000,
                              check_params_cb=lambda *_: session.review is not None):
            session.open_path(path)
        for step in ("flags", "checklist", "signoff", "inventory"):
            window.go(step)
            qtbot.wait(100)  # each page lays out and paints its view
    finally:
        sys.setprofile(None)
    assert session.review is not None and len(session.flags) > 0
    return calls[0]


def test_opening_ten_times_the_dependencies_does_not_make_ten_times_the_ui_work(qtbot, window, tmp_path):
    ui_thread_calls(qtbot, window, big_inventory(tmp_path / "first.yaml", 50))  # first-use imports, caches
    small = ui_thread_calls(qtbot, window, big_inventory(tmp_path / "small.yaml", SMALL))
    large = ui_thread_calls(qtbot, window, big_inventory(tmp_path / "large.yaml", LARGE))
    # what is shown (a screenful of rows, the counts, the first root causes) is the same size; what is
    # not shown is neither counted nor laid out on the UI thread
    print(f"UI-thread Python calls: {SMALL} dependencies {small}, {LARGE} dependencies {large}")
    assert large - small < (LARGE - SMALL) // 2, (small, large)  # less than one call per dependency
    flags, checklist = window.pages["flags"].model, window.pages["checklist"].model
    assert flags.total() == len(window.session.flags) > flags.rowCount()  # fetched as scrolled to
    biggest = max(checklist.tally.phases, key=lambda p: len(p.items))
    row = checklist.tally.phases.index(biggest)
    assert checklist.rowCount(checklist.index(row, 0)) < len(biggest.items)


def test_a_search_sees_the_rows_not_fetched_yet(qtbot, window, tmp_path):
    """Lazy rows are still searched: the last flag and the last checklist item are found."""
    window.session.open_path(big_inventory(tmp_path / "large.yaml", LARGE))
    qtbot.waitUntil(lambda: window.session.review is not None, timeout=120_000)
    flags_page = window.pages["flags"]
    last = window.session.flags[-1]
    assert flags_page.model.rowCount() < flags_page.model.total()
    flags_page.search.setText(style.dependency(last.ref))  # as the Dependency column says it
    found = [flags_page.proxy.index(r, 0).data(ROW_ROLE) for r in range(flags_page.proxy.rowCount())]
    assert any(f is last for f in found), [f.ref for f in found]
    page = window.pages["checklist"]
    item = window.session.review.checklist.items[-1]
    assert page.select(item.id) and page.selected_item().id == item.id  # far down a big phase: fetched
