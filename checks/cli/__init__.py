"""`migready` on the command line: the same core calls as the GUI, for people and CI.

Exit codes are part of the contract: 0 fine, 1 findings at or above the
threshold, 2 bad input (the message says which file, line and field).
Each subcommand is a small function taking the parsed arguments and
returning the exit code; groups of them live in the modules of this package (one per verb group).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .. import __version__
from . import demo as cli_demo, discover as cli_discover, gui as cli_gui, probe as cli_probe, report as cli_report, review as cli_review, sign as cli_sign
from . import rehearse as cli_rehearse
from .common import (add_lang, requested_language, EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_INTERNAL, EXIT_OK, missing_required, polish,
                     print_problems, wrong_kind_files)
from ..text.i18n import said
from .words import column, tag
from ..text.i18n import _, ngettext, set_language, shown
from ..inventory.load import load_inventory
from ..store.problems import InputError
from ..inventory.rules import SEVERITIES, at_or_above, evaluate
from ..store.workspace import WorkspaceConflict


def cmd_validate(args) -> int:
    try:
        inventory = load_inventory(args.inventory)
    except InputError as exc:
        return print_problems(exc)
    deps = sum(len(s.dependencies) for s in inventory.services)
    services = ngettext("{n} service", "{n} services", len(inventory.services)).format(n=len(inventory.services))
    print(_("{inventory}: valid ({services}, {dependencies})").format(
        inventory=args.inventory, services=services,
        dependencies=ngettext("{n} dependency", "{n} dependencies", deps).format(n=deps)))
    return EXIT_OK


def cmd_flags(args) -> int:
    try:
        inventory = load_inventory(args.inventory)
    except InputError as exc:
        return print_problems(exc)
    flags = evaluate(inventory)
    if args.format == "json":
        json.dump([f.to_dict() for f in flags], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        for f in flags:
            print(f"[{column(tag('severity', f.severity), 7)}] {f.rule} {shown(f.message)}")
            print("          " + _("incident {incident}; cleared by {cleared_by}").format(
                incident=f.incident, cleared_by=shown(f.cleared_by)))
        counts = {s: sum(1 for f in flags if f.severity == s) for s in SEVERITIES}
        summary = _(", ").join(_("{n} {severity}").format(n=n, severity=tag("severity", s, upper=False))
                               for s, n in counts.items() if n)
        total = ngettext("{n} flag", "{n} flags", len(flags)).format(n=len(flags))
        print(_("{total} ({summary})").format(total=total, summary=summary) if summary else total)
    if args.fail_on and at_or_above(flags, args.fail_on):
        return EXIT_FINDINGS
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    from .helptext import fill, workflow_text

    parser = argparse.ArgumentParser(
        prog="migready",
        description=fill(_("Migration readiness: flag the dependencies HTTP checks miss, probe them "
                           "before and after the move, and sign off a go/no-go report.")) + "\n\n" + workflow_text(),
        epilog=fill(_("Every verb's --help has examples and its exit codes; all codes: migready help exit-codes.")),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"migready {__version__}",
                        help=_("show program's version number and exit"))
    add_lang(parser)
    sub = parser.add_subparsers(dest="command", metavar=_("COMMAND"))

    p = sub.add_parser("validate", help=_("check an inventory; exit 0 valid, 2 invalid"))
    p.add_argument("inventory", type=Path)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("flags", help=_("list the risky dependencies of an inventory"))
    p.add_argument("inventory", type=Path)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--fail-on", choices=SEVERITIES, default="high", metavar=_("SEVERITY"),
                   help=_("exit 1 when a flag at or above this severity exists ({severities}; "
                          "default: high, as for discover)").format(severities=", ".join(SEVERITIES)))
    p.set_defaults(func=cmd_flags)

    cli_probe.add_commands(sub)
    cli_rehearse.add_commands(sub)
    cli_review.add_commands(sub)
    cli_sign.add_commands(sub)
    cli_report.add_commands(sub)
    cli_demo.add_commands(sub)
    cli_discover.add_commands(sub)
    cli_gui.add_commands(sub)
    p = sub.add_parser("help", help=_("a verb's help, or a topic: exit-codes, workflow"))
    p.add_argument("topic", nargs="?", metavar=_("VERB|TOPIC"), help=_("a verb (e.g. probe), exit-codes or workflow"))
    p.set_defaults(func=lambda args: cmd_help(args, parser))
    polish(parser)
    return parser


def cmd_help(args, parser) -> int:
    """`migready help [VERB|TOPIC]`: what a pip user has instead of the README."""
    from .common import _subparsers
    from .helptext import TOPICS
    from ..text.suggest import did_you_mean

    verbs = _subparsers(parser)
    if not args.topic:
        parser.print_help()
    elif args.topic in TOPICS:
        print(TOPICS[args.topic]())
    elif args.topic in verbs:
        verbs[args.topic].print_help()
    else:
        print(_("migready help: no verb or topic '{topic}'{hint}; topics: {topics}").format(
            topic=args.topic, hint=did_you_mean(args.topic, [*TOPICS, *verbs]), topics=", ".join(TOPICS)),
            file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_OK


def unknown_verb(argv: list[str], parser) -> str | None:
    """The message for a first word that is no verb (with the closest verb), or None.  argparse would
    list all twenty verbs; one suggestion reads faster (`migready verdcit` -> verdict)."""
    from .common import _subparsers
    from ..text.suggest import did_you_mean

    verbs = _subparsers(parser)
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg == "--lang":
            skip = True
            continue
        if arg == "--" or arg.startswith("-"):
            if arg == "--":
                return None
            continue
        if arg in verbs:
            return None
        return _("migready: error: unknown command '{verb}'{hint} (migready --help lists them, in order)").format(
            verb=arg, hint=did_you_mean(arg, verbs))
    return None


def _guard_terminal() -> None:
    """On a terminal, no verb's output can carry a live escape sequence (checks/text/sanitize.py): evidence,
    names and notes come from files and remote hosts.  Pipes and files get the text unchanged."""
    from ..text.sanitize import TerminalGuard
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if not isinstance(stream, TerminalGuard) and getattr(stream, "isatty", lambda: False)():
            setattr(sys, name, TerminalGuard(stream))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        set_language(requested_language(argv))
    except ValueError as exc:
        print(f"migready: error: {exc}", file=sys.stderr)  # no language yet: English
        return EXIT_BAD_INPUT
    parser = build_parser()
    if not argv:  # bare `migready`: the app, when there is a screen
        if cli_gui.usable_display() is None:
            return cli_gui.cmd_gui(argparse.Namespace(path=None))
        parser.print_help()
        print("\n" + _("no display found (DISPLAY, WAYLAND_DISPLAY and QT_QPA_PLATFORM are unset): "
                        "the desktop app needs one; the commands above work without"))
        return EXIT_OK
    wrong = unknown_verb(argv, parser)
    if wrong:
        print(wrong, file=sys.stderr)
        return EXIT_BAD_INPUT
    args = parser.parse_args(argv)
    _guard_terminal()
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_OK
    missing = missing_required(args)
    if missing:
        message = _("the following arguments are required: %s") % ", ".join(missing)  # argparse's words
        sys.stderr.write(_("%(prog)s: error: %(message)s\n") % {"prog": f"migready {args.command}", "message": message})
        return EXIT_BAD_INPUT
    for message in wrong_kind_files(args):
        print(shown(message), file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print(_("interrupted"), file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `migready flags x | head`
        return EXIT_OK
    except WorkspaceConflict as exc:
        print(_("error: {message}").format(message=said(exc)), file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as exc:  # a bug: never let it pass for a verdict's exit code
        if os.environ.get("MIGREADY_DEBUG"):
            raise
        print(_("migready: internal error ({error}); this is a bug. "
                "Rerun with MIGREADY_DEBUG=1 for the traceback.").format(error=f"{type(exc).__name__}: {exc}"),
              file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
