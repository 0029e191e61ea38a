"""ChemoMetec NucleoView export: one sample as key/value lines, densities in cells/mL (``2.45E6``).

Layouts read (tests/data/instruments/README.md says where each comes from):

* NC-200: ``key;value;`` lines; ``Image`` names the sample; ``Date time`` is ``YYYYMMDD HHMMSS``
  and ``Time zone offset`` its zone in hours; ``Instrument s/n``; a closing ``//[checksum]`` line.
  The same lines separated by commas or tabs are read too (the title line may use another
  separator), and a file that repeats the block holds several samples, each with its own time.
* NC-202: ``Key:<tab>value`` lines: ``Sample ID``, ``Time (UTC)`` (``YYYY-MM-DD HH:MM:SS``),
  ``Instrument`` (``S/N:...``), ``Diameter (um)``; no checksum line.

The delimiter is the one that separates the known keys from their values. A value the instrument
qualifies, ``3.58E3 (Out of optimal range)`` (the note may run onto the next line), is read with a
note for the reviewer; one it could not measure (``Not determined``, ``<8``) refuses the file for a
count and leaves the diameter out, with a note.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from decimal import Decimal

from core.i18n import N_, _
from core.instruments import dialect, timestamps
from core.instruments.counts import reading
from core.instruments.decode import decode
from core.instruments.model import CountReading, InstrumentFileInvalid, ParsedFile

# key (dialect.header_key, without a closing ':') → (field, the key as the instrument writes it)
KEYS = {
    "image": ("image", "Image"),
    "sample id": ("sample", "Sample ID"),
    "live (cells/ml)": ("viable_cell_density", "Live (cells/ml)"),
    "dead (cells/ml)": ("dead_cell_density", "Dead (cells/ml)"),
    "total (cells/ml)": ("total_cell_density", "Total (cells/ml)"),
    "viability (%)": ("viability", "Viability (%)"),
    "estimated cell diameter (um)": ("cell_diameter", "Estimated cell diameter (um)"),
    "estimated cell diameter (μm)": ("cell_diameter", "Estimated cell diameter (µm)"),
    "estimated cell diameter [um]": ("cell_diameter", "Estimated cell diameter [um]"),
    "diameter (um)": ("cell_diameter", "Diameter (um)"),
    "diameter (μm)": ("cell_diameter", "Diameter (µm)"),
    "date time": ("time", "Date time"),
    "time (utc)": ("time", "Time (UTC)"),
    "time zone offset": ("offset", "Time zone offset"),
    "instrument s/n": ("instrument", "Instrument s/n"),
    "instrument": ("instrument", "Instrument"),
}
REQUIRED = ("viable_cell_density", "dead_cell_density", "total_cell_density", "viability")
_ONCE = ("time", "offset", "instrument")  # written after a sample's values: never a new sample
_LABEL = {field: label for field, label in KEYS.values()}
_COUNT_KEYS = {key for key, (field, _) in KEYS.items() if field in REQUIRED}
_MAX_OFFSET_HOURS = 14
_SEPARATORS = " \t;,"
_QUALIFIED = re.compile(r"(?P<number>[^()]*?)\s*\((?P<note>[^()]*)\)\s*")
_LIMIT = re.compile(r"\s*[<>≤≥]")


class _Block:
    """The sample keys of one sample: field → (line, key as written, value)."""

    def __init__(self) -> None:
        self.fields: dict[str, tuple[int, str, str]] = {}
        self.raw: dict[str, str] = {}
        self.last = 0  # the block's last line

    @property
    def line(self) -> int:
        return min((line for line, _, _ in self.fields.values()), default=self.last)


class NucleoViewNC200:
    name = "nucleoview-nc200"
    # marked for the catalogue; kept in English here (the --json listing), translated where shown
    title = N_("ChemoMetec NucleoView export (NC-200 key;value, NC-202 Key:<tab>value)")
    kind = "counts"
    description = N_(
        "key;value lines (or comma or tab): Image or Sample ID, Live/Dead/Total (cells/ml), "
        "Viability (%), Estimated cell diameter (um), Date time (YYYYMMDD HHMMSS) with Time zone "
        "offset (hours) or Time (UTC), Instrument s/n."
    )

    def recognises(self, text: str) -> bool:
        keys = {_key_of(line) for line in text[:20_000].split("\n")[:200]}
        return {"live (cells/ml)", "viability (%)"} <= keys

    def parse(self, data: bytes, file: str, *, timezone: str | None = None) -> ParsedFile:
        text, encoding = decode(data, file)
        zone = timestamps.zone_named(timezone, file) if timezone is not None else None
        lines = text.split("\n")
        delimiter = _delimiter(lines, file)
        blocks, trailer = _blocks(lines, delimiter, file)
        numbers = dialect.NumberReader(file, delimiter, quoted_comma=True)
        sample = _Sample(file, numbers, zone, trailer, several=len(blocks) > 1)
        counts = tuple(sample.reading(block) for block in blocks)
        return ParsedFile(
            profile=self.name,
            kind=self.kind,
            encoding=encoding,
            delimiter=delimiter,
            decimal=numbers.mark,
            rows=len(counts),
            counts=counts,
            notes=tuple(sample.notes),
        )


def _norm(key: str) -> str:
    """A key as compared: quotes, a closing ':', case and spacing do not matter."""
    return dialect.header_key(key.strip().strip('"').strip().removesuffix(":"))


def _written_key(line: str) -> str:
    """The text before the line's first delimiter, as written ("" without a delimiter)."""
    cut = min((i for i in (line.find(d) for d in dialect.DELIMITERS) if i >= 0), default=-1)
    return line[:cut].strip().strip('"').strip().removesuffix(":").strip() if cut >= 0 else ""


