"""Site policy: lockout threshold, idle-lock time and the site's time zone, kept as audited site
settings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from core.models import SiteSetting

DEFAULTS = {"lockout_attempts": "5", "idle_lock_minutes": "10", "time_zone": ""}


@dataclass(frozen=True)
class SitePolicy:
    lockout_attempts: int = 5
    idle_lock_minutes: int = 10
    time_zone: str | None = None  # IANA name; instrument times without a zone are read in it


def read_policy(session: Session) -> SitePolicy:
    rows = {row.key: row.value for row in session.exec(select(SiteSetting)).all()}
    values = {**DEFAULTS, **rows}
    return SitePolicy(
        lockout_attempts=int(values["lockout_attempts"]),
        idle_lock_minutes=int(values["idle_lock_minutes"]),
        time_zone=values["time_zone"] or None,
    )
