"""Instrument files as text: encodings, delimiters, decimal marks, numbers and times."""

from __future__ import annotations

import codecs
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from core.instruments import dialect, timestamps
from core.instruments.decode import decode
from core.instruments.model import InstrumentFileInvalid

TEXT = "Sample ID;Viability (%)\nA-1;96,9\nµ-2;88,0\n"


# --- decode ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),  # with its byte-order mark
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),  # no mark: told by the NUL bytes
        (TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.encode("cp1252"), "cp1252"),  # µ is 0xB5: not UTF-8
    ],
)
def test_the_encodings_instrument_pcs_write_are_read(data, encoding):
    assert decode(data, "f.csv") == (TEXT, encoding)


def test_line_endings_become_newlines():
    text, _ = decode(b"a;b\r\n1;2\r3;4\n", "f.csv")
    assert text == "a;b\n1;2\n3;4\n"


def test_a_named_encoding_is_used_and_a_bom_still_removed():
    assert decode(codecs.BOM_UTF8 + b"a;b\n", "f.csv", "utf-8") == ("a;b\n", "utf-8-sig")
    assert decode("µ;b\n".encode("latin-1"), "f.csv", "latin-1")[0] == "µ;b\n"
    with pytest.raises(InstrumentFileInvalid, match="not a known text encoding"):
        decode(b"a", "f.csv", "rot13")


@pytest.mark.parametrize(
    ("data", "line", "reason"),
    [
        (b"", None, "The file is empty"),
        (b"  \r\n\n", None, "The file is empty"),
        (b"a;b\n1;2\n\x89PNG\x00\x00\x01\x02\x03", 3, "NUL bytes"),
        (b"a;b\n1;\x07;2\n", 2, "control character U\\+0007"),
        ("a;b\n\n1;\x85\n".encode(), 3, "control character U\\+0085"),  # C1, in UTF-8
        ("a;b\n\x1a".encode("utf-16"), 2, "control character U\\+001A"),
        (b"a;b\n1;2\n\x81\x8d", 3, "cannot be read as cp1252"),  # bytes cp1252 leaves undefined
        (codecs.BOM_UTF8 + b"a;b\n\xff\n", 2, "cannot be read as utf-8-sig"),
        (codecs.BOM_UTF16_LE + "a;b\n1".encode("utf-16-le") + b"\x00", 2, "cannot be read"),
    ],
)
def test_binary_junk_is_refused_with_its_line(data, line, reason):
    with pytest.raises(InstrumentFileInvalid, match=reason) as caught:
        decode(data, "f.csv")
    assert caught.value.line == line
    assert str(caught.value).endswith("Nothing was imported.")


# --- delimiters and numbers ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["a,b,c", "1,2,3"], ","),
        (["a;b;c", "1,5;2,5;3"], ";"),  # decimal commas in the data do not mislead
        (["a\tb", "1,5\t2"], "\t"),
        (['"x;y",b,c', "1,2,3"], ","),  # a quoted header cell
    ],
)
def test_the_delimiter_is_told_from_the_header(lines, expected):
    assert dialect.detect_delimiter(lines, "f.csv", 1) == expected


def test_a_one_column_file_has_no_delimiter():
    with pytest.raises(InstrumentFileInvalid, match="line 1: 'just text' is not separated"):
        dialect.detect_delimiter(["just text", "more"], "f.csv", 1)


def test_numbers_are_read_by_the_projects_parser():
    reader = dialect.NumberReader("f.csv", ";")
    assert reader.read("2,45E6", 2, "column Live") == Decimal("2.45E6")
    assert reader.read(" 1,2×10^6 ", 3, "column Live") == Decimal("1200000")
    assert reader.mark == ","
    assert reader.read_float("", 4, "column pH") != reader.read_float("", 4, "column pH")  # NaN


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("abc", "'abc' in column Viability \\(%\\) is not a number"),
        ("nan", "is not a number"),
        ("inf", "is not a number"),
        ("1e400", "is not a number"),
        ("1.234,5", "is not a number"),
        ("", "column Viability \\(%\\) is empty"),
    ],
)
def test_a_bad_number_is_refused_with_line_and_column(cell, reason):
    reader = dialect.NumberReader("f.csv", ";")
    with pytest.raises(InstrumentFileInvalid, match=f"line 7: .*{reason}"):
        reader.read(cell, 7, "column Viability (%)")


