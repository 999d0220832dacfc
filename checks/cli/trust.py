"""`migready trust init | add | show`: the verifier's trust directory, kept by the verifier.

The directory holds the public keys whose sign-offs count and `policy.yaml`
(the roles that must approve, whether runs must be attested and by which
roles, whether approvers and attestors must be different people).  `verify`,
`verdict`, every report and the window apply the strictest of this policy and
the report's own, so a signer cannot lower the bar by editing the content.
Exit 0, or 2 on bad input.
"""
from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

from .common import EXIT_BAD_INPUT, EXIT_OK, terminal_safe
from ..store.atomic import atomic_write_text
from ..store.safeio import read_regular
from ..text.i18n import _, said
from ..trust.policy import POLICY_FILE, Policy, load_trust, policy_yaml, read_policy
from ..trust.signing import KEY_FILE_LIMIT, SigningError, fingerprint, read_public


def add_commands(sub) -> None:
    p = sub.add_parser("trust", help=_("the verifier's trust directory: keys and policy (init, add, show)"))
    verbs = p.add_subparsers(dest="trust_verb", required=True, metavar="init|add|show",
                             help=_("init: create the directory and its policy; add: trust a key; show: list both"))
    init = verbs.add_parser("init", help=_("create the directory and its policy.yaml"))
    init.add_argument("directory", type=Path)
    init.add_argument("--role", action="append", required=True, dest="roles", metavar=_("ROLE"),
                      help=_("a role that must approve (repeat for each)"))
    init.add_argument("--require-attested-runs", action="store_true",
                      help=_("runs count only when signed by whoever ran them"))
    init.add_argument("--attest-role", action="append", default=[], dest="attest_roles", metavar=_("ROLE"),
                      help=_("a role whose attestation counts (repeat; default any trusted key)"))
    init.add_argument("--distinct-people", action="store_true",
                      help=_("whoever attested a compared run may not also approve it (four eyes)"))
    init.add_argument("--force", action="store_true", help=_("replace an existing policy.yaml"))
    init.set_defaults(func=cmd_init)
    add = verbs.add_parser("add", help=_("trust a signer's public key (copied into the directory)"))
    add.add_argument("directory", type=Path)
    add.add_argument("key", type=Path, help=_("a *.pub made by `migready keygen`"))
    add.set_defaults(func=cmd_add)
    show = verbs.add_parser("show", help=_("the policy, the trusted keys and any file skipped"))
    show.add_argument("directory", type=Path, nargs="?")
    show.set_defaults(func=cmd_show)


def _error(message) -> int:
    text = said(message) if isinstance(message, BaseException) else str(message)
    print(_("error: {message}").format(message=terminal_safe(text)), file=sys.stderr)
    return EXIT_BAD_INPUT


def cmd_init(args) -> int:
    directory: Path = args.directory
    if directory.exists() and not directory.is_dir():
        return _error(_("{path} exists and is not a directory").format(path=directory))
    target = directory / POLICY_FILE
    if target.exists() and not args.force:
        return _error(_("{path} exists; give --force to replace it").format(path=target))
    roles = [r.strip() for r in args.roles if r.strip()]
    if not roles:
        return _error(_("give at least one --role"))
    directory.mkdir(parents=True, exist_ok=True)
    policy = Policy(tuple(dict.fromkeys(roles)), args.require_attested_runs,
                    tuple(dict.fromkeys(r.strip() for r in args.attest_roles if r.strip())), args.distinct_people)
    atomic_write_text(target, policy_yaml(policy))
    read_policy(target)  # what was written reads back
    print(_("{path}: required roles {roles}").format(path=target, roles=", ".join(policy.required_roles)))
    return EXIT_OK


def cmd_add(args) -> int:
    if not args.directory.is_dir():
        return _error(_("{path} is not a directory (migready trust init)").format(path=args.directory))
    try:
        public = read_public(args.key)
        raw = read_regular(args.key, KEY_FILE_LIMIT)  # the bytes checked above, copied as they are
    except SigningError as exc:
        return _error(exc)
    except OSError as exc:
        return _error(_("cannot read {path}: {reason}").format(path=args.key, reason=exc.strerror or exc))
    name = args.key.name if args.key.name.endswith(".pub") else args.key.name + ".pub"
    if name.startswith("."):
        name = name.lstrip(".") or "key.pub"
    target = args.directory / name
    if target.exists() or target.is_symlink():
        return _error(_("{path} exists; remove it first if it should be replaced").format(path=target))
    try:  # O_EXCL|O_NOFOLLOW: never through a link planted since the check above, never over a file
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except OSError as exc:
        return _error(_("{path} exists; remove it first if it should be replaced").format(path=target)
                      if exc.errno in (errno.EEXIST, errno.ELOOP) else
                      _("cannot write {path}: {reason}").format(path=target, reason=exc.strerror or exc))
    with os.fdopen(fd, "wb") as handle:
        handle.write(raw)
    print(_("trusted: {name} ({role}), key {fingerprint}, as {path}").format(
        name=terminal_safe(public["name"]), role=terminal_safe(public["role"]),
        fingerprint=fingerprint(public["public_key"]), path=target))
    return EXIT_OK


def cmd_show(args) -> int:
    try:
        trust = load_trust(args.directory)
    except SigningError as exc:
        return _error(exc)
    print(_("trust directory {path}").format(path=trust.directory))
    if trust.policy is None:
        print("  " + _("no {file}: the report's own policy applies (migready trust init)").format(file=POLICY_FILE))
    else:
        p = trust.policy
        print("  " + _("required roles: {roles}").format(roles=terminal_safe(", ".join(p.required_roles))))
        print("  " + _("runs must be attested: {value}").format(value=_("yes") if p.require_attested_runs else _("no")))
        if p.attest_roles:
            print("  " + _("attestations count from: {roles}").format(roles=terminal_safe(", ".join(p.attest_roles))))
        print("  " + _("approvers and attestors different people: {value}").format(
            value=_("yes") if p.distinct_people else _("no")))
    for public in sorted(trust.keys.values(), key=lambda k: (k["role"], k["name"])):
        print("  " + _("key: {name} ({role}), {fingerprint}").format(
            name=terminal_safe(public["name"]), role=terminal_safe(public["role"]),
            fingerprint=fingerprint(public["public_key"])))
    for line in trust.skipped:
        print("  " + _("skipped: {why}").format(why=terminal_safe(line)))
    return EXIT_OK
