"""How a delimited export is written: its delimiter, its decimal mark and its numbers.

Numbers go through ``core.values.parse_number`` (the project's one number parser), so a file is
read with the same rules as a typed value: decimal point or comma, ``1.2E6``, ``1,2×10^6``; no
NaN, no infinity. A file uses one decimal mark throughout. Times: core.instruments.times.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from core.errors import InvalidValue
from core.i18n import N_, _
from core.instruments.model import InstrumentFileInvalid
from core.values import parse_number

DELIMITERS = (",", ";", "\t")
# marked for the catalogue, translated where a message names them (``delimiter_name``)
DELIMITER_NAMES = {",": N_("comma"), ";": N_("semicolon"), "\t": N_("tab")}
DECIMAL_NAMES = {".": N_("decimal point"), ",": N_("decimal comma")}


def delimiter_name(delimiter: str) -> str:
    """The delimiter in words, in the reader's language ("comma", "tab" ...)."""
    return _(DELIMITER_NAMES.get(delimiter, N_("delimiter")))


def shown(text: str, limit: int = 40) -> str:
    """A cell as quoted back in a message: trimmed, control characters hidden, short."""
    cleaned = "".join(c if c.isprintable() else " " for c in text.strip())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def header_key(name: str) -> str:
    """A column name as compared: case, spacing and the two micro signs (µ U+00B5, μ U+03BC)
    do not matter (case folding makes both U+03BC)."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class Table:
    """A delimited table: its header (file line ``header_line``) and every line of the text."""

    header_line: int
    header: list[str]
    delimiter: str
    lines: list[str]

    def rows(self, file: str, comment: str | None = None) -> Iterator[tuple[int, list[str]]]:
        """``(line number, cells)`` for each data row after the header."""
        return read_rows(
            self.lines[self.header_line :], self.header_line + 1, self.delimiter, file, comment
        )

    def checked_rows(self, file: str) -> Iterator[tuple[int, list[str]]]:
        """``rows``, each cut to the header's width by ``check_width``. The rows of one export
        all have as many fields: a row that has more or fewer than the first, even by empty
        cells, is refused (a value holding the delimiter shifts its row by one)."""
        first: tuple[int, int] | None = None
        for line, cells in self.rows(file):
            kept = check_width(
                cells, len(self.header), self.header_line, file, line, self.delimiter
            )
            first = first or (len(cells), line)
            if len(cells) != first[0]:
                raise InstrumentFileInvalid(
                    file,
                    line,
                    _(
                        "has {n} fields but line {first} has {first_n}: the rows of an "
                        "export have as many fields each. A value holds a "
                        "{delimiter} without quotes, or the file was edited."
                    ).format(
                        n=len(cells),
                        first=first[1],
                        first_n=first[0],
                        delimiter=delimiter_name(self.delimiter),
                    ),
                )
            yield line, kept

    def columns(
        self, file: str, wanted: Mapping[str, Sequence[str]], required: Iterable[str]
    ) -> dict[str, int]:
        """Index of each ``wanted`` field (any of its header spellings); a ``required`` one that
        is missing, or a field found twice, is refused."""
        keys = [header_key(name) for name in self.header]
        found: dict[str, int] = {}
        for field_name, spellings in wanted.items():
            hits = [i for i, key in enumerate(keys) if key in {header_key(s) for s in spellings}]
            if len(hits) > 1:
                raise InstrumentFileInvalid(
                    file,
                    self.header_line,
                    _(
                        "the header has the column {column} twice (columns {first} and "
                        "{second}): it cannot be told which one to read."
                    ).format(column=spellings[0], first=hits[0] + 1, second=hits[1] + 1),
                )
            if hits:
                found[field_name] = hits[0]
        missing = [wanted[f][0] for f in required if f not in found]
        if missing:
            raise InstrumentFileInvalid(
                file,
                self.header_line,
                _(
                    "the header has no column {columns}: the file is not this kind of "
                    "export, or columns were removed."
                ).format(columns=", ".join(missing)),
            )
        return found


def find_table(
    text: str, file: str, delimiter: str | None = None, comment: str | None = None
) -> Table:
    """The table in ``text``: its header is the first line that is not blank (nor a comment)."""
    lines = text.split("\n")
    number = next(
        (n for n, line in enumerate(lines, 1) if line.strip() and not _comment(line, comment)), 0
    )
    if not number:
        raise InstrumentFileInvalid(
            file, None, _("the file has no header line: it holds no table.")
        )
    index = number - 1
    chosen = delimiter or detect_delimiter(lines[index : index + 21], file, number)
    header = [cell.strip() for cell in next(read_rows([lines[index]], number, chosen, file))[1]]
    while len(header) > 1 and not header[-1]:  # a delimiter after the last name
        header.pop()
    return Table(number, header, chosen, lines)


def _comment(line: str, comment: str | None) -> bool:
    return bool(comment) and line.startswith(str(comment))


def check_width(
    cells: Sequence[str], width: int, header_line: int, file: str, line: int, delimiter: str = ","
) -> list[str]:
    """The row's ``width`` cells. Empty cells after the last column (a delimiter ending the row)
    are dropped; a missing cell, or text beyond the last column, is refused."""
    extra = [i for i in range(width, len(cells)) if cells[i].strip()]
    if len(cells) >= width and not extra:
        return list(cells[:width])
    if len(cells) < width:
        reason = _(
            "has {n} fields but the header (line {header}) has {width}: the row ends early, so "
            "the file is truncated or was edited."
        ).format(n=len(cells), header=header_line, width=width)
    else:
        reason = _(
            "has {n} fields but the header (line {header}) has {width}: '{cell}' (field "
            "{field}) is beyond the last column. A value holds a {delimiter} without quotes, or "
            "the row was edited."
        ).format(
            n=len(cells),
            header=header_line,
            width=width,
            cell=shown(cells[extra[0]]),
            field=extra[0] + 1,
            delimiter=delimiter_name(delimiter),
        )
    raise InstrumentFileInvalid(file, line, reason)


# --- delimiters ---------------------------------------------------------------------------------


def count_outside_quotes(line: str, char: str) -> int:
    if '"' not in line:
        return line.count(char)
    count, quoted = 0, False
    for c in line:
        if c == '"':
            quoted = not quoted
        elif c == char and not quoted:
            count += 1
    return count


def detect_delimiter(lines: Sequence[str], file: str, line: int) -> str:
    """The delimiter of a table whose header is ``lines[0]`` (file line ``line``): among comma,
    semicolon and tab, the one the following lines agree with, then the one splitting the header
    most."""
    header, following = lines[0], [x for x in lines[1:21] if x.strip()]
    best: tuple[int, int] | None = None
    chosen = None
    for delimiter in DELIMITERS:
        fields = count_outside_quotes(header, delimiter)
        if fields == 0:
            continue
        agree = sum(count_outside_quotes(x, delimiter) == fields for x in following)
        if best is None or (agree, fields) > best:
            best, chosen = (agree, fields), delimiter
    if chosen is None:
        raise InstrumentFileInvalid(
            file,
            line,
            _(
                "'{header}' is not separated by commas, semicolons or tabs: this is not a "
                "table export, or the file holds only one column."
            ).format(header=shown(header)),
        )
    return chosen


def read_rows(
    lines: Iterable[str], first_line: int, delimiter: str, file: str, comment: str | None = None
) -> Iterator[tuple[int, list[str]]]:
    """``(line number, cells)`` for each non-blank line (quoted cells allowed); ``comment`` lines
    are skipped."""
    numbered = enumerate(lines, first_line)
    for number, line in numbered:
        if not line.strip() or (comment and line.startswith(comment)):
            continue
        if '"' not in line:
            yield number, line.split(delimiter)
            continue
        try:
            yield number, _quoted_row(line, delimiter, numbered)
        except csv.Error as error:
            raise InstrumentFileInvalid(
                file,
                number,
                _("cannot be read as a table row ({error}); check its quotes.").format(error=error),
            ) from None


def _quoted_row(line: str, delimiter: str, rest: Iterator[tuple[int, str]]) -> list[str]:
    """A row with quotes; a quoted cell may run over several lines (taken from ``rest``)."""
    text = line
    while True:
        reader = csv.reader([text], delimiter=delimiter, strict=True)
        try:
            return next(reader, [])
        except csv.Error as error:
            if "unexpected end of data" not in str(error) and "EOF" not in str(error):
                raise
            more = next(rest, None)
            if more is None:
                raise csv.Error("a quoted cell is never closed") from None
            text += "\n" + more[1]


# --- numbers ------------------------------------------------------------------------------------


class NumberReader:
    """Reads number cells with ``parse_number``; the first decimal mark seen is the file's, and a
    cell written with the other one is refused (it could be a thousands separator)."""

    def __init__(
        self, file: str, delimiter: str, decimal: str | None = None, quoted_comma: bool = False
    ) -> None:
        self.file = file
        # With comma-separated columns a comma inside a (quoted) number is not a decimal mark,
        # unless the format may quote decimal commas (``quoted_comma``): then the first mark
        # seen decides, as in other files.
        fixed = delimiter == "," and not quoted_comma
        self.decimal = "." if fixed else decimal
        # what set the decimal mark, in a refusal's words (translated when it is shown)
        self._fixed_by: str | None = N_("the delimiter") if fixed else None
        self._fixed_line: int | None = None
        if decimal is not None and not fixed:
            self._fixed_by = N_("the profile")

    @property
    def mark(self) -> str:
        """The file's decimal mark ("." when no number had one)."""
        return self.decimal or "."

    def read(self, cell: str, line: int, place: str) -> Decimal:
        """The number in ``cell``; ``place`` names it in a refusal ("column pH", "Live")."""
        text = cell.strip()
        if not text:
            raise InstrumentFileInvalid(
                self.file, line, _("{place} is empty: a value is missing.").format(place=place)
            )
        mark = "," if "," in text else "." if "." in text else None
        if mark is not None and not ("," in text and "." in text):
            if self.decimal is None:
                self.decimal, self._fixed_by = mark, N_("line {line}")
                self._fixed_line = line
            elif mark != self.decimal:
                raise InstrumentFileInvalid(
                    self.file,
                    line,
                    _(
                        "'{text}' in {place} is written with a {mark}, "
                        "but {fixed_by} sets the {decimal}: a file must "
                        "use one decimal mark and no thousands separators."
                    ).format(
                        text=shown(text),
                        place=place,
                        mark=_(DECIMAL_NAMES[mark]),
                        fixed_by=_(str(self._fixed_by)).format(line=self._fixed_line),
                        decimal=_(DECIMAL_NAMES[self.decimal]),
                    ),
                )
        # One mark, the file's: read with it (a lone "1,250" is the file's decimal, never a
        # thousands group); both marks stay refused.
        single = mark is not None and not ("," in text and "." in text)
        by = ("comma" if self.decimal == "," else "point") if single else "auto"
        try:
            return parse_number(text, decimal_mark=by)
        except InvalidValue:
            raise InstrumentFileInvalid(
                self.file,
                line,
                _("'{text}' in {place} is not a number.").format(text=shown(text), place=place),
            ) from None

    def read_float(self, cell: str, line: int, place: str) -> float:
        """As ``read`` but an empty cell is NaN (a trace may leave gaps)."""
        if not cell.strip():
            return float("nan")
        return float(self.read(cell, line, place))
