"""The audit trail as a table: one row per event (newest first), times in local time with the
zone, and each change put compactly as old → new; an event the chain check named is marked ✖,
an event dated ahead of a later clock (an open clock incident) ⚠. Formatting only: the events
and incidents come from core."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from core.audit_text import action_words, change_text
from core.clock import local_text
from core.i18n import N_, _, ngettext
from core.readmodels import AuditEventView
from ui.models.base import ReadModelTable

if TYPE_CHECKING:
    from core.records.clock_incidents import ClockIncidentView

COLUMNS = (
    N_("Seq"),
    N_("Time"),
    N_("User"),
    N_("Action"),
    N_("What"),
    N_("Lot"),
    N_("Reason"),
    N_("Change"),
)
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
        self._incidents: list[ClockIncidentView] = []  # open ones: their events marked "⚠"

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

    def set_incidents(self, incidents: list[ClockIncidentView]) -> None:
        """Open clock incidents: the events each one found dated ahead are marked."""
        self._incidents = [i for i in incidents if i.open]
        if self._items:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._items) - 1, 1))

    def incident_of(self, seq: int) -> ClockIncidentView | None:
        """The open incident whose events dated ahead include ``seq``."""
        for incident in self._incidents:
            if incident.ahead_from_seq <= seq <= incident.ahead_to_seq:
                return incident
        return None

    def dated_ahead(self) -> list[int]:
        """The shown events that lie in an open incident's range (newest first)."""
        if not self._incidents:
            return []
        return [e.seq for e in self._items if self.incident_of(e.seq) is not None]

    def ahead_text(self) -> str:
        """One line on the shown events dated ahead ("" when none); the rows say more on hover."""
        ahead = self.dated_ahead()
        if not ahead:
            return ""
        numbers = sorted({self.incident_of(seq).id for seq in ahead})
        which = ", ".join(str(n) for n in numbers)
        n = len(ahead)
        events = ngettext(
            "{n} event dated ahead of a later clock", "{n} events dated ahead of a later clock", n
        ).format(n=n)
        incidents = ngettext(
            "{events}: clock incident {which} open",
            "{events}: clock incidents {which} open",
            len(numbers),
        ).format(events=events, which=which)
        return f"⚠ {incidents}"

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
                return _("The chain check found this event changed, removed or out of order.")
            incident = self.incident_of(event.seq) if column in (0, 1) else None
            if incident is not None:
                return ahead_tip(incident, self._text(event, 1, short=False))
            text = self._text(event, column, short=False)
            return text or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _text(self, event: AuditEventView, column: int, *, short: bool) -> str:
        if column == 0:
            if event.seq == self.broken_seq:
                return f"✖ {event.seq}"
            if self._incidents and self.incident_of(event.seq) is not None:
                return f"⚠ {event.seq}"
            return str(event.seq)
        if column == 1:
            if event.seq not in self._times:
                self._times[event.seq] = local_time(event.at)
            text = self._times[event.seq]
            # The zone's name in the table; its offset from UTC on hover and in the detail.
            return text.split(" (UTC", 1)[0] if short else text
        if column == 2:
            return event.user
        if column == 3:  # in words; the code on hover (and in the detail, the filter, the export)
            return action_words(event.action) if short else event.action
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


def ahead_tip(incident: ClockIncidentView, at: str) -> str:
    return _(
        "Dated ahead of a later clock — clock incident {id} open.\n"
        "This event says {at}; a workstation that wrote after it read "
        "{read}. One of the clocks was wrong: an administrator "
        "finds which and clears the incident (Admin → Clock incidents)."
    ).format(id=incident.id, at=at, read=local_time(incident.clock_read))
