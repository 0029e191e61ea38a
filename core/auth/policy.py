"""Site security policy: lockout threshold and idle-lock time, kept as audited site settings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from core.models import SiteSetting

DEFAULTS = {"lockout_attempts": "5", "idle_lock_minutes": "10"}


@dataclass(frozen=True)
class SitePolicy:
    lockout_attempts: int = 5
    idle_lock_minutes: int = 10


def read_policy(session: Session) -> SitePolicy:
    rows = {row.key: row.value for row in session.exec(select(SiteSetting)).all()}
    values = {**DEFAULTS, **rows}
    return SitePolicy(
        lockout_attempts=int(values["lockout_attempts"]),
        idle_lock_minutes=int(values["idle_lock_minutes"]),
    )
