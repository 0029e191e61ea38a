"""SQLModel tables, grouped by domain. Importing this package registers every table."""

from core.models.audit import AuditEvent, AuditHead, ClockAnomaly
from core.models.batches import Batch, BatchStatus, EntryKind, Result
from core.models.people import SiteSetting, User
from core.models.quality import Deviation, DeviationClass, DeviationLink, DeviationStatus
from core.models.series import (
    CaptureChunk,
    Excursion,
    InstrumentFile,
    LiveCapture,
    SeriesBlock,
    SeriesChannel,
)
from core.models.templates import TemplateVersion

__all__ = [
    "AuditEvent",
    "AuditHead",
    "Batch",
    "BatchStatus",
    "CaptureChunk",
    "ClockAnomaly",
    "Deviation",
    "DeviationClass",
    "DeviationLink",
    "DeviationStatus",
    "EntryKind",
    "Excursion",
    "InstrumentFile",
    "LiveCapture",
    "Result",
    "SeriesBlock",
    "SeriesChannel",
    "SiteSetting",
    "TemplateVersion",
    "User",
]
