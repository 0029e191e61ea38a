"""Materials, their lots and QA's decisions on them, and what a batch used (lot or equipment).

A material (a reagent, a medium, a cytokine, a vector lot, a bag, a cryoprotectant) has a code and
lots; a lot is received with its expiry and quantity, starts in quarantine and is released,
rejected or expired by QA with a reason and an e-signature (``material_lot_decision``, append-
only). ``material_use`` (append-only) is what a batch used at the point of use: the lot or the
item of equipment, its status and dates as they were then, the quantity taken from the lot's
stock, and the deviation when QA overrode a refusal. Recall reads it backwards.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.models.types import utc_column
from core.states import LotStatus


class Material(SQLModel, table=True):
    __tablename__ = "material"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True, index=True)  # e.g. IL2, TEXMACS, LV-CD19
    name: str
    kind: str = Field(max_length=20)  # MaterialKind
    supplier: str
    unit: str = Field(max_length=16)  # what its stock is counted in (mL, vial, µg, bag)
    created_at: datetime = Field(sa_column=utc_column())
    created_by: str = Field(max_length=64)


class MaterialLot(SQLModel, table=True):
    __tablename__ = "material_lot"
    __table_args__ = (sa.UniqueConstraint("material_id", "lot_number", name="uq_material_lot"),)

    id: int | None = Field(default=None, primary_key=True)
    material_id: int = Field(foreign_key="material.id", index=True)
    lot_number: str = Field(max_length=64, index=True)  # the supplier's lot, as on its label
    expiry: date
    quantity_received: str = Field(max_length=32)  # exact decimal, in the material's unit
    received_at: datetime = Field(sa_column=utc_column())
    received_by: str = Field(max_length=64)
    status: str = Field(default=LotStatus.QUARANTINE, max_length=16)  # LotStatus
    status_reason: str | None = None
    status_by: str | None = Field(default=None, max_length=64)
    status_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class MaterialLotDecision(SQLModel, table=True):
    """QA's decision on a lot's status, e-signed over its statement (append-only)."""

    __tablename__ = "material_lot_decision"

    id: int | None = Field(default=None, primary_key=True)
    lot_id: int = Field(foreign_key="material_lot.id", index=True)
    old_status: str = Field(max_length=16)
    status: str = Field(max_length=16)
    reason: str
    decided_by: str = Field(max_length=64)
    decided_by_name: str
    decided_at: datetime = Field(sa_column=utc_column())
    statement: str  # canonical JSON of what was signed
    crypto_signature: str
    certificate_serial: str = Field(max_length=64)


class Attachment(SQLModel, table=True):
    """A file kept with a record (a lot's certificate of analysis, a calibration certificate):
    its exact bytes and their SHA-256 (append-only)."""

    __tablename__ = "attachment"
    __table_args__ = (sa.UniqueConstraint("owner", "sha256", name="uq_attachment_owner_sha"),)

    id: int | None = Field(default=None, primary_key=True)
    owner: str = Field(max_length=64, index=True)  # "material_lot:12", "equipment_event:3"
    kind: str = Field(max_length=32)  # coa | certificate
    filename: str
    sha256: str = Field(max_length=64)
    size: int
    content: bytes = Field(sa_column=sa.Column(sa.LargeBinary, nullable=False))
    attached_at: datetime = Field(sa_column=utc_column())
    attached_by: str = Field(max_length=64)


class MaterialUse(SQLModel, table=True):
    """A lot or an item of equipment used by a batch at a check, as it was at the time of use;
    or a quantity taken from a lot's stock (append-only)."""

    __tablename__ = "material_use"

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="batch.id", index=True)
    check_id: str = Field(max_length=64)
    lot_id: int | None = Field(default=None, foreign_key="material_lot.id", index=True)
    equipment_id: int | None = Field(default=None, foreign_key="equipment.id", index=True)
    quantity: str | None = Field(default=None, max_length=32)  # taken from the lot's stock
    status_at_use: str = Field(max_length=16)
    due_at_use: date | None = None  # the lot's expiry, or the equipment's nearest due date
    deviation_id: int | None = Field(default=None, foreign_key="deviation.id")  # QA override
    used_at: datetime = Field(sa_column=utc_column())
    used_by: str = Field(max_length=64)
