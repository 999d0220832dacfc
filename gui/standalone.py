"""Open one page on its own for a look: ``python -m migready.gui.<page> [INVENTORY|WORKSPACE]``."""
from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

DEMO = "demo.yaml"


def bundled(name: str) -> Path:
    return Path(str(resources.files("migready.inventories"))) / name


def ensure_app(argv: list[str] | None = None):
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance()
    if app is None:
        QApplication.setOrganizationName("migready")
        QApplication.setApplicationName("migready")
        app = QApplication(argv or [sys.argv[0]])
        from .report_pdf import guard_none_refcount
        guard_none_refcount()  # a PySide6 release that leaks None would otherwise abort a long session
    return app


def open_page(page_class, argv: list[str] | None = None):
    """The page on its own, in a window, with its file opening in the background: (page, session)."""
    from .interaction import Interaction
    from .session import Session

    args = sys.argv[1:] if argv is None else argv
    ensure_app()
    session = Session()
    interaction = Interaction()
    page = page_class(session, interaction)
    interaction.parent = page
    session.error.connect(lambda title, text: print(f"{title}: {text}", file=sys.stderr))
    page.setWindowTitle(f"migready — {page.title}")
    page.resize(1100, 700)
    page.show()
    session.open_path(args[0] if args else bundled(DEMO))
    page.activate()
    return page, session


def run(page_class, argv: list[str] | None = None) -> int:
    page, session = open_page(page_class, argv)
    code = ensure_app().exec()
    session.shutdown()
    return code
