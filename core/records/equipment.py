"""Equipment as read: an item with its due dates judged on a given day, its calibrations,
qualifications, maintenance and status changes, and the batches that used it.

``equipment_refusal`` is the one rule for whether an item may be used on a day: in service and no
calibration, qualification or maintenance past its due date (an item is usable on its due date,
refused from the day after). The point-of-use check and the item's screens ask it; the verbs that
change an item are in core/services/equipment.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from sqlmodel import Session, col, select

from core.errors import NotFound
from core.i18n import _, ngettext
from core.models import Attachment, Batch, Deviation, Equipment, EquipmentEvent, MaterialUse, id_of
from core.states import EquipmentEventKind, EquipmentStatus
from core.words import (
    EQUIPMENT_EVENT_WORDS,
    EQUIPMENT_STATUS_WORDS,
    EQUIPMENT_TYPE_WORDS,
)

DUE_SOON_DAYS = 14  # a due date this many days ahead (or fewer) is flagged "due soon"
DUE_KINDS = (
    EquipmentEventKind.CALIBRATION,
    EquipmentEventKind.QUALIFICATION,
    EquipmentEventKind.MAINTENANCE,
)


class ItemState(Protocol):
    """What the usability rule reads: an ``Equipment`` row or an ``EquipmentView``."""

    @property
    def code(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def calibration_due(self) -> date | None: ...
    @property
    def qualification_due(self) -> date | None: ...
    @property
    def maintenance_due(self) -> date | None: ...


def due_dates(item: ItemState) -> tuple[tuple[EquipmentEventKind, date | None], ...]:
    """(calibration, its due date), (qualification, …), (maintenance, …)."""
    return (
        (EquipmentEventKind.CALIBRATION, item.calibration_due),
        (EquipmentEventKind.QUALIFICATION, item.qualification_due),
        (EquipmentEventKind.MAINTENANCE, item.maintenance_due),
    )


def is_overdue(due: date | None, today: date) -> bool:
    return due is not None and due < today


def is_due_soon(due: date | None, today: date) -> bool:
    return due is not None and today <= due <= today + timedelta(days=DUE_SOON_DAYS)


def overdue_dates(item: ItemState, today: date) -> list[tuple[EquipmentEventKind, date]]:
    """The due dates already past on ``today``, the earliest first."""
    past = [(kind, due) for kind, due in due_dates(item) if due is not None and due < today]
    return sorted(past, key=lambda pair: pair[1])


def overdue_words(kind: EquipmentEventKind, due: date) -> str:
    """'calibration was due on 2026-10-01'."""
    return _("{kind} was due on {date}").format(
        kind=EQUIPMENT_EVENT_WORDS[kind], date=due.isoformat()
    )


def equipment_refusal(item: ItemState, today: date) -> str | None:
    """Why ``item`` may not be used on ``today`` (the site's date), in one line, in the language
    of the moment (the point of use keeps it ``in_language(SOURCE)`` too); None: it may."""
    code, type_words = item.code, EQUIPMENT_TYPE_WORDS.get(item.type, item.type)
    if item.status != EquipmentStatus.IN_USE:
        return _(
            "{code} ({type}) is {status}: use another, or have it taken back into service."
        ).format(
            code=code, type=type_words, status=EQUIPMENT_STATUS_WORDS.get(item.status, item.status)
        )
    past = overdue_dates(item, today)
    if not past:
        return None
    kind, due = past[0]
    fields = {
        "code": code,
        "type": type_words,
        "overdue": overdue_words(kind, due),
        "kind": EQUIPMENT_EVENT_WORDS[kind],
    }
    if len(past) == 1:
        return _(
            "{code} ({type}): {overdue}; it may not be used until a {kind} is recorded. "
            "Use another."
        ).format(**fields)
    more = len(past) - 1
    return ngettext(
        "{code} ({type}): {overdue} (and {n} more past due); it may not be used until a {kind} "
        "is recorded. Use another.",
        "{code} ({type}): {overdue} (and {n} more past due); it may not be used until a {kind} "
        "is recorded. Use another.",
        more,
    ).format(n=more, **fields)


def find_equipment(session: Session, code: str) -> Equipment | None:
    """The item with this asset code (as typed or scanned: case and spaces do not matter)."""
    wanted = "".join(code.split()).upper()
    return session.exec(select(Equipment).where(col(Equipment.code) == wanted)).first()


# -- read models ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueView:
    """One of an item's due dates, judged on the view's day."""

    kind: str  # EquipmentEventKind: calibration | qualification | maintenance
    words: str
    due: date | None
    overdue: bool
    due_soon: bool  # within DUE_SOON_DAYS days, not yet past


@dataclass(frozen=True)
class EquipmentView:
    code: str
    type: str  # EquipmentType
    type_words: str
    name: str
    location: str
    status: str  # EquipmentStatus
    status_words: str
    calibration_due: date | None
    qualification_due: date | None
    maintenance_due: date | None
    today: date  # the day the flags below were judged on
    dues: tuple[DueView, ...]  # calibration, qualification, maintenance
    refusal: str | None  # why it may not be used on ``today``; None: it may
    created_at: datetime
    created_by: str

    @property
    def overdue(self) -> bool:
        return any(d.overdue for d in self.dues)

    @property
    def due_soon(self) -> bool:
        return any(d.due_soon for d in self.dues)

    def due(self, kind: EquipmentEventKind) -> DueView:
        return next(d for d in self.dues if d.kind == kind)

    def usable_refusal(self, today: date) -> str | None:
        """Why it may not be used on ``today``; None: it may."""
        return equipment_refusal(self, today)


@dataclass(frozen=True)
class EquipmentEventView:
    id: int
    kind: str  # EquipmentEventKind
    kind_words: str
    performed_on: date
    next_due: date | None
    status: str | None  # a status change's new status (EquipmentStatus)
    status_words: str | None
    passed: bool | None
    certificate: str | None
    attachment_filename: str | None
    attachment_sha256: str | None
    note: str | None  # a status change's reason
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True)
class EquipmentUseView:
    """A batch that used the item at a check, with the item's status and due date then."""

    lot: str
    check_id: str
    used_at: datetime
    used_by: str
    status_at_use: str
    due_at_use: date | None
    deviation: str | None  # the deviation QA opened to override a refusal


@dataclass(frozen=True)
class EquipmentRecord:
    """An item with its history: every event, oldest first, and every use by a batch."""

    item: EquipmentView
    events: tuple[EquipmentEventView, ...]
    uses: tuple[EquipmentUseView, ...]


@dataclass(frozen=True)
class EquipmentOutcome:
    """What a verb changed: the item as it is now, the event it wrote, and whether a failed
    calibration or qualification took the item out of service."""

    item: EquipmentView
    event: EquipmentEventView | None
    taken_out_of_service: bool
    notice: str | None  # what the person must know next, in one line


# -- reads ---------------------------------------------------------------------------------------


def item_view(row: Equipment, today: date) -> EquipmentView:
    dues = tuple(
        DueView(
            kind=kind.value,
            words=EQUIPMENT_EVENT_WORDS[kind],
            due=due,
            overdue=is_overdue(due, today),
            due_soon=is_due_soon(due, today),
        )
        for kind, due in due_dates(row)
    )
    return EquipmentView(
        code=row.code,
        type=row.type,
        type_words=EQUIPMENT_TYPE_WORDS.get(row.type, row.type),
        name=row.name,
        location=row.location,
        status=row.status,
        status_words=EQUIPMENT_STATUS_WORDS.get(row.status, row.status),
        calibration_due=row.calibration_due,
        qualification_due=row.qualification_due,
        maintenance_due=row.maintenance_due,
        today=today,
        dues=dues,
        refusal=equipment_refusal(row, today),
        created_at=row.created_at,
        created_by=row.created_by,
    )


def equipment_list(
    session: Session, today: date, type: str | None = None, due_within: int | None = None
) -> list[EquipmentView]:
    """Every item by code; ``type`` (an EquipmentType value) narrows to one type, ``due_within``
    to the items with a due date within that many days of ``today`` (or already past)."""
    stmt = select(Equipment).order_by(col(Equipment.code))
    if type is not None:
        stmt = stmt.where(col(Equipment.type) == type)
    views = [item_view(row, today) for row in session.exec(stmt).all()]
    if due_within is None:
        return views
    horizon = today + timedelta(days=due_within)
    return [v for v in views if any(d.due is not None and d.due <= horizon for d in v.dues)]


def equipment_view(session: Session, code: str, today: date) -> EquipmentRecord:
    row = find_equipment(session, code)
    if row is None:
        raise NotFound(
            _("No equipment {code} is registered: check the asset code.").format(code=code.strip())
        )
    return EquipmentRecord(
        item=item_view(row, today),
        events=tuple(event_views(session, id_of(row))),
        uses=tuple(use_views(session, id_of(row))),
    )


def event_views(session: Session, equipment_id: int) -> list[EquipmentEventView]:
    rows = session.exec(
        select(EquipmentEvent)
        .where(col(EquipmentEvent.equipment_id) == equipment_id)
        .order_by(col(EquipmentEvent.id))
    ).all()
    owners = [f"equipment_event:{id_of(r)}" for r in rows]
    files = {
        a.owner: a
        for a in session.exec(select(Attachment).where(col(Attachment.owner).in_(owners))).all()
    }
    return [event_view(r, files.get(f"equipment_event:{id_of(r)}")) for r in rows]


def event_view(row: EquipmentEvent, attachment: Attachment | None) -> EquipmentEventView:
    kind = EquipmentEventKind(row.kind)
    return EquipmentEventView(
        id=id_of(row),
        kind=kind.value,
        kind_words=EQUIPMENT_EVENT_WORDS[kind],
        performed_on=row.performed_on,
        next_due=row.next_due,
        status=row.status,
        status_words=EQUIPMENT_STATUS_WORDS.get(row.status, row.status) if row.status else None,
        passed=row.passed,
        certificate=row.certificate,
        attachment_filename=attachment.filename if attachment else None,
        attachment_sha256=attachment.sha256 if attachment else None,
        note=row.note,
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
    )


def use_views(session: Session, equipment_id: int) -> list[EquipmentUseView]:
    rows = session.exec(
        select(MaterialUse, Batch.lot, Deviation.ref)
        .join(Batch, col(Batch.id) == col(MaterialUse.batch_id))
        .outerjoin(Deviation, col(Deviation.id) == col(MaterialUse.deviation_id))
        .where(col(MaterialUse.equipment_id) == equipment_id)
        .order_by(col(MaterialUse.id))
    ).all()
    return [
        EquipmentUseView(
            lot=lot,
            check_id=use.check_id,
            used_at=use.used_at,
            used_by=use.used_by,
            status_at_use=use.status_at_use,
            due_at_use=use.due_at_use,
            deviation=ref,
        )
        for use, lot, ref in rows
    ]
