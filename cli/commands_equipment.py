"""equipment register | calibrate | qualify | maintain | out-of-service | in-service | show |
list."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from cli.context import acting, open_db
from cli.output import emit_json, info, table
from core.clock import local_text
from core.i18n import _, ngettext
from core.records.equipment import DueView, EquipmentOutcome, EquipmentView
from core.services import equipment


def cmd_equipment_register(args) -> int:
    db = open_db(args)
    actor = acting(db, args)
    view = equipment.register_equipment(
        db,
        actor,
        args.code,
        args.type,
        args.name,
        args.location,
        calibration_due=args.calibration_due,
        qualification_due=args.qualification_due,
        maintenance_due=args.maintenance_due,
    )
    if args.json:
        emit_json(_data(view))
        return 0
    info(
        _("Registered {code}: {type} {name}, {location}, in use.").format(
            code=view.code, type=view.type_words, name=view.name, location=view.location
        )
    )
    _print_dues(view)
    return 0


def cmd_equipment_event(args) -> int:
    db = open_db(args)
    actor = acting(db, args)
    outcome = equipment.record_event(
        db,
        actor,
        args.code,
        args.kind,
        args.on,
        next_due=args.next_due,
        passed=getattr(args, "passed", None),
        certificate=args.certificate,
        certificate_file=Path(args.certificate_file) if args.certificate_file else None,
        note=args.note,
    )
    if args.json:
        emit_json(_data(outcome))
        return 0
    event = outcome.event
    if event is None:  # record_event always writes its event
        raise RuntimeError(f"No {args.kind} was recorded for {args.code}.")
    info(
        _recorded_sentence(event.passed, event.next_due is not None).format(
            kind=event.kind_words,
            code=outcome.item.code,
            on=event.performed_on.isoformat(),
            due=event.next_due.isoformat() if event.next_due else "",
        )
    )
    if event.attachment_sha256:
        info(
            _("Kept {file} (SHA-256 {sha256}).").format(
                file=event.attachment_filename, sha256=event.attachment_sha256
            )
        )
    _print_outcome(outcome)
    return 0


def cmd_equipment_status(args) -> int:
    db = open_db(args)
    actor = acting(db, args)
    outcome = equipment.set_status(db, actor, args.code, args.status, args.reason)
    if args.json:
        emit_json(_data(outcome))
        return 0
    info(
        _("{code} is now {status}.").format(
            code=outcome.item.code, status=outcome.item.status_words
        )
    )
    _print_outcome(outcome)
    return 0


def cmd_equipment_show(args) -> int:
    record = equipment.show_equipment(open_db(args), args.code)
    if args.json:
        emit_json(_data(record))
        return 0
    item = record.item
    info(
        _("{code}: {type} {name}, {location}; {status}.").format(
            code=item.code,
            type=item.type_words,
            name=item.name,
            location=item.location,
            status=item.status_words,
        )
    )
    info(_("Registered by {who} {at}.").format(who=item.created_by, at=local_text(item.created_at)))
    _print_dues(item)
    # the same English for one and many (as before); translators give each form its own words
    events_line = ngettext("Events ({n}):", "Events ({n}):", len(record.events))
    info(events_line.format(n=len(record.events)))
    if record.events:
        events = [
            (
                e.performed_on.isoformat(),
                e.kind_words,
                _outcome_word(e.passed, e.status_words),
                e.next_due.isoformat() if e.next_due else "",
                e.certificate or "",
                f"{e.attachment_filename} {e.attachment_sha256[:16]}…"
                if e.attachment_sha256
                else "",
                e.recorded_by,
                local_text(e.recorded_at),
                e.note or "",
            )
            for e in record.events
        ]
        headers = (_("ON"), _("WHAT"), _("OUTCOME"), _("NEXT DUE"), _("CERTIFICATE"), _("FILE"))
        table((*headers, _("BY"), _("RECORDED"), _("NOTE")), events, indent="  ")
    uses_line = ngettext("Used by batches ({n}):", "Used by batches ({n}):", len(record.uses))
    info(uses_line.format(n=len(record.uses)))
    if record.uses:
        uses = [
            (
                u.lot,
                u.check_id,
                u.status_at_use,
                u.due_at_use.isoformat() if u.due_at_use else "",
                u.used_by,
                local_text(u.used_at),
                u.deviation or "",
            )
            for u in record.uses
        ]
        columns = (_("LOT"), _("CHECK"), _("STATUS THEN"), _("DUE THEN"), _("BY"), _("USED"))
        table((*columns, _("DEVIATION")), uses, indent="  ")
    return 0


def cmd_equipment_list(args) -> int:
    views = equipment.list_equipment(open_db(args), type=args.type, due_within=args.due_within)
    if args.json:
        emit_json(_data(views))
        return 0
    if not views:
        info(_("No equipment registered.") if args.due_within is None else _("Nothing due."))
        return 0
    rows = [
        (
            v.code,
            v.type_words,
            v.name,
            v.location,
            v.status_words,
            *(_due_cell(d) for d in v.dues),
            _("yes") if v.refusal is None else _("NO"),
        )
        for v in views
    ]
    headers = (_("CODE"), _("TYPE"), _("NAME"), _("LOCATION"), _("STATUS"), _("CALIBRATION"))
    table((*headers, _("QUALIFICATION"), _("MAINTENANCE"), _("USABLE")), rows)
    return 0


# -- printing ------------------------------------------------------------------------------------


def _recorded_sentence(passed: bool | None, has_due: bool) -> str:
    """ "Recorded the calibration of BSC-01 on …", with its outcome and next due day, if any."""
    if passed is None:
        if has_due:
            return _("Recorded the {kind} of {code} on {on}, next due {due}.")
        return _("Recorded the {kind} of {code} on {on}.")
    if passed:
        if has_due:
            return _("Recorded the {kind} of {code} on {on}: passed, next due {due}.")
        return _("Recorded the {kind} of {code} on {on}: passed.")
    if has_due:
        return _("Recorded the {kind} of {code} on {on}: FAILED, next due {due}.")
    return _("Recorded the {kind} of {code} on {on}: FAILED.")


def _print_dues(item: EquipmentView) -> None:
    for due in item.dues:
        info(_("  {what} due: {when}").format(what=due.words, when=_due_cell(due) or _("none")))
    if item.refusal is not None:
        info(
            _("  May not be used today ({today}): {refusal}").format(
                today=item.today.isoformat(), refusal=item.refusal
            )
        )


def _print_outcome(outcome: EquipmentOutcome) -> None:
    _print_dues(outcome.item)
    if outcome.notice:
        info(outcome.notice)


def _due_cell(due: DueView) -> str:
    if due.due is None:
        return ""
    if due.overdue:
        return _("{day} (OVERDUE)").format(day=due.due.isoformat())
    if due.due_soon:
        return _("{day} (due soon)").format(day=due.due.isoformat())
    return due.due.isoformat()


def _outcome_word(passed: bool | None, status_words: str | None) -> str:
    if status_words is not None:
        return status_words
    if passed is None:
        return ""
    return _("passed") if passed else _("FAILED")


def _data(value: Any) -> Any:
    """A read model as JSON-ready data: days as YYYY-MM-DD, the overdue / due-soon flags kept."""
    if is_dataclass(value) and not isinstance(value, type):
        data = {f.name: _data(getattr(value, f.name)) for f in fields(value)}
        for name in ("overdue", "due_soon"):
            if isinstance(getattr(type(value), name, None), property):
                data[name] = getattr(value, name)
        return data
    if isinstance(value, list | tuple):
        return [_data(v) for v in value]
    if isinstance(value, datetime):
        return value  # emit_json writes it as UTC ISO text
    if isinstance(value, date):
        return value.isoformat()
    return value
