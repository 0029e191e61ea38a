"""The QA disposition as printed on the certificate of analysis and the batch summary: each
APPROVED signature's manifestation (printed name, date and time with zone, meaning), the
disposition and its reason, and for an exceptional release or a post-release failure the
deviation it rests on and how the treating physician was notified — never reading like a plain
release."""

from __future__ import annotations

from core.auth.roles import role_words
from core.i18n import N_, _
from core.readmodels import CheckView, DeviationView
from core.reports.release import release_checks
from core.reports.styles import (
    ALERT_AMBER,
    BOLD_RED_MARKUP,
    H1,
    INVALID_BG,
    LIGHT_GREY,
    MONO_SMALL,
    NOTE,
    OOS_RED,
    SMALL,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    esc,
    key_values,
    markup,
    notice,
    para,
)
from core.reports.text import EMPTY, ReportContext, disposition_label, signature_state
from core.signing_views import (
    NEEDS_PHYSICIAN,
    Disposition,
    Meaning,
    SignatureView,
    signed_words,
)
from core.specs import Verdict
from core.words import deviation_class_words, deviation_status_words

NOT_DISPOSITIONED = N_("Not yet dispositioned (no APPROVED signature)")


def approvals(ctx: ReportContext) -> list[SignatureView]:
    """Every QA disposition of the batch (APPROVED signatures), oldest first."""
    found = [s for s in ctx.report.review.signatures if s.meaning == Meaning.APPROVED]
    return sorted(found, key=lambda s: s.signed_at)


def deviation_text(ref: str, ctx: ReportContext) -> str:
    """A deviation reference with what the record holds on it (class, status, conclusion)."""
    found: DeviationView | None = next(
        (d for d in ctx.report.batch.deviations if d.ref == ref), None
    )
    if found is None:
        return ref
    kind = deviation_class_words(found.classification)
    text = f"{ref} ({kind}, {deviation_status_words(found.status)}): {found.description}"
    if found.closed_at is not None:
        who, when = ctx.who(found.closed_by), ctx.time(found.closed_at)
        text += " " + (
            _("Closed by {who} {time}: {conclusion}").format(
                who=who, time=when, conclusion=found.conclusion
            )
            if found.conclusion
            else _("Closed by {who} {time}.").format(who=who, time=when)
        )
    return text


def disposition_text(ctx: ReportContext) -> str:
    """The current disposition in one line (the batch summary's header)."""
    found = approvals(ctx)
    if not found:
        return _(NOT_DISPOSITIONED)
    signature = found[-1]
    text = disposition_label(signature.disposition)
    if signature.deviation:
        text += "; " + _("deviation {ref}").format(ref=signature.deviation)
    if signature.physician_notification:
        text += "; " + _("treating physician notified: {notification}").format(
            notification=signature.physician_notification
        )
    if not signature.valid:
        text += " — " + _("APPROVED signature {state}").format(state=signature_state(signature))
    return text


def _failed(ctx: ReportContext) -> list[CheckView]:
    return [
        c
        for c in release_checks(ctx.report.batch)
        if c.current is not None and c.current.verdict == Verdict.OOS
    ]


def _pending(ctx: ReportContext) -> list[CheckView]:
    return [
        c
        for c in release_checks(ctx.report.batch)
        if c.current is None and c.pending_allowed and c.applies is not False
    ]


def _results(checks: list[CheckView]) -> str:
    """The failed results with their specifications (and caveats on example limits)."""
    return "; ".join(
        (
            _("{check} {name} {value} (specification {spec}; {caveat})")
            if c.caveat
            else _("{check} {name} {value} (specification {spec})")
        ).format(check=c.id, name=c.name, value=current.display, spec=c.spec, caveat=c.caveat)
        for c in checks
        if (current := c.current) is not None  # all of them: _failed gives recorded results
    )


