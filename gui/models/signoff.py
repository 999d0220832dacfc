"""Required sign-off roles and who signed, from the report's sign-off section.

Each row says how its signature stands as the core judged it (checks/trust/chain.py, the judgement
`verify` and every report format use): counts, rejected, awaiting, stale, and the states only an
attacker or a mistake produce: unverified (a key not in the trust directory), replaced by the signer's
later sign-off, a broken chain (an entry before it removed or moved), an invalid signature.  A row
that does not count never shows as counting."""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from migready.checks.text.i18n import shown
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


# How each sign-off stands, as checks/trust/chain.py judged it (the report's `status`): the same judgement
# `verify` and every report format show.  Only "valid" can count.
NOT_COUNTING = ("invalid", "broken", "untrusted")  # red: the signature is not one to rely on
SUPERSEDED = ("replaced", "stale")  # grey: it was right once, it is not the decision now


def status(row: dict) -> str:
    if "name" not in row:
        return "pending"
    judged = row.get("status")
    if judged in NOT_COUNTING or row.get("signature_valid") is False:
        return "fail"
    if judged in SUPERSEDED or not row.get("current"):
        return "inconclusive"
    return "pass" if row.get("decision") == "approve" else "fail"


def status_text(row: dict) -> str:
    judged = row.get("status")
    if "name" not in row:
        return translate("SignoffModel", "{state} awaiting").format(state=badge("pending"))
    if judged == "invalid" or row.get("signature_valid") is False:
        return translate("SignoffModel", "{state} signature invalid").format(state=badge("fail"))
    if judged == "untrusted":
        return translate("SignoffModel", "{state} unverified: key not trusted (does not count)").format(
            state=badge("fail"))
    if judged == "broken":
        return translate("SignoffModel", "{state} chain broken: a sign-off before it was removed or moved "
                                         "(does not count)").format(state=badge("fail"))
    if judged == "replaced":
        return translate("SignoffModel", "{symbol} replaced by the signer's later sign-off").format(
            symbol=style.symbol("inconclusive"))
    if judged == "stale" or not row.get("current"):
        return translate("SignoffModel", "{symbol} STALE (content changed)").format(symbol=style.symbol("inconclusive"))
    if row.get("decision") == "approve":
        return translate("SignoffModel", "{state} counts").format(state=badge("pass"))
    return translate("SignoffModel", "{state} rejected").format(state=badge("fail"))


def status_tip(row: dict) -> str | None:
    """Why, in the core's words (the entry's problem as the chain judgement put it)."""
    problem = row.get("problem") or row.get("signature_problem")
    return shown(problem) if problem else None


def decision_text(row: dict) -> str:
    """The decision, and an approval given against NO-GO evidence with its reason (every report says it too)."""
    decided = word(row.get("decision") or "")
    if row.get("override"):
        return translate("SignoffModel", "{decision}, overriding NO-GO: {reason}").format(
            decision=decided, reason=row["override"])
    return decided


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
        Column(QT_TRANSLATE_NOOP("Column", "Status"), status_text, state=status, tip=status_tip),
        Column(QT_TRANSLATE_NOOP("Column", "Signed by"), lambda r: r.get("name") or "—"),
        Column(QT_TRANSLATE_NOOP("Column", "Decision"), decision_text),
        Column(QT_TRANSLATE_NOOP("Column", "When (UTC)"),
               lambda r: (r.get("signed_at") or "").replace("T", " ").rstrip("Z")),
        Column(QT_TRANSLATE_NOOP("Column", "Key"), _key, tip=lambda r: r.get("public_key") or None),
        Column(QT_TRANSLATE_NOOP("Column", "Comment"), lambda r: r.get("comment") or ""),
    )
