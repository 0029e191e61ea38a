"""The QA disposition as printed on the certificate of analysis and the batch summary: each
APPROVED signature's manifestation (printed name, date and time with zone, meaning), the
disposition and its reason, and for an exceptional release or a post-release failure the
deviation it rests on and how the treating physician was notified — never reading like a plain
release."""

from __future__ import annotations

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
from core.signing_views import NEEDS_PHYSICIAN, Disposition, Meaning, SignatureView
from core.specs import Verdict

NOT_DISPOSITIONED = "Not yet dispositioned (no APPROVED signature)"


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
    text = f"{ref} ({found.classification}, {found.status}): {found.description}"
    if found.closed_at is not None:
        text += f" Closed by {ctx.who(found.closed_by)} {ctx.time(found.closed_at)}"
        text += f": {found.conclusion}" if found.conclusion else "."
    return text


def disposition_text(ctx: ReportContext) -> str:
    """The current disposition in one line (the batch summary's header)."""
    found = approvals(ctx)
    if not found:
        return NOT_DISPOSITIONED
    signature = found[-1]
    text = disposition_label(signature.disposition)
    if signature.deviation:
        text += f"; deviation {signature.deviation}"
    if signature.physician_notification:
        text += f"; treating physician notified: {signature.physician_notification}"
    if not signature.valid:
        text += f" — APPROVED signature {signature_state(signature)}"
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
        f"{c.id} {c.name} {current.display} (specification {c.spec}"
        + (f"; {c.caveat})" if c.caveat else ")")
        for c in checks
        if (current := c.current) is not None  # all of them: _failed gives recorded results
    )


def disposition_notice(signature: SignatureView, ctx: ReportContext) -> Flowable | None:
    """What a reader must not miss about a disposition: an exceptional release, a failure after
    release, results still to come."""
    kind = signature.disposition
    if kind == Disposition.EXCEPTIONAL_RELEASE:
        failed = _failed(ctx)
        text = (
            "<b>EXCEPTIONAL RELEASE — this lot does not meet its specification.</b> "
            + (f"Out of specification: {esc(_results(failed))}. " if failed else "")
            + "Released for its patient only, at the treating physician's request"
            + (f", under deviation {esc(signature.deviation)}" if signature.deviation else "")
            + "."
        )
        return notice(text, OOS_RED, INVALID_BG)
    if kind == Disposition.POST_RELEASE_OOS:
        failed = _failed(ctx)
        text = (
            "<b>A release result failed after the lot was released.</b> "
            + (f"{esc(_results(failed))}. " if failed else "")
            + "QA acknowledged the failure"
            + (f" under deviation {esc(signature.deviation)}" if signature.deviation else "")
            + "; the treating physician was notified."
        )
        return notice(text, OOS_RED, INVALID_BG)
    if kind == Disposition.RELEASED_PENDING:
        pending = _pending(ctx)
        still = (
            "Still pending: " + "; ".join(f"{c.id} {c.name}" for c in pending) + "."
            if pending
            else "Every pending result has since been recorded."
        )
        return notice(
            "<b>Released with results pending</b> (results that may follow release). " + esc(still),
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
        ("Disposition", markup(shown, SMALL)),
        ("Reason", signature.reason or EMPTY),
    ]
    if signature.deviation or special:
        pairs.append(
            (
                "Deviation",
                deviation_text(signature.deviation, ctx)
                if signature.deviation
                else "none recorded",
            )
        )
    if signature.physician_notification or special:
        pairs.append(("Treating physician notified", signature.physician_notification or EMPTY))
    pairs += [
        (
            "Signed by",
            markup(
                f"<b>{esc(signature.signer_name)}</b> ({esc(signature.signer)}, "
                f"{esc(signature.signer_role)})",
                SMALL,
            ),
        ),
        ("Date and time", ctx.time(signature.signed_at, seconds=True)),
        (
            "Meaning",
            markup(f"<b>{esc(signature.label)}</b> — “{esc(signature.statement)}”", SMALL),
        ),
        (
            "Electronic signature",
            para(
                f"content SHA-256 {signature.content_sha256}\n"
                f"certificate serial {signature.certificate_serial}",
                MONO_SMALL,
            ),
        ),
        (
            "Signature state",
            markup(
                "valid"
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
    heading = Paragraph("QA disposition", H1)
    if not found:
        text = "Not yet dispositioned: no QA disposition (APPROVED signature) is recorded."
        if draft:
            text += " This draft is not a certificate of analysis and does not release the product."
        return [KeepTogether([heading, para(text, NOTE)])]
    story: list[Flowable] = []
    for n, signature in enumerate(found, start=1):
        block: list[Flowable] = [heading] if n == 1 else [Spacer(1, 6)]
        if len(found) > 1:
            which = "current" if n == len(found) else "superseded by the later disposition"
            block.append(para(f"Disposition {n} of {len(found)} ({which})", SMALL))
            block.append(Spacer(1, 2))
        shown = disposition_notice(signature, ctx) if n == len(found) else None
        if shown is not None:
            block += [shown, Spacer(1, 4)]
        block.append(manifestation(signature, ctx))
        story.append(KeepTogether(block))
    return story
