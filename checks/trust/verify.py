"""`migready verify` answers one question: is this the report that was signed off, by people I trust?

Everything it states is recomputed; nothing written in the file is taken as
fact.  The verdict is judged again (`rejudge`): the signed content carries
the inventory as written and the review state (runs, marks, waivers,
attestations), and the review's own entry point (`review.verdict.review`,
the one that built the report) runs over them.  The file's `verdict`, its
counts, statuses and run list are compared with that and an edit is named.
The required roles are the strictest of the trust directory's policy
(`policy.yaml`, checks/trust/policy.py) and the content's: content can add
requirements, never remove them.  Sign-offs count as checks/trust/chain.py
judges them (the same judgement every report format shows); the chain head
is printed, and `--expect-head` compares it with the one in the ticket.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path

from ..inventory.load import inventory_from_bytes
from ..report.model import FORMAT, NON_CONTENT, content, content_digest
from ..review.verdict import review
from ..store.problems import InputError
from ..store.records import run_label
from ..store.workspace import FORMAT as WORKSPACE_FORMAT, SCHEMA_VERSION, Workspace, _validator, schema_valid
from ..text.i18n import Msg, _, shown
from .chain import gate, judge
from .policy import (DEFAULT_TRUST_DIR, TRUST_ENV, Policy, Trust, missing_role_problems, strictest,  # noqa: F401
                     trust_directory)
from .signing import CHAIN_GENESIS, SigningError, check_attestation, entry_hash, fingerprint, trusted_signer


@dataclass
class Verification:
    digest: str
    verdict: str  # recomputed from the evidence, held at NO-GO until every required role approved
    required_roles: list[str]
    # The lines below are said in the reader's language when they are made (verify prints them; nothing stores them).
    signed: list[str] = field(default_factory=list)  # one line per signature that counts
    awaiting: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # each reason it does not hold
    runs: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # said, but not a reason to fail (policy used, overrides)
    head: str = CHAIN_GENESIS
    length: int = 0
    evidence_head: str = ""
    runs_covered: int = 0
    attestation_head: str = CHAIN_GENESIS

    @property
    def holds(self) -> bool:
        return not self.problems and not self.awaiting


class NotAReport(ValueError):
    """Input that is not a migready JSON report at all (exit 2)."""


class EvidenceUnreadable(ValueError):
    """The signed evidence cannot be judged (malformed state or inventory); the text names the field (exit 2)."""


def trusted_keys(directory: Path) -> dict[str, dict]:
    """Kept for callers that want only the keys (see policy.load_trust for the directory's rules)."""
    from .policy import _keys
    return _keys(directory)[0]


# -- re-judging -----------------------------------------------------------------------------------


def _as_of(report: dict) -> _dt.date:
    """The date the report judged waivers on (`generated.as_of`; today when absent or odd).  Not signed,
    but the waiver statuses it gives are: a forged date changes them and the re-judged content differs."""
    try:
        return _dt.date.fromisoformat(str((report.get("generated") or {}).get("as_of")))
    except (ValueError, AttributeError):
        return _dt.date.today()


def rejudge(report: dict) -> dict | None:
    """The content recomputed from the evidence the signed content carries (None: it carries none, a
    report from before migready signed its evidence).  EvidenceUnreadable names a malformed field."""
    evidence = report.get("evidence")
    if evidence is None:
        return None
    if not isinstance(evidence, dict) or not isinstance(evidence.get("state"), dict) \
            or not isinstance(evidence.get("inventory"), dict):
        raise EvidenceUnreadable(_("'{field}' must be an object with inventory and state").format(field="evidence"))
    text = evidence["inventory"].get("text")
    if not isinstance(text, str):
        raise EvidenceUnreadable(_("'{field}' must be the inventory's text (the inventory changed while the "
                                   "report was made?)").format(field="evidence.inventory.text"))
    try:
        inventory = inventory_from_bytes(text.encode("utf-8"), "evidence.inventory.text", Path("/nonexistent"))
    except InputError as exc:
        raise EvidenceUnreadable("; ".join(str(p) for p in exc.problems[:3])) from None
    state = evidence["state"]
    for key in ("attestations", "discoveries"):  # review state the workspace schema leaves open: typed here
        value = state.get(key)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, dict) for v in value)):
            raise EvidenceUnreadable(_("'{field}' must be a list of objects").format(field=f"evidence.state.{key}"))
    data = {"format": WORKSPACE_FORMAT, "schema_version": SCHEMA_VERSION, "created": "",
            "inventory": state.get("inventory"), "flags": [], "runs": state.get("runs"), "marks": state.get("marks"),
            "waivers": state.get("waivers"), "signoffs": [], "events": [],
            "discoveries": state.get("discoveries"), "attestations": state.get("attestations")}
    if not schema_valid(data):  # the compiled check first; jsonschema only to name what is wrong
        for error in _validator().iter_errors(data):
            where = ".".join(str(p) for p in error.absolute_path)
            raise EvidenceUnreadable(_("{field}: {reason}").format(field=f"evidence.state.{where}",
                                                                   reason=error.message))
    finished = state.get("finished")
    if not isinstance(finished, dict) or not all(isinstance(v, str) for v in finished.values()):
        raise EvidenceUnreadable(_("'{field}' must map run ids to digests").format(field="evidence.state.finished"))
    for index, waiver in enumerate(data["waivers"]):
        try:
            _dt.date.fromisoformat(waiver["until"])
        except (ValueError, TypeError, KeyError):
            raise EvidenceUnreadable(_("{field}: not a real date").format(
                field=f"evidence.state.waivers[{index}].until")) from None
    data["events"] = [{"action": "probe-run-finished", "details": {"run": run, "digest": digest}}
                      for run, digest in finished.items()]
    workspace = Workspace("", data)
    today = _as_of(report)
    try:
        recomputed = content(inventory, workspace, review(inventory, workspace, today), today, inventory_text=text)
    except (TypeError, ValueError, KeyError, AttributeError, IndexError) as exc:
        raise EvidenceUnreadable(_("'{field}' cannot be judged ({error})").format(
            field="evidence.state", error=type(exc).__name__)) from None
    recomputed["evidence_head"] = report.get("evidence_head")  # the log itself is not in the report
    return recomputed


