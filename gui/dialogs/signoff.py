"""Sign the report with a key file (approve or reject, with a comment), or make a new key.

Keys are encrypted with a passphrase unless the person says otherwise (as `migready keygen`):
the sign dialog asks for the passphrase as soon as the chosen key file is an encrypted one.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
                               QHBoxLayout, QLabel, QLineEdit, QPushButton, QRadioButton, QVBoxLayout, QWidget)

from migready.checks.text.labels import label
from migready.checks.trust.signing import key_is_encrypted


@dataclass
class SignRequest:
    key_path: str
    decision: str  # approve | reject
    comment: str
    passphrase: Optional[str] = None  # asked only for an encrypted key
    override: str = ""  # why approve although the evidence says NO-GO (migready signoff --override)
    extra_role: bool = False  # sign with a role the policy does not require (migready signoff --extra-role)


@dataclass
class KeyRequest:
    name: str
    role: str
    path: str
    passphrase: Optional[str]


def _path_row(edit: QLineEdit, browse) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(edit, 1)
    button = QPushButton(QCoreApplication.translate("SignDialog", "Browse…"))
    button.clicked.connect(browse)
    layout.addWidget(button)
    return row


class SignDialog(QDialog):
    def __init__(self, digest: str, verdict: str, key_path: str = "", parent=None):
        super().__init__(parent)
        self.verdict = verdict
        self.setWindowTitle(self.tr("Sign the report"))
        intro = QLabel(self.tr("You sign the report's content as it is now: verdict <b>{verdict}</b>, content "
                               "digest <tt>{digest}…</tt>. Any later change (a run, a mark, a waiver) makes this "
                               "signature stale, visibly.").format(verdict=label("verdict", verdict),
                                                                   digest=digest[:16]))
        intro.setWordWrap(True)
        self.key = QLineEdit(key_path)
        self.key.setPlaceholderText(self.tr("private key made by `migready keygen` (its .pub must sit next to it)"))
        self.approve = QRadioButton(self.tr("Approve (go)"))
        self.reject_ = QRadioButton(self.tr("Reject (no go)"))
        self.approve.setChecked(True)
        self.comment = QLineEdit()
        self.comment.setPlaceholderText(self.tr("optional; say why when you reject"))
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.Password)
        self.passphrase.setPlaceholderText(self.tr("the key is encrypted"))
        self.passphrase_label = QLabel(self.tr("Passphrase:"))
        # the same rules as `migready signoff`: approving NO-GO evidence takes a reason every report shows,
        # and a role the policy does not require is refused unless the signer says it is on purpose
        self.override = QLineEdit()
        self.override.setObjectName("override-reason")
        self.override.setPlaceholderText(self.tr("required: the evidence says NO-GO; why approve anyway "
                                                 "(every report shows it)"))
        self.override_label = QLabel(self.tr("Override reason:"))
        self.extra_role = QCheckBox(self.tr("Sign as an extra role the policy does not require (--extra-role)"))
        self.extra_role.setObjectName("extra-role")
        form = QFormLayout()
        form.addRow(self.tr("Key file:"), _path_row(self.key, self._browse))
        form.addRow(self.passphrase_label, self.passphrase)
        form.addRow(self.tr("Decision:"), self.approve)
        form.addRow("", self.reject_)
        form.addRow(self.tr("Comment:"), self.comment)
        form.addRow(self.override_label, self.override)
        form.addRow("", self.extra_role)
        self.box = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.box.button(QDialogButtonBox.Ok).setText(self.tr("Sign"))
        self.box.accepted.connect(self.accept)
        self.box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.box)
        self.key.textChanged.connect(self._check)
        self.passphrase.textChanged.connect(self._check)
        self.override.textChanged.connect(self._check)
        self.approve.toggled.connect(self._check)
        self._check()
        self.setMinimumWidth(560)

    def _browse(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, self.tr("Private key"), self.key.text(),
                                                    self.tr("All files (*)"))
        if path:
            self.key.setText(path)

    def needs_passphrase(self) -> bool:
        path = self.key.text().strip()
        return bool(path) and key_is_encrypted(path)

    def needs_override(self) -> bool:
        return self.verdict == "NO-GO" and self.approve.isChecked()

    def _check(self) -> None:
        encrypted = self.needs_passphrase()
        self.passphrase.setVisible(encrypted)
        self.passphrase_label.setVisible(encrypted)
        override = self.needs_override()
        self.override.setVisible(override)
        self.override_label.setVisible(override)
        self.box.button(QDialogButtonBox.Ok).setEnabled(
            bool(self.key.text().strip()) and (not encrypted or bool(self.passphrase.text()))
            and (not override or bool(self.override.text().strip())))

    def set_values(self, key_path: str | None = None, decision: str | None = None, comment: str | None = None,
                   passphrase: str | None = None, override: str | None = None, extra_role: bool | None = None):
        if override is not None:
            self.override.setText(override)
        if extra_role is not None:
            self.extra_role.setChecked(extra_role)
        if passphrase is not None:
            self.passphrase.setText(passphrase)
        if key_path is not None:
            self.key.setText(key_path)
        if decision is not None:
            (self.approve if decision == "approve" else self.reject_).setChecked(True)
        if comment is not None:
            self.comment.setText(comment)

    def request(self) -> SignRequest:
        return SignRequest(self.key.text().strip(), "approve" if self.approve.isChecked() else "reject",
                           self.comment.text().strip(),
                           self.passphrase.text() if self.needs_passphrase() else None,
                           self.override.text().strip() if self.needs_override() else "",
                           self.extra_role.isChecked())


class KeyDialog(QDialog):
    def __init__(self, roles: list[str], default_name: str = "", parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("New signing key"))
        intro = QLabel(self.tr("An Ed25519 key pair for signing reports. The private key stays with you; the .pub "
                               "file next to it carries your name and role and is what others use to verify."))
        intro.setWordWrap(True)
        self.name = QLineEdit(default_name)
        self.role = QComboBox()
        self.role.setEditable(True)
        self.role.addItems(roles)
        self.path = QLineEdit()
        self.path.setPlaceholderText(self.tr("where to write the private key"))
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.Password)
        self.passphrase.setPlaceholderText(self.tr("protects the key if the file is copied"))
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.Password)
        self.unencrypted = QCheckBox(self.tr("No passphrase (only for a key kept in a secret store, e.g. for CI)"))
        self.hint = QLabel()
        form = QFormLayout()
        form.addRow(self.tr("Your name:"), self.name)
        form.addRow(self.tr("Role:"), self.role)
        form.addRow(self.tr("Key file:"), _path_row(self.path, self._browse))
        form.addRow(self.tr("Passphrase:"), self.passphrase)
        form.addRow(self.tr("Again:"), self.again)
        form.addRow("", self.unencrypted)
        self.box = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.box.button(QDialogButtonBox.Ok).setText(self.tr("Create key"))
        self.box.accepted.connect(self.accept)
        self.box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.box)
        for edit in (self.name, self.path, self.passphrase, self.again):
            edit.textChanged.connect(self._check)
        self.role.currentTextChanged.connect(self._check)
        self.unencrypted.toggled.connect(self._check)
        self._check()
        self.setMinimumWidth(520)

    def _browse(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(self, self.tr("Private key"), self.path.text(),
                                                    self.tr("All files (*)"))
        if path:
            self.path.setText(path)

    def _check(self) -> None:
        missing = [w for w, ok in ((self.tr("your name"), self.name.text().strip()),
                                   (self.tr("a role"), self.role.currentText().strip()),
                                   (self.tr("a key file"), self.path.text().strip())) if not ok]
        plain = self.unencrypted.isChecked()
        for edit in (self.passphrase, self.again):
            edit.setEnabled(not plain)
        if not plain and not self.passphrase.text():
            missing.append(self.tr("a passphrase (or tick 'No passphrase')"))
        mismatch = not plain and self.passphrase.text() != self.again.text()
        self.hint.setText(self.tr("Needed: {what}.").format(what=self.tr(", ").join(missing)) if missing else
                          self.tr("The passphrases differ.") if mismatch else "")
        self.box.button(QDialogButtonBox.Ok).setEnabled(not missing and not mismatch)

    def set_values(self, passphrase: str | None = None, unencrypted: bool | None = None, **fields) -> None:
        for name, value in fields.items():  # name, path
            getattr(self, name).setText(value)
        if passphrase is not None:
            self.passphrase.setText(passphrase)
            self.again.setText(passphrase)
        if unencrypted is not None:
            self.unencrypted.setChecked(unencrypted)

    def request(self) -> KeyRequest:
        return KeyRequest(self.name.text().strip(), self.role.currentText().strip(), self.path.text().strip(),
                          None if self.unencrypted.isChecked() else self.passphrase.text() or None)
