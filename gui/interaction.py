"""Every question the GUI asks a person, behind one injectable object.

The git-cola `interaction` pattern: pages and workers call these methods and
get plain answers; the Qt implementation shows dialogs, tests pass their own
object (or answer the dialog this one keeps in `current_dialog`), so nothing
blocks on a modal window nobody sees.
"""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

from .dialogs.hostkey import HostKeyDialog
from .dialogs.mark import MarkDialog, MarkRequest
from .dialogs.waive import WaiveDialog, WaiverRequest

# Marked here, translated when a file dialog shows them (module constants exist before the language is chosen).
INVENTORY_FILTER = QT_TRANSLATE_NOOP("Interaction", "Inventories (*.yaml *.yml);;All files (*)")
WORKSPACE_FILTER = QT_TRANSLATE_NOOP("Interaction", "Workspaces (*.migready.json *.json);;All files (*)")


def _filters(filters: str) -> str:
    """The dialog's filter line in the reader's language (a filter not marked above is shown as given)."""
    return QCoreApplication.translate("Interaction", filters)


class Interaction:
    def __init__(self, parent: Optional[QWidget] = None):
        self.parent = parent
        self.current_dialog: Optional[QDialog] = None  # the modal dialog being shown (tests answer it)

    def _exec(self, dialog: QDialog) -> bool:
        self.current_dialog = dialog
        try:
            return dialog.exec() == QDialog.Accepted
        finally:
            self.current_dialog = None

    def host_key(self, info) -> str:
        """"once", "remember" or "refuse" for an unknown SSH host key."""
        dialog = HostKeyDialog(info, self.parent)
        self._exec(dialog)
        return dialog.choice

    def mark(self, item, state: str, default_by: str) -> Optional[MarkRequest]:
        dialog = MarkDialog(item, state, default_by, self.parent)
        return dialog.request() if self._exec(dialog) else None

    def waiver(self, item, default_by: str) -> Optional[WaiverRequest]:
        dialog = WaiveDialog(item, default_by, parent=self.parent)
        return dialog.request() if self._exec(dialog) else None

    def probe_plan(self, view) -> bool:
        """Show what a run will contact (a `checks.plan_view.PlanView`); True: run it."""
        from .dialogs.plan import PlanDialog
        return self._exec(PlanDialog(view, self.parent))

    def secret(self, prompt: str) -> Optional[str]:
        """A password or key passphrase (None: the person cancelled)."""
        text, ok = QInputDialog.getText(self.parent, "migready", prompt, QLineEdit.Password)
        return text if ok else None

    def open_file(self, caption: str, filters: str, directory: str = "") -> Optional[str]:
        path, _ = QFileDialog.getOpenFileName(self.parent, caption, directory, _filters(filters))
        return path or None

    def save_file(self, caption: str, filters: str, suggested: str = "") -> Optional[str]:
        path, _ = QFileDialog.getSaveFileName(self.parent, caption, suggested, _filters(filters))
        return path or None

    def choose(self, caption: str, prompt: str, items: list[str], current: str = "",
               editable: bool = False) -> Optional[str]:
        """One of `items` (or, when `editable`, any text typed); None: the person cancelled."""
        index = items.index(current) if current in items else 0
        text, ok = QInputDialog.getItem(self.parent, caption, prompt, items, index, editable)
        return text.strip() if ok and text.strip() else None

    def confirm(self, caption: str, text: str) -> bool:
        """A yes/no question (No is the default)."""
        return QMessageBox.question(self.parent, caption, text, QMessageBox.Yes | QMessageBox.No,
                                    QMessageBox.No) == QMessageBox.Yes

    def sign(self, digest: str, verdict: str, key_path: str = ""):
        from .dialogs.signoff import SignDialog
        dialog = SignDialog(digest, verdict, key_path, self.parent)
        return dialog.request() if self._exec(dialog) else None

    def new_key(self, roles: list[str], default_name: str):
        from .dialogs.signoff import KeyDialog
        dialog = KeyDialog(roles, default_name, self.parent)
        return dialog.request() if self._exec(dialog) else None
