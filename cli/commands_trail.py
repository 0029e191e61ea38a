"""audit checkpoint, clock incidents | clear: the anchors and the clock of the audit trail."""

from __future__ import annotations

from cli import credentials
from cli.context import open_db
from cli.output import emit_json, info, table
from core.clock import local_text
from core.i18n import _
from core.services.users import authenticate


def cmd_audit_checkpoint(args) -> int:
    from core.services.checkpoints import write_checkpoint

    db = open_db(args)
    password = credentials.password(args, _("Password (to sign the checkpoint): "))
    actor = authenticate(db, args.user, password)
    view = write_checkpoint(db, actor, password, "request")
    if args.json:
        emit_json(view)
        return 0
    info(
        _(
            "Checkpoint {id}: the chain holds event {seq} with hash {hash}, signed by {who} {at} "
            "(certificate {serial})."
        ).format(
            id=view.id,
            seq=view.seq,
            hash=view.hash,
            who=view.signer,
            at=local_text(view.at),
            serial=view.certificate_serial,
        )
    )
    return 0


def cmd_clock_incidents(args) -> int:
    from core.services.clock_incidents import incidents

    views = incidents(open_db(args), only_open=not args.all)
    if args.json:
        emit_json(views)
        return 0
    if not views:
        info(_("No open clock incidents.") if not args.all else _("No clock incidents."))
        return 0
    rows = [
        (
            v.id,
            f"{v.ahead_from_seq}–{v.ahead_to_seq}",
            v.ahead_at[:19].replace("T", " "),
            v.clock_read[:19].replace("T", " "),
            v.found_by,
            _("open")
            if v.open
            else _("cleared by {who}: {reason}").format(who=v.cleared_by, reason=v.clear_reason),
        )
        for v in views
    ]
    headers = (_("ID"), _("EVENTS AHEAD"), _("DATED UP TO (UTC)"), _("CLOCK READ (UTC)"))
    table((*headers, _("FOUND BY"), _("STATE")), rows)
    return 0


def cmd_clock_clear(args) -> int:
    from core.services.clock_incidents import clear_incident

    db = open_db(args)
    password = credentials.password(args, _("Password (to sign the clearing): "))
    actor = authenticate(db, args.user, password)
    view = clear_incident(db, actor, password, args.incident, args.reason)
    info(
        _("Clock incident {id} cleared by {who}: {reason}").format(
            id=view.id, who=view.cleared_by, reason=view.clear_reason
        )
    )
    return 0
