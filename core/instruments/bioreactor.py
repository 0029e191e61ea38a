"""Bioreactor log: a timestamped multi-channel table, one row per reading.

    # instrument: Lotbook simulator
    # timezone: Europe/Berlin
    timestamp,pH,DO (%),temperature (°C),glucose (mmol/L),lactate (mmol/L),agitation (rpm)
    2024-05-01T08:00:00Z,7.21,45.3,37.01,19.8,1.2,120

Comment lines (``#``) may state the zone of times written without one, and the instrument; the
time column's header may name it too ("timestamp (UTC)"). The first column is the time (ISO
8601); every other column is a channel, ``name`` or ``name (unit)``. Empty cells are gaps (NaN);
text in a number cell, or a time earlier than the one before it, refuses the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import tzinfo

from core.i18n import N_, _
from core.instruments import dialect, timestamps
from core.instruments.decode import decode
from core.instruments.model import Channel, InstrumentFileInvalid, ParsedFile, Trace
from core.instruments.tracetable import Head, Layout, find_head, read_columns

TIME_NAMES = ("timestamp", "time", "datetime", "date/time", "date time")
# a channel's name, as compared by dialect.header_key → the key templates use
CHANNEL_KEYS = {
    "ph": "ph",
    "do": "do",
    "do2": "do",
    "po2": "do",
    "dissolved oxygen": "do",
    "temperature": "temperature",
    "temp": "temperature",
    "glucose": "glucose",
    "lactate": "lactate",
    "agitation": "agitation",
    "stirrer": "agitation",
    "stirrer speed": "agitation",
    "rpm": "agitation",
    "co2": "co2",
}
_UNIT = re.compile(r"(?P<name>.*?)\s*(?:\((?P<paren>[^()]*)\)|\[(?P<bracket>[^\[\]]*)\])\s*")
_SLUG = re.compile(r"[^a-z0-9]+")
_META = re.compile(r"#\s*(?P<key>[A-Za-z][A-Za-z _-]*?)\s*:\s*(?P<value>.*?)\s*")


def split_unit(header: str) -> tuple[str, str | None]:
    """``"DO (%)"`` → ``("DO", "%")``; ``"temperature [°C]"`` → ``("temperature", "°C")``."""
    match = _UNIT.fullmatch(header.strip())
    if match is None or not match["name"]:
        return header.strip(), None
    unit = (match["paren"] if match["paren"] is not None else match["bracket"]).strip()
    return match["name"], unit or None


def channel_key(name: str) -> str:
    """The key a template names a channel by: "pH" → "ph", "dO2" → "do", "Feed pump" →
    "feed_pump"."""
    key = dialect.header_key(name)
    if key in CHANNEL_KEYS:
        return CHANNEL_KEYS[key]
    return _SLUG.sub("_", key).strip("_")


class BioreactorLog:
    name = "bioreactor-log"
    # marked for the catalogue; kept in English here (the --json listing), translated where shown
    title = N_("Bioreactor log (timestamped multi-channel CSV)")
    kind = "trace"
    description = N_(
        "First column the time (ISO 8601; '# timezone: Area/City' for times without a zone), "
        "then one column per channel: pH, DO (%), temperature (°C), glucose (mmol/L), ..."
    )

    def recognises(self, text: str) -> bool:
        for line in text[:20_000].split("\n")[:100]:
            if line.strip() and not line.startswith("#"):
                first = re.split(r"[,;\t]", line, maxsplit=1)
                return len(first) == 2 and _is_time(first[0].strip('"'))
        return False

    def parse(self, data: bytes, file: str, *, timezone: str | None = None) -> ParsedFile:
        text, encoding = decode(data, file)
        site_zone = timestamps.zone_named(timezone, file) if timezone is not None else None
        head = find_head(text, file, comment="#")
        channels = _channels(head, file)
        meta = _meta(head)
        notes: list[str] = []
        zone: tzinfo | None = None
        zone_note = ""  # said when times without a zone were read in ``zone``
        named = _header_zone(head.header[0])
        if "timezone" in meta:
            line, value = meta["timezone"]
            zone = timestamps.zone_named(value, file, line)
            zone_note = _(
                "Times written without a zone were read in {zone}, as the file states (line "
                "{line})."
            ).format(zone=zone, line=line)
        elif named is not None:
            zone = named
            zone_note = _(
                "Times written without a zone were read in {zone}, as the time column's header "
                "states."
            ).format(zone=zone)
        elif site_zone is not None:
            zone = site_zone
            zone_note = _(
                "Times written without a zone were read in {zone}, the site's time zone (the "
                "file states none)."
            ).format(zone=zone)
        if "instrument" in meta:
            notes.append(
                _("Instrument: {instrument} (as the file states).").format(
                    instrument=meta["instrument"][1]
                )
            )
        layout = _layout(head, channels, file)
        columns = read_columns(text[head.data_start :], layout, zone)
        if columns.local_times:
            notes.append(zone_note)
        notes.extend(columns.notes)
        read = tuple(
            Channel(key, header, unit, values)
            for (key, header, unit), values in zip(channels.keys, columns.values, strict=True)
        )
        return ParsedFile(
            profile=self.name,
            kind=self.kind,
            encoding=encoding,
            delimiter=head.delimiter,
            decimal=columns.decimal,
            rows=columns.rows,
            trace=Trace(columns.times, read, columns.first_line),
            notes=tuple(notes),
        )


@dataclass
class _Channels:
    keys: list[tuple[str, str, str | None]] = field(default_factory=list)  # (key, header, unit)
    indexes: list[int] = field(default_factory=list)


def _meta(head: Head) -> dict[str, tuple[int, str]]:
    """``# key: value`` comment lines → key → (line, value); the first of a key counts."""
    meta: dict[str, tuple[int, str]] = {}
    for number, line in head.comments:
        match = _META.fullmatch(line)
        if match:
            key = re.sub(r"[\s_-]", "", match["key"].lower())  # "time zone", "time_zone"
            meta.setdefault(key, (number, match["value"]))
    return meta


