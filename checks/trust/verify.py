"""`migready verify` answers one question: is this the report that was signed off, by people I trust?

Everything it states is recomputed from the signed content and the
signatures; nothing outside the signed content is taken as fact.  The
report's own `digest`, `signoff.final`, `signoff.required_roles` and
`signoff.awaiting` are ignored: the required roles and the evidence verdict
come from the content (the inventory's sign-off policy is part of it), the
approvals from signatures that verify over that content, by keys in the
trust directory, under the name and role the key was issued for.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..text.i18n import _, shown
from ..store.records import run_label
from ..report.model import FORMAT, content_digest
from .signing import (SigningError, check_attestation, check_signature, fingerprint, read_public, trusted_signer)

TRUST_ENV = "MIGREADY_TRUST_DIR"
DEFAULT_TRUST_DIR = Path("~/.config/migready/trust")


@dataclass
class Verification:
    digest: str
    verdict: str  # recomputed: the content's verdict, held at NO-GO until every required role approved
    required_roles: list[str]
    # The lines below are said in the reader's language when they are made (verify prints them; nothing stores them).
    signed: list[str] = field(default_factory=list)  # one line per signature that counts
    awaiting: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # each reason it does not hold
    runs: list[str] = field(default_factory=list)

    @property
    def holds(self) -> bool:
        return not self.problems and not self.awaiting


class NotAReport(ValueError):
    """Input that is not a migready JSON report at all (exit 2)."""


def trust_directory(given: Path | None) -> Path:
    """--trust, else $MIGREADY_TRUST_DIR, else ~/.config/migready/trust; it must exist."""
    directory = given or Path(os.environ.get(TRUST_ENV) or DEFAULT_TRUST_DIR).expanduser()
    if not directory.is_dir():
        where = "--trust" if given else (f"${TRUST_ENV}" if os.environ.get(TRUST_ENV) else _("the default"))
        raise SigningError(_("trust directory {directory} ({where}) does not exist or is not a directory: give "
                             "--trust DIR with the *.pub keys of the people whose sign-off you accept").format(
                                 directory=directory, where=where))
    return directory


def trusted_keys(directory: Path) -> dict[str, dict]:
    keys = {}
    for path in sorted(directory.glob("*.pub")):
        public = read_public(path)
        keys[public["public_key"]] = public
    return keys


def verify_report(report: dict, trusted: dict[str, dict]) -> Verification:
    if not isinstance(report, dict) or report.get("format") != FORMAT:
        raise NotAReport(_("not a migready JSON report (migready report --format json)"))
    digest = content_digest(report)
    policy = report.get("signoff_policy")
    verdict = (report.get("verdict") or {}).get("verdict")
    if not isinstance(policy, dict) or not isinstance(policy.get("required_roles"), list) or not policy["required_roles"]:
        check = Verification(digest, "NO-GO", [])
        check.problems.append(_("the signed content names no required sign-off roles (a report made before "
                                "migready signed them, or edited): regenerate it and sign it again"))
        return check
    required = [str(r) for r in policy["required_roles"]]
    check = Verification(digest, "NO-GO", required)
    if verdict not in ("GO", "GO WITH WAIVERS", "NO-GO"):
        check.problems.append(_("the signed content holds no valid verdict ({verdict})").format(verdict=repr(verdict)))
    if report.get("digest") != digest:
        check.problems.append(_("the report states digest {stated}… but its content hashes to {digest}…: the content "
                                "was changed after the report was made").format(
                                    stated=str(report.get("digest"))[:16], digest=digest[:16]))
    section = report.get("signoff") if isinstance(report.get("signoff"), dict) else {}
    entries = section.get("entries") if isinstance(section.get("entries"), list) else []
    approved, rejected = set(), []
    for entry in entries:
        if not isinstance(entry, dict):
            check.problems.append(_("a sign-off entry is not an object"))
            continue
        who = f"{entry.get('name')} ({entry.get('role')})"
        problem = shown(check_signature(entry))
        if problem is None and entry.get("v") != 2:
            problem = _("signature by {who} does not sign its public key (made by an older migready): "
                        "sign again").format(who=who)
        if problem:
            check.problems.append(problem)
            continue
        if entry.get("digest") != digest:
            check.problems.append(_("signature by {who} is over other content ({digest}…)").format(
                who=who, digest=str(entry.get("digest"))[:12]))
            continue
        known = trusted.get(entry.get("public_key"))
        if known is None:
            check.problems.append(_("untrusted signer: {who}, key {fingerprint}, is not in the trust directory").format(
                who=who, fingerprint=fingerprint(entry["public_key"])))
            continue
        if (known.get("name"), known.get("role")) != (entry.get("name"), entry.get("role")):
            check.problems.append(_("signer mismatch: the key of {name} ({role}) signed as {who}").format(
                name=known.get("name"), role=known.get("role"), who=who))
            continue
        decision = {"approve": _("approve"), "reject": _("reject")}.get(entry.get("decision"), entry.get("decision"))
        check.signed.append(_("{decision} by {who}, key {fingerprint}, at {at}").format(
            decision=decision, who=who, fingerprint=fingerprint(entry["public_key"]), at=entry.get("signed_at")))
        if entry.get("decision") == "approve":
            approved.add(entry.get("role"))
        else:
            rejected.append(who)
    check.awaiting = [role for role in required if role not in approved]
    _check_runs(report, policy, trusted, check)
    if verdict in ("GO", "GO WITH WAIVERS") and not check.awaiting and not rejected and not check.problems:
        check.verdict = verdict
    for who in rejected:
        check.problems.append(_("rejected by {who}").format(who=who))
    return check


def _check_runs(report: dict, policy: dict, trusted: dict[str, dict], check: Verification) -> None:
    required = policy.get("require_attested_runs") is True
    runs = report.get("runs") if isinstance(report.get("runs"), list) else []
    for run in runs:
        if not isinstance(run, dict):
            continue
        label = shown(run_label(run))
        signed = (run.get("attestation") or {}).get("signed") if isinstance(run.get("attestation"), dict) else None
        if not isinstance(signed, dict):
            check.runs.append(_("{run}: unattested").format(run=label))
            if required and run.get("compared"):
                check.problems.append(_("{run} is unattested, and the inventory requires attested runs").format(
                    run=label))
            continue
        problem = shown(check_attestation(signed))
        if problem is None and (signed.get("run") != run.get("id") or signed.get("digest") != run.get("digest")):
            problem = _("the attestation of {run} is for other results").format(run=label)
        if problem is None and trusted_signer(trusted, signed) is None:
            problem = _("{run} is attested by {name} ({role}), whose key is not trusted").format(
                run=label, name=signed.get("name"), role=signed.get("role"))
        if problem:
            check.runs.append(_("{run}: attestation does not hold").format(run=label))
            if required or run.get("compared"):
                check.problems.append(problem)
        else:
            check.runs.append(_("{run}: attested by {name} ({role}), key {fingerprint}").format(
                run=label, name=signed.get("name"), role=signed.get("role"),
                fingerprint=fingerprint(signed["public_key"])))
