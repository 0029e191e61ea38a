"""Read models of signatures and of the review by exception (frozen; handed to CLI, GUI, PDF)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Meaning(StrEnum):
    PERFORMED = "PERFORMED"
    VERIFIED = "VERIFIED"
    REVIEWED = "REVIEWED"
    APPROVED = "APPROVED"


# What each meaning attests, in the words shown beside every signature (21 CFR 11.50).
MEANING_LABEL: dict[str, str] = {
    Meaning.PERFORMED: "Performed by",
    Meaning.VERIFIED: "Verified by",
    Meaning.REVIEWED: "Reviewed by",
    Meaning.APPROVED: "Approved by (QA disposition)",
}
MEANING_STATEMENT: dict[str, str] = {
    Meaning.PERFORMED: "I performed this step and entered its results as recorded.",
    Meaning.VERIFIED: (
        "I independently checked this step as recorded: values, calculations, labels and "
        "identity. I did not perform it."
    ),
    Meaning.REVIEWED: (
        "I reviewed this batch record: it is complete and correct, its exceptions are "
        "explained and its deviations linked. I did not perform the entries reviewed."
    ),
    Meaning.APPROVED: "I approve the disposition of this batch stated here, for the reason given.",
}


class Disposition(StrEnum):
    RELEASED = "released"
    RELEASED_PENDING = "released_pending"  # released with results pending (e.g. 14-day sterility)
    # autologous product released out of specification at the treating physician's request,
    # with a closed deviation and the physician's notification on record
    EXCEPTIONAL_RELEASE = "exceptional_release"
    QUARANTINED = "quarantined"
    REJECTED = "rejected"
    # QA acknowledges a result that failed after release (deviation and physician notified)
    POST_RELEASE_OOS = "post_release_oos"


DISPOSITION_LABEL: dict[str, str] = {
    Disposition.RELEASED: "Released",
    Disposition.RELEASED_PENDING: "Released with results pending",
    Disposition.EXCEPTIONAL_RELEASE: "Exceptional release (out of specification)",
    Disposition.QUARANTINED: "Quarantined",
    Disposition.REJECTED: "Rejected",
    Disposition.POST_RELEASE_OOS: "Post-release out of specification, acknowledged",
}
# What each disposition needs beyond a reason: a deviation reference and the physician's
# notification (exceptional release, acknowledging a post-release failure).
NEEDS_PHYSICIAN = frozenset({Disposition.EXCEPTIONAL_RELEASE, Disposition.POST_RELEASE_OOS})


class SignatureState(StrEnum):
    VALID = "valid"
    INVALIDATED = "invalidated"  # the signed content changed after signing
    BROKEN = "broken"  # not bound to this record, or the cryptographic check failed


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

    @property
    def label(self) -> str:
        return MEANING_LABEL.get(self.meaning, self.meaning)

    @property
    def statement(self) -> str:
        return MEANING_STATEMENT.get(self.meaning, "")

    @property
    def valid(self) -> bool:
        return self.state == SignatureState.VALID


class ItemKind(StrEnum):
    OUT_OF_SPEC = "out_of_spec"
    AWAITING_JUSTIFICATION = "awaiting_justification"
    OPEN_DEVIATION = "open_deviation"
    CORRECTION = "correction"
    LATE_ENTRY = "late_entry"
    EDIT_AFTER_SIGNING = "edit_after_signing"
    INVALIDATED_SIGNATURE = "invalidated_signature"
    EXCURSION = "excursion"
    MISSING_VALUE = "missing_value"
    AWAITING_VERIFICATION = "awaiting_verification"
    IMPORTED_FILE = "imported_file"
    POST_RELEASE_OOS = "post_release_oos"  # a result failed after release
    ALERT = "alert"  # beyond an alert limit, inside the action limits
    OUT_OF_WINDOW = "out_of_window"  # entered far from its step's planned day
    OUT_OF_ORDER = "out_of_order"  # dated before the step it follows
    MEASUREMENT_TIME = "measurement_time"  # an instrument time outside its window, with a reason
    CLOCK_INCIDENT = "clock_incident"  # the lot's events are dated ahead of a later clock


ITEM_KIND_LABEL: dict[str, str] = {
    ItemKind.OUT_OF_SPEC: "Out of specification",
    ItemKind.AWAITING_JUSTIFICATION: "Out of specification, not justified",
    ItemKind.OPEN_DEVIATION: "Open deviation",
    ItemKind.CORRECTION: "Correction",
    ItemKind.LATE_ENTRY: "Late entry",
    ItemKind.EDIT_AFTER_SIGNING: "Edited after signing",
    ItemKind.INVALIDATED_SIGNATURE: "Signature invalidated",
    ItemKind.EXCURSION: "Process excursion",
    ItemKind.MISSING_VALUE: "Missing required value",
    ItemKind.AWAITING_VERIFICATION: "Step awaiting verification",
    ItemKind.IMPORTED_FILE: "Imported instrument file",
    ItemKind.POST_RELEASE_OOS: "Out of specification after release",
    ItemKind.ALERT: "Alert limit exceeded",
    ItemKind.OUT_OF_WINDOW: "Entered outside the step's window",
    ItemKind.OUT_OF_ORDER: "Entered out of order",
    ItemKind.MEASUREMENT_TIME: "Instrument time outside its window",
    ItemKind.CLOCK_INCIDENT: "Clock incident not cleared",
}


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