def _key_of(line: str) -> str:
    return _norm(_written_key(line))


def _delimiter(lines: list[str], file: str) -> str:
    """The delimiter that separates the most count keys (Live, Dead ...) from their values."""
    votes = dict.fromkeys((";", "\t", ","), 0)
    for line in lines[:500]:
        for delimiter in votes:
            if delimiter in line and _norm(line.split(delimiter, 1)[0]) in _COUNT_KEYS:
                votes[delimiter] += 1
    best = max(votes, key=lambda d: votes[d])
    if votes[best] == 0:
        raise _no_counts(lines, file)
    return best


def _no_counts(lines: list[str], file: str) -> InstrumentFileInvalid:
    """No count line: say what the file holds instead."""
    counts = _COUNT_KEYS
    written = [(n, line) for n, line in enumerate(lines, 1) if line.strip()][:200]
    for number, line in written:
        key, colon, _value = line.partition(":")
        if colon and _norm(key) in counts and not any(d in key for d in dialect.DELIMITERS):
            return InstrumentFileInvalid(
                file,
                number,
                _(
                    "'{line}' is written 'Key: value', without a semicolon, comma or tab after "
                    "the key: NucleoView writes 'Key;value' or 'Key:<tab>value', so the file was "
                    "retyped or converted. Export the result again from NucleoView."
                ).format(line=dialect.shown(line)),
            )
    for number, line in written:
        for delimiter in dialect.DELIMITERS:
            cells = [cell.strip().strip('"') for cell in line.split(delimiter)]
            columns = [cell for cell in cells if _norm(cell) in counts]
            if len(cells) >= 4 and columns:
                return InstrumentFileInvalid(
                    file,
                    number,
                    _(
                        "no line holds a cell count (Live, Dead, Total, Viability) as key and "
                        "value: line {line} is the header of a table with one sample per row "
                        "(columns {columns}), not a NucleoView export of key;value lines. It "
                        "needs the profile made for that table: ask an administrator to add one "
                        "if there is none."
                    ).format(line=number, columns=", ".join(columns)),
                    cli_hint=_("If the profile exists, name it with --profile."),
                )
    keys = [key for key in dict.fromkeys(_written_key(line) for _number, line in written) if key]
    if keys:
        reason = _(
            "no line holds a cell count (Live, Dead, Total, Viability): the file's keys are "
            "{keys}. This is not a NucleoView count export, or its count lines were removed."
        ).format(keys=", ".join(keys[:6]) + (" ..." if len(keys) > 6 else ""))
    else:
        reason = _(
            "no line holds a cell count (Live, Dead, Total, Viability): no line is written as "
            "key;value (the first line is '{first}'). This is not a NucleoView count export, or "
            "its count lines were removed."
        ).format(first=_first(written))
    return InstrumentFileInvalid(file, None, reason)


def _first(written: list[tuple[int, str]]) -> str:
    return dialect.shown(written[0][1]) if written else ""


def _cells(line: str, delimiter: str, number: int, file: str) -> list[str]:
    if '"' not in line:
        return line.split(delimiter)
    try:
        return next(csv.reader([line], delimiter=delimiter, strict=True), [""])
    except csv.Error as error:
        raise InstrumentFileInvalid(
            file,
            number,
            _("cannot be read as key and value ({error}); check its quotes.").format(error=error),
        ) from None


