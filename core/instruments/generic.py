"""A site's own import profile, written as a TOML file instead of code.

The format is documented in resources/profiles/README.md. A profile is checked when it is loaded:
a malformed one is refused with its file, the line when it can be told, and the reason.
"""

from __future__ import annotations

import codecs
import re
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from pathlib import Path
from typing import Any

from core.errors import DomainError
from core.i18n import N_, _
from core.instruments import dialect, timestamps
from core.instruments.counts import reading, scaled
from core.instruments.decode import decode
from core.instruments.model import (
    COUNT_QUANTITIES,
    Channel,
    CountReading,
    InstrumentFileInvalid,
    ParsedFile,
    Trace,
)
from core.instruments.tracetable import Layout, find_head, read_columns

KINDS = ("counts", "trace")
# key → what it holds (marked for the catalogue, translated where a refusal shows it)
PROFILE_KEYS = {
    "name": N_("the profile's name, typed with --profile (lower case, digits, '-')"),
    "title": N_("what people see, e.g. 'Roche Cedex HiRes export (CSV)'"),
    "kind": N_("counts or trace"),
    "description": N_("a sentence on the files it reads"),
    "delimiter": N_("',', ';' or 'tab' (detected when left out)"),
    "decimal": N_("'.' or ',' (the file's own when left out)"),
    "encoding": N_("utf-8, utf-16, cp1252 ... (detected when left out)"),
    "timezone": N_("the IANA zone of times written without one, e.g. Europe/Berlin"),
    "time_column": N_("the header of the time column"),
    "time_format": N_("'iso' or a strptime pattern such as '%d.%m.%Y %H:%M:%S'"),
    "sample_column": N_("counts: the header of the sample ID column"),
    "instrument_column": N_("counts: the header of the column naming the instrument (its serial)"),
}
COUNT_COLUMN_KEYS = ("column", "quantity", "scale", "optional")
TRACE_COLUMN_KEYS = ("column", "channel", "unit")
_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")
_CHANNEL = re.compile(r"[a-z][a-z0-9_]*")
_DELIMITERS = {",": ",", ";": ";", "\t": "\t", "tab": "\t"}


class ProfileInvalid(DomainError):
    """A site profile file cannot be used; names the file, the line if known, and the reason."""

    def __init__(self, file: str, line: int | None, reason: str) -> None:
        if line:
            message = _("Import profile {file}, line {line}: {reason}").format(
                file=file, line=line, reason=reason
            )
        else:
            message = _("Import profile {file}: {reason}").format(file=file, reason=reason)
        super().__init__(message)
        self.file = file
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class ColumnSpec:
    column: str  # the header, as the instrument writes it
    quantity: str | None = None  # counts: one of COUNT_QUANTITIES
    scale: Decimal = Decimal(1)  # counts: value × scale (e.g. 1E5 for "10E5 cells/mL")
    optional: bool = False  # counts: an empty cell leaves the quantity out instead of refusing
    channel: str | None = None  # trace: the key templates use ("ph", "do", ...)
    unit: str | None = None  # trace


