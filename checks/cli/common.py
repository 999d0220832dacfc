"""What every `migready` subcommand shares: exit codes and printing problems."""
from __future__ import annotations

import sys

from ..problems import InputError
from ..sanitize import for_terminal

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2
EXIT_INCOMPLETE = 4  # a probe run that did not finish (dropped, cancelled); what came in is stored
EXIT_INTERNAL = 70  # a bug (EX_SOFTWARE): distinct from every verdict and finding code


def print_problems(exc: InputError) -> int:
    for problem in exc.problems:
        print(for_terminal(problem), file=sys.stderr)  # messages quote values from the file
    count = len(exc.problems)
    print(f"{count} problem{'s' if count != 1 else ''} found", file=sys.stderr)
    return EXIT_BAD_INPUT


def terminal_safe(text: str) -> str:
    """Untrusted text (a signer's name, a note) as a terminal shows it harmlessly: control and escape
    characters are written as escapes, so no name can move the cursor or repaint a verdict
    (one rule for every verb: checks/sanitize.py)."""
    return for_terminal(text)
