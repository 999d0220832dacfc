"""Recently opened inventories and workspaces, kept in QSettings."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QMenu

KEY = "recent/files"
LIMIT = 10


class RecentFiles:
    def __init__(self, settings: QSettings):
        self.settings = settings

    def paths(self) -> list[str]:
        value = self.settings.value(KEY) or []
        return [value] if isinstance(value, str) else [str(v) for v in value]

    def add(self, path: str) -> None:
        if not path:
            return
        paths = [p for p in self.paths() if p != path]
        self.settings.setValue(KEY, [path, *paths][:LIMIT])

    def fill(self, menu: QMenu, open_path: Callable[[str], None]) -> None:
        menu.clear()
        paths = self.paths()
        for number, path in enumerate(paths, 1):
            action = menu.addAction(f"&{number % 10} {Path(path).name}  —  {Path(path).parent}")
            action.setToolTip(path)
            action.setEnabled(Path(path).exists())
            action.triggered.connect(lambda _=False, p=path: open_path(p))
        if not paths:
            menu.addAction(QCoreApplication.translate("RecentFiles", "(nothing opened yet)")).setEnabled(False)
