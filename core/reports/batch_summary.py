"""The PDF batch summary: header, exceptions, the steps with their checks, corrections and
signatures, the certificate-of-analysis section, the QA disposition, deviations, process curves,
imported files, every signature, the audit-trail extract, and the box for the electronic seal —
A4, PDF/A-3b."""

from __future__ import annotations

from core.i18n import N_, _
from core.reports import sections
from core.reports.audit_extract import audit_extract
from core.reports.custody import custody_section
from core.reports.disposition import disposition_section
from core.reports.document import render, without_gc
from core.reports.materials import materials_used
from core.reports.model import BatchReport, RenderedPdf
from core.reports.release import conclusion_paragraph, release_table
from core.reports.signatures import signatures_table
from core.reports.steps import step_section
from core.reports.styles import H1, NOTE, CondPageBreak, Flowable, PageBreak, para
from core.reports.text import ReportContext

KIND = N_("Batch summary")  # in the source language (the PDF's metadata); shown as _(KIND)


def _release(ctx: ReportContext) -> list[Flowable]:
    story: list[Flowable] = [para(_("Certificate of analysis: release tests"), H1)]
    table = release_table(ctx.report.batch, ctx)
    if table is None:
        return [*story, para(_("This template defines no release tests."), NOTE)]
    return [*story, table, conclusion_paragraph(ctx.report.batch)]


def _signatures(ctx: ReportContext) -> list[Flowable]:
    story: list[Flowable] = [CondPageBreak(160), para(_("Signatures"), H1)]
    table = signatures_table(ctx.report.review.signatures, ctx)
    if table is None:
        return [*story, para(_("No electronic signature recorded for this batch."), NOTE)]
    return [*story, table]


def batch_summary_story(report: BatchReport) -> list[Flowable]:
    ctx = ReportContext(report)
    story: list[Flowable] = [*sections.header(ctx, _(KIND)), *sections.exceptions(ctx)]
    story.append(para(_("Batch record"), H1))
    for step in report.batch.steps:
        if not step.is_release:
            story += step_section(step, ctx)
    story += _release(ctx)
    story += disposition_section(ctx)
    story += sections.deviations(ctx)
    story += materials_used(ctx)
    story += custody_section(ctx)
    story += [CondPageBreak(320), *sections.curves(ctx)]
    story += sections.imported_files(ctx)
    story += _signatures(ctx)
    story += [PageBreak(), *audit_extract(ctx)]
    return story


def render_batch_summary(report: BatchReport) -> RenderedPdf:
    """The batch summary of ``report`` as a PDF (not yet sealed), with where its seal goes."""
    with without_gc():
        return render(batch_summary_story(report), report, KIND)
