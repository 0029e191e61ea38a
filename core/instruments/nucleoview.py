"""ChemoMetec NucleoView NC-200 export: ``key;value;`` lines, one sample per block.

Densities are in cells/mL (``2.45E6``); ``Date time`` is ``YYYYMMDD HHMMSS`` and ``Time zone
offset`` gives its zone in hours, so the file states its own zone. Blank and ``;``-only lines and
the closing ``//[checksum]`` line are ignored. A file holding several samples repeats the block;
each block must then carry its own time, else the file is refused.
"""

from __future__ import annotations

from datetime import timedelta, timezone, tzinfo
from decimal import Decimal

from core.instruments import dialect
from core.instruments.counts import reading
from core.instruments.decode import decode
from core.instruments.model import CountReading, InstrumentFileInvalid, ParsedFile

# key (dialect.header_key) → (field, the key as the instrument writes it)
KEYS = {
    "image": ("image", "Image"),
    "sample id": ("sample", "Sample ID"),
    "live (cells/ml)": ("viable_cell_density", "Live (cells/ml)"),
    "dead (cells/ml)": ("dead_cell_density", "Dead (cells/ml)"),
    "total (cells/ml)": ("total_cell_density", "Total (cells/ml)"),
    "viability (%)": ("viability", "Viability (%)"),
    "estimated cell diameter (um)": ("cell_diameter", "Estimated cell diameter (um)"),
    "estimated cell diameter (μm)": ("cell_diameter", "Estimated cell diameter (µm)"),
    "date time": ("time", "Date time"),
    "time zone offset": ("offset", "Time zone offset"),
}
REQUIRED = ("viable_cell_density", "dead_cell_density", "total_cell_density", "viability")
_LABEL = {field: label for field, label in KEYS.values()}
_MAX_OFFSET_HOURS = 14


class _Block:
    """The sample keys of one sample: field → (line, key as written, value)."""

    def __init__(self) -> None:
        self.fields: dict[str, tuple[int, str, str]] = {}
        self.raw: dict[str, str] = {}
        self.last = 0  # the block's last line

    @property
    def line(self) -> int:
        return min(line for line, _, _ in self.fields.values())


class NucleoViewNC200:
    name = "nucleoview-nc200"
    title = "ChemoMetec NucleoView NC-200 export (key;value CSV)"
    kind = "counts"
    description = (
        "key;value lines: Image or Sample ID, Live/Dead/Total (cells/ml), Viability (%), "
        "Estimated cell diameter (um), Date time (YYYYMMDD HHMMSS) and Time zone offset (hours)."
    )

    def recognises(self, text: str) -> bool:
        keys = {_key(line) for line in text[:20_000].split("\n")[:200]}
        return {"live (cells/ml)", "viability (%)"} <= keys

    def parse(self, data: bytes, file: str, *, timezone: str | None = None) -> ParsedFile:
        text, encoding = decode(data, file)
        zone = dialect.zone_named(timezone, file) if timezone is not None else None
        lines = text.split("\n")
        delimiter = _delimiter(lines, file)
        blocks = _blocks(lines, delimiter, file)
        numbers = dialect.NumberReader(file, delimiter)
        notes: list[str] = []
        counts = tuple(
            _reading(block, file, numbers, zone, notes, several=len(blocks) > 1) for block in blocks
        )
        return ParsedFile(
            profile=self.name,
            kind=self.kind,
            encoding=encoding,
            delimiter=delimiter,
            decimal=numbers.mark,
            rows=len(counts),
            counts=counts,
            notes=tuple(notes),
        )


def _key(line: str) -> str:
    cut = min((i for i in (line.find(d) for d in dialect.DELIMITERS) if i >= 0), default=-1)
    return dialect.header_key(line[:cut]) if cut >= 0 else ""


def _delimiter(lines: list[str], file: str) -> str:
    """The delimiter found in the most lines (``;`` in every export seen so far)."""
    used = {d: sum(d in line for line in lines) for d in (";", "\t", ",")}
    best = max(used, key=lambda d: used[d])
    if used[best] == 0:
        raise InstrumentFileInvalid(
            file, None, "no line is written as key;value: this is not a NucleoView export."
        )
    return best


