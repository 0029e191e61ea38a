"""The idle lock: no keyboard or mouse input for the site's idle time hides GxP data."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

_INPUT: set = set()  # filled on first use: the enum lookups are not for start-up


def _input_events() -> set:
    if not _INPUT:
        _INPUT.update(
            {
                QEvent.Type.KeyPress,
                QEvent.Type.MouseButtonPress,
                QEvent.Type.MouseMove,
                QEvent.Type.Wheel,
                QEvent.Type.TouchBegin,
            }
        )
    return _INPUT


class IdleWatcher(QObject):
    """Watches application-wide input; emits ``idle`` after ``interval_ms`` without any."""

    idle = Signal()

    def __init__(self, interval_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.idle)
        self.active = False

    def set_interval(self, interval_ms: int) -> None:
        self._timer.setInterval(interval_ms)
        if self.active:
            self._timer.start()

    def start(self) -> None:
        """Watch input from now on. The application-wide filter costs a Python call per event,
        so it is installed only while someone is logged in (not during start-up)."""
        if not self.active:
            _input_events()
            QCoreApplication.instance().installEventFilter(self)
        self.active = True
        self._timer.start()

    def stop(self) -> None:
        if self.active:
            QCoreApplication.instance().removeEventFilter(self)
        self.active = False
        self._timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.active and event.type() in _INPUT:
            self._timer.start()
        return False