def disposition_notice(signature: SignatureView, ctx: ReportContext) -> Flowable | None:
    """What a reader must not miss about a disposition: an exceptional release, a failure after
    release, results still to come."""
    kind = signature.disposition
    if kind == Disposition.EXCEPTIONAL_RELEASE:
        failed = _failed(ctx)
        released = (
            _(
                "Released for its patient only, at the treating physician's request, under "
                "deviation {ref}."
            ).format(ref=esc(signature.deviation))
            if signature.deviation
            else _("Released for its patient only, at the treating physician's request.")
        )
        text = (
            _("<b>EXCEPTIONAL RELEASE — this lot does not meet its specification.</b>")
            + " "
            + (
                _("Out of specification: {results}.").format(results=esc(_results(failed))) + " "
                if failed
                else ""
            )
            + released
        )
        return notice(text, OOS_RED, INVALID_BG)
    if kind == Disposition.POST_RELEASE_OOS:
        failed = _failed(ctx)
        acknowledged = (
            _(
                "QA acknowledged the failure under deviation {ref}; the treating physician was "
                "notified."
            ).format(ref=esc(signature.deviation))
            if signature.deviation
            else _("QA acknowledged the failure; the treating physician was notified.")
        )
        text = (
            _("<b>A release result failed after the lot was released.</b>")
            + " "
            + (f"{esc(_results(failed))}. " if failed else "")
            + acknowledged
        )
        return notice(text, OOS_RED, INVALID_BG)
    if kind == Disposition.RELEASED_PENDING:
        pending = _pending(ctx)
        still = (
            _("Still pending: {checks}.").format(
                checks="; ".join(f"{c.id} {c.name}" for c in pending)
            )
            if pending
            else _("Every pending result has since been recorded.")
        )
        return notice(
            _("<b>Released with results pending</b> (results that may follow release).")
            + " "
            + esc(still),
            ALERT_AMBER,
            LIGHT_GREY,
        )
    return None


def manifestation(signature: SignatureView, ctx: ReportContext) -> Flowable:
    """One QA disposition signature as printed (21 CFR 11.50)."""
    label = disposition_label(signature.disposition)
    special = signature.disposition in NEEDS_PHYSICIAN
    shown = BOLD_RED_MARKUP.format(esc(label)) if special else f"<b>{esc(label)}</b>"
    pairs: list[tuple[str, object]] = [
        (_("Disposition"), markup(shown, SMALL)),
        (_("Reason"), signature.reason or EMPTY),
    ]
    if signature.deviation or special:
        pairs.append(
            (
                _("Deviation"),
                deviation_text(signature.deviation, ctx)
                if signature.deviation
                else _("none recorded"),
            )
        )
    if signature.physician_notification or special:
        pairs.append((_("Treating physician notified"), signature.physician_notification or EMPTY))
    pairs += [
        (
            _("Signed by"),
            markup(
                f"<b>{esc(signature.signer_name)}</b> ({esc(signature.signer)}, "
                f"{esc(role_words(signature.signer_role))})",
                SMALL,
            ),
        ),
        (_("Date and time"), ctx.time(signature.signed_at, seconds=True)),
        (
            _("Meaning"),
            markup(f"<b>{esc(signature.label)}</b> — {esc(signed_words(signature))}", SMALL),
        ),
        (
            _("Electronic signature"),
            para(
                _("content SHA-256 {sha}\ncertificate serial {serial}").format(
                    sha=signature.content_sha256, serial=signature.certificate_serial
                ),
                MONO_SMALL,
            ),
        ),
        (
            _("Signature state"),
            markup(
                esc(_("valid"))
                if signature.valid
                else BOLD_RED_MARKUP.format(esc(signature_state(signature))),
                SMALL,
            ),
        ),
    ]
    return key_values(pairs)


def disposition_section(ctx: ReportContext, *, draft: bool = False) -> list[Flowable]:
    """The heading, each disposition (the newest last, marked current) or why there is none."""
    found = approvals(ctx)
    heading = Paragraph(esc(_("QA disposition")), H1)
    if not found:
        text = _("Not yet dispositioned: no QA disposition (APPROVED signature) is recorded.")
        if draft:
            text += " " + _(
                "This draft is not a certificate of analysis and does not release the product."
            )
        return [KeepTogether([heading, para(text, NOTE)])]
    story: list[Flowable] = []
    for n, signature in enumerate(found, start=1):
        block: list[Flowable] = [heading] if n == 1 else [Spacer(1, 6)]
        if len(found) > 1:
            shown_n = (
                _("Disposition {n} of {total} (current)")
                if n == len(found)
                else _("Disposition {n} of {total} (superseded by the later disposition)")
            )
            block.append(para(shown_n.format(n=n, total=len(found)), SMALL))
            block.append(Spacer(1, 2))
        shown = disposition_notice(signature, ctx) if n == len(found) else None
        if shown is not None:
            block += [shown, Spacer(1, 4)]
        block.append(manifestation(signature, ctx))
        story.append(KeepTogether(block))
    return story
