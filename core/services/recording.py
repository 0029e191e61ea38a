"""Recording values: enter, correct, justify. Each call is one unit of work.

Record: parse the typed text (core.values), judge it (core.specs), compute the derived checks that
depend on it (core.calculations), and write the entry, the derived values and their audit events
together. Out-of-spec results need a comment or a deviation before they are final; a scan must
match what the step expects. Correct: a new version with a reason; the old one stays.
"""

from __future__ import annotations

from dataclasses import replace

from core.auth import Actor, Permission
from core.check_kinds import kind_of
from core.errors import (
    Conflict,
    DomainError,
    JustificationRequired,
    NotFound,
    PermissionDenied,
    ScanMismatch,
    UseRefused,
)
from core.i18n import N_, _
from core.models import Deviation, EntryKind, id_of
from core.models.batches import AFTER_RELEASE
from core.readmodels import RecordOutcome
from core.records.accounts import acting_user, check_account
from core.records.result_rows import (
    BatchRow,
    account_and_batch,
    no_batch,
    template_of,
    versions,
)
from core.rule_words import USE_OVERRIDE
from core.services import entry_rules as rules
from core.services import label_counts, point_of_use
from core.services.deviations import deviation_for_result, link_check
from core.services.entry_rules import Pending
from core.services.release_entries import after_release_move, open_for, release_recorder
from core.services.result_writes import (
    Entry,
    Known,
    Written,
    already_recorded,
    changed_views,
    insert,
)
from core.services.settings import site_decimal_mark
from core.specs import Verdict
from core.store import Database, UnitOfWork
from core.templates.describe import display_value
from core.templates.model import CheckDef, TemplateDef
from core.text_rules import COMMENT, REASON, optional_text
from core.values import ParsedValue


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
    decimal_mark: str | None = None,
) -> RecordOutcome:
    """Record the first value of a check. Out of spec without a comment or deviation is refused,
    unless ``hold_if_out_of_spec``: then it is kept as not final until justified.
    ``decimal_mark``: None for a person's typing (the check's mark, else the site's); "point"
    for text a program wrote."""
    entry = Entry(EntryKind.ENTRY, Permission.RECORD, None, source)
    written = Written(optional_text(comment, COMMENT), deviation, hold_if_out_of_spec, source)
    return _enter(db, actor, lot, check_id, text, entry, written, decimal_mark)


def record_with_override(
    db: Database,
    actor: Actor,
    lot: str,
    check_id: str,
    text: str,
    *,
    qa_username: str,
    qa_password: str,
    reason: str,
) -> RecordOutcome:
    """Record a lot or an item of equipment that was refused at its point of use, on QA's
    authority: QA re-authenticates here, gives the reason, and a deviation is opened for it."""
    from core.services.users import authenticate

    why = point_of_use.override_reason(reason)
    qa = authenticate(db, qa_username, qa_password)
    entry = Entry(EntryKind.ENTRY, Permission.RECORD, None, "manual")
    override = point_of_use.UseOverride(qa, why)
    written = Written(None, None, False, "manual", override=override)
    return _enter(db, actor, lot, check_id, text, entry, written, None)


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
    decimal_mark: str | None = None,
) -> RecordOutcome:
    """Replace a recorded value by a new version; the old version stays, the reason is kept."""
    entry = Entry(EntryKind.CORRECTION, Permission.CORRECT, _required_reason(reason), "manual")
    written = Written(optional_text(comment, COMMENT), deviation, hold_if_out_of_spec, "manual")
    return _enter(db, actor, lot, check_id, text, entry, written, decimal_mark)


def _enter(
    db: Database,
    actor: Actor,
    lot: str,
    check_id: str,
    text: str,
    how: Entry,
    written: Written,
    decimal_mark: str | None,
) -> RecordOutcome:
    with db.unit_of_work(actor.username) as uow:
        batch, tdef, check = _open_check(uow, actor, how.permission, lot, check_id)
        if written.override is not None:
            acting_user(uow.session, written.override.qa, Permission.OVERRIDE_POINT_OF_USE)
        if decimal_mark is None and kind_of(check).numeric:  # the site's, read once per entry
            decimal_mark = check.decimal_mark or site_decimal_mark(uow.connection)
        mark = decimal_mark or "auto"
        outcome = enter_in(uow, actor, batch, tdef, check, text, how, written, decimal_mark=mark)
    if isinstance(outcome, DomainError):
        raise outcome  # its audit event is committed: a refused scan or use is on the record
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
    *,
    decimal_mark: str,
) -> RecordOutcome | ScanMismatch | UseRefused:
    """An entry (or correction) inside the caller's unit of work: an import records all of a
    file's values in one. ``decimal_mark`` reads a number's text (core.values: "point" for text a
    program wrote). A scan that does not match, or a lot or item that may not be used, comes back
    as the error to raise once the unit of work has committed its audit event."""
    if check.derived:
        raise Conflict(_derived_message(check))
    label_counts.refuse_typed(check, how.source)  # labels printed: Lotbook counts them
    related = rules.related_checks(tdef, check)
    if how.kind == EntryKind.ENTRY and len(related) == 1 and not tdef.conditioned_by(check.id):
        # A first entry of a check nothing depends on needs no reading: the unique version
        # number refuses a second one when it is written.
        known: Known = {}
    else:
        known = versions(uow.connection, batch.id, related)
    history = known.get(check.id)
    if how.kind == EntryKind.ENTRY and history:
        raise already_recorded(check, batch)
    if how.kind == EntryKind.CORRECTION and not history:
        raise NotFound(
            _("{id} has no value in lot {lot} yet: record it instead of correcting.").format(
                id=check.id, lot=batch.lot
            )
        )
    parsed = rules.parse(check, text, decimal_mark)
    rules.require_applicable(tdef, check, known)
    if history and rules.same_value(parsed, history[-1]):
        shown = display_value(check, history[-1].value)
        raise Conflict(_("The new value equals the recorded one ({value}).").format(value=shown))
    if check.point_of_use:
        return _use(uow, actor, batch, tdef, check, parsed, how, written, known)
    if written.override is not None:
        raise Conflict(
            _("{id} takes no lot or equipment: there is nothing to override.").format(id=check.id)
        )
    evaluation = rules.judge(batch, check, parsed, known)
    if evaluation is None:
        return _scan_mismatch(uow, batch, check, parsed, known)
    value = rules.stored_text(parsed)
    pending = Pending(check, value, parsed.number, parsed.raw, evaluation, how.kind, how.reason)
    before = history[-1].number if history else None  # _write adds the new version to known
    outcome = _write(uow, actor, batch, tdef, pending, known, written)
    if check.consumes:
        point_of_use.take_quantity(uow, batch, check, parsed.number, before)
    return outcome


