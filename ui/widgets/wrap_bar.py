"""A row of controls that wraps onto more rows when its column is narrow (the curves beside the
batch record at 1366 px), and is one row when there is room (the curves in their own window).

It sets its own height from its width as it is resized, rather than through Qt's height-for-width
(which a tab page inside a splitter does not pass on), so it never overlaps what is below it."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget


class WrapBar(QWidget):
    def __init__(self, parent: QWidget | None = None, spacing: int = 8) -> None:
        super().__init__(parent)
        self.spacing = spacing
        self.widgets: list[QWidget] = []
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def add(self, *widgets: QWidget) -> None:
        for widget in widgets:
            widget.setParent(self)
            self.widgets.append(widget)
        self._arrange()

    def _shown(self) -> list[QWidget]:
        return [w for w in self.widgets if not w.isHidden()]

    def minimumSizeHint(self) -> QSize:
        widest = max((w.sizeHint().width() for w in self._shown()), default=0)
        return QSize(widest, self.height())

    def sizeHint(self) -> QSize:
        shown = self._shown()
        width = sum(w.sizeHint().width() for w in shown) + self.spacing * max(len(shown) - 1, 0)
        return QSize(width, self.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange()

    def arrange(self) -> None:
        """Place the controls again (after one changed its text)."""
        self._arrange()

    def _arrange(self) -> None:
        x = y = line = 0
        width = max(self.width(), 1)
        for widget in self._shown():
            hint = widget.sizeHint()
            if x > 0 and x + hint.width() > width:
                x, y, line = 0, y + line + self.spacing, 0
            widget.setGeometry(x, y, min(hint.width(), width), hint.height())
            x += hint.width() + self.spacing
            line = max(line, hint.height())
        height = y + line
        if height != self.height():
            self.setFixedHeight(height)  # the layout above makes room; the width stays
