"""The IQ/OQ report as a PDF/A-3b document (reportlab), in the reports' fonts and look: who ran
it, where and when, the overall result, the IQ and OQ tables, the requirement-to-test table, and
the box for the visible seal on the last page."""

from __future__ import annotations

from datetime import UTC

from core.auth.roles import role_words
from core.i18n import N_, _
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
from core.services.pdf_verification import VALIDATION_NAME
from core.validation.clauses import PROCEDURAL, coverage
from core.validation.model import Item, Outcome, ValidationRun

register_fonts()

from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

KIND = N_("Installation and operational qualification")  # shown as _(KIND); its id is English
FOOTER_SIZE = 6.8
HEADING = ParagraphStyle("iqoq-title", parent=TITLE, fontSize=14, leading=18)
RESULT_WORD = {
    Outcome.PASS: N_("PASS"),
    Outcome.FAIL: N_("FAIL"),
    Outcome.NOT_APPLICABLE: N_("NOT APPLICABLE"),
}


def title(run: ValidationRun) -> str:
    return f"{_(KIND)} — Lotbook {run.app_version}"


def _result_cell(outcome: Outcome) -> Paragraph:
    colour = {Outcome.PASS: PASS_GREEN, Outcome.FAIL: OOS_RED}.get(outcome, GREY_TEXT)
    word = esc(_(RESULT_WORD[outcome]))
    return markup(f'<font color="#{colour.hexval()[2:]}"><b>{word}</b></font>')


def _overall(run: ValidationRun) -> str:
    counts = {o: sum(1 for i in run.items if i.result == o) for o in Outcome}
    tally = _(
        "{passed} passed, {failed} failed, {not_applicable} not applicable ({iq} IQ, {oq} OQ)"
    ).format(
        passed=counts[Outcome.PASS],
        failed=counts[Outcome.FAIL],
        not_applicable=counts[Outcome.NOT_APPLICABLE],
        iq=len(run.iq),
        oq=len(run.oq),
    )
    if run.passed:
        return _("PASSED — {tally}").format(tally=tally)
    return _("FAILED — {tally}; failed: {ids}").format(
        tally=tally, ids=", ".join(i.id for i in run.failed)
    )


def _facts(run: ValidationRun, local: LocalTime) -> Table:
    when = (
        f"{local(run.started_at, seconds=True)} ({run.time_zone}); "
        f"{run.started_at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"
    )
    site = _("{database} (site “{site}”)").format(database=run.site_database, site=run.site_name)
    rows = [
        (_("Machine"), f"{run.machine} — {run.operating_system}"),
        (_("Site database"), site),
        *([(_("OQ database"), run.oq_database)] if run.oq_database else []),
        (_("Run by"), f"{run.run_by_name} ({run.run_by}, {role_words(run.run_by_role)})"),
        (_("Run at"), when),
        (_("Overall result"), _overall(run)),
    ]
    colour = PASS_GREEN if run.passed else OOS_RED
    data = [[para(k, CELL_HEAD), para(v)] for k, v in rows]
    data[-1][1] = markup(f'<font color="#{colour.hexval()[2:]}"><b>{esc(rows[-1][1])}</b></font>')
    return Table(data, colWidths=[90, WIDTH - 90], style=table_style(header_rows=0))


def _items_table(items: tuple[Item, ...], clauses: bool) -> Table:
    widths = [36, 100, 128, WIDTH - 36 - 100 - 128 - 58, 58]
    rows = [head_cells(_("ID"), _("Check"), _("Expected"), _("Observed"), _("Result"))]
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
    rows = [head_cells(_("Clause"), _("Requirement"), _("Covered by"), _("Note"))]
    for cov in coverage(run.items):
        rows.append(
            [
                para(cov.clause.label, CELL_HEAD),
                para(_(cov.clause.requirement)),
                para(cov.covered_by),
                para(_(cov.clause.note) if cov.clause.note else ""),
            ]
        )
    return Table(rows, colWidths=widths, repeatRows=1, style=table_style())


def _story(run: ValidationRun) -> list:
    local = LocalTime(run.time_zone)
    legend = _(
        "Clause keys: 11.x = 21 CFR Part 11 §11.x; A11-n = EU GMP Annex 11 §n. The OQ ran on a "
        "scratch database of the site's own engine (see OQ database above), never on the site "
        "database, with the site's lockout and idle-lock settings."
    )
    return [
        para(title(run), HEADING),
        Spacer(1, 8),
        _facts(run, local),
        para(_("Installation qualification (IQ)"), H1),
        _items_table(run.iq, clauses=False),
        para(_("Operational qualification (OQ)"), H1),
        para(legend, NOTE),
        Spacer(1, 3),
        _items_table(run.oq, clauses=True),
        para(_("Requirements and the tests that cover them"), H1),
        para(
            _(
                "A clause no item covers is marked “{procedural}”: the site's own procedures "
                "meet it. The notes say what stays procedural beside the software's evidence."
            ).format(procedural=_(PROCEDURAL)),
            NOTE,
        ),
        Spacer(1, 3),
        _coverage_table(run),
        Spacer(1, 10),
        para(
            _(
                "This report is sealed with the electronic signature of the person who ran it; "
                "the results are embedded as {file}."
            ).format(file=VALIDATION_NAME),
            BODY,
        ),
        Spacer(1, 4),
    ]


def _canvas(run: ValidationRun, info: DocumentInfo) -> type[Canvas]:
    local = LocalTime(run.time_zone)
    kind = _(KIND)
    footer = (
        _("Generated {when} by {name}").format(when=local(run.started_at), name=run.run_by_name),
        f"Lotbook {run.app_version} · {run.machine}",
    )

    def frame(canvas: Canvas, page: int, total: int) -> None:
        canvas.setStrokeColor(RULE_GREY)
        canvas.setLineWidth(0.4)
        top = PAGE[1] - MARGIN_TOP + 16
        canvas.setFillColor(GREY_TEXT)
        canvas.setFont(SANS_BOLD, 7.5)
        canvas.drawString(MARGIN_X, top, kind)
        canvas.setFont(SANS, 7.5)
        canvas.drawRightString(MARGIN_X + WIDTH, top, footer[0])
        canvas.line(MARGIN_X, top - 4, MARGIN_X + WIDTH, top - 4)
        bottom = MARGIN_BOTTOM - 14
        canvas.line(MARGIN_X, bottom + 8, MARGIN_X + WIDTH, bottom + 8)
        canvas.setFont(SANS, FOOTER_SIZE)
        text = _("Page {page} of {total}").format(page=page, total=total)
        canvas.drawString(MARGIN_X, bottom, " · ".join((kind, text, footer[0], footer[1])))

    return numbered_canvas(info, frame)


def render_report(run: ValidationRun) -> RenderedPdf:
    info = DocumentInfo(
        title=title(run),
        author=run.run_by_name,
        subject=_("{kind} of Lotbook {version} on {machine} ({site})").format(
            kind=_(KIND), version=run.app_version, machine=run.machine, site=run.site_name
        ),
        keywords=f"IQ; OQ; validation; Part 11; Annex 11; {run.machine}",
        creator_tool=f"Lotbook {run.app_version}",
        producer=f"Lotbook {run.app_version}",
        created=run.started_at,
        document_id=document_id(KIND, run.machine, run.started_at.isoformat()),
    )
    return build_a4(_story(run), info, _canvas(run, info))
