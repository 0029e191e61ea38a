"""Beckman Coulter Vi-CELL BLU export: one row per sample, densities in 10^6 cells/mL.

The analysis time is written ``M/D/YYYY H:MM`` with no zone: it is read in the site's zone (the
``timezone`` argument) and refused without one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from decimal import Decimal

from core.instruments import dialect
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
_SIGNATURE = tuple(dialect.header_key(COLUMNS[f][0]) for f in ("sample", "viable", "viability"))


class ViCellBlu:
    name = "vi-cell-blu"
    title = "Beckman Coulter Vi-CELL BLU export (CSV)"
    kind = "counts"
    description = (
        "One row per sample: Sample ID, Viable and Total (x10^6) cells/mL, Viability (%), "
        "Average diameter (µm), Analysis date/time (M/D/YYYY H:MM, read in the site's zone)."
    )

    def recognises(self, text: str) -> bool:
        for line in text[:20_000].split("\n")[:10]:
            if line.strip():
                key = dialect.header_key(line)
                return all(part in key for part in _SIGNATURE)
        return False

    def parse(self, data: bytes, file: str, *, timezone: str | None = None) -> ParsedFile:
        text, encoding = decode(data, file)
        zone = dialect.zone_named(timezone, file) if timezone is not None else None
        table = dialect.find_table(text, file)
        where = table.columns(file, COLUMNS, REQUIRED)
        numbers = dialect.NumberReader(file, table.delimiter)
        notes: list[str] = []
        counts: list[CountReading] = []
        for line, cells in table.rows(file):
            dialect.check_width(cells, len(table.header), table.header_line, file, line)
            row = _Row(file, line, cells, table, where, numbers)
            counts.append(row.reading(zone, notes))
        if not counts:
            raise InstrumentFileInvalid(
                file,
                table.header_line,
                "the header is not followed by any sample row: the file is truncated.",
            )
        if zone is not None:
            notes.insert(0, f"Analysis times read in {zone} (the file states no time zone).")
        return ParsedFile(
            profile=self.name,
            kind=self.kind,
            encoding=encoding,
            delimiter=table.delimiter,
            decimal=numbers.mark,
            rows=len(counts),
            counts=tuple(counts),
            notes=tuple(notes),
        )


@dataclass(frozen=True)
class _Row:
    file: str
    line: int
    cells: list[str]
    table: dialect.Table
    where: dict[str, int]
    numbers: dialect.NumberReader

    def number(self, field: str) -> Decimal:
        index = self.where[field]
        return self.numbers.read(self.cells[index], self.line, f"column {self.table.header[index]}")

    def reading(self, zone: tzinfo | None, notes: list[str]) -> CountReading:
        values = {
            "viable_cell_density": scaled(self.number("viable"), MILLION),
            "total_cell_density": scaled(self.number("total"), MILLION),
            "viability": self.number("viability"),
        }
        if "diameter" in self.where and self.cells[self.where["diameter"]].strip():
            values["cell_diameter"] = self.number("diameter")
        when = self.cells[self.where["time"]]
        measured_at = dialect.parse_time(when, dialect.US_DATE, zone, self.file, self.line, notes)
        raw = {name: cell for name, cell in zip(self.table.header, self.cells, strict=True) if name}
        sample = self.cells[self.where["sample"]]
        return reading(self.file, self.line, sample, measured_at, values, raw)
