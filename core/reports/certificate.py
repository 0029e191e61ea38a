"""What a certificate of analysis states besides its test results: the product and lot, the
manufacture and expiry dates, storage, fill volume and containers, the body weight behind the dose
and the dose band it selects, "For autologous use only", which issue of the certificate it is and
which earlier issues it supersedes — each figure with its caveat while it is an unconfirmed
example."""

from __future__ import annotations

from core.i18n import N_, _, ngettext
from core.reports.model import BatchReport, IssuedCertificate, ProductFacts
from core.reports.sections import template_text
from core.reports.styles import (
    CAVEAT_AMBER,
    DRAFT_RED,
    LIGHT_GREY,
    MONO_SMALL,
    OOS_RED,
    SMALL,
    Flowable,
    coloured,
    esc,
    key_values,
    markup,
    notice,
    para,
)
from core.reports.text import EMPTY, ReportContext, status_words

NOT_RECORDED = N_("not recorded yet")  # shown as _(NOT_RECORDED)


def issue_number(report: BatchReport) -> int | None:
    """This certificate's issue number (None for a draft: it is not issued)."""
    return None if report.draft else len(report.earlier_certificates) + 1


def _issued(n: int, cert: IssuedCertificate, ctx: ReportContext) -> str:
    sentence = (
        _("issue {n} of {time} ({who}, SHA-256 {sha}…, file {file})")
        if cert.file
        else _("issue {n} of {time} ({who}, SHA-256 {sha}…)")
    )
    return sentence.format(
        n=n,
        time=ctx.time(cert.issued_at),
        who=ctx.who(cert.issued_by),
        sha=cert.sha256[:16],
        file=cert.file,
    )


def supersedes_text(ctx: ReportContext) -> str | None:
    """Which certificates of this lot this one supersedes (None: it is the first)."""
    report = ctx.report
    earlier = report.earlier_certificates
    if not earlier:
        return None
    listed = "; ".join(_issued(n, c, ctx) for n, c in enumerate(earlier, start=1))
    if report.draft:
        return _(
            "Certificates issued before for lot {lot}: {listed}. This draft supersedes none of "
            "them."
        ).format(lot=report.batch.lot, listed=listed)
    return ngettext(
        "Issue {issue} of this certificate. It supersedes {listed}, which is no longer valid.",
        "Issue {issue} of this certificate. It supersedes {listed}. These are no longer valid.",
        len(earlier),
    ).format(issue=issue_number(report), listed=listed)


def supersedes_notice(ctx: ReportContext) -> Flowable | None:
    text = supersedes_text(ctx)
    if text is None:
        return None
    colour = DRAFT_RED if ctx.report.draft else OOS_RED
    return notice(_("<b>Supersedes:</b> {text}").format(text=esc(text)), colour, LIGHT_GREY)


def autologous_notice(ctx: ReportContext) -> Flowable | None:
    report = ctx.report
    autologous = report.product.autologous if report.product else report.batch.autologous
    if not autologous:
        return None
    coi = report.batch.coi_id
    text = (
        _(
            "<b>For autologous use only.</b> Only for the patient identified by chain of "
            "identity <b>{coi}</b>."
        ).format(coi=esc(coi))
        if coi
        else _("<b>For autologous use only.</b> Only for the patient whose cells it was made from.")
    )
    return notice(text, OOS_RED)


def _with_caveat(value: str, caveat: str | None) -> Flowable:
    text = esc(value)
    if caveat:
        text += "<br/>" + coloured(caveat, CAVEAT_AMBER, bold=False)
    return markup(text, SMALL)


def _expiry(facts: ProductFacts) -> str:
    if facts.expires_on is not None:
        expires = facts.expires_on.isoformat()
        if facts.shelf_life_months:
            return _("{date} ({months} months after manufacture)").format(
                date=expires, months=facts.shelf_life_months
            )
        return _("{date} (shelf life after manufacture)").format(date=expires)
    if not facts.shelf_life_months:
        return _("{empty} (the template states no shelf life)").format(empty=EMPTY)
    return _("{empty} ({months} months after manufacture; not recorded yet)").format(
        empty=EMPTY, months=facts.shelf_life_months
    )


def product_rows(facts: ProductFacts) -> list[tuple[str, object]]:
    """Manufacture, expiry, storage, fill, containers, weight and dose (as far as recorded)."""
    unknown = _(NOT_RECORDED)
    made = facts.manufactured_on.isoformat() if facts.manufactured_on else unknown
    return [
        (_("Manufacture date"), made),
        (_("Expiry date"), _with_caveat(_expiry(facts), facts.caveat)),
        (_("Storage condition"), _with_caveat(facts.storage or EMPTY, facts.caveat)),
        (_("Fill volume"), facts.fill_volume or unknown),
        (_("Containers"), facts.containers or unknown),
        (_("Patient body weight"), facts.body_weight or unknown),
        (_("Dose at this weight"), facts.dose_band or unknown),
    ]


def certificate_facts(ctx: ReportContext) -> Flowable:
    """The product and lot table at the head of the certificate."""
    report, batch = ctx.report, ctx.report.batch
    issue = issue_number(report)
    if issue is None:
        issued = coloured(_("DRAFT — not issued; not a certificate of analysis"), DRAFT_RED)
    elif issue == 1:
        issued = esc(str(issue))
    elif issue == 2:
        issued = esc(_("{issue} (supersedes issue 1)").format(issue=issue))
    else:
        issued = esc(_("{issue} (supersedes issues 1–{last})").format(issue=issue, last=issue - 1))
    pairs: list[tuple[str, object]] = [
        (_("Product"), f"{batch.product_family} — {batch.template_title}"),
        (_("Lot"), batch.lot),
        (_("Chain of identity"), batch.coi_id or EMPTY),
        (_("Template"), template_text(ctx)),
        (_("Template SHA-256"), para(batch.template_sha256, MONO_SMALL)),
        (_("Manufactured at"), report.site_name),
    ]
    if report.product is not None:
        pairs += product_rows(report.product)
    pairs += [
        (_("Batch status"), status_words(batch.status)),
        (_("Certificate issue"), markup(issued, SMALL)),
    ]
    return key_values(pairs)
