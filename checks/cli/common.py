"""What every `migready` subcommand shares: exit codes and printing problems."""
from __future__ import annotations

import sys

from ..text.i18n import N_, _, ngettext
from ..store.problems import InputError
from ..text.sanitize import for_terminal
from ..text.i18n import said

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2
EXIT_INCOMPLETE = 4  # a probe run that did not finish (dropped, cancelled); what came in is stored
EXIT_INTERNAL = 70  # a bug (EX_SOFTWARE): distinct from every verdict and finding code


def print_problems(exc: InputError) -> int:
    for problem in exc.problems:
        print(for_terminal(problem), file=sys.stderr)  # messages quote values from the file (said by Problem)
    count = len(exc.problems)
    print(ngettext("{n} problem found", "{n} problems found", count).format(n=count), file=sys.stderr)
    return EXIT_BAD_INPUT


# ------------------------------------------------------------------ one vocabulary for every verb
# Exit codes, shown at the end of every verb's --help (README has the same table).
EXIT_HELP = {
    "validate": N_("0 valid, 2 invalid"),
    "flags": N_("0 no flag at or above --fail-on, 1 there is one, 2 bad input"),
    "plan": N_("0 shown, 2 bad input"),
    "probe": N_("0 all pass, 1 failures, 2 bad input, host unreachable or not confirmed, 4 run incomplete"),
    "reflector": N_("0 stopped (Ctrl-C), 2 bad input or the port is taken"),
    "compare": N_("0 shown, 2 bad input"),
    "checklist": N_("0 shown, 2 bad input"),
    "verdict": N_("0 GO, 3 GO WITH WAIVERS, 1 NO-GO, 2 bad input"),
    "mark": N_("0 recorded, 2 bad input"),
    "waive": N_("0 recorded, 2 bad input"),
    "report": N_("0 written, 2 bad input"),
    "keygen": N_("0 written, 2 bad input"),
    "signoff": N_("0 signed, 2 bad input"),
    "verify": N_("0 all signatures hold, 1 something does not (named), 2 bad input"),
    "trust": N_("0 done, 2 bad input"),
    "demo": N_("the verdict's: 0 GO, 3 GO WITH WAIVERS, 1 NO-GO; 2 the demo could not start"),
    "discover": N_("0 nothing at or above --fail-on, 1 findings, 2 bad input, 4 incomplete"),
    "gui": N_("0 closed, 2 no display or bad input"),
    "upgrade": N_("0 upgraded or already current, 2 bad input"),
    "help": N_("0 shown, 2 unknown topic"),
    "rehearse": N_("0 fails fast or unaffected, 1 hangs, 2 bad input or refused, 4 interrupted (the fault removed), "
                "5 inconclusive"),
}
# Help for positionals and options that a verb left without one, by destination.
DEFAULT_HELP = {
    "inventory": N_("the inventory (YAML)"),
    "workspace": N_("the workspace (*.migready.json)"),
    "report": N_("a report written with --format json"),
    "item": N_("a checklist item id (see migready checklist)"),
    "state": N_("pass, fail or na"),
}
# One metavar per kind of value (argparse's default, the option's name in capitals, said OUT, BY, JOBS...).
METAVARS = {"out": N_("PATH"), "draft": N_("FILE"), "by": N_("NAME"), "jobs": N_("N"), "ssh_config": N_("FILE"),
            "known_hosts": N_("FILE"), "key": N_("FILE"), "name": N_("NAME"), "role": N_("ROLE"), "bind": N_("ADDRESS"), "port": N_("N"),
            "host": N_("HOST"), "workspace": N_("FILE"), "phase": None}
# Paths given as these arguments must be files of this kind.
FILE_KINDS = {"inventory": "inventory", "workspace": "workspace", "report": "report"}


