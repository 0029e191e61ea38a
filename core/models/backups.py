"""Backups on record: every backup attempt of the site database, good or failed (append-only)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.models.types import utc_column


class BackupRecord(SQLModel, table=True):
    """One backup attempt: a verified copy of the site database and its manifest, or why it failed.

    Rows are only ever added (the database refuses UPDATE and DELETE); a failed attempt is a row
    of its own, so a failed scheduled backup is never silent."""

    __tablename__ = "backup_record"

    id: int | None = Field(default=None, primary_key=True)
    made_at: datetime = Field(sa_column=utc_column())
    made_by: str = Field(max_length=64)  # the administrator, or "system" (scheduled)
    kind: str = Field(max_length=20)  # "manual" | "scheduled"
    engine: str = Field(max_length=20)  # "sqlite" | "postgresql"
    file: str  # the backup file as written (absolute path)
    ok: bool  # written and verified
    sha256: str | None = Field(default=None, max_length=64)  # of the backup file
    size_bytes: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger, nullable=True))
    chain_seq: int | None = None  # the chain head the backup holds
    chain_hash: str | None = Field(default=None, max_length=64)
    checkpoint_id: int | None = None  # the signed checkpoint written just before the copy
    verification: str  # what was verified, or why the backup failed
