"""Times in instrument exports: read in the format a profile names (ISO 8601, the Vi-CELL's
month/day/year, the NucleoView's compact stamp, or a strptime pattern) as aware UTC times, with the
zone each was read in. A time written without a zone is read in the zone the file states, else in
the site's zone, else refused."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.i18n import _
from core.instruments.dialect import shown
from core.instruments.model import InstrumentFileInvalid

ISO = "iso"  # ISO 8601: 2024-05-01T08:00:00Z, 2024-05-01 10:00:00+02:00, 2024-05-01T08:00:00
US_DATE = "m/d/yyyy h:mm"  # Vi-CELL: 3/21/2022 16:56 (seconds and AM/PM accepted)
COMPACT = "yyyymmdd hhmmss"  # NucleoView: 20231120 163016

_US = re.compile(
    r"(\d{1,2})/(\d{1,2})/(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp])\.?[Mm]\.?)?"
)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})\s+(\d{2})(\d{2})(\d{2})")


def zone_named(name: str, file: str, line: int | None = None) -> ZoneInfo:
    """The IANA zone ``name``, or a refusal naming it."""
    try:
        if name.strip() != name or not name:
            raise ValueError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise InstrumentFileInvalid(
            file,
            line,
            _("'{name}' is not a time zone: use an IANA name such as Europe/Berlin.").format(
                name=shown(name)
            ),
        ) from None


def parse_time(
    raw: str,
    fmt: str,
    zone: tzinfo | None,
    file: str,
    line: int,
    notes: list[str] | None = None,
) -> datetime:
    """Read ``raw`` in ``fmt`` (ISO, US_DATE, COMPACT or a strptime pattern) as an aware UTC time.

    A time without a zone is read in ``zone``; without one it is refused. A local time that occurs
    twice (clocks going back) is read as its first occurrence and a note says so.
    """
    return time_and_zone(raw, fmt, zone, file, line, notes)[0]


def time_and_zone(
    raw: str, fmt: str, zone: tzinfo | None, file: str, line: int, notes: list[str] | None = None
) -> tuple[datetime, str]:
    """As ``parse_time``, with the zone the time was read in (``zone_label``)."""
    moment = wall_time(raw, fmt, file, line)
    if moment.tzinfo is not None:
        return utc(moment, file, line, raw), zone_label(moment.tzinfo, moment)
    if zone is None:
        raise no_zone(raw, file, line)
    return localise(moment, zone, file, line, raw, notes), zone_label(zone, moment)


def zone_label(zone: tzinfo, moment: datetime) -> str:
    """How a zone is recorded: an IANA zone by its name ("Europe/Berlin"); a fixed offset as
    "UTC" when it is zero, else "+02:00" or "-05:30"."""
    name = getattr(zone, "key", None)
    if isinstance(name, str):
        return name
    offset = moment.replace(tzinfo=zone).utcoffset() or timedelta(0)
    if not offset:
        return "UTC"
    minutes, seconds = divmod(int(abs(offset).total_seconds()), 60)
    label = f"{'-' if offset < timedelta(0) else '+'}{minutes // 60:02d}:{minutes % 60:02d}"
    return label + (f":{seconds:02d}" if seconds else "")


def wall_time(raw: str, fmt: str, file: str, line: int) -> datetime:
    """``raw`` read in ``fmt``: aware when it states its zone, else naive (a wall-clock time)."""
    text = raw.strip()
    try:
        return _parse_wall(text, fmt)
    except (ValueError, OverflowError):
        raise InstrumentFileInvalid(file, line, _not_a_time(text, fmt)) from None


def no_zone(raw: str, file: str, line: int) -> InstrumentFileInvalid:
    return InstrumentFileInvalid(
        file,
        line,
        _(
            "the time {time} has no time zone: give the site's time zone (an IANA name such as "
            "Europe/Berlin)."
        ).format(time=shown(raw)),
    )


def localise(
    naive: datetime, zone: tzinfo, file: str, line: int, raw: str, notes: list[str] | None
) -> datetime:
    """``naive`` read as a wall-clock time in ``zone``, in UTC; a time skipped when clocks went
    forward is refused."""
    first = naive.replace(tzinfo=zone, fold=0)
    if first.utcoffset() != naive.replace(tzinfo=zone, fold=1).utcoffset():
        back = utc(first, file, line, raw).astimezone(zone).replace(tzinfo=None)
        if back != naive:
            raise InstrumentFileInvalid(
                file,
                line,
                _(
                    "the time {time} does not exist in {zone} (the clocks went forward): "
                    "check the time zone the file is read in."
                ).format(time=shown(raw), zone=zone),
            )
        if notes is not None:
            moment = utc(first, file, line, raw)
            notes.append(
                _(
                    "line {line}: {time} occurs twice in {zone} (the clocks went back); read "
                    "as the first, {at} UTC."
                ).format(
                    line=line, time=shown(raw), zone=zone, at=moment.strftime("%Y-%m-%d %H:%M:%S")
                )
            )
    return utc(first, file, line, raw)


def utc(moment: datetime, file: str, line: int, raw: str) -> datetime:
    """An aware time in UTC (refused when out of the calendar's range)."""
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise InstrumentFileInvalid(
            file, line, _("the time {time} is out of range.").format(time=shown(raw))
        ) from None


def _parse_wall(text: str, fmt: str) -> datetime:
    if fmt == ISO:
        if not text[:1].isdigit():
            raise ValueError(text)
        return datetime.fromisoformat(text)
    if fmt == US_DATE:
        match = _US.fullmatch(text)
        if match is None:
            raise ValueError(text)
        month, day, year, hour, minute, second, half = match.groups()
        hour_24 = int(hour)
        if half is not None:
            if not 1 <= hour_24 <= 12:
                raise ValueError(text)
            hour_24 = hour_24 % 12 + (12 if half in "Pp" else 0)
        return datetime(int(year), int(month), int(day), hour_24, int(minute), int(second or 0))
    if fmt == COMPACT:
        match = _COMPACT.fullmatch(text)
        if match is None:
            raise ValueError(text)
        year, month, day, hour, minute, second = (int(part) for part in match.groups())
        return datetime(year, month, day, hour, minute, second)
    return datetime.strptime(text, fmt)


def _not_a_time(text: str, fmt: str) -> str:
    if fmt == ISO:
        expected = _("an ISO 8601 time such as 2024-05-01T08:00:00Z")
    elif fmt == US_DATE:
        expected = _("month/day/year hour:minute, such as 3/21/2022 16:56")
    elif fmt == COMPACT:
        expected = _("YYYYMMDD HHMMSS, such as 20231120 163016")
    else:
        expected = _("the profile's format {format}").format(format=fmt)
    if not text:
        return _("the time is missing; expected {expected}.").format(expected=expected)
    return _("'{time}' is not a valid time; expected {expected}.").format(
        time=shown(text), expected=expected
    )