def _use(
    uow: UnitOfWork,
    actor: Actor,
    batch: BatchRow,
    tdef: TemplateDef,
    check: CheckDef,
    parsed: ParsedValue,
    how: Entry,
    written: Written,
    known: Known,
) -> RecordOutcome | UseRefused:
    """A lot or an item of equipment scanned where it is used: refused (and audited) when it may
    not be used, unless QA overrides; kept with the batch as it was then."""
    found = point_of_use.assess(uow, check, parsed.text or "")
    override = written.override
    if found.refusal is not None and override is None:
        return point_of_use.refused(uow, batch, check, found)
    if found.refusal is None and override is not None:
        raise Conflict(
            _(
                "{rule}: it may be used, there is nothing to override. Record it without an "
                "override."
            ).format(rule=f"{found.shown_rule[:1].upper()}{found.shown_rule[1:]}")
        )
    if found.lot_id is None and found.equipment_id is None:
        raise Conflict(
            _("{refusal} Nothing on record to override.").format(refusal=found.shown_refusal)
        )
    evaluation = rules.Evaluation(Verdict.PASS, found.rule, None, None, None)
    if override is not None:
        if override.qa.username == actor.username:
            raise PermissionDenied.said(
                N_(
                    "QA overrides a refused lot or equipment for someone else's entry, never "
                    "for their own."
                ),
                keyword={"username": actor.username},
            )
        ref = point_of_use.open_override(uow, batch, check, found, override)
        written = replace(written, deviation=ref, override=None)
        evaluation = rules.Evaluation(
            Verdict.PASS, USE_OVERRIDE.format(ref=ref, refusal=found.refusal), None, None, None
        )
    value = " ".join((parsed.text or "").split())
    if found.equipment_id is not None:
        value = value.upper()
    pending = Pending(check, value, None, parsed.raw, evaluation, how.kind, how.reason)
    outcome = _write(uow, actor, batch, tdef, pending, known, written)
    deviation = _cited(uow, batch, written.deviation) if override is not None else None
    point_of_use.keep_use(uow, batch, check, found, id_of(deviation) if deviation else None)
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
    comment = optional_text(comment, COMMENT)
    if not comment and not deviation:
        raise JustificationRequired(_("Give a comment or a deviation reference."))
    with db.unit_of_work(actor.username) as uow:
        batch, tdef, check = _open_check(uow, actor, Permission.RECORD, lot, check_id)
        if batch.status in AFTER_RELEASE and not deviation:
            raise JustificationRequired(
                _(
                    "Lot {lot} is already released: an out-of-specification result needs a "
                    "deviation reference (a comment alone is not enough)."
                ).format(lot=batch.lot)
            )
        known = versions(uow.connection, batch.id, [check.id])
        history = known.get(check.id)
        if not history or history[-1].final:
            raise Conflict(
                _("{id} has no out-of-spec value waiting for a justification.").format(id=check.id)
            )
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
        insert(uow, batch, held, known, comment, dev, final=True, source=previous.source)
        if dev is not None:
            link_check(uow, batch.id, batch.lot, dev, check.id)
        notes = []
        if batch.status in AFTER_RELEASE and (
            moved := after_release_move(uow, batch.lot, check.id)
        ):
            notes.append(moved)
        return changed_views(uow, actor, batch, tdef, known, [check.id], notes)


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
        insert(
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
    return changed_views(uow, actor, batch, tdef, known, changed, notes)


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
        _(
            "Mismatch: expected {expected}, scanned {scanned}. {name} is blocked: check that the "
            "label belongs to this batch and scan again; report a mix-up to QA."
        ).format(expected=expected, scanned=parsed.text, name=check.name)
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


def _oos_message(items: list[Pending], after_release: bool = False) -> str:
    parts = "; ".join(
        _("{id} {name}: {value} is out of specification ({rule})").format(
            id=p.check.id,
            name=p.check.name,
            value=display_value(p.check, p.value),
            rule=p.evaluation.rule,
        )
        for p in items
    )
    if after_release:
        return _(
            "{results}. The lot is already released: open a deviation and give its reference "
            "to record it (a comment alone is not enough)."
        ).format(results=parts)
    return _("{results}. Add a comment or a deviation reference to record it.").format(
        results=parts
    )


def _derived_message(check: CheckDef) -> str:
    inputs = ", ".join(ref.check_id for ref in check.inputs if ref.check_id)
    return _("{id} ({name}) is calculated from {inputs}; record or correct those instead.").format(
        id=check.id, name=check.name, inputs=inputs
    )


def _required_reason(reason: str | None) -> str:
    text = optional_text(reason, REASON)
    if not text or len(text) < 3:
        raise DomainError(_("A correction needs a reason: say why the recorded value was wrong."))
    return text
