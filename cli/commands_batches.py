"""batch start | record | correct | justify | show | list, and deviation open | list."""

from __future__ import annotations

from cli import credentials
from cli.commands_signing import manifestation
from cli.context import acting, open_db
from cli.output import emit_json, info, table
from core.clock import local_text
from core.errors import DomainError, JustificationRequired
from core.readmodels import BatchView, CheckView, RecordOutcome, ResultVersionView
from core.services import batches, deviations, recording
from core.words import VERDICT_WORDS


def _verdict_word(verdict: str) -> str:
    """A verdict in capitals, as a terminal line shows it ("OUT OF SPEC")."""
    word = VERDICT_WORDS.get(verdict)
    return word.upper() if word else verdict


def cmd_batch_start(args) -> int:
    db = open_db(args)
    actor = acting(db, args)
    view = batches.start_batch(db, actor, args.template, args.lot, args.coi)
    info(
        f"Started lot {view.lot}: {view.template_title} (template {view.template_key} "
        f"v{view.template_version}){f', COI {view.coi_id}' if view.coi_id else ''}."
    )
    return 0


def _report_outcome(outcome: RecordOutcome, verb: str) -> None:
    entry = outcome.entry
    if entry.current is None:  # recording, correcting and justifying all leave a current value
        raise RuntimeError(f"{entry.id} has no current value after it was {verb.lower()}")
    info(f"{verb} {entry.id} = {entry.current.display}: {_verdict(entry.current)}")
    for check in outcome.derived:
        if check.current is None or check.applies is False:  # applicability changed
            state = "applies now" if check.applies else "does not apply"
            kept = "; its earlier value stays on record" if check.current else ""
            info(f"  {check.id} ({check.name}) {state} (only when {check.condition}){kept}")
            continue
        current = check.current
        info(f"  calculated {check.id} ({check.name}) = {current.display}: {_verdict(current)}")
    for note in outcome.notes:
        info(f"  note: {note}")


def _verdict(current: ResultVersionView) -> str:
    text = f"{_verdict_word(current.verdict)} ({current.rule})"
    if not current.final:
        text += " — NOT FINAL: needs a comment or a deviation"
    return text


def _justification_hint(error: JustificationRequired) -> JustificationRequired:
    return JustificationRequired(
        f'{error} Nothing was written. Add --comment "..." or --deviation DEV-… (open one with '
        "`deviation open`)."
    )


def cmd_batch_record(args) -> int:
    db = open_db(args)
    actor = acting(db, args)
    if args.qa_override:
        if not args.reason:
            raise DomainError("A QA override needs --reason: why the refused lot or item is used.")
        outcome = recording.record_with_override(
            db,
            actor,
            args.lot,
            args.check,
            args.value,
            qa_username=args.qa_override,
            qa_password=credentials.second_password(args, args.qa_override),
            reason=args.reason,
        )
        _report_outcome(outcome, "Recorded on QA's override")
        return 0
    try:
        outcome = recording.record_value(
            db,
            actor,
            args.lot,
            args.check,
            args.value,
            comment=args.comment,
            deviation=args.deviation,
        )
    except JustificationRequired as error:
        raise _justification_hint(error) from None
    _report_outcome(outcome, "Recorded")
    return 0


def cmd_batch_correct(args) -> int:
    db = open_db(args)
    actor = acting(db, args)
    try:
        outcome = recording.correct_value(
            db,
            actor,
            args.lot,
            args.check,
            args.value,
            args.reason,
            comment=args.comment,
            deviation=args.deviation,
        )
    except JustificationRequired as error:
        raise _justification_hint(error) from None
    _report_outcome(outcome, "Corrected")
    return 0


def cmd_batch_justify(args) -> int:
    db = open_db(args)
    actor = acting(db, args)
    outcome = recording.justify_value(
        db, actor, args.lot, args.check, comment=args.comment, deviation=args.deviation
    )
    _report_outcome(outcome, "Justified")
    return 0


def cmd_batch_list(args) -> int:
    views = batches.list_batches(
        open_db(args), text=args.search, product_family=args.family, status=args.status
    )
    if args.json:
        emit_json(views)
        return 0
    rows = [
        (
            v.lot,
            v.product_family,
            f"{v.template_key} v{v.template_version}",
            v.coi_id or "",
            v.status,
            local_text(v.started_at),
            v.started_by,
        )
        for v in views
    ]
    table(("LOT", "FAMILY", "TEMPLATE", "COI", "STATUS", "STARTED", "BY"), rows)
    return 0


def cmd_batch_show(args) -> int:
    db = open_db(args)
    view = batches.show_batch(db, args.lot)
    if args.json:
        emit_json(view)
        return 0
    _print_batch(view, show_all=args.all, db=db)
    return 0


