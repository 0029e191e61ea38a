"""A whole number typed or stepped: a line edit between limits (↑/↓ step it) with − and + buttons
big enough for a gloved finger. (A QLineEdit rather than a QSpinBox: the app's style sheet leaves
a spin box without arrows no room for its text.)"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIntValidator, QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QWidget

from core.i18n import _
from ui import theme
from ui.widgets.common import button


class NumberField(QLineEdit):
    """A whole number between limits: typed, or stepped with ↑/↓ or the − and + buttons.

    (A QLineEdit rather than a QSpinBox: the app's style sheet leaves a spin box without arrows
    no room for its text.)"""

    def __init__(self, low: int, high: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.low, self.high = low, high
        self.setValidator(QIntValidator(low, high, self))
        self.setMinimumHeight(theme.TOUCH)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)

    def value(self) -> int | None:
        try:
            return int(self.text())
        except ValueError:
            return None

    def setValue(self, value: int) -> None:
        self.setText(str(min(max(value, self.low), self.high)))

    def step(self, delta: int) -> None:
        current = self.value()
        self.setValue(self.low if current is None else current + delta)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Up:
            self.step(+1)
        elif event.key() == Qt.Key.Key_Down:
            self.step(-1)
        else:
            super().keyPressEvent(event)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        digits = self.fontMetrics().horizontalAdvance("0" * (len(str(self.high)) + 2))
        return QSize(max(digits + theme.TOUCH // 2, theme.TOUCH * 2), hint.height())


def stepper(
    spin: NumberField, name: str, parent: QWidget
) -> tuple[QWidget, QPushButton, QPushButton]:
    """A number with − and + buttons big enough for a gloved finger."""
    holder = QWidget(parent)
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(6)
    # the name as its language writes it (a German noun keeps its capital)
    one_less = _("One less: {name}").format(name=name)
    one_more = _("One more: {name}").format(name=name)
    less = button("−", holder, tip=one_less)
    more = button("+", holder, tip=one_more)
    less.setAccessibleName(one_less)
    more.setAccessibleName(one_more)
    for b, delta in ((less, -1), (more, +1)):
        b.setMinimumWidth(theme.TOUCH + 12)
        b.setAutoRepeat(True)
        b.setAutoDefault(False)
        b.clicked.connect(lambda _=False, d=delta: spin.step(d))
    row.addWidget(less)
    row.addWidget(spin)
    row.addWidget(more)
    row.addStretch(1)
    return holder, less, more
