"""Roles and what each may do. Checked by services inside their unit of work, not by the fronts.

The enums' values are what is stored and compared (a user's role, a refusal kept in the audit
trail); ``ROLE_WORDS`` and ``PERMISSION_WORDS`` are what people read, in their language."""

from __future__ import annotations

from enum import StrEnum

from core.errors import InvalidValue, PermissionDenied
from core.i18n import N_, _
from core.words import Words


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


# A role as shown: in a sentence ("The qa role may not ..."), a list's column, a signature.
ROLE_WORDS: Words[str] = Words(
    {
        Role.TECHNICIAN: N_("technician"),
        Role.SUPERVISOR: N_("supervisor"),
        Role.QC: N_("qc"),
        Role.QA: N_("qa"),
        Role.ADMIN: N_("admin"),
    }
)
# What a permission allows, as it reads after "may" / "may not" (the English is the value's).
PERMISSION_WORDS: Words[str] = Words(
    {
        Permission.START_BATCH: N_("start batches"),
        Permission.RECORD: N_("record values"),
        Permission.CORRECT: N_("correct recorded values"),
        Permission.OPEN_DEVIATION: N_("open deviations"),
        Permission.MANAGE_USERS: N_("manage users"),
        Permission.MANAGE_TEMPLATES: N_("load process templates"),
        Permission.EXPORT_AUDIT: N_("export the audit trail"),
        Permission.VERIFY_STEP: N_("verify steps performed by others"),
        Permission.REVIEW_BATCH: N_("review batch records"),
        Permission.REVIEW_AUDIT_TRAIL: N_("review a batch's audit trail"),
        Permission.APPROVE_BATCH: N_("approve the disposition of batches"),
        Permission.CLOSE_DEVIATION: N_("close deviations"),
        Permission.EXPORT_REPORT: N_("export signed batch summaries"),
        Permission.ISSUE_CERTIFICATES: N_("issue signing certificates"),
        Permission.RECORD_RELEASE: N_("record release test results"),
        Permission.APPROVE_TEMPLATE: N_("approve process template versions"),
        Permission.ASSESS_EXCURSION: N_("assess process excursions"),
        Permission.KEEP_SYSTEM: N_("keep the system (clock incidents, backups, checkpoints)"),
        Permission.MANAGE_MATERIALS: N_("define materials"),
        Permission.RECEIVE_MATERIALS: N_("receive material lots"),
        Permission.DECIDE_MATERIAL_LOT: N_("release, reject or expire material lots"),
        Permission.MANAGE_EQUIPMENT: N_(
            "register equipment and record its calibration and maintenance"
        ),
        Permission.OVERRIDE_POINT_OF_USE: N_(
            "override a refused material or equipment at the point of use"
        ),
    }
)


def role_words(role: str) -> str:
    """A stored role as people read it, in the language of the moment (one Lotbook does not
    know, as stored)."""
    return ROLE_WORDS.get(role, role)


def permission_words(permission: str) -> str:
    """What a permission allows, in the language of the moment."""
    return PERMISSION_WORDS.get(permission, permission)


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
        raise InvalidValue(
            _("'{text}' is not a role. Choose one of: {choices}.").format(
                text=text, choices=choices
            )
        ) from None


def allows(role: str, permission: Permission) -> bool:
    try:
        return permission in _GRANTS[Role(role)]
    except ValueError:
        return False


def require(role: str, permission: Permission, username: str = "") -> None:
    if not allows(role, permission):
        # the kept refusal names the role and the permission as stored; the reader, in words
        shown = {"role": role_words(role), "action": permission_words(permission)}
        if username:
            raise PermissionDenied.said(
                N_("{user} ({role}) may not {action}. Ask a user whose role allows it."),
                keyword={"username": username},
                shown=shown,
                user=username,
                role=role,
                action=permission.value,
            )
        raise PermissionDenied.said(
            N_("The {role} role may not {action}. Ask a user whose role allows it."),
            shown=shown,
            role=role,
            action=permission.value,
        )
