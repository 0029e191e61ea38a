"""Clock incidents and signed checkpoints as tables (Administration → Clock incidents): open
incidents first, times in local time with the zone, the state in words. Formatting only: the
incidents and checkpoints come from core (core/services/clock_incidents.py, checkpoints.py)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from core.clock import local_text
from core.i18n import N_, _
from ui import theme
from ui.models.base import ReadModelTable

if TYPE_CHECKING:
    from core.records.clock_incidents import ClockIncidentView
    from core.services.checkpoints import CheckpointView

_Index = QModelIndex | QPersistentModelIndex

OPEN = N_("⚠ Open")
PURPOSES = {
    "daily": N_("daily (first log-in)"),
    "backup": N_("before a backup"),
    "request": N_("on request"),
}


def local_iso(at: str) -> str:
    """A stored UTC ISO time in local time with the zone (the text as stored if unreadable)."""
    try:
        return local_text(datetime.fromisoformat(at))
    except ValueError:
        return at


def events_text(incident: ClockIncidentView) -> str:
    first, last = incident.ahead_from_seq, incident.ahead_to_seq
    if first == last:
        return _("event {seq}").format(seq=first)
    return _("events {first}–{last}").format(first=first, last=last)


def state_text(incident: ClockIncidentView) -> str:
    if incident.open:
        return _(OPEN)
    when = local_text(incident.cleared_at) if incident.cleared_at else "—"
    return "✔ " + _("Cleared by {by}, {when}").format(by=incident.cleared_by, when=when)


def incident_text(incident: ClockIncidentView) -> str:
    """The incident in one sentence, in local times (core's summary() speaks UTC)."""
    return _(
        "Clock incident {id}: {events} dated up to {ahead}, ahead of a clock that read "
        "{read} (found by {found_by})"
    ).format(
        id=incident.id,
        events=events_text(incident),
        ahead=local_iso(incident.ahead_at),
        read=local_iso(incident.clock_read),
        found_by=incident.found_by,
    )


class ClockIncidentsModel(ReadModelTable):
    columns = (
        N_("Incident"),
        N_("Events dated ahead"),
        N_("Dated up to"),
        N_("The clock read"),
        N_("Found by"),
        N_("State"),
    )

    def set_incidents(self, incidents: list[ClockIncidentView]) -> None:
        """Open incidents first, newest first within each group."""
        self.set_items(sorted(incidents, key=lambda i: (not i.open, -i.id)))

    def incident_at(self, row: int) -> ClockIncidentView | None:
        return self.item_at(row)

    def row_of(self, incident_id: int) -> int | None:
        for row, incident in enumerate(self._items):
            if incident.id == incident_id:
                return row
        return None

    def open_count(self) -> int:
        return sum(1 for i in self._items if i.open)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        incident: ClockIncidentView = self._items[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(incident, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 5 and not incident.open:
                return _("{state}\nReason: {reason}").format(
                    state=state_text(incident), reason=incident.clear_reason
                )
            if column == 5:
                return _(
                    "Open: the dates of these events cannot be trusted until an administrator "
                    "finds which clock was wrong and clears the incident"
                )
            return incident_text(incident)
        if role == Qt.ItemDataRole.ForegroundRole and column == 5 and incident.open:
            return QColor(theme.VERMILLION)
        if role == Qt.ItemDataRole.FontRole and column == 5 and incident.open:
            font = QFont()
            font.setBold(True)
            return font
        return None

    @staticmethod
    def _text(incident: ClockIncidentView, column: int) -> str:
        if column == 0:
            return str(incident.id)
        if column == 1:
            return events_text(incident)
        if column == 2:
            return local_iso(incident.ahead_at)
        if column == 3:
            return local_iso(incident.clock_read)
        if column == 4:
            return incident.found_by
        return state_text(incident)


class CheckpointsModel(ReadModelTable):
    """The newest signed checkpoints first."""

    columns = (N_("When"), N_("Signed by"), N_("Purpose"), N_("Chain head"))

    def set_checkpoints(self, views: list[CheckpointView], newest: int = 10) -> None:
        self.set_items(sorted(views, key=lambda c: -c.id)[:newest])

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        view: CheckpointView = self._items[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return (
                local_text(view.at),
                view.signer,
                _(PURPOSES[view.purpose]) if view.purpose in PURPOSES else view.purpose,
                _("event {seq}, {hash}…").format(seq=view.seq, hash=view.hash[:16]),
            )[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return _(
                "Checkpoint {id}: event {seq}, hash {hash}\n"
                "signed by {signer} (certificate {serial})"
            ).format(
                id=view.id,
                seq=view.seq,
                hash=view.hash,
                signer=view.signer,
                serial=view.certificate_serial or "—",
            )
        return None
