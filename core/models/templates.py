"""Process template versions as loaded into the database: content verbatim, with its SHA-256."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.models.types import utc_column


class TemplateVersion(SQLModel, table=True):
    __tablename__ = "template_version"
    __table_args__ = (sa.UniqueConstraint("key", "version", name="uq_template_key_version"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64, index=True)
    version: int
    title: str
    product_family: str = Field(max_length=20)
    autologous: bool
    sha256: str = Field(max_length=64, index=True)
    source_file: str
    content: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    loaded_at: datetime = Field(sa_column=utc_column())
    loaded_by: str = Field(max_length=64)
