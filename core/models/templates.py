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


class TemplateApproval(SQLModel, table=True):
    """QA's e-signed approval of a template version: it may start batches from then on.
    Append-only; the statement binds the version's SHA-256 and every example limit confirmed."""

    __tablename__ = "template_approval"

    id: int | None = Field(default=None, primary_key=True)
    template_version_id: int = Field(foreign_key="template_version.id", index=True)
    template_sha256: str = Field(max_length=64)
    confirmed: str  # canonical JSON: the example limits confirmed, as shown to the approver
    reason: str
    signer: str = Field(max_length=64)
    signer_name: str = Field(max_length=200)
    signer_role: str = Field(max_length=20)
    signed_at: datetime = Field(sa_column=utc_column())
    statement: str  # canonical JSON the signer's key signed
    crypto_signature: str
    signing_key_id: int = Field(foreign_key="signing_key.id")
    certificate_serial: str = Field(max_length=64)
