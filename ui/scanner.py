"""A wedge barcode scanner told from a person by its timing, wherever the keyboard focus is.

A scanner "types" its code a few milliseconds per key and ends it with Enter (or Tab); a person
leaves tens of milliseconds or more between keys. The detector watches the application's key
presses while the current screen takes scans: each printable key is held back for at most
``gap_ms``; a key that follows within that gap joins the burst. A burst of at least ``min_length``
characters ended by Enter or Tab is a scan: its keys never reach the focused widget, and
``scanned(code, widget)`` hands it to the screen, which routes it by what it is. Anything else (a
pause, another key, a short burst) is given to the widget it was meant for, in order, as typed:
a person's typing is delayed by at most one gap and never lost.

A scanner set to send a prefix and/or suffix (configured per bench PC) has them stripped.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

GAP_MS = 30  # scanners: ~1-10 ms per key; people: rarely under 50 ms
MIN_LENGTH = 4
_ENDS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab)
# A scanner presses Shift for each capital, as a keyboard does: a modifier alone is not a key
_MODIFIER_KEYS = frozenset(
    (
        Qt.Key.Key_Shift,
        Qt.Key.Key_Control,
        Qt.Key.Key_Alt,
        Qt.Key.Key_AltGr,
        Qt.Key.Key_Meta,
        Qt.Key.Key_CapsLock,
        Qt.Key.Key_NumLock,
    )
)
_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)


@dataclass(frozen=True)
class _Held:
    receiver: QWidget
    key: int
    modifiers: Qt.KeyboardModifier
    text: str


class ScanDetector(QObject):
    scanned = Signal(str, object)  # the code, the widget that had the focus

    def __init__(
        self,
        accepts: callable,
        parent: QObject | None = None,
        *,
        gap_ms: int = GAP_MS,
        min_length: int = MIN_LENGTH,
        prefix: str = "",
        suffix: str = "",
    ) -> None:
        """``accepts(widget)``: whether the screen holding ``widget`` takes scans now."""
        super().__init__(parent)
        self.accepts = accepts
        self.enabled = True
        self.min_length = min_length
        self.prefix, self.suffix = prefix, suffix
        self._held: list[_Held] = []
        self._last = 0.0
        self._gap_s = gap_ms / 1000
        self._replaying = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(gap_ms)
        self._timer.timeout.connect(self.release)
        QApplication.instance().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if self._replaying or not self.enabled:
            return False
        if kind == QEvent.Type.MouseButtonPress and self._held:
            self.release()
            return False
        if kind != QEvent.Type.KeyPress or not isinstance(watched, QWidget):
            return False
        if not isinstance(event, QKeyEvent) or event.key() in _MODIFIER_KEYS:
            return False
        if not self._held and not self._may_hold(watched):
            return False
        now = time.monotonic()
        if self._held and (now - self._last > self._gap_s or watched is not self._held[0].receiver):
            self.release()  # a pause the timer has not reported yet, or the focus moved
            if not self._may_hold(watched):
                return False
        text = event.text()
        if event.key() in _ENDS and self._held:
            if len(self._held) >= self.min_length:
                return self._scan(watched)
            self.release()
            return False
        if text and text.isprintable() and not event.modifiers() & _MODIFIERS:
            self._held.append(_Held(watched, event.key(), event.modifiers(), text))
            self._last = now
            self._timer.start()
            return True
        if self._held:  # any other key: what was held goes first, in order
            self.release()
        return False

    def _may_hold(self, widget: QWidget) -> bool:
        return QApplication.activeModalWidget() is None and bool(self.accepts(widget))

    def _scan(self, receiver: QWidget) -> bool:
        self._timer.stop()
        code = "".join(h.text for h in self._held)
        self._held.clear()
        if self.prefix and code.startswith(self.prefix):
            code = code[len(self.prefix) :]
        if self.suffix and code.endswith(self.suffix):
            code = code[: -len(self.suffix)]
        self.scanned.emit(code, receiver)
        return True

    def release(self) -> None:
        """Give the held keys to the widgets they were typed into (a person was typing)."""
        import shiboken6

        self._timer.stop()
        held, self._held = self._held, []
        self._replaying = True
        try:
            for h in held:
                if shiboken6.isValid(h.receiver):
                    press = QKeyEvent(QEvent.Type.KeyPress, h.key, h.modifiers, h.text)
                    QApplication.sendEvent(h.receiver, press)
        finally:
            self._replaying = False

    def stop(self) -> None:
        self.release()
        QApplication.instance().removeEventFilter(self)
