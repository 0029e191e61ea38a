"""Deviations and the entries they are linked to."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from core.models.types import utc_column
from core.states import DeviationStatus


class DeviationClass(StrEnum):
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"


class Deviation(SQLModel, table=True):
    __tablename__ = "deviation"

    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(max_length=32, unique=True, index=True)
    batch_id: int = Field(foreign_key="batch.id", index=True)
    classification: str = Field(max_length=10)
    description: str
    status: str = Field(default=DeviationStatus.OPEN, max_length=20)
    opened_by: str = Field(max_length=64)
    opened_at: datetime = Field(sa_column=utc_column())
    closed_by: str | None = Field(default=None, max_length=64)
    closed_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    conclusion: str | None = None  # QA's closing statement (root cause, impact, CAPA)


class DeviationLink(SQLModel, table=True):
    __tablename__ = "deviation_link"

    id: int | None = Field(default=None, primary_key=True)
    deviation_id: int = Field(foreign_key="deviation.id", index=True)
    batch_id: int = Field(foreign_key="batch.id")
    check_id: str = Field(max_length=64)
    linked_by: str = Field(max_length=64)
    linked_at: datetime = Field(sa_column=utc_column())
