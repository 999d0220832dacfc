"""The verifier's trust directory: the keys it accepts and the policy it holds every report to.

Why it lives with the verifier: whoever signs a report also writes its
content, so a sign-off policy read only from the content (the inventory's
`signoff` block) is the signer's to choose.  One insider with one trusted key
could set `required_roles` to their own role and sign a GO alone.  The
trust directory holds `policy.yaml`; the policy applied is the strictest of
it and the content's (`strictest`): content can add requirements, never
remove them.

The directory is read defensively: hidden files are ignored, a `*.pub` that
is a symlink out of the directory is refused and named, and one bad file is
reported and skipped (not fatal: one FIFO must not block every verify).
Only a required role with no usable key makes the skipped files matter, and
then verify names them.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..inventory.yamlsource import decode_text, load_located
from ..store.problems import Problem
from ..store.safeio import read_regular
from ..text.i18n import Msg, _
from .signing import SigningError, read_public

TRUST_ENV = "MIGREADY_TRUST_DIR"
DEFAULT_TRUST_DIR = Path("~/.config/migready/trust")
POLICY_FILE = "policy.yaml"
POLICY_LIMIT = 64 * 1024
POLICY_FIELDS = ("required_roles", "require_attested_runs", "attest_roles", "distinct_people")


@dataclass(frozen=True)
class Policy:
    """Who must sign, and what evidence counts.

    `attest_roles`: the roles whose attestation counts for a run (empty: any trusted key);
    `distinct_people`: an approver may not also have attested a compared run (four eyes)."""

    required_roles: tuple[str, ...] = ()
    require_attested_runs: bool = False
    attest_roles: tuple[str, ...] = ()
    distinct_people: bool = False

    def to_dict(self) -> dict:
        return {"required_roles": list(self.required_roles), "require_attested_runs": self.require_attested_runs,
                "attest_roles": list(self.attest_roles), "distinct_people": self.distinct_people}

    @classmethod
    def of_content(cls, value) -> "Policy":
        """The policy the signed content states (`signoff_policy`); odd types count as absent."""
        value = value if isinstance(value, dict) else {}
        roles = value.get("required_roles")
        attest = value.get("attest_roles")
        return cls(tuple(r for r in roles if isinstance(r, str)) if isinstance(roles, list) else (),
                   value.get("require_attested_runs") is True,
                   tuple(r for r in attest if isinstance(r, str)) if isinstance(attest, list) else (),
                   value.get("distinct_people") is True)


def strictest(content: Policy, verifier: Policy | None) -> Policy:
    """Both policies' requirements: roles of either, attestation if either asks, and only attestors both
    accept (when both name some)."""
    if verifier is None:
        return content
    roles = list(verifier.required_roles) + [r for r in content.required_roles if r not in verifier.required_roles]
    if verifier.attest_roles and content.attest_roles:
        attest = tuple(r for r in verifier.attest_roles if r in content.attest_roles) or ("\0none",)
    else:
        attest = verifier.attest_roles or content.attest_roles
    return Policy(tuple(roles), content.require_attested_runs or verifier.require_attested_runs, tuple(attest),
                  content.distinct_people or verifier.distinct_people)


@dataclass
class Trust:
    """What a trust directory holds: keys (public key -> their .pub), the policy, and what was skipped."""

    directory: Path | None
    keys: dict[str, dict] = field(default_factory=dict)
    policy: Policy | None = None
    skipped: list[str] = field(default_factory=list)  # one line per file left out, with the reason
    missing: str | None = None  # why there is no directory (verdict and reports still run, trusting no key)

    def roles(self) -> set[str]:
        return {k.get("role") for k in self.keys.values()}

    def policy_source(self) -> str:
        if self.policy is not None:
            return _("the strictest of {file} and the report's content").format(file=self.directory / POLICY_FILE)
        if self.directory is None:
            return _("the report's content only (no trust directory)")
        return _("the report's content only: {directory} has no {file} (migready trust init)").format(
            directory=self.directory, file=POLICY_FILE)


def trust_directory(given: Path | None) -> Path:
    """--trust, else $MIGREADY_TRUST_DIR, else ~/.config/migready/trust; it must exist."""
    directory = given or Path(os.environ.get(TRUST_ENV) or DEFAULT_TRUST_DIR).expanduser()
    if not directory.is_dir():
        where = "--trust" if given else (f"${TRUST_ENV}" if os.environ.get(TRUST_ENV) else _("the default"))
        raise SigningError(_("trust directory {directory} ({where}) does not exist or is not a directory: give "
                             "--trust DIR with the *.pub keys of the people whose sign-off you accept").format(
                                 directory=directory, where=where))
    return directory


def load_trust(given: Path | None = None, required: bool = True) -> Trust:
    """The trust directory (see `trust_directory`).  With `required=False` a missing directory is a Trust
    with no keys (every signature then shows as "unverified: key not trusted"), not an error."""
    try:
        directory = trust_directory(given)
    except SigningError as exc:
        if required:
            raise
        return Trust(None, missing=str(exc))
    trust = Trust(directory)
    trust.keys, trust.skipped = _keys(directory)
    trust.policy = read_policy(directory / POLICY_FILE)
    return trust


def _inside(path: Path, directory: Path) -> bool:
    try:
        path.resolve().relative_to(directory.resolve())
    except (ValueError, OSError):
        return False
    return True


def _keys(directory: Path) -> tuple[dict[str, dict], list[str]]:
    keys, skipped = {}, []
    for path in sorted(directory.glob("*.pub")):
        if path.name.startswith("."):
            continue  # hidden: an editor's or an attacker's leftover, never a key someone chose to trust
        if path.is_symlink() and not _inside(path, directory):
            skipped.append(_("{path}: a symlink out of the trust directory (to {target}); not trusted").format(
                path=path, target=os.readlink(path)))
            continue
        try:
            public = read_public(path)
        except SigningError as exc:
            skipped.append(str(exc))
            continue
        keys[public["public_key"]] = public
    return keys, skipped


def read_policy(path: Path) -> Policy | None:
    """policy.yaml, or None when there is none; a damaged one is an error (SigningError), never ignored:
    a verifier who wrote a policy must not silently get none."""
    if not os.path.lexists(path):
        return None
    if path.is_symlink() and not _inside(path, path.parent):
        raise SigningError(_("{path}: a symlink out of the trust directory; refused").format(path=path))
    try:
        raw = read_regular(path, POLICY_LIMIT)
    except OSError as exc:
        raise SigningError(_("cannot read {path}: {reason}").format(path=path, reason=exc.strerror or exc)) from None
    problems: list[Problem] = []
    text = decode_text(raw, str(path), problems)
    located = load_located(text, str(path), problems) if text is not None else None
    if located is None or problems:
        raise SigningError("; ".join(str(p) for p in problems) or _("{path}: not YAML").format(path=path))
    data = located.data if located.data is not None else {}
    if not isinstance(data, dict):
        raise SigningError(_("{path}: expected a mapping with {fields}").format(path=path,
                                                                               fields=", ".join(POLICY_FIELDS)))
    for key in data:
        if key not in POLICY_FIELDS:
            raise SigningError(_("{path}: unknown field '{field}' (known: {fields})").format(
                path=path, field=key, fields=", ".join(POLICY_FIELDS)))
    for key in ("required_roles", "attest_roles"):
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise SigningError(_("{path}: '{field}' must be a list of role names").format(path=path, field=key))
    for key in ("require_attested_runs", "distinct_people"):
        if not isinstance(data.get(key, False), bool):
            raise SigningError(_("{path}: '{field}' must be true or false").format(path=path, field=key))
    return Policy(tuple(data.get("required_roles", [])), data.get("require_attested_runs", False),
                  tuple(data.get("attest_roles", [])), data.get("distinct_people", False))


def policy_yaml(policy: Policy) -> str:
    """policy.yaml's text (JSON-style flow lists: a role name may hold any character)."""
    import json
    return ("# migready verifier policy: applied with the report's own, the strictest of both wins\n"
            f"required_roles: {json.dumps(list(policy.required_roles), ensure_ascii=False)}\n"
            f"require_attested_runs: {'true' if policy.require_attested_runs else 'false'}\n"
            f"attest_roles: {json.dumps(list(policy.attest_roles), ensure_ascii=False)}\n"
            f"distinct_people: {'true' if policy.distinct_people else 'false'}\n")


def missing_role_problems(trust: Trust, policy: Policy) -> list[Msg]:
    """A required role no usable key in the directory holds, when files were skipped: name them."""
    if not trust.skipped:
        return []
    return [Msg("no usable key of required role {role} in the trust directory; skipped: {skipped}",
                role=role, skipped="; ".join(trust.skipped))
            for role in policy.required_roles if role not in trust.roles()]
