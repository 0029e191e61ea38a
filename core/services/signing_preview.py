"""What a signature would cover, shown in the sign dialog before the password is asked: the
statement, one line per value signed, the content hash, and (for a QA disposition) what still
stands in its way."""

from __future__ import annotations

from dataclasses import dataclass

from core.auth import Actor
from core.i18n import _
from core.models import id_of
from core.records.batch_record import build_batch_view, load_batch
from core.records.signature_states import batch_extras
from core.release_rules import post_release_blockers
from core.services.dispositions import parse_disposition
from core.services.review import build_review
from core.services.signing_rules import parse_meaning, step_of, why_not_sign
from core.signatures import BATCH_SCOPE, content_for, sha256_text, step_scope
from core.signing_views import MEANING_LABEL, MEANING_STATEMENT, Disposition, Meaning
from core.store import Database
from core.words import VERDICT_WORDS


@dataclass(frozen=True)
class SigningPreview:
    """What a signature would cover, shown in the sign dialog before the password is asked."""

    lot: str
    scope: str
    meaning: str
    label: str  # "Verified by"
    statement: str  # what the signature means, in words
    title: str  # "Step CART-S03 Receipt and inspection of starting material"
    lines: tuple[str, ...]  # one line per value signed: "CART-IPC-03-VOL Volume: 250 mL · pass"
    content_sha256: str
    warnings: tuple[str, ...]  # e.g. approval blockers for a release
    refusal: str | None = None  # why the signer cannot sign this at all (asked with ``actor``)


def preview(
    db: Database,
    lot: str,
    meaning: str,
    *,
    step_id: str | None = None,
    disposition: str | None = None,
    actor: Actor | None = None,
) -> SigningPreview:
    """With ``actor``: also why that person cannot sign it, before any password is typed."""
    from core.services.review import approval_blockers

    what = parse_meaning(meaning)
    refusal = (
        why_not_sign(db, actor, lot, what, step_id, disposition) if actor is not None else None
    )
    with db.read() as session:
        batch = load_batch(session, lot)
        view = build_batch_view(session, batch)
        if what in (Meaning.PERFORMED, Meaning.VERIFIED):
            step = step_of(view, step_id)
            scope, steps = step_scope(step.id), [step]
            title = _("Step {id} {name}").format(id=step.id, name=step.name)
        else:
            scope, steps = BATCH_SCOPE, list(view.steps)
            title = _("Batch {lot} ({template} v{version})").format(
                lot=view.lot, template=view.template_title, version=view.template_version
            )
        lines = []
        for step in steps:
            for c in step.checks:
                value = c.current.display if c.current else _("— not recorded")
                verdict = (
                    f" · {VERDICT_WORDS.get(c.current.verdict, c.current.verdict)}"
                    if c.current
                    else ""
                )
                lines.append(f"{c.id} {c.name}: {value}{verdict}")
        content = content_for(view, scope, batch_extras(session, id_of(batch)))
        warnings: tuple[str, ...] = ()
        if what == Meaning.APPROVED:
            review = build_review(session, batch, view)
            outcome = parse_disposition(disposition) if disposition else Disposition.RELEASED
            if outcome == Disposition.POST_RELEASE_OOS:
                warnings = post_release_blockers(view, None)
            else:
                warnings = approval_blockers(
                    view, review.items, review.audit_review, outcome, autologous=view.autologous
                )
        return SigningPreview(
            lot=view.lot,
            scope=scope,
            meaning=what.value,
            label=MEANING_LABEL[what],
            statement=MEANING_STATEMENT[what],
            title=title,
            lines=tuple(lines),
            content_sha256=sha256_text(content),
            warnings=warnings,
            refusal=refusal,
        )
