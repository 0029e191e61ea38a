"""The batch summary's sections other than the steps: the header block, the exceptions, the
deviations, the process curves with their excursions and the imported instrument files."""

from __future__ import annotations

from core.i18n import N_, _
from core.reports.curves import MAX_POINTS, growth_chart, trace_chart
from core.reports.disposition import disposition_text
from core.reports.fasttable import FastTable, Run, bold
from core.reports.fonts import SANS, SANS_BOLD
from core.reports.styles import (
    ALERT_AMBER,
    CAVEAT_AMBER,
    H1,
    MONO_SMALL,
    NOTE,
    OOS_RED,
    SMALL,
    TINY,
    TITLE,
    WIDTH,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
    coloured,
    esc,
    grid,
    head_cells,
    key_values,
    markup,
    para,
)
from core.reports.text import EMPTY, ReportContext, status_words
from core.reports.text_wrap import Cell
from core.signing_views import ItemKind
from core.words import deviation_class_words, deviation_status_words

# Review items whose kind is printed in colour: a failure after release, an alert limit.
KIND_COLOUR = {ItemKind.POST_RELEASE_OOS: OOS_RED, ItemKind.ALERT: ALERT_AMBER}


def _widths(*columns: float) -> list[float]:
    return [w * WIDTH / sum(columns) for w in columns]


def _table(rows: list[list], widths: list[float], extra: list[tuple] | None = None) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(grid() + (extra or [])))
    return table


UNAPPROVED = N_(
    "NOT APPROVED by the site's QA: limits tagged [P], [T] or [?] are examples, not yet confirmed"
)


def template_text(ctx: ReportContext) -> Paragraph:
    """The template and version, and whether QA approved it (else its limits are examples)."""
    batch = ctx.report.batch
    text = esc(f"{batch.template_key} v{batch.template_version} — {batch.template_title}")
    if not batch.template_approved:
        text += "<br/>" + coloured(_(UNAPPROVED), CAVEAT_AMBER)
    return markup(text, SMALL)


def header(ctx: ReportContext, title: str) -> list[Flowable]:
    """The title (shown as given: the caller translates it) and the batch's header table."""
    report, batch = ctx.report, ctx.report.batch
    counts = batch.exceptions
    exceptions = _(
        "{out_of_spec} out of spec, {awaiting} awaiting justification, {corrected} corrected, "
        "{deviations} open deviation(s), {excursions} process excursion(s)"
    ).format(
        out_of_spec=counts["out_of_spec"],
        awaiting=counts["awaiting_justification"],
        corrected=counts["corrected"],
        deviations=counts["open_deviations"],
        excursions=counts["process_excursions"],
    )
    started = _("{time} by {who}").format(
        time=ctx.time(batch.started_at), who=ctx.who(batch.started_by)
    )
    pairs: list[tuple[str, object]] = [
        (_("Product family"), batch.product_family),
        (_("Lot"), batch.lot),
        (_("Template"), template_text(ctx)),
        (_("Template SHA-256"), para(batch.template_sha256, MONO_SMALL)),
        (_("Chain of identity"), batch.coi_id or EMPTY),
        (_("Status"), status_words(batch.status)),
        (_("Disposition"), disposition_text(ctx)),
        (_("Started"), started),
        (_("Site"), report.site_name),
        (_("Purpose"), report.purpose),
        (_("Exceptions"), exceptions),
    ]
    return [Paragraph(esc(title), TITLE), Spacer(1, 6), key_values(pairs)]


EXCEPTION_COLUMNS = (58, 323, 54, 80)
EXCEPTION_HEAD = (N_("Kind"), N_("Exception"), N_("Step · check"), N_("When · who"))


def _exceptions_table(items, ctx: ReportContext) -> FastTable:
    """One row per review item: a batch with hundreds of corrections has hundreds of them."""
    rows: list[list[Cell]] = []
    limits = {c.id: (c.spec, c.caveat) for c in ctx.report.batch.checks() if c.caveat}
    for item in items:
        title = item.title or ""
        # the check id is printed once: the titles of check items begin with it
        check = item.check_id if item.check_id and not title.startswith(item.check_id) else None
        where = " · ".join(x for x in (item.step_id, check) if x) or EMPTY
        exception: tuple[Run, ...] = (
            (bold(title), Run("\n" + item.detail)) if item.detail else (bold(title),)
        )
        example = limits.get(item.check_id or "")
        if example is not None and example[0] in f"{title} {item.detail}":
            exception += (Run("\n" + example[1], colour=CAVEAT_AMBER),)
        colour = KIND_COLOUR.get(item.kind)
        kind = bold(item.kind_label, colour) if colour else Run(item.kind_label)
        rows.append(
            [
                (
                    kind,
                    Run("\n" + _("blocking:") + " "),
                    bold(_("yes")) if item.blocking else Run(_("no")),
                ),
                exception,
                where,
                f"{ctx.time(item.at)}\n{ctx.who(item.by)}" if item.at or item.by else EMPTY,
            ]
        )
    return FastTable(_widths(*EXCEPTION_COLUMNS), [_(h) for h in EXCEPTION_HEAD], rows)


