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

from migready.checks.text import i18n

SETTINGS_KEY = "language"
# Each language in its own words (View ▸ Language): a reader who cannot read the current one finds theirs.
LANGUAGE_NAMES = {"en": "English", "zh_CN": "简体中文"}
_installed: list[QTranslator] = []  # Qt does not own installed translators: keep them alive
_system_locale: list[QLocale] = []  # the locale before the first install (English gives it back)


def saved_language(settings: QSettings | None = None) -> str | None:
    value = (settings if settings is not None else QSettings()).value(SETTINGS_KEY)
    return i18n.normalise(str(value)) if value else None


def save_language(lang: str, settings: QSettings | None = None) -> None:
    """Remember `lang` for the next start (an unknown one raises ValueError, as `--lang` does)."""
    if i18n.normalise(lang) not in i18n.LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: choose one of {', '.join(i18n.LANGUAGES)}")
    settings = settings if settings is not None else QSettings()
    settings.setValue(SETTINGS_KEY, i18n.normalise(lang))
    settings.sync()


said = i18n.said  # the core's: one way to say an exception


def install(lang: str | None = None) -> str:
    """Switch the app and the core to `lang` (or the saved / environment language); the language used.

    Call once, after the QApplication exists and before any window is built:
    widgets take their text when they are made."""
    app = QCoreApplication.instance()
    if not _system_locale:
        _system_locale.append(QLocale())
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
    else:
        QLocale.setDefault(_system_locale[0])
    return chosen
