"""What one window works on: the inventory, its flags, the workspace, the review.

The git-cola "context": pages read it and call its methods; it calls the
core, in workers for anything slow, and announces changes by signal.  It
holds no state the workspace file does not hold (except what is being
loaded), and after every change it autosaves (atomically, through the core)
and recomputes the review in the background.
"""
from __future__ import annotations

import sys
import traceback
from datetime import datetime
from pathlib import Path
from typing import Optional

from PySide6.QtCore import QObject, QStandardPaths, QTimer, Signal

from migready.checks.store.problems import InputError
from migready.checks.actions import ActionError, mark, waive
from migready.checks.store.workspace import Workspace

from . import jobs
from .i18n import said
from .style import counted, word
from .tallies import InventoryTally, inventory_tally
from .workers import Runner


def default_data_dir() -> Path:
    return Path(QStandardPaths.writableLocation(QStandardPaths.AppDataLocation) or Path.home() / ".migready")


PAINT_FIRST_MS = 150  # see Session._loaded


class Session(QObject):
    inventory_changed = Signal()  # a new inventory (or its problems) is in place
    workspace_changed = Signal()  # another workspace, or new runs, marks, waivers
    review_changed = Signal()
    probe_changed = Signal()  # a probe run started or ended (session.probe)
    busy_changed = Signal(str)  # what is going on, "" when idle
    saved = Signal(str)  # path
    message = Signal(str)  # for the status bar
    error = Signal(str, str)  # title, text for people
    opened = Signal(str)  # a file the user opened (for the recent list)

    def __init__(self, data_dir: Optional[Path] = None, parent: Optional[QObject] = None):
        super().__init__(parent)
        self.data_dir = Path(data_dir) if data_dir else default_data_dir()
        self.runner = Runner(self)
        self.saver = Runner(self, max_threads=1)
        self.inventory = None
        self.inventory_path = ""
        self.flags: list = []
        self._tally: tuple = (None, None, None)  # (inventory, flags, their InventoryTally): gui/tallies.py
        self.problems: list = []
        self.source_text = ""
        self.workspace: Optional[Workspace] = None
        self.run_signer = None  # checks.signing.Signer: attests each probe run finished in this session
        self.untitled = True
        self.review = None
        self.loading = ""
        self.probe = None  # the running ProbeRun, if any
        self._saving = False
        self._save_again = False
        self._leftovers: list[Path] = []
        self._announced: set[str] = set()
        self.reviewer = ""  # the name last given in a mark, waiver or sign-off (the window remembers it)
        self.closed = False  # shutdown() ran: nothing new starts

    # -- opening -------------------------------------------------------------------------------

    def open_path(self, path: str | Path) -> None:
        if jobs.is_workspace_path(path):
            self.open_workspace(path)
        else:
            self.open_inventory(path)

    def open_inventory(self, path: str | Path) -> None:
        self._set_busy(self.tr("Loading {name}…").format(name=Path(path).name))
        self.runner.start(jobs.load_inventory_job, str(path), key="load",
                          on_done=lambda loaded: self._loaded(loaded, keep_workspace=False),
                          on_error=self._load_failed)

    def open_workspace(self, path: str | Path) -> None:
        self._set_busy(self.tr("Opening {name}…").format(name=Path(path).name))
        self.runner.start(jobs.open_workspace_job, str(path), key="load",
                          on_done=lambda loaded: self._loaded(loaded, keep_workspace=True),
                          on_error=self._load_failed)

    def _loaded(self, loaded: jobs.Loaded, keep_workspace: bool) -> None:
        self._set_busy("")
        self.inventory, self.flags = loaded.inventory, loaded.flags
        self._tally = (loaded.inventory, loaded.flags, loaded.tally)
        self.problems, self.source_text = loaded.problems, loaded.text
        self.inventory_path = loaded.path
        if keep_workspace and loaded.workspace is not None:
            self.workspace, self.untitled = loaded.workspace, self._is_untitled(loaded.workspace.path)
            self.opened.emit(str(loaded.workspace.path))
        elif not self._same_inventory(loaded):
            self._start_untitled()
        if not keep_workspace:
            self.opened.emit(str(Path(loaded.path).resolve()) if loaded.path else "")
        self.review = None
        self.inventory_changed.emit()
        self.workspace_changed.emit()
        if self.problems:
            self.message.emit(self.tr("{name}: {problems} to fix").format(
                name=Path(loaded.path).name,
                problems=counted(len(self.problems), self.tr("{n} problem"), self.tr("{n} problems"))))
        elif self.inventory is not None:
            deps = self.tally().dependencies
            services = len(self.inventory.services)
            self.message.emit(self.tr("{name}: {services}, {dependencies}, {flags}").format(
                name=Path(loaded.path).name,
                services=counted(services, self.tr("{n} service"), self.tr("{n} services")),
                dependencies=counted(deps, self.tr("{n} dependency"), self.tr("{n} dependencies")),
                flags=counted(len(self.flags), self.tr("{n} flag"), self.tr("{n} flags"))))
        # Let the views paint the new inventory before the review's worker competes for the GIL: a
        # paint is thousands of calls into Python, each waiting for a busy worker's turn.  Starting
        # the review 30 ms later cut the worst UI stall opening 10,000 dependencies from ~500 ms to
        # ~110 ms; with this round's heavier review (zones, root causes) 30 ms left a 270 ms stall,
        # 150 ms brings it to ~90 ms for ~60 ms more until the checklist (bench/bench_gui_open.py).
        QTimer.singleShot(PAINT_FIRST_MS, self, self.refresh_review)  # not after the session is gone

    def _load_failed(self, exc: BaseException) -> None:
        self._set_busy("")
        if isinstance(exc, InputError):
            self.error.emit(self.tr("Cannot open"), "\n".join(str(p) for p in exc.problems))
        else:
            self.unexpected(self.tr("Cannot open"), exc)

    def _same_inventory(self, loaded: jobs.Loaded) -> bool:
        if self.workspace is None or not loaded.path:
            return False
        recorded = self.workspace.inventory_ref.get("path") or ""
        return bool(recorded) and Path(recorded).resolve() == Path(loaded.path).resolve()

    def tally(self) -> InventoryTally:
        """The inventory's counts, as its loading worker counted them (counted now for any other inventory
        or flags: tests and scripts may set them directly)."""
        inventory, flags, tally = self._tally
        if tally is None or inventory is not self.inventory or flags is not self.flags:
            tally = inventory_tally(self.inventory, self.flags)
            self._tally = (self.inventory, self.flags, tally)
        return tally

    # -- workspace -------------------------------------------------------------------------

    def _is_untitled(self, path) -> bool:
        return (self.data_dir / "untitled") in Path(path).resolve().parents

    def _start_untitled(self) -> None:
        stem = Path(self.inventory_path).stem if self.inventory_path else "untitled"
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        folder = self.data_dir / "untitled"
        folder.mkdir(parents=True, exist_ok=True)
        digest = self.inventory.digest if self.inventory is not None else ""
        inventory_path = str(Path(self.inventory_path).resolve()) if self.inventory_path else ""
        self.workspace = Workspace.new(folder / f"{stem}-{stamp}.migready.json", inventory_path, digest)
        self.untitled = True

    def new_workspace(self) -> None:
        """A fresh (untitled) workspace for the current inventory."""
        self._start_untitled()
        self.review = None
        self.workspace_changed.emit()
        self.refresh_review()
        self.message.emit(self.tr("New workspace (untitled: autosaved until you save it somewhere)"))

    def save(self) -> bool:
        """Save now; False when the workspace is untitled (the window asks for a name)."""
        if self.workspace is None or self.untitled:
            return False
        self._schedule_save()
        return True

    def save_as(self, path: str | Path) -> None:
        if self.workspace is None:
            return
        old, was_untitled = Path(self.workspace.path), self.untitled
        self.workspace.saved_as(path, self.user_name())
        self.untitled = False
        if was_untitled:  # the autosaved copy goes once the named one is written
            self._leftovers += [old, old.with_name(old.name + ".bak")]
        self._schedule_save()
        self.opened.emit(str(path))
        self.workspace_changed.emit()

    def changed(self, what: str = "") -> None:
        """Something was recorded in the workspace: save it, recompute the review, tell the views."""
        self._schedule_save()
        self.workspace_changed.emit()
        self.refresh_review()

    def _schedule_save(self) -> None:
        if self.workspace is None:
            return
        if self._saving:
            self._save_again = True
            return
        self._saving = True
        self.saver.start(jobs.save_job, self.workspace, on_done=self._saved, on_error=self._save_failed)

    def _saved(self, path: str) -> None:
        self._saving = False
        if self._save_again:
            self._save_again = False
            self._schedule_save()
            return
        if self.untitled and path not in self._announced:  # after a crash, File ▸ Open recent finds it
            self._announced.add(path)
            self.opened.emit(path)
        for leftover in self._leftovers:
            if leftover != Path(path):
                leftover.unlink(missing_ok=True)
        self._leftovers = []
        self.saved.emit(path)

    def _save_failed(self, exc: BaseException) -> None:
        self._saving = False
        self.error.emit(self.tr("Cannot save the workspace"),
                        f"{self.workspace.path}: {getattr(exc, 'strerror', None) or said(exc)}")

    # -- review, marks, waivers -------------------------------------------------------------

    def refresh_review(self) -> None:
        if self.closed:
            return
        if self.inventory is None or self.workspace is None:
            self.review = None
            self.review_changed.emit()
            return
        self.runner.start(jobs.review_job, self.inventory, self.workspace, key="review",
                          on_done=self._reviewed, on_error=lambda exc: self.unexpected(self.tr("Review failed"), exc))

    def _reviewed(self, review) -> None:
        self.review = review
        self.review_changed.emit()

    def mark(self, item_id: str, state: str, by: str, note: str) -> bool:
        self.reviewer = by.strip() or self.reviewer
        return self._act(lambda cl: mark(self.workspace, self.inventory, item_id, state, by, note, checklist=cl),
                         self.tr("{item} marked {state}").format(item=item_id, state=word(state)))

    def waive(self, target: str, by: str, reason: str, until: str) -> bool:
        self.reviewer = by.strip() or self.reviewer
        return self._act(lambda cl: waive(self.workspace, self.inventory, target, by, reason, until, checklist=cl),
                         self.tr("{target} waived until {until}").format(target=target, until=until))

    def default_name(self) -> str:
        return self.reviewer or self.user_name()

    def _act(self, action, done: str) -> bool:
        if self.review is None:
            self.error.emit(self.tr("Not ready"),
                            self.tr("the checklist is still being computed; try again in a moment"))
            return False
        try:
            with self.workspace.changing():  # the event and its state, together
                action(self.review.checklist)
        except ActionError as exc:
            self.error.emit(self.tr("Not recorded"), said(exc))
            return False
        self.message.emit(done)
        self.changed(done)
        return True

    @staticmethod
    def user_name() -> str:
        import getpass
        try:
            return getpass.getuser()
        except Exception:  # noqa: BLE001 - no login name in some containers
            return ""

    # -- state ---------------------------------------------------------------------------

    def busy(self) -> bool:
        return bool(self.loading) or self.runner.busy() or self._saving or self.probe is not None

    def _set_busy(self, what: str) -> None:
        self.loading = what
        self.busy_changed.emit(what)

    def unexpected(self, title: str, exc: BaseException) -> None:
        traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
        self.error.emit(title, f"{type(exc).__name__}: {said(exc)}")

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        """Cancel what runs, wait for it, and make sure the last change is on disk."""
        self.closed = True
        if self.probe is not None:
            self.probe.cancel()
        self.runner.cancel_all()
        self.runner.wait(timeout_ms)
        self.saver.wait(timeout_ms)
        if self.workspace is not None and (self.workspace.events or self.workspace.runs):
            try:
                jobs.save_job(self.workspace)
            except (OSError, RuntimeError) as exc:  # RuntimeError: WorkspaceConflict, said in words
                print(f"migready: cannot save {self.workspace.path}: {exc}", file=sys.stderr)
