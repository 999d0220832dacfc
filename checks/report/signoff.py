"""The sign-off table of a report, and the verdict once sign-off is taken into account.

This section is left out of the signed content (model.NON_CONTENT): a
signature cannot cover itself, and adding a signature must not change what
the others signed.  A sign-off counts only when it was made over the current
content digest; one made over older content is shown as stale, so any change
after signing is visible.  GO and GO WITH WAIVERS need every required role
approved; otherwise the report says NO-GO with "awaiting sign-off: ROLE".

Signatures themselves are checked by `migready verify` (or the optional
`check_signature` callback); this module only reads what is recorded.
"""
from __future__ import annotations

from typing import Callable

DEFAULT_ROLES = ["migration lead", "service owner", "network", "store operations"]
SHOWN = ("name", "role", "decision", "comment", "signed_at", "digest", "signature", "public_key",
         "key_id", "fingerprint")


def signoff_section(roles: list[str], signoffs: list[dict], digest: str, verdict: dict,
                    check_signature: Callable[[dict], str | None] | None = None) -> dict:
    """`check_signature(entry)` returns None when the signature holds, else why not
    (checks/signing.py `check_signature` has that shape)."""
    required = list(roles) or list(DEFAULT_ROLES)
    entries = []
    for raw in signoffs:
        entry = {k: raw.get(k) for k in SHOWN if k in raw}
        entry["current"] = raw.get("digest") == digest
        if check_signature is not None:
            problem = check_signature(raw)
            entry["signature_valid"] = problem is None
            if problem:
                entry["signature_problem"] = problem
        entries.append(entry)

    def counts(e: dict) -> bool:
        return e["current"] and e.get("signature_valid") is not False

    approved = {e.get("role") for e in entries if counts(e) and e.get("decision") == "approve"}
    awaiting = [role for role in required if role not in approved]
    rejected = [e for e in entries if counts(e) and e.get("decision") == "reject"]
    notes = [f"sign-off by {e.get('name')} ({e.get('role')}) is stale: it was made over content "
             f"{str(e.get('digest'))[:12]}…, not the current {digest[:12]}…" for e in entries if not e["current"]]
    notes += [e.get("signature_problem") or f"signature of {e.get('name')} ({e.get('role')}) does not verify"
              for e in entries if e.get("signature_valid") is False]

    gate = [f"rejected by {e.get('name')} ({e.get('role')})" + (f": {e['comment']}" if e.get("comment") else "")
            for e in rejected] + [f"awaiting sign-off: {role}" for role in awaiting]
    if verdict["verdict"] == "NO-GO":
        final = {"verdict": "NO-GO", "reasons": list(verdict["reasons"]) + gate}
    elif gate:
        final = {"verdict": "NO-GO", "reasons": gate + list(verdict["reasons"])}
    else:
        final = {"verdict": verdict["verdict"], "reasons": list(verdict["reasons"])}
    return {"required_roles": required, "entries": entries, "awaiting": awaiting, "notes": notes,
            "final": final, "digest": digest}


def final_verdict(report: dict) -> dict:
    """What the banner shows: the verdict after sign-off, falling back to the evidence verdict."""
    section = report.get("signoff") or {}
    return section.get("final") or {"verdict": report["verdict"]["verdict"], "reasons": report["verdict"]["reasons"]}
