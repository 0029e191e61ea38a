"""The batch summary's section on what the batch used: each material lot and item of equipment
scanned at its point of use, with its status and expiry or due date as they were then, the
quantity taken, and the deviation of a QA override."""

from __future__ import annotations

from reportlab.platypus import Flowable, Table, TableStyle

from core.i18n import _
from core.reports.styles import H1, MONO_SMALL, NOTE, TINY, WIDTH, grid, head_cells, para
from core.reports.text import ReportContext
from core.words import EQUIPMENT_STATUS_WORDS, LOT_STATUS_WORDS


def materials_used(ctx: ReportContext) -> list[Flowable]:
    story: list[Flowable] = [para(_("Materials and equipment used"), H1)]
    uses = ctx.report.uses
    if not uses:
        return [
            *story,
            para(_("No material lot or equipment was scanned at a point of use."), NOTE),
        ]
    rows: list[list] = [
        head_cells(
            _("Check"),
            _("Material / equipment"),
            _("Lot / asset"),
            _("At use"),
            _("Quantity"),
            _("By, when"),
        )
    ]
    for use in uses:
        words = LOT_STATUS_WORDS if use.kind == "material" else EQUIPMENT_STATUS_WORDS
        status = words.get(use.status_at_use, use.status_at_use)
        at_use = status
        if use.due_at_use:
            due = _("expires {date}") if use.kind == "material" else _("next due {date}")
            at_use += "; " + due.format(date=use.due_at_use.isoformat())
        if use.deviation:
            at_use += "; " + _("QA override, deviation {ref}").format(ref=use.deviation)
        rows.append(
            [
                para(use.check_id, MONO_SMALL),
                para(use.what, TINY),
                para(use.identifier, MONO_SMALL),
                para(at_use, TINY),
                para(use.quantity or "—", TINY),
                para(f"{ctx.who(use.used_by)}\n{ctx.time(use.used_at)}", TINY),
            ]
        )
    columns = (92, 120, 70, 120, 45, 68)
    table = Table(rows, colWidths=[w * WIDTH / sum(columns) for w in columns], repeatRows=1)
    table.setStyle(TableStyle(grid()))
    return [*story, table]
