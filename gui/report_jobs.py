"""Report, sign-off and export work for the Sign-off page, as plain functions run by workers."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from migready.checks import signing
from migready.checks.atomic import atomic_write_bytes
from migready.checks.report import EXTENSIONS, build_report, render
from migready.checks.report.html import render_html


def report_job(inventory, workspace) -> tuple[dict, str]:
    """The report (signatures checked) and the HTML the preview shows."""
    report = build_report(inventory, workspace, check_signature=signing.check_signature)
    return report, render_html(report, variant="qt")  # the variant QTextDocument (the preview) lays out


def export_job(report: dict, fmt: str, path: str) -> str:
    atomic_write_bytes(Path(path), render(report, fmt), keep_backup=False)
    return path


def sign_job(key_path: str, passphrase: Optional[str], digest: str, decision: str, comment: str) -> dict:
    """A signed sign-off entry; SigningError (its text says why) when the key cannot be used."""
    signer = signing.load_signer(Path(key_path), passphrase.encode("utf-8") if passphrase is not None else None)
    return signing.sign(signer, digest, decision, comment)


def keygen_job(name: str, role: str, path: str, passphrase: Optional[str]) -> str:
    return str(signing.keygen(name, role, Path(path), passphrase.encode("utf-8") if passphrase else None))


def record_signoff(workspace, entry: dict) -> None:
    """Store a sign-off and log it, exactly as `migready signoff` (checks/cli_sign.py) does."""
    workspace.log(entry["name"], "signoff", signoff=entry)
    workspace.data["signoffs"].append(entry)


def suggested_name(workspace_path: str, fmt: str) -> str:
    name = Path(workspace_path).name
    for suffix in (".migready.json", ".json"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return str(Path(workspace_path).with_name(f"{name}.report{EXTENSIONS[fmt]}"))
