"""What a certificate of analysis states besides its test results: the product and lot, the
manufacture and expiry dates, storage, fill volume and containers, the body weight behind the dose
and the dose band it selects, "For autologous use only", which issue of the certificate it is and
which earlier issues it supersedes — each figure with its caveat while it is an unconfirmed
example."""

from __future__ import annotations

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

NOT_RECORDED = "not recorded yet"


def issue_number(report: BatchReport) -> int | None:
    """This certificate's issue number (None for a draft: it is not issued)."""
    return None if report.draft else len(report.earlier_certificates) + 1


def _issued(n: int, cert: IssuedCertificate, ctx: ReportContext) -> str:
    file = f", file {cert.file}" if cert.file else ""
    return (
        f"issue {n} of {ctx.time(cert.issued_at)} ({ctx.who(cert.issued_by)}, "
        f"SHA-256 {cert.sha256[:16]}…{file})"
    )


def supersedes_text(ctx: ReportContext) -> str | None:
    """Which certificates of this lot this one supersedes (None: it is the first)."""
    report = ctx.report
    earlier = report.earlier_certificates
    if not earlier:
        return None
    listed = "; ".join(_issued(n, c, ctx) for n, c in enumerate(earlier, start=1))
    if report.draft:
        return (
            f"Certificates issued before for lot {report.batch.lot}: {listed}. This draft "
            "supersedes none of them."
        )
    gone = ", which is no longer valid" if len(earlier) == 1 else ". These are no longer valid"
    return f"Issue {issue_number(report)} of this certificate. It supersedes {listed}{gone}."


def supersedes_notice(ctx: ReportContext) -> Flowable | None:
    text = supersedes_text(ctx)
    if text is None:
        return None
    colour = DRAFT_RED if ctx.report.draft else OOS_RED
    return notice(f"<b>Supersedes:</b> {esc(text)}", colour, LIGHT_GREY)


def autologous_notice(ctx: ReportContext) -> Flowable | None:
    report = ctx.report
    autologous = report.product.autologous if report.product else report.batch.autologous
    if not autologous:
        return None
    coi = report.batch.coi_id
    text = "<b>For autologous use only.</b> " + (
        f"Only for the patient identified by chain of identity <b>{esc(coi)}</b>."
        if coi
        else "Only for the patient whose cells it was made from."
    )
    return notice(text, OOS_RED)


def _with_caveat(value: str, caveat: str | None) -> Flowable:
    text = esc(value)
    if caveat:
        text += "<br/>" + coloured(caveat, CAVEAT_AMBER, bold=False)
    return markup(text, SMALL)


def _expiry(facts: ProductFacts) -> str:
    if facts.expires_on is not None:
        months = f"{facts.shelf_life_months} months" if facts.shelf_life_months else "shelf life"
        return f"{facts.expires_on.isoformat()} ({months} after manufacture)"
    if not facts.shelf_life_months:
        return f"{EMPTY} (the template states no shelf life)"
    return f"{EMPTY} ({facts.shelf_life_months} months after manufacture; {NOT_RECORDED})"


def product_rows(facts: ProductFacts) -> list[tuple[str, object]]:
    """Manufacture, expiry, storage, fill, containers, weight and dose (as far as recorded)."""
    made = facts.manufactured_on.isoformat() if facts.manufactured_on else NOT_RECORDED
    return [
        ("Manufacture date", made),
        ("Expiry date", _with_caveat(_expiry(facts), facts.caveat)),
        ("Storage condition", _with_caveat(facts.storage or EMPTY, facts.caveat)),
        ("Fill volume", facts.fill_volume or NOT_RECORDED),
        ("Containers", facts.containers or NOT_RECORDED),
        ("Patient body weight", facts.body_weight or NOT_RECORDED),
        ("Dose at this weight", facts.dose_band or NOT_RECORDED),
    ]


def certificate_facts(ctx: ReportContext) -> Flowable:
    """The product and lot table at the head of the certificate."""
    report, batch = ctx.report, ctx.report.batch
    issue = issue_number(report)
    if issue is None:
        issued = coloured("DRAFT — not issued; not a certificate of analysis", DRAFT_RED)
    else:
        issued = esc(str(issue)) + (
            f" (supersedes {'issue 1' if issue == 2 else f'issues 1–{issue - 1}'})"
            if issue > 1
            else ""
        )
    pairs: list[tuple[str, object]] = [
        ("Product", f"{batch.product_family} — {batch.template_title}"),
        ("Lot", batch.lot),
        ("Chain of identity", batch.coi_id or EMPTY),
        ("Template", template_text(ctx)),
        ("Template SHA-256", para(batch.template_sha256, MONO_SMALL)),
        ("Manufactured at", report.site_name),
    ]
    if report.product is not None:
        pairs += product_rows(report.product)
    pairs += [
        ("Batch status", status_words(batch.status)),
        ("Certificate issue", markup(issued, SMALL)),
    ]
    return key_values(pairs)
