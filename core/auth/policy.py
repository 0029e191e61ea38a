"""Site policy: lockout threshold, idle-lock time, the site's time zone and language, kept as
audited site settings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from core.models import SiteSetting

DEFAULTS = {
    "lockout_attempts": "5",
    "idle_lock_minutes": "10",
    "import_max_mb": "256",
    "time_zone": "",
    "release_results_by": "qc",
    "backup_folder": "",
    "backup_every_hours": "0",
    "decimal_mark": "auto",
    "language": "en",
}
RELEASE_RECORDERS = ("qc", "qc_or_supervisor")  # who records release results


@dataclass(frozen=True)
class SitePolicy:
    lockout_attempts: int = 5
    idle_lock_minutes: int = 10
    import_max_mb: int = 256  # larger instrument files are refused (a 14-day 1 Hz log: ~65 MB)
    time_zone: str | None = None  # IANA name; instrument times without a zone are read in it
    release_results_by: str = "qc"  # "qc", or "qc_or_supervisor" where supervisors may too
    backup_folder: str | None = None  # where scheduled backups go (core/services/backup.py)
    backup_every_hours: int = 0  # hours between scheduled backups; 0: off
    decimal_mark: str = "auto"  # how numbers are typed: auto | point | comma (core.values)
    language: str = "en"  # the site's language: a person's until they choose theirs (core.i18n)


def read_policy(session: Session) -> SitePolicy:
    rows = {row.key: row.value for row in session.exec(select(SiteSetting)).all()}
    values = {**DEFAULTS, **rows}
    return SitePolicy(
        lockout_attempts=int(values["lockout_attempts"]),
        idle_lock_minutes=int(values["idle_lock_minutes"]),
        import_max_mb=int(values["import_max_mb"]),
        time_zone=values["time_zone"] or None,
        release_results_by=values["release_results_by"],
        backup_folder=values["backup_folder"] or None,
        backup_every_hours=int(values["backup_every_hours"]),
        decimal_mark=values["decimal_mark"],
        language=values["language"],
    )
