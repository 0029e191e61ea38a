"""A date filter that may be left open ("any date"), typed or picked, with local dates turned
into the UTC instants core filters on."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QDateEdit, QWidget

from core.clock import utc_iso
from core.i18n import _
from ui import theme

ANY = QDate(2000, 1, 1)
_STEP_KEYS = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)


class DateFilter(QDateEdit):
    """``date()`` at the minimum means no limit. Enter emits ``entered``."""

    entered = Signal()

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.setMinimumHeight(theme.TOUCH)
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        self.setMinimumDate(ANY)
        self.setSpecialValueText(_("any date"))
        self.clear_date()

    def clear_date(self) -> None:
        self.setDate(ANY)

    def is_set(self) -> bool:
        return self.date() != self.minimumDate()

    def local_day_start(self, days_later: int = 0) -> str | None:
        """UTC ISO text of local midnight at the start of the chosen day (plus some days)."""
        if not self.is_set():
            return None
        d = self.date()
        local = datetime(d.year(), d.month(), d.day()) + timedelta(days=days_later)
        return utc_iso(local.astimezone())  # a naive time is read as local by astimezone()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if not self.is_set() and key in _STEP_KEYS and not event.modifiers():
            self.setDate(QDate.currentDate())  # stepping an open filter starts from today
            return
        super().keyPressEvent(event)
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.entered.emit()
        elif key in (Qt.Key.Key_F4, Qt.Key.Key_Down):
            self._calendar_at_today()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        super().mousePressEvent(event)  # opens the calendar (not blocking)
        self._calendar_at_today()

    def _calendar_at_today(self) -> None:
        """An open filter starts its calendar at this month, not at the year 2000."""
        calendar = self.calendarWidget()
        if calendar is not None and not self.is_set():
            today = QDate.currentDate()
            calendar.setCurrentPage(today.year(), today.month())
