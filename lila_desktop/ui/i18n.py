"""Spanish and English: Qt translation files, the system locale, a switch in Settings.

Source strings are English; `resources/translations/lila_es.qm` holds Spanish.
`install_language` swaps the translator at run time; Qt then sends every
widget a LanguageChange event and the widgets re-set their texts.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from lila_desktop.ui.icons import RESOURCES

logger = logging.getLogger(__name__)

TRANSLATIONS = RESOURCES / "translations"
SUPPORTED = ("en", "es")

_installed: list[QTranslator] = []
_current = ["en"]


def current_language() -> str:
    """The language the UI speaks now ("en" or "es")."""
    return _current[0]


def resolve_language(choice: str, system: QLocale | None = None) -> str:
    """'system' -> the system locale's language if we have it, else English."""
    if choice in SUPPORTED:
        return choice
    name = (system or QLocale.system()).name()  # e.g. "es_PE"
    lang = name.split("_", 1)[0].lower()
    return lang if lang in SUPPORTED else "en"


def install_language(choice: str) -> str:
    """Install the translator for `choice` ("system", "en", "es"); returns the language used."""
    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("install_language needs a QApplication")
    lang = resolve_language(choice)
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    if lang != "en":
        translator = QTranslator(app)
        path = TRANSLATIONS / f"lila_{lang}.qm"
        if translator.load(str(path)):
            app.installTranslator(translator)
            _installed.append(translator)
            # Qt's own words (Save, Cancel, Yes, the file dialog) from the Qt install.
            qt_words = QTranslator(app)
            qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
            if qt_words.load(f"qtbase_{lang}", qt_dir):
                app.installTranslator(qt_words)
                _installed.append(qt_words)
        else:
            logger.warning("translation %s could not be loaded; using English", path)
            lang = "en"
    QLocale.setDefault(
        QLocale(QLocale.Language.Spanish if lang == "es" else QLocale.Language.English)
    )
    _current[0] = lang
    from lila_desktop.ui import texts

    texts.clear_cache()
    logger.info("UI language: %s", lang, extra={"event": "language", "language": lang})
    return lang
