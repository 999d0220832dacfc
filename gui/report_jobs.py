"""Report, sign-off and export work for the Sign-off page, as plain functions run by workers."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from migready.checks.trust import signing
from migready.checks.store.atomic import atomic_write_bytes
from migready.checks.report import EXTENSIONS, build_report, render
from migready.checks.report.html import document_parts


PREVIEW_BUDGET = 150_000  # characters of HTML the preview lays out (on the UI thread) at most
PREVIEW_CUT = QT_TRANSLATE_NOOP("ReportPreview", "<b>The preview stops here, after {percent}% of the report.</b> Export it (HTML or PDF) to read all of it.")  # noqa: E501
_BOUNDARIES = ("</tr>", "</li>", "</p>", "</table>", "</div>")


def report_job(inventory, workspace) -> tuple[dict, str, list]:
    """The report (signatures checked), the HTML the preview shows and its root causes (all in the
    worker: grouping 16,000 items on the UI thread froze it)."""
    from migready.checks.review.root_causes import from_report

    from migready.checks.collector import paused as no_collection

    # ~10^6 new objects: collections during the build (and the generation-1 one after it that froze
    # the window ~300 ms) would hold the GIL over the whole heap; see checks/collector.py
    with no_collection():
        report = build_report(inventory, workspace)  # the trust directory `verify` reads
        html = preview_html(report)
        causes = from_report(report)
    return report, html, causes


def preview_html(report: dict, budget: int = PREVIEW_BUDGET) -> str:
    """The report's HTML (the variant QTextDocument lays out), cut after the sections that fit the budget:
    a 10,000-dependency report is 15 MB of HTML, which would freeze the window for a long time."""
    from .path_view import preview_paths
    head, sections = document_parts(report, variant="qt")
    body = "\n".join(sections)
    if len(body) <= budget:
        return preview_paths(head + "<body>\n" + body + "\n</body></html>\n", report)
    cut = max(body.rfind(tag, 0, budget) + len(tag) for tag in _BOUNDARIES)  # after a whole row, item, paragraph
    cut = cut if cut > budget // 2 else budget
    # a plain function run by a worker, no QObject: the context is named (lupdate extracts it under it)
    words = QCoreApplication.translate("ReportPreview", PREVIEW_CUT).format(percent=cut * 100 // len(body))
    note = f'<p style="page-break-before: always">{words}</p>'
    return preview_paths(head + "<body>\n" + body[:cut] + "</table></ul>" + note + "\n</body></html>\n", report)


def export_job(report: dict, fmt: str, path: str) -> str:
    atomic_write_bytes(Path(path), render(report, fmt), keep_backup=False)
    return path


def sign_job(workspace, inventory, key_path: str, passphrase: Optional[str], decision: str, comment: str,
             override: str = "", extra_role: bool = False) -> dict:
    """Sign the current content and record it (checks/actions.py `sign_off`, as `migready signoff` does, with
    its --override REASON and --extra-role), under the workspace's lock.  PassphraseRequired when the key is
    encrypted and no passphrase was given; the window asks for it by that type."""
    from migready.checks import actions
    signer = actions.open_signer(key_path, (lambda: passphrase.encode("utf-8")) if passphrase is not None else None)
    with workspace.changing():
        return actions.sign_off(workspace, inventory, signer, decision, comment, override=override,
                                extra_role=extra_role)


def keygen_job(name: str, role: str, path: str, passphrase: Optional[str]) -> str:
    return str(signing.keygen(name, role, Path(path), passphrase.encode("utf-8") if passphrase else None))


def suggested_name(workspace_path: str, fmt: str) -> str:
    name = Path(workspace_path).name
    for suffix in (".migready.json", ".json"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return str(Path(workspace_path).with_name(f"{name}.report{EXTENSIONS[fmt]}"))
