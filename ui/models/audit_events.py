"""The audit trail as a table: one row per event (newest first), times in local time with the
zone, and each change put compactly as old → new. Formatting only: the events come from core."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from core.audit_text import change_text
from core.clock import local_text
from core.readmodels import AuditEventView
from ui.models.base import ReadModelTable

COLUMNS = ("Seq", "Time", "User", "Action", "What", "Lot", "Reason", "Change")
SHORT = 120  # characters of a change shown in the table; all of it on hover and in the detail

_Index = QModelIndex | QPersistentModelIndex


def local_time(at: str) -> str:
    """An event's stored UTC ISO time in local time with the zone."""
    try:
        return local_text(datetime.fromisoformat(at))
    except ValueError:
        return at


class AuditEventsModel(ReadModelTable):
    columns = COLUMNS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._items: list[AuditEventView] = []
        self._times: dict[int, str] = {}
        self._changes: dict[int, str] = {}
        self.broken_seq: int | None = None  # marked "✖" when the chain check named it

    # -- content ---------------------------------------------------------------------------------

    def set_events(self, events: list[AuditEventView]) -> None:
        """Events in chain order (as core returns them); shown newest first."""
        self.beginResetModel()
        self._items = list(reversed(events))
        self._times.clear()
        self._changes.clear()
        self.endResetModel()

    def mark_broken(self, seq: int | None) -> None:
        self.broken_seq = seq
        if self._items:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._items) - 1, 0))

    def event_at(self, row: int) -> AuditEventView | None:
        return self._items[row] if 0 <= row < len(self._items) else None

    def row_of(self, seq: int) -> int | None:
        # Newest first and seq strictly increasing: a binary search over descending seq.
        lo, hi = 0, len(self._items)
        while lo < hi:
            mid = (lo + hi) // 2
            if self._items[mid].seq > seq:
                lo = mid + 1
            else:
                hi = mid
        return lo if lo < len(self._items) and self._items[lo].seq == seq else None

    def events(self) -> list[AuditEventView]:
        return list(self._items)

    # -- Qt --------------------------------------------------------------------------------------

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        event = self._items[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(event, column, short=True)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 0 and event.seq == self.broken_seq:
                return "The chain check found this event changed, removed or out of order."
            text = self._text(event, column, short=False)
            return text or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _text(self, event: AuditEventView, column: int, *, short: bool) -> str:
        if column == 0:
            return f"✖ {event.seq}" if event.seq == self.broken_seq else str(event.seq)
        if column == 1:
            if event.seq not in self._times:
                self._times[event.seq] = local_time(event.at)
            text = self._times[event.seq]
            # The zone's name in the table; its offset from UTC on hover and in the detail.
            return text.split(" (UTC", 1)[0] if short else text
        if column == 2:
            return event.user
        if column == 3:
            return event.action
        if column == 4:
            return event.entity_id
        if column == 5:
            return event.lot or ""
        if column == 6:
            return event.reason or ""
        if event.seq not in self._changes:
            self._changes[event.seq] = change_text(event.old, event.new)
        text = self._changes[event.seq]
        return text[: SHORT - 1] + "…" if short and len(text) > SHORT else text
