"""Batches and the recorded values of their checks (every version kept; rows are never updated)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.models.types import utc_column
from core.states import BatchStatus

# A batch still takes results while in progress or on hold (quarantined). After a release with
# results pending, only the pending release results are taken (the 14-day sterility arrives after
# release), also once a post-release result has failed. Released and rejected records are locked.
TAKES_RESULTS = frozenset({BatchStatus.IN_PROGRESS, BatchStatus.QUARANTINED})
AFTER_RELEASE = frozenset(
    {
        BatchStatus.RELEASED_PENDING,
        BatchStatus.POST_RELEASE_OOS,
        BatchStatus.POST_RELEASE_OOS_ACK,
    }
)
# Lots that need someone now: a result failed after release and QA has not acknowledged it.
# The batch list and the review show them first.
ATTENTION = frozenset({BatchStatus.POST_RELEASE_OOS})
RELEASED_STATES = frozenset(
    {
        BatchStatus.RELEASED,
        BatchStatus.RELEASED_PENDING,
        BatchStatus.EXCEPTIONAL_RELEASE,
        BatchStatus.POST_RELEASE_OOS,
        BatchStatus.POST_RELEASE_OOS_ACK,
    }
)


class Batch(SQLModel, table=True):
    __tablename__ = "batch"

    id: int | None = Field(default=None, primary_key=True)
    lot: str = Field(max_length=40, unique=True, index=True)
    template_version_id: int = Field(foreign_key="template_version.id")
    product_family: str = Field(max_length=20)
    coi_id: str | None = Field(default=None, max_length=64)
    status: str = Field(default=BatchStatus.IN_PROGRESS, max_length=20)
    started_at: datetime = Field(sa_column=utc_column())
    started_by: str = Field(max_length=64)


class Result(SQLModel, table=True):
    """One version of the value of one check in one batch. Append-only."""

    __tablename__ = "result"
    __table_args__ = (
        # also the index of every history lookup (batch_id, check_id, version > n); see 0005
        sa.UniqueConstraint("batch_id", "check_id", "version", name="uq_result_version"),
    )

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="batch.id")
    check_id: str = Field(max_length=64)
    version: int
    kind: str = Field(max_length=16)
    raw_text: str  # exactly what was typed, scanned or computed
    value: str  # canonical exact value ("7.2", "pass", "Negative")
    value_number: float | None = None  # for plots and queries; `value` is authoritative
    unit: str | None = Field(default=None, max_length=32)
    verdict: str = Field(max_length=8)
    rule: str
    final: bool = True  # False: out of spec and not yet justified
    comment: str | None = None
    deviation_id: int | None = Field(default=None, foreign_key="deviation.id")
    reason: str | None = None  # corrections and justifications
    source: str = Field(default="manual", max_length=80)
    recorded_by: str = Field(max_length=64)
    recorded_at: datetime = Field(sa_column=utc_column())
    # an instrument's own measurement time (UTC) and the zone it was read in, beside the entry time
    measured_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    measured_zone: str | None = Field(default=None, max_length=64)
    timing_reason: str | None = None  # why a measurement time outside its window was accepted
