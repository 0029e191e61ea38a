"""Where time comes from: the system clock in UTC, never the user. Tests use a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that only moves when told to (tests, benchmarks, demo data)."""

    def __init__(self, start: datetime, step: timedelta = timedelta(0)) -> None:
        if start.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware start time")
        self._now = start.astimezone(UTC)
        self._step = step

    def now(self) -> datetime:
        current = self._now
        self._now = self._now + self._step
        return current

    def set(self, when: datetime) -> None:
        self._now = when.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        self._now = self._now + delta


def utc_iso(when: datetime) -> str:
    """Canonical text of a UTC instant, microseconds included: 2026-11-25T15:12:06.123456+00:00."""
    if when.tzinfo is None:
        raise ValueError("naive datetime: times must be timezone-aware UTC")
    return when.astimezone(UTC).isoformat(timespec="microseconds")


def local_text(when: datetime) -> str:
    """A UTC instant shown in the machine's local zone, with the zone named, in the reader's
    language (core/i18n.py): ``2026-12-05 08:43:00 CET (UTC+01:00)`` in English, the date, the
    24-hour time and the zone's name as the language writes them otherwise (Babel)."""
    from core.i18n import LOCALE_OF, language

    locale = LOCALE_OF.get(language())
    if locale is not None and locale != LOCALE_OF["en"]:
        return _babel_text(when, locale)
    local = when.astimezone()
    offset = local.strftime("%z")
    zone = local.strftime("%Z")
    shown = f"{offset[:3]}:{offset[3:]}"
    if zone and zone not in ("UTC", shown):
        return local.strftime(f"%Y-%m-%d %H:%M:%S {zone} (UTC{shown})")
    return local.strftime(
        f"%Y-%m-%d %H:%M:%S UTC{shown}" if offset != "+0000" else "%Y-%m-%d %H:%M:%S UTC"
    )


def _babel_text(when: datetime, locale: str) -> str:
    from zoneinfo import ZoneInfo

    from babel.dates import format_date, get_timezone_name

    try:
        local = when.astimezone(ZoneInfo(local_zone_name()))  # named, so Babel can name it
    except (ValueError, KeyError):
        local = when.astimezone()
    offset = local.strftime("%z")
    utc = f"UTC{offset[:3]}:{offset[3:]}" if offset != "+0000" else "UTC"
    day = format_date(local.date(), format="medium", locale=locale)
    zone = get_timezone_name(local, width="short", locale=locale)
    if zone.startswith(("+", "-", "GMT", "UTC")):  # no short name in this language: the long one
        zone = get_timezone_name(local, width="long", locale=locale)
    return f"{day} {local:%H:%M:%S} {zone} ({utc})"


def local_zone_name() -> str:
    """This computer's time zone as an IANA name ("Europe/Berlin"), else "UTC"."""
    try:
        from tzlocal import get_localzone_name

        return get_localzone_name() or "UTC"
    except Exception:  # no zone configured: UTC is still a correct answer
        return "UTC"
