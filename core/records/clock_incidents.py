"""Clock incidents as read: every incident, the open ones, those over one lot's events (the
review lists them). Opened by the unit of work that found one (core/store/database.py), cleared by
core/services/clock_incidents.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from core.clock import local_text
from core.i18n import _
from core.models import AuditEvent, ClockIncident, id_of


@dataclass(frozen=True)
class ClockIncidentView:
    id: int
    opened_seq: int
    ahead_from_seq: int
    ahead_to_seq: int
    ahead_at: str  # the newest event's time as stored (UTC)
    clock_read: str  # what the clock that found it read (UTC)
    found_by: str
    cleared_by: str | None
    cleared_at: datetime | None
    clear_reason: str | None

    @property
    def open(self) -> bool:
        return self.cleared_by is None

    def summary(self) -> str:
        fields = {
            "id": self.id,
            "first": self.ahead_from_seq,
            "last": self.ahead_to_seq,
            "ahead": local_text(datetime.fromisoformat(self.ahead_at)),
            "read": local_text(datetime.fromisoformat(self.clock_read)),
            "by": self.found_by,
        }
        if self.ahead_from_seq == self.ahead_to_seq:
            return _(
                "Clock incident {id}: event {last} is dated up to {ahead}, ahead of a clock that "
                "read {read} (found by {by})"
            ).format(**fields)
        return _(
            "Clock incident {id}: events {first}–{last} are dated up to {ahead}, ahead of a clock "
            "that read {read} (found by {by})"
        ).format(**fields)


def incident_views(session: Session, *, only_open: bool = False) -> list[ClockIncidentView]:
    stmt = select(ClockIncident).order_by(col(ClockIncident.id))
    if only_open:
        stmt = stmt.where(col(ClockIncident.cleared_by).is_(None))
    return [incident_view(r) for r in session.exec(stmt).all()]


def open_incidents_for_lot(session: Session, lot: str) -> list[ClockIncidentView]:
    """Open incidents whose events dated ahead include one of this lot's."""
    found = []
    for incident in incident_views(session, only_open=True):
        hit = session.exec(
            select(AuditEvent.seq)
            .where(AuditEvent.lot == lot)
            .where(AuditEvent.seq >= incident.ahead_from_seq)
            .where(AuditEvent.seq <= incident.ahead_to_seq)
            .limit(1)
        ).first()
        if hit is not None:
            found.append(incident)
    return found


def incident_view(row: ClockIncident) -> ClockIncidentView:
    return ClockIncidentView(
        id=id_of(row),
        opened_seq=row.opened_seq,
        ahead_from_seq=row.ahead_from_seq,
        ahead_to_seq=row.ahead_to_seq,
        ahead_at=row.ahead_at,
        clock_read=row.clock_read,
        found_by=row.found_by,
        cleared_by=row.cleared_by,
        cleared_at=row.cleared_at,
        clear_reason=row.clear_reason,
    )
