"""Equipment: register an item, record its calibrations, qualifications and maintenance (with the
certificate), take it out of service and back in; list and show items.

Each verb is one unit of work: the item (a sealed row) and its event (append-only) are written
with one audit event that holds the old and new due dates and status. A failed calibration or
qualification takes the item out of service at once and leaves its due date as it was; an item
goes back into service only with a reason and only while none of its due dates has passed.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from core.auth import Actor, Permission
from core.errors import AlreadyExists, Conflict, InvalidValue, NotFound
from core.i18n import _
from core.models import Attachment, Equipment, EquipmentEvent, id_of
from core.records.equipment import (
    EquipmentOutcome,
    EquipmentRecord,
    EquipmentView,
    equipment_list,
    equipment_view,
    event_view,
    find_equipment,
    item_view,
    overdue_dates,
    overdue_words,
)
from core.services.equipment_inputs import (
    CERTIFICATE,
    JUDGED,
    LOCATION,
    NAME,
    asset_code,
    check_outcome,
    equipment_status,
    equipment_type,
    event_kind,
    not_too_far,
    read_certificate,
    required_day,
    typed_day,
)
from core.services.review import site_zone
from core.services.users import acting_user
from core.states import EquipmentEventKind, EquipmentStatus
from core.store import Database, UnitOfWork
from core.text_rules import COMMENT, REASON, clean_text, optional_text
from core.words import EQUIPMENT_EVENT_WORDS, EQUIPMENT_STATUS_WORDS

MIN_REASON = 10
_DUE_FIELD = {
    EquipmentEventKind.CALIBRATION: "calibration_due",
    EquipmentEventKind.QUALIFICATION: "qualification_due",
    EquipmentEventKind.MAINTENANCE: "maintenance_due",
}
_ACTION = {
    EquipmentEventKind.CALIBRATION: "equipment.calibration",
    EquipmentEventKind.QUALIFICATION: "equipment.qualification",
    EquipmentEventKind.MAINTENANCE: "equipment.maintenance",
}


# -- reads ---------------------------------------------------------------------------------------


def site_today(session: Session, now: datetime) -> date:
    """The site's date at ``now``: what due dates are judged against."""
    return now.astimezone(site_zone(session)).date()


def list_equipment(
    db: Database, *, type: str | None = None, due_within: int | None = None
) -> list[EquipmentView]:
    """Every item (of one type), judged on the site's today; ``due_within`` days: only items
    with a due date that close (or past)."""
    wanted = equipment_type(type).value if type is not None else None
    if due_within is not None and due_within < 0:
        raise InvalidValue(
            _("Due within {n} days: give a number of days, 0 or more.").format(n=due_within)
        )
    with db.read() as session:
        return equipment_list(session, site_today(session, db.clock.now()), wanted, due_within)


def show_equipment(db: Database, code: str) -> EquipmentRecord:
    """An item, its events and the batches that used it, judged on the site's today."""
    with db.read() as session:
        return equipment_view(session, code, site_today(session, db.clock.now()))


# -- verbs ---------------------------------------------------------------------------------------


def register_equipment(
    db: Database,
    actor: Actor,
    code: str,
    type: str,
    name: str,
    location: str,
    *,
    calibration_due: str | date | None = None,
    qualification_due: str | date | None = None,
    maintenance_due: str | date | None = None,
) -> EquipmentView:
    """A new item, in use, with the due dates it has (a supervisor, QA or an administrator)."""
    asset = asset_code(code)
    kind = equipment_type(type)
    name = clean_text(name, NAME)
    location = clean_text(location, LOCATION)
    calibration = typed_day(calibration_due, _("calibration due date"))
    qualification = typed_day(qualification_due, _("qualification due date"))
    maintenance = typed_day(maintenance_due, _("maintenance due date"))
    with db.unit_of_work(actor.username) as uow:
        acting_user(uow.session, actor, Permission.MANAGE_EQUIPMENT)
        today = site_today(uow.session, uow.now)
        for what, due in zip(_DUE_FIELD, (calibration, qualification, maintenance), strict=True):
            if due is not None:
                not_too_far(
                    due, today, _("{kind} due date").format(kind=EQUIPMENT_EVENT_WORDS[what])
                )
        existing = find_equipment(uow.session, asset)
        if existing is not None:
            raise AlreadyExists(
                _(
                    "Equipment {code} is already registered ({name}, "
                    "{location}): each asset code is registered once."
                ).format(code=asset, name=existing.name, location=existing.location)
            )
        row = Equipment(
            code=asset,
            type=kind.value,
            name=name,
            location=location,
            status=EquipmentStatus.IN_USE.value,
            created_at=uow.now,
            calibration_due=calibration,
            qualification_due=qualification,
            maintenance_due=maintenance,
            created_by=actor.username,
        )
        uow.session.add(row)
        uow.flush()
        uow.audit(
            "equipment.register",
            "equipment",
            asset,
            new={"type": kind.value, "name": name, "location": location, **_state(row)},
        )
        return item_view(row, today)


