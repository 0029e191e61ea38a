"""Custody of an autologous patient's material: each hand-off recorded with who, when, where, the
container or shipper, the temperature logger — and the chain-of-identity id scanned at it.

A scanned id that is not the batch's is refused and the refusal is audited in its own unit of
work ("custody.coi_mismatch"), so a mix-up stays on the record though nothing else was written.
Where the template's custody plan asks for it, the recorder re-authenticates and e-signs a
statement of the event (printed name, time, meaning; core/records/custody.py verifies it). A kind
the plan does not expect is refused; a template without a plan keeps a free trail.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import NoReturn

from sqlmodel import Session, select

from core.auth import Actor, Permission
from core.clock import utc_iso
from core.errors import Conflict, DomainError, InvalidValue, ScanMismatch
from core.fields import Field, about
from core.i18n import N_, _
from core.models import CustodyEvent, User, id_of
from core.records.batch_record import batch_template, load_batch
from core.records.custody import MEANING, CustodyTrail, build_trail, statement_fields
from core.records.custody import custody_trail as _trail
from core.services.review import site_zone
from core.services.users import acting_user, authenticate
from core.signatures import canonical
from core.signed_reading import as_read
from core.states import CustodyKind
from core.store import Database, UnitOfWork
from core.store.database import CLOCK_TOLERANCE
from core.templates.custody import CHOICES, CustodyPlan
from core.text_rules import COMMENT, TextKind, clean_text, first_problem, optional_text
from core.typed_times import parse_typed_time, zone_name
from core.version import command_name
from core.words import CUSTODY_KIND_WORDS

LOCATION = TextKind(N_("location"), 200)
CONTAINER = TextKind(N_("container or shipper id"), 64)  # the column's length
LOGGER = TextKind(N_("temperature logger id"), 64)  # the column's length
TEMPERATURE = TextKind(N_("temperature summary"), 200)
# These come before manufacturing: they may be dated before the batch was started.
BEFORE_THE_BATCH = frozenset({CustodyKind.COLLECTED, CustodyKind.SHIPPED, CustodyKind.RECEIVED})


@dataclass(frozen=True)
class _Typed:
    """A hand-off as given, cleaned; the time still as typed."""

    kind: CustodyKind
    scanned: str
    at: str
    location: str
    container: str | None
    logger: str | None
    temperature: str | None
    note: str | None

    @property
    def words(self) -> str:
        return CUSTODY_KIND_WORDS[self.kind]


@dataclass(frozen=True)
class _Batch:
    """What the rules need of the batch, read in the caller's transaction."""

    id: int
    lot: str
    coi: str
    started_at: datetime
    plan: CustodyPlan
    zone: tzinfo


def custody_trail(db: Database, lot: str) -> CustodyTrail:
    with db.read() as session:
        return _trail(session, lot)


def record_custody(
    db: Database,
    actor: Actor,
    lot: str,
    kind: str,
    *,
    coi_scanned: str,
    occurred_at: str,
    location: str,
    container_id: str | None = None,
    logger_id: str | None = None,
    temperature: str | None = None,
    note: str | None = None,
    password: str | None = None,
) -> CustodyTrail:
    """Record one hand-off of the batch's material; returns the trail as it now stands."""
    typed = _typed(
        kind, coi_scanned, occurred_at, location, container_id, logger_id, temperature, note
    )
    with db.read() as session:  # everything that refuses before a password is asked
        batch = _batch(session, lot)
        needs_signature = batch.plan.needs_signature(typed.kind)
        if typed.scanned == batch.coi:
            _in_plan(batch, typed)
            _when(batch, typed, db.clock.now())
            if needs_signature:
                from core.services.signing_keys import usable_key

                usable_key(session, actor.username)  # no certificate: said before the password
    if typed.scanned != batch.coi:
        _refuse_mismatch(db, actor, lot, typed)
    if needs_signature:
        if not password:
            raise DomainError(
                _(
                    "The hand-off ({kind}) of lot {lot} is e-signed: give your password to sign it."
                ).format(kind=typed.words, lot=batch.lot),
                cli_hint=_("{command} asks for it, or give it with --password-stdin.").format(
                    command=command_name()
                ),
                field=Field.PASSWORD,
            )
        with about(Field.PASSWORD):
            authenticate(db, actor.username, password)
    with db.unit_of_work(actor.username) as uow:
        acting_user(uow.session, actor, Permission.RECORD)
        batch = _batch(uow.session, lot)
        outcome = _mismatch(uow, batch, typed) if typed.scanned != batch.coi else None
        if outcome is None:  # (the batch's id never changes: checked again all the same)
            _in_plan(batch, typed)
            return _write(uow, actor, batch, typed, _when(batch, typed, uow.now), password)
    raise outcome  # its audit event is committed: a refused scan is on the record


