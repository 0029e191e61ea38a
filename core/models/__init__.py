"""SQLModel tables, grouped by domain. Importing this package registers every table."""

from sqlmodel import SQLModel

from core.models.audit import AuditCheckpoint, AuditEvent, AuditHead, ClockAnomaly, ClockIncident
from core.models.backups import BackupRecord
from core.models.batches import Batch, BatchStatus, Result
from core.models.custody import CustodyEvent, LabelPrint
from core.models.equipment import Equipment, EquipmentEvent
from core.models.materials import (
    Attachment,
    Material,
    MaterialLot,
    MaterialLotDecision,
    MaterialUse,
)
from core.models.people import SiteSetting, User, UserSetting
from core.models.quality import Deviation, DeviationClass, DeviationLink
from core.models.series import (
    CaptureChunk,
    Excursion,
    ExcursionAssessment,
    InstrumentFile,
    InstrumentMeasurement,
    LiveCapture,
    SeriesBlock,
    SeriesChannel,
)
from core.models.signing import (
    AuditTrailReview,
    AuthoritySlot,
    Signature,
    SigningKey,
    SiteAuthority,
)
from core.models.table import id_of, table_of
from core.models.templates import TemplateApproval, TemplateVersion
from core.states import DeviationStatus, EntryKind

__all__ = [
    "SQL_TABLES",
    "Attachment",
    "AuditCheckpoint",
    "AuditEvent",
    "AuditHead",
    "AuditTrailReview",
    "AuthoritySlot",
    "BackupRecord",
    "Batch",
    "BatchStatus",
    "CaptureChunk",
    "ClockAnomaly",
    "ClockIncident",
    "CustodyEvent",
    "Deviation",
    "DeviationClass",
    "DeviationLink",
    "DeviationStatus",
    "EntryKind",
    "Equipment",
    "EquipmentEvent",
    "Excursion",
    "ExcursionAssessment",
    "InstrumentFile",
    "InstrumentMeasurement",
    "LabelPrint",
    "LiveCapture",
    "Material",
    "MaterialLot",
    "MaterialLotDecision",
    "MaterialUse",
    "Result",
    "SeriesBlock",
    "SeriesChannel",
    "Signature",
    "SigningKey",
    "SiteAuthority",
    "SiteSetting",
    "TemplateApproval",
    "TemplateVersion",
    "User",
    "UserSetting",
    "id_of",
    "table_of",
]

# every table by name (the audit seals read the sealed ones generically)
SQL_TABLES = SQLModel.metadata.tables
