"""label print | list."""

from __future__ import annotations

from dataclasses import replace

from cli.context import acting, open_db
from cli.output import emit_json, info, table
from core.clock import local_text
from core.i18n import _, ngettext
from core.readmodels import plain
from core.services import labels


def cmd_label_print(args) -> int:
    db = open_db(args)
    actor = acting(db, args)
    outcome = labels.print_labels(
        db,
        actor,
        args.lot,
        args.kind,
        args.count,
        args.stock,
        args.out,
        fmt="zpl" if args.zpl else "pdf",
        expiry=args.expiry,
        storage=args.storage,
        reason=args.reason,
        force=args.force,
        dpi=args.dpi,
    )
    if args.json:
        counted = [
            {
                "id": v.id,
                "name": v.name,
                "value": v.current.value if v.current else None,
                "verdict": v.verdict,
                "final": v.current.final if v.current else None,
            }
            for v in outcome.counted
        ]
        data = plain(replace(outcome, counted=()))
        emit_json({**data, "path": str(outcome.path), "counted": counted})
        return 0
    serials = (
        str(outcome.first_serial)
        if outcome.count == 1
        else f"{outcome.first_serial}–{outcome.last_serial}"
    )
    printed = ngettext(
        "Printed {count} {kind} label for lot {lot} (serial {serials}) to {file} ({format}, "
        "{stock}).",
        "Printed {count} {kind} labels for lot {lot} (serials {serials}) to {file} ({format}, "
        "{stock}).",
        outcome.count,
    )
    info(
        printed.format(
            count=outcome.count,
            kind=outcome.kind_words,
            lot=outcome.lot,
            serials=serials,
            file=outcome.path,
            format=outcome.format.upper(),
            stock=outcome.stock_words,
        )
    )
    info(f"SHA-256 {outcome.sha256}")
    info(
        _("Labels printed for lot {lot}, every kind: {printed}.").format(
            lot=outcome.lot, printed=outcome.printed
        )
    )
    for view in outcome.counted:
        if view.current is not None:
            info(f"  {view.id} {view.name}: {view.current.display} ({view.current.verdict})")
    for note in outcome.notes:
        info(note)
    return 0


def cmd_label_list(args) -> int:
    record = labels.labels_printed(open_db(args), args.lot)
    if args.json:
        emit_json({**plain(record), "printed": record.printed})
        return 0
    info(
        _("Labels printed for lot {lot}: {printed}.").format(lot=record.lot, printed=record.printed)
    )
    table(
        (_("KIND"), _("PRINTED"), _("PRINTS"), _("LAST SERIAL")),
        [(c.kind_words, c.printed, c.prints, c.last_serial) for c in record.counts],
        indent="  ",
    )
    if record.prints:
        info(_("Prints:"))
        rows = [
            (
                local_text(p.printed_at),
                p.kind_words,
                p.count,
                f"{p.first_serial}–{p.last_serial}",
                p.stock,
                p.format.upper(),
                p.printed_by,
                p.sha256[:16] + "…",
                p.reason or "",
            )
            for p in record.prints
        ]
        headers = (_("PRINTED"), _("KIND"), _("COUNT"), _("SERIALS"), _("STOCK"), _("FORMAT"))
        table((*headers, _("BY"), "SHA-256", _("REASON")), rows, indent="  ")
    return 0
