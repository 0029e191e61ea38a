"""The batch's audit-trail extract: one fast table of small monospaced text, a row per event on
two lines where it fits (action over entity id, date over time), the old → new values capped at
a few lines — the full events are in the audit-trail export."""

from __future__ import annotations

from core.audit_text import change_text
from core.i18n import N_, _
from core.readmodels import AuditEventView
from core.reports.fasttable import FastTable, TableLook
from core.reports.fonts import MONO, SANS_BOLD
from core.reports.styles import H1, NOTE, WIDTH, Flowable, Spacer, para
from core.reports.text import ReportContext, shorten

FONT_SIZE = 5.3
LEADING = 6.3
PADDING = 1.6
COLUMNS = (21, 43, 30, 80, 245, 96)  # points; scaled to the frame width
MAX_LINES = (1, 2, 2, 3, 3, 3)  # per column: the full event is in the audit-trail export
HEAD = (N_("Seq"), N_("Time"), N_("User"), N_("Action · entity id"), N_("Old → new"), N_("Reason"))
LOOK = TableLook(
    font=MONO,
    header_font=SANS_BOLD,
    size=FONT_SIZE,
    leading=LEADING,
    header_size=FONT_SIZE + 0.4,
    pad_x=PADDING,
    pad_top=1.2,
    pad_bottom=1.0,
    rule_width=0.2,
    box_width=0.4,
)


def _row(event: AuditEventView, ctx: ReportContext) -> list[str]:
    local = ctx.time(event.at, seconds=True)
    day, _space, rest = local.partition(" ")
    entity = event.entity_id.removeprefix(f"{event.lot}/") if event.lot else event.entity_id
    return [
        str(event.seq),
        f"{day}\n{rest}",
        event.user,
        f"{event.action}\n{entity}",
        shorten(change_text(event.old, event.new), 240),
        event.reason or "",
    ]


def audit_extract(ctx: ReportContext) -> list[Flowable]:
    events = ctx.report.audit_events
    story: list[Flowable] = [para(_("Audit trail extract"), H1)]
    if not events:
        return [*story, para(_("No audit event recorded for this batch."), NOTE)]
    story.append(
        para(
            _(
                "{n:,} events of lot {lot}, oldest first; times in {zone}. Old → new shows the "
                "fields that changed (JSON values, shortened)."
            ).format(n=len(events), lot=ctx.report.batch.lot, zone=ctx.report.time_zone),
            NOTE,
        )
    )
    story.append(Spacer(1, 4))
    widths = [w * WIDTH / sum(COLUMNS) for w in COLUMNS]
    rows = [_row(e, ctx) for e in events]
    head = [_(h) for h in HEAD]
    story.append(FastTable(widths, head, rows, look=LOOK, max_lines=MAX_LINES))
    return story
