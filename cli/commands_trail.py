"""audit checkpoint, clock incidents | clear: the anchors and the clock of the audit trail."""

from __future__ import annotations

from cli import credentials
from cli.context import open_db
from cli.output import emit_json, info, table
from core.clock import local_text
from core.services.users import authenticate


def cmd_audit_checkpoint(args) -> int:
    from core.services.checkpoints import write_checkpoint

    db = open_db(args)
    password = credentials.password(args, "Password (to sign the checkpoint): ")
    actor = authenticate(db, args.user, password)
    view = write_checkpoint(db, actor, password, "request")
    if args.json:
        emit_json(view)
        return 0
    info(
        f"Checkpoint {view.id}: the chain holds event {view.seq} with hash {view.hash}, signed by "
        f"{view.signer} {local_text(view.at)} (certificate {view.certificate_serial})."
    )
    return 0


def cmd_clock_incidents(args) -> int:
    from core.services.clock_incidents import incidents

    views = incidents(open_db(args), only_open=not args.all)
    if args.json:
        emit_json(views)
        return 0
    if not views:
        info("No open clock incidents." if not args.all else "No clock incidents.")
        return 0
    rows = [
        (
            v.id,
            f"{v.ahead_from_seq}–{v.ahead_to_seq}",
            v.ahead_at[:19].replace("T", " "),
            v.clock_read[:19].replace("T", " "),
            v.found_by,
            "open" if v.open else f"cleared by {v.cleared_by}: {v.clear_reason}",
        )
        for v in views
    ]
    table(
        ("ID", "EVENTS AHEAD", "DATED UP TO (UTC)", "CLOCK READ (UTC)", "FOUND BY", "STATE"), rows
    )
    return 0


def cmd_clock_clear(args) -> int:
    from core.services.clock_incidents import clear_incident

    db = open_db(args)
    password = credentials.password(args, "Password (to sign the clearing): ")
    actor = authenticate(db, args.user, password)
    view = clear_incident(db, actor, password, args.incident, args.reason)
    info(f"Clock incident {view.id} cleared by {view.cleared_by}: {view.clear_reason}")
    return 0
