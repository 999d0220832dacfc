"""The slow things the GUI asks for, as plain functions (no widgets): run by workers.

Each is a short composition of core calls so that it can be tested, and
run in a script, without a window: load an inventory (with its flags and,
on failure, its text for showing the bad line), open a workspace with its
inventory, save, review.
"""
from __future__ import annotations

from migready.checks.collector import paused as no_collection

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from PySide6.QtCore import QCoreApplication

from migready.checks.inventory.load import load_inventory
from migready.checks.store.problems import InputError, Problem
from migready.checks.inventory.rules import Flag, evaluate
from migready.checks.store.safeio import read_regular
from migready.checks.review.verdict import Review, review
from migready.checks.store.workspace import Workspace

from .tallies import InventoryTally, checklist_tally, inventory_tally

WORKSPACE_SUFFIXES = (".json",)


@dataclass
class Loaded:
    path: str
    inventory: Optional[object] = None
    flags: list[Flag] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    text: str = ""  # the file's text when it has problems (to show the offending line)
    workspace: Optional[Workspace] = None
    tally: Optional[InventoryTally] = None  # counted here, read by the pages (gui/tallies.py)


def is_workspace_path(path: str | Path) -> bool:
    return str(path).lower().endswith(WORKSPACE_SUFFIXES)


def load_inventory_job(path: str | Path) -> Loaded:
    path = str(path)
    try:
        inventory = load_inventory(path)
    except InputError as exc:
        try:
            text = read_regular(path).decode("utf-8", errors="replace")
        except OSError:  # a FIFO too: refused at once, never waited on
            text = ""
        return Loaded(path, problems=list(exc.problems), text=text)
    with no_collection():  # checks/collector.py
        flags = evaluate(inventory)
        return Loaded(path, inventory, flags, tally=inventory_tally(inventory, flags))


def open_workspace_job(path: str | Path) -> Loaded:
    """The workspace and the inventory it names; InputError when the workspace itself is unusable."""
    workspace = Workspace.load(path)
    recorded = workspace.inventory_ref.get("path") or ""
    if not recorded:
        why = QCoreApplication.translate("jobs", "the workspace names no inventory")  # shown as the problem
        return Loaded("", problems=[Problem(str(path), 0, 0, "inventory.path", why)],
                      workspace=workspace)
    loaded = load_inventory_job(recorded)
    loaded.workspace = workspace
    return loaded


def save_job(workspace: Workspace) -> str:
    Path(workspace.path).parent.mkdir(parents=True, exist_ok=True)
    workspace.save()
    return str(workspace.path)


def review_job(inventory, workspace: Workspace) -> Review:
    """The review, with its root causes grouped and its checklist counted in the worker too (the banner
    and the pages show them: gui/tallies.py)."""
    from migready.checks.review.root_causes import from_review
    with no_collection():  # checks/collector.py
        result = review(inventory, workspace)
        result.causes = from_review(inventory, result)
        result.tally = checklist_tally(result.checklist)
    return result
