"""The GUI's language: Lotbook's own sentences (core/i18n.py) and Qt's own dialogs (the file
chooser, message boxes: Qt's qtbase translations) in the same language, and the fonts that carry
Korean and Chinese (core/fonts.py) registered with Qt as fallbacks of DejaVu — unpacked on a
worker once the login window is up, never a cost of start-up."""

from __future__ import annotations

from typing import Any

from core.i18n import QT_NAME, language, set_language

_translator: Any = None
_fonts_loaded = False


def apply_language(code: str) -> str:
    """Make ``code`` the language of the app: Lotbook's sentences and Qt's own."""
    chosen = set_language(code)
    _install_qt_translation(chosen)
    return chosen


def _install_qt_translation(code: str) -> None:
    from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

    global _translator
    app = QCoreApplication.instance()
    if app is None:
        return
    if _translator is not None:
        app.removeTranslator(_translator)
        _translator = None
    name = QT_NAME.get(code)
    if name is None or name == "en":
        return
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(f"qtbase_{name}", folder):
        app.installTranslator(translator)
        _translator = translator


def load_cjk_fonts(context: Any) -> None:
    """Unpack the Korean and Chinese fonts on a worker, then register them with Qt as the
    fallbacks of the app's faces (once)."""
    global _fonts_loaded
    if _fonts_loaded:
        return
    _fonts_loaded = True
    from core.fonts import FILES, font_data

    def unpack() -> list[bytes]:
        return [font_data(family, bold) for family, bold in FILES]

    context.tasks.run(unpack, on_done=register_fonts, on_error=lambda _error: None)


def register_fonts(data: list[bytes]) -> None:
    from PySide6.QtCore import QByteArray
    from PySide6.QtGui import QFont, QFontDatabase

    from core.fonts import CHINESE, KOREAN
    from ui.theme import MONO, SANS

    for blob in data:
        QFontDatabase.addApplicationFontFromData(QByteArray(blob))
    for face in (SANS, MONO):
        QFont.insertSubstitutions(face, [KOREAN, CHINESE])


def current() -> str:
    return language()