def test_a_file_uses_one_decimal_mark():
    reader = dialect.NumberReader("f.csv", ";")
    reader.read("7,2", 2, "column pH")
    with pytest.raises(InstrumentFileInvalid, match=r"line 3: '1\.234' .* line 2 sets the decimal"):
        reader.read("1.234", 3, "column pH")  # a thousands separator, or a mixed file
    comma_separated = dialect.NumberReader("f.csv", ",")
    with pytest.raises(InstrumentFileInvalid, match="the delimiter sets the decimal point"):
        comma_separated.read("7,2", 2, "column pH")


# --- times ------------------------------------------------------------------------------------

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("raw", "fmt", "expected"),
    [
        ("2024-05-01T08:00:00Z", timestamps.ISO, datetime(2024, 5, 1, 8, 0, tzinfo=UTC)),
        ("2024-05-01 10:00:00+02:00", timestamps.ISO, datetime(2024, 5, 1, 8, 0, tzinfo=UTC)),
        ("2024-05-01T10:00:00", timestamps.ISO, datetime(2024, 5, 1, 8, 0, tzinfo=UTC)),  # Berlin
        ("3/21/2022 16:56", timestamps.US_DATE, datetime(2022, 3, 21, 15, 56, tzinfo=UTC)),
        ("3/21/2022 4:56:30 PM", timestamps.US_DATE, datetime(2022, 3, 21, 15, 56, 30, tzinfo=UTC)),
        ("20231120 163016", timestamps.COMPACT, datetime(2023, 11, 20, 15, 30, 16, tzinfo=UTC)),
        ("01.05.2024 10:30", "%d.%m.%Y %H:%M", datetime(2024, 5, 1, 8, 30, tzinfo=UTC)),
    ],
)
def test_times_are_read_as_utc(raw, fmt, expected):
    moment = timestamps.parse_time(raw, fmt, BERLIN, "f.csv", 2)
    assert moment == expected and moment.tzinfo is UTC


def test_a_time_without_a_zone_needs_one():
    with pytest.raises(InstrumentFileInvalid) as caught:
        timestamps.parse_time("3/21/2022 16:56", timestamps.US_DATE, None, "f.csv", 2)
    assert caught.value.line == 2
    assert "the time 3/21/2022 16:56 has no time zone: give the site's time zone" in str(
        caught.value
    )


@pytest.mark.parametrize(
    ("raw", "fmt"),
    [
        ("13/21/2022 16:56", timestamps.US_DATE),
        ("2/30/2022 16:56", timestamps.US_DATE),
        ("20231120 256016", timestamps.COMPACT),
        ("yesterday", timestamps.ISO),
        ("", timestamps.ISO),
    ],
)
def test_a_bad_time_is_refused(raw, fmt):
    with pytest.raises(InstrumentFileInvalid, match=r"line 4: .*(not a valid time|missing)"):
        timestamps.parse_time(raw, fmt, BERLIN, "f.csv", 4)


def test_local_times_across_clock_changes():
    with pytest.raises(InstrumentFileInvalid, match="does not exist in Europe/Berlin"):
        timestamps.parse_time("2024-03-31T02:30:00", timestamps.ISO, BERLIN, "f.csv", 5)
    notes: list[str] = []
    moment = timestamps.parse_time("2024-10-27T02:30:00", timestamps.ISO, BERLIN, "f.csv", 6, notes)
    assert moment == datetime(2024, 10, 27, 0, 30, tzinfo=UTC)  # the first pass, CEST
    assert "occurs twice" in notes[0]