def _follows(report: dict, recomputed: dict, digest: str) -> bool:
    """Is the report's content the one its evidence gives?  Compared value for value first (one C-level
    `==` over the two trees, ~0.05 s at 10k items, where a second canonical digest took ~0.27 s of a
    verify that must stay under 2 s); only when that says no is the recomputed content hashed, since a
    tuple where the file has a list compares unequal yet hashes the same.  What `==` lets through and
    the digest would not: a number or boolean of another JSON type with an equal value (`1` for
    `true`, `2.0` for `2`).  Such a file is still exactly what its signers signed (the digest above is
    over the file's own bytes) and says nothing a reader could take differently, and every string
    (verdicts, states, ids, sentences) is compared exactly."""
    def signed(doc: dict) -> dict:
        return {k: v for k, v in doc.items() if k not in NON_CONTENT}
    return signed(report) == signed(recomputed) or content_digest(recomputed) == digest


def _first_difference(stated, recomputed, path: str = "") -> str:
    if isinstance(stated, dict) and isinstance(recomputed, dict):
        for key in sorted(set(stated) | set(recomputed), key=str):
            if stated.get(key) != recomputed.get(key):
                return _first_difference(stated.get(key), recomputed.get(key), f"{path}.{key}" if path else str(key))
    elif isinstance(stated, list) and isinstance(recomputed, list) and len(stated) == len(recomputed):
        for index, (a, b) in enumerate(zip(stated, recomputed)):
            if a != b:
                return _first_difference(a, b, f"{path}[{index}]")
    return path or "(the whole content)"


# -- verifying --------------------------------------------------------------------------------------


