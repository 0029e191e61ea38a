"""The batch summary's custody section (autologous batches): every hand-off of the patient's
material with when, where, container, temperature logger, who and their e-signature where the
template asks, and the trail's state in words — complete, or incomplete with what is missing."""

from __future__ import annotations

from reportlab.platypus import Flowable, Table, TableStyle

from core.i18n import _
from core.reports.styles import BODY, H1, MONO_SMALL, NOTE, TINY, WIDTH, grid, head_cells, para
from core.reports.text import ReportContext


def custody_section(ctx: ReportContext) -> list[Flowable]:
    trail = ctx.report.custody
    if trail is None or not trail.autologous:
        return []
    marker = "" if trail.complete else "⚠ "
    story: list[Flowable] = [
        para(_("Custody of the patient's material"), H1),
        para(marker + trail.status_text(), BODY),
    ]
    if not trail.events:
        return [*story, para(_("No hand-off recorded yet."), NOTE)]
    rows: list[list] = [
        head_cells(
            _("Hand-off"),
            _("When"),
            _("Where"),
            _("Container / logger"),
            _("By"),
            _("E-signature"),
        )
    ]
    for event in trail.events:
        where = event.location + (f"\n{event.temperature}" if event.temperature else "")
        held = " / ".join(x for x in (event.container_id, event.logger_id) if x) or "—"
        if event.signed:
            signed = (
                "✔ " + _("valid") if event.signature_valid else "✖ " + _("does not verify")
            ) + (f"\n{event.signer_name}" if event.signer_name else "")
        else:
            signed = _("required, missing") if event.signature_required else "—"
        flags = [
            w
            for w, on in (
                (_("out of order"), event.out_of_order),
                (_("recorded again"), event.repeated),
            )
            if on
        ]
        rows.append(
            [
                para(event.words + (f"\n({', '.join(flags)})" if flags else ""), TINY),
                para(ctx.time(event.occurred_at), TINY),
                para(where, TINY),
                para(held, MONO_SMALL),
                para(ctx.who(event.recorded_by), TINY),
                para(signed, TINY),
            ]
        )
    columns = (80, 70, 110, 90, 75, 80)
    table = Table(rows, colWidths=[w * WIDTH / sum(columns) for w in columns], repeatRows=1)
    table.setStyle(TableStyle(grid()))
    return [*story, table]
