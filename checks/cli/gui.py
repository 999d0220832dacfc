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
from ..text.i18n import _

DISPLAY_VARIABLES = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")


def add_commands(sub) -> None:
    p = sub.add_parser("gui", help=_("open the desktop app (default: the bundled scale-adapter example)"))
    p.add_argument("path", nargs="?", type=Path, metavar=_("INVENTORY|WORKSPACE"),
                   help=_("an inventory (.yaml) or a workspace (.migready.json)"))
    p.add_argument("--dark", action="store_true", help=_("use the dark palette"))
    p.add_argument("--screenshots", metavar=_("DIR"), type=Path,
                   help=_("render every page, light and dark, to PNG files in DIR and exit (loopback-only probes "
                          "against the demo's simulators)"))
    p.set_defaults(func=cmd_gui)


def has_display(environ=None) -> bool:
    environ = os.environ if environ is None else environ
    return any(environ.get(name) for name in DISPLAY_VARIABLES)


def usable_display(environ=None) -> str | None:
    """Why no display can be used, or None.  Checked before Qt starts: Qt aborts the process
    (exit 134, 'Reinstalling the application may fix this problem') when it finds none."""
    environ = os.environ if environ is None else environ
    if environ.get("QT_QPA_PLATFORM"):
        return None
    wayland = environ.get("WAYLAND_DISPLAY")
    if wayland:
        runtime = environ.get("XDG_RUNTIME_DIR", "")
        if os.path.isabs(wayland) or not runtime or os.path.exists(os.path.join(runtime, wayland)):
            return None
    display = environ.get("DISPLAY", "")
    if display:
        host, _sep, rest = display.rpartition(":")
        number = rest.split(".")[0]
        if host not in ("", "unix") or not number.isdigit() or os.path.exists(f"/tmp/.X11-unix/X{number}"):
            return None
        return _("DISPLAY={display} names no running X server").format(display=display)
    return _("DISPLAY, WAYLAND_DISPLAY and QT_QPA_PLATFORM are unset")


def cmd_gui(args) -> int:
    why = usable_display()
    if why:
        print(_("migready gui: no display ({why}); the desktop app needs one (or QT_QPA_PLATFORM=offscreen "
                "for --screenshots), every other command works without").format(why=why), file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        from migready.gui.preflight import preflight
    except ImportError:  # a core-only install: said below, when the app is imported
        preflight = None
    if preflight is not None:
        environ = dict(os.environ)
        if getattr(args, "screenshots", None):  # the screenshot tool renders offscreen unless told otherwise
            environ["QT_QPA_PLATFORM"] = environ.get("MIGREADY_SCREENSHOT_PLATFORM") or "offscreen"
        if preflight(environ):  # before any QApplication: Qt would abort (exit 134) with a wrong hint
            return EXIT_BAD_INPUT
    try:
        if getattr(args, "screenshots", None):
            from migready.gui.screenshots import take
            return take(args.screenshots, getattr(args, "lang", None) or "en")
        from migready.gui.app import main
    except ImportError as exc:
        print(_("error: the desktop app needs PySide6 ({error}); every other command works without it").format(
            error=exc), file=sys.stderr)
        return EXIT_BAD_INPUT
    argv = [str(args.path)] if getattr(args, "path", None) else []
    if getattr(args, "dark", False):
        argv.append("--dark")
    if getattr(args, "lang", None):
        argv += ["--lang", args.lang]
    return main(argv)
