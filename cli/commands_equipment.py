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
    info(f"Registered {view.code}: {view.type_words} {view.name}, {view.location}, in use.")
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
    result = "" if event.passed is None else (": passed" if event.passed else ": FAILED")
    due = f", next due {event.next_due.isoformat()}" if event.next_due else ""
    info(
        f"Recorded the {event.kind_words} of {outcome.item.code} on "
        f"{event.performed_on.isoformat()}{result}{due}."
    )
    if event.attachment_sha256:
        info(f"Kept {event.attachment_filename} (SHA-256 {event.attachment_sha256}).")
    _print_outcome(outcome)
    return 0


def cmd_equipment_status(args) -> int:
    db = open_db(args)
    actor = acting(db, args)
    outcome = equipment.set_status(db, actor, args.code, args.status, args.reason)
    if args.json:
        emit_json(_data(outcome))
        return 0
    info(f"{outcome.item.code} is now {outcome.item.status_words}.")
    _print_outcome(outcome)
    return 0


def cmd_equipment_show(args) -> int:
    record = equipment.show_equipment(open_db(args), args.code)
    if args.json:
        emit_json(_data(record))
        return 0
    item = record.item
    info(f"{item.code}: {item.type_words} {item.name}, {item.location}; {item.status_words}.")
    info(f"Registered by {item.created_by} {local_text(item.created_at)}.")
    _print_dues(item)
    info(f"Events ({len(record.events)}):")
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
        headers = ("ON", "WHAT", "OUTCOME", "NEXT DUE", "CERTIFICATE", "FILE", "BY", "RECORDED")
        table((*headers, "NOTE"), events, indent="  ")
    info(f"Used by batches ({len(record.uses)}):")
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
        columns = ("LOT", "CHECK", "STATUS THEN", "DUE THEN", "BY", "USED", "DEVIATION")
        table(columns, uses, indent="  ")
    return 0


def cmd_equipment_list(args) -> int:
    views = equipment.list_equipment(open_db(args), type=args.type, due_within=args.due_within)
    if args.json:
        emit_json(_data(views))
        return 0
    if not views:
        info("No equipment registered." if args.due_within is None else "Nothing due.")
        return 0
    rows = [
        (
            v.code,
            v.type_words,
            v.name,
            v.location,
            v.status_words,
            *(_due_cell(d) for d in v.dues),
            "yes" if v.refusal is None else "NO",
        )
        for v in views
    ]
    headers = ("CODE", "TYPE", "NAME", "LOCATION", "STATUS", "CALIBRATION", "QUALIFICATION")
    table((*headers, "MAINTENANCE", "USABLE"), rows)
    return 0


# -- printing ------------------------------------------------------------------------------------


def _print_dues(item: EquipmentView) -> None:
    for due in item.dues:
        info(f"  {due.words} due: {_due_cell(due) or 'none'}")
    if item.refusal is not None:
        info(f"  May not be used today ({item.today.isoformat()}): {item.refusal}")


def _print_outcome(outcome: EquipmentOutcome) -> None:
    _print_dues(outcome.item)
    if outcome.notice:
        info(outcome.notice)


def _due_cell(due: DueView) -> str:
    if due.due is None:
        return ""
    flag = " (OVERDUE)" if due.overdue else " (due soon)" if due.due_soon else ""
    return due.due.isoformat() + flag


def _outcome_word(passed: bool | None, status_words: str | None) -> str:
    if status_words is not None:
        return status_words
    if passed is None:
        return ""
    return "passed" if passed else "FAILED"


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
