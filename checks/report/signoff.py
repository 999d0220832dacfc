"""The sign-off table of a report, and the verdict once sign-off is taken into account.

This section is left out of the signed content (model.NON_CONTENT): a
signature cannot cover itself, and adding a signature must not change what
the others signed.  A sign-off counts only when it was made over the current
content digest; one made over older content is shown as stale, so any change
after signing is visible.  GO and GO WITH WAIVERS need every required role
approved; otherwise the report says NO-GO with "awaiting sign-off: ROLE".

Signatures are checked here when the report is built (shown as valid,
invalid, untrusted or stale, as computed) and again by `migready verify`,
which trusts nothing outside the signed content.
"""
from __future__ import annotations

from typing import Callable

from ..text.i18n import N_, Msg, _
from ..trust.signing import trusted_signer

DEFAULT_ROLES = ["migration lead", "service owner", "network", "store operations"]
SHOWN = ("name", "role", "decision", "comment", "signed_at", "digest", "signature", "public_key",
         "key_id", "fingerprint")


def signoff_section(roles: list[str], signoffs: list[dict], digest: str, verdict: dict,
                    check_signature: Callable[[dict], str | None] | None = None,
                    trusted: dict[str, dict] | None = None) -> dict:
    """`check_signature(entry)` returns None when the signature holds, else why not
    (checks/trust/signing.py `check_signature` has that shape).  Each entry gets `status`, as computed:
    valid, invalid, untrusted (valid, but its key is not in `trusted`), or stale (over other content)."""
    required = list(roles) or list(DEFAULT_ROLES)
    entries = []
    for raw in signoffs:
        entry = {k: raw.get(k) for k in SHOWN if k in raw}
        if raw.get("v") is not None:
            entry["v"] = raw.get("v")
        entry["current"] = raw.get("digest") == digest
        if check_signature is not None:
            problem = check_signature(raw)
            entry["signature_valid"] = problem is None
            if problem:
                entry["signature_problem"] = problem
        if entry.get("signature_valid") is False:
            entry["status"] = "invalid"
        elif trusted is not None and trusted_signer(trusted, raw) is None:
            entry["status"] = "untrusted"
        elif not entry["current"]:
            entry["status"] = "stale"
        else:
            entry["status"] = "valid" if check_signature is not None else "unchecked"
        entries.append(entry)

    def counts(e: dict) -> bool:
        return e["current"] and e.get("signature_valid") is not False and e["status"] != "untrusted"

    approved = {e.get("role") for e in entries if counts(e) and e.get("decision") == "approve"}
    awaiting = [role for role in required if role not in approved]
    rejected = [e for e in entries if counts(e) and e.get("decision") == "reject"]
    # Msg: not signed (this section is NON_CONTENT), but shown in the reader's language like the content
    notes = [Msg("sign-off by {name} ({role}) is stale: it was made over content {signed}…, not the current "
                 "{current}…", name=str(e.get("name")), role=str(e.get("role")), signed=str(e.get("digest"))[:12],
                 current=digest[:12]) for e in entries if not e["current"]]
    notes += [e.get("signature_problem") or Msg("signature of {name} ({role}) does not verify",
                                                name=str(e.get("name")), role=str(e.get("role")))
              for e in entries if e.get("signature_valid") is False]

    gate = [Msg("rejected by {name} ({role}): {comment}", name=str(e.get("name")), role=str(e.get("role")),
                comment=e["comment"]) if e.get("comment") else
            Msg("rejected by {name} ({role})", name=str(e.get("name")), role=str(e.get("role")))
            for e in rejected] + [Msg("awaiting sign-off: {role}", role=role) for role in awaiting]
    if verdict["verdict"] == "NO-GO":
        final = {"verdict": "NO-GO", "reasons": list(verdict["reasons"]) + gate}
    elif gate:
        final = {"verdict": "NO-GO", "reasons": gate + list(verdict["reasons"])}
    else:
        final = {"verdict": verdict["verdict"], "reasons": list(verdict["reasons"])}
    return {"required_roles": required, "entries": entries, "awaiting": awaiting, "notes": notes,
            "final": final, "digest": digest}


SIGNATURE_WORDS = {
    "valid": N_("valid signature over this content"),
    "invalid": N_("INVALID SIGNATURE (does not count)"),
    "untrusted": N_("UNTRUSTED KEY (not in the trust directory; does not count)"),
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
