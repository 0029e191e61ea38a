"""batch start | record | correct | justify | show | list, and deviation open | list."""

from __future__ import annotations

from cli import credentials
from cli.context import acting, open_db
from cli.output import emit_json, info, table
from cli.signature_text import manifestation
from core.clock import local_text
from core.errors import DomainError, JustificationRequired
from core.i18n import _
from core.readmodels import BatchView, CheckView, RecordOutcome, ResultVersionView
from core.services import batches, deviations, recording
from core.words import (
    ENTRY_KIND_WORDS,
    STATUS_WORDS,
    VERDICT_WORDS,
    deviation_class_words,
    deviation_status_words,
)


def _verdict_word(verdict: str) -> str:
    """A verdict in capitals, as a terminal line shows it ("OUT OF SPEC")."""
    word = VERDICT_WORDS.get(verdict)
    return word.upper() if word else verdict


def cmd_batch_start(args) -> int:
    db = open_db(args)
    actor = acting(db, args)
    view = batches.start_batch(db, actor, args.template, args.lot, args.coi)
    if view.coi_id:
        started = _("Started lot {lot}: {title} (template {key} v{version}), COI {coi}.")
    else:
        started = _("Started lot {lot}: {title} (template {key} v{version}).")
    info(
        started.format(
            lot=view.lot,
            title=view.template_title,
            key=view.template_key,
            version=view.template_version,
            coi=view.coi_id,
        )
    )
    return 0


def _report_outcome(outcome: RecordOutcome, verb: str, line: str) -> None:
    """``line``: the sentence for the entry ({check} = {value}: {verdict}); ``verb`` (English)
    names what was done for a developer's error."""
    entry = outcome.entry
    if entry.current is None:  # recording, correcting and justifying all leave a current value
        raise RuntimeError(f"{entry.id} has no current value after it was {verb.lower()}")
    info(line.format(check=entry.id, value=entry.current.display, verdict=_verdict(entry.current)))
    for check in outcome.derived:
        if check.current is None or check.applies is False:  # applicability changed
            if check.applies and check.current:
                changed = _(
                    "  {check} ({name}) applies now (only when {condition}); its earlier value "
                    "stays on record"
                )
            elif check.applies:
                changed = _("  {check} ({name}) applies now (only when {condition})")
            elif check.current:
                changed = _(
                    "  {check} ({name}) does not apply (only when {condition}); its earlier "
                    "value stays on record"
                )
            else:
                changed = _("  {check} ({name}) does not apply (only when {condition})")
            info(changed.format(check=check.id, name=check.name, condition=check.condition))
            continue
        current = check.current
        info(
            _("  calculated {check} ({name}) = {value}: {verdict}").format(
                check=check.id, name=check.name, value=current.display, verdict=_verdict(current)
            )
        )
    for note in outcome.notes:
        info(_("  note: {note}").format(note=note))


def _verdict(current: ResultVersionView) -> str:
    if not current.final:
        text = _("{verdict} ({rule}) — NOT FINAL: needs a comment or a deviation")
    else:
        text = _("{verdict} ({rule})")
    return text.format(verdict=_verdict_word(current.verdict), rule=current.shown_rule)


def _justification_hint(error: JustificationRequired) -> JustificationRequired:
    return JustificationRequired(
        _(
            '{refusal} Nothing was written. Add --comment "..." or --deviation DEV-… (open one '
            "with `deviation open`)."
        ).format(refusal=error)
    )


def cmd_batch_record(args) -> int:
    db = open_db(args)
    actor = acting(db, args)
    if args.qa_override:
        if not args.reason:
            raise DomainError(
                _("A QA override needs --reason: why the refused lot or item is used.")
            )
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
        _report_outcome(
            outcome,
            "Recorded on QA's override",
            _("Recorded on QA's override {check} = {value}: {verdict}"),
        )
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
    _report_outcome(outcome, "Recorded", _("Recorded {check} = {value}: {verdict}"))
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
    _report_outcome(outcome, "Corrected", _("Corrected {check} = {value}: {verdict}"))
    return 0


