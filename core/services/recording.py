"""Recording values: enter, correct, justify. Each call is one unit of work.

Record: parse the typed text (core.values), judge it (core.specs), compute the derived checks that
depend on it (core.calculations), and write the entry, the derived values and their audit events
together. Out-of-spec results need a comment or a deviation before they are final; a scan must
match what the step expects. Correct: a new version with a reason; the old one stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import select

from core.auth import Actor, Permission
from core.clock import utc_iso
from core.errors import Conflict, DomainError, JustificationRequired, NotFound, ScanMismatch
from core.models import Deviation, EntryKind
from core.models.batches import AFTER_RELEASE
from core.readmodels import RecordOutcome
from core.services import entry_rules as rules
from core.services.batch_record import (
    applicability,
    check_view,
    condition_text,
    display_value,
)
from core.services.deviations import deviation_for_result, link_check
from core.services.entry_rules import Pending
from core.services.release_entries import after_release_move, open_for, release_recorder
from core.services.result_rows import (
    BatchRow,
    ResultRow,
    account_and_batch,
    insert_result,
    no_batch,
    template_of,
    user_names,
    versions,
)
from core.services.templates import template_approved
from core.services.users import check_account
from core.store import Database, UnitOfWork
from core.templates.model import CheckDef, TemplateDef
from core.values import ParsedValue

Known = dict[str, list[ResultRow]]


def record_value(
    db: Database,
    actor: Actor,
    lot: str,
    check_id: str,
    text: str,
    *,
    comment: str | None = None,
    deviation: str | None = None,
    hold_if_out_of_spec: bool = False,
    source: str = "manual",
) -> RecordOutcome:
    """Record the first value of a check. Out of spec without a comment or deviation is refused,
    unless ``hold_if_out_of_spec``: then it is kept as not final until justified."""
    entry = Entry(EntryKind.ENTRY, Permission.RECORD, None, source)
    return _enter(db, actor, lot, check_id, text, entry, comment, deviation, hold_if_out_of_spec)


def correct_value(
    db: Database,
    actor: Actor,
    lot: str,
    check_id: str,
    text: str,
    reason: str,
    *,
    comment: str | None = None,
    deviation: str | None = None,
    hold_if_out_of_spec: bool = False,
) -> RecordOutcome:
    """Replace a recorded value by a new version; the old version stays, the reason is kept."""
    entry = Entry(EntryKind.CORRECTION, Permission.CORRECT, _required_reason(reason), "manual")
    return _enter(db, actor, lot, check_id, text, entry, comment, deviation, hold_if_out_of_spec)


@dataclass(frozen=True)
class Entry:
    """What kind of entry a typed value makes: a first entry or a correction."""

    kind: EntryKind
    permission: Permission
    reason: str | None
    source: str


def _enter(
    db: Database,
    actor: Actor,
    lot: str,
    check_id: str,
    text: str,
    how: Entry,
    comment: str | None,
    deviation: str | None,
    hold: bool,
) -> RecordOutcome:
    written = Written(_clean(comment), deviation, hold, how.source)
    with db.unit_of_work(actor.username) as uow:
        batch, tdef, check = _open_check(uow, actor, how.permission, lot, check_id)
        outcome = enter_in(uow, actor, batch, tdef, check, text, how, written)
    if isinstance(outcome, ScanMismatch):
        raise outcome  # its audit event is committed: a refused scan is on the record
    return outcome


def enter_in(
    uow: UnitOfWork,
    actor: Actor,
    batch: BatchRow,
    tdef: TemplateDef,
    check: CheckDef,
    text: str,
    how: Entry,
    written: Written,
) -> RecordOutcome | ScanMismatch:
    """An entry (or correction) inside the caller's unit of work: an import records all of a
    file's values in one. A scan that does not match comes back as the error to raise once the
    unit of work has committed its audit event."""
    if check.derived:
        raise Conflict(_derived_message(check))
    related = rules.related_checks(tdef, check)
    if how.kind == EntryKind.ENTRY and len(related) == 1 and not tdef.conditioned_by(check.id):
        # A first entry of a check nothing depends on needs no reading: the unique version
        # number refuses a second one when it is written.
        known: Known = {}
    else:
        known = versions(uow.connection, batch.id, related)
    history = known.get(check.id)
    if how.kind == EntryKind.ENTRY and history:
        raise _already_recorded(check, batch)
    if how.kind == EntryKind.CORRECTION and not history:
        raise NotFound(
            f"{check.id} has no value in lot {batch.lot} yet: record it instead of correcting."
        )
    parsed = rules.parse(check, text)
    rules.require_applicable(tdef, check, known)
    if history and rules.same_value(parsed, history[-1]):
        shown = display_value(check, history[-1].value)
        raise Conflict(f"The new value equals the recorded one ({shown}).")
    evaluation = rules.judge(batch, check, parsed, known)
    if evaluation is None:
        return _scan_mismatch(uow, batch, check, parsed, known)
    value = rules.stored_text(parsed)
    pending = Pending(check, value, parsed.number, parsed.raw, evaluation, how.kind, how.reason)
    return _write(uow, actor, batch, tdef, pending, known, written)


@dataclass(frozen=True)
class Written:
    """How an entry is written: its justification, whether an OOS may wait, where it came from,
    and for an instrument's value its own measurement time and the zone it was read in."""

    comment: str | None
    deviation: str | None
    hold: bool
    source: str
    measured_at: datetime | None = None
    measured_zone: str | None = None
    timing_reason: str | None = None


