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

from .. import collector
from .common import EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, add_reason, print_problems, terminal_safe
from ..text.i18n import said
from .words import verdict as verdict_word
from ..text.i18n import _, shown
from ..store.problems import InputError
from ..trust.signing import SigningError, keygen

PASSPHRASE_ENV = "MIGREADY_KEY_PASSPHRASE"


def add_commands(sub) -> None:
    p = sub.add_parser("keygen", help=_("make an Ed25519 sign-off key pair (PATH and PATH.pub)"))
    p.add_argument("--name", required=True, help=_("the signer's name, as the report's sign-off table shows it"))
    p.add_argument("--role", required=True, help=_("e.g. 'migration lead', 'network'"))
    p.add_argument("--out", type=Path, required=True,
                   help=_("where the private key goes; the public key is written beside it as PATH.pub"))
    protect = p.add_mutually_exclusive_group()
    protect.add_argument("--passphrase", action="store_true",
                         help=_("protect the private key with a passphrase (the default; prompted twice, "
                                "or from ${variable})").format(variable=PASSPHRASE_ENV))
    protect.add_argument("--no-passphrase", action="store_true",
                         help=_("write the private key unencrypted (CI keys held in a secret store)"))
    p.set_defaults(func=cmd_keygen)

    p = sub.add_parser("signoff", help=_("sign the review's current content (approve or reject)"))
    p.add_argument("workspace", type=Path)
    p.add_argument("--key", type=Path, required=True, help=_("private key made by `migready keygen`"))
    p.add_argument("--decision", choices=("approve", "reject"), default="approve",
                   help=_("approve or reject the review as it stands (default: approve)"))
    add_reason(p, "--comment", required=False, help=_("why you approve or reject (optional)"))
    p.add_argument("--override", metavar=_("REASON"), default="",
                   help=_("approve although the evidence says NO-GO, for this reason (the report says so)"))
    p.add_argument("--extra-role", action="store_true",
                   help=_("sign with a role the policy does not require (refused otherwise)"))
    add_trust(p)
    p.set_defaults(func=cmd_signoff)

    p = sub.add_parser("verify", help=_("is this the report that was signed off, by people I trust? "
                                        "(exit 0 / 1 / 2)"))
    p.add_argument("report", type=Path, help=_("a report written with --format json"))
    add_trust(p, must_exist=True)
    p.add_argument("--expect-head", metavar=_("HASH"),
                   help=_("the sign-off chain head recorded in the change ticket: fail unless the report's "
                          "chain ends there (a dropped tail cannot be seen any other way)"))
    p.add_argument("--expect-attested", metavar=_("HASH"),
                   help=_("the attestation chain head recorded when the last run was attested: fail unless the "
                          "report's runs end there (a run cut from the end cannot be seen any other way)"))
    p.set_defaults(func=cmd_verify)


def add_trust(p, must_exist: bool = False) -> None:
    p.add_argument("--trust", type=Path, metavar=_("DIR"),
                   help=(_("directory of trusted *.pub signer keys and policy.yaml (default $MIGREADY_TRUST_DIR, "
                           "else ~/.config/migready/trust; it must exist)") if must_exist else
                         _("directory of trusted *.pub signer keys and policy.yaml (default $MIGREADY_TRUST_DIR, "
                           "else ~/.config/migready/trust; without one, no signature counts)")))


def _passphrase(prompt: str, confirm: bool = False) -> bytes | None:
    value = os.environ.get(PASSPHRASE_ENV)
    if value is None:
        if not sys.stdin.isatty():
            raise SigningError(_("the key needs a passphrase: run in a terminal or set ${variable}").format(
                variable=PASSPHRASE_ENV))
        value = getpass.getpass(prompt)
        if confirm and getpass.getpass(_("again: ")) != value:
            raise SigningError(_("the passphrases differ"))
    if not value:
        raise SigningError(_("the passphrase is empty (for an unencrypted key, use --no-passphrase)") if confirm
                           else _("the passphrase is empty"))
    return value.encode("utf-8")


