"""Site settings an administrator may change (lockout threshold, idle-lock minutes, the site's time
zone and language, the decimal mark, import size, backups, who records release results),
audited."""

from __future__ import annotations

from dataclasses import asdict

import sqlalchemy as sa
from sqlmodel import select

from core.auth import Actor, Permission
from core.auth.policy import DEFAULTS, SitePolicy, read_policy
from core.errors import DomainError
from core.fields import Field
from core.i18n import N_, _
from core.models import SiteSetting, table_of
from core.services.users import acting_user, authenticate
from core.store import Database, UnitOfWork
from core.text_rules import REASON, optional_text

# key: (lowest, highest, what it means); the meanings are marked here, translated where shown
LIMITS = {
    "lockout_attempts": (3, 10, N_("failed log-ins before an account is locked")),
    "idle_lock_minutes": (1, 60, N_("minutes without input before the screen locks")),
    "import_max_mb": (1, 4096, N_("the largest instrument file accepted for import, in MB")),
    "backup_every_hours": (0, 720, N_("hours between scheduled backups (0: off)")),
}
TEXT_SETTINGS = {
    "backup_folder": N_(
        "the folder scheduled backups are written to (an absolute path, ideally on "
        "another disk; empty: none)"
    ),
    "time_zone": N_(
        "the site's time zone (IANA name, e.g. Europe/Berlin): instrument times "
        "written without a zone are read in it"
    ),
    "release_results_by": N_(
        "who records release test results: qc (QC analysts) or "
        "qc_or_supervisor (supervisors too, never the batch's own manufacturing staff)"
    ),
    "decimal_mark": N_(
        "how numbers are typed and shown: auto (typed with a point or a comma, 1,000 or 12.500 "
        "refused as ambiguous; shown as the reader's language writes them), point (1,234.5) "
        "or comma (1.234,5)"
    ),
    "language": N_(
        "the site's language (en, de, ko or zh_CN): what a person reads Lotbook in until they "
        "choose their own"
    ),
}
MEANINGS = {key: meaning for key, (_low, _high, meaning) in LIMITS.items()} | TEXT_SETTINGS


def _checked(key: str, value: str) -> int | str:
    if key == "backup_folder":
        from core.backup.files import checked_folder

        return checked_folder(value)
    if key == "decimal_mark":
        from core.values import DECIMAL_MARKS

        if value.strip().lower() not in DECIMAL_MARKS:
            raise DomainError(
                _("decimal_mark is one of {choices}, not '{value}'.").format(
                    choices=", ".join(DECIMAL_MARKS), value=value
                )
            )
        return value.strip().lower()
    if key == "release_results_by":
        from core.auth.policy import RELEASE_RECORDERS

        choice = value.strip().lower()
        if choice not in RELEASE_RECORDERS:
            raise DomainError(
                _("release_results_by is one of {choices}, not '{value}'.").format(
                    choices=", ".join(RELEASE_RECORDERS), value=value
                )
            )
        return choice
    if key == "language":
        from core.services.language import checked_language

        return checked_language(value)
    if key == "time_zone":
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        name = value.strip()
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise DomainError(
                _("'{value}' is not a time zone. Use an IANA name such as Europe/Berlin.").format(
                    value=value
                ),
                field=Field.TIME_ZONE,
            ) from None
        return name
    low, high, meaning = LIMITS[key]
    try:
        number = int(value.strip())
    except ValueError:
        raise DomainError(
            _("{key} takes a whole number ({meaning}), not '{value}'.").format(
                key=key, meaning=_(meaning), value=value
            )
        ) from None
    if not low <= number <= high:
        raise DomainError(
            _("{key} must be between {low} and {high} ({meaning}).").format(
                key=key, low=low, high=high, meaning=_(meaning)
            )
        )
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
        raise DomainError(_("No setting to change."))
    checked: dict[str, int | str] = {}
    for key, value in changes.items():
        if key not in MEANINGS:
            raise DomainError(
                _("'{key}' is not a site setting. Settings: {keys}.").format(
                    key=key, keys=", ".join(MEANINGS)
                )
            )
        checked[key] = _checked(key, str(value))
    reason = optional_text(reason, REASON) or ""
    if len(reason) < 3:
        raise DomainError(_("Give a reason: it is kept in the audit trail."))
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