@dataclass(frozen=True)
class GenericProfile:
    name: str
    title: str
    kind: str
    description: str
    columns: tuple[ColumnSpec, ...]
    time_column: str | None = None
    time_format: str = timestamps.ISO
    sample_column: str | None = None
    instrument_column: str | None = None
    delimiter: str | None = None
    decimal: str | None = None
    encoding: str | None = None
    timezone: str | None = None
    source: str = ""

    def recognises(self, text: str) -> bool:
        """True when the first line that is not blank holds every column the profile reads."""
        try:
            head = find_head(text[:20_000], "", self.delimiter)
        except InstrumentFileInvalid:
            return False
        present = {dialect.header_key(cell) for cell in head.header}
        return {dialect.header_key(name) for name in self._needed()} <= present

    def parse(self, data: bytes, file: str, *, timezone: str | None = None) -> ParsedFile:
        text, encoding = decode(data, file, self.encoding)
        site_zone = timestamps.zone_named(timezone, file) if timezone is not None else None
        zone = timestamps.zone_named(self.timezone, file) if self.timezone else site_zone
        if self.kind == "trace":
            return self._trace(text, encoding, file, zone)
        return self._counts(text, encoding, file, zone)

    def _needed(self) -> list[str]:
        named = [self.sample_column, self.time_column, self.instrument_column]
        return [n for n in named if n] + [spec.column for spec in self.columns]

    def _counts(self, text: str, encoding: str, file: str, zone: tzinfo | None) -> ParsedFile:
        table = dialect.find_table(text, file, self.delimiter)
        names = self._needed()
        where = table.columns(file, {name: (name,) for name in names}, names)
        numbers = dialect.NumberReader(file, table.delimiter, self.decimal)
        notes: list[str] = []
        counts: list[CountReading] = []
        for line, cells in table.checked_rows(file):
            values: dict[str, Decimal] = {}
            for spec in self.columns:
                cell = cells[where[spec.column]]
                if spec.optional and not cell.strip():
                    continue
                place = _("column {column}").format(column=spec.column)
                number = numbers.read(cell, line, place)
                values[str(spec.quantity)] = scaled(number, spec.scale)
            measured_at, read_in = None, None
            if self.time_column:
                raw_time = cells[where[self.time_column]]
                measured_at, read_in = timestamps.time_and_zone(
                    raw_time, self.time_format, zone, file, line, notes
                )
            raw = {name: cell for name, cell in zip(table.header, cells, strict=True) if name}
            sample = cells[where[str(self.sample_column)]]
            instrument = cells[where[self.instrument_column]] if self.instrument_column else None
            stated = {"zone": read_in, "instrument": instrument}
            counts.append(reading(file, line, sample, measured_at, values, raw, **stated))
        if not counts:
            raise InstrumentFileInvalid(
                file,
                table.header_line,
                _("the header is not followed by any row: it is truncated."),
            )
        if zone is not None and self.time_column:
            notes.insert(0, self._zone_note(zone))
        return ParsedFile(
            self.name,
            self.kind,
            encoding,
            table.delimiter,
            numbers.mark,
            len(counts),
            counts=tuple(counts),
            notes=tuple(notes),
        )

    def _trace(self, text: str, encoding: str, file: str, zone: tzinfo | None) -> ParsedFile:
        head = find_head(text, file, self.delimiter)
        keys = [dialect.header_key(cell) for cell in head.header]
        indexes = []
        for name in [str(self.time_column), *(spec.column for spec in self.columns)]:
            hits = [i for i, key in enumerate(keys) if key == dialect.header_key(name)]
            if len(hits) != 1:
                if not hits:
                    problem = _("the header has no column {column} ({profile} profile).")
                else:
                    problem = _("the header has more than one column {column} ({profile} profile).")
                raise InstrumentFileInvalid(
                    file, head.header_line, problem.format(column=name, profile=self.name)
                )
            indexes.append(hits[0])
        layout = Layout(
            file=file,
            first_line=head.header_line + 1,
            header_line=head.header_line,
            delimiter=head.delimiter,
            width=len(head.header),
            time_index=indexes[0],
            value_indexes=tuple(indexes[1:]),
            names=tuple(spec.column for spec in self.columns),
            time_format=self.time_format,
            decimal=self.decimal,
        )
        columns = read_columns(text[head.data_start :], layout, zone)
        notes = list(columns.notes)
        if columns.local_times:
            notes.insert(0, self._zone_note(zone))
        channels = tuple(
            Channel(str(spec.channel), spec.column, spec.unit, values)
            for spec, values in zip(self.columns, columns.values, strict=True)
        )
        return ParsedFile(
            self.name,
            self.kind,
            encoding,
            head.delimiter,
            columns.decimal,
            columns.rows,
            trace=Trace(columns.times, channels, columns.first_line),
            notes=tuple(notes),
        )

    def _zone_note(self, zone: tzinfo | None) -> str:
        if self.timezone:
            return _("Times without a zone read in {zone} (as the profile states).").format(
                zone=zone
            )
        return _("Times without a zone read in {zone} (the site's time zone).").format(zone=zone)


