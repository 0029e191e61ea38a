"""The certificate of analysis: product, lot, chain of identity, template, manufacture and expiry
dates, storage, fill and containers, the body weight behind the dose, "For autologous use only",
the release tests with their results and verdicts, the QA disposition with its APPROVED
signature (an exceptional release with its deviation and the physician's notification), which
earlier issues it supersedes — and, exported as a draft of a lot without a disposition,
"DRAFT — NOT A CERTIFICATE OF ANALYSIS" across every page."""

from __future__ import annotations

from core.i18n import N_, _
from core.reports.certificate import autologous_notice, certificate_facts, supersedes_notice
from core.reports.disposition import disposition_section
from core.reports.document import render
from core.reports.model import BatchReport, RenderedPdf
from core.reports.release import conclusion_paragraph, release_table
from core.reports.styles import DRAFT_RED, H1, NOTE, TITLE, Flowable, Paragraph, Spacer, esc, para
from core.reports.text import ReportContext
from core.reports.watermark import DRAFT_MARK

# the kinds in the source language (the PDF's metadata); shown as _(KIND)
KIND = N_("Certificate of analysis")
DRAFT_KIND = N_("DRAFT certificate of analysis")


def kind_of(report: BatchReport) -> str:
    return DRAFT_KIND if report.draft else KIND


def _title(report: BatchReport) -> list[Flowable]:
    if not report.draft:
        return [Paragraph(esc(_(KIND)), TITLE)]
    red = DRAFT_RED.hexval()[2:]
    return [
        Paragraph(
            _('<font color="#{colour}">DRAFT</font> — {kind}').format(
                colour=red, kind=esc(_(KIND))
            ),
            TITLE,
        ),
        Spacer(1, 3),
        para(
            _(
                "Not a certificate of analysis: exported before QA's disposition of the lot, to "
                "preview the certificate. It releases nothing and must not accompany the product."
            ),
            NOTE,
        ),
    ]


def certificate_story(report: BatchReport) -> list[Flowable]:
    ctx = ReportContext(report)
    story: list[Flowable] = [*_title(report), Spacer(1, 6)]
    for shown in (supersedes_notice(ctx), autologous_notice(ctx)):
        if shown is not None:
            story += [shown, Spacer(1, 5)]
    story += [certificate_facts(ctx), para(_("Release tests"), H1)]
    table = release_table(report.batch, ctx)
    if table is None:
        story.append(para(_("This template defines no release tests."), NOTE))
    else:
        story.append(table)
    story += [Spacer(1, 4), conclusion_paragraph(report.batch)]
    story += [*disposition_section(ctx, draft=report.draft), Spacer(1, 12)]
    return story


def render_certificate_of_analysis(report: BatchReport) -> RenderedPdf:
    """The certificate of analysis of ``report`` as a PDF (not yet sealed); a draft carries
    "DRAFT — NOT A CERTIFICATE OF ANALYSIS" across and atop every page."""
    watermark = _(DRAFT_MARK) if report.draft else None
    return render(certificate_story(report), report, kind_of(report), watermark)