def _is_time(header: str) -> bool:
    """The time column: "timestamp", "time", "datetime" ..., optionally with a note in
    brackets such as "time (UTC)"."""
    return dialect.header_key(split_unit(header)[0]) in TIME_NAMES


def _header_zone(header: str) -> tzinfo | None:
    """The zone a time column's header names, as in "timestamp (UTC)" or "time [Europe/Berlin]"."""
    note = split_unit(header)[1]
    if not note or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_+/-]*", note):
        return None
    try:
        return timestamps.zone_named(note, "")
    except InstrumentFileInvalid:
        return None


def _channels(head: Head, file: str) -> _Channels:
    if not _is_time(head.header[0]):
        raise InstrumentFileInvalid(
            file,
            head.header_line,
            _(
                "the first column is '{column}': a bioreactor log starts "
                "with the time (timestamp, time or datetime)."
            ).format(column=dialect.shown(head.header[0])),
        )
    seen: dict[str, str] = {}
    found = _Channels()
    for index, cell in enumerate(head.header[1:], 1):
        if not cell:
            if index == len(head.header) - 1:
                continue  # a trailing delimiter
            raise InstrumentFileInvalid(
                file,
                head.header_line,
                _("column {number} of the header has no name.").format(number=index + 1),
            )
        name, unit = split_unit(cell)
        key = channel_key(name) or f"channel_{index + 1}"
        if key in seen:
            raise InstrumentFileInvalid(
                file,
                head.header_line,
                _(
                    "the columns {first} and {second} are both the channel '{key}': rename one."
                ).format(first=seen[key], second=cell, key=key),
            )
        seen[key] = cell
        found.keys.append((key, cell, unit))
        found.indexes.append(index)
    if not found.keys:
        raise InstrumentFileInvalid(
            file, head.header_line, _("the header names no channel after the time column.")
        )
    return found


def _layout(head: Head, channels: _Channels, file: str) -> Layout:
    return Layout(
        file=file,
        first_line=head.header_line + 1,
        header_line=head.header_line,
        delimiter=head.delimiter,
        width=len(head.header),
        time_index=0,
        value_indexes=tuple(channels.indexes),
        names=tuple(cell for _, cell, _ in channels.keys),
        comment="#",
    )
