"""Instrument files kept as originals, process-trace series stored in blocks, live captures, and
excursions. Files, blocks and chunks are append-only (database triggers refuse changes)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.models.types import utc_column


class InstrumentFile(SQLModel, table=True):
    """An imported file: its exact bytes and their SHA-256 (a file is imported once)."""

    __tablename__ = "instrument_file"

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="batch.id", index=True)
    profile: str = Field(max_length=64)
    kind: str = Field(max_length=16)  # counts | trace
    filename: str
    sha256: str = Field(max_length=64, unique=True)
    size: int
    encoding: str = Field(max_length=16)
    rows: int
    content: bytes = Field(sa_column=sa.Column(sa.LargeBinary, nullable=False))
    imported_at: datetime = Field(sa_column=utc_column())
    imported_by: str = Field(max_length=64)


class InstrumentMeasurement(SQLModel, table=True):
    """One measurement an instrument file brought (a cell count): the same measurement (same
    instrument, sample, measurement time and values) is imported once, whatever file holds it."""

    __tablename__ = "instrument_measurement"

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="batch.id", index=True)
    file_id: int = Field(foreign_key="instrument_file.id")
    profile: str = Field(max_length=64)
    instrument: str | None = Field(default=None, max_length=120)
    sample_id: str = Field(max_length=200)
    measured_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    fingerprint: str = Field(max_length=64, unique=True)


class SeriesChannel(SQLModel, table=True):
    """One channel of a batch's process trace (pH, temperature …)."""

    __tablename__ = "series_channel"
    __table_args__ = (sa.UniqueConstraint("batch_id", "key", name="uq_series_channel"),)

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="batch.id")
    key: str = Field(max_length=32)
    name: str
    unit: str | None = None


class SeriesBlock(SQLModel, table=True):
    """A run of points of one channel: times and values as little-endian float64 arrays.
    Read in bulk (a 14-day 1 Hz trace is ~1,300 blocks, not 1.2 million rows)."""

    __tablename__ = "series_block"
    __table_args__ = (sa.Index("ix_series_block_channel_t", "channel_id", "t_first"),)

    id: int | None = Field(default=None, primary_key=True)
    channel_id: int = Field(foreign_key="series_channel.id")
    t_first: float  # seconds since 1970-01-01 UTC
    t_last: float
    n: int
    t_data: bytes = Field(sa_column=sa.Column(sa.LargeBinary, nullable=False))
    v_data: bytes = Field(sa_column=sa.Column(sa.LargeBinary, nullable=False))
    source: str = Field(max_length=80)  # "file:<sha256>" or "live:<capture id>"


class LiveCapture(SQLModel, table=True):
    """Following a growing log file: where it is, who started it, how far it has been read."""

    __tablename__ = "live_capture"

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="batch.id", index=True)
    path: str
    profile: str = Field(max_length=64)
    started_at: datetime = Field(sa_column=utc_column())
    started_by: str = Field(max_length=64)
    stopped_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    lines: int = 0
    points: int = 0


class CaptureChunk(SQLModel, table=True):
    """The exact bytes of the lines a live capture took in, with their SHA-256."""

    __tablename__ = "capture_chunk"
    __table_args__ = (sa.UniqueConstraint("capture_id", "seq", name="uq_capture_chunk"),)

    id: int | None = Field(default=None, primary_key=True)
    capture_id: int = Field(foreign_key="live_capture.id")
    seq: int
    first_line: int
    last_line: int
    content: bytes = Field(sa_column=sa.Column(sa.LargeBinary, nullable=False))
    sha256: str = Field(max_length=64)
    received_at: datetime = Field(sa_column=utc_column())


class Excursion(SQLModel, table=True):
    """A channel outside its alarm band for longer than the template's hold time."""

    __tablename__ = "excursion"

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="batch.id", index=True)
    channel: str = Field(max_length=32)
    side: str = Field(max_length=4)  # low | high
    limit: float
    extreme: float  # the farthest value outside the band
    started_at: datetime = Field(sa_column=utc_column())
    ended_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    detected_at: datetime = Field(sa_column=utc_column())
    source: str = Field(max_length=80)


class ExcursionAssessment(SQLModel, table=True):
    """A process excursion assessed: a deviation linked, or QA's assessment with its reason."""

    __tablename__ = "excursion_assessment"

    id: int | None = Field(default=None, primary_key=True)
    excursion_id: int = Field(foreign_key="excursion.id", index=True)
    batch_id: int = Field(foreign_key="batch.id")
    deviation_id: int | None = Field(default=None, foreign_key="deviation.id")
    assessment: str
    assessed_by: str = Field(max_length=64)
    assessed_role: str = Field(max_length=20)
    assessed_at: datetime = Field(sa_column=utc_column())
