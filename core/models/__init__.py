"""SQLModel tables, grouped by domain. Importing this package registers every table."""

from core.models.audit import AuditEvent, AuditHead, ClockAnomaly
from core.models.batches import Batch, BatchStatus, EntryKind, Result
from core.models.people import SiteSetting, User
from core.models.quality import Deviation, DeviationClass, DeviationLink, DeviationStatus
from core.models.templates import TemplateVersion

__all__ = [
    "AuditEvent",
    "AuditHead",
    "Batch",
    "BatchStatus",
    "ClockAnomaly",
    "Deviation",
    "DeviationClass",
    "DeviationLink",
    "DeviationStatus",
    "EntryKind",
    "Result",
    "SiteSetting",
    "TemplateVersion",
    "User",
]
