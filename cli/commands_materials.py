"""material define | receive | attach-coa | release | reject | expire | quarantine | show | list |
catalogue | recall: materials, their lots, QA's decisions on them and recall."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from cli import credentials
from cli.context import acting, open_db
from cli.output import emit_json, info, table
from core.clock import local_text, utc_iso
from core.i18n import _, ngettext
from core.records.materials import DecisionView, LotView, MaterialView, UseView
from core.words import LOT_STATUS_WORDS, MATERIAL_KIND_WORDS


def cmd_material_define(args) -> int:
    from core.services.materials import define_material

    db = open_db(args)
    actor = acting(db, args)
    view = define_material(db, actor, args.code, args.name, args.kind, args.supplier, args.unit)
    if args.json:
        emit_json(data(view))
        return 0
    info(
        _("Material {code} defined: {name} ({kind}, {supplier}), counted in {unit}.").format(
            code=view.code,
            name=view.name,
            kind=MATERIAL_KIND_WORDS.get(view.kind, view.kind),
            supplier=view.supplier,
            unit=view.unit,
        )
    )
    return 0


def cmd_material_receive(args) -> int:
    from core.services.material_lots import receive_lot

    db = open_db(args)
    actor = acting(db, args)
    view = receive_lot(
        db,
        actor,
        args.code,
        args.lot,
        args.expiry,
        args.quantity,
        coa=Path(args.coa) if args.coa else None,
    )
    if args.json:
        emit_json(data(view))
        return 0
    if view.has_coa:
        received = _(
            "Lot {lot} of {material} received with its certificate of analysis: {quantity}, "
            "expires {expiry}; in quarantine until QA releases it."
        )
    else:
        received = _(
            "Lot {lot} of {material} received (no certificate of analysis): {quantity}, "
            "expires {expiry}; in quarantine until QA releases it."
        )
    info(
        received.format(
            lot=view.lot_number,
            material=view.material_code,
            quantity=_qty(view.quantity_received, view.unit),
            expiry=view.expiry.isoformat(),
        )
    )
    return 0


def cmd_material_attach_coa(args) -> int:
    from core.services.material_lots import attach_coa

    db = open_db(args)
    actor = acting(db, args)
    view = attach_coa(db, actor, args.code, args.lot, Path(args.file))
    kept = view.attachments[-1]
    info(
        _(
            "Certificate of analysis {file} ({size} bytes, SHA-256 {sha256}) kept with lot {lot} "
            "of {material}."
        ).format(
            file=kept.filename,
            size=kept.size,
            sha256=kept.sha256,
            lot=view.lot_number,
            material=view.material_code,
        )
    )
    return 0


def cmd_material_decide(args) -> int:
    from core.services.material_lots import decide_lot
    from core.services.users import authenticate

    db = open_db(args)
    password = credentials.password(args, _("Password (to sign the decision): "))
    actor = authenticate(db, args.user, password)
    view = decide_lot(db, actor, password, args.code, args.lot, args.status, args.reason)
    signed = view.decisions[-1]
    info(
        _("Lot {lot} of {material} is now {status}. {decision}").format(
            lot=view.lot_number,
            material=view.material_code,
            status=_word(view.status),
            decision=_decision_line(signed),
        )
    )
    return 0


def cmd_material_show(args) -> int:
    from core.services.materials import lot

    view = lot(open_db(args), args.code, args.lot)
    if args.json:
        emit_json(data(view))
        return 0
    info(
        _("{material} lot {lot} — {name}").format(
            material=view.material_code, lot=view.lot_number, name=view.material_name
        )
    )
    info(_("  status: {status}").format(status=_status_text(view)))
    if view.status_reason:
        info(_("  last decision's reason: {reason}").format(reason=view.status_reason))
    info(_("  expiry: {expiry}").format(expiry=view.expiry.isoformat()))
    info(
        _("  received {received} by {who} {at}; used {used}; on hand {on_hand}").format(
            received=_qty(view.quantity_received, view.unit),
            who=view.received_by,
            at=local_text(view.received_at),
            used=_qty(view.quantity_used, view.unit),
            on_hand=_qty(view.on_hand, view.unit),
        )
    )
    if not view.attachments:
        info(_("  certificate of analysis: none attached"))
    for a in view.attachments:
        info(
            _("  certificate of analysis: {file} ({size} bytes, SHA-256 {sha256})").format(
                file=a.filename, size=a.size, sha256=a.sha256
            )
        )
    if view.decisions:
        info(_("Decisions (e-signed):"))
        for d in view.decisions:
            info(f"  {_decision_line(d)}")
    if view.uses:
        info(_("Used by:"))
        _uses_table(view.uses, view.unit)
    return 0


def cmd_material_list(args) -> int:
    from core.services.materials import lots

    views = lots(open_db(args), args.material, args.status)
    if args.json:
        emit_json(data(views))
        return 0
    if not views:
        info(_("No lots."))
        return 0
    rows = [
        (
            v.material_code,
            v.lot_number,
            v.expiry.isoformat(),
            _status_text(v),
            _qty(v.on_hand, v.unit),
            _("yes") if v.has_coa else _("no"),
        )
        for v in views
    ]
    table((_("MATERIAL"), _("LOT"), _("EXPIRY"), _("STATUS"), _("ON HAND"), _("COA")), rows)
    return 0


def cmd_material_catalogue(args) -> int:
    from core.services.materials import materials

    views: list[MaterialView] = materials(open_db(args))
    if args.json:
        emit_json(data(views))
        return 0
    if not views:
        info(_("No materials defined yet."))
        return 0
    rows = [
        (v.code, v.name, MATERIAL_KIND_WORDS.get(v.kind, v.kind), v.supplier, v.unit) for v in views
    ]
    table((_("CODE"), _("NAME"), _("KIND"), _("SUPPLIER"), _("UNIT")), rows)
    return 0


def cmd_material_recall(args) -> int:
    from core.services.materials import lot, recall

    db = open_db(args)
    view = lot(db, args.code, args.lot)
    uses = recall(db, args.code, args.lot)
    if args.json:
        emit_json(
            {
                "material": view.material_code,
                "lot": view.lot_number,
                "batches": list(dict.fromkeys(u.batch_lot for u in uses)),
                "uses": data(uses),
            }
        )
        return 0
    if not uses:
        info(
            _("No batch used lot {lot} of {material}.").format(
                lot=view.lot_number, material=view.material_code
            )
        )
        return 0
    batches = list(dict.fromkeys(u.batch_lot for u in uses))
    used = ngettext(
        "Lot {lot} of {material} was used by {n} batch: {batches}",
        "Lot {lot} of {material} was used by {n} batches: {batches}",
        len(batches),
    )
    info(
        used.format(
            lot=view.lot_number,
            material=view.material_code,
            n=len(batches),
            batches=", ".join(batches),
        )
    )
    _uses_table(uses, view.unit)
    return 0


def data(value: Any) -> Any:
    """A read model as JSON-ready data, quantities as exact decimal text and dates as
    YYYY-MM-DD (what is stored, never a float)."""
    if is_dataclass(value) and not isinstance(value, type):
        out = {f.name: data(getattr(value, f.name)) for f in fields(value)}
        if isinstance(value, LotView):
            out["has_coa"] = value.has_coa
        return out
    if isinstance(value, list | tuple):
        return [data(v) for v in value]
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return utc_iso(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _uses_table(uses: list[UseView] | tuple[UseView, ...], unit: str) -> None:
    rows = [
        (
            u.batch_lot,
            u.product,
            u.check_id,
            local_text(u.used_at),
            u.used_by,
            _qty(u.quantity, unit) if u.quantity is not None else "",
            _word(u.status_at_use),
            u.deviation or "",
        )
        for u in uses
    ]
    table(
        (
            _("BATCH"),
            _("PRODUCT"),
            _("CHECK"),
            _("USED AT"),
            _("BY"),
            _("QUANTITY"),
            _("LOT STATUS"),
            _("DEVIATION"),
        ),
        rows,
        indent="  ",
    )


def _status_text(view: LotView) -> str:
    if view.effective_status == view.status:
        return _word(view.status)
    return _("{status} (past its expiry; QA's status: {decided})").format(
        status=_word(view.effective_status), decided=_word(view.status)
    )


def _decision_line(d: DecisionView) -> str:
    if d.signature_valid:
        line = _(
            "{meaning}: {name} ({who}) {at}, certificate {serial} — {reason} [signature verifies]"
        )
    else:
        line = _(
            "{meaning}: {name} ({who}) {at}, certificate {serial} — {reason} "
            "[SIGNATURE DOES NOT VERIFY]"
        )
    return line.format(
        meaning=d.meaning_signed,
        name=d.decided_by_name,
        who=d.decided_by,
        at=local_text(d.decided_at),
        serial=d.certificate_serial,
        reason=d.reason,
    )


def _word(status: str) -> str:
    return LOT_STATUS_WORDS.get(status, status)


def _qty(value: Decimal, unit: str) -> str:
    return f"{format(value, 'f')} {unit}"
