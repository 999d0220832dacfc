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
    p.set_defaults(func=cmd_demo)


def cmd_demo(args) -> int:
    from ..demo.scenario import DemoError, run_demo

    try:
        result = run_demo(args.out, say=lambda text: print(text, file=sys.stderr))
    except DemoError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    verdict = result.review.verdict
    print(f"workspace: {result.workspace}")
    print(verdict.verdict)
    for reason in verdict.reasons:
        print(f"  - {reason}")
    if args.gui:
        from . import gui as cli_gui
        cli_gui.cmd_gui(argparse.Namespace(path=result.workspace))
    return verdict.exit_code
