"""`migready gui [INVENTORY|WORKSPACE]`: open the desktop app.

Qt is imported only when the app is started (`migready.checks` never
imports it), so the rest of the command line works on machines without a
display or without PySide6.  `migready` with no arguments opens the app
when a display is available, and prints the help otherwise.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from .common import EXIT_BAD_INPUT

DISPLAY_VARIABLES = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")


def add_commands(sub) -> None:
    p = sub.add_parser("gui", help="open the desktop app (default: the bundled scale-adapter example)")
    p.add_argument("path", nargs="?", type=Path, metavar="INVENTORY|WORKSPACE",
                   help="an inventory (.yaml) or a workspace (.migready.json)")
    p.add_argument("--dark", action="store_true", help="use the dark palette")
    p.set_defaults(func=cmd_gui)


def has_display(environ=None) -> bool:
    environ = os.environ if environ is None else environ
    return any(environ.get(name) for name in DISPLAY_VARIABLES)


def cmd_gui(args) -> int:
    try:
        from migready.gui.app import main
    except ImportError as exc:
        print(f"error: the desktop app needs PySide6 ({exc}); every other command works without it",
              file=sys.stderr)
        return EXIT_BAD_INPUT
    argv = [str(args.path)] if getattr(args, "path", None) else []
    if getattr(args, "dark", False):
        argv.append("--dark")
    return main(argv)
