"""Required sign-off roles and who signed, from the report's sign-off section."""
from __future__ import annotations

from migready.checks.signing import fingerprint

from .. import style
from .table import Column, TableModel


def rows(section: dict) -> list[dict]:
    """One row per required role (signed or not), then sign-offs for other roles."""
    entries = section.get("entries") or []
    out, seen = [], set()
    for role in section.get("required_roles") or []:
        mine = [e for e in entries if e.get("role") == role]
        if not mine:
            out.append({"role": role, "required": True})
        for entry in mine:
            out.append(dict(entry, required=True))
            seen.add(id(entry))
    out += [dict(e, required=False) for e in entries if id(e) not in seen]
    return out


def status(row: dict) -> str:
    if "name" not in row:
        return "pending"
    if row.get("signature_valid") is False:
        return "fail"
    if not row.get("current"):
        return "inconclusive"
    return "pass" if row.get("decision") == "approve" else "fail"


def status_text(row: dict) -> str:
    if "name" not in row:
        return f"{style.label('pending')} awaiting"
    if row.get("signature_valid") is False:
        return f"{style.label('fail')} signature invalid"
    if not row.get("current"):
        return f"{style.symbol('inconclusive')} STALE (content changed)"
    return f"{style.label('pass')} counts" if row.get("decision") == "approve" else f"{style.label('fail')} rejected"


def _key(row: dict) -> str:
    if row.get("fingerprint"):
        return row["fingerprint"]
    try:
        return fingerprint(row["public_key"]) if row.get("public_key") else ""
    except ValueError:
        return "(malformed key)"


class SignoffModel(TableModel):
    columns = (
        Column("Role", lambda r: r["role"] + ("" if r["required"] else " (not required)")),
        Column("Status", status_text, state=status),
        Column("Signed by", lambda r: r.get("name") or "—"),
        Column("Decision", lambda r: r.get("decision") or ""),
        Column("When (UTC)", lambda r: (r.get("signed_at") or "").replace("T", " ").rstrip("Z")),
        Column("Key", _key, tip=lambda r: r.get("public_key") or None),
        Column("Comment", lambda r: r.get("comment") or ""),
    )
