"""The window's language: Qt translators for its own strings, gettext for the core's.

The window's own labels go through ``tr()`` / ``QCoreApplication.translate``
and are translated by ``resources/i18n/migready_<lang>.qm`` (``pyside6-lupdate``
/ ``pyside6-lrelease``, see ``resources/i18n/refresh``); Qt's standard dialogs
and buttons by PySide6's own ``qtbase_<lang>.qm``.  The core's sentences
(rules, reasons, checklist titles) come translated from `checks.i18n`, which is
switched to the same language here.

Which language: ``--lang`` if given, else the one chosen in View ▸ Language
(kept in QSettings; it applies at the next start), else the environment's
(LANGUAGE, LC_ALL, LC_MESSAGES, LANG) as for the command line.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

from migready.checks import i18n

SETTINGS_KEY = "language"
_installed: list[QTranslator] = []  # Qt does not own installed translators: keep them alive


def saved_language() -> str | None:
    value = QSettings().value(SETTINGS_KEY)
    return i18n.normalise(str(value)) if value else None


def save_language(lang: str) -> None:
    QSettings().setValue(SETTINGS_KEY, lang)


def install(lang: str | None = None) -> str:
    """Switch the app and the core to `lang` (or the saved / environment language); the language used.

    Call once, after the QApplication exists and before any window is built:
    widgets take their text when they are made."""
    app = QCoreApplication.instance()
    chosen = i18n.set_language(lang or saved_language())
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    if chosen != i18n.SOURCE_LANGUAGE:
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        for name, directory in ((f"qtbase_{chosen}", qt_dir), (f"migready_{chosen}", str(i18n.LOCALEDIR))):
            translator = QTranslator(app)
            if translator.load(name, directory):
                app.installTranslator(translator)
                _installed.append(translator)
        QLocale.setDefault(QLocale(chosen))
    return chosen
