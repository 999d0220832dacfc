"""argparse's own words ("usage:", "options", "error:" ...), marked here so that Babel extracts them.

argparse says them through its module-level ``_``/``ngettext``, which
`checks.i18n.set_language` points at our catalog; the message ids must be
exactly Python 3.11's (argparse.py, %-format as argparse applies them), so
they are listed here verbatim and never imported for anything else.  Only
the words a user of `migready` can meet are listed (help layout, errors
about the command line); argparse's errors about a badly built parser are
for us, the developers, and stay English.
"""
from __future__ import annotations

from ..text.i18n import N_

HELP_LAYOUT = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),  # not passed through _() by argparse: see build_parser
)

COMMAND_LINE_ERRORS = (
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("unrecognized arguments: %s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("unexpected option string: %s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("can't open '%(filename)s': %(error)s"),
)


def _plurals(n: int) -> tuple[str, ...]:
    """The plural messages, in a call Babel reads as ngettext (never called)."""
    from ..text.i18n import ngettext
    return (ngettext("expected %s argument", "expected %s arguments", n),)