def load_profile(path: Path) -> GenericProfile:
    """Read and check a TOML profile file; a malformed one raises ProfileInvalid."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ProfileInvalid(
            str(path), None, _("cannot be read ({error}).").format(error=error)
        ) from None
    return profile_from_toml(text, str(path))


def profile_from_toml(text: str, source: str) -> GenericProfile:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"line (\d+)", str(error))
        line = int(found[1]) if found else None
        raise ProfileInvalid(
            source, line, _("is not valid TOML ({error}).").format(error=error)
        ) from None
    return _Checker(text, source).profile(document)


class _Checker:
    """Turns a TOML document into a GenericProfile, refusing what does not fit."""

    def __init__(self, text: str, source: str) -> None:
        self.lines = text.split("\n")
        self.source = source

    def fail(self, reason: str, key: str | None = None, item: int | None = None) -> ProfileInvalid:
        return ProfileInvalid(self.source, self._line(key, item), reason)

    def _line(self, key: str | None, item: int | None) -> int | None:
        seen = -1
        for number, line in enumerate(self.lines, 1):
            stripped = line.strip()
            if stripped.startswith("[[columns]]"):
                seen += 1
                if item is not None and key is None and seen == item:
                    return number
            elif (
                key
                and re.match(rf"{re.escape(key)}\s*=", stripped)
                and (item is None or seen == item)
            ):
                return number
        return None

    def profile(self, document: dict[str, Any]) -> GenericProfile:
        unknown = set(document) - {"profile", "columns"}
        if unknown:
            raise self.fail(
                _("unknown section {section}: use [profile] and [[columns]].").format(
                    section=sorted(unknown)[0]
                )
            )
        section = document.get("profile")
        if not isinstance(section, dict):
            raise self.fail(_("has no [profile] section."))
        for key in section:
            if key not in PROFILE_KEYS:
                raise self.fail(
                    _("[profile] has no key {key}. Keys: {keys}.").format(
                        key=key, keys=", ".join(PROFILE_KEYS)
                    ),
                    key,
                )
        for key, value in section.items():
            if not isinstance(value, str):
                raise self.fail(_("{key} must be text in quotes.").format(key=key), key)
        kind = self._required(section, "kind")
        if kind not in KINDS:
            raise self.fail(
                _("kind is '{kind}'; it must be counts or trace.").format(kind=kind), "kind"
            )
        name = self._required(section, "name")
        if not _NAME.fullmatch(name):
            raise self.fail(
                _("name '{name}' must be lower case letters, digits and '-'.").format(name=name),
                "name",
            )
        options = self._options(section)
        time_column = section.get("time_column")
        sample_column = section.get("sample_column")
        if kind == "trace" and not time_column:
            raise self.fail(_("a trace profile needs time_column."))
        if kind == "counts" and not sample_column:
            raise self.fail(_("a counts profile needs sample_column."))
        if kind == "trace" and section.get("instrument_column"):
            raise self.fail(_("instrument_column is for counts profiles."), "instrument_column")
        columns = self._columns(document.get("columns"), kind)
        return GenericProfile(
            name=name,
            title=self._required(section, "title"),
            kind=kind,
            description=section.get("description", ""),
            columns=columns,
            time_column=time_column,
            sample_column=sample_column if kind == "counts" else None,
            instrument_column=section.get("instrument_column") if kind == "counts" else None,
            source=self.source,
            **options,
        )

    def _required(self, section: dict[str, Any], key: str) -> str:
        value = section.get(key, "").strip()
        if not value:
            raise self.fail(
                _("[profile] needs {key} ({what}).").format(key=key, what=_(PROFILE_KEYS[key])),
                key,
            )
        return value

    def _options(self, section: dict[str, Any]) -> dict[str, Any]:
        options: dict[str, Any] = {}
        if "delimiter" in section:
            options["delimiter"] = _DELIMITERS.get(section["delimiter"])
            if options["delimiter"] is None:
                raise self.fail(_("delimiter must be ',', ';' or 'tab'."), "delimiter")
        if "decimal" in section:
            options["decimal"] = section["decimal"]
            if options["decimal"] not in (".", ","):
                raise self.fail(_("decimal must be '.' or ','."), "decimal")
            if options["decimal"] == "," and options.get("delimiter") == ",":
                raise self.fail(_("a comma cannot be both the delimiter and the decimal mark."))
        if "encoding" in section:
            try:
                info = codecs.lookup(section["encoding"])
            except LookupError:
                info = None
            if info is None or not getattr(info, "_is_text_encoding", True):
                raise self.fail(
                    _("'{encoding}' is not a text encoding.").format(encoding=section["encoding"]),
                    "encoding",
                )
            options["encoding"] = section["encoding"]
        if "timezone" in section:
            try:
                timestamps.zone_named(section["timezone"], self.source)
            except InstrumentFileInvalid:
                refusal = _("'{zone}' is not a time zone: use an IANA name such as Europe/Berlin.")
                raise self.fail(refusal.format(zone=section["timezone"]), "timezone") from None
            options["timezone"] = section["timezone"]
        if "time_format" in section:
            options["time_format"] = self._time_format(section["time_format"])
        return options

    def _time_format(self, fmt: str) -> str:
        if fmt.lower() == timestamps.ISO:
            return timestamps.ISO
        sample = datetime(2024, 5, 1, 8, 30, 15, tzinfo=UTC)
        try:
            if "%" not in fmt:
                raise ValueError(fmt)
            datetime.strptime(sample.strftime(fmt), fmt)
        except ValueError:
            raise self.fail(
                _(
                    "time_format '{format}' is not 'iso' nor a strptime pattern such as "
                    "'%d.%m.%Y %H:%M:%S'."
                ).format(format=fmt),
                "time_format",
            ) from None
        return fmt

    def _columns(self, items: Any, kind: str) -> tuple[ColumnSpec, ...]:
        if not isinstance(items, list) or not items:
            raise self.fail(_("needs at least one [[columns]] entry."))
        allowed = COUNT_COLUMN_KEYS if kind == "counts" else TRACE_COLUMN_KEYS
        specs: list[ColumnSpec] = []
        for k, item in enumerate(items):
            if not isinstance(item, dict):
                raise self.fail(_("[[columns]] entries must be tables."), item=k)
            for key in item:
                if key not in allowed:
                    raise self.fail(
                        _("a {kind} column has no key {key}; keys: {keys}.").format(
                            kind=kind, key=key, keys=", ".join(allowed)
                        ),
                        key,
                        k,
                    )
            column = item.get("column")
            if not isinstance(column, str) or not column.strip():
                raise self.fail(_('each [[columns]] entry needs column = "header".'), item=k)
            spec = self._count(item, k) if kind == "counts" else self._channel(item, k)
            specs.append(spec)
        for attribute in ("column", "quantity", "channel"):
            names = [getattr(s, attribute) for s in specs if getattr(s, attribute) is not None]
            twice = {n for n in names if names.count(n) > 1}
            if twice:
                raise self.fail(
                    _("{key} {value} appears in two [[columns]].").format(
                        key=attribute, value=sorted(twice)[0]
                    )
                )
        return tuple(specs)

    def _count(self, item: dict[str, Any], k: int) -> ColumnSpec:
        quantity = item.get("quantity")
        if quantity not in COUNT_QUANTITIES:
            raise self.fail(
                _("quantity must be one of {quantities}.").format(
                    quantities=", ".join(COUNT_QUANTITIES)
                ),
                "quantity",
                k,
            )
        scale = item.get("scale", 1)
        if isinstance(scale, bool) or not isinstance(scale, int | float | str):
            raise self.fail(_("scale must be a number, e.g. 1e6."), "scale", k)
        try:
            factor = Decimal(str(scale)) if not isinstance(scale, str) else Decimal(scale)
        except ArithmeticError:
            factor = Decimal(0)
        if not factor.is_finite() or factor <= 0:
            raise self.fail(_("scale must be a positive number, e.g. 1e6."), "scale", k)
        optional = item.get("optional", False)
        if not isinstance(optional, bool):
            raise self.fail(_("optional must be true or false."), "optional", k)
        return ColumnSpec(item["column"].strip(), quantity, factor, optional)

    def _channel(self, item: dict[str, Any], k: int) -> ColumnSpec:
        channel, unit = item.get("channel"), item.get("unit")
        if not isinstance(channel, str) or not _CHANNEL.fullmatch(channel):
            raise self.fail(
                _("channel must be a lower-case key such as ph, do or temperature."), "channel", k
            )
        if unit is not None and not isinstance(unit, str):
            raise self.fail(_("unit must be text in quotes."), "unit", k)
        return ColumnSpec(item["column"].strip(), channel=channel, unit=unit or None)
