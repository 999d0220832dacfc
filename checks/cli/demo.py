"""`migready demo`: the README's first command (see checks/demo/scenario.py)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .common import EXIT_BAD_INPUT


def add_commands(sub) -> None:
    p = sub.add_parser("demo", help="replay incident 1 on loopback (no root, nothing to set up): "
                       "probes before and through a simulated NAT, then the verdict")
    p.add_argument("--out", type=Path, default=Path("migready-demo"),
                   help="where the workspace and reports go (default ./migready-demo)")
    p.add_argument("--gui", action="store_true", help="open the app on the demo's workspace afterwards")
    p.add_argument("--force", action="store_true", help="replace a previous demo in --out (refused without)")
    p.set_defaults(func=cmd_demo)


def cmd_demo(args) -> int:
    from ..demo.scenario import DemoError, run_demo

    previous = args.out / "demo.migready.json"
    if previous.exists() and not args.force:
        print(f"error: {args.out} holds a previous demo ({previous.name}); pass --force to replace it, "
              "or --out another folder", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        result = run_demo(args.out, say=lambda text: print(text, file=sys.stderr))
    except DemoError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    report_path = _write_report(result)
    verdict = result.review.verdict
    print(f"workspace: {result.workspace}")
    print(verdict.verdict)
    for reason in verdict.reasons:
        print(f"  - {reason}")
    print(f"report: {report_path}")
    print("next:")
    print(f"  migready gui {result.workspace}")
    print(f"  migready report {result.workspace} --format pdf")
    if args.gui:
        from . import gui as cli_gui
        cli_gui.cmd_gui(argparse.Namespace(path=result.workspace))
    return verdict.exit_code


def _write_report(result) -> Path:
    """The HTML report next to the workspace, as `migready report` would write it."""
    from ..atomic import atomic_write_bytes
    from ..inventory import load_inventory
    from ..report import build_report, render
    from ..workspace import Workspace
    from .report import default_out

    inventory, workspace = load_inventory(result.inventory), Workspace.load(result.workspace)
    out = default_out(result.workspace, "html")
    atomic_write_bytes(out, render(build_report(inventory, workspace), "html"), keep_backup=False)
    return out