def _blocks(lines: list[str], delimiter: str, file: str) -> tuple[list[_Block], int | None]:
    """The samples' blocks, and the line of the closing checksum (None without one)."""
    blocks = [_Block()]
    trailer: int | None = None
    seen_text = False
    numbered = iter(enumerate(lines, 1))
    for number, line in numbered:
        if not line.strip(_SEPARATORS):
            continue
        if trailer is not None:
            raise InstrumentFileInvalid(
                file,
                number,
                _(
                    "text follows the closing checksum line (line {trailer}): the file was "
                    "edited or two exports were joined."
                ).format(trailer=trailer),
            )
        if line.strip().startswith("//"):
            trailer = number
            continue
        if delimiter not in line:
            if not seen_text:  # a title line, recorded as the same line with separators would be
                seen_text = True
                blocks[-1].raw.setdefault(line.strip(_SEPARATORS), "")
                continue
            raise InstrumentFileInvalid(
                file,
                number,
                _(
                    "'{line}' is not a key{delimiter}value line, although the file "
                    "separates keys and values with a {name}: the file was edited."
                ).format(
                    line=dialect.shown(line),
                    delimiter=delimiter,
                    name=dialect.delimiter_name(delimiter),
                ),
            )
        seen_text = True
        cells = _cells(line, delimiter, number, file)
        key = cells[0].strip().strip('"').strip().removesuffix(":").strip()
        entry = KEYS.get(_norm(key))
        values = [cell.strip() for cell in cells[1:]]
        if entry is None:
            blocks[-1].raw.setdefault(key, delimiter.join(values).strip(_SEPARATORS))
            blocks[-1].last = number
            continue
        value, end = values[0] if values else "", number
        while value.count("(") > value.count(")"):  # a note in brackets runs onto the next line
            following = lines[end] if end < len(lines) else ""
            if ")" not in following or _key_of(following) in KEYS:
                break
            more = _cells(following, delimiter, end + 1, file)
            value, values = f"{value} {more[0].strip()}", values + [c.strip() for c in more[1:]]
            end = next(numbered)[0]
        extra = [cell for cell in values[1:] if cell]
        if extra:
            raise _two_values(file, number, key, value, extra[0], delimiter)
        name = entry[0]
        if name in blocks[-1].fields:
            if name in _ONCE:
                first = blocks[-1].fields[name][0]
                raise InstrumentFileInvalid(
                    file,
                    number,
                    _("a second {key} line for one sample (the first is on line {first}).").format(
                        key=key, first=first
                    ),
                )
            blocks.append(_Block())
        blocks[-1].fields[name] = (number, key, value)
        blocks[-1].last = end
        blocks[-1].raw[key] = value
    return [block for block in blocks if block.fields] or [_Block()], trailer


def _two_values(
    file: str, line: int, key: str, value: str, extra: str, delimiter: str
) -> InstrumentFileInvalid:
    if delimiter == ",":
        reason = _(
            "{key} has two values, '{value}' and '{extra}': with commas between the fields, a "
            "value that holds a comma (such as the decimal comma in 68,2) must be in quotes. "
            "Export the result again from NucleoView."
        )
    else:
        reason = _("{key} has two values, '{value}' and '{extra}': the line was edited.")
    return InstrumentFileInvalid(
        file,
        line,
        reason.format(key=key, value=dialect.shown(value), extra=dialect.shown(extra)),
    )


