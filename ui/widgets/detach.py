"""Moving a panel into a window of its own (a second screen at the bench) and back, as the same
widget with everything it holds: nothing is rebuilt. Where it was, a note and an "Attach" button
stand in; closing its window puts it back too."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QAbstractButton, QVBoxLayout, QWidget

from core.i18n import _
from ui.widgets.common import button, label


class _Window(QWidget):
    closing = Signal()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closing.emit()
        super().closeEvent(event)


class Detacher(QObject):
    changed = Signal(bool)  # detached

    def __init__(self, panel: QWidget, toggle: QAbstractButton, title: Callable[[], str]) -> None:
        super().__init__(panel)
        self.panel, self.toggle, self.title = panel, toggle, title
        self.window: _Window | None = None
        self.home: QWidget | None = None
        self.away: QWidget | None = None
        toggle.clicked.connect(self.flip)

    @property
    def detached(self) -> bool:
        return self.window is not None

    def flip(self) -> None:
        if self.detached:
            self.attach()
        else:
            self.detach()

    def detach(self) -> None:
        if self.detached:
            return
        self.home = self.panel.parentWidget()
        if self.home is not None and self.home.layout() is not None:
            self.home.layout().addWidget(self._away_note())
            self.away.show()
        window = _Window(None)
        window.setWindowFlag(Qt.WindowType.Window, True)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        window.setWindowTitle(self.title())
        window.setAccessibleName(self.title())
        layout = QVBoxLayout(window)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.panel)  # takes the panel out of where it was
        window.closing.connect(self._closing)
        self.window = window
        self._label(_("Attach"), _("Put the curves back beside the batch record"))
        window.resize(1000, 720)
        window.show()
        self.panel.show()
        self.changed.emit(True)

    def attach(self) -> None:
        window = self.window
        if window is None:
            return
        self.window = None
        home = self.home
        if home is not None and home.layout() is not None:
            home.layout().addWidget(self.panel)
        else:
            self.panel.setParent(home)
        if self.away is not None:
            self.away.hide()
        self.panel.show()
        self._label(_("Detach"), _("Show the curves in a window of their own"))
        window.closing.disconnect(self._closing)
        window.close()
        self.changed.emit(False)

    def _closing(self) -> None:
        if self.window is not None:
            self.attach()

    def _label(self, text: str, tip: str) -> None:
        self.toggle.setText(text)
        self.toggle.setAccessibleName(text)
        self.toggle.setToolTip(tip)
        arrange = getattr(self.toggle.parentWidget(), "arrange", None)
        if arrange is not None:  # a wrapping bar places its controls again
            arrange()

    def _away_note(self) -> QWidget:
        if self.away is None:
            self.away = QWidget()
            note = label(_("The curves are in a window of their own."), self.away, role="subtle")
            back = button(_("Attach"), self.away, tip=_("Put the curves back here"))
            back.setAccessibleName(_("Attach the curves"))
            back.clicked.connect(self.attach)
            layout = QVBoxLayout(self.away)
            layout.addWidget(note)
            layout.addWidget(back, 0, Qt.AlignmentFlag.AlignLeft)
            layout.addStretch(1)
        return self.away
