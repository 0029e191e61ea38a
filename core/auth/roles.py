"""Roles and what each may do. Checked by services inside their unit of work, not by the fronts."""

from __future__ import annotations

from enum import StrEnum

from core.errors import InvalidValue, PermissionDenied
from core.i18n import N_


class Role(StrEnum):
    TECHNICIAN = "technician"
    SUPERVISOR = "supervisor"
    QC = "qc"  # QC analyst: records release test results
    QA = "qa"
    ADMIN = "admin"


class Permission(StrEnum):
    START_BATCH = "start batches"
    RECORD = "record values"
    CORRECT = "correct recorded values"
    OPEN_DEVIATION = "open deviations"
    MANAGE_USERS = "manage users"
    MANAGE_TEMPLATES = "load process templates"
    EXPORT_AUDIT = "export the audit trail"
    VERIFY_STEP = "verify steps performed by others"
    REVIEW_BATCH = "review batch records"
    REVIEW_AUDIT_TRAIL = "review a batch's audit trail"
    APPROVE_BATCH = "approve the disposition of batches"
    CLOSE_DEVIATION = "close deviations"
    EXPORT_REPORT = "export signed batch summaries"
    ISSUE_CERTIFICATES = "issue signing certificates"
    RECORD_RELEASE = "record release test results"
    APPROVE_TEMPLATE = "approve process template versions"
    ASSESS_EXCURSION = "assess process excursions"
    KEEP_SYSTEM = "keep the system (clock incidents, backups, checkpoints)"
    MANAGE_MATERIALS = "define materials"
    RECEIVE_MATERIALS = "receive material lots"
    DECIDE_MATERIAL_LOT = "release, reject or expire material lots"
    MANAGE_EQUIPMENT = "register equipment and record its calibration and maintenance"
    OVERRIDE_POINT_OF_USE = "override a refused material or equipment at the point of use"


_GRANTS: dict[Role, frozenset[Permission]] = {
    Role.TECHNICIAN: frozenset(
        {
            Permission.START_BATCH,
            Permission.RECORD,
            Permission.CORRECT,
            Permission.OPEN_DEVIATION,
            Permission.VERIFY_STEP,
            Permission.EXPORT_REPORT,
            Permission.RECEIVE_MATERIALS,
        }
    ),
    # QC analysts test samples: they record release results (and in-process QC results), never
    # start or sign manufacturing steps as performed.
    Role.QC: frozenset(
        {
            Permission.RECORD,
            Permission.RECORD_RELEASE,
            Permission.CORRECT,
            Permission.OPEN_DEVIATION,
            Permission.VERIFY_STEP,
            Permission.EXPORT_REPORT,
        }
    ),
    Role.SUPERVISOR: frozenset(
        {
            Permission.START_BATCH,
            Permission.RECORD,
            Permission.CORRECT,
            Permission.OPEN_DEVIATION,
            Permission.EXPORT_AUDIT,
            Permission.VERIFY_STEP,
            Permission.REVIEW_BATCH,
            Permission.REVIEW_AUDIT_TRAIL,
            Permission.EXPORT_REPORT,
            Permission.RECEIVE_MATERIALS,
            Permission.MANAGE_EQUIPMENT,
        }
    ),
    Role.QA: frozenset(
        {
            Permission.OPEN_DEVIATION,
            Permission.EXPORT_AUDIT,
            Permission.REVIEW_BATCH,
            Permission.REVIEW_AUDIT_TRAIL,
            Permission.APPROVE_BATCH,
            Permission.CLOSE_DEVIATION,
            Permission.EXPORT_REPORT,
            Permission.APPROVE_TEMPLATE,
            Permission.ASSESS_EXCURSION,
            Permission.MANAGE_MATERIALS,
            Permission.RECEIVE_MATERIALS,
            Permission.DECIDE_MATERIAL_LOT,
            Permission.MANAGE_EQUIPMENT,
            Permission.OVERRIDE_POINT_OF_USE,
        }
    ),
    # Administrators keep the system, not the batch record: they never record GxP values.
    Role.ADMIN: frozenset(
        {
            Permission.MANAGE_USERS,
            Permission.MANAGE_TEMPLATES,
            Permission.EXPORT_AUDIT,
            Permission.ISSUE_CERTIFICATES,
            Permission.KEEP_SYSTEM,
            Permission.MANAGE_MATERIALS,
            Permission.MANAGE_EQUIPMENT,
        }
    ),
}


def parse_role(text: str) -> Role:
    try:
        return Role(text.strip().lower())
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise InvalidValue(f"'{text}' is not a role. Choose one of: {choices}.") from None


def allows(role: str, permission: Permission) -> bool:
    try:
        return permission in _GRANTS[Role(role)]
    except ValueError:
        return False


def require(role: str, permission: Permission, username: str = "") -> None:
    if not allows(role, permission):
        if username:
            raise PermissionDenied.said(
                N_("{user} ({role}) may not {action}. Ask a user whose role allows it."),
                keyword={"username": username},
                user=username,
                role=role,
                action=permission.value,
            )
        raise PermissionDenied.said(
            N_("The {role} role may not {action}. Ask a user whose role allows it."),
            role=role,
            action=permission.value,
        )