def verify_report(report: dict, trust: Trust | dict[str, dict], expect_head: str | None = None,
                  expect_attested: str | None = None) -> Verification:
    if not isinstance(trust, Trust):  # a plain key map (older callers)
        trust = Trust(None, keys=dict(trust))
    if not isinstance(report, dict) or report.get("format") != FORMAT:
        raise NotAReport(_("not a migready JSON report (migready report --format json)"))
    digest = content_digest(report)
    check = Verification(digest, "NO-GO", [])
    if report.get("digest") != digest:
        check.problems.append(_("the report states digest {stated}… but its content hashes to {digest}…: the content "
                                "was changed after the report was made").format(
                                    stated=str(report.get("digest"))[:16], digest=digest[:16]))
    recomputed = rejudge(report)
    if recomputed is None:
        check.problems.append(_("the signed content carries no evidence to judge (a report made before migready "
                                "signed it): regenerate it and sign it again"))
        recomputed = {k: report.get(k) for k in ("signoff_policy", "runs")}  # said, never enough to hold
        _shape_of_runs(recomputed["runs"])
    verdict = (recomputed.get("verdict") or {}).get("verdict")
    stated = (report.get("verdict") or {}).get("verdict") if isinstance(report.get("verdict"), dict) else None
    if recomputed:
        if stated != verdict:
            check.problems.append(_("the report states the verdict {stated}, but its signed evidence gives {verdict}: "
                                    "the verdict was edited").format(stated=repr(stated), verdict=verdict))
        elif not _follows(report, recomputed, digest):
            check.problems.append(_("the content does not follow from its evidence ({field} differs from what the "
                                    "evidence gives): edited").format(field=_first_difference(
                                        {k: report.get(k) for k in recomputed}, recomputed)))
    policy = strictest(Policy.of_content(recomputed.get("signoff_policy")), trust.policy)
    check.required_roles = list(policy.required_roles)
    check.notes.append(_("policy: {source}").format(source=trust.policy_source()))
    for line in trust.skipped:
        check.notes.append(_("skipped in the trust directory: {why}").format(why=line))
    if not check.required_roles:
        check.problems.append(_("neither the trust directory's policy nor the signed content names required "
                                "sign-off roles: regenerate the report, or write {file} (migready trust init)").format(
                                    file="policy.yaml"))
    section = report.get("signoff") if isinstance(report.get("signoff"), dict) else {}
    entries = section.get("entries") if isinstance(section.get("entries"), list) else []
    chain = judge(entries, digest, trust.keys)
    check.head, check.length = chain.head, chain.length
    attestors = _attestors(recomputed) if policy.distinct_people else None
    decided = gate(chain, check.required_roles, attestors)
    for j in chain.judged:
        entry = j.entry
        who = f"{entry.get('name')} ({entry.get('role')})"
        if j.counts:
            decision = {"approve": _("approve"), "reject": _("reject")}.get(entry.get("decision"),
                                                                            entry.get("decision"))
            check.signed.append(_("{decision} by {who}, key {fingerprint}, at {at}").format(
                decision=decision, who=who, fingerprint=fingerprint(entry["public_key"]), at=entry.get("signed_at"))
                + " " + _("(covers {runs} runs)").format(runs=entry.get("runs")))
        elif j.status == "replaced":
            check.notes.append(shown(j.problem))
        elif j.status == "untrusted":
            check.problems.append(_("untrusted signer: {who}, key {fingerprint}, is not in the trust directory").format(
                                        who=who, fingerprint=_safe_fingerprint(entry)))
        elif j.status == "stale":
            check.problems.append(_("signature by {who} is over other content ({digest}…)").format(
                who=who, digest=str(entry.get("digest"))[:12]))
        elif j.problem is not None:
            check.problems.append(shown(j.problem))
    check.notes += [shown(n) for n in decided.notes if n not in [j.problem for j in chain.judged]]
    for j in decided.overrides:
        check.notes.append(_("{name} ({role}) approved although the evidence says NO-GO, overriding: {reason}").format(
            name=j.entry.get("name"), role=j.entry.get("role"), reason=j.entry.get("override")))
    check.awaiting = list(decided.awaiting)
    check.problems += [shown(p) for p in missing_role_problems(trust, policy)]
    _check_runs(recomputed, policy, trust.keys, check)
    check.evidence_head = str((report.get("evidence_head") or {}).get("hash", "")) \
        if isinstance(report.get("evidence_head"), dict) else ""
    if expect_head is not None and expect_head != check.head:
        check.problems.append(_("the sign-off chain head is {head} ({n} entries), not the expected {expected}: "
                                "entries were dropped from its end, or added").format(
                                    head=check.head, n=check.length, expected=expect_head))
    if expect_attested is not None and expect_attested != check.attestation_head:
        check.problems.append(_("the attestation chain head is {head} ({n} runs covered), not the expected "
                                "{expected}: attested runs were cut from its end").format(
                                    head=check.attestation_head, n=check.runs_covered, expected=expect_attested))
    if verdict in ("GO", "GO WITH WAIVERS") and not check.awaiting and not decided.rejected and not check.problems:
        check.verdict = verdict
    for j in decided.rejected:
        check.problems.append(_("rejected by {who}").format(who=f"{j.entry.get('name')} ({j.entry.get('role')})"))
    return check


