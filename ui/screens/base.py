"""The base of every screen: made once with the app context, activated each time it is shown."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from core.i18n import _
from ui.context import AppContext

TYPE_CHECKING = False  # not `typing`: start-up must not pay for importing it
if TYPE_CHECKING:
    from typing import Any


class Screen(QWidget):
    title = ""  # marked N_() by each screen, translated where shown

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setAccessibleName(_(self.title) if self.title else type(self).__name__)

    def activate(self, **arguments: Any) -> None:
        """Shown (again): refresh what it displays. ``arguments`` come from ``context.go``."""
