"""Signing keys, the site certificate authority, e-signatures and audit-trail review marks."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from core.models.types import utc_column


class SiteAuthority(SQLModel, table=True):
    """The site CA's certificate (its private key lives only in admins' key slots)."""

    __tablename__ = "site_ca"

    id: int | None = Field(default=None, primary_key=True)
    cert_pem: str
    created_at: datetime = Field(sa_column=utc_column())
    created_by: str = Field(max_length=64)


class AuthoritySlot(SQLModel, table=True):
    """The CA private key sealed to one admin's signing key: only that admin's password opens it."""

    __tablename__ = "ca_key_slot"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, index=True)
    signing_key_id: int = Field(foreign_key="signing_key.id")
    sealed_key: str  # JSON envelope (core.crypto.envelope)
    created_at: datetime = Field(sa_column=utc_column())
    created_by: str = Field(max_length=64)
    retired_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class SigningKey(SQLModel, table=True):
    """A user's signing key (wrapped under their password) and, once issued, its certificate."""

    __tablename__ = "signing_key"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, index=True)
    public_key_pem: str
    wrapped_key: str  # JSON envelope (core.crypto.keys.wrap_private_key)
    requested_at: datetime = Field(sa_column=utc_column())
    cert_pem: str | None = None
    serial_hex: str | None = Field(default=None, max_length=64)
    issued_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    issued_by: str | None = Field(default=None, max_length=64)
    retired_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    retire_reason: str | None = None


class Signature(SQLModel, table=True):
    """One electronic signature. Append-only: never changed, never removed."""

    __tablename__ = "signature"

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="batch.id", index=True)
    lot: str = Field(max_length=40)
    scope: str = Field(max_length=80)  # "batch" | "step:<STEP_ID>"
    meaning: str = Field(max_length=16)
    signer: str = Field(max_length=64)
    signer_name: str = Field(max_length=200)
    signer_role: str = Field(max_length=20)
    signed_at: datetime = Field(sa_column=utc_column())
    disposition: str | None = Field(default=None, max_length=20)
    reason: str | None = None
    content: str  # canonical JSON of what was signed
    content_sha256: str = Field(max_length=64)
    statement: str  # canonical JSON the signer's key signed (binds record, meaning, content hash)
    crypto_signature: str  # base64 ECDSA signature over the statement
    signing_key_id: int = Field(foreign_key="signing_key.id")
    certificate_serial: str = Field(max_length=64)
    # what a disposition rests on beyond its reason (canonical JSON, signed with the statement):
    # the deviation and the physician's notification of an exceptional release, for example
    details: str | None = None
    # the audit chain's head when it was signed (in the statement): a chain rewritten or cut
    # under it no longer holds what the signer saw
    chain_seq: int | None = None
    chain_hash: str | None = Field(default=None, max_length=64)


class AuditTrailReview(SQLModel, table=True):
    """A person other than the batch's originators marked its audit trail reviewed."""

    __tablename__ = "audit_trail_review"

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="batch.id", index=True)
    reviewed_by: str = Field(max_length=64)
    reviewed_at: datetime = Field(sa_column=utc_column())
    through_seq: int
    comment: str | None = None
