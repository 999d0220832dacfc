"""Which sign-offs count: one judgement, used by every report format, the window and `verify`.

Sign-offs form a chain: each (v3) signs the hash of the one before it, so an
entry dropped from the middle or moved breaks the chain, and then none of
them counts.  Dropping the *tail* leaves a shorter chain that is still whole;
no file can prove what is missing from its own end, so the head hash and the
length are printed for the change ticket (`verify --expect-head`).

A signer's latest entry is their decision: an earlier one by the same key is
shown as replaced (the log keeps both).  A signature counts only when it
holds, chains, is by a key of the trust directory under the name and role
that key was issued for, and is over the current content.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..text.i18n import Msg
from .signing import CHAIN_GENESIS, check_signature, entry_hash, trusted_signer

STATUSES = ("valid", "invalid", "broken", "untrusted", "stale", "replaced")


@dataclass
class Judged:
    entry: dict
    status: str  # one of STATUSES
    problem: Msg | None = None

    @property
    def counts(self) -> bool:
        return self.status == "valid"


@dataclass
class Chain:
    judged: list[Judged]
    head: str  # entry_hash of the last entry (CHAIN_GENESIS when there is none)
    length: int
    broken_at: int | None = None  # 1-based index of the first entry that does not chain


def judge(entries: list, digest: str, trusted: dict[str, dict] | None) -> Chain:
    """Each sign-off's standing.  `trusted` None means "no trust directory": no key is trusted."""
    trusted = trusted or {}
    judged: list[Judged] = []
    previous, broken_at = CHAIN_GENESIS, None
    latest: dict[str, int] = {}
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            judged.append(Judged({}, "invalid", Msg("a sign-off entry is not an object")))
            previous = None
            continue
        problem = check_signature(entry)
        if problem is None and entry.get("v") != 3:
            problem = Msg("sign-off by {name} ({role}) does not chain to the one before it (made by an older "
                          "migready): sign again", name=str(entry.get("name")), role=str(entry.get("role")))
        if problem is not None:
            judged.append(Judged(entry, "invalid", problem))
        elif entry.get("prev") != previous and broken_at is None:
            broken_at = index + 1
            judged.append(Judged(entry, "broken", Msg(
                "the sign-off chain is broken at entry {n} ({name}, {role}): an entry before it was removed or "
                "reordered", n=index + 1, name=str(entry.get("name")), role=str(entry.get("role")))))
        elif trusted_signer(trusted, entry) is None:
            judged.append(Judged(entry, "untrusted", Msg(
                "unverified: key not trusted ({name}, {role})", name=str(entry.get("name")),
                role=str(entry.get("role")))))
        elif entry.get("digest") != digest:
            judged.append(Judged(entry, "stale", Msg(
                "sign-off by {name} ({role}) is stale: it was made over content {signed}…, not the current "
                "{current}…", name=str(entry.get("name")), role=str(entry.get("role")),
                signed=str(entry.get("digest"))[:12], current=digest[:12])))
        else:
            judged.append(Judged(entry, "valid"))
        if problem is None:
            latest[entry.get("public_key")] = index
        previous = entry_hash(entry)
    if broken_at is not None:  # something was cut out: no entry of this chain can be relied on
        for j in judged:
            if j.status == "valid":
                j.status = "broken"
    for index, j in enumerate(judged):
        if j.status in ("valid", "stale", "untrusted") and latest.get(j.entry.get("public_key")) != index:
            j.status, j.problem = "replaced", Msg(
                "replaced by a later sign-off of {name} ({role})", name=str(j.entry.get("name")),
                role=str(j.entry.get("role")))
    head = entry_hash(entries[-1]) if entries and isinstance(entries[-1], dict) else CHAIN_GENESIS
    return Chain(judged, head, len(entries), broken_at)


@dataclass
class Gate:
    """What the sign-offs decide: approved roles, rejections, who is still awaited, notes."""

    approved: list[str]
    rejected: list[Judged]
    awaiting: list[str]
    overrides: list[Judged]
    notes: list[Msg]


def gate(chain: Chain, required: list[str], attestors: set[str] | None = None) -> Gate:
    """`attestors`: public keys and names that attested a compared run when the policy wants distinct
    people; their approvals do not count (one person may not both produce and accept the evidence)."""
    counting = [j for j in chain.judged if j.counts]
    notes: list[Msg] = []
    approved: list[str] = []
    for j in counting:
        if j.entry.get("decision") != "approve":
            continue
        if attestors and (j.entry.get("public_key") in attestors or j.entry.get("name") in attestors):
            notes.append(Msg("approval by {name} ({role}) does not count: they attested a compared run, and the "
                             "policy wants approvers and attestors to be different people",
                             name=str(j.entry.get("name")), role=str(j.entry.get("role"))))
            continue
        approved.append(j.entry.get("role"))
    rejected = [j for j in counting if j.entry.get("decision") == "reject"]
    rejected_roles = {j.entry.get("role") for j in rejected}
    # a role someone rejected is not "awaiting": saying both would contradict itself
    awaiting = [role for role in required if role not in approved and role not in rejected_roles]
    overrides = [j for j in counting if j.entry.get("decision") == "approve" and j.entry.get("override")]
    notes += [j.problem for j in chain.judged if j.problem is not None and j.status != "valid"]
    return Gate(approved, rejected, awaiting, overrides, notes)
