"""`migready keygen | signoff | verify`: who approved what, provably.

`verify` exit codes: 0 the content is intact, every signature holds, every
signer's key is trusted and every required role approved; 1 something does
not (each reason on its own line); 2 unreadable input or no trust directory.
`keygen` encrypts the private key with a passphrase unless told
`--no-passphrase` (for CI keys kept in a secret store): a key file copied off
a laptop or a backup must not be enough to sign a GO.  Passphrases come from
a terminal prompt (asked twice for a new key), or from MIGREADY_KEY_PASSPHRASE
for pipelines; they are never logged or stored.
"""
from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from .common import EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, add_reason, print_problems, terminal_safe
from ..problems import InputError
from ..signing import SigningError, keygen, load_signer, sign

PASSPHRASE_ENV = "MIGREADY_KEY_PASSPHRASE"


def add_commands(sub) -> None:
    p = sub.add_parser("keygen", help="make an Ed25519 sign-off key pair (PATH and PATH.pub)")
    p.add_argument("--name", required=True)
    p.add_argument("--role", required=True, help="e.g. 'migration lead', 'network'")
    p.add_argument("--out", type=Path, required=True)
    protect = p.add_mutually_exclusive_group()
    protect.add_argument("--passphrase", action="store_true",
                         help=f"protect the private key with a passphrase (the default; prompted twice, "
                              f"or from ${PASSPHRASE_ENV})")
    protect.add_argument("--no-passphrase", action="store_true",
                         help="write the private key unencrypted (CI keys held in a secret store)")
    p.set_defaults(func=cmd_keygen)

    p = sub.add_parser("signoff", help="sign the review's current content (approve or reject)")
    p.add_argument("workspace", type=Path)
    p.add_argument("--key", type=Path, required=True, help="private key made by `migready keygen`")
    p.add_argument("--decision", choices=("approve", "reject"), default="approve")
    add_reason(p, "--comment", required=False, help="why you approve or reject (optional)")
    p.set_defaults(func=cmd_signoff)

    p = sub.add_parser("verify", help="is this the report that was signed off, by people I trust? (exit 0 / 1 / 2)")
    p.add_argument("report", type=Path, help="a report written with --format json")
    p.add_argument("--trust", type=Path, metavar="DIR",
                   help="directory of trusted *.pub signer keys (default $MIGREADY_TRUST_DIR, else "
                        "~/.config/migready/trust; it must exist)")
    p.set_defaults(func=cmd_verify)


def _passphrase(prompt: str, confirm: bool = False) -> bytes | None:
    value = os.environ.get(PASSPHRASE_ENV)
    if value is None:
        if not sys.stdin.isatty():
            raise SigningError(f"the key needs a passphrase: run in a terminal or set ${PASSPHRASE_ENV}")
        value = getpass.getpass(prompt)
        if confirm and getpass.getpass("again: ") != value:
            raise SigningError("the passphrases differ")
    if not value:
        raise SigningError("the passphrase is empty" + (" (for an unencrypted key, use --no-passphrase)"
                                                        if confirm else ""))
    return value.encode("utf-8")


def cmd_keygen(args) -> int:
    try:
        passphrase = None if args.no_passphrase else _passphrase("passphrase for the new key: ", confirm=True)
        pub = keygen(args.name, args.role, args.out, passphrase)
    except SigningError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"private key: {args.out} (keep it to yourself)\npublic key:  {pub} (give it to whoever verifies)")
    return EXIT_OK


def open_signer(path: Path):
    try:
        return load_signer(path)
    except SigningError as exc:
        if "passphrase; give it" not in str(exc):
            raise
    return load_signer(path, _passphrase(f"passphrase for {path}: "))


def cmd_signoff(args) -> int:
    from .review import review_inventory
    from ..report import build_report
    from ..workspace import Workspace

    try:
        signer = open_signer(args.key)
        with Workspace.editing(args.workspace) as workspace:  # the digest signed is the one stored
            report = build_report(review_inventory(workspace, args.workspace), workspace)
            entry = sign(signer, report["digest"], args.decision, args.reason or "")
            workspace.add_signoff(entry)
    except InputError as exc:
        return print_problems(exc)
    except SigningError as exc:
        print(f"error: {terminal_safe(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"{args.decision} by {terminal_safe(signer.name)} ({terminal_safe(signer.role)}) over content "
          f"{entry['digest']}")
    return EXIT_OK


def cmd_verify(args) -> int:
    from ..report.wellformed import ReportUnreadable, read_report
    from ..verify import NotAReport, trust_directory, trusted_keys, verify_report

    try:  # a regular file, bounded, no NaN, the types verify reads (checks/report/wellformed.py)
        report = read_report(args.report)
    except ReportUnreadable as exc:
        print(f"error: {terminal_safe(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        directory = trust_directory(args.trust)
        trusted = trusted_keys(directory)
    except SigningError as exc:
        print(f"error: {terminal_safe(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        check = verify_report(report, trusted)
    except NotAReport as exc:
        print(f"error: {args.report}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    say = terminal_safe
    print(f"content digest {check.digest} (recomputed)")
    for line in check.signed:
        print(f"  signed: {say(line)}")
    for line in check.runs:
        print(f"  run: {say(line)}")
    for role in check.awaiting:
        print(f"FAIL: awaiting sign-off: {say(role)}")
    for problem in check.problems:
        print(f"FAIL: {say(problem)}")
    print(f"verdict: {check.verdict}" + ("" if check.holds else " (the sign-off does not hold)"))
    if check.holds:
        print(f"OK: intact, signed by every required role ({say(', '.join(check.required_roles))}) with keys "
              f"from {say(str(directory))}")
        return EXIT_OK
    return EXIT_FINDINGS
