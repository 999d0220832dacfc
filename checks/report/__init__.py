"""The go/no-go report: one model (`build_report`), five formats (`render`).

`render(report, fmt)` returns the file's bytes.  HTML, Markdown, JSON and
JUnit are pure Python; PDF goes through Qt (QTextDocument + QPdfWriter) and is
imported only when asked for, because `migready.checks` never imports Qt.
"""
from __future__ import annotations

from importlib import import_module

from ..text.i18n import _
from .model import NON_CONTENT, build_report, canonical_content, content_digest
from .signoff import DEFAULT_ROLES, final_verdict

FORMATS = ("html", "pdf", "json", "junit", "md")
EXTENSIONS = {"html": ".html", "pdf": ".pdf", "json": ".json", "junit": ".junit.xml", "md": ".md"}
_RENDERERS = {
    "html": "migready.checks.report.html",
    "md": "migready.checks.report.markdown",
    "json": "migready.checks.report.jsonfmt",
    "junit": "migready.checks.report.junit",
    "pdf": "migready.gui.report_pdf",  # Qt: imported lazily, only for PDF
}

__all__ = ["DEFAULT_ROLES", "EXTENSIONS", "FORMATS", "NON_CONTENT", "build_report", "canonical_content",
           "content_digest", "final_verdict", "render"]


def render(report: dict, fmt: str) -> bytes:
    """The report in one format, as the bytes of the file."""
    if fmt not in _RENDERERS:
        raise ValueError(_("unknown report format '{format}' (one of {formats})").format(
            format=fmt, formats=", ".join(FORMATS)))
    return import_module(_RENDERERS[fmt]).render(report)
