"""custody record | trail: the hand-offs of an autologous patient's material, each checked against
the chain-of-identity id scanned at it, and the trail against the template's custody plan."""

from __future__ import annotations

from typing import Any

from cli import credentials
from cli.context import open_db
from cli.output import emit_json, info, table
from core.clock import local_text
from core.i18n import _
from core.readmodels import plain
from core.records.custody import CustodyEventView, CustodyTrail


def cmd_custody_record(args) -> int:
    from core.services.custody import record_custody
    from core.services.log_in import log_in

    db = open_db(args)
    # one password: it logs the user in and, where the plan asks, signs the event
    password = credentials.password(args)
    actor = log_in(db, args.user, password)
    trail = record_custody(
        db,
        actor,
        args.lot,
        args.kind,
        coi_scanned=args.coi,
        occurred_at=args.at,
        location=args.location,
        container_id=args.container,
        logger_id=args.logger,
        temperature=args.temperature,
        note=args.note,
        password=password,
    )
    event = max(trail.events, key=lambda e: e.id)
    if event.signed:
        recorded = _(
            "Lot {lot}: {event} recorded ({at}, {location}; chain of identity {coi} matches); "
            "e-signed by {signer}."
        )
    else:
        recorded = _(
            "Lot {lot}: {event} recorded ({at}, {location}; chain of identity {coi} matches)."
        )
    info(
        recorded.format(
            lot=trail.lot,
            event=event.words,
            at=local_text(event.occurred_at),
            location=event.location,
            coi=event.coi_scanned,
            signer=event.signer_name,
        )
    )
    for flag in _flags(event):
        info(_("  note: {note}").format(note=flag))
    info(trail.status_text())
    return 0


def cmd_custody_trail(args) -> int:
    from core.services.custody import custody_trail

    trail = custody_trail(open_db(args), args.lot)
    if args.json:
        emit_json(data(trail))
        return 0
    if trail.coi_id:
        title = _("Custody trail of lot {lot} (chain of identity {coi})")
    else:
        title = _("Custody trail of lot {lot}")
    info(title.format(lot=trail.lot, coi=trail.coi_id))
    if trail.events:
        table(
            (
                _("WHEN"),
                _("EVENT"),
                _("LOCATION"),
                _("CONTAINER"),
                _("LOGGER"),
                _("TEMPERATURE"),
                _("BY"),
                _("E-SIGNATURE"),
                _("NOTES"),
            ),
            [
                (
                    local_text(e.occurred_at),
                    e.words,
                    e.location,
                    e.container_id or "",
                    e.logger_id or "",
                    e.temperature or "",
                    f"{e.recorded_by_name} ({e.recorded_by})",
                    signature_words(e),
                    "; ".join(_flags(e)),
                )
                for e in trail.events
            ],
            indent="  ",
        )
    elif trail.autologous:
        info(_("  no hand-off recorded yet"))
    if trail.planned:
        steps = ", ".join(f"{'✔' if e.done else '○'} {e.label}" for e in trail.expected)
        plan = _("Plan: {steps} (e-signed: {signed})") if trail.sign else _("Plan: {steps}")
        info(plan.format(steps=steps, signed=", ".join(trail.sign)))
    info(trail.status_text())
    return 0


def signature_words(event: CustodyEventView) -> str:
    if event.signed and event.signature_valid:
        return _("{signer}, verifies (certificate {serial})").format(
            signer=event.signer_name, serial=event.certificate_serial
        )
    if event.signed:
        return _("{signer}, DOES NOT VERIFY").format(signer=event.signer_name)
    return _("REQUIRED, MISSING") if event.signature_required else "—"


def _flags(event: CustodyEventView) -> list[str]:
    flags = []
    if event.out_of_order:
        flags.append(_("out of the plan's order"))
    if event.repeated:
        flags.append(_("recorded again (it happens once)"))
    if not event.in_plan:
        flags.append(_("not in the custody plan"))
    if event.note:
        flags.append(event.note)
    return flags


def data(trail: CustodyTrail) -> dict[str, Any]:
    """The trail as JSON-ready data, with its verdict."""
    out = plain(trail)
    out["complete"] = trail.complete
    out["status"] = trail.status_text()
    out["missing"] = [plain(e) | {"label": e.label} for e in trail.missing]
    out["out_of_order"] = [e.id for e in trail.out_of_order]
    return out
