"""Recording values: enter, correct, justify. Each call is one unit of work.

Record: parse the typed text (core.values), judge it (core.specs), compute the derived checks that
depend on it (core.calculations), and write the entry, the derived values and their audit events
together. Out-of-spec results need a comment or a deviation before they are final; a scan must
match what the step expects. Correct: a new version with a reason; the old one stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Context, Decimal

from sqlmodel import Session, select

from core.auth import Actor, Permission
from core.calculations import compute
from core.errors import (
    CalculationError,
    Conflict,
    DomainError,
    JustificationRequired,
    NotFound,
    ScanMismatch,
)
from core.models import (
    Batch,
    BatchStatus,
    Deviation,
    DeviationLink,
    DeviationStatus,
    EntryKind,
    Result,
)
from core.readmodels import RecordOutcome
from core.services.batch_record import (
    batch_template,
    check_view,
    current_results,
    display_value,
    load_batch,
    number_of,
)
from core.services.users import acting_user, full_names
from core.specs import Evaluation, Verdict, evaluate
from core.store import UnitOfWork
from core.store.database import Database
from core.templates.model import CheckDef, TemplateDef
from core.values import ParsedValue, parse_value

_DERIVED_DIGITS = Context(prec=12)


@dataclass
class _Pending:
    """A result row about to be written, with what is needed to audit it."""

    check: CheckDef
    parsed_value: str
    number: Decimal | None
    raw: str
    evaluation: Evaluation
    kind: EntryKind
    reason: str | None = None


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
    comment = _clean(comment)
    mismatch: ScanMismatch | None = None
    with db.unit_of_work(actor.username) as uow:
        acting_user(uow.session, actor, Permission.RECORD)
        batch, tdef, check = _open_check(uow.session, lot, check_id)
        if check.derived:
            raise Conflict(_derived_message(check))
        if current_results(uow.session, batch.id, [check.id]):
            raise Conflict(
                f"{check.id} ({check.name}) already has a value in lot {batch.lot}. "
                "To change it, correct it and give a reason."
            )
        parsed = _parse(check, text)
        evaluation = _judge(uow.session, batch, check, parsed)
        if evaluation is None:
            mismatch = _scan_mismatch(uow, batch, check, parsed)
        else:
            entry = _Pending(
                check, _stored(parsed), parsed.number, parsed.raw, evaluation, EntryKind.ENTRY
            )
            outcome = _write(
                uow, batch, tdef, entry, comment, deviation, hold_if_out_of_spec, source
            )
    if mismatch is not None:
        raise mismatch
    return outcome


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
    reason = _required_reason(reason)
    comment = _clean(comment)
    mismatch: ScanMismatch | None = None
    with db.unit_of_work(actor.username) as uow:
        acting_user(uow.session, actor, Permission.CORRECT)
        batch, tdef, check = _open_check(uow.session, lot, check_id)
        if check.derived:
            raise Conflict(_derived_message(check))
        previous = current_results(uow.session, batch.id, [check.id]).get(check.id)
        if previous is None:
            raise NotFound(
                f"{check.id} has no value in lot {batch.lot} yet: record it instead of correcting."
            )
        parsed = _parse(check, text)
        if _same_value(parsed, previous):
            raise Conflict(
                f"The new value equals the recorded one ({display_value(check, previous.value)})."
            )
        evaluation = _judge(uow.session, batch, check, parsed)
        if evaluation is None:
            mismatch = _scan_mismatch(uow, batch, check, parsed)
        else:
            entry = _Pending(
                check,
                _stored(parsed),
                parsed.number,
                parsed.raw,
                evaluation,
                EntryKind.CORRECTION,
                reason,
            )
            outcome = _write(
                uow, batch, tdef, entry, comment, deviation, hold_if_out_of_spec, "manual"
            )
    if mismatch is not None:
        raise mismatch
    return outcome


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
        acting_user(uow.session, actor, Permission.RECORD)
        batch, tdef, check = _open_check(uow.session, lot, check_id)
        previous = current_results(uow.session, batch.id, [check.id]).get(check.id)
        if previous is None or previous.final:
            raise Conflict(f"{check.id} has no out-of-spec value waiting for a justification.")
        dev = _deviation(uow.session, batch, deviation) if deviation else None
        row = _insert(
            uow,
            batch,
            check,
            value=previous.value,
            number=number_of(previous),
            raw=previous.raw_text,
            verdict=previous.verdict,
            rule=previous.rule,
            final=True,
            kind=EntryKind.JUSTIFICATION,
            comment=comment,
            deviation=dev,
            reason="out-of-spec result justified",
            source=previous.source,
        )
        if dev is not None:
            _link(uow, batch, dev, check.id)
        return _outcome(uow.session, batch, tdef, row, [])


# -- the shared path -----------------------------------------------------------------------------


def _write(
    uow: UnitOfWork,
    batch: Batch,
    tdef: TemplateDef,
    entry: _Pending,
    comment: str | None,
    deviation_ref: str | None,
    hold: bool,
    source: str,
) -> RecordOutcome:
    derived, notes = _derived_values(uow.session, batch, tdef, entry)
    out_of_spec = [p for p in (entry, *derived) if p.evaluation.verdict == Verdict.OOS]
    justified = bool(comment or deviation_ref)
    if out_of_spec and not justified and not hold:
        raise JustificationRequired(_oos_message(out_of_spec))
    dev = _deviation(uow.session, batch, deviation_ref) if deviation_ref else None
    rows = []
    for pending in (entry, *derived):
        is_oos = pending.evaluation.verdict == Verdict.OOS
        attach = pending is entry or is_oos
        rows.append(
            _insert(
                uow,
                batch,
                pending.check,
                value=pending.parsed_value,
                number=pending.number,
                raw=pending.raw,
                verdict=pending.evaluation.verdict.value,
                rule=pending.evaluation.rule,
                final=not is_oos or justified,
                kind=pending.kind,
                comment=comment if attach else None,
                deviation=dev if attach else None,
                reason=pending.reason,
                source=source if pending is entry else "calculated",
            )
        )
    if dev is not None:
        for pending in out_of_spec or [entry]:
            _link(uow, batch, dev, pending.check.id)
    return _outcome(uow.session, batch, tdef, rows[0], rows[1:], notes)


def _insert(
    uow: UnitOfWork,
    batch: Batch,
    check: CheckDef,
    *,
    value: str,
    number: Decimal | None,
    raw: str,
    verdict: str,
    rule: str,
    final: bool,
    kind: EntryKind,
    comment: str | None,
    deviation: Deviation | None,
    reason: str | None,
    source: str,
) -> Result:
    previous = current_results(uow.session, batch.id, [check.id]).get(check.id)
    version = previous.version + 1 if previous else 1
    row = Result(
        batch_id=batch.id,
        check_id=check.id,
        version=version,
        kind=kind.value,
        raw_text=raw,
        value=value,
        value_number=float(number) if number is not None else None,
        unit=check.unit,
        verdict=verdict,
        rule=rule,
        final=final,
        comment=comment,
        deviation_id=deviation.id if deviation else None,
        reason=reason,
        source=source,
        recorded_by=uow.username,
        recorded_at=uow.now,
    )
    uow.session.add(row)
    new = {
        "value": value,
        "unit": check.unit,
        "verdict": verdict,
        "rule": rule,
        "final": final,
        "raw": raw,
        "version": version,
        "source": source,
    }
    if comment:
        new["comment"] = comment
    if deviation is not None:
        new["deviation"] = deviation.ref
    old = None
    if previous is not None:
        old = {
            "value": previous.value,
            "unit": previous.unit,
            "verdict": previous.verdict,
            "final": previous.final,
            "version": previous.version,
        }
    action = {
        EntryKind.ENTRY: "result.record",
        EntryKind.CORRECTION: "result.correct",
        EntryKind.JUSTIFICATION: "result.justify",
        EntryKind.CALCULATION: "result.calculate",
    }[kind]
    uow.audit(
        action,
        "result",
        f"{batch.lot}/{check.id}/v{version}",
        lot=batch.lot,
        old=old,
        new=new,
        reason=reason,
    )
    uow.session.flush()
    return row


def _derived_values(
    session: Session, batch: Batch, tdef: TemplateDef, entry: _Pending
) -> tuple[list[_Pending], list[str]]:
    dependents = tdef.dependents(entry.check.id)
    if not dependents:
        return [], []
    needed = {ref.check_id for d in dependents for ref in d.inputs if ref.check_id}
    current = current_results(session, batch.id, needed | {d.id for d in dependents})
    values: dict[str, Decimal] = {
        cid: n for cid, r in current.items() if (n := number_of(r)) is not None
    }
    if entry.number is not None:
        values[entry.check.id] = entry.number
    pending: list[_Pending] = []
    notes: list[str] = []
    for derived in dependents:
        inputs: dict[str, Decimal] = {}
        for ref in derived.inputs:
            value = ref.constant if ref.check_id is None else values.get(ref.check_id)
            if value is None:
                break
            inputs[ref.param] = value
        else:
            try:
                result = compute(derived.calc or "", inputs).normalize(_DERIVED_DIGITS)
            except CalculationError as error:
                notes.append(f"{derived.id} ({derived.name}) not calculated: {error}")
                continue
            values[derived.id] = result
            text = _plain_decimal(result)
            old = current.get(derived.id)
            if old is not None and old.value == text:
                continue
            parsed = ParsedValue(
                raw=text, kind="number", number=result, text=None, unit=derived.unit
            )
            evaluation = evaluate(
                parsed, derived.spec, precision=derived.precision, notation=derived.notation
            )
            raw = ", ".join(f"{k}={_decimal_text(v)}" for k, v in inputs.items())
            reason = None
            if entry.kind == EntryKind.CORRECTION:
                reason = f"recalculated after the correction of {entry.check.id}"
            pending.append(
                _Pending(
                    derived,
                    text,
                    result,
                    f"{derived.calc}({raw})",
                    evaluation,
                    EntryKind.CALCULATION,
                    reason,
                )
            )
    return pending, notes


def _judge(
    session: Session, batch: Batch, check: CheckDef, parsed: ParsedValue
) -> Evaluation | None:
    """The verdict of a typed value; None for a scan that does not match what is expected."""
    if check.type != "scan":
        return evaluate(
            parsed,
            check.spec,
            precision=check.precision,
            notation=check.notation,
            pass_label=check.pass_label,
            fail_label=check.fail_label,
        )
    expected, what = _expected_scan(session, batch, check)
    if expected is None:
        return Evaluation(Verdict.REPORT, f"scanned; {what}", None, None, None)
    if parsed.text != expected:
        return None
    return Evaluation(Verdict.PASS, f"match: scanned code equals {what}", None, None, None)


def _expected_scan(session: Session, batch: Batch, check: CheckDef) -> tuple[str | None, str]:
    if check.expect == "coi":
        return batch.coi_id, "the chain-of-identity id of the batch"
    if check.expect and check.expect.startswith("check:"):
        ref = check.expect.split(":", 1)[1]
        current = current_results(session, batch.id, [ref]).get(ref)
        if current is None:
            raise Conflict(f"Record {ref} first: {check.id} is compared with it.")
        return current.value, f"the value recorded for {ref}"
    return None, "nothing to compare with"


def _scan_mismatch(
    uow: UnitOfWork, batch: Batch, check: CheckDef, parsed: ParsedValue
) -> ScanMismatch:
    expected, what = _expected_scan(uow.session, batch, check)
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


def _open_check(session: Session, lot: str, check_id: str) -> tuple[Batch, TemplateDef, CheckDef]:
    batch = load_batch(session, lot)
    if batch.status != BatchStatus.IN_PROGRESS:
        raise Conflict(
            f"Lot {batch.lot} is {batch.status.replace('_', ' ')}: its record can no longer change."
        )
    _, tdef = batch_template(session, batch)
    return batch, tdef, tdef.check(check_id.strip())


def _parse(check: CheckDef, text: str) -> ParsedValue:
    return parse_value(
        text,
        kind=check.type,
        unit=check.unit,
        choices=check.choices,
        pass_label=check.pass_label,
        fail_label=check.fail_label,
    )


def _stored(parsed: ParsedValue) -> str:
    if parsed.kind == "number" and parsed.number is not None:
        return _decimal_text(parsed.number)
    return parsed.text or ""


def _same_value(parsed: ParsedValue, previous: Result) -> bool:
    if parsed.number is not None and previous.value_number is not None:
        return parsed.number == Decimal(previous.value)
    return _stored(parsed) == previous.value


def _decimal_text(value: Decimal) -> str:
    return str(value)


def _plain_decimal(value: Decimal) -> str:
    """A calculated number as plain digits (3100000000, not 3.1E+9) where that stays readable."""
    if value.is_zero():
        return "0"
    if -7 <= value.adjusted() <= 18:
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def _deviation(session: Session, batch: Batch, ref: str) -> Deviation:
    dev = session.exec(select(Deviation).where(Deviation.ref == ref.strip().upper())).first()
    if dev is None:
        raise NotFound(f"There is no deviation {ref}. Open one first, then give its reference.")
    if dev.batch_id != batch.id:
        raise Conflict(f"Deviation {dev.ref} belongs to another batch, not to lot {batch.lot}.")
    if dev.status == DeviationStatus.CLOSED:
        raise Conflict(f"Deviation {dev.ref} is closed; open a new one for this result.")
    return dev


def _link(uow: UnitOfWork, batch: Batch, dev: Deviation, check_id: str) -> None:
    exists = uow.session.exec(
        select(DeviationLink).where(
            DeviationLink.deviation_id == dev.id, DeviationLink.check_id == check_id
        )
    ).first()
    if exists is not None:
        return
    uow.session.add(
        DeviationLink(
            deviation_id=dev.id,
            batch_id=batch.id,
            check_id=check_id,
            linked_by=uow.username,
            linked_at=uow.now,
        )
    )
    uow.audit("deviation.link", "deviation", dev.ref, lot=batch.lot, new={"check": check_id})


def _outcome(
    session: Session,
    batch: Batch,
    tdef: TemplateDef,
    entry: Result,
    derived: list[Result],
    notes: list[str] | None = None,
) -> RecordOutcome:
    names = full_names(session)
    refs = {}
    for row in (entry, *derived):
        if row.deviation_id:
            refs[row.deviation_id] = session.get(Deviation, row.deviation_id).ref
    history = {
        cid: sorted(
            session.exec(
                select(Result).where(Result.batch_id == batch.id, Result.check_id == cid)
            ).all(),
            key=lambda r: r.version,
        )
        for cid in {entry.check_id, *(r.check_id for r in derived)}
    }

    def view(row: Result):
        return check_view(tdef.check(row.check_id), history[row.check_id], names, refs)

    return RecordOutcome(
        lot=batch.lot,
        entry=view(entry),
        derived=tuple(view(r) for r in derived),
        notes=tuple(notes or ()),
    )


def _oos_message(items: list[_Pending]) -> str:
    parts = []
    for p in items:
        shown = display_value(p.check, p.parsed_value)
        parts.append(
            f"{p.check.id} {p.check.name}: {shown} is out of specification ({p.evaluation.rule})"
        )
    return "; ".join(parts) + ". Add a comment or a deviation reference to record it."


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
