"""`migready demo`: the README's first command (see checks/demo/scenario.py)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .common import EXIT_BAD_INPUT
from ..text.i18n import said
from ..text.i18n import _, shown


def add_commands(sub) -> None:
    p = sub.add_parser("demo", help=_("replay incident 1 on loopback (no root, nothing to set up): "
                                      "probes before and through a simulated NAT, then the verdict"))
    p.add_argument("--out", type=Path, default=Path("migready-demo"),
                   help=_("where the workspace and reports go (default ./migready-demo)"))
    p.add_argument("--gui", action="store_true", help=_("open the app on the demo's workspace afterwards"))
    p.add_argument("--force", action="store_true", help=_("replace a previous demo in --out (refused without)"))
    p.set_defaults(func=cmd_demo)


def cmd_demo(args) -> int:
    from ..demo.scenario import DemoError, run_demo

    previous = args.out / "demo.migready.json"
    if previous.exists() and not args.force:
        print(_("error: {folder} holds a previous demo ({name}); pass --force to replace it, "
                "or --out another folder").format(folder=args.out, name=previous.name), file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        result = run_demo(args.out, say=lambda text: print(shown(text), file=sys.stderr))
    except DemoError as exc:
        print(_("error: {message}").format(message=said(exc)), file=sys.stderr)
        return EXIT_BAD_INPUT
    from ..review.verdict import EXIT_CODES
    from .review import verdict_lines

    report, report_path = _write_report(result)
    print("\n".join(verdict_lines(report)))
    print(_("workspace: {path}").format(path=result.workspace))
    print(_("report:    {path}").format(path=report_path))
    print(_("next:"))
    print(f"  migready gui {result.workspace}")
    print(f"  migready report {result.workspace} --format pdf")
    if args.gui:
        from . import gui as cli_gui
        cli_gui.cmd_gui(argparse.Namespace(path=result.workspace))
    return EXIT_CODES[report["signoff"]["final"]["verdict"]]


def _write_report(result):
    """The HTML report next to the workspace, as `migready report` would write it; (report, path)."""
    from ..store.atomic import atomic_write_bytes
    from ..inventory.load import load_inventory
    from ..report import build_report, render
    from ..store.workspace import Workspace
    from .report import default_out

    inventory, workspace = load_inventory(result.inventory), Workspace.load(result.workspace)

    report = build_report(inventory, workspace)
    out = default_out(result.workspace, "html")
    atomic_write_bytes(out, render(report, "html"), keep_backup=False)
    return report, out
