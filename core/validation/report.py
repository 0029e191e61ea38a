"""The IQ/OQ report as a PDF/A-3b document (reportlab), in the reports' fonts and look: who ran
it, where and when, the overall result, the IQ and OQ tables, the requirement-to-test table, and
the box for the visible seal on the last page."""

from __future__ import annotations

from datetime import UTC

from core.reports.document import build_a4, numbered_canvas
from core.reports.fonts import SANS, SANS_BOLD, register_fonts
from core.reports.model import RenderedPdf
from core.reports.pdfa import DocumentInfo, document_id
from core.reports.styles import (
    BODY,
    CELL_HEAD,
    GREY_TEXT,
    H1,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    NOTE,
    OOS_RED,
    PAGE,
    PASS_GREEN,
    RULE_GREY,
    TITLE,
    WIDTH,
    Paragraph,
    Spacer,
    Table,
    esc,
    head_cells,
    markup,
    para,
    table_style,
)
from core.reports.text import LocalTime
from core.validation.clauses import coverage
from core.validation.model import Item, Outcome, ValidationRun

register_fonts()

from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

KIND = "Installation and operational qualification"
FOOTER_SIZE = 6.8
HEADING = ParagraphStyle("iqoq-title", parent=TITLE, fontSize=14, leading=18)
RESULT_WORD = {Outcome.PASS: "PASS", Outcome.FAIL: "FAIL", Outcome.NOT_APPLICABLE: "NOT APPLICABLE"}


def title(run: ValidationRun) -> str:
    return f"{KIND} — Lotbook {run.app_version}"


def _result_cell(outcome: Outcome) -> Paragraph:
    colour = {Outcome.PASS: PASS_GREEN, Outcome.FAIL: OOS_RED}.get(outcome, GREY_TEXT)
    word = esc(RESULT_WORD[outcome])
    return markup(f'<font color="#{colour.hexval()[2:]}"><b>{word}</b></font>')


def _overall(run: ValidationRun) -> str:
    counts = {o: sum(1 for i in run.items if i.result == o) for o in Outcome}
    tally = (
        f"{counts[Outcome.PASS]} passed, {counts[Outcome.FAIL]} failed, "
        f"{counts[Outcome.NOT_APPLICABLE]} not applicable ({len(run.iq)} IQ, {len(run.oq)} OQ)"
    )
    if run.passed:
        return f"PASSED — {tally}"
    return f"FAILED — {tally}; failed: {', '.join(i.id for i in run.failed)}"


def _facts(run: ValidationRun, local: LocalTime) -> Table:
    when = (
        f"{local(run.started_at, seconds=True)} ({run.time_zone}); "
        f"{run.started_at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"
    )
    rows = [
        ("Machine", f"{run.machine} — {run.operating_system}"),
        ("Site database", f"{run.site_database} (site “{run.site_name}”)"),
        *([("OQ database", run.oq_database)] if run.oq_database else []),
        ("Run by", f"{run.run_by_name} ({run.run_by}, {run.run_by_role})"),
        ("Run at", when),
        ("Overall result", _overall(run)),
    ]
    colour = PASS_GREEN if run.passed else OOS_RED
    data = [[para(k, CELL_HEAD), para(v)] for k, v in rows]
    data[-1][1] = markup(f'<font color="#{colour.hexval()[2:]}"><b>{esc(rows[-1][1])}</b></font>')
    return Table(data, colWidths=[90, WIDTH - 90], style=table_style(header_rows=0))


def _items_table(items: tuple[Item, ...], clauses: bool) -> Table:
    widths = [36, 100, 128, WIDTH - 36 - 100 - 128 - 58, 58]
    rows = [head_cells("ID", "Check", "Expected", "Observed", "Result")]
    for item in items:
        check = esc(item.title)
        if clauses and item.clauses:
            check += f'<br/><font color="#{GREY_TEXT.hexval()[2:]}" size="6">'
            check += esc(", ".join(item.clauses)) + "</font>"
        rows.append(
            [
                para(item.id, CELL_HEAD),
                markup(check),
                para(item.expected),
                para(item.observed),
                _result_cell(item.result),
            ]
        )
    return Table(rows, colWidths=widths, repeatRows=1, style=table_style())


