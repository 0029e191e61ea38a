"""Read models of signatures and of the review by exception (frozen; handed to CLI, GUI, PDF)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.i18n import SOURCE, language
from core.signed_reading import as_signed
from core.states import (
    NEEDS_PHYSICIAN,
    Disposition,
    ItemKind,
    Meaning,
    SignatureState,
)
from core.words import DISPOSITION_LABEL, ITEM_KIND_LABEL, MEANING_LABEL, MEANING_STATEMENT

# the enums live in core.states and the words in core.words; these names are kept importable here
__all__ = [
    "DISPOSITION_LABEL",
    "ITEM_KIND_LABEL",
    "MEANING_LABEL",
    "MEANING_STATEMENT",
    "NEEDS_PHYSICIAN",
    "AuditReviewMark",
    "Disposition",
    "ItemKind",
    "Meaning",
    "ReviewItem",
    "ReviewView",
    "SignatureState",
    "SignatureView",
    "signed_words",
]


@dataclass(frozen=True)
class SignatureView:
    id: int
    lot: str
    scope: str  # "batch" or "step:<STEP_ID>"
    step_id: str | None
    meaning: str  # Meaning value
    signer: str  # username
    signer_name: str  # printed name at the time of signing
    signer_role: str
    signed_at: datetime  # UTC
    disposition: str | None  # APPROVED only (Disposition value)
    reason: str | None
    content_sha256: str  # SHA-256 of the canonical content signed
    certificate_serial: str  # hex serial of the signer's certificate
    state: str  # SignatureState value
    state_detail: str  # why it is not valid; "" when valid
    deviation: str | None = None  # the deviation a disposition rests on (exceptional release …)
    physician_notification: str | None = None  # who was told, when and how
    # the meaning's sentence exactly as the signer read it, and its language (None: signed
    # before it was kept, when every signer read it in the source language)
    signed_statement: str | None = None
    statement_language: str = SOURCE

    @property
    def label(self) -> str:
        return MEANING_LABEL.get(self.meaning, self.meaning)

    @property
    def statement(self) -> str:
        """What the signer attested, as they read it (never re-worded for the reader)."""
        if self.signed_statement is not None:
            return self.signed_statement
        return MEANING_STATEMENT.raw.get(self.meaning, "")

    @property
    def statement_translation(self) -> str | None:
        """The statement in the reader's language, shown beside the signed words; None when the
        reader reads the language it was signed in."""
        if language() == self.statement_language:
            return None
        shown = MEANING_STATEMENT.get(self.meaning)
        return shown if shown and shown != self.statement else None

    @property
    def valid(self) -> bool:
        return self.state == SignatureState.VALID


def signed_words(sig: SignatureView) -> str:
    """The statement as signed, in quotes, and — for a reader of another language — the
    language it was signed in and its translation: “…” (signed in 한국어) — translation: “…”."""
    return as_signed(sig.statement, sig.statement_language, sig.statement_translation)


@dataclass(frozen=True)
class ReviewItem:
    kind: str  # ItemKind value
    title: str  # one line: "CART-IPC-05 Viability: 62 % (≥ 70 %)"
    detail: str  # the comment, reason, deviation, hash … a reviewer needs
    blocking: bool  # approval waits until it is resolved
    step_id: str | None = None
    check_id: str | None = None
    ref: str | None = None  # deviation ref, file SHA-256, excursion id, signature id
    at: datetime | None = None  # UTC
    by: str | None = None  # username
    by_name: str | None = None  # printed name

    @property
    def kind_label(self) -> str:
        return ITEM_KIND_LABEL.get(self.kind, self.kind)


@dataclass(frozen=True)
class AuditReviewMark:
    reviewed_by: str
    reviewed_by_name: str
    reviewed_at: datetime  # UTC
    through_seq: int  # the batch's audit events up to this sequence number were reviewed
    current: bool  # no batch data changed after it


@dataclass(frozen=True)
class ReviewView:
    lot: str
    status: str
    items: tuple[ReviewItem, ...]
    signatures: tuple[SignatureView, ...]
    audit_review: AuditReviewMark | None
    approval_blockers: tuple[str, ...]  # why a release cannot be approved now; empty: it can

    @property
    def blocking(self) -> tuple[ReviewItem, ...]:
        return tuple(i for i in self.items if i.blocking)