def exceptions(ctx: ReportContext) -> list[Flowable]:
    review = ctx.report.review
    story: list[Flowable] = [para(_("Exceptions for review"), H1)]
    if review.items:
        story.append(_exceptions_table(review.items, ctx))
    else:
        story.append(para(_("No exceptions."), NOTE))
    story.append(Spacer(1, 6))
    story.append(para(_("Approval blockers"), SMALL.clone("b", fontName=SANS_BOLD)))
    if review.approval_blockers:
        story += [para(f"• {blocker}", SMALL) for blocker in review.approval_blockers]
    else:
        story.append(para(_("None: the batch can be approved."), SMALL))
    mark = review.audit_review
    if mark is not None:
        reviewed = (
            _("Audit trail reviewed through #{seq} by {name} ({username}) at {time} — current.")
            if mark.current
            else _(
                "Audit trail reviewed through #{seq} by {name} ({username}) at {time} — "
                "NOT current: batch data changed after it."
            )
        )
        story.append(
            para(
                reviewed.format(
                    seq=mark.through_seq,
                    name=mark.reviewed_by_name,
                    username=mark.reviewed_by,
                    time=ctx.time(mark.reviewed_at),
                ),
                SMALL,
            )
        )
    return story


def deviations(ctx: ReportContext) -> list[Flowable]:
    story: list[Flowable] = [para(_("Deviations"), H1)]
    found = ctx.report.batch.deviations
    if not found:
        return [*story, para(_("No deviation recorded for this batch."), NOTE)]
    rows: list[list] = [
        head_cells(
            _("Ref"), _("Class"), _("Status"), _("Description"), _("Linked checks"), _("Opened")
        )
    ]
    for deviation in found:
        rows.append(
            [
                markup(f"<b>{esc(deviation.ref)}</b>", TINY),
                para(deviation_class_words(deviation.classification), TINY),
                para(deviation_status_words(deviation.status), TINY),
                para(deviation.description, TINY),
                para(", ".join(deviation.checks) or EMPTY, TINY),
                para(f"{ctx.who(deviation.opened_by)}\n{ctx.time(deviation.opened_at)}", TINY),
            ]
        )
    return [*story, _table(rows, _widths(64, 44, 40, 190, 80, 97))]


def _excursions_table(channel, ctx: ReportContext) -> Table:
    unit = f" {channel.unit}" if channel.unit else ""
    rows: list[list] = [
        head_cells(_("Excursion"), _("Start"), _("End"), _("Limit"), _("Extreme"), _("Duration"))
    ]
    for e in channel.excursions:
        minutes = (
            f"{(e.ended_at - e.started_at).total_seconds() / 60:.0f} min"
            if e.ended_at
            else _("ongoing")
        )
        side = _("#{id} below band") if e.side == "low" else _("#{id} above band")
        rows.append(
            [
                para(side.format(id=e.id), TINY),
                para(ctx.time(e.started_at), TINY),
                para(ctx.time(e.ended_at) if e.ended_at else _("not ended"), TINY),
                para(f"{e.limit:g}{unit}", TINY),
                markup(f"<b>{e.extreme:g}{esc(unit)}</b>", TINY),
                para(minutes, TINY),
            ]
        )
    return _table(rows, _widths(100, 95, 95, 70, 70, 85))


def curves(ctx: ReportContext) -> list[Flowable]:
    report = ctx.report
    story: list[Flowable] = [para(_("Process curves"), H1)]
    series = report.growth.series if report.growth else ()
    if series:
        charts = [growth_chart(s, width=WIDTH / 2 - 4) for s in series]
        rows = [
            charts[i : i + 2] + [""] * (2 - len(charts[i : i + 2]))
            for i in range(0, len(charts), 2)
        ]
        grid_table = Table(rows, colWidths=[WIDTH / 2] * 2)
        grid_table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), SANS, 7),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
                ]
            )
        )
        story += [para(_("Growth"), SMALL.clone("g", fontName=SANS_BOLD)), grid_table]
    else:
        story.append(para(_("No growth curves for this batch."), NOTE))
    channels = report.trace.channels if report.trace else ()
    if not channels:
        story.append(para(_("No process trace recorded for this batch."), NOTE))
        return story
    total = sum(len(c.times) for c in channels)
    story.append(
        para(
            _(
                "Process trace: {channels} channel(s), {points:,} logged points; each channel is "
                "drawn from at most {most:,} points (minimum and maximum per time bucket), the "
                "line broken where the log paused."
            ).format(channels=len(channels), points=total, most=MAX_POINTS),
            NOTE,
        )
    )
    for channel in channels:
        block: list[Flowable] = [Spacer(1, 4), trace_chart(channel, report.time_zone)]
        if channel.excursions:
            block.append(_excursions_table(channel, ctx))
        story.append(KeepTogether(block))
    return story


def imported_files(ctx: ReportContext) -> list[Flowable]:
    story: list[Flowable] = [para(_("Imported instrument files"), H1)]
    files = ctx.report.files
    if not files:
        return [*story, para(_("No instrument file imported for this batch."), NOTE)]
    rows: list[list] = [
        head_cells(_("File"), _("Profile"), _("Rows"), "SHA-256", _("Imported by"), _("When"))
    ]
    for f in files:
        size = _("{kind}, {size:,} bytes").format(kind=f.kind, size=f.size)
        rows.append(
            [
                para(f"{f.filename}\n{size}", TINY),
                para(f.profile, TINY),
                para(f"{f.rows:,}", TINY),
                para(f.sha256, MONO_SMALL),
                para(ctx.who(f.imported_by), TINY),
                para(ctx.time(f.imported_at), TINY),
            ]
        )
    return [*story, _table(rows, _widths(110, 66, 36, 140, 84, 79))]
