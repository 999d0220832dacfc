"""Required sign-off roles and who signed, from the report's sign-off section."""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from migready.checks.trust.signing import fingerprint

from .. import style
from .table import Column, TableModel
from .words import badge, word

translate = QCoreApplication.translate


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
        return translate("SignoffModel", "{state} awaiting").format(state=badge("pending"))
    if row.get("signature_valid") is False:
        return translate("SignoffModel", "{state} signature invalid").format(state=badge("fail"))
    if not row.get("current"):
        return translate("SignoffModel", "{symbol} STALE (content changed)").format(symbol=style.symbol("inconclusive"))
    if row.get("decision") == "approve":
        return translate("SignoffModel", "{state} counts").format(state=badge("pass"))
    return translate("SignoffModel", "{state} rejected").format(state=badge("fail"))


def _key(row: dict) -> str:
    if row.get("fingerprint"):
        return row["fingerprint"]
    try:
        return fingerprint(row["public_key"]) if row.get("public_key") else ""
    except ValueError:
        return translate("SignoffModel", "(malformed key)")


class SignoffModel(TableModel):
    columns = (
        Column(QT_TRANSLATE_NOOP("Column", "Role"),
               lambda r: r["role"] if r["required"] else
               translate("SignoffModel", "{role} (not required)").format(role=r["role"])),
        Column(QT_TRANSLATE_NOOP("Column", "Status"), status_text, state=status),
        Column(QT_TRANSLATE_NOOP("Column", "Signed by"), lambda r: r.get("name") or "—"),
        Column(QT_TRANSLATE_NOOP("Column", "Decision"), lambda r: word(r.get("decision") or "")),
        Column(QT_TRANSLATE_NOOP("Column", "When (UTC)"),
               lambda r: (r.get("signed_at") or "").replace("T", " ").rstrip("Z")),
        Column(QT_TRANSLATE_NOOP("Column", "Key"), _key, tip=lambda r: r.get("public_key") or None),
        Column(QT_TRANSLATE_NOOP("Column", "Comment"), lambda r: r.get("comment") or ""),
    )