def _shape_of_runs(runs) -> None:
    """A report without evidence: its run list is shown, so it must have the types shown."""
    if runs is None:
        return
    if not isinstance(runs, list):
        raise EvidenceUnreadable(_("'{field}' must be a list").format(field="runs"))
    for index, run in enumerate(runs):
        if not isinstance(run, dict):
            raise EvidenceUnreadable(_("{field} must be an object").format(field=f"runs[{index}]"))
        for key in ("id", "phase", "host"):
            if run.get(key) is not None and not isinstance(run.get(key), str):
                raise EvidenceUnreadable(_("{field} must be a string").format(field=f"runs[{index}].{key}"))


def _safe_fingerprint(entry: dict) -> str:
    try:
        return fingerprint(entry["public_key"])
    except (KeyError, ValueError, TypeError):
        return "?"


def _attestors(recomputed: dict) -> set[str]:
    from ..report.model import attestors_of
    return attestors_of(recomputed)


def _check_runs(recomputed: dict, policy: Policy, trusted: dict[str, dict], check: Verification) -> None:
    """Runs as the re-judged content has them (never the file's run list)."""
    required = policy.require_attested_runs
    runs = recomputed.get("runs") or []
    check.runs_covered = len(runs)
    previous = CHAIN_GENESIS
    attestations = ((recomputed.get("evidence") or {}).get("state") or {}).get("attestations") or []
    for index, entry in enumerate(attestations):
        if isinstance(entry, dict) and entry.get("v") == 2 and entry.get("prev") != previous:
            check.problems.append(_("attestation {n} ({run}) does not chain to the one before it: an attestation "
                                    "was removed or reordered").format(n=index + 1, run=entry.get("run")))
        previous = entry_hash(entry) if isinstance(entry, dict) else previous
    for run in runs:
        label = shown(run_label(run))
        signed = (run.get("attestation") or {}).get("signed")
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
        if problem is None and policy.attest_roles and signed.get("role") not in policy.attest_roles:
            problem = _("{run} is attested by {name} ({role}), a role the policy does not accept for attesting "
                        "({roles})").format(run=label, name=signed.get("name"), role=signed.get("role"),
                                            roles=", ".join(r for r in policy.attest_roles if r != "\0none"))
        if problem:
            check.runs.append(_("{run}: attestation does not hold").format(run=label))
            if required or run.get("compared"):
                check.problems.append(problem)
        else:
            check.runs.append(_("{run}: attested by {name} ({role}), key {fingerprint}").format(
                run=label, name=signed.get("name"), role=signed.get("role"),
                fingerprint=fingerprint(signed["public_key"])))
    check.attestation_head = previous


def say_heads(check: Verification) -> list[str]:
    """What goes into the change ticket: no file can prove what was cut from its own end."""
    return [_("sign-off chain head {head} ({n} entries; record it in the change ticket and check it later with "
              "--expect-head)").format(head=check.head, n=check.length),
            _("evidence: {runs} runs covered, event-log head {head}, attestation chain head {attested}").format(
                runs=check.runs_covered, head=check.evidence_head or "?", attested=check.attestation_head)]


__all__ = ["DEFAULT_TRUST_DIR", "TRUST_ENV", "EvidenceUnreadable", "NotAReport", "SigningError", "Verification",
           "Msg", "rejudge", "say_heads", "trust_directory", "trusted_keys", "verify_report"]
