"""States that logic decides on, as enums: a step's state, a signing key's state. Their values
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