@dataclass
class _Sample:
    """Turns one block into a CountReading; collects the notes for the reviewer."""

    file: str
    numbers: dialect.NumberReader
    zone: tzinfo | None
    trailer: int | None  # the line of the closing checksum
    several: bool  # the file holds more than one sample
    notes: list[str] = field(default_factory=list)

    def reading(self, block: _Block) -> CountReading:
        file = self.file
        missing = [_LABEL[f] for f in REQUIRED if f not in block.fields]
        if missing:
            if self.trailer is None:
                reason = _(
                    "the sample that starts on line {line} has no {keys} line: the file is "
                    "truncated or was edited."
                )
            else:
                reason = _(
                    "the sample that starts on line {line} has no {keys} line, although the "
                    "export is complete (it ends with its checksum line, line {trailer}): the "
                    "instrument did not report it, or the file was edited. Export the result "
                    "again from NucleoView."
                )
            raise InstrumentFileInvalid(
                file,
                block.last,
                reason.format(line=block.line, keys=", ".join(missing), trailer=self.trailer),
            )
        sample_field = "sample" if "sample" in block.fields else "image"
        if sample_field not in block.fields:
            raise InstrumentFileInvalid(
                file, block.line, _("the sample has no Image or Sample ID line to name it.")
            )
        sample = block.fields[sample_field][2]
        values: dict[str, Decimal] = {}
        wanted = [f for f in (*REQUIRED, "cell_diameter") if f in block.fields]
        for quantity in sorted(wanted, key=lambda f: block.fields[f][0]):
            entry = block.fields[quantity]
            value = self._number(entry, sample, optional=quantity == "cell_diameter")
            if value is not None:
                values[quantity] = value
        measured_at, zone = self._time(block, sample)
        status = block.raw.get("Status", "OK").strip()
        if status.casefold() not in ("ok", ""):
            self.notes.append(
                _("Sample {sample}: the instrument's status is '{status}'.").format(
                    sample=sample, status=status
                )
            )
        instrument = block.fields.get("instrument", (0, "", ""))[2]
        line = block.fields[sample_field][0]
        raw = block.raw
        return reading(
            file, line, sample, measured_at, values, raw, zone=zone, instrument=instrument
        )

    def _number(self, entry: tuple[int, str, str], sample: str, optional: bool) -> Decimal | None:
        line, key, text = entry
        qualified = _QUALIFIED.fullmatch(text)
        number = qualified["number"] if qualified and qualified["number"] else text
        not_measured = _LIMIT.match(number) or (
            number.strip() and not any(c.isdigit() for c in number)
        )
        if not_measured:
            limit = bool(_LIMIT.match(number))
            if optional:
                if limit:
                    note = _(
                        "Sample {sample}: {key} is '{text}' (a limit, not a measured value): no "
                        "cell diameter recorded."
                    )
                else:
                    note = _(
                        "Sample {sample}: {key} is '{text}' (not a number): no cell diameter "
                        "recorded."
                    )
                self.notes.append(note.format(sample=sample, key=key, text=dialect.shown(text)))
                return None
            if limit:
                reason = _(
                    "'{text}' in {key} is a limit, not a measured value, so there is no count to "
                    "record: the instrument could not count the sample, or the file was edited."
                )
            else:
                reason = _(
                    "'{text}' in {key} is not a number, so there is no count to record: the "
                    "instrument could not count the sample, or the file was edited."
                )
            raise InstrumentFileInvalid(
                self.file, line, reason.format(text=dialect.shown(text), key=key)
            )
        value = self.numbers.read(number, line, key)
        if qualified and qualified["number"]:
            note = " ".join(qualified["note"].split())
            self.notes.append(
                _("Sample {sample}: the instrument marks {key} {number} '{note}'.").format(
                    sample=sample, key=key, number=number.strip(), note=note
                )
            )
        return value

    def _time(self, block: _Block, sample: str) -> tuple[datetime, str]:
        file = self.file
        if "time" not in block.fields:
            if self.several:
                reason = _(
                    "the sample {sample} has no Date time line; with several samples in one "
                    "file, each needs its own Date time: export one sample per file."
                )
            elif self.trailer is None:
                reason = _("the sample {sample} has no Date time line: the file is truncated.")
            else:
                reason = _(
                    "the sample {sample} has no Date time line. The export is complete (it ends "
                    "with its checksum line, line {trailer}) but holds no measurement time: "
                    "export the result again from NucleoView with its Date time."
                )
            raise InstrumentFileInvalid(
                file, block.last, reason.format(sample=sample, trailer=self.trailer)
            )
        time_line, key, when = block.fields["time"]
        if _norm(key) == "time (utc)":
            moment, zone = timestamps.time_and_zone(when, timestamps.ISO, UTC, file, time_line)
            self.notes.append(
                _("Sample {sample}: {key} read as UTC (the file states it).").format(
                    sample=sample, key=key
                )
            )
            return moment, zone
        stated = self._stated_zone(block)
        moment, zone = timestamps.time_and_zone(
            when, timestamps.COMPACT, stated or self.zone, file, time_line, self.notes
        )
        if stated is not None:
            note = _("Sample {sample}: Date time read at {offset} (Time zone offset in the file).")
            self.notes.append(note.format(sample=sample, offset=stated))
        elif self.zone is not None:
            self.notes.append(
                _("Sample {sample}: Date time read in {zone} (the file states no offset).").format(
                    sample=sample, zone=self.zone
                )
            )
        return moment, zone

    def _stated_zone(self, block: _Block) -> tzinfo | None:
        if "offset" not in block.fields:
            return None
        line, key, value = block.fields["offset"]
        hours = self.numbers.read(value, line, key)
        minutes = hours * 60
        if minutes != minutes.to_integral_value() or abs(hours) > _MAX_OFFSET_HOURS:
            raise InstrumentFileInvalid(
                self.file,
                line,
                _(
                    "the time zone offset {offset} is not a whole number of minutes "
                    "between -{hours} and +{hours} hours."
                ).format(offset=dialect.shown(value), hours=_MAX_OFFSET_HOURS),
            )
        return timezone(timedelta(minutes=int(minutes)))
