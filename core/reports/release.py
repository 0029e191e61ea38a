"""The release tests of a batch (its release steps' checks) as a certificate-of-analysis table:
test, method, specification (with its caveat while the limit is an unconfirmed example),
result with who entered it when and the instrument's own measurement time, verdict ("does not
apply" for a test whose condition does not hold, "pending" for one that may follow release), and
the conclusion they support."""

from __future__ import annotations

from core.i18n import _
from core.readmodels import BatchView, CheckView
from core.reports.styles import (
    CAVEAT_AMBER,
    SMALL,
    TINY,
    WIDTH,
    Paragraph,
    Table,
    TableStyle,
    coloured,
    esc,
    grid,
    head_cells,
    markup,
    para,
    verdict_markup,
)
from core.reports.text import (
    DOES_NOT_APPLY,
    EMPTY,
    ReportContext,
    applies_text,
    verdict_word,
)
from core.specs import Verdict

COLUMNS = (140, 100, 108, 122, 45)
# After these statuses a release result still missing is pending, not merely not tested yet
# (core.models.batches.RELEASED_STATES; the reports do not import the storage models).
RELEASED = frozenset(
    {"released", "released_pending", "exceptional_release", "post_release_oos"}
    | {"post_release_oos_ack"}
)


def release_checks(batch: BatchView) -> list[CheckView]:
    return [check for step in batch.steps if step.is_release for check in step.checks]


def result_markup(check: CheckView, ctx: ReportContext) -> tuple[str, str]:
    """The result cell (value, who and when, instrument time, notes) and the verdict cell."""
    current = check.current
    if current is None:
        why = applies_text(check)
        if check.applies is False:
            when = (
                _("applies only when {condition}").format(condition=check.condition)
                if check.condition
                else _(DOES_NOT_APPLY)
            )
            return f"<i>{esc(when)}</i>", f"<b>{esc(_(DOES_NOT_APPLY))}</b>"
        if why:
            return f"{EMPTY}<br/><i>{esc(why)}</i>", esc(_("not tested"))
        if check.pending_allowed:
            released = ctx.report.batch.status in RELEASED
            return (
                f"{EMPTY}<br/><i>{esc(_('may follow release'))}</i>",
                esc(_("pending") if released else _("not tested")),
            )
        return EMPTY, esc(_("not tested"))
    measured = ctx.measured(current)
    time = ctx.time(current.recorded_at)
    entered = _("entered {time}").format(time=time) if measured else time
    result = (
        f"{esc(current.display)}<br/><font size=5.8>{esc(current.recorded_by_name)}, "
        f"{esc(entered)}</font>"
    )
    for extra in (measured, ctx.timing(current)):
        if extra:
            result += f"<br/><font size=5.8>{esc(extra)}</font>"
    notes = [x for x in (current.comment, current.deviation) if x]
    if notes:
        result += f"<br/><i>{esc('; '.join(notes))}</i>"
    verdict = verdict_markup(verdict_word(current.verdict), current.verdict)
    if not current.final:
        verdict += "<br/>" + esc(_("not final"))
    return result, verdict


def spec_markup(check: CheckView) -> str:
    """The specification, with its caveat when the limit is an unconfirmed example."""
    spec = esc(check.spec)
    if check.caveat:
        spec += "<br/>" + coloured(check.caveat, CAVEAT_AMBER, bold=False)
    return spec


def release_table(batch: BatchView, ctx: ReportContext) -> Table | None:
    checks = release_checks(batch)
    if not checks:
        return None
    rows: list[list] = [
        head_cells(_("Test"), _("Method"), _("Specification"), _("Result"), _("Verdict")),
    ]
    for check in checks:
        result, verdict = result_markup(check, ctx)
        rows.append(
            [
                markup(f"{esc(check.name)}<br/><font size=5.8>{esc(check.id)}</font>", TINY),
                para(check.method or EMPTY, TINY),
                markup(spec_markup(check), TINY),
                markup(result, TINY),
                markup(verdict, TINY),
            ]
        )
    widths = [w * WIDTH / sum(COLUMNS) for w in COLUMNS]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(grid()))
    return table


def _ids(checks: list[CheckView]) -> str:
    return ", ".join(c.id for c in checks)


def conclusion(batch: BatchView) -> str:
    """One line on what the release results show (it does not replace the QA disposition)."""
    every = release_checks(batch)
    if not every:
        return _("This template defines no release tests.")
    skipped = [c for c in every if c.applies is False]
    checks = [c for c in every if c.applies is not False]
    recorded = [c for c in checks if c.current is not None]
    oos = [c for c in recorded if c.current is not None and c.current.verdict == Verdict.OOS]
    held = [c for c in recorded if c.current is not None and not c.current.final]
    pending = [c for c in checks if c.current is None and c.pending_allowed]
    missing = [c for c in checks if c.current is None and not c.pending_allowed]
    total = len(checks)
    tail = (
        " "
        + _("{n} do not apply to this batch ({checks}).").format(
            n=len(skipped), checks=_ids(skipped)
        )
        if skipped
        else ""
    )
    if not recorded:
        return _("No release test result recorded yet (0 of {total}).").format(total=total) + tail
    parts = []
    if oos:
        parts.append(_("{n} out of specification ({checks})").format(n=len(oos), checks=_ids(oos)))
    if held:
        parts.append(_("{n} not final ({checks})").format(n=len(held), checks=_ids(held)))
    if missing:
        parts.append(_("{n} of {total} without a result").format(n=len(missing), total=total))
    waiting = (
        " "
        + _("{n} pending, which may follow release ({checks}).").format(
            n=len(pending), checks=_ids(pending)
        )
        if pending
        else ""
    )
    if not parts:
        return (
            _("All {n} release test results recorded meet their specifications.").format(
                n=len(recorded)
            )
            + waiting
            + tail
        )
    meet = len(recorded) - len(oos)
    return (
        _("Release testing incomplete or failed: {problems}.").format(problems="; ".join(parts))
        + " "
        + _("{n} of {total} results meet their specifications.").format(n=meet, total=total)
        + waiting
        + tail
    )


def conclusion_paragraph(batch: BatchView) -> Paragraph:
    return Paragraph(
        _("<b>Conclusion:</b> {conclusion}").format(conclusion=esc(conclusion(batch))), SMALL
    )