def _help_formatter():
    """argparse's RawDescriptionHelpFormatter, with option columns that stay aligned when a metavar is
    Chinese (argparse pads by characters; a CJK character takes two terminal columns)."""
    import argparse

    from .words import width

    class Formatter(argparse.RawDescriptionHelpFormatter):
        def _format_usage(self, usage, actions, groups, prefix):
            # Options a verb checks itself (--reason: its old names share the destination, so argparse
            # cannot) are required all the same: the usage line shows them without brackets.
            flagged = [a for a in actions if getattr(a, "shown_required", False) and not a.required]
            for action in flagged:
                action.required = True
            try:
                return super()._format_usage(usage, actions, groups, prefix)
            finally:
                for action in flagged:
                    action.required = False

        def _format_action(self, action):
            text = super()._format_action(action)
            header = self._format_action_invocation(action)
            extra = width(header) - len(header)
            first, sep, rest = text.partition("\n")
            at = first.find(header)
            if extra and at >= 0:
                after = first[at + len(header):]
                gap = len(after) - len(after.lstrip(" "))
                if after.strip() and gap - extra >= 2:
                    first = first[:at + len(header)] + after[extra:]
            return first + sep + rest

    return Formatter


def polish(parser) -> None:
    """Give every verb the shared vocabulary: its examples and exit codes at the end of --help, help
    on every positional and on --format (with its default), required options shown as required;
    and `migready --help` lists the verbs in the review's order."""
    from .helptext import ORDER, examples_text

    choices = _subparsers_action(parser)
    if choices is not None:  # the listing in the review's order, then any verb ORDER does not name
        rank = {name: i for i, name in enumerate(ORDER)}
        choices._choices_actions.sort(key=lambda a: rank.get(a.dest, len(ORDER)))
    import argparse

    for name, sub in _subparsers(parser).items():
        sub.formatter_class = _help_formatter()
        add_lang(sub)
        examples = examples_text(name)
        if examples and examples not in (sub.epilog or ""):
            sub.epilog = f"{sub.epilog.rstrip()}\n\n{examples}" if sub.epilog else examples
        line = name in EXIT_HELP and _("exit codes: {codes} (every code: migready help exit-codes)").format(
            codes=_(EXIT_HELP[name]))
        if line and "exit codes" not in (sub.epilog or "") and line not in (sub.epilog or ""):
            sub.epilog = f"{sub.epilog.rstrip()}\n\n{line}" if sub.epilog else line
        required = set(sub.get_default("required_options") or ())
        for action in sub._actions:
            if action.option_strings and action.metavar is None and METAVARS.get(action.dest) \
                    and action.nargs != 0 and not action.choices:
                action.metavar = _(METAVARS[action.dest])
            if action.help is None and action.dest in DEFAULT_HELP and not action.option_strings:
                action.help = _(DEFAULT_HELP[action.dest])
            if action.dest in required and action.option_strings and action.help is not argparse.SUPPRESS:
                action.shown_required = True
            if action.dest in ("format", "output_format") and action.option_strings:
                choices = list(action.choices or ())
                if action.help is None:
                    action.help = (_("{choices} or {last}").format(choices=", ".join(choices[:-1]), last=choices[-1])
                                   if len(choices) > 1 else _("output format"))
                if action.default is not None and "default" not in action.help:
                    action.help += _(" (default: {default})").format(default=action.default)


def add_ssh_options(parser) -> None:
    """How to reach a staging host over SSH: the same options, words and defaults for probe, discover
    and rehearse (`parser` may be an argument group)."""
    parser.add_argument("--accept-new-host-key", action="store_true",
                        help=_("trust an unknown SSH host key and remember it (a changed key is always refused)"))
    parser.add_argument("--ssh-config", type=input_file, help=_("ssh config file (default ~/.ssh/config)"))
    parser.add_argument("--identity", action="append", default=[], metavar=_("FILE"), type=input_file,
                        help=_("private key file (repeatable)"))
    parser.add_argument("--known-hosts", type=input_file, help=_("known_hosts file (default ~/.ssh/known_hosts)"))
    parser.add_argument("--connect-timeout", type=float, default=10.0, metavar=_("SECONDS"),
                        help=_("give up on an SSH connection after SECONDS (default 10)"))


