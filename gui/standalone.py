"""Open one page on its own for a look: ``python -m migready.gui.<page> [--lang LANG] [INVENTORY|WORKSPACE]``."""
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


def take_lang(args: list[str]) -> tuple[str | None, list[str]]:
    """``--lang LANG`` / ``--lang=LANG`` out of `args`: (the language or None, the other arguments)."""
    lang, rest, i = None, [], 0
    while i < len(args):
        if args[i] == "--lang" and i + 1 < len(args):
            lang, i = args[i + 1], i + 2
            continue
        if args[i].startswith("--lang="):
            lang = args[i].split("=", 1)[1]
        else:
            rest.append(args[i])
        i += 1
    return lang, rest


def open_page(page_class, argv: list[str] | None = None):
    """The page on its own, in a window, with its file opening in the background: (page, session).

    The language (``--lang``, else View ▸ Language's saved choice, else the environment's) is installed
    before the page is built: widgets take their words when they are made."""
    from .i18n import install
    from .interaction import Interaction
    from .session import Session
    from .steps import TITLES, title

    lang, args = take_lang(list(sys.argv[1:] if argv is None else argv))
    ensure_app()
    install(lang)
    session = Session()
    interaction = Interaction()
    page = page_class(session, interaction)
    interaction.parent = page
    session.error.connect(lambda title, text: print(f"{title}: {text}", file=sys.stderr))
    page.setWindowTitle(f"migready — {title(page.key) if page.key in TITLES else page.title}")
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
