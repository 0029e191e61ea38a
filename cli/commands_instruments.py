"""profiles, import, simulate: instrument files and process traces."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from cli.context import acting, open_db
from cli.output import emit_json, info, table
from core.i18n import _, ngettext


def cmd_profiles(args) -> int:
    from core.services.imports import profiles

    found = profiles()
    if args.json:
        emit_json(
            [
                {"name": p.name, "title": p.title, "kind": p.kind, "description": p.description}
                for p in found
            ]
        )
        return 0
    table((_("PROFILE"), _("KIND"), _("FOR")), [(p.name, p.kind, p.title) for p in found])
    return 0


def cmd_import(args) -> int:
    from core.errors import DomainError
    from core.instruments.model import SampleNamesNoStep
    from core.services.imports import import_file

    db = open_db(args)
    actor = acting(db, args)
    try:
        outcome = import_file(
            db,
            actor,
            args.batch,
            Path(args.file),
            profile=args.profile,
            timezone=args.timezone,
            step=args.step,
            reason=args.reason,
        )
    except SampleNamesNoStep as refusal:  # on the command line, the step is an option
        steps = ", ".join(step_id for step_id, _choice in refusal.choices) or _("none")
        raise DomainError(
            _(
                "{refusal} To import it for one step: --step STEP_ID (steps with such a check: "
                "{steps})."
            ).format(refusal=refusal, steps=steps)
        ) from None
    imported = ngettext(
        "Imported {file} into lot {lot} ({profile}, {rows} rows, SHA-256 {sha256}).",
        "Imported {file} into lot {lot} ({profile}, {rows} rows, SHA-256 {sha256}).",
        outcome.rows,
    )  # the same English for one and many (as before); translators give each form its words
    info(
        imported.format(
            file=outcome.filename,
            lot=outcome.lot,
            profile=outcome.profile,
            rows=outcome.rows,
            sha256=outcome.sha256,
        )
    )
    for check_id, shown, verdict in outcome.recorded:
        info(f"  {check_id} = {shown}: {verdict}")
    for key, n in outcome.points.items():
        info(ngettext("  {key}: {n} points", "  {key}: {n} points", n).format(key=key, n=n))
    if outcome.excursions:
        info(
            _("  {n} excursion(s) beyond the alarm bands: see the batch.").format(
                n=outcome.excursions
            )
        )
    for note in outcome.notes:
        info(_("  note: {note}").format(note=note))
    return 0


def cmd_simulate(args) -> int:
    from core import outputs
    from core.instruments.simulator import simulate

    start = datetime.now(UTC).replace(microsecond=0)
    if args.start:
        start = datetime.fromisoformat(args.start)
        if start.tzinfo is None:
            start = start.replace(tzinfo=UTC)

    def write(path: Path) -> None:
        simulate(
            path, days=args.days, rate_hz=args.rate, start=start, seed=args.seed, speed=args.speed
        )

    if args.speed:  # a live log: followed while it is written, so written in place
        write(outputs.create_live(args.out, force=args.force))
    else:
        outputs.write_via(args.out, write, force=args.force)
    info(
        _("Wrote a {days:g}-day bioreactor log at {rate:g} Hz to {file}.").format(
            days=args.days, rate=args.rate, file=args.out
        )
    )
    return 0
