"""The time and number columns of a delimited trace (a bioreactor log), as numpy arrays.

Two readers give the same result. The fast one hands the whole block to numpy's C table reader
and checks the times with vector arithmetic; it takes only files it can vouch for (plain ISO
times, numbers of the plain forms ``parse_number`` also accepts) and otherwise steps aside. The
exact one reads cell by cell with ``dialect`` (``parse_number``, the time parsers) and names the
line of the first fault. A 14-day log at 1 Hz (1.2 million rows) takes the fast road.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo

import numpy as np

from core.i18n import _
from core.instruments import dialect, timestamps
from core.instruments.model import InstrumentFileInvalid

_EPOCH = datetime(1970, 1, 1)
_TIME_WIDTH = 40  # bytes kept per time cell by the fast reader; longer ones go the exact way
_ISO_SHAPE = re.compile(r"dddd-dd-dd[T ]dd:dd:dd(\.d+)?(Z|[+-]dd:dd)?")
# Numbers beyond 10^±100 are refused by parse_number. A float shows most of them (checked after
# reading), but not one that underflows to 0: that takes a three-digit exponent or a run of
# hundreds of zeros, and files holding either take the exact reader.
_BIG_EXPONENT = re.compile(r"[eE][+-]?0*[1-9][0-9][0-9]")
_ZEROS = "0" * 200
_BUCKET = 900  # seconds: local times are converted a quarter of an hour at a time


class _SecondPass(str):
    """The note that the hour occurring twice is read as its second pass (said once a log)."""


@dataclass(frozen=True)
class Columns:
    times: np.ndarray  # float64 seconds since 1970 UTC, non-decreasing
    values: tuple[np.ndarray, ...]  # float64, NaN for an empty cell
    decimal: str
    rows: int
    first_line: int
    notes: tuple[str, ...] = field(default=())
    local_times: bool = False  # some times had no zone and were read in the given one


@dataclass
class Head:
    """What comes before the data of a trace: comment lines and the header."""

    header_line: int
    header: list[str]
    delimiter: str
    data_start: int  # offset in the text of the line after the header
    comments: list[tuple[int, str]]  # (line, text) of the comment lines before the header


def find_head(
    text: str, file: str, delimiter: str | None = None, comment: str | None = None
) -> Head:
    """The header (the first line neither blank nor a comment), without splitting the whole text:
    a trace may hold a million lines."""
    comments: list[tuple[int, str]] = []
    position, number, line = 0, 0, ""
    while position < len(text):
        end = text.find("\n", position)
        end = len(text) if end < 0 else end
        line, number, position = text[position:end], number + 1, end + 1
        if comment and line.startswith(comment):
            comments.append((number, line))
        elif line.strip():
            break
    else:
        raise InstrumentFileInvalid(
            file, None, _("the file has no header line: it holds no table.")
        )
    start = min(position, len(text))
    if delimiter is None:
        sample = [line, *text[start : start + 20_000].split("\n")[:20]]
        delimiter = dialect.detect_delimiter(sample, file, number)
    cells = next(dialect.read_rows([line], number, delimiter, file))[1]
    return Head(number, [cell.strip() for cell in cells], delimiter, start, comments)


@dataclass(frozen=True)
class Layout:
    """Where the data is: the block after the header, and which columns to read."""

    file: str
    first_line: int  # the file line of the block's first line
    header_line: int
    delimiter: str
    width: int  # cells per row, as in the header
    time_index: int
    value_indexes: tuple[int, ...]
    names: tuple[str, ...]  # header names of the value columns, for messages
    time_format: str = timestamps.ISO
    decimal: str | None = None  # None: the file's own (the first mark a number uses)
    comment: str | None = None  # lines starting with it are skipped


def read_columns(block: str, layout: Layout, zone: tzinfo | None) -> Columns:
    """Read every row of ``block`` or raise InstrumentFileInvalid naming the line."""
    result = _fast(block, layout, zone)
    if result is None:
        result = _exact(block, layout, zone)
    if result.rows == 0:
        raise InstrumentFileInvalid(
            layout.file,
            layout.header_line,
            _("the header is not followed by any data row: the file is truncated."),
        )
    return result


# --- the exact reader -------------------------------------------------------------------------


def _exact(block: str, layout: Layout, zone: tzinfo | None) -> Columns:
    file = layout.file
    numbers = dialect.NumberReader(file, layout.delimiter, layout.decimal)
    places = [_("column {column}").format(column=name) for name in layout.names]
    times: list[float] = []
    columns: list[list[float]] = [[] for _column in layout.value_indexes]
    first_line = 0
    local_times = False
    notes: list[str] = []
    previous: tuple[int, str] | None = None
    rows = dialect.read_rows(
        block.split("\n"), layout.first_line, layout.delimiter, file, layout.comment
    )
    for line, cells in rows:
        dialect.check_width(cells, layout.width, layout.header_line, file, line)
        raw = cells[layout.time_index]
        moment = timestamps.wall_time(raw, layout.time_format, file, line)
        last = times[-1] if times else None
        if moment.tzinfo is not None:
            seconds = timestamps.utc(moment, file, line, raw).timestamp()
        elif zone is None:
            raise timestamps.no_zone(raw, file, line)
        else:
            seconds, local_times = _local(moment, zone, last, file, line, raw, notes), True
        if last is not None and seconds < last and previous is not None:
            raise _backwards(file, line, raw, *previous)
        times.append(seconds)
        previous = (line, raw)
        first_line = first_line or line
        for column, index, place in zip(columns, layout.value_indexes, places, strict=True):
            column.append(numbers.read_float(cells[index], line, place))
    values = tuple(np.array(column, dtype=np.float64) for column in columns)
    stamps = np.array(times, dtype=np.float64)
    return Columns(stamps, values, numbers.mark, len(times), first_line, tuple(notes), local_times)


def _local(
    naive: datetime,
    zone: tzinfo,
    last: float | None,
    file: str,
    line: int,
    raw: str,
    notes: list[str],
) -> float:
    """A wall-clock time in ``zone`` as UTC seconds. In the hour that occurs twice when clocks go
    back, a log is read in order: the second pass is taken when the first would go backwards."""
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return timestamps.utc(first, file, line, raw).timestamp()
    earlier = timestamps.localise(naive, zone, file, line, raw, None).timestamp()  # refuses a gap
    later = timestamps.utc(second, file, line, raw).timestamp()
    if last is not None and earlier < last <= later:
        if not any(isinstance(note, _SecondPass) for note in notes):
            note = _(
                "line {line}: from {time} on, the hour that occurs twice in {zone} (the "
                "clocks went back) is read as its second pass, as the log runs in order."
            ).format(line=line, time=dialect.shown(raw), zone=zone)
            notes.append(_SecondPass(note))
        return later
    return earlier


def _backwards(file: str, line: int, raw: str, before_line: int, before: str) -> Exception:
    return InstrumentFileInvalid(
        file,
        line,
        _(
            "the time {time} is earlier than {before} on line {line}: times must not go "
            "backwards (was the log edited, merged, or the instrument's clock set back?)."
        ).format(time=dialect.shown(raw), before=dialect.shown(before), line=before_line),
    )


# --- the fast reader --------------------------------------------------------------------------


def _fast(block: str, layout: Layout, zone: tzinfo | None) -> Columns | None:
    """The columns, or None when this reader cannot vouch for the block (the exact one decides)."""
    if layout.time_format != timestamps.ISO or not block.strip():
        return None
    body = block.rstrip("\n")
    d = layout.delimiter
    if '"' in body or "\n\n" in body or body.startswith("\n"):
        return None
    if layout.comment and (body.startswith(layout.comment) or "\n" + layout.comment in body):
        return None
    allowed = "0123456789+-.:eETZ \n," + d
    if body.translate({ord(c): None for c in allowed}) or _ZEROS in body:
        return None
    if ("e" in body or "E" in body) and _BIG_EXPONENT.search(body):
        return None
    rows = body.count("\n") + 1
    if body.count(d) != rows * (layout.width - 1):
        return None  # a row with too few or too many cells: the exact reader names it
    decimal = layout.decimal or ("." if d == "," else None)
    if d != "," and "," in body:
        if "." in body or decimal == ".":
            return None
        decimal, body = ",", body.replace(",", ".")
    elif decimal == "," and "." in body:
        return None
    table = _load(_fill_empty(body, d), layout)
    if table is None or len(table) != rows:
        return None
    parsed = _iso_seconds(table["t"], zone, layout)
    if parsed is None:
        return None
    times, notes, local_times = parsed
    values = []
    for k in range(len(layout.value_indexes)):
        column = np.ascontiguousarray(table[f"v{k}"])
        size = np.abs(column[~np.isnan(column)])
        if size.size and (size.max() >= 1e101 or ((size > 0) & (size < 1e-100)).any()):
            return None
        column[column == 0] = 0.0  # "-0" reads as 0, as parse_number has it
        values.append(column)
    _check_order(times, table["t"], layout)
    mark = decimal or "."
    return Columns(times, tuple(values), mark, rows, layout.first_line, notes, local_times)


def _fill_empty(body: str, d: str) -> str:
    """Empty cells become "nan" (the block holds no letters of its own, so no real "nan")."""
    if d + d in body:
        body = body.replace(d + d, d + "nan" + d).replace(d + d, d + "nan" + d)
    if d + "\n" in body:
        body = body.replace(d + "\n", d + "nan\n")
    if "\n" + d in body:
        body = body.replace("\n" + d, "\nnan" + d)
    if body.endswith(d):
        body += "nan"
    if body.startswith(d):
        body = "nan" + body
    return body


def _load(body: str, layout: Layout) -> np.ndarray | None:
    fields = [("t", f"S{_TIME_WIDTH}")]
    fields += [(f"v{k}", "f8") for k in range(len(layout.value_indexes))]
    try:
        return np.loadtxt(
            io.StringIO(body),
            delimiter=layout.delimiter,
            dtype=np.dtype(fields),
            usecols=[layout.time_index, *layout.value_indexes],
            comments=None,
            quotechar=None,
            ndmin=1,
            encoding=None,
        )
    except ValueError:
        return None


def _iso_seconds(
    cells: np.ndarray, zone: tzinfo | None, layout: Layout
) -> tuple[np.ndarray, tuple[str, ...], bool] | None:
    """ISO 8601 times of one shape (``2024-05-01T08:00:00Z``, with or without a fraction, "Z" or
    an offset), checked and converted with integer arithmetic; None for any other shape."""
    n = len(cells)
    chars = np.ascontiguousarray(cells).view(np.uint8).reshape(n, _TIME_WIDTH)
    first = bytes(chars[0]).rstrip(b"\0")
    size = len(first)
    if size >= _TIME_WIDTH or (chars[:, size - 1] == 0).any() or (chars[:, size:] != 0).any():
        return None
    shape = "".join("d" if 48 <= c <= 57 else chr(c) for c in first)
    match = _ISO_SHAPE.fullmatch(shape)
    if match is None or len(match[1] or "") > 7:  # fromisoformat keeps microseconds only
        return None
    for position, kind in enumerate(shape):
        column = chars[:, position]
        if kind == "d":
            ok = (column >= 48) & (column <= 57)
        elif kind in "+-" and position >= 19:
            ok = (column == 43) | (column == 45)
        else:
            ok = column == ord(kind)
        if not ok.all():
            return None

    def number(start: int, stop: int) -> np.ndarray:
        value = np.zeros(n, dtype=np.int64)
        for position in range(start, stop):
            value = value * 10 + (chars[:, position].astype(np.int64) - 48)
        return value

    year, month, day = number(0, 4), number(5, 7), number(8, 10)
    hour, minute, second = number(11, 13), number(14, 16), number(17, 19)
    days = _days_from_civil(year, month, day)
    if days is None or (hour > 23).any() or (minute > 59).any() or (second > 59).any():
        return None
    wall = (days * 86400 + hour * 3600 + minute * 60 + second).astype(np.float64)
    if match[1]:
        places = len(match[1]) - 1
        wall += number(20, 20 + places) / 10.0**places
    suffix = match[2]
    if suffix == "Z":
        return wall, (), False
    if suffix:
        at = size - 6
        hours, minutes = number(at + 1, at + 3), number(at + 4, at + 6)
        if (hours > 23).any() or (minutes > 59).any():
            return None
        sign = np.where(chars[:, at] == 45, -1, 1)
        return wall - sign * (hours * 3600 + minutes * 60), (), False
    if zone is None:
        raise timestamps.no_zone(first.decode("ascii"), layout.file, layout.first_line)
    times, notes = _wall_to_utc(wall, zone, cells, layout)
    return times, notes, True


def _days_from_civil(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray | None:
    """Days since 1970-01-01 of valid calendar dates (H. Hinnant's algorithm); None if any date
    does not exist or lies outside the years 2-9998 (left to the exact reader)."""
    if (
        (year < 2).any()
        or (year > 9998).any()
        or (month < 1).any()
        or (month > 12).any()
        or (day < 1).any()
    ):
        return None
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    lengths = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[month]
    if (day > lengths + (leap & (month == 2))).any():
        return None
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * np.where(month > 2, month - 3, month + 9) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _wall_to_utc(
    wall: np.ndarray, zone: tzinfo, cells: np.ndarray, layout: Layout
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Wall-clock seconds in ``zone`` → UTC seconds: one offset per quarter hour where the zone
    keeps one, the exact rule (``_local``) row by row around a change of offset."""
    buckets = np.floor(wall / _BUCKET).astype(np.int64)
    starts, inverse = np.unique(buckets, return_inverse=True)
    offsets = np.empty(len(starts), dtype=np.float64)
    for k, start in enumerate(starts.tolist()):
        edges = [_EPOCH + timedelta(seconds=start * _BUCKET + s) for s in (0, _BUCKET - 1e-6)]
        seen = {
            edge.replace(tzinfo=zone, fold=fold).utcoffset() for edge in edges for fold in (0, 1)
        }
        # None: a tzinfo that states no offset; like a change of offset, left to the exact rule
        offset = seen.pop() if len(seen) == 1 else None
        offsets[k] = np.nan if offset is None else offset.total_seconds()
    times = wall - offsets[inverse]
    notes: list[str] = []
    for row in np.flatnonzero(np.isnan(times)).tolist():
        raw = cells[row].decode("ascii")
        naive = _EPOCH + timedelta(seconds=float(wall[row]))
        last = float(times[row - 1]) if row else None
        times[row] = _local(naive, zone, last, layout.file, layout.first_line + row, raw, notes)
    return times, tuple(notes)


def _check_order(times: np.ndarray, cells: np.ndarray, layout: Layout) -> None:
    steps = np.flatnonzero(np.diff(times) < 0)
    if steps.size:
        row = int(steps[0]) + 1
        line = layout.first_line + row
        raw, before = cells[row].decode("ascii"), cells[row - 1].decode("ascii")
        raise _backwards(layout.file, line, raw, line - 1, before)
