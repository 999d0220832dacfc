"""`migready keygen | signoff | verify`: who approved what, provably.

`verify` exit codes: 0 every signature holds (and, with --trust, every signer
is trusted), 1 something does not (the message names it), 2 bad input.
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

from .common import EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, print_problems
from ..problems import InputError
from ..sanitize import for_terminal
from ..signing import SigningError, check_signature, keygen, load_signer, read_public, sign

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
    p.add_argument("--comment", default="")
    p.set_defaults(func=cmd_signoff)

    p = sub.add_parser("verify", help="check a JSON report's digest and every signature (exit 0 / 1)")
    p.add_argument("report", type=Path, help="a report written with --format json")
    p.add_argument("--trust", type=Path, metavar="DIR", help="directory of trusted *.pub signer keys")
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


def _open_signer(path: Path):
    try:
        return load_signer(path)
    except SigningError as exc:
        if "passphrase; give it" not in str(exc):
            raise
    return load_signer(path, _passphrase(f"passphrase for {path}: "))


def cmd_signoff(args) -> int:
    from .review import open_review
    from ..report import build_report

    try:
        signer = _open_signer(args.key)
        workspace, inventory = open_review(args.workspace)
        report = build_report(inventory, workspace, check_signature=check_signature)
        entry = sign(signer, report["digest"], args.decision, args.comment)
    except InputError as exc:
        return print_problems(exc)
    except SigningError as exc:
        print(f"error: {for_terminal(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    workspace.add_signoff(entry)
    workspace.save()
    print(f"{args.decision} by {for_terminal(signer.name)} ({for_terminal(signer.role)}) over content "
          f"{entry['digest']}")
    return EXIT_OK


def _trusted(directory: Path) -> dict[str, dict]:
    if not directory.is_dir():
        raise SigningError(f"{directory} is not a directory of trusted *.pub keys"
                           + ("" if directory.exists() else " (it does not exist)"))
    keys = {}
    for path in sorted(directory.glob("*.pub")):
        public = read_public(path)
        keys[public["public_key"]] = public
    return keys


def verify_report(report: dict, trusted: dict[str, dict] | None) -> list[str]:
    """Everything that does not hold, in words (empty: the report is intact)."""
    from ..report import content_digest

    problems = []
    digest = content_digest(report)
    if report.get("digest") != digest:
        problems.append(f"content changed: the report says digest {report.get('digest')} but its content hashes to "
                        f"{digest}")
    for entry in (report.get("signoff") or {}).get("entries", []):
        who = f"{entry.get('name')} ({entry.get('role')})"
        problem = check_signature(entry)
        if problem:
            problems.append(problem)
        elif entry.get("digest") != digest:
            problems.append(f"signature by {who} is over other content ({str(entry.get('digest'))[:12]}…)")
        if trusted is not None:
            known = trusted.get(entry.get("public_key"))
            if known is None:
                problems.append(f"unknown signer: {who}'s key is not in the trust directory")
            elif (known["name"], known["role"]) != (entry.get("name"), entry.get("role")):
                problems.append(f"signer mismatch: the key of {known['name']} ({known['role']}) signed as {who}")
    section = report.get("signoff") or {}
    backed = {e.get("role") for e in section.get("entries", [])
              if e.get("decision") == "approve" and e.get("digest") == digest and check_signature(e) is None}
    for role in section.get("required_roles", []):
        if role not in section.get("awaiting", []) and role not in backed:
            problems.append(f"the report counts sign-off by '{role}' but no valid signature backs it "
                            "(was a signature removed?)")
    return problems


def cmd_verify(args) -> int:
    from ..report.wellformed import ReportUnreadable, read_report

    try:
        report = read_report(args.report)
        trusted = _trusted(args.trust) if args.trust else None
    except (ReportUnreadable, SigningError) as exc:  # every line printed is sanitised: names come from files
        print(f"error: {for_terminal(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    problems = verify_report(report, trusted)
    entries = (report.get("signoff") or {}).get("entries", [])
    for problem in problems:
        print(f"FAIL: {for_terminal(problem)}")
    if problems:
        return EXIT_FINDINGS
    final = (report.get("signoff") or {}).get("final", {})
    print(f"OK: content digest {for_terminal(report['digest'])} matches; {len(entries)} signature(s) hold"
          + ("" if trusted is not None else " (signers not checked: no --trust directory)"))
    if final:
        print(f"verdict: {for_terminal(final.get('verdict'))}")
    return EXIT_OK