def justify_value(
    db: Database,
    actor: Actor,
    lot: str,
    check_id: str,
    *,
    comment: str | None = None,
    deviation: str | None = None,
) -> RecordOutcome:
    """Give a held out-of-spec value its comment or deviation; it becomes final."""
    comment = _clean(comment)
    if not comment and not deviation:
        raise JustificationRequired("Give a comment or a deviation reference.")
    with db.unit_of_work(actor.username) as uow:
        batch, tdef, check = _open_check(uow, actor, Permission.RECORD, lot, check_id)
        if batch.status in AFTER_RELEASE and not deviation:
            raise JustificationRequired(
                f"Lot {batch.lot} is already released: an out-of-specification result needs a "
                "deviation reference (a comment alone is not enough)."
            )
        known = versions(uow.connection, batch.id, [check.id])
        history = known.get(check.id)
        if not history or history[-1].final:
            raise Conflict(f"{check.id} has no out-of-spec value waiting for a justification.")
        previous = history[-1]
        dev = (
            deviation_for_result(uow.session, batch.id, batch.lot, deviation) if deviation else None
        )
        held = Pending(
            check,
            previous.value,
            previous.number,
            previous.raw_text,
            rules.Evaluation(rules.Verdict(previous.verdict), previous.rule, None, None, None),
            EntryKind.JUSTIFICATION,
            "out-of-spec result justified",
        )
        _insert(uow, batch, held, known, comment, dev, final=True, source=previous.source)
        if dev is not None:
            link_check(uow, batch.id, batch.lot, dev, check.id)
        notes = []
        if batch.status in AFTER_RELEASE and (
            moved := after_release_move(uow, batch.lot, check.id)
        ):
            notes.append(moved)
        return _outcome(uow, actor, batch, tdef, known, [check.id], notes)


# -- the shared path -----------------------------------------------------------------------------


