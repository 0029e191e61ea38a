"""custody record | trail: the hand-offs of an autologous patient's material, each checked against
the chain-of-identity id scanned at it, and the trail against the template's custody plan."""

from __future__ import annotations

from typing import Any

from cli import credentials
from cli.context import open_db
from cli.output import emit_json, info, table
from core.clock import local_text
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
    signed = f"; e-signed by {event.signer_name}" if event.signed else ""
    info(
        f"Lot {trail.lot}: {event.words} recorded ({local_text(event.occurred_at)}, "
        f"{event.location}; chain of identity {event.coi_scanned} matches){signed}."
    )
    for flag in _flags(event):
        info(f"  note: {flag}")
    info(trail.status_text())
    return 0


def cmd_custody_trail(args) -> int:
    from core.services.custody import custody_trail

    trail = custody_trail(open_db(args), args.lot)
    if args.json:
        emit_json(data(trail))
        return 0
    coi = f" (chain of identity {trail.coi_id})" if trail.coi_id else ""
    info(f"Custody trail of lot {trail.lot}{coi}")
    if trail.events:
        table(
            (
                "WHEN",
                "EVENT",
                "LOCATION",
                "CONTAINER",
                "LOGGER",
                "TEMPERATURE",
                "BY",
                "E-SIGNATURE",
                "NOTES",
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
        info("  no hand-off recorded yet")
    if trail.planned:
        info(
            "Plan: "
            + ", ".join(f"{'✔' if e.done else '○'} {e.label}" for e in trail.expected)
            + (f" (e-signed: {', '.join(trail.sign)})" if trail.sign else "")
        )
    info(trail.status_text())
    return 0


def signature_words(event: CustodyEventView) -> str:
    if event.signed and event.signature_valid:
        return f"{event.signer_name}, verifies (certificate {event.certificate_serial})"
    if event.signed:
        return f"{event.signer_name}, DOES NOT VERIFY"
    return "REQUIRED, MISSING" if event.signature_required else "—"


def _flags(event: CustodyEventView) -> list[str]:
    flags = []
    if event.out_of_order:
        flags.append("out of the plan's order")
    if event.repeated:
        flags.append("recorded again (it happens once)")
    if not event.in_plan:
        flags.append("not in the custody plan")
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