def _typed(
    kind: str,
    scanned: str,
    at: str,
    location: str,
    container: str | None,
    logger: str | None,
    temperature: str | None,
    note: str | None,
) -> _Typed:
    try:
        chosen = CustodyKind((kind or "").strip().lower())
    except ValueError:
        raise InvalidValue(
            _("'{kind}' is not a custody event; the choices: {choices}.").format(
                kind=kind, choices=CHOICES
            )
        ) from None
    code = (scanned or "").strip()
    if not code:
        raise InvalidValue(
            _(
                "Scan the chain-of-identity id on the bag, cassette or shipper: every hand-off is "
                "checked against the patient's id."
            ),
            field=Field.COI_ID,
        )
    problem = first_problem(code)
    if problem is not None:
        raise InvalidValue(
            _("The scanned chain-of-identity id contains {problem}: scan it again.").format(
                problem=problem
            ),
            field=Field.COI_ID,
        )
    if not (location or "").strip():
        raise InvalidValue(
            _("Give the location of the hand-off (a room, a site, a courier)."),
            field=Field.LOCATION,
        )
    with about(Field.LOCATION):
        place = clean_text(location, LOCATION)
    return _Typed(
        kind=chosen,
        scanned=code,
        at=at,
        location=place,
        container=optional_text(container, CONTAINER),
        logger=optional_text(logger, LOGGER),
        temperature=optional_text(temperature, TEMPERATURE),
        note=optional_text(note, COMMENT),
    )


def _batch(session: Session, lot: str) -> _Batch:
    """The batch, refused unless it is autologous with a chain-of-identity id."""
    row = load_batch(session, lot)
    _version, tdef = batch_template(session, row)
    if not tdef.autologous:
        raise Conflict(
            _(
                "Lot {lot} ({title}) is not autologous: custody of a patient's own "
                "material is kept for autologous batches only."
            ).format(lot=row.lot, title=tdef.title)
        )
    if not row.coi_id:
        raise Conflict(
            _(
                "Lot {lot} has no chain-of-identity id to check the hand-offs against. Report "
                "it to QA."
            ).format(lot=row.lot)
        )
    return _Batch(id_of(row), row.lot, row.coi_id, row.started_at, tdef.custody, site_zone(session))


def _in_plan(batch: _Batch, typed: _Typed) -> None:
    plan = batch.plan
    if plan.empty or plan.expects(typed.kind):
        return
    expected = ", ".join(CUSTODY_KIND_WORDS[k] for k in plan.kinds())
    raise Conflict(
        _("The custody plan of lot {lot} has no '{kind}' event: it expects {expected}.").format(
            lot=batch.lot, kind=typed.words, expected=expected
        )
    )


def _when(batch: _Batch, typed: _Typed, now: datetime) -> datetime:
    """The typed time in UTC, refused in the future (beyond the clock tolerance) and, for a
    hand-off during or after manufacturing, before the batch was started."""
    with about(Field.OCCURRED_AT):
        moment = parse_typed_time(typed.at, batch.zone, N_("time of the hand-off"))
    zone = batch.zone
    if moment > now + CLOCK_TOLERANCE:
        raise InvalidValue(
            _(
                "The hand-off ({kind}) at {at} is in the future: the time now is "
                "{now}. Type when the hand-off happened."
            ).format(kind=typed.words, at=_local(moment, zone), now=_local(now, zone)),
            field=Field.OCCURRED_AT,
        )
    started = batch.started_at.replace(second=0, microsecond=0)
    if typed.kind not in BEFORE_THE_BATCH and moment < started:
        raise InvalidValue(
            _(
                "The hand-off ({kind}) at {at} comes before lot {lot} was "
                "started ({started}): only the collection, its shipment and "
                "its receipt at manufacturing come before the batch. Check the time."
            ).format(
                kind=typed.words,
                at=_local(moment, zone),
                lot=batch.lot,
                started=_local(batch.started_at, zone),
            ),
            field=Field.OCCURRED_AT,
        )
    return moment