def _write(
    uow: UnitOfWork,
    actor: Actor,
    batch: BatchRow,
    tdef: TemplateDef,
    entry: Pending,
    known: Known,
    how: Written,
) -> RecordOutcome:
    derived, notes = rules.derive(tdef, entry, known)
    out_of_spec = [p for p in (entry, *derived) if p.out_of_spec]
    after_release = batch.status in AFTER_RELEASE
    justified = bool(how.deviation) if after_release else bool(how.comment or how.deviation)
    if out_of_spec and not justified and not how.hold:
        raise JustificationRequired(_oos_message(out_of_spec, after_release))
    dev = _cited(uow, batch, how.deviation)
    for pending in (entry, *derived):
        attach = pending is entry or pending.out_of_spec
        _insert(
            uow,
            batch,
            pending,
            known,
            how.comment if attach else None,
            dev if attach else None,
            final=not pending.out_of_spec or justified,
            source=how.source if pending is entry else "calculated",
            measured=how if pending is entry else None,
        )
    if dev is not None:
        for pending in out_of_spec or [entry]:
            link_check(uow, batch.id, batch.lot, dev, pending.check.id)
    if after_release:
        moved = after_release_move(uow, batch.lot, entry.check.id)
        if moved:
            notes.append(moved)
    changed = [entry.check.id, *(p.check.id for p in derived)]
    changed += [c.id for c in tdef.conditioned_by(entry.check.id) if c.id not in changed]
    return _outcome(uow, actor, batch, tdef, known, changed, notes)


_ACTIONS = {
    EntryKind.ENTRY: "result.record",
    EntryKind.CORRECTION: "result.correct",
    EntryKind.JUSTIFICATION: "result.justify",
    EntryKind.CALCULATION: "result.calculate",
}


def _insert(
    uow: UnitOfWork,
    batch: BatchRow,
    pending: Pending,
    known: Known,
    comment: str | None,
    deviation: Deviation | None,
    *,
    final: bool,
    source: str,
    measured: Written | None = None,
) -> ResultRow:
    check = pending.check
    history = known.setdefault(check.id, [])
    previous = history[-1] if history else None
    row = ResultRow(
        check_id=check.id,
        version=previous.version + 1 if previous else 1,
        kind=pending.kind.value,
        raw_text=pending.raw,
        value=pending.value,
        value_number=float(pending.number) if pending.number is not None else None,
        unit=check.unit,
        verdict=pending.evaluation.verdict.value,
        rule=pending.evaluation.rule,
        final=final,
        comment=comment,
        deviation_id=deviation.id if deviation else None,
        reason=pending.reason,
        source=source,
        recorded_by=uow.username,
        recorded_at=uow.now,
        measured_at=measured.measured_at if measured else None,
        measured_zone=measured.measured_zone if measured else None,
        timing_reason=measured.timing_reason if measured else None,
    )
    try:
        insert_result(uow.connection, batch.id, row)
    except sa.exc.IntegrityError:
        if pending.kind == EntryKind.ENTRY:
            raise _already_recorded(check, batch) from None
        raise
    history.append(row)
    new = {
        "value": row.value,
        "unit": row.unit,
        "verdict": row.verdict,
        "rule": row.rule,
        "final": row.final,
        "raw": row.raw_text,
        "version": row.version,
        "source": row.source,
    }
    if comment:
        new["comment"] = comment
    if deviation is not None:
        new["deviation"] = deviation.ref
    if row.measured_at is not None:
        new["measured_at"] = utc_iso(row.measured_at)
        new["measured_zone"] = row.measured_zone
    if row.timing_reason:
        new["timing_reason"] = row.timing_reason
    old = None
    if previous is not None:
        old = {
            "value": previous.value,
            "unit": previous.unit,
            "verdict": previous.verdict,
            "final": previous.final,
            "version": previous.version,
        }
    uow.audit(
        _ACTIONS[pending.kind],
        "result",
        f"{batch.lot}/{check.id}/v{row.version}",
        lot=batch.lot,
        old=old,
        new=new,
        reason=pending.reason,
    )
    return row


