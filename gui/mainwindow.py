"""The main window: the step rail, the verdict banner, the pages, menus, shortcuts, status bar.

It wires the pages to one `Session` and remembers its layout in QSettings;
everything it shows comes from the session, everything it does goes
through the session or a page.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from PySide6.QtCore import QEvent, QSettings, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (QLabel, QListWidget, QListWidgetItem, QMainWindow, QProgressBar, QSplitter,
                               QStackedWidget, QVBoxLayout, QWidget)

from . import style
from .banner import MessageBar, VerdictBanner
from .checklist_page import ChecklistPage
from .compare_page import ComparePage
from .discovery_page import DiscoveryPage
from .flags_page import FlagsPage
from .interaction import INVENTORY_FILTER, WORKSPACE_FILTER, Interaction
from .inventory_page import InventoryPage
from .page import OpensDroppedFiles
from .probe_page import ProbePage
from .recent import RecentFiles
from .rehearsal_page import RehearsalPage
from .session import Session
from .signoff_page import SignoffPage
from .steps import STEPS, TITLES, TOOLS, discovery_state, rehearsal_state, step_states, title as step_title

PAGES = STEPS + TOOLS  # rail rows and stacked pages, in this order
# Said in the language chosen too, since the reader may not read the one the window is in now.
RESTART_NOTE = {"en": "The window speaks English from the next start.",
                "zh_CN": "下次启动时界面将显示为简体中文。"}


class MainWindow(OpensDroppedFiles, QMainWindow):
    def __init__(self, session: Optional[Session] = None, interaction: Optional[Interaction] = None,
                 settings: Optional[QSettings] = None):
        super().__init__()
        self.settings = settings if settings is not None else QSettings()
        self.session = session or Session(parent=self)
        self.interaction = interaction or Interaction(self)
        if getattr(self.interaction, "parent", None) is None:
            self.interaction.parent = self
        self.recent = RecentFiles(self.settings)
        self.setAcceptDrops(True)
        self.setWindowTitle("migready")
        s, i = self.session, self.interaction
        self.pages = {
            "inventory": InventoryPage(s, i, recent=self.recent),
            "flags": FlagsPage(s, i),
            "pre": ProbePage(s, i, "pre"),
            "post": ProbePage(s, i, "post"),
            "compare": ComparePage(s, i),
            "checklist": ChecklistPage(s, i),
            "signoff": SignoffPage(s, i),
            "discovery": DiscoveryPage(s, i),
            "rehearsal": RehearsalPage(s, i),
        }
        self.rail = QListWidget()
        self.rail.setObjectName("step-rail")
        self.rail.setSpacing(2)
        self.rail.setWordWrap(True)
        self.rail.setMinimumWidth(190)
        self.stack = QStackedWidget()
        for key, _title in PAGES:
            item = QListWidgetItem(step_title(key))
            item.setData(Qt.UserRole, key)
            self.rail.addItem(item)
            self.stack.addWidget(self.pages[key])
        self.banner = VerdictBanner()
        self.messages = MessageBar()
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.setSpacing(0)
        right_layout.addWidget(self.banner)
        right_layout.addWidget(self.messages)
        right_layout.addWidget(self.stack, 1)
        self.split = QSplitter(Qt.Horizontal)
        self.split.addWidget(self.rail)
        self.split.addWidget(right)
        self.split.setStretchFactor(1, 1)
        self.split.setCollapsible(0, True)  # drag it shut, or View > Steps rail (Ctrl+B)
        self.split.setCollapsible(1, False)
        self.split.setSizes([200, 1080])
        self.setCentralWidget(self.split)

        self.status = QLabel()
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.setVisible(False)
        self.where = QLabel()
        self.where.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.statusBar().addWidget(self.status, 1)
        self.statusBar().addPermanentWidget(self.busy)
        self.statusBar().addPermanentWidget(self.where)

        self._make_actions()
        self.rail.currentRowChanged.connect(self._step_changed)
        self.banner.details_requested.connect(self.show_why)
        s.inventory_changed.connect(self.update_steps)
        s.review_changed.connect(self._reviewed)
        s.workspace_changed.connect(self._workspace_changed)
        s.probe_changed.connect(self.update_steps)
        s.probe_changed.connect(self._busy_changed)
        s.busy_changed.connect(self._busy_changed)
        s.message.connect(self.say)
        s.saved.connect(lambda path: self.say(self.tr("Saved")))  # the path is on the right of the status bar already
        s.opened.connect(self._opened)
        s.error.connect(self.show_error)
        s.opened.connect(self.recent.add)
        self.session.reviewer = str(self.settings.value("user/name", "") or "")
        self.restore_layout()
        self.update_steps()
        self._workspace_changed()

    # -- actions, menus, shortcuts -------------------------------------------------------------

    def _action(self, menu, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _make_actions(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu(self.tr("&File"))
        self.actions = {
            "open": self._action(file, self.tr("&Open inventory…"), self.ask_open_inventory, QKeySequence.Open),
            "open_workspace": self._action(file, self.tr("Open &workspace…"), self.ask_open_workspace,
                                           "Ctrl+Shift+O"),
        }
        self.recent_menu = file.addMenu(self.tr("Open &recent"))
        self.recent_menu.aboutToShow.connect(lambda: self.recent.fill(self.recent_menu, self.session.open_path))
        file.addSeparator()
        self.actions["new"] = self._action(file, self.tr("&New workspace"), self.session.new_workspace,
                                           QKeySequence.New, self.tr("Start a fresh review of the current inventory"))
        self.actions["save"] = self._action(file, self.tr("&Save workspace"), self.save, QKeySequence.Save)
        self.actions["save_as"] = self._action(file, self.tr("Save workspace &as…"), self.ask_save_as,
                                               QKeySequence.SaveAs)
        file.addSeparator()
        self.actions["quit"] = self._action(file, self.tr("&Quit"), self.close, QKeySequence.Quit)
        view = bar.addMenu(self.tr("&View"))
        self.rail_action = self._action(view, self.tr("Steps rail"), self.toggle_rail, "Ctrl+B",
                                        self.tr("Show or hide the steps on the left (more room for the tables)"))
        self.rail_action.setCheckable(True)
        self.rail_action.setChecked(True)
        self._language_menu(view)
        go = bar.addMenu(self.tr("&Go"))
        for number, (key, _title) in enumerate(STEPS, 1):
            self.actions[f"go_{key}"] = self._action(go, step_title(key), lambda _=False, k=key: self.go(k),
                                                     f"Ctrl+{number}")
        go.addSeparator()
        for number, (key, _title) in enumerate(TOOLS, len(STEPS) + 1):
            self.actions[f"go_{key}"] = self._action(go, step_title(key), lambda _=False, k=key: self.go(k),
                                                     f"Ctrl+{number}")
        run = bar.addMenu(self.tr("&Run"))
        self.actions["run"] = self._action(run, self.tr("&Run probes on this page"), self.run_probes, "Ctrl+R")
        self.actions["cancel"] = self._action(run, self.tr("&Cancel the probe run"), self.cancel_probes, "Esc")
        self.actions["attest"] = self._action(run, self.tr("&Attest my probe runs with a key…"), self.ask_run_signer,
                                              tip=self.tr("Sign each probe run you make in this session with your "
                                                          "key (made by migready keygen): the report shows it as "
                                                          "run by you"))
        self.actions["find"] = self._action(run, self.tr("&Find on this page"), self.focus_search, QKeySequence.Find)

    def _language_menu(self, view) -> None:
        """View ▸ Language: each language in its own name, the current one checked; a choice is saved
        (gui/i18n.py) and applies at the next start, since every widget took its words when it was made."""
        from migready.checks.text.i18n import language

        from .i18n import LANGUAGE_NAMES
        menu = view.addMenu(self.tr("&Language"))
        group = QActionGroup(self)
        group.setExclusive(True)
        self.language_actions = {}
        for lang, name in LANGUAGE_NAMES.items():
            action = QAction(name, self)
            action.setCheckable(True)
            action.setChecked(lang == language())
            action.setData(lang)
            action.setStatusTip(self.tr("Show the window in {name} from the next start").format(name=name))
            action.triggered.connect(lambda _=False, code=lang: self.choose_language(code))
            group.addAction(action)
            menu.addAction(action)
            self.language_actions[lang] = action
        self.language_menu = menu

    def choose_language(self, lang: str) -> None:
        """Save the choice (it applies at the next start) and say so, in the language chosen as well."""
        from migready.checks.text.i18n import language

        from .i18n import LANGUAGE_NAMES, save_language
        save_language(lang, self.settings)
        name = LANGUAGE_NAMES[lang]
        if lang == language():
            self.say(self.tr("The window is in {name}.").format(name=name))
            return
        self.messages.show_message(self.tr("Language: {name}").format(name=name),
                                   self.tr("Saved. The window speaks {name} from the next start: close "
                                           "migready and open it again.").format(name=name)
                                   + "\n" + RESTART_NOTE.get(lang, ""), state="pending")
        self.say(self.tr("Language saved: {name} (applies at the next start)").format(name=name))

    # -- steps -------------------------------------------------------------------------------

    def toggle_rail(self, shown: bool | None = None) -> None:
        shown = not self.rail.isVisible() if shown is None or not isinstance(shown, bool) else shown
        self.rail.setVisible(shown)
        self.rail_action.setChecked(shown)

    def go(self, key: str) -> None:
        self.rail.setCurrentRow([k for k, _ in PAGES].index(key))

    def current_page(self):
        return self.stack.currentWidget()

    def _step_changed(self, row: int) -> None:
        if row < 0:
            return
        self.stack.setCurrentIndex(row)
        self.current_page().activate()

    def _awaiting(self) -> list[str] | None:
        """Required roles without a current approval: from the Sign-off page's report (stale
        signatures count as missing there), else from the recorded approvals by role."""
        s = self.session
        if s.inventory is None or s.workspace is None:
            return None
        report = getattr(self.pages.get("signoff"), "report", None)
        if report and report.get("signoff") and report["signoff"].get("digest"):
            return list(report["signoff"].get("awaiting") or [])
        from migready.checks.report.signoff import required_roles
        from migready.checks.trust.chain import judge
        from migready.checks.trust.policy import load_trust
        trust = load_trust(required=False)  # the trust directory `verify` reads
        required = required_roles({"required_roles": list(s.inventory.signoff_roles)}, trust)
        approved = {j.entry.get("role") for j in judge(s.workspace.signoffs, "", trust.keys).judged
                    if j.status in ("valid", "stale") and j.entry.get("decision") == "approve"}  # verified, trusted
        return [r for r in required if r not in approved]

    def show_why(self) -> None:
        """Every root cause (the banner shows the first); "Open the checklist" goes there."""
        review = self.session.review
        if review is None:
            return
        from .dialogs.why import WhyDialog
        dialog = WhyDialog(review.verdict.verdict, getattr(review, "causes", []), review.verdict.warnings, self)
        if self.interaction._exec(dialog):
            self.go("checklist")

    def update_steps(self) -> None:
        s = self.session
        signed = len(s.workspace.signoffs if s.workspace is not None else [])
        states = step_states(s.inventory, s.problems, s.flags, s.review,
                             s.probe.phase if s.probe is not None else "", signed, self._awaiting(), s.tally())
        for row, (key, _title) in enumerate(STEPS):
            item = self.rail.item(row)
            state = states[key]
            title = step_title(key)
            word = self.tr("to do") if state.state == "todo" else style.word(state.state)
            item.setText(f"{style.symbol(state.state) if state.state != 'todo' else '○'} {title}\n"
                         f"    {word}{' · ' + state.hint if state.hint else ''}")
            item.setToolTip(f"{title}: {word}" + (f" ({state.hint})" if state.hint else ""))
            tint = style.tint(state.state)
            item.setBackground(tint if tint is not None else Qt.transparent)
            item.setData(Qt.UserRole + 1, state.state)
        for key, icon, tool in (("discovery", "⌕", discovery_state(s.workspace)),
                                ("rehearsal", "⚡", rehearsal_state(s.review))):
            item = self.rail.item(len(STEPS) + [k for k, _ in TOOLS].index(key))
            item.setText(f"{icon} {step_title(key)}\n    {tool.hint}")
            item.setToolTip(self.tr("{title} (a tool, not a step of the review): {hint}").format(
                title=step_title(key), hint=tool.hint))
            tint = style.tint(tool.state)
            item.setBackground(tint if tint is not None else Qt.transparent)
            item.setData(Qt.UserRole + 1, tool.state)

    def changeEvent(self, event) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.PaletteChange:  # tints follow the palette (children only below us)
            self.update_steps()
            self.messages.palette_changed()
            for page in self.pages.values():
                page.palette_changed()

    def step_state(self, key: str) -> str:
        return self.rail.item([k for k, _ in PAGES].index(key)).data(Qt.UserRole + 1)

    # -- session events ---------------------------------------------------------------------------

    def _opened(self, path: str) -> None:
        """A workspace was opened: land on its verdict (Compare when both runs exist) once reviewed."""
        from .jobs import is_workspace_path
        self._land = bool(path) and is_workspace_path(path)

    def _reviewed(self) -> None:
        review = self.session.review
        if review is not None and getattr(self, "_land", False):
            self._land = False
            if review.checklist.pre_run and review.checklist.post_run:
                self.go("compare")
            elif review.checklist.pre_run or review.checklist.post_run:
                self.go("checklist")
        problems = self.session.problems
        self.banner.show_verdict(review.verdict if review else None,
                                 pending=self.session.inventory is not None and review is None,
                                 why=style.counted(len(problems),
                                                   self.tr("The inventory has {n} problem to fix first "
                                                           "(Inventory step)."),
                                                   self.tr("The inventory has {n} problems to fix first "
                                                           "(Inventory step).")) if problems else "",
                                 causes=getattr(review, "causes", None))
        self.update_steps()

    def _workspace_changed(self) -> None:
        s = self.session
        if s.workspace is None:
            self.where.setText(self.tr("no workspace"))
        else:
            name = Path(s.workspace.path).name
            self.where.setText(self.tr("untitled (autosaved as {name})").format(name=name) if s.untitled
                               else str(s.workspace.path))
        inventory = s.inventory.migration.name if s.inventory is not None else self.tr("no inventory")
        self.setWindowTitle(f"migready — {inventory} — "
                            f"{self.tr('untitled') if s.untitled else Path(s.workspace.path).name}"
                            if s.workspace is not None else "migready")
        self.update_steps()

    def _busy_changed(self, *_args) -> None:
        what = self.session.loading or (self.tr("Probing…") if self.session.probe is not None else "")
        self.busy.setVisible(bool(what))
        if what:
            self.say(what)

    def say(self, text: str) -> None:
        self.status.setText(text)

    def show_error(self, title: str, text: str) -> None:
        self.messages.show_message(title, text)
        self.say(f"{title}: {text.splitlines()[0] if text else ''}")

    # -- file actions -----------------------------------------------------------------------------

    def ask_open_inventory(self) -> None:
        path = self.interaction.open_file(self.tr("Open inventory"), INVENTORY_FILTER)
        if path:
            self.session.open_inventory(path)

    def ask_open_workspace(self) -> None:
        path = self.interaction.open_file(self.tr("Open workspace"), WORKSPACE_FILTER)
        if path:
            self.session.open_workspace(path)

    def save(self) -> None:
        if not self.session.save():
            self.ask_save_as()

    def ask_save_as(self) -> None:
        if self.session.workspace is None:
            return
        suggested = Path(self.session.inventory_path or "review").stem + ".migready.json"
        path = self.interaction.save_file(self.tr("Save workspace as"), WORKSPACE_FILTER, suggested)
        if path:
            self.session.save_as(path)

    def run_probes(self) -> None:
        page = self.current_page()
        if isinstance(page, ProbePage):
            page.request_run()
        elif isinstance(page, DiscoveryPage):
            page.start()
        else:
            self.say(self.tr("Go to a probe page (Ctrl+3 or Ctrl+4) to run probes."))

    def ask_run_signer(self) -> None:
        """Choose the key once per session; every probe run finished afterwards is attested with it."""
        from migready.checks.actions import PassphraseRequired, open_signer
        from migready.checks.trust.signing import SigningError
        ask = self.interaction
        path = ask.open_file(self.tr("Your signing key (migready keygen)"), self.tr("Private key (*)"))
        if not path:
            return

        def passphrase() -> bytes:  # asked only when the key is encrypted (by the error's type, not its text)
            secret = ask.secret(self.tr("Passphrase for {path}:").format(path=path))
            if secret is None:
                raise PassphraseRequired("")
            return secret.encode("utf-8")

        try:
            try:
                signer = open_signer(path, passphrase)
            except PassphraseRequired:
                return  # the person cancelled
        except SigningError as exc:
            self.session.error.emit(self.tr("Key not usable"), str(exc))
            return
        self.session.run_signer = signer
        self.say(self.tr("Probe runs are now attested by {name} ({role}).").format(name=signer.name,
                                                                                 role=signer.role))

    def cancel_probes(self) -> None:
        if self.session.probe is not None:
            self.session.probe.cancel()
        self.pages["discovery"].cancel()

    def focus_search(self) -> None:
        search = getattr(self.current_page(), "search", None)
        if search is not None:
            search.setFocus()
            search.selectAll()

    # -- layout, closing -----------------------------------------------------------------------

    def restore_layout(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        state = self.settings.value("window/split")
        if state is not None:
            self.split.restoreState(state)
        for page in self.pages.values():
            page.restore_state(self.settings)
        step = self.settings.value("window/step", "inventory")
        self.go(step if step in TITLES else "inventory")

    def save_layout(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/split", self.split.saveState())
        self.settings.setValue("window/step", PAGES[max(self.rail.currentRow(), 0)][0])
        self.settings.setValue("user/name", self.session.reviewer)
        for page in self.pages.values():
            page.save_state(self.settings)
        self.settings.sync()

    def closeEvent(self, event) -> None:  # noqa: N802
        self.save_layout()
        self.session.shutdown()
        super().closeEvent(event)