def _coverage_table(run: ValidationRun) -> Table:
    widths = [74, 150, 120, WIDTH - 74 - 150 - 120]
    rows = [head_cells("Clause", "Requirement", "Covered by", "Note")]
    for cov in coverage(run.items):
        rows.append(
            [
                para(cov.clause.label, CELL_HEAD),
                para(cov.clause.requirement),
                para(cov.covered_by),
                para(cov.clause.note),
            ]
        )
    return Table(rows, colWidths=widths, repeatRows=1, style=table_style())


def _story(run: ValidationRun) -> list:
    local = LocalTime(run.time_zone)
    legend = (
        "Clause keys: 11.x = 21 CFR Part 11 §11.x; A11-n = EU GMP Annex 11 §n. The OQ ran on a "
        "scratch database of the site's own engine (see OQ database above), never on the site "
        "database, with the site's lockout and idle-lock settings."
    )
    return [
        para(title(run), HEADING),
        Spacer(1, 8),
        _facts(run, local),
        para("Installation qualification (IQ)", H1),
        _items_table(run.iq, clauses=False),
        para("Operational qualification (OQ)", H1),
        para(legend, NOTE),
        Spacer(1, 3),
        _items_table(run.oq, clauses=True),
        para("Requirements and the tests that cover them", H1),
        para(
            "A clause no item covers is marked “procedural (site SOP)”: the site's own procedures "
            "meet it. The notes say what stays procedural beside the software's evidence.",
            NOTE,
        ),
        Spacer(1, 3),
        _coverage_table(run),
        Spacer(1, 10),
        para(
            "This report is sealed with the electronic signature of the person who ran it; the "
            "results are embedded as lotbook-validation.json.",
            BODY,
        ),
        Spacer(1, 4),
    ]


def _canvas(run: ValidationRun, info: DocumentInfo) -> type[Canvas]:
    local = LocalTime(run.time_zone)
    footer = (
        f"Generated {local(run.started_at)} by {run.run_by_name}",
        f"Lotbook {run.app_version} · {run.machine}",
    )

    def frame(canvas: Canvas, page: int, total: int) -> None:
        canvas.setStrokeColor(RULE_GREY)
        canvas.setLineWidth(0.4)
        top = PAGE[1] - MARGIN_TOP + 16
        canvas.setFillColor(GREY_TEXT)
        canvas.setFont(SANS_BOLD, 7.5)
        canvas.drawString(MARGIN_X, top, KIND)
        canvas.setFont(SANS, 7.5)
        canvas.drawRightString(MARGIN_X + WIDTH, top, footer[0])
        canvas.line(MARGIN_X, top - 4, MARGIN_X + WIDTH, top - 4)
        bottom = MARGIN_BOTTOM - 14
        canvas.line(MARGIN_X, bottom + 8, MARGIN_X + WIDTH, bottom + 8)
        canvas.setFont(SANS, FOOTER_SIZE)
        text = f"Page {page} of {total}"
        canvas.drawString(MARGIN_X, bottom, " · ".join((KIND, text, footer[0], footer[1])))

    return numbered_canvas(info, frame)


def render_report(run: ValidationRun) -> RenderedPdf:
    info = DocumentInfo(
        title=title(run),
        author=run.run_by_name,
        subject=f"{KIND} of Lotbook {run.app_version} on {run.machine} ({run.site_name})",
        keywords=f"IQ; OQ; validation; Part 11; Annex 11; {run.machine}",
        creator_tool=f"Lotbook {run.app_version}",
        producer=f"Lotbook {run.app_version}",
        created=run.started_at,
        document_id=document_id(KIND, run.machine, run.started_at.isoformat()),
    )
    return build_a4(_story(run), info, _canvas(run, info))
