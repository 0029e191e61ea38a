"""The certificate of analysis: product, lot, chain of identity, template, the release tests
with their results and verdicts, and the QA disposition with its APPROVED signature."""

from __future__ import annotations

from core.reports.document import render
from core.reports.model import BatchReport, RenderedPdf
from core.reports.release import conclusion_paragraph, release_table
from core.reports.sections import disposition_text, key_values
from core.reports.signatures import signature_line
from core.reports.styles import (
    H1,
    NOTE,
    TITLE,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    esc,
    para,
)
from core.reports.text import EMPTY, ReportContext, approved

KIND = "Certificate of analysis"


def certificate_story(report: BatchReport) -> list[Flowable]:
    ctx = ReportContext(report)
    batch = report.batch
    story: list[Flowable] = [
        Paragraph(esc(KIND), TITLE),
        Spacer(1, 6),
        key_values(
            [
                ("Product", f"{batch.product_family} — {batch.template_title}"),
                ("Lot", batch.lot),
                ("Chain of identity", batch.coi_id or EMPTY),
                ("Template", f"{batch.template_key} v{batch.template_version}"),
                ("Template SHA-256", batch.template_sha256),
                ("Manufactured at", report.site_name),
                ("Batch status", batch.status),
            ]
        ),
        Paragraph("Release tests", H1),
    ]
    table = release_table(batch, ctx)
    if table is None:
        story.append(para("This template defines no release tests.", NOTE))
    else:
        story.append(table)
    story += [Spacer(1, 4), conclusion_paragraph(batch)]
    disposition: list[Flowable] = [Paragraph("QA disposition", H1)]
    signature = approved(report)
    if signature is None:
        disposition.append(para("Not yet dispositioned.", NOTE))
    else:
        disposition += [para(f"Disposition: {disposition_text(ctx)}"), Spacer(1, 3)]
        disposition.append(signature_line(signature, ctx))
    story += [KeepTogether(disposition), Spacer(1, 12)]
    return story


def render_certificate_of_analysis(report: BatchReport) -> RenderedPdf:
    """The certificate of analysis of ``report`` as a PDF (not yet sealed)."""
    return render(certificate_story(report), report, KIND)
