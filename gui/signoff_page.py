"""Step 7: sign-off and the report — who must sign, who did, the report itself, exports.

The report is built by the core (`checks.report.build_report`) in a worker
whenever the review changes; the preview shows its HTML; signing loads a key
file (asking for its passphrase when it has one) and signs the content
digest the preview shows; exports write HTML, PDF, JSON, JUnit or Markdown.
"""
from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QHBoxLayout, QMenu, QPushButton, QSplitter, QTextBrowser, QToolButton, QVBoxLayout,
                               QWidget)

from migready.checks.text.i18n import shown
from migready.checks.report import FORMATS, final_verdict
from migready.checks.actions import ActionError, PassphraseRequired
from migready.checks.trust.signing import SigningError

from . import report_jobs, style
from .i18n import said
from .models.signoff import SignoffModel, rows
from .page import Page, heading, table_view

FORMAT_NAMES = {"html": "HTML", "pdf": "PDF", "json": "JSON", "junit": "JUnit", "md": "Markdown"}
FILTERS = {"html": "HTML (*.html)", "pdf": "PDF (*.pdf)", "json": "JSON (*.json)", "junit": "JUnit XML (*.xml)",
           "md": "Markdown (*.md)"}


class SignoffPage(Page):
    key, title = "signoff", "Sign-off & Report"

    def __init__(self, session, interaction, parent=None):
        super().__init__(session, interaction, parent)
        self.report = None
        self.stale = True
        self.last_key = ""
        self.summary = heading(self.tr("The report appears once an inventory is open."))
        self.model = SignoffModel(parent=self)
        self.table = table_view(self.model, {0: 190, 1: 200, 2: 150, 3: 80, 4: 180, 5: 140})
        self.table.setObjectName("signoff-table")
        self.persist("table", self.table)
        self.sign_button = QPushButton(self.tr("Sign with key file…"))
        self.sign_button.clicked.connect(self.ask_sign)
        self.key_button = QPushButton(self.tr("New signing key…"))
        self.key_button.clicked.connect(self.ask_keygen)
        self.export_button = QToolButton()
        self.export_button.setText(self.tr("Export report ▾"))
        self.export_button.setToolButtonStyle(Qt.ToolButtonTextOnly)
        self.export_button.setPopupMode(QToolButton.InstantPopup)
        export_menu = QMenu(self.export_button)
        self.export_actions = {}
        for fmt in FORMATS:
            action = export_menu.addAction(f"{FORMAT_NAMES.get(fmt, fmt)}…")
            action.triggered.connect(lambda _=False, f=fmt: self.ask_export(f))
            self.export_actions[fmt] = action
        self.export_button.setMenu(export_menu)
        actions = QHBoxLayout()
        actions.addWidget(self.sign_button)
        actions.addWidget(self.key_button)
        actions.addStretch(1)
        actions.addWidget(self.export_button)
        self.preview = QTextBrowser()
        self.preview.setObjectName("report-preview")
        self._html = ""
        self._paper()
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.table)
        top_layout.addLayout(actions)
        split = QSplitter(Qt.Vertical)
        split.addWidget(top)
        split.addWidget(self.preview)
        split.setSizes([220, 420])
        self.persist("split", split)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        session.review_changed.connect(self.rebuild)
        session.workspace_changed.connect(self._mark_stale)
        self._enable()

    # -- the report ---------------------------------------------------------------------------

    def _mark_stale(self) -> None:
        self.stale = True
        self._enable()

    def activate(self) -> None:
        if self.stale:
            self.rebuild()

    def rebuild(self) -> None:
        """Build the report in a worker; only while the page is shown (a big report takes seconds)."""
        s = self.session
        if s.inventory is None or s.workspace is None:
            self.report, self.stale = None, True
            self._enable()
            return
        self.stale = True
        self._enable()
        if not self.isVisible():
            return  # activate() builds it when the page is shown
        s.runner.start(report_jobs.report_job, s.inventory, s.workspace, key="report", on_done=self._built,
                       on_error=lambda exc: s.unexpected(self.tr("Cannot build the report"), exc))

    def _built(self, result) -> None:
        self.report, html, self.causes = result
        self.stale = False
        section = self.report.get("signoff") or {}
        self.model.set_rows(rows(section))
        final = final_verdict(self.report)
        awaiting = section.get("awaiting") or []
        notes = "".join(f"<br>⚠ {escape(shown(n))}" for n in section.get("notes") or [])
        from migready.checks.review.root_causes import tally_text
        self.summary.setText(
            self.tr("<b>Report verdict: {verdict}</b>: {tally} (evidence says {evidence}) · content digest "
                    "<tt>{digest}…</tt>").format(
                verdict=escape(style.label(final["verdict"])), tally=escape(shown(tally_text(self.causes))),
                evidence=escape(style.word(self.report["verdict"]["verdict"])), digest=self.report["digest"][:16])
            + ("<br>" + self.tr("Awaiting sign-off: {roles}").format(roles=escape(", ".join(awaiting)))
               if awaiting else "<br>" + self.tr("Every required role signed."))
            + notes)
        self._html = html
        self._show_preview()
        self._enable()
        update = getattr(self.window(), "update_steps", None)
        if update is not None:
            update()  # the rail's Sign-off step now knows who is still awaited

    def _paper(self) -> None:
        """The preview follows the palette: a light page, or the same page in dark ink-on-slate."""
        dark = style.is_dark()
        bg, fg = ("#1e1f22", "#e6e6e6") if dark else ("#ffffff", "#000000")
        self.preview.setStyleSheet(f"QTextBrowser#report-preview {{ background: {bg}; color: {fg}; }}")

    def _show_preview(self) -> None:
        scroll = self.preview.verticalScrollBar().value()
        self.preview.setHtml(dark_report(self._html) if style.is_dark() else self._html)
        self.preview.verticalScrollBar().setValue(scroll)

    def palette_changed(self) -> None:
        super().palette_changed()
        self._paper()
        if self._html:
            self._show_preview()

    def _enable(self) -> None:
        ready = self.report is not None and not self.stale
        self.sign_button.setEnabled(ready)
        self.export_button.setEnabled(ready)
        self.key_button.setEnabled(True)

    # -- signing ---------------------------------------------------------------------------

    def ask_sign(self) -> None:
        if self.report is None or self.stale:
            return
        # the evidence's verdict, not the final one (NO-GO while roles are awaited): approving NO-GO evidence is
        # what takes an override reason (actions.sign_off)
        answer = self.interaction.sign(self.report["digest"], self.report["verdict"]["verdict"], self.last_key)
        if answer is not None:
            self.sign(answer.key_path, answer.decision, answer.comment, answer.passphrase, answer.override,
                      answer.extra_role)

    def sign(self, key_path: str, decision: str, comment: str, passphrase: str | None = None,
             override: str | None = None, extra_role: bool = False) -> None:
        """Sign through the core's use case (checks/actions.py `sign_off`), in a worker: the same rules as
        `migready signoff` (the content signed is the one stored, chained to the sign-off before it; approving
        a NO-GO needs the override reason, a role the policy does not require needs `extra_role`).  The
        dialog always gives `override`; a caller that gives none (the screenshot tool) has its comment taken
        as the reason."""
        self.last_key = key_path
        s = self.session
        if s.inventory is None or s.workspace is None:
            return
        override = comment if override is None else override
        s.runner.start(
            report_jobs.sign_job, s.workspace, s.inventory, key_path, passphrase, decision, comment, override,
            extra_role, on_done=self._signed,
            on_error=lambda exc: self._sign_failed(exc, key_path, decision, comment, passphrase, override,
                                                   extra_role))

    def _sign_failed(self, exc, key_path, decision, comment, passphrase, override="", extra_role=False) -> None:
        if isinstance(exc, PassphraseRequired) and passphrase is None:  # by its type: the text is translated
            secret = self.interaction.secret(self.tr("Passphrase for {path}:").format(path=key_path))
            if secret is not None:
                self.sign(key_path, decision, comment, secret, override, extra_role)
            return
        if isinstance(exc, (SigningError, ActionError)):
            self.session.error.emit(self.tr("Not signed"), said(exc))
        else:
            self.session.unexpected(self.tr("Not signed"), exc)

    def _signed(self, entry: dict) -> None:
        if self.session.workspace is None:
            return
        decision = {"approve": self.tr("approve"), "reject": self.tr("reject")}.get(entry["decision"],
                                                                                    entry["decision"])
        self.session.message.emit(self.tr("Signed by {name} ({role}): {decision}").format(
            name=entry["name"], role=entry["role"], decision=decision))
        self.session.changed("signoff")

    def ask_keygen(self) -> None:
        roles = list(self.report["signoff"]["required_roles"]) if self.report else []
        answer = self.interaction.new_key(roles, self.session.default_name())
        if answer is None:
            return
        self.session.runner.start(
            report_jobs.keygen_job, answer.name, answer.role, answer.path, answer.passphrase,
            on_done=lambda pub: (setattr(self, "last_key", answer.path),
                                 self.session.message.emit(self.tr("Key written: {path} (public part {pub})").format(
                                     path=answer.path, pub=pub))),
            on_error=lambda exc: self.session.error.emit(self.tr("No key made"), said(exc)))

    # -- exporting -------------------------------------------------------------------------

    def ask_export(self, fmt: str) -> None:
        if self.report is None:
            return
        path = self.interaction.save_file(self.tr("Export the report as {format}").format(
                                              format=FORMAT_NAMES.get(fmt, fmt)), FILTERS[fmt],
                                          report_jobs.suggested_name(str(self.session.workspace.path), fmt))
        if path:
            self.export(fmt, path)

    def export(self, fmt: str, path: str) -> None:
        self.session.message.emit(self.tr("Writing {path}…").format(path=path))
        self.session.runner.start(report_jobs.export_job, self.report, fmt, path,
                                  on_done=lambda p: self.session.message.emit(
                                      self.tr("Report written: {path}").format(path=p)),
                                  on_error=lambda exc: self.session.error.emit(
                                      self.tr("Report not written"),
                                      f"{path}: {getattr(exc, 'strerror', None) or said(exc)}"))


if __name__ == "__main__":
    import sys

    from .standalone import run
    sys.exit(run(SignoffPage))


# The report's own colours (resources/report/report-qt.css) and their dark-palette counterparts.
DARK_REPORT = {"#111111": "#e6e6e6", "#eef1f5": "#2f3338", "#e4e7eb": "#3a3d42", "#444444": "#b0b0b0",
               "#555555": "#a8a8a8", "#fffbe6": "#4a4220", "#dff3e4": "#1f4d2b",
               "#fbd9dd": "#5c1f24", "#fff1c2": "#5a4a12", "#e6e0f5": "#3d2d5c", "#eeeeee": "#3a3a3a",
               "#f3f4f6": "#26282c"}


def dark_report(html: str) -> str:
    """The preview HTML with the report's light colours swapped for dark ones (the export is unchanged)."""
    import re
    return re.sub("|".join(map(re.escape, DARK_REPORT)), lambda m: DARK_REPORT[m.group(0)], html)
