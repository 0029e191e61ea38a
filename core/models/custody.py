"""Custody of autologous material and the labels printed for a batch (both append-only).

``custody_event``: one hand-off, when it happened, who, where, the container or shipper and the
temperature logger, the chain-of-identity id scanned at it, and — where the template asks — the
e-signature of the person handing over (statement, signature, certificate serial, printed name).

``label_print``: labels printed for a batch: kind, how many, their serial numbers, the stock and
format, and the SHA-256 of what was sent to the printer.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from core.models.types import utc_column


class CustodyEvent(SQLModel, table=True):
    __tablename__ = "custody_event"

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="batch.id", index=True)
    kind: str = Field(max_length=24)  # CustodyKind
    occurred_at: datetime = Field(sa_column=utc_column())  # when the hand-off happened
    location: str
    container_id: str | None = Field(default=None, max_length=64)  # bag, cassette, dry shipper
    logger_id: str | None = Field(default=None, max_length=64)  # temperature logger
    temperature: str | None = None  # the logger's summary as read ("≤ −150 °C throughout")
    coi_scanned: str = Field(max_length=64)
    note: str | None = None
    recorded_by: str = Field(max_length=64)
    recorded_at: datetime = Field(sa_column=utc_column())
    signer_name: str | None = None  # printed name, when the event is e-signed
    statement: str | None = None
    crypto_signature: str | None = None
    certificate_serial: str | None = Field(default=None, max_length=64)


class LabelPrint(SQLModel, table=True):
    __tablename__ = "label_print"

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="batch.id", index=True)
    kind: str = Field(max_length=16)  # LabelKind
    count: int
    first_serial: int  # serials first_serial … first_serial + count − 1, per batch and kind
    stock: str = Field(max_length=32)  # the label stock it was laid out for
    format: str = Field(max_length=8)  # pdf | zpl
    sha256: str = Field(max_length=64)  # of the file sent to the printer
    reason: str | None = None  # a reprint says why
    printed_by: str = Field(max_length=64)
    printed_at: datetime = Field(sa_column=utc_column())
