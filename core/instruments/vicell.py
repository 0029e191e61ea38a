"""Beckman Coulter Vi-CELL BLU export, densities in 10^6 cells/mL. Two layouts are read:

* the summary export: one header, then one row per sample (a row may end with one more, empty,
  field than the header has);
* the detail export of one sample: sections, each a header and its rows. The sample's settings
  (``Sample ID`` ... ``Analysis date/time``), the reagent (``Part number`` ...), then the results
  of each image (``Image#`` ... ``Viable (x10^6) cells/mL`` ...) closed by a ``Total`` row. The
  Total row holds the sample's values.

The analysis time is written ``M/D/YYYY H:MM`` (or ``h:mm:ss AM``) with no zone: it is read in the
site's zone (the ``timezone`` argument) and refused without one. The files name no instrument
(``Analysis by`` is the operator), so readings carry none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from decimal import Decimal

from core.i18n import N_, _
from core.instruments import dialect, timestamps
from core.instruments.counts import reading, scaled
from core.instruments.decode import decode
from core.instruments.model import CountReading, InstrumentFileInvalid, ParsedFile

MILLION = Decimal(1_000_000)
# field → header spellings (compared with dialect.header_key: case, spaces and µ/μ do not matter)
COLUMNS = {
    "sample": ("Sample ID",),
    "viable": ("Viable (x10^6) cells/mL",),
    "total": ("Total (x10^6) cells/mL",),
    "viability": ("Viability (%)",),
    "diameter": ("Average diameter (µm)", "Average diameter (um)"),
    "time": ("Analysis date/time",),
}
REQUIRED = ("sample", "viable", "total", "viability", "time")
SAMPLE_FIELDS = ("sample", "time")  # detail export: in the sample section
VALUE_FIELDS = ("viable", "total", "viability", "diameter")  # detail export: in the Total row
_SIGNATURE = tuple(dialect.header_key(COLUMNS[f][0]) for f in ("sample", "viable", "viability"))
_SECTIONS = {"sample id": "sample", "part number": "reagent", "image#": "images"}


@dataclass(frozen=True)
class _Cell:
    text: str
    column: str  # its header, for messages
    line: int


@dataclass
class _Section:
    kind: str  # "sample" | "reagent" | "images"
    table: dialect.Table  # its header
    rows: list[tuple[int, list[str]]]


class ViCellBlu:
    name = "vi-cell-blu"
    # marked for the catalogue; kept in English here (the --json listing), translated where shown
    title = N_("Beckman Coulter Vi-CELL BLU export (CSV)")
    kind = "counts"
    description = N_(
        "Summary export (one row per sample) or detail export of one sample (its Total row): "
        "Sample ID, Viable and Total (x10^6) cells/mL, Viability (%), Average diameter (µm), "
        "Analysis date/time (M/D/YYYY H:MM, read in the site's zone)."
    )

    def recognises(self, text: str) -> bool:
        lines = [line for line in text[:20_000].split("\n")[:80] if line.strip()]
        if not lines:
            return False
        keys = [dialect.header_key(line) for line in lines]
        if all(part in keys[0] for part in _SIGNATURE):
            return True
        detail = "sample id" in keys[0] and "analysis date/time" in keys[0]
        return detail and any("image#" in key and _SIGNATURE[1] in key for key in keys[1:])

    def parse(self, data: bytes, file: str, *, timezone: str | None = None) -> ParsedFile:
        text, encoding = decode(data, file)
        zone = timestamps.zone_named(timezone, file) if timezone is not None else None
        _refuse_lines_above_the_header(text, file)
        table = dialect.find_table(text, file)
        reader = _Reader(file, table, dialect.NumberReader(file, table.delimiter), zone)
        counts = reader.detail() if _is_detail(table) else reader.summary()
        notes = reader.notes
        if zone is not None:
            notes.insert(
                0,
                _("Analysis times read in {zone} (the file states no time zone).").format(
                    zone=zone
                ),
            )
        return ParsedFile(
            profile=self.name,
            kind=self.kind,
            encoding=encoding,
            delimiter=table.delimiter,
            decimal=reader.numbers.mark,
            rows=len(counts),
            counts=tuple(counts),
            notes=tuple(notes),
        )


def _refuse_lines_above_the_header(text: str, file: str) -> None:
    """A Vi-CELL BLU export starts with its header; lines above it mean the file was changed."""
    lines = text[:20_000].split("\n")[:40]
    first = next((n for n, line in enumerate(lines, 1) if line.strip()), None)
    if first is None or "sample id" in dialect.header_key(lines[first - 1]):
        return
    for number, line in enumerate(lines[first:], first + 1):
        if all(part in dialect.header_key(line) for part in _SIGNATURE):
            raise InstrumentFileInvalid(
                file,
                first,
                _(
                    "comes before the column header (line {header}), but a Vi-CELL BLU export "
                    "starts with its header: the file was changed after it was exported (for "
                    "example saved again from a spreadsheet). Export the results again from the "
                    "Vi-CELL BLU software."
                ).format(header=number),
            )


def _is_detail(table: dialect.Table) -> bool:
    """The detail export: its first header names the sample but holds no densities, and a later
    line starts its reagent or per-image section."""
    keys = {dialect.header_key(name) for name in table.header}
    if _SIGNATURE[1] in keys or "analysis date/time" not in keys:
        return False
    starts = (line.split(table.delimiter, 1)[0] for line in table.lines[table.header_line :])
    return any(dialect.header_key(cell.strip().strip('"')) in _SECTIONS for cell in starts)


class _Reader:
    def __init__(
        self, file: str, table: dialect.Table, numbers: dialect.NumberReader, zone: tzinfo | None
    ) -> None:
        self.file, self.table, self.numbers, self.zone = file, table, numbers, zone
        self.notes: list[str] = []

    def summary(self) -> list[CountReading]:
        table, file = self.table, self.file
        where = table.columns(file, COLUMNS, REQUIRED)
        counts = []
        for line, cells in table.checked_rows(file):
            fields = {f: _Cell(cells[i], table.header[i], line) for f, i in where.items()}
            raw = {name: cell for name, cell in zip(table.header, cells, strict=True) if name}
            counts.append(self._reading(line, fields, raw))
        if not counts:
            raise InstrumentFileInvalid(
                file,
                table.header_line,
                _("the header is not followed by any sample row: the file is truncated."),
            )
        return counts

    def detail(self) -> list[CountReading]:
        groups: list[list[_Section]] = []
        for section in self._sections():
            if section.kind == "sample":
                groups.append([])
            groups[-1].append(section)
        return [self._detail_reading(group) for group in groups]

    def _sections(self) -> list[_Section]:
        table, file = self.table, self.file
        sections: list[_Section] = []
        lines = table.lines[table.header_line - 1 :]
        for line, cells in dialect.read_rows(lines, table.header_line, table.delimiter, file):
            if not any(cell.strip() for cell in cells):
                continue  # a row of empty cells between the images and their Total
            kind = _SECTIONS.get(dialect.header_key(cells[0]))
            if line == table.header_line:
                kind = "sample"  # the file's first header opens the sample section
            if kind is not None:
                header = [cell.strip() for cell in cells]
                while len(header) > 1 and not header[-1]:
                    header.pop()
                head = dialect.Table(line, header, table.delimiter, table.lines)
                sections.append(_Section(kind, head, []))
                continue
            head = sections[-1].table
            width = len(head.header)
            checked = dialect.check_width(
                cells, width, head.header_line, file, line, head.delimiter
            )
            sections[-1].rows.append((line, checked))
        return sections

    def _detail_reading(self, group: list[_Section]) -> CountReading:
        file = self.file
        sample = group[0]
        if not sample.rows:
            raise InstrumentFileInvalid(
                file,
                sample.table.header_line,
                _("the sample header is not followed by the sample's row: the file is truncated."),
            )
        if len(sample.rows) > 1:
            raise InstrumentFileInvalid(
                file,
                sample.rows[1][0],
                _(
                    "a second sample row under the header of line {header}: a detail export "
                    "holds one sample, so the file was edited. Export the results again from the "
                    "Vi-CELL BLU software."
                ).format(header=sample.table.header_line),
            )
        line, cells = sample.rows[0]
        where = sample.table.columns(file, _wanted(SAMPLE_FIELDS), SAMPLE_FIELDS)
        fields = {f: _Cell(cells[i], sample.table.header[i], line) for f, i in where.items()}
        raw = _raw(sample)
        images = [section for section in group if section.kind == "images"]
        if len(images) != 1:
            last = max(r[0] for s in group for r in s.rows)
            if not images:
                problem = _(
                    "the detail export of sample {sample} has no per-image table (Image#, "
                    "Viable (x10^6) cells/mL ...): the file is truncated or was edited."
                )
            else:
                problem = _(
                    "the detail export of sample {sample} has more than one per-image table "
                    "(Image#, Viable (x10^6) cells/mL ...): the file is truncated or was edited."
                )
            raise InstrumentFileInvalid(
                file, last, problem.format(sample=cells[where["sample"]].strip())
            )
        total_line, total = _total_row(images[0], file)
        head = images[0].table
        where = head.columns(file, _wanted(VALUE_FIELDS), VALUE_FIELDS[:3])
        fields |= {f: _Cell(total[i], head.header[i], total_line) for f, i in where.items()}
        for section in group[1:]:
            if section.kind == "reagent":
                raw |= _raw(section)
        raw |= dict(zip(head.header, total, strict=True))
        return self._reading(total_line, fields, {k: v for k, v in raw.items() if k})

    def _reading(self, line: int, fields: dict[str, _Cell], raw: dict[str, str]) -> CountReading:
        def number(field: str) -> Decimal:
            cell = fields[field]
            place = _("column {column}").format(column=cell.column)
            return self.numbers.read(cell.text, cell.line, place)

        values = {
            "viable_cell_density": scaled(number("viable"), MILLION),
            "total_cell_density": scaled(number("total"), MILLION),
            "viability": number("viability"),
        }
        if "diameter" in fields and fields["diameter"].text.strip():
            values["cell_diameter"] = number("diameter")
        when = fields["time"]
        measured_at, zone = timestamps.time_and_zone(
            when.text, timestamps.US_DATE, self.zone, self.file, when.line, self.notes
        )
        sample = fields["sample"].text
        return reading(self.file, line, sample, measured_at, values, raw, zone=zone)


def _wanted(fields: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    return {field: COLUMNS[field] for field in fields}


def _raw(section: _Section) -> dict[str, str]:
    """The fields of a section's rows; a second row's names get " #2"."""
    raw: dict[str, str] = {}
    for k, (_line, cells) in enumerate(section.rows, 1):
        suffix = f" #{k}" if k > 1 else ""
        named = zip(section.table.header, cells, strict=True)
        raw |= {f"{name}{suffix}": cell for name, cell in named if name}
    return raw


def _total_row(images: _Section, file: str) -> tuple[int, list[str]]:
    """The Total row: the last row of the per-image table."""
    head = images.table
    column = next(i for i, name in enumerate(head.header) if dialect.header_key(name) == "image#")
    totals = [n for n, (_line, cells) in enumerate(images.rows) if cells[column].strip() == "Total"]
    if not totals:
        last = images.rows[-1][0] if images.rows else head.header_line
        raise InstrumentFileInvalid(
            file,
            last,
            _(
                "the per-image table (header on line {header}) has no Total row: the file "
                "is truncated."
            ).format(header=head.header_line),
        )
    if totals[0] != len(images.rows) - 1:
        raise InstrumentFileInvalid(
            file,
            images.rows[totals[0] + 1][0],
            _(
                "follows the Total row of the per-image table (line {total}): "
                "the file was edited or two exports were joined."
            ).format(total=images.rows[totals[0]][0]),
        )
    return images.rows[totals[0]]
