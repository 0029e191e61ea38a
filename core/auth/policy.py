"""Site policy: lockout threshold, idle-lock time and the site's time zone, kept as audited site
settings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from core.models import SiteSetting

DEFAULTS = {
    "lockout_attempts": "5",
    "idle_lock_minutes": "10",
    "time_zone": "",
    "release_results_by": "qc",
}
RELEASE_RECORDERS = ("qc", "qc_or_supervisor")  # who records release results


@dataclass(frozen=True)
class SitePolicy:
    lockout_attempts: int = 5
    idle_lock_minutes: int = 10
    time_zone: str | None = None  # IANA name; instrument times without a zone are read in it
    release_results_by: str = "qc"  # "qc", or "qc_or_supervisor" where supervisors may too


def read_policy(session: Session) -> SitePolicy:
    rows = {row.key: row.value for row in session.exec(select(SiteSetting)).all()}
    values = {**DEFAULTS, **rows}
    return SitePolicy(
        lockout_attempts=int(values["lockout_attempts"]),
        idle_lock_minutes=int(values["idle_lock_minutes"]),
        time_zone=values["time_zone"] or None,
        release_results_by=values["release_results_by"],
    )