def input_file(text: str) -> str:
    """An option naming a file to read: a FIFO, a device or a directory is refused when the command line is
    read (exit 2, naming it), before any lock is taken; the read itself goes through the same guarded
    open (checks/store/safeio.py), so one swapped in afterwards is refused too, never waited on."""
    import argparse
    import os

    from ..store.safeio import regular_file_problem

    # a missing file is left to the reader (a known_hosts may be made); /dev/null is OpenSSH's "none" (ssh -F
    # /dev/null), the one device that reads as an empty file and never blocks
    problem = None if text == os.devnull else regular_file_problem(text)
    if problem:
        raise argparse.ArgumentTypeError(_("{path}: {reason}").format(path=text, reason=problem))
    return text


def add_lang(parser) -> None:
    """`--lang`, on every verb; `requested_language` reads it before the parser is even built, so that
    the help and argparse's own errors are in that language too."""
    from ..text.i18n import LANGUAGES
    parser.add_argument("--lang", metavar="LANG", default=None,
                        help=_("language of the output: {languages} (default: from LANGUAGE, LC_ALL, "
                               "LC_MESSAGES, LANG)").format(languages=", ".join(LANGUAGES)))


def requested_language(argv: list[str]) -> str | None:
    """The value of the last `--lang X` / `--lang=X` before a bare `--`, or None."""
    found = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            found = argv[i + 1]
        elif arg.startswith("--lang="):
            found = arg.split("=", 1)[1]
    return found


def _subparsers_action(parser):
    import argparse

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return None


def _subparsers(parser) -> dict:
    action = _subparsers_action(parser)
    return dict(action.choices) if action is not None else {}


def add_reason(parser, *old_names: str, required: bool = True, help: str | None = None) -> None:
    """`--reason`, the one justification flag; `old_names` stay accepted, unlisted."""
    import argparse

    parser.add_argument("--reason", metavar=_("TEXT"), default=None, help=help or _("why (required)"))
    for old in old_names:
        parser.add_argument(old, dest="reason", help=argparse.SUPPRESS)
    if required:
        parser.set_defaults(required_options=("reason",))


def missing_required(args) -> list[str]:
    return [f"--{name.replace('_', '-')}" for name in getattr(args, "required_options", ())
            if getattr(args, name, None) is None]


def wrong_kind_files(args) -> list[str]:
    from ..store.filekind import wrong_kind

    found = []
    for dest, kind in FILE_KINDS.items():
        path = getattr(args, dest, None)
        if path is not None and hasattr(path, "is_file") and (kind != "report" or args.command == "verify"):
            message = wrong_kind(path, kind)
            if message:
                found.append(message)
    return found


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 service', '2 services', '1 regression', '2 regressions': English only (the window's older
    callers); the command line says counts with `ngettext`, which a translator can reorder."""
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"


def terminal_safe(text: str) -> str:
    """Untrusted text (a signer's name, a note) as a terminal shows it harmlessly: control and escape
    characters are written as escapes, so no name can move the cursor or repaint a verdict
    (one rule for every verb: checks/text/sanitize.py)."""
    return for_terminal(text)


def in_workspace(args, inventory, body) -> int:
    """`body(workspace, signer)` for a verb that stores a run (probe, rehearse): the person's key for
    `--sign-with` opened first (its passphrase asked before anything is sent), then the workspace
    held under its OS lock for the whole run, so another writer waits (or is told so) and nothing is
    lost.  A bad workspace or key is exit 2, named."""
    from ..trust.signing import SigningError
    from ..store.workspace import Workspace
    from .sign import open_signer

    try:
        signer = open_signer(args.sign_with) if args.sign_with else None
        with Workspace.editing(args.workspace, str(args.inventory.resolve()), inventory.digest,
                               create=True) as workspace:
            return body(workspace, signer)
    except InputError as exc:
        return print_problems(exc)
    except SigningError as exc:
        print(_("error: {message}").format(message=said(exc)), file=sys.stderr)
        return EXIT_BAD_INPUT