def test_an_unknown_zone_is_refused():
    with pytest.raises(InstrumentFileInvalid, match="'Mars/Olympus' is not a time zone"):
        timestamps.zone_named("Mars/Olympus", "f.csv")


# --- row widths -------------------------------------------------------------------------------


def test_empty_cells_after_the_last_column_are_dropped():
    table = dialect.find_table('"a","b"\n"1","2",""\n"3","4",""\n', "f.csv")
    assert table.header == ["a", "b"]
    assert list(table.checked_rows("f.csv")) == [(2, ["1", "2"]), (3, ["3", "4"])]
    ended = dialect.find_table("a;b;\n1;2;\n", "f.csv")  # the header ends with the delimiter too
    assert ended.header == ["a", "b"] and list(ended.checked_rows("f.csv")) == [(2, ["1", "2"])]
    assert dialect.check_width(["1", "2", " ", ""], 2, 1, "f.csv", 2) == ["1", "2"]


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("a,b,c\n1,2\n", 2, r"has 2 fields but the header \(line 1\) has 3: the row ends early"),
        ("a,b\n1,2,x\n", 2, r"'x' \(field 3\) is beyond the last column. A value holds a comma"),
        ("a;b\n1;2;;7\n", 2, r"'7' \(field 4\) .* holds a semicolon without quotes"),
        ("a,b,c\n1,2,\n1,2,,\n", 3, "has 4 fields but line 2 has 3: the rows of an export have"),
        ("a,b,c\n1,2,,\n1,2,\n", 3, "has 3 fields but line 2 has 4"),
    ],
)
def test_a_row_of_another_width_is_refused_with_the_true_reason(text, line, reason):
    table = dialect.find_table(text, "f.csv")
    with pytest.raises(InstrumentFileInvalid, match=reason) as caught:
        list(table.checked_rows("f.csv"))
    assert caught.value.line == line


# --- zones ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "fmt", "zone", "expected"),
    [
        ("2024-05-01T08:00:00Z", timestamps.ISO, BERLIN, "UTC"),
        ("2024-05-01T08:00:00+00:00", timestamps.ISO, None, "UTC"),
        ("2024-05-01T10:00:00+02:00", timestamps.ISO, BERLIN, "+02:00"),
        ("2024-05-01T02:30:00-05:30", timestamps.ISO, None, "-05:30"),
        ("2024-05-01T10:00:00", timestamps.ISO, BERLIN, "Europe/Berlin"),
        ("20231120 163016", timestamps.COMPACT, timezone(timedelta(hours=2)), "+02:00"),
        ("20231120 163016", timestamps.COMPACT, timezone(timedelta(hours=-7)), "-07:00"),
        ("20231120 163016", timestamps.COMPACT, timezone(timedelta(0)), "UTC"),
        ("3/21/2022 16:56", timestamps.US_DATE, ZoneInfo("UTC"), "UTC"),
    ],
)
def test_a_time_comes_with_the_zone_it_was_read_in(raw, fmt, zone, expected):
    moment, read_in = timestamps.time_and_zone(raw, fmt, zone, "f.csv", 2)
    assert read_in == expected and moment.tzinfo is UTC
    assert moment == timestamps.parse_time(raw, fmt, zone, "f.csv", 2)


def test_a_format_that_quotes_decimal_commas_may_use_them_with_comma_delimiters():
    reader = dialect.NumberReader("f.csv", ",", quoted_comma=True)
    assert reader.read("68,2", 4, "Viability (%)") == Decimal("68.2") and reader.mark == ","
    with pytest.raises(InstrumentFileInvalid, match=r"'2\.45E6' .* line 4 sets the decimal comma"):
        reader.read("2.45E6", 5, "Live (cells/ml)")
