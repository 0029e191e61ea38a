"""Site settings an administrator may change (lockout threshold, idle-lock minutes, the site's time
zone, the decimal mark, import size, backups, who records release results), audited."""

from __future__ import annotations

from dataclasses import asdict

import sqlalchemy as sa
from sqlmodel import select

from core.auth import Actor, Permission
from core.auth.policy import DEFAULTS, SitePolicy, read_policy
from core.errors import DomainError
from core.models import SiteSetting, table_of
from core.services.users import acting_user, authenticate
from core.store import Database, UnitOfWork
from core.text_rules import REASON, optional_text

# key: (lowest, highest, what it means)
LIMITS = {
    "lockout_attempts": (3, 10, "failed log-ins before an account is locked"),
    "idle_lock_minutes": (1, 60, "minutes without input before the screen locks"),
    "import_max_mb": (1, 4096, "the largest instrument file accepted for import, in MB"),
    "backup_every_hours": (0, 720, "hours between scheduled backups (0: off)"),
}
TEXT_SETTINGS = {
    "backup_folder": "the folder scheduled backups are written to (an absolute path, ideally on "
    "another disk; empty: none)",
    "time_zone": "the site's time zone (IANA name, e.g. Europe/Berlin): instrument times "
    "written without a zone are read in it",
    "release_results_by": "who records release test results: qc (QC analysts) or "
    "qc_or_supervisor (supervisors too, never the batch's own manufacturing staff)",
    "decimal_mark": "how numbers are typed: auto (a point or a comma; 1,000 or 12.500 refused as "
    "ambiguous), point (1,234.5) or comma (1.234,5)",
}
MEANINGS = {key: meaning for key, (_, _, meaning) in LIMITS.items()} | TEXT_SETTINGS


def _checked(key: str, value: str) -> int | str:
    if key == "backup_folder":
        from core.backup.files import checked_folder

        return checked_folder(value)
    if key == "decimal_mark":
        from core.values import DECIMAL_MARKS

        if value.strip().lower() not in DECIMAL_MARKS:
            raise DomainError(f"decimal_mark is one of {', '.join(DECIMAL_MARKS)}, not '{value}'.")
        return value.strip().lower()
    if key == "release_results_by":
        from core.auth.policy import RELEASE_RECORDERS

        choice = value.strip().lower()
        if choice not in RELEASE_RECORDERS:
            raise DomainError(
                f"release_results_by is one of {', '.join(RELEASE_RECORDERS)}, not '{value}'."
            )
        return choice
    if key == "time_zone":
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        name = value.strip()
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise DomainError(
                f"'{value}' is not a time zone. Use an IANA name such as Europe/Berlin."
            ) from None
        return name
    low, high, meaning = LIMITS[key]
    try:
        number = int(value.strip())
    except ValueError:
        raise DomainError(f"{key} takes a whole number ({meaning}), not '{value}'.") from None
    if not low <= number <= high:
        raise DomainError(f"{key} must be between {low} and {high} ({meaning}).")
    return number


_MARK = sa.select(table_of(SiteSetting).c.value).where(
    table_of(SiteSetting).c.key == "decimal_mark"
)


def site_decimal_mark(conn: sa.Connection) -> str:
    """The site's decimal mark (auto | point | comma), read in the caller's transaction."""
    return conn.execute(_MARK).scalar() or DEFAULTS["decimal_mark"]


def check_time_zone(name: str) -> str:
    """An IANA time zone name, checked against the zone database (else a DomainError)."""
    return str(_checked("time_zone", name))


def record_time_zone(uow: UnitOfWork, name: str, reason: str) -> None:
    """The site's time zone set inside a unit of work that is already open (site creation)."""
    zone = check_time_zone(name)
    uow.session.add(SiteSetting(key="time_zone", value=zone))
    uow.audit(
        "setting.change",
        "setting",
        "time_zone",
        old={"time_zone": None},
        new={"time_zone": zone},
        reason=reason,
    )


def show_policy(db: Database) -> SitePolicy:
    with db.read() as session:
        return read_policy(session)


def set_setting(
    db: Database,
    admin: Actor,
    key: str,
    value: str,
    reason: str,
    *,
    admin_password: str | None = None,
) -> SitePolicy:
    """Change one setting (see ``change_settings``)."""
    return change_settings(db, admin, {key: value}, reason, admin_password=admin_password)


def change_settings(
    db: Database,
    admin: Actor,
    changes: dict[str, str],
    reason: str,
    *,
    admin_password: str | None = None,
) -> SitePolicy:
    """Change settings together: every value checked first, then one unit of work with an audit
    event per setting (all or none). With ``admin_password`` the administrator proves who they
    are first, as the GUI asks (a wrong one counts towards their lockout, audited)."""
    if not changes:
        raise DomainError("No setting to change.")
    checked: dict[str, int | str] = {}
    for key, value in changes.items():
        if key not in MEANINGS:
            raise DomainError(f"'{key}' is not a site setting. Settings: {', '.join(MEANINGS)}.")
        checked[key] = _checked(key, str(value))
    reason = optional_text(reason, REASON) or ""
    if len(reason) < 3:
        raise DomainError("Give a reason: it is kept in the audit trail.")
    if admin_password is not None:
        admin = authenticate(db, admin.username, admin_password)
    with db.unit_of_work(admin.username) as uow:
        acting_user(uow.session, admin, Permission.MANAGE_USERS)
        before = asdict(read_policy(uow.session))
        for key, number in checked.items():
            row = uow.session.exec(select(SiteSetting).where(SiteSetting.key == key)).first()
            if row is None:
                row = SiteSetting(key=key, value=DEFAULTS[key])
            row.value = str(number)
            uow.session.add(row)
            uow.audit(
                "setting.change",
                "setting",
                key,
                old={key: before[key]},
                new={key: number},
                reason=reason,
            )
        uow.flush()
        return read_policy(uow.session)
