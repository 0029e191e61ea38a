"""Equipment: an item (cabinet, incubator, bioreactor, counter, freezer, centrifuge, pipette) with
its location, status and due dates, and every calibration, qualification, maintenance and status
change recorded against it (``equipment_event``, append-only, with its certificate)."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from core.models.types import utc_column
from core.states import EquipmentStatus


class Equipment(SQLModel, table=True):
    __tablename__ = "equipment"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True, index=True)  # the asset id on its label
    type: str = Field(max_length=32)  # EquipmentType
    name: str
    location: str
    status: str = Field(default=EquipmentStatus.IN_USE, max_length=16)  # EquipmentStatus
    calibration_due: date | None = None
    qualification_due: date | None = None
    maintenance_due: date | None = None
    created_at: datetime = Field(sa_column=utc_column())
    created_by: str = Field(max_length=64)


class EquipmentEvent(SQLModel, table=True):
    __tablename__ = "equipment_event"

    id: int | None = Field(default=None, primary_key=True)
    equipment_id: int = Field(foreign_key="equipment.id", index=True)
    kind: str = Field(max_length=16)  # EquipmentEventKind
    performed_on: date
    next_due: date | None = None  # calibration / qualification / maintenance
    status: str | None = Field(default=None, max_length=16)  # a status change's new status
    passed: bool | None = None  # calibration / qualification outcome
    certificate: str | None = None  # the certificate's number or reference
    note: str | None = None
    recorded_by: str = Field(max_length=64)
    recorded_at: datetime = Field(sa_column=utc_column())