def cmd_keygen(args) -> int:
    try:
        passphrase = None if args.no_passphrase else _passphrase(_("passphrase for the new key: "), confirm=True)
        pub = keygen(args.name, args.role, args.out, passphrase)
    except SigningError as exc:
        print(_("error: {message}").format(message=said(exc)), file=sys.stderr)
        return EXIT_BAD_INPUT
    print(_("private key: {path} (keep it to yourself)").format(path=args.out))
    print(_("public key:  {path} (give it to whoever verifies)").format(path=pub))
    return EXIT_OK


def open_signer(path: Path):
    """The key, asking for its passphrase when it is encrypted (by the error's type, never its text)."""
    from ..actions import open_signer as open_key
    return open_key(path, lambda: _passphrase(_("passphrase for {path}: ").format(path=path)))


def load_trust_for(args):
    """The trust directory `verdict`, `report`, `signoff` and the window read (a missing one: no key trusted)."""
    from ..trust.policy import load_trust
    return load_trust(getattr(args, "trust", None), required=getattr(args, "trust", None) is not None)


def cmd_signoff(args) -> int:
    from .review import review_inventory
    from ..actions import ActionError, sign_off
    from ..store.workspace import Workspace

    try:
        trust = load_trust_for(args)
        signer = open_signer(args.key)
        with Workspace.editing(args.workspace) as workspace:  # the digest signed is the one stored
            entry = sign_off(workspace, review_inventory(workspace, args.workspace), signer, args.decision,
                             args.reason or "", override=args.override or "", extra_role=args.extra_role,
                             trust=trust)
    except InputError as exc:
        return print_problems(exc)
    except (SigningError, ActionError) as exc:
        print(_("error: {message}").format(message=terminal_safe(said(exc))), file=sys.stderr)
        return EXIT_BAD_INPUT
    decided = {"approve": _("approve"), "reject": _("reject")}.get(args.decision, args.decision)
    print(_("{decision} by {name} ({role}) over content {digest}").format(
        decision=decided, name=terminal_safe(signer.name), role=terminal_safe(signer.role), digest=entry["digest"]))
    return EXIT_OK


def cmd_verify(args) -> int:
    from ..report.wellformed import ReportUnreadable, read_report
    from ..trust.policy import load_trust
    from ..trust.verify import EvidenceUnreadable, NotAReport, say_heads, verify_report

    try:  # a regular file, bounded, no NaN, the types verify reads (checks/report/wellformed.py)
        with collector.paused():  # a 10k-item report parses to ~1M containers, all acyclic: 0.3 s of collections
            report = read_report(args.report)
    except ReportUnreadable as exc:
        print(_("error: {message}").format(message=terminal_safe(said(exc))), file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        trust = load_trust(args.trust)
        directory = trust.directory
    except SigningError as exc:
        print(_("error: {message}").format(message=terminal_safe(said(exc))), file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        with collector.paused():
            check = verify_report(report, trust, expect_head=args.expect_head, expect_attested=args.expect_attested)
    except (NotAReport, EvidenceUnreadable) as exc:
        print(_("error: {message}").format(message=terminal_safe(f"{args.report}: {said(exc)}")), file=sys.stderr)
        return EXIT_BAD_INPUT

    def say(text) -> str:
        return terminal_safe(shown(text))

    print(_("content digest {digest} (recomputed)").format(digest=check.digest))
    for line in check.signed:
        print("  " + _("signed: {line}").format(line=say(line)))
    for line in check.runs:
        print("  " + _("run: {line}").format(line=say(line)))
    for line in check.notes:
        print("  " + _("note: {line}").format(line=say(line)))
    for line in say_heads(check):
        print(say(line))
    for role in check.awaiting:
        print(_("FAIL: awaiting sign-off: {role}").format(role=say(role)))
    for problem in check.problems:
        print(_("FAIL: {problem}").format(problem=say(problem)))
    print(_("verdict: {verdict}").format(verdict=verdict_word(check.verdict))
          + ("" if check.holds else _(" (the sign-off does not hold)")))
    if check.holds:
        print(_("OK: intact, signed by every required role ({roles}) with keys from {directory}").format(
            roles=say(", ".join(check.required_roles)), directory=say(str(directory))))
        return EXIT_OK
    return EXIT_FINDINGS
