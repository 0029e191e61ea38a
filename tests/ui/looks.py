"""Rendering helpers for GUI tests: a screen or dialog drawn in the large-text mode."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from tests.ui.conftest import shot
from ui import theme


def large_text_shot(widget, name: str) -> None:
    """Render ``widget`` to build/screens/<name>.png in large-text mode, then restore the theme."""
    app = QApplication.instance()
    theme.apply(app, large=True)
    try:
        QApplication.processEvents()  # restyled widgets post their layout requests
        shot(widget, name)
    finally:
        theme.apply(app, large=False)
        QApplication.processEvents()