def _scan_mismatch(
    uow: UnitOfWork, batch: BatchRow, check: CheckDef, parsed: ParsedValue, known: Known
) -> ScanMismatch:
    expected, what = rules.expected_scan(batch, check, known)
    uow.audit(
        "result.scan_mismatch",
        "result",
        f"{batch.lot}/{check.id}",
        lot=batch.lot,
        new={"scanned": parsed.text, "expected": expected},
        reason="scan refused: it does not match " + what,
    )
    return ScanMismatch(
        f"Mismatch: expected {expected}, scanned {parsed.text}. {check.name} is blocked: "
        "check that the label belongs to this batch and scan again; report a mix-up to QA."
    )


def _open_check(
    uow: UnitOfWork, actor: Actor, permission: Permission, lot: str, check_id: str
) -> tuple[BatchRow, TemplateDef, CheckDef]:
    account, batch = account_and_batch(uow.connection, actor.username, lot)
    role = check_account(account, actor, permission)
    if batch is None:
        raise no_batch(lot)
    tdef = template_of(uow.connection, batch)
    check = tdef.check(check_id.strip())
    open_for(batch, tdef, check)
    if tdef.step_of(check.id).is_release:
        release_recorder(uow, actor.username, role, batch, tdef)
    return batch, tdef, check


def _cited(uow: UnitOfWork, batch: BatchRow, ref: str | None) -> Deviation | None:
    return deviation_for_result(uow.session, batch.id, batch.lot, ref) if ref else None


def _outcome(
    uow: UnitOfWork,
    actor: Actor,
    batch: BatchRow,
    tdef: TemplateDef,
    known: Known,
    changed: list[str],
    notes: list[str],
) -> RecordOutcome:
    """Views of what changed, built from the rows already in hand (checks whose applicability
    changed are read once more)."""
    unread = [cid for cid in changed if cid not in known]
    if unread:
        known.update(versions(uow.connection, batch.id, unread))
    rows = [row for cid in changed for row in known.get(cid, [])]
    names = {actor.username: actor.full_name}
    others = {row.recorded_by for row in rows} - names.keys()
    names.update(user_names(uow.connection, others))
    wanted = {row.deviation_id for row in rows if row.deviation_id}
    refs = {}
    if wanted:
        found = uow.session.exec(
            select(Deviation.id, Deviation.ref).where(Deviation.id.in_(wanted))
        )
        refs = dict(found.all())
    approved = template_approved(uow.connection, batch.template_version_id)
    views = [
        check_view(
            check,
            known.get(check.id, []),
            names,
            refs,
            applies=applicability(check, known),
            condition=condition_text(tdef, check),
            approved=approved,
        )
        for check in map(tdef.check, changed)
    ]
    return RecordOutcome(
        lot=batch.lot, entry=views[0], derived=tuple(views[1:]), notes=tuple(notes)
    )


def _oos_message(items: list[Pending], after_release: bool = False) -> str:
    parts = [
        f"{p.check.id} {p.check.name}: {display_value(p.check, p.value)} is out of specification "
        f"({p.evaluation.rule})"
        for p in items
    ]
    if after_release:
        return "; ".join(parts) + (
            ". The lot is already released: open a deviation and give its reference to record "
            "it (a comment alone is not enough)."
        )
    return "; ".join(parts) + ". Add a comment or a deviation reference to record it."


def _already_recorded(check: CheckDef, batch: BatchRow) -> Conflict:
    return Conflict(
        f"{check.id} ({check.name}) already has a value in lot {batch.lot}. "
        "To change it, correct it and give a reason."
    )


def _derived_message(check: CheckDef) -> str:
    inputs = ", ".join(ref.check_id for ref in check.inputs if ref.check_id)
    return (
        f"{check.id} ({check.name}) is calculated from {inputs}; record or correct those instead."
    )


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    text = " ".join(text.split())
    return text or None


def _required_reason(reason: str | None) -> str:
    text = _clean(reason)
    if not text or len(text) < 3:
        raise DomainError("A correction needs a reason: say why the recorded value was wrong.")
    return text
