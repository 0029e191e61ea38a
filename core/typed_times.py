"""A date and time as a person types it — "2026-12-05 14:30", 24-hour, no AM/PM — read as a
wall-clock time in the site's zone and returned in UTC.

Only this one form is taken (05/12/26 could be either day first or month first). Seconds may be
added ("14:30:15"); an explicit offset ("14:30 +01:00", or "Z" for UTC) says which of two equal
wall-clock times is meant on the night the clocks go back: without it such a time is refused, as
is a time the clocks skipped when they went forward. Nothing is guessed."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from core.errors import InvalidValue
from core.i18n import N_, _

FORM = "YYYY-MM-DD HH:MM"
_TYPED = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?"
    r"(?:\s*(Z|[+-]\d{2}:?\d{2}))?"
)


def zone_name(zone: tzinfo) -> str:
    """An IANA zone by its name ("Europe/Berlin"), another zone as it names itself."""
    key = getattr(zone, "key", None)
    return key if isinstance(key, str) else str(zone)


def parse_typed_time(text: str, zone: tzinfo, what: str = N_("time")) -> datetime:
    """``text`` read in ``zone`` (unless it states its offset), as an aware UTC time. ``what``
    names the time in a refusal (marked ``N_()``: translated here)."""
    typed = " ".join((text or "").split())
    if not typed:
        raise InvalidValue(
            _("Give the {what}: type it as {form}, e.g. 2026-12-05 14:30.").format(
                what=_(what), form=FORM
            )
        )
    found = _TYPED.fullmatch(typed)
    if found is None:
        raise InvalidValue(
            _(
                "'{typed}' is not a {what} as Lotbook takes it: type {form} in 24-hour local "
                "time, e.g. 2026-12-05 14:30."
            ).format(typed=typed, what=_(what), form=FORM)
        )
    year, month, day, hour, minute, second, offset = found.groups()
    try:
        wall = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
    except ValueError:
        raise InvalidValue(
            _(
                "'{typed}' is not a {what} that exists: check the day, month, hour and minute "
                "({form})."
            ).format(typed=typed, what=_(what), form=FORM)
        ) from None
    if offset is not None:
        return wall.replace(tzinfo=_fixed(offset)).astimezone(UTC)
    return _in_zone(wall, zone, typed, what)


def _fixed(offset: str) -> tzinfo:
    if offset == "Z":
        return UTC
    sign = -1 if offset[0] == "-" else 1
    digits = offset[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def _in_zone(wall: datetime, zone: tzinfo, typed: str, what: str) -> datetime:
    first = wall.replace(tzinfo=zone, fold=0)
    second = wall.replace(tzinfo=zone, fold=1)
    name = zone_name(zone)
    if first.utcoffset() == second.utcoffset():
        return first.astimezone(UTC)
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall:
        raise InvalidValue(
            _(
                "The {what} {typed} does not exist in {zone}: the clocks went forward that "
                "night. Check the time on the record."
            ).format(what=_(what), typed=typed, zone=name)
        )
    raise InvalidValue(
        _(
            "The {what} {typed} happened twice in {zone} (the clocks went back that night): add "
            "the offset it was read with, {first} or {second} (e.g. {typed} {first})."
        ).format(
            what=_(what),
            typed=typed,
            zone=name,
            first=_offset_text(first),
            second=_offset_text(second),
        )
    )


def _offset_text(moment: datetime) -> str:
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