def cmd_batch_justify(args) -> int:
    db = open_db(args)
    actor = acting(db, args)
    outcome = recording.justify_value(
        db, actor, args.lot, args.check, comment=args.comment, deviation=args.deviation
    )
    _report_outcome(outcome, "Justified", _("Justified {check} = {value}: {verdict}"))
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
            _("{key} v{version}").format(key=v.template_key, version=v.template_version),
            v.coi_id or "",
            v.status,
            local_text(v.started_at),
            v.started_by,
        )
        for v in views
    ]
    headers = (_("LOT"), _("FAMILY"), _("TEMPLATE"), _("COI"), _("STATUS"), _("STARTED"))
    table((*headers, _("BY")), rows)
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
    info(
        _("Lot {lot} — {title} [{key} v{version}]").format(
            lot=view.lot,
            title=view.template_title,
            key=view.template_key,
            version=view.template_version,
        )
    )
    if view.coi_id:
        info(_("Chain of identity: {coi}").format(coi=view.coi_id))
    info(
        _("Status: {status}; started {at} by {who}").format(
            status=STATUS_WORDS.get(view.status, view.status),
            at=local_text(view.started_at),
            who=view.started_by,
        )
    )
    ex = view.exceptions
    info(
        _(
            "Exceptions: {out_of_spec} out of spec, {awaiting} awaiting justification, "
            "{corrected} corrected, {deviations} open deviations, {excursions} process "
            "excursions, {invalidated} signatures not valid"
        ).format(
            out_of_spec=ex["out_of_spec"],
            awaiting=ex["awaiting_justification"],
            corrected=ex["corrected"],
            deviations=ex["open_deviations"],
            excursions=ex["process_excursions"],
            invalidated=ex["invalidated_signatures"],
        )
    )
    if ex["process_excursions"]:
        _print_excursions(db, view.lot)
    if view.disposition:
        info(_("Disposition: {signature}").format(signature=manifestation(view.disposition)))
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
                    state = _("does not apply (only when {condition})").format(
                        condition=c.condition
                    )
                elif c.applies is None:
                    state = _("— (applies only when {condition})").format(condition=c.condition)
                rows.append((c.id, c.name, state, "", spec, "", "", ""))
                continue
            notes = []
            if len(c.history) > 1:
                notes.append(f"v{cur.version}")
                corrected.append(c)
            if cur.comment:
                notes.append(_("comment: {comment}").format(comment=cur.comment))
            if cur.deviation:
                notes.append(cur.deviation)
            if not cur.final:
                notes.append(_("NOT FINAL"))
            if cur.measured_at is not None:
                notes.append(
                    _("measured {at} (instrument: {zone})").format(
                        at=local_text(cur.measured_at), zone=cur.measured_zone
                    )
                )
            if cur.timing_reason:
                notes.append(_("time accepted: {reason}").format(reason=cur.timing_reason))
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
        headers = (_("CHECK"), _("NAME"), _("VALUE"), _("VERDICT"), _("SPEC"), _("BY"), _("AT"))
        table((*headers, _("NOTES")), rows, indent="  ")
        for sig in step.signatures:
            info("  " + manifestation(sig))
    if corrected:
        info("\n" + _("History of changed values"))
        for c in corrected:
            info(f"  {c.id} {c.name}")
            for v in c.history:
                kind = ENTRY_KIND_WORDS.get(v.kind, v.kind)
                why = f" — {kind}: {v.reason}" if v.reason else f" — {kind}"
                info(
                    f"    v{v.version}  {v.display}  {_verdict_word(v.verdict)}  "
                    f"{v.recorded_by}  {local_text(v.recorded_at)}{why}"
                )
    if view.deviations:
        info("\n" + _("Deviations"))
        deviation_rows = [
            (
                d.ref,
                deviation_class_words(d.classification),
                deviation_status_words(d.status),
                ", ".join(d.checks),
                d.description,
            )
            for d in view.deviations
        ]
        columns = (_("REF"), _("CLASS"), _("STATUS"), _("CHECKS"), _("DESCRIPTION"))
        table(columns, deviation_rows, indent="  ")
    if view.batch_signatures:
        info("\n" + _("Batch signatures"))
        for sig in view.batch_signatures:
            info("  " + manifestation(sig))


def cmd_deviation_open(args) -> int:
    db = open_db(args)
    actor = acting(db, args)
    view = deviations.open_deviation(db, actor, args.lot, args.cls, args.text, args.check)
    if getattr(args, "json", False):
        emit_json(view)
    else:
        if view.checks:
            opened = _("Opened {ref} ({classification}) on lot {lot} for {checks}.")
        else:
            opened = _("Opened {ref} ({classification}) on lot {lot}.")
        info(
            opened.format(
                ref=view.ref,
                classification=deviation_class_words(view.classification),
                lot=view.lot,
                checks=", ".join(view.checks),
            )
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
            deviation_class_words(d.classification),
            deviation_status_words(d.status),
            ", ".join(d.checks),
            d.opened_by,
            local_text(d.opened_at),
            d.description,
        )
        for d in views
    ]
    headers = (_("REF"), _("CLASS"), _("STATUS"), _("CHECKS"), _("BY"), _("OPENED"))
    table((*headers, _("DESCRIPTION")), rows)
    return 0


def _print_excursions(db, lot: str) -> None:
    from core.services.excursions import list_excursions

    for e in list_excursions(db, lot):
        end = local_text(e.ended_at) if e.ended_at else _("still open")
        info(
            _("  excursion: {what}, {start} – {end}").format(
                what=e.describe(), start=local_text(e.started_at), end=end
            )
        )


def cmd_excursion_assess(args) -> int:
    from core.services.excursion_assessment import assess_excursion

    db = open_db(args)
    actor = acting(db, args)
    view = assess_excursion(
        db, actor, args.lot, args.excursion, deviation=args.deviation, reason=args.reason
    )
    info(
        _("Excursion #{id} of lot {lot} ({what}) assessed: {assessment}").format(
            id=view.id, lot=args.lot, what=view.describe(), assessment=view.assessment
        )
    )
    return 0
