"""The batch summary's section on what the batch used: each material lot and item of equipment
scanned at its point of use, with its status and expiry or due date as they were then, the
quantity taken, and the deviation of a QA override."""

from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from core.reports.styles import H1, MONO_SMALL, NOTE, TINY, WIDTH, grid, head_cells, para
from core.reports.text import ReportContext
from core.words import EQUIPMENT_STATUS_WORDS, LOT_STATUS_WORDS


def materials_used(ctx: ReportContext) -> list[Flowable]:
    story: list[Flowable] = [Paragraph("Materials and equipment used", H1)]
    uses = ctx.report.uses
    if not uses:
        return [*story, para("No material lot or equipment was scanned at a point of use.", NOTE)]
    rows: list[list] = [
        head_cells("Check", "Material / equipment", "Lot / asset", "At use", "Quantity", "By, when")
    ]
    for use in uses:
        words = LOT_STATUS_WORDS if use.kind == "material" else EQUIPMENT_STATUS_WORDS
        status = words.get(use.status_at_use, use.status_at_use)
        due = "expires" if use.kind == "material" else "next due"
        at_use = status + (f"; {due} {use.due_at_use.isoformat()}" if use.due_at_use else "")
        if use.deviation:
            at_use += f"; QA override, deviation {use.deviation}"
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
