"""In place, in the curves column: which step an instrument file's count belongs to, when its
sample id names none. Core offers the steps that have a check for what was measured; the step
selected in the batch record comes first when it is one of them. Enter imports for the chosen
step, Esc imports nothing."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from core.i18n import _
from ui.widgets.common import TouchCombo, button, label
from ui.widgets.wrap_bar import WrapBar


class StepChoice(QFrame):
    chosen = Signal(str)  # step id
    dropped = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "demand")
        self.setAccessibleName(_("Choose the step for the file"))
        box = QVBoxLayout(self)
        box.setContentsMargins(10, 8, 10, 8)
        self.why = label("", self)
        self.why.setWordWrap(True)
        self.why.setAccessibleName(_("Why a step is asked for"))
        self.steps = TouchCombo(self)
        self.steps.setAccessibleName(_("Step the file belongs to"))
        caption = label(_("<b>The step this count belongs to</b>"), self)
        caption.setBuddy(self.steps)
        self.import_ = button(_("Import for this step"), self, tip=_("Enter"), default=True)
        self.cancel = button(_("Do not import"), self, tip=_("Esc: nothing is imported"))
        self.cancel.setAutoDefault(False)
        bar = WrapBar(self)
        bar.add(self.import_, self.cancel)
        box.addWidget(self.why)
        box.addWidget(caption)
        box.addWidget(self.steps)
        box.addWidget(bar)
        box.addStretch(1)
        self.import_.clicked.connect(self._choose)
        self.cancel.clicked.connect(self.dropped)
        for key in ("Return", "Enter"):
            QShortcut(QKeySequence(key), self, self._choose).setContext(
                Qt.ShortcutContext.WidgetWithChildrenShortcut
            )
        QShortcut(QKeySequence("Esc"), self, self.dropped.emit).setContext(
            Qt.ShortcutContext.WidgetWithChildrenShortcut
        )
        self.hide()

    def ask(self, why: str, choices: tuple[tuple[str, str], ...], selected: str | None) -> None:
        """Offer ``choices`` ((id, name), in template order), ``selected`` first if offered."""
        self.why.setText(f"✖ {why}")
        self.steps.clear()
        for step_id, name in choices:
            self.steps.addItem(f"{step_id} · {name}", step_id)
        index = self.steps.findData(selected) if selected else -1
        self.steps.setCurrentIndex(max(index, 0))
        self.import_.setEnabled(bool(choices))
        self.show()
        self.steps.setFocus()

    def _choose(self) -> None:
        step = self.steps.currentData()
        if step and self.import_.isEnabled():
            self.chosen.emit(step)
