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
    """Watches application-wide input; emits ``idle`` after ``interval_ms`` without any.

    An application-wide event filter costs a Python call for every event. So the filter is only
    installed while someone is logged in, and after each input it steps aside for a short pause
    (a quarter of the interval, at most 2 s) before it listens again: typing costs nothing, and
    the lock comes at most that pause early.
    """

    idle = Signal()

    def __init__(self, interval_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.idle)
        self._rearm = QTimer(self)
        self._rearm.setSingleShot(True)
        self._rearm.timeout.connect(self._listen)
        self._listening = False
        self.active = False
        self.set_interval(interval_ms)

    def set_interval(self, interval_ms: int) -> None:
        self._timer.setInterval(interval_ms)
        self._rearm.setInterval(max(1, min(2_000, interval_ms // 4)))
        if self.active:
            self._timer.start()

    def start(self) -> None:
        """Watch input from now on (someone logged in)."""
        _input_events()
        self.active = True
        self._listen()
        self._timer.start()

    def stop(self) -> None:
        self.active = False
        self._rearm.stop()
        self._timer.stop()
        self._deafen()

    def _listen(self) -> None:
        if self.active and not self._listening:
            QCoreApplication.instance().installEventFilter(self)
            self._listening = True

    def _deafen(self) -> None:
        if self._listening:
            QCoreApplication.instance().removeEventFilter(self)
            self._listening = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.active and event.type() in _INPUT:
            self._timer.start()
            self._deafen()
            self._rearm.start()
        return False
