"""Start the desktop app: ``migready gui [INVENTORY|WORKSPACE]`` or ``python -m migready.gui``.

With nothing given it opens the bundled scale-adapter example, so a
newcomer sees a populated window at once.  Opening never starts probes.
The developer screenshot tool (screenshots.py) is started by the entry points
(`migready gui --screenshots`, `python -m migready.gui --screenshots`), never
from here: it builds a window itself, and the app must not import it.
"""
from __future__ import annotations

import argparse
import sys

from .standalone import bundled, ensure_app

DEFAULT_EXAMPLE = "scale-adapter-nat.yaml"


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="migready gui", description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", metavar="INVENTORY|WORKSPACE",
                        help=f"an inventory (.yaml) or a workspace (.migready.json); default: the bundled "
                             f"{DEFAULT_EXAMPLE}")
    parser.add_argument("--dark", action="store_true", help="use the dark palette")
    parser.add_argument("--lang", metavar="LANG", default=None,
                        help="en or zh_CN (default: View ▸ Language, else LANGUAGE/LC_ALL/LC_MESSAGES/LANG)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    from migready.checks.text.i18n import LANGUAGES, normalise
    if args.lang and normalise(args.lang) is None:  # said before any window is built
        print(f"migready gui: error: unknown language {args.lang!r}: choose one of {', '.join(LANGUAGES)}",
              file=sys.stderr)
        return 2
    window = open_window(args)
    code = ensure_app().exec()
    del window
    return code


def open_window(args: argparse.Namespace):
    """The main window, shown, with the file (or the bundled example) opening in the background."""
    app = ensure_app()
    from .i18n import install
    install(getattr(args, "lang", None))
    app.setStyle("Fusion")
    if args.dark:
        from .style import dark_palette
        app.setPalette(dark_palette())
    from .mainwindow import MainWindow
    window = MainWindow()
    window.show()
    window.session.open_path(args.path or bundled(DEFAULT_EXAMPLE))
    return window
