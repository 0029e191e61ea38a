"""What a batch used at its points of use, as read models for the screens and the PDF."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class BatchUseView:
    """A lot or an item of equipment a batch used, as it was then (for the PDF and screens)."""

    check_id: str
    what: str  # "IL2 Interleukin-2 …" or "BSC-01 Class II biosafety cabinet"
    kind: str  # material | equipment
    identifier: str  # the lot number or the asset code
    status_at_use: str
    due_at_use: date | None  # the lot's expiry, or the item's nearest due date
    quantity: str | None  # with its unit, for a quantity taken from a lot
    deviation: str | None  # the deviation of a QA override
    used_at: datetime  # UTC
    used_by: str