def _print_batch(view: BatchView, show_all: bool, db) -> None:
    info(f"Lot {view.lot} — {view.template_title} [{view.template_key} v{view.template_version}]")
    if view.coi_id:
        info(f"Chain of identity: {view.coi_id}")
    info(
        f"Status: {view.status.replace('_', ' ')}; started {local_text(view.started_at)} "
        f"by {view.started_by}"
    )
    ex = view.exceptions
    info(
        f"Exceptions: {ex['out_of_spec']} out of spec, {ex['awaiting_justification']} awaiting "
        f"justification, {ex['corrected']} corrected, {ex['open_deviations']} open deviations, "
        f"{ex['process_excursions']} process excursions, "
        f"{ex['invalidated_signatures']} signatures not valid"
    )
    if ex["process_excursions"]:
        _print_excursions(db, view.lot)
    if view.disposition:
        info("Disposition: " + manifestation(view.disposition))
    corrected: list[CheckView] = []
    for step in view.steps:
        checks = [c for c in step.checks if show_all or c.current is not None]
        if not checks:
            continue
        info(f"\n{step.id}  {step.name}  [{step.state_words}]")
        rows = []
        for c in checks:
            cur = c.current
            spec = f"{c.spec} [{c.caveat}]" if c.caveat else c.spec
            if cur is None:
                state = "—"
                if c.applies is False:
                    state = f"does not apply (only when {c.condition})"
                elif c.applies is None:
                    state = f"— (applies only when {c.condition})"
                rows.append((c.id, c.name, state, "", spec, "", "", ""))
                continue
            notes = []
            if len(c.history) > 1:
                notes.append(f"v{cur.version}")
                corrected.append(c)
            if cur.comment:
                notes.append(f"comment: {cur.comment}")
            if cur.deviation:
                notes.append(cur.deviation)
            if not cur.final:
                notes.append("NOT FINAL")
            if cur.measured_at is not None:
                notes.append(
                    f"measured {local_text(cur.measured_at)} (instrument: {cur.measured_zone})"
                )
            if cur.timing_reason:
                notes.append(f"time accepted: {cur.timing_reason}")
            rows.append(
                (
                    c.id,
                    c.name,
                    cur.display,
                    _verdict_word(cur.verdict),
                    spec,
                    cur.recorded_by,
                    local_text(cur.recorded_at),
                    "; ".join(notes),
                )
            )
        table(("CHECK", "NAME", "VALUE", "VERDICT", "SPEC", "BY", "AT", "NOTES"), rows, indent="  ")
        for sig in step.signatures:
            info("  " + manifestation(sig))
    if corrected:
        info("\nHistory of changed values")
        for c in corrected:
            info(f"  {c.id} {c.name}")
            for v in c.history:
                why = f" — {v.kind}: {v.reason}" if v.reason else f" — {v.kind}"
                info(
                    f"    v{v.version}  {v.display}  {_verdict_word(v.verdict)}  "
                    f"{v.recorded_by}  {local_text(v.recorded_at)}{why}"
                )
    if view.deviations:
        info("\nDeviations")
        deviation_rows = [
            (d.ref, d.classification, d.status, ", ".join(d.checks), d.description)
            for d in view.deviations
        ]
        table(("REF", "CLASS", "STATUS", "CHECKS", "DESCRIPTION"), deviation_rows, indent="  ")
    if view.batch_signatures:
        info("\nBatch signatures")
        for sig in view.batch_signatures:
            info("  " + manifestation(sig))


def cmd_deviation_open(args) -> int:
    db = open_db(args)
    actor = acting(db, args)
    view = deviations.open_deviation(db, actor, args.lot, args.cls, args.text, args.check)
    if getattr(args, "json", False):
        emit_json(view)
    else:
        info(
            f"Opened {view.ref} ({view.classification}) on lot {view.lot}"
            f"{' for ' + ', '.join(view.checks) if view.checks else ''}."
        )
    return 0


def cmd_deviation_list(args) -> int:
    views = deviations.list_deviations(open_db(args), args.lot)
    if args.json:
        emit_json(views)
        return 0
    rows = [
        (
            d.ref,
            d.classification,
            d.status,
            ", ".join(d.checks),
            d.opened_by,
            local_text(d.opened_at),
            d.description,
        )
        for d in views
    ]
    table(("REF", "CLASS", "STATUS", "CHECKS", "BY", "OPENED", "DESCRIPTION"), rows)
    return 0


def _print_excursions(db, lot: str) -> None:
    from core.services.excursions import list_excursions

    for e in list_excursions(db, lot):
        end = local_text(e.ended_at) if e.ended_at else "still open"
        info(f"  excursion: {e.describe()}, {local_text(e.started_at)} – {end}")


def cmd_excursion_assess(args) -> int:
    from core.services.excursion_assessment import assess_excursion

    db = open_db(args)
    actor = acting(db, args)
    view = assess_excursion(
        db, actor, args.lot, args.excursion, deviation=args.deviation, reason=args.reason
    )
    info(f"Excursion #{view.id} of lot {args.lot} ({view.describe()}) assessed: {view.assessment}")
    return 0
