"""The release tests of a batch (its release steps' checks) as a certificate-of-analysis table:
test, method, specification, result, verdict, and the conclusion they support."""

from __future__ import annotations

from core.readmodels import BatchView, CheckView
from core.reports.styles import (
    SMALL,
    TINY,
    WIDTH,
    Paragraph,
    Table,
    TableStyle,
    esc,
    grid,
    head_cells,
    markup,
    para,
    verdict_markup,
)
from core.reports.text import EMPTY, ReportContext, verdict_word

COLUMNS = (150, 118, 110, 85, 52)


def release_checks(batch: BatchView) -> list[CheckView]:
    return [check for step in batch.steps if step.is_release for check in step.checks]


def release_table(batch: BatchView, ctx: ReportContext) -> Table | None:
    checks = release_checks(batch)
    if not checks:
        return None
    rows: list[list] = [
        head_cells("Test", "Method", "Specification", "Result", "Verdict"),
    ]
    for check in checks:
        current = check.current
        result = EMPTY
        verdict = "not tested"
        if current is not None:
            result = (
                f"{esc(current.display)}<br/><font size=5.8>{esc(current.recorded_by_name)}, "
                f"{esc(ctx.time(current.recorded_at))}</font>"
            )
            notes = [x for x in (current.comment, current.deviation) if x]
            if notes:
                result += f"<br/><i>{esc('; '.join(notes))}</i>"
            verdict = verdict_markup(verdict_word(current.verdict), current.verdict)
            if not current.final:
                verdict += "<br/>not final"
        rows.append(
            [
                markup(f"{esc(check.name)}<br/><font size=5.8>{esc(check.id)}</font>", TINY),
                para(check.method or EMPTY, TINY),
                para(check.spec, TINY),
                markup(result, TINY),
                markup(verdict, TINY),
            ]
        )
    widths = [w * WIDTH / sum(COLUMNS) for w in COLUMNS]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(grid()))
    return table


def conclusion(batch: BatchView) -> str:
    """One line on what the release results show (it does not replace the QA disposition)."""
    checks = release_checks(batch)
    if not checks:
        return "This template defines no release tests."
    recorded = [c for c in checks if c.current is not None]
    oos = [c.id for c in recorded if c.current.verdict == "oos"]
    held = [c.id for c in recorded if not c.current.final]
    missing = len(checks) - len(recorded)
    if not recorded:
        return f"No release test result recorded yet (0 of {len(checks)})."
    parts = []
    if oos:
        parts.append(f"{len(oos)} out of specification ({', '.join(oos)})")
    if held:
        parts.append(f"{len(held)} not final ({', '.join(held)})")
    if missing:
        parts.append(f"{missing} of {len(checks)} without a result")
    if not parts:
        return f"All {len(checks)} release tests meet their specifications."
    meet = len(recorded) - len(oos)
    return (
        f"Release testing incomplete or failed: {'; '.join(parts)}. "
        f"{meet} of {len(checks)} results meet their specifications."
    )


def conclusion_paragraph(batch: BatchView) -> Paragraph:
    return Paragraph(f"<b>Conclusion:</b> {esc(conclusion(batch))}", SMALL)