def record_event(
    db: Database,
    actor: Actor,
    code: str,
    kind: EquipmentEventKind | str,
    performed_on: str | date,
    *,
    next_due: str | date | None = None,
    passed: bool | None = None,
    certificate: str | None = None,
    certificate_file: Path | None = None,
    note: str | None = None,
) -> EquipmentOutcome:
    """A calibration, qualification or maintenance performed on the item, with its certificate.
    Passed (or maintenance): the next due date is set. Failed: the item goes out of service and
    its due date stays as it was."""
    what = event_kind(kind)
    words = EQUIPMENT_EVENT_WORDS[what]
    performed = required_day(performed_on, _("date the {kind} was performed").format(kind=words))
    due = typed_day(next_due, _("next {kind} due date").format(kind=words))
    reference = optional_text(certificate, CERTIFICATE)
    note = optional_text(note, COMMENT)
    check_outcome(what, passed, due, performed, reference)
    document = read_certificate(db, certificate_file) if certificate_file is not None else None
    with db.unit_of_work(actor.username) as uow:
        acting_user(uow.session, actor, Permission.MANAGE_EQUIPMENT)
        today = site_today(uow.session, uow.now)
        if performed > today:
            raise InvalidValue(
                _(
                    "The {kind} is dated {performed}, after today ({today}): "
                    "record it once it has been performed, with the date on its certificate."
                ).format(kind=words, performed=performed.isoformat(), today=today.isoformat())
            )
        if due is not None:
            not_too_far(due, today, _("next {kind} due date").format(kind=words))
        row = _item(uow.session, code)
        _in_order(uow.session, row, what, performed)
        old = _state(row)
        failed = what in JUDGED and passed is False
        taken_out = failed and row.status == EquipmentStatus.IN_USE
        if failed:
            row.status = EquipmentStatus.OUT_OF_SERVICE.value
        else:
            setattr(row, _DUE_FIELD[what], due)
        event = EquipmentEvent(
            equipment_id=id_of(row),
            kind=what.value,
            performed_on=performed,
            next_due=due,
            passed=passed if what in JUDGED else None,
            certificate=reference,
            note=note,
            recorded_by=actor.username,
            recorded_at=uow.now,
        )
        uow.session.add(row)
        uow.session.add(event)
        uow.flush()
        attachment = _keep_certificate(uow, event, document)
        _seal(uow, row)
        uow.audit(
            _ACTION[what],
            "equipment",
            row.code,
            old=old,
            new={
                **_state(row),
                "event": id_of(event),
                "performed_on": performed.isoformat(),
                "next_due": due.isoformat() if due else None,
                "passed": event.passed,
                "certificate": reference,
                "certificate_file": _file_fields(attachment),
                "note": note,
            },
            # stored: in the source words, whatever the reader's language
            reason=f"failed {EQUIPMENT_EVENT_WORDS.raw[what]}: taken out of service"
            if taken_out
            else None,
        )
        return EquipmentOutcome(
            item=item_view(row, today),
            event=event_view(event, attachment),
            taken_out_of_service=taken_out,
            notice=_notice(row, what, failed, taken_out),
        )