def _blocks(lines: list[str], delimiter: str, file: str) -> list[_Block]:
    blocks = [_Block()]
    trailer: int | None = None
    seen_text = False
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if not stripped.replace(delimiter, "").strip():
            continue
        if trailer is not None:
            raise InstrumentFileInvalid(
                file,
                number,
                f"text follows the closing checksum line (line {trailer}): the file was edited "
                "or two exports were joined.",
            )
        if stripped.startswith("//"):
            trailer = number
            continue
        if delimiter not in line:
            if not seen_text:  # a title line
                seen_text = True
                continue
            raise InstrumentFileInvalid(
                file,
                number,
                f"'{dialect.shown(line)}' is not a key{delimiter}value line.",
            )
        seen_text = True
        key, _, rest = line.partition(delimiter)
        value = rest.split(delimiter)[0].strip()
        entry = KEYS.get(dialect.header_key(key))
        if entry is None:
            blocks[-1].raw.setdefault(key.strip(), value)
            blocks[-1].last = number
            continue
        field = entry[0]
        if field in blocks[-1].fields:
            if field in ("time", "offset"):  # they follow a sample's values: no new sample
                first = blocks[-1].fields[field][0]
                raise InstrumentFileInvalid(
                    file,
                    number,
                    f"a second {key.strip()} line for one sample (the first is on line {first}).",
                )
            blocks.append(_Block())
        blocks[-1].fields[field] = (number, key.strip(), value)
        blocks[-1].last = number
        blocks[-1].raw[key.strip()] = value
    return [block for block in blocks if block.fields] or [_Block()]


def _reading(
    block: _Block,
    file: str,
    numbers: dialect.NumberReader,
    zone: tzinfo | None,
    notes: list[str],
    several: bool,
) -> CountReading:
    missing = [_LABEL[field] for field in REQUIRED if field not in block.fields]
    if missing:
        if not block.fields:
            raise InstrumentFileInvalid(
                file, None, "no line holds a cell count (Live, Dead, Total, Viability)."
            )
        raise InstrumentFileInvalid(
            file,
            block.last,
            f"the sample that starts on line {block.line} has no {', '.join(missing)} line: "
            "the file is truncated or is not a NucleoView export.",
        )
    values: dict[str, Decimal] = {}
    wanted = [f for f in (*REQUIRED, "cell_diameter") if f in block.fields]
    for field in sorted(wanted, key=lambda f: block.fields[f][0]):
        line, key, value = block.fields[field]
        values[field] = numbers.read(value, line, key)
    sample_field = "sample" if "sample" in block.fields else "image"
    if sample_field not in block.fields:
        raise InstrumentFileInvalid(
            file, block.line, "the sample has no Image or Sample ID line to name it."
        )
    sample_line, _, sample = block.fields[sample_field]
    if "time" not in block.fields:
        layout = (
            "; with several samples in one file, each needs its own Date time: export one "
            "sample per file"
            if several
            else ": the file is truncated"
        )
        raise InstrumentFileInvalid(
            file, block.last, f"the sample {sample} has no Date time line{layout}."
        )
    time_line, _, when = block.fields["time"]
    stated = _stated_zone(block, numbers, file)
    measured_at = dialect.parse_time(when, dialect.COMPACT, stated or zone, file, time_line, notes)
    if stated is not None:
        notes.append(f"Sample {sample}: Date time read at {stated} (Time zone offset in the file).")
    elif zone is not None:
        notes.append(f"Sample {sample}: Date time read in {zone} (the file states no offset).")
    return reading(file, sample_line, sample, measured_at, values, block.raw)


def _stated_zone(block: _Block, numbers: dialect.NumberReader, file: str) -> tzinfo | None:
    if "offset" not in block.fields:
        return None
    line, key, value = block.fields["offset"]
    hours = numbers.read(value, line, key)
    minutes = hours * 60
    if minutes != minutes.to_integral_value() or abs(hours) > _MAX_OFFSET_HOURS:
        raise InstrumentFileInvalid(
            file,
            line,
            f"the time zone offset {dialect.shown(value)} is not a whole number of minutes "
            f"between -{_MAX_OFFSET_HOURS} and +{_MAX_OFFSET_HOURS} hours.",
        )
    return timezone(timedelta(minutes=int(minutes)))
