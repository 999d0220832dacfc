"""The sign-off table of a report, and the verdict once sign-off is taken into account.

This section is left out of the signed content (model.NON_CONTENT): a
signature cannot cover itself, and adding a signature must not change what
the others signed.  Which sign-offs count is judged once, in
checks/trust/chain.py, for every format, the window and `verify`: a
signature counts only when it holds, chains to the one before, is by a key of
the trust directory (the same one `verify` reads: `--trust`, else
$MIGREADY_TRUST_DIR, else ~/.config/migready/trust) and is over the current
content; a signer's latest entry is their decision.  GO and GO WITH WAIVERS
need every required role approved (the strictest of the inventory's and the
trust directory's policy); otherwise the report says NO-GO.
"""
from __future__ import annotations

from ..text.i18n import N_, Msg, _
from ..trust.chain import gate, judge
from ..trust.policy import Policy, Trust, strictest

DEFAULT_ROLES = ["migration lead", "service owner", "network", "store operations"]
SHOWN = ("name", "role", "decision", "comment", "signed_at", "digest", "signature", "public_key",
         "key_id", "fingerprint", "prev", "runs", "override", "extra_role")


def required_roles(content_policy: dict, trust: Trust | None) -> list[str]:
    """The roles that must approve: the content's, and the trust directory policy's (strictest of both)."""
    policy = strictest(Policy.of_content(content_policy), trust.policy if trust else None)
    return list(policy.required_roles) or list(DEFAULT_ROLES)


def signoff_section(content_policy: dict, signoffs: list[dict], digest: str, verdict: dict,
                    trust: Trust | None = None, attestors: set[str] | None = None) -> dict:
    """Each entry gets `status`, as judged (trust/chain.py): valid, invalid, broken, untrusted ("unverified:
    key not trusted"), stale or replaced.  `trust` None: no trust directory, so no key is trusted."""
    policy = strictest(Policy.of_content(content_policy), trust.policy if trust else None)
    required = list(policy.required_roles) or list(DEFAULT_ROLES)
    chain = judge(list(signoffs), digest, trust.keys if trust else None)
    entries = []
    for j in chain.judged:
        raw = j.entry
        entry = {k: raw.get(k) for k in SHOWN if k in raw}
        if raw.get("v") is not None:
            entry["v"] = raw.get("v")
        entry["current"] = raw.get("digest") == digest
        entry["signature_valid"] = j.status not in ("invalid",)
        entry["status"] = j.status
        if j.problem is not None:
            entry["signature_problem" if j.status == "invalid" else "problem"] = j.problem
        entries.append(entry)
    decided = gate(chain, required, attestors if policy.distinct_people else None)
    notes = list(decided.notes)
    if trust is not None and trust.directory is None and signoffs:
        notes.append(Msg("no trust directory: no signature can be verified (give --trust DIR or set "
                         "MIGREADY_TRUST_DIR)"))
    notes += [Msg("{name} ({role}) approved although the evidence says NO-GO, overriding: {reason}",
                  name=str(j.entry.get("name")), role=str(j.entry.get("role")), reason=str(j.entry.get("override")))
              for j in decided.overrides]
    gate_lines = [Msg("rejected by {name} ({role}): {comment}", name=str(j.entry.get("name")),
                      role=str(j.entry.get("role")), comment=j.entry["comment"]) if j.entry.get("comment") else
                  Msg("rejected by {name} ({role})", name=str(j.entry.get("name")), role=str(j.entry.get("role")))
                  for j in decided.rejected] + [Msg("awaiting sign-off: {role}", role=role)
                                                for role in decided.awaiting]
    if verdict["verdict"] == "NO-GO":
        final = {"verdict": "NO-GO", "reasons": list(verdict["reasons"]) + gate_lines}
    elif gate_lines:
        final = {"verdict": "NO-GO", "reasons": gate_lines + list(verdict["reasons"])}
    else:
        final = {"verdict": verdict["verdict"], "reasons": list(verdict["reasons"])}
    return {"required_roles": required, "entries": entries, "awaiting": decided.awaiting, "notes": notes,
            "final": final, "digest": digest, "chain": {"head": chain.head, "length": chain.length},
            "policy": policy.to_dict()}


SIGNATURE_WORDS = {
    "valid": N_("valid signature over this content"),
    "invalid": N_("INVALID SIGNATURE (does not count)"),
    "untrusted": N_("unverified: key not trusted (not in the trust directory; does not count)"),
    "broken": N_("CHAIN BROKEN (an entry before it was removed or reordered; does not count)"),
    "replaced": N_("replaced by the signer's later sign-off (does not count)"),
    "unchecked": N_("not checked"),
}


def signature_text(entry: dict) -> str:
    """How every format names a sign-off's signature: as computed when the report was built."""
    status = entry.get("status") or ("invalid" if entry.get("signature_valid") is False else "unchecked")
    if status == "stale":
        return _("STALE: signed other content ({digest}…; does not count)").format(
            digest=str(entry.get("digest"))[:12])
    word = SIGNATURE_WORDS.get(status)
    return _(word) if word is not None else status


def final_verdict(report: dict) -> dict:
    """What the banner shows: the verdict after sign-off, falling back to the evidence verdict."""
    section = report.get("signoff") or {}
    return section.get("final") or {"verdict": report["verdict"]["verdict"], "reasons": report["verdict"]["reasons"]}
