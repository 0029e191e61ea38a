"""QA dispositions: what each one needs beyond the signature, and what the lot's status becomes.

- released / released with results pending / exceptional release: the release gate
  (core.release_rules), the other blocking review items, the batch review and the audit-trail
  review; an exceptional release also names its closed deviation and the physician's notification.
- post-release out of specification (QA's acknowledgement of a result that failed after release):
  each failing result linked to a deviation, and the physician's notification.
- quarantined and rejected wait for nothing but a reason.
"""

from __future__ import annotations

from core.auth import Actor
from core.errors import Conflict, DomainError
from core.i18n import _
from core.models import Batch, BatchStatus
from core.readmodels import BatchView
from core.release_rules import cited_deviation, post_release_blockers
from core.services.review import build_review
from core.signing_views import NEEDS_PHYSICIAN, Disposition
from core.text_rules import PHYSICIAN, optional_text
from core.words import DISPOSITION_WORDS

# A lot locked for good: nothing of it is signed any more.
LOCKED = (BatchStatus.REJECTED, BatchStatus.EXCEPTIONAL_RELEASE)
# After a release only the release step is still signed (its results that followed release are
# verified), and QA acknowledges a failure after release; nothing else. A lot whose status is
# not listed here awaits its disposition.
DISPOSITIONS_FROM: dict[str, frozenset[Disposition]] = {
    BatchStatus.POST_RELEASE_OOS: frozenset({Disposition.POST_RELEASE_OOS}),
    BatchStatus.RELEASED_PENDING: frozenset(),
    BatchStatus.RELEASED: frozenset(),
    BatchStatus.POST_RELEASE_OOS_ACK: frozenset(),
}


def decision_open(status: str) -> bool:
    """True while QA can still sign a disposition of a lot in ``status`` (its release, or the
    acknowledgement of a failure after release)."""
    return status not in LOCKED and bool(DISPOSITIONS_FROM.get(status, True))


def dispositions_offered(view: BatchView) -> tuple[Disposition, ...]:
    """The dispositions QA may choose for the lot now: none for a locked record, only the
    acknowledgement after a failure after release; an exceptional release only for an autologous
    lot whose release gate has a failing result. (Whether one may be signed now is
    ``approval_blockers`` and the signing rules.)"""
    from core.release_rules import release_gate

    if view.status in LOCKED:
        return ()
    allowed = DISPOSITIONS_FROM.get(view.status)
    if allowed is not None:
        return tuple(d for d in Disposition if d in allowed)
    exceptional = view.autologous and bool(release_gate(view).failing)
    return tuple(
        d
        for d in Disposition
        if d != Disposition.POST_RELEASE_OOS
        and (d != Disposition.EXCEPTIONAL_RELEASE or exceptional)
    )


def parse_disposition(text: str | None) -> Disposition:
    if not text:
        raise DomainError(
            _(
                "A QA approval states the disposition: released, released_pending, quarantined or "
                "rejected."
            )
        )
    key = text.strip().lower().replace(" ", "_").replace("-", "_")
    try:
        return Disposition(key)
    except ValueError:
        choices = ", ".join(d.value for d in Disposition)
        raise DomainError(
            _("'{text}' is not a disposition. Choose one of: {choices}.").format(
                text=text, choices=choices
            )
        ) from None


def required_details(
    outcome: Disposition | None, deviation: str | None, physician: str | None
) -> dict[str, str] | None:
    deviation = (deviation or "").strip() or None
    physician = optional_text(physician, PHYSICIAN)
    if outcome not in NEEDS_PHYSICIAN:
        if deviation or physician:
            raise DomainError(
                _(
                    "A deviation and the physician's notification are given with an exceptional "
                    "release or a post-release acknowledgement only."
                )
            )
        return None
    label = DISPOSITION_WORDS[outcome]  # shown only (a refusal nobody keeps)
    if not deviation:
        raise DomainError(
            _("An {disposition} names the deviation it rests on.").format(disposition=label)
        )
    if not physician or len(physician) < 10:
        raise DomainError(
            _(
                "An {disposition} records how the treating physician was notified: who, when and "
                "how (for example: Dr … informed by phone on … at …)."
            ).format(disposition=label)
        )
    return {"deviation": deviation, "physician_notification": physician}


def check_approvable(
    session,
    batch: Batch,
    view: BatchView,
    actor: Actor,
    outcome: Disposition | None,
    details: dict[str, str] | None,
) -> None:
    from core.services.review import approval_blockers, originators

    if outcome is None:  # sign() parses an approval's disposition before it is checked
        raise DomainError(_("A QA approval states the disposition it approves."))
    if actor.username in originators(session, batch.lot):
        raise Conflict(
            _(
                "You ({user}) wrote data into lot {lot}: its disposition is "
                "approved by someone who took no part in it."
            ).format(user=actor.username, lot=batch.lot)
        )
    if outcome == Disposition.POST_RELEASE_OOS:
        blockers = post_release_blockers(view, details)
    else:
        review = build_review(session, batch, view)
        blockers = approval_blockers(
            view, review.items, review.audit_review, outcome, autologous=view.autologous
        )
        if outcome == Disposition.EXCEPTIONAL_RELEASE and details:
            blockers += cited_deviation(view, details["deviation"], closed=True)
    if blockers:
        raise Conflict(
            _("Lot {lot} cannot be {disposition} yet: {blockers}").format(
                lot=batch.lot,
                disposition=DISPOSITION_WORDS[outcome],
                blockers=" ".join(b if b.endswith(".") else b + "." for b in blockers),
            )
        )


def dispose(uow, batch: Batch, outcome: Disposition, reason: str | None) -> None:
    old = batch.status
    batch.status = (
        BatchStatus.POST_RELEASE_OOS_ACK
        if outcome == Disposition.POST_RELEASE_OOS
        else BatchStatus(outcome.value)
    )
    uow.session.add(batch)
    uow.audit(
        "batch.disposition",
        "batch",
        batch.lot,
        lot=batch.lot,
        old={"status": old},
        new={"status": batch.status},
        reason=reason,
    )
