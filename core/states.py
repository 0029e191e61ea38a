"""States that logic decides on, as enums: a step's state, a signing key's state, a
signature's meaning and state, a disposition, the kind of a review item. Their values
are codes (stable in JSON and in tests); the words people read come from core/words.py."""

from __future__ import annotations

from enum import StrEnum


class StepState(StrEnum):
    NOT_APPLICABLE = "not_applicable"  # every check's condition rules it out
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    HAS_EXCEPTIONS = "has_exceptions"  # an out-of-spec or not-final value
    SIGNATURE_INVALIDATED = "signature_invalidated"  # changed after signing: sign it again
    AWAITING_VERIFICATION = "awaiting_verification"
    VERIFIED = "verified"
    COMPLETE = "complete"


class EntryKind(StrEnum):
    """What a version of a value is."""

    ENTRY = "entry"  # first value typed, scanned or imported
    CORRECTION = "correction"  # a new value replacing the previous version, with a reason
    JUSTIFICATION = "justification"  # same value, now carrying the comment/deviation an OOS needs
    CALCULATION = "calculation"  # a derived value computed from other checks


class DeviationStatus(StrEnum):
    OPEN = "open"
    UNDER_INVESTIGATION = "under_investigation"
    CLOSED = "closed"


class KeyState(StrEnum):
    NONE = "none"  # no signing key yet (the user has not chosen their own password)
    AWAITING_ISSUE = "awaiting_issue"  # a key, its certificate not yet issued by an admin
    ISSUED = "issued"


class Meaning(StrEnum):
    PERFORMED = "PERFORMED"
    VERIFIED = "VERIFIED"
    REVIEWED = "REVIEWED"
    APPROVED = "APPROVED"


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


# What each disposition needs beyond a reason: a deviation reference and the physician's
# notification (exceptional release, acknowledging a post-release failure).
NEEDS_PHYSICIAN = frozenset({Disposition.EXCEPTIONAL_RELEASE, Disposition.POST_RELEASE_OOS})


class SignatureState(StrEnum):
    VALID = "valid"
    INVALIDATED = "invalidated"  # the signed content changed after signing
    BROKEN = "broken"  # not bound to this record, or the cryptographic check failed


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
    USE_OVERRIDE = "use_override"  # a lot or item refused at its point of use, used on QA's word
    CUSTODY_INCOMPLETE = "custody_incomplete"  # a hand-off due before release not recorded


class Verdict(StrEnum):
    PASS = "pass"
    ALERT = "alert"
    OOS = "oos"
    REPORT = "report"  # no spec: information only


class BatchStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    AWAITING_REVIEW = "awaiting_review"
    QUARANTINED = "quarantined"
    RELEASED = "released"
    RELEASED_PENDING = "released_pending"  # released; pending-allowed results still to come
    EXCEPTIONAL_RELEASE = "exceptional_release"  # autologous, out of spec, physician informed
    POST_RELEASE_OOS = "post_release_oos"  # a result after release failed: awaiting QA
    POST_RELEASE_OOS_ACK = "post_release_oos_ack"  # ... acknowledged by QA
    REJECTED = "rejected"


class MaterialKind(StrEnum):
    """What a material is (a lot of it is received, released by QA and used in batches)."""

    REAGENT = "reagent"
    MEDIUM = "medium"
    CYTOKINE = "cytokine"
    VECTOR = "vector"  # a viral vector lot used to transduce (CART-S06)
    BAG = "bag"
    CRYOPROTECTANT = "cryoprotectant"


class LotStatus(StrEnum):
    """A material lot's status, set by QA with a reason and an e-signature. Only a released lot
    in date may be used; a lot past its expiry is refused whatever its status says."""

    QUARANTINE = "quarantine"  # received, not yet released
    RELEASED = "released"
    REJECTED = "rejected"
    EXPIRED = "expired"  # set by QA (e.g. a shortened shelf life); expiry dates refuse on their own


class EquipmentType(StrEnum):
    BIOSAFETY_CABINET = "biosafety_cabinet"
    INCUBATOR = "incubator"
    BIOREACTOR = "bioreactor"
    CELL_COUNTER = "cell_counter"
    CONTROLLED_RATE_FREEZER = "controlled_rate_freezer"
    LN2_FREEZER = "ln2_freezer"
    CENTRIFUGE = "centrifuge"
    PIPETTE = "pipette"


class EquipmentStatus(StrEnum):
    IN_USE = "in_use"
    OUT_OF_SERVICE = "out_of_service"


class EquipmentEventKind(StrEnum):
    """What was done to an item of equipment; the first three set the next due date of the same
    name, a status change takes it in or out of service."""

    CALIBRATION = "calibration"
    QUALIFICATION = "qualification"
    MAINTENANCE = "maintenance"
    STATUS = "status"


class CustodyKind(StrEnum):
    """A hand-off of autologous material, from collection to infusion (cgt-processes §7.3)."""

    COLLECTED = "collected"
    SHIPPED = "shipped"
    RECEIVED = "received"
    HANDOFF = "handoff"  # a manufacturing hand-off between rooms or operators
    QC_SAMPLE = "qc_sample"
    STORED = "stored"
    PRODUCT_SHIPPED = "product_shipped"
    PRODUCT_RECEIVED = "product_received"
    THAWED = "thawed"
    INFUSED = "infused"


# The hand-offs of the finished product, after QA's release (shipped to the treatment centre,
# received there, thawed, infused); every other hand-off of the plan comes before the release.
CUSTODY_AFTER_RELEASE = frozenset(
    {
        CustodyKind.PRODUCT_SHIPPED,
        CustodyKind.PRODUCT_RECEIVED,
        CustodyKind.THAWED,
        CustodyKind.INFUSED,
    }
)


class LabelKind(StrEnum):
    BAG = "bag"
    SAMPLE = "sample"
    VIAL = "vial"