def set_status(
    db: Database, actor: Actor, code: str, status: EquipmentStatus | str, reason: str
) -> EquipmentOutcome:
    """Take an item out of service, or back into service (only while nothing is past due)."""
    wanted = equipment_status(status)
    reason = optional_text(reason, REASON) or ""
    if len(reason) < MIN_REASON:
        raise InvalidValue(
            _(
                "Give the reason (at least {n} characters), e.g. 'door seal torn, "
                "service call 4411' or 'repaired and requalified, report QR-2026-118'."
            ).format(n=MIN_REASON)
        )
    with db.unit_of_work(actor.username) as uow:
        acting_user(uow.session, actor, Permission.MANAGE_EQUIPMENT)
        today = site_today(uow.session, uow.now)
        row = _item(uow.session, code)
        if row.status == wanted:
            raise Conflict(
                _("{code} is already {status}.").format(
                    code=row.code, status=EQUIPMENT_STATUS_WORDS[wanted]
                )
            )
        if wanted == EquipmentStatus.IN_USE:
            past = overdue_dates(row, today)
            if past:
                kind, due = past[0]
                raise Conflict(
                    _(
                        "{code} cannot go back into service: {overdue}: record a {kind} first."
                    ).format(
                        code=row.code,
                        overdue=overdue_words(kind, due),
                        kind=EQUIPMENT_EVENT_WORDS[kind],
                    )
                )
        old = _state(row)
        row.status = wanted.value
        event = EquipmentEvent(
            equipment_id=id_of(row),
            kind=EquipmentEventKind.STATUS.value,
            performed_on=today,
            status=wanted.value,
            note=reason,
            recorded_by=actor.username,
            recorded_at=uow.now,
        )
        uow.session.add(row)
        uow.session.add(event)
        uow.flush()
        _seal(uow, row)
        uow.audit(
            "equipment.status",
            "equipment",
            row.code,
            old=old,
            new={**_state(row), "event": id_of(event)},
            reason=reason,
        )
        return EquipmentOutcome(
            item=item_view(row, today),
            event=event_view(event, None),
            taken_out_of_service=False,
            notice=None,
        )


# -- inside a unit of work -----------------------------------------------------------------------


def _item(session: Session, code: str) -> Equipment:
    row = find_equipment(session, code)
    if row is None:
        raise NotFound(
            _("No equipment {code} is registered: check the asset code.").format(code=code.strip())
        )
    return row


def _in_order(session: Session, row: Equipment, what: EquipmentEventKind, performed: date) -> None:
    """A due date follows the newest event of its kind: an older one cannot set it."""
    last = session.exec(
        select(EquipmentEvent)
        .where(col(EquipmentEvent.equipment_id) == id_of(row))
        .where(col(EquipmentEvent.kind) == what.value)
        .order_by(col(EquipmentEvent.performed_on).desc())
    ).first()
    if last is not None and performed < last.performed_on:
        words = EQUIPMENT_EVENT_WORDS[what]
        raise Conflict(
            _(
                "{code}'s last {kind} was performed on {last}; one "
                "performed earlier ({performed}) cannot be recorded after it."
            ).format(
                code=row.code,
                kind=words,
                last=last.performed_on.isoformat(),
                performed=performed.isoformat(),
            )
        )


def _state(row: Equipment) -> dict[str, Any]:
    """What the audit trail shows of an item's state: its status and due dates."""
    return {
        "status": row.status,
        "calibration_due": _iso(row.calibration_due),
        "qualification_due": _iso(row.qualification_due),
        "maintenance_due": _iso(row.maintenance_due),
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _seal(uow: UnitOfWork, row: Equipment) -> None:
    """Seal the item even when the event left it as it was (a failed calibration of an item
    already out of service): every equipment event seals the row it is about."""
    uow.touch("equipment", id_of(row))


def _keep_certificate(
    uow: UnitOfWork, event: EquipmentEvent, document: tuple[str, bytes] | None
) -> Attachment | None:
    if document is None:
        return None
    filename, data = document
    attachment = Attachment(
        owner=f"equipment_event:{id_of(event)}",
        kind="certificate",
        filename=filename,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        content=data,
        attached_at=uow.now,
        attached_by=uow.username,
    )
    uow.session.add(attachment)
    uow.flush()
    return attachment


def _file_fields(attachment: Attachment | None) -> dict[str, Any] | None:
    if attachment is None:
        return None
    return {"filename": attachment.filename, "sha256": attachment.sha256, "size": attachment.size}


def _notice(row: Equipment, what: EquipmentEventKind, failed: bool, taken_out: bool) -> str | None:
    words = EQUIPMENT_EVENT_WORDS[what]
    if taken_out:
        return _(
            "Failed {kind}: {code} was taken out of service. It goes back into service "
            "after a passing {kind}, with a reason."
        ).format(kind=words, code=row.code)
    if failed:
        return _("Failed {kind}: {code} stays out of service.").format(kind=words, code=row.code)
    if row.status != EquipmentStatus.IN_USE:
        return _(
            "{code} is still out of service: take it back into service with a reason when "
            "it may be used again."
        ).format(code=row.code)
    return None