def _local(moment: datetime, zone: tzinfo) -> str:
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M} ({zone_name(zone)})"


def _refuse_mismatch(db: Database, actor: Actor, lot: str, typed: _Typed) -> NoReturn:
    """Audit the refused scan in its own unit of work, then raise it."""
    with db.unit_of_work(actor.username) as uow:
        acting_user(uow.session, actor, Permission.RECORD)
        refusal = _mismatch(uow, _batch(uow.session, lot), typed)
    raise refusal


def _mismatch(uow: UnitOfWork, batch: _Batch, typed: _Typed) -> ScanMismatch:
    uow.audit(
        "custody.coi_mismatch",
        "custody_event",
        f"{batch.lot}/{typed.kind.value}",
        lot=batch.lot,
        new={
            "event": typed.kind.value,
            "scanned": typed.scanned,
            "expected": batch.coi,
            "at": typed.at,
            "location": typed.location,
            "container": typed.container,
        },
        reason="custody refused: the chain-of-identity id scanned is not the batch's",
    )
    return ScanMismatch(
        _(
            "Mismatch: expected {expected}, scanned {scanned}. The hand-off ({kind}) of lot "
            "{lot} was not recorded: check that the label belongs to this patient's material "
            "and scan again; report a mix-up to QA."
        ).format(expected=batch.coi, scanned=typed.scanned, kind=typed.words, lot=batch.lot),
        field=Field.COI_ID,
    )


def _write(
    uow: UnitOfWork,
    actor: Actor,
    batch: _Batch,
    typed: _Typed,
    moment: datetime,
    password: str | None,
) -> CustodyTrail:
    row = CustodyEvent(
        batch_id=batch.id,
        kind=typed.kind.value,
        occurred_at=moment,
        location=typed.location,
        container_id=typed.container,
        logger_id=typed.logger,
        temperature=typed.temperature,
        coi_scanned=typed.scanned,
        note=typed.note,
        recorded_by=actor.username,
        recorded_at=uow.now,
    )
    if batch.plan.needs_signature(typed.kind):
        _sign(uow, actor, password or "", batch, row)
    uow.session.add(row)
    uow.flush()
    uow.audit(
        "custody.record",
        "custody_event",
        str(row.id),
        lot=batch.lot,
        new={
            "event": row.kind,
            "occurred_at": utc_iso(moment),
            "location": row.location,
            "container": row.container_id,
            "logger": row.logger_id,
            "temperature": row.temperature,
            "coi_scanned": row.coi_scanned,
            "note": row.note,
            "signed": row.crypto_signature is not None,
            "certificate": row.certificate_serial,
        },
    )
    return build_trail(uow.session, load_batch(uow.session, batch.lot), batch.plan, True)


def _sign(uow: UnitOfWork, actor: Actor, password: str, batch: _Batch, row: CustodyEvent) -> None:
    """The recorder's e-signature over the event as it will be stored."""
    from core.crypto.statements import sign_statement
    from core.services import signing_keys

    key_row, private_key = signing_keys.unlock(uow.session, actor.username, password)
    user = uow.session.exec(select(User).where(User.username == actor.username)).one()
    row.signer_name = user.full_name
    row.certificate_serial = key_row.serial_hex or ""
    # the meaning in the words the recorder was shown, and their language
    read = as_read(_(MEANING))
    row.statement = canonical(statement_fields(row, batch.lot, batch.coi, read))
    row.crypto_signature = base64.b64encode(
        sign_statement(private_key, row.statement.encode("utf-8"))
    ).decode("ascii")
