"""The real layouts of counter exports besides the two reference samples (tests/data/instruments/
README.md says where each comes from), the same measurement written in different ways, and the
layouts that are refused with the real reason."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from core.instruments.decode import decode
from core.instruments.model import CountReading, InstrumentFileInvalid
from core.instruments.nucleoview import NucleoViewNC200
from core.instruments.registry import builtin_profiles, recognise
from core.instruments.vicell import ViCellBlu
from tests.data import INSTRUMENT_SAMPLES as SAMPLES

D = Decimal


def _bytes(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def _text(name: str) -> str:
    return decode(_bytes(name), name)[0]


def _identity(reading: CountReading) -> tuple:
    """What the import service compares to refuse one measurement imported twice."""
    values = {quantity: str(value) for quantity, value in reading.values.items()}
    return reading.instrument, reading.sample_id, reading.measured_at, reading.zone, values


def _recognised_as(name: str) -> str:
    return recognise(builtin_profiles(), _text(name), name).name


# --- Vi-CELL BLU ------------------------------------------------------------------------------


def test_rows_one_empty_field_wider_than_the_header_are_read():
    parsed = ViCellBlu().parse(
        _bytes("vi-cell-blu-trailing-field.csv"), "v.csv", timezone="Europe/Berlin"
    )
    assert [c.sample_id for c in parsed.counts] == ["TC-D0", "TC-D3", "TC-D7"]
    first = parsed.counts[0]
    assert first.values == {
        "viable_cell_density": D(680000),
        "total_cell_density": D(740000),
        "dead_cell_density": D(60000),
        "viability": D("91.75"),
        "cell_diameter": D("15.9"),
    }
    assert first.measured_at == datetime(2024, 4, 2, 7, 41, tzinfo=UTC)  # 9:41 CEST
    assert (first.zone, first.instrument, first.line) == ("Europe/Berlin", None, 2)
    assert first.raw["Wash"] == "Normal Wash" and "" not in first.raw
    assert _recognised_as("vi-cell-blu-trailing-field.csv") == "vi-cell-blu"


def test_a_header_ending_with_the_delimiter_reads_as_without_it():
    lines = _text("vi-cell-blu-export.csv").split("\n")
    lines[0] += ","
    parsed = ViCellBlu().parse("\n".join(lines).encode(), "v.csv", timezone="UTC")
    reference = ViCellBlu().parse(_bytes("vi-cell-blu-export.csv"), "v.csv", timezone="UTC")
    assert parsed.counts == reference.counts


def test_the_detail_export_gives_its_total_row_as_the_sample():
    parsed = ViCellBlu().parse(_bytes("vi-cell-blu-detail.csv"), "d.csv", timezone="Europe/Berlin")
    (sample,) = parsed.counts
    assert (sample.sample_id, sample.line, parsed.rows) == ("LV-EXP-D5", 10, 1)
    assert sample.values == {
        "viable_cell_density": D(1119800),
        "total_cell_density": D(1146300),
        "dead_cell_density": D(26500),
        "viability": D("97.7"),
        "cell_diameter": D("9.86"),
    }
    assert str(sample.values["viable_cell_density"]) == "1119800"
    assert sample.measured_at == datetime(2024, 4, 7, 11, 42, 31, tzinfo=UTC)  # 1:42:31 PM CEST
    assert (sample.zone, sample.instrument) == ("Europe/Berlin", None)
    assert sample.raw["Image#"] == "Total" and sample.raw["Reagent"] == "Trypan Blue"
    assert sample.raw["ROW"] == "B" and sample.raw["Analysis by"] == "Vi-CELL"
    assert _recognised_as("vi-cell-blu-detail.csv") == "vi-cell-blu"


@pytest.mark.parametrize(
    ("cut", "line", "reason"),
    [
        ('"Image#"', 4, "sample LV-EXP-D5 has no per-image table .*: the file is truncated"),
        ('"Total"', 8, r"the per-image table \(header on line 5\) has no Total row"),
    ],
)
def test_a_cut_off_detail_export_is_refused(cut, line, reason):
    text = _text("vi-cell-blu-detail.csv")
    with pytest.raises(InstrumentFileInvalid, match=reason) as caught:
        ViCellBlu().parse(text[: text.index(cut)].encode(), "d.csv", timezone="UTC")
    assert caught.value.line == line


def test_a_detail_export_with_more_rows_than_one_sample_is_refused():
    text = _text("vi-cell-blu-detail.csv")
    joined = text + '"4","1","1","1","1","1","1","1","1","1","1","1","1","1"\n'
    with pytest.raises(
        InstrumentFileInvalid,
        match=r"line 11: follows the Total row of the per-image table \(line 10\)",
    ):
        ViCellBlu().parse(joined.encode(), "d.csv", timezone="UTC")
    lines = text.split("\n")
    twice = "\n".join([*lines[:2], lines[1].replace("LV-EXP-D5", "LV-EXP-D6"), *lines[2:]])
    with pytest.raises(InstrumentFileInvalid, match="line 3: a second sample row under the header"):
        ViCellBlu().parse(twice.encode(), "d.csv", timezone="UTC")


def test_the_utf16_export_reads_as_the_utf8_one():
    parsed = ViCellBlu().parse(_bytes("vi-cell-blu-utf16.csv"), "u.csv", timezone="Europe/Berlin")
    reference = ViCellBlu().parse(
        _bytes("vi-cell-blu-export.csv"), "v.csv", timezone="Europe/Berlin"
    )
    assert (parsed.encoding, parsed.rows) == ("utf-16", 2)
    assert parsed.counts == reference.counts[:2]
    assert _recognised_as("vi-cell-blu-utf16.csv") == "vi-cell-blu"


def test_lines_above_the_vicell_header_are_refused_as_a_changed_file():
    text = "Vi-CELL BLU results\n\n" + _text("vi-cell-blu-export.csv")
    with pytest.raises(InstrumentFileInvalid, match=r"line 1: comes before the column header") as e:
        ViCellBlu().parse(text.encode(), "v.csv", timezone="UTC")
    assert "(line 3)" in e.value.reason and "Export the results again" in e.value.reason


def test_one_vicell_count_written_with_commas_or_semicolons_is_the_same_measurement():
    text = _text("vi-cell-blu-export.csv")
    localised = "\n".join(line.replace(",", ";").replace(".", ",") for line in text.split("\n"))
    commas = ViCellBlu().parse(text.encode(), "a.csv", timezone="Europe/Berlin")
    semicolons = ViCellBlu().parse(localised.encode("utf-16"), "b.csv", timezone="Europe/Berlin")
    assert [_identity(c) for c in commas.counts] == [_identity(c) for c in semicolons.counts]


# --- NucleoView -------------------------------------------------------------------------------


def _nucleo(text: str, **kwargs) -> tuple[CountReading, ...]:
    return NucleoViewNC200().parse(text.encode(), "nc.csv", **kwargs).counts


def test_comma_separated_lines_read_as_the_semicolon_export():
    parsed = NucleoViewNC200().parse(_bytes("nucleoview-nc200-comma.csv"), "c.csv")
    (reference,) = NucleoViewNC200().parse(_bytes("nucleoview-nc200-export.csv"), "n.csv").counts
    assert parsed.delimiter == "," and parsed.counts == (reference,)
    assert _identity(reference) == (
        "9000201099909999",
        "20231120-0012-c-cellsABCD",
        datetime(2023, 11, 20, 14, 30, 16, tzinfo=UTC),
        "+02:00",
        {
            "viable_cell_density": "2450000",
            "total_cell_density": "3580000",
            "dead_cell_density": "1140000",
            "viability": "68.2",
            "cell_diameter": "9.1",
        },
    )
    assert _recognised_as("nucleoview-nc200-comma.csv") == "nucleoview-nc200"


def test_tab_separated_lines_under_a_semicolon_title_read_the_same():
    text = _text("nucleoview-nc200-export.csv")
    lines = text.split("\n")
    tabbed = "\n".join([lines[0], *(line.replace(";", "\t") for line in lines[1:])])
    assert lines[0].endswith("; ;")  # the title keeps its own separator
    assert _nucleo(tabbed) == _nucleo(text)


def test_decimal_commas_are_read_with_semicolons_and_in_quotes_with_commas():
    numbers = ("68.2", "2.45E6", "1.14E6", "3.58E6", "9.1")
    semicolon = _text("nucleoview-nc200-export.csv")
    comma = _text("nucleoview-nc200-comma.csv")
    for number in numbers:
        local = number.replace(".", ",")
        semicolon = semicolon.replace(f";{number};", f";{local};")
        comma = comma.replace(f",{number},", f',"{local}",')
    reference = _nucleo(_text("nucleoview-nc200-export.csv"))
    assert [_identity(c) for c in _nucleo(semicolon)] == [_identity(c) for c in reference]
    assert [_identity(c) for c in _nucleo(comma)] == [_identity(c) for c in reference]
    unquoted = _text("nucleoview-nc200-comma.csv").replace(",68.2,", ",68,2,")
    with pytest.raises(
        InstrumentFileInvalid, match=r"line 4: Viability .* two values, '68' and '2'"
    ):
        _nucleo(unquoted)


def test_the_nc202_tab_export_states_its_time_in_utc_and_its_instrument():
    parsed = NucleoViewNC200().parse(_bytes("nucleoview-nc202-tab.csv"), "t.csv")
    (sample,) = parsed.counts
    assert (parsed.delimiter, sample.sample_id, sample.line) == ("\t", "TC-D3", 3)
    assert sample.values == {
        "viable_cell_density": D(1280000),
        "total_cell_density": D(1400000),
        "dead_cell_density": D(120000),
        "viability": D("91.4"),
        "cell_diameter": D("8.7"),
    }
    assert sample.measured_at == datetime(2024, 4, 2, 8, 15, 22, tzinfo=UTC)
    assert (sample.zone, sample.instrument) == ("UTC", "9002020123456789")
    assert sample.raw["Protocol"] == "Count & Viability; 1.49" and sample.raw["Status"] == "OK"
    # the site's zone does not move a time the file states in UTC
    assert (
        NucleoViewNC200().parse(_bytes("nucleoview-nc202-tab.csv"), "t.csv").counts
        == (
            NucleoViewNC200().parse(_bytes("nucleoview-nc202-tab.csv"), "t", timezone="Asia/Tokyo")
        ).counts
    )
    assert _recognised_as("nucleoview-nc202-tab.csv") == "nucleoview-nc200"
    warned = _text("nucleoview-nc202-tab.csv").replace("Status:\tOK", "Status:\tWarning: Debris")
    notes = NucleoViewNC200().parse(warned.encode(), "t.csv").notes
    assert "Sample TC-D3: the instrument's status is 'Warning: Debris'." in notes


def test_values_the_instrument_qualifies_are_read_with_a_note():
    parsed = NucleoViewNC200().parse(_bytes("nucleoview-nc200-flagged.csv"), "f.csv")
    (sample,) = parsed.counts
    assert sample.values["total_cell_density"] == D(1400000)
    assert sample.values["cell_diameter"] == D("8.7")
    assert sample.raw["Estimated cell diameter [um]"] == "8.7 (Uncertain determination)"
    assert (
        "Sample 20240402-0007-c-TC-D3: the instrument marks Total (cells/ml) 1.40E6 "
        "'Out of optimal range'." in parsed.notes
    )
    assert any(
        "Estimated cell diameter [um] 8.7 'Uncertain determination'" in n for n in parsed.notes
    )
    assert sample.measured_at == datetime(2024, 4, 2, 8, 15, 22, tzinfo=UTC)


@pytest.mark.parametrize("diameter", ["Not determined", "<8"])
def test_a_diameter_the_instrument_could_not_measure_is_left_out_with_a_note(diameter):
    text = _text("nucleoview-nc200-export.csv")
    text = text.replace(
        "Estimated cell diameter (um);9.1;", f"Estimated cell diameter [um];{diameter};"
    )
    parsed = NucleoViewNC200().parse(text.encode(), "n.csv")
    assert "cell_diameter" not in parsed.counts[0].values
    assert any(f"is '{diameter}'" in n and "no cell diameter recorded" in n for n in parsed.notes)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (
            "Not determined",
            "'Not determined' in Live \\(cells/ml\\) is not a number, so there is no",
        ),
        ("<1E5", "'<1E5' in Live \\(cells/ml\\) is a limit, not a measured value"),
    ],
)
def test_a_count_the_instrument_could_not_measure_is_refused(value, reason):
    text = _text("nucleoview-nc200-export.csv").replace(
        "Live (cells/ml);2.45E6;", f"Live (cells/ml);{value};"
    )
    with pytest.raises(InstrumentFileInvalid, match=f"line 5: {reason}"):
        _nucleo(text)


def test_an_export_without_its_run_details_is_refused_for_its_missing_time():
    with pytest.raises(InstrumentFileInvalid) as caught:
        NucleoViewNC200().parse(_bytes("nucleoview-nc200-no-details.csv"), "n.csv")
    assert caught.value.line == 14
    assert caught.value.reason == (
        "the sample 20231120-0012-c-cellsABCD has no Date time line. The export is complete (it "
        "ends with its checksum line, line 30) but holds no measurement time: export the result "
        "again from NucleoView with its Date time."
    )


def test_a_complete_export_without_a_count_says_so():
    text = _text("nucleoview-nc200-export.csv").replace("Live (cells/ml);2.45E6;\n", "")
    with pytest.raises(InstrumentFileInvalid) as caught:
        _nucleo(text)
    assert caught.value.reason == (
        "the sample that starts on line 2 has no Live (cells/ml) line, although the export is "
        "complete (it ends with its checksum line, line 46): the instrument did not report it, or "
        "the file was edited. Export the result again from NucleoView."
    )


def test_offsets_and_site_zones_are_recorded_as_the_zone():
    text = _text("nucleoview-nc200-export.csv")
    for offset, zone, utc_hour in [("-7", "-07:00", 23), ("0", "UTC", 16), ("5.5", "+05:30", 11)]:
        (sample,) = _nucleo(text.replace("Time zone offset;2", f"Time zone offset;{offset}"))
        assert sample.zone == zone and sample.measured_at.hour == utc_hour
    (sample,) = _nucleo(text.replace("Time zone offset;2\n", ""), timezone="America/New_York")
    assert sample.zone == "America/New_York"
    assert sample.measured_at == datetime(2023, 11, 20, 21, 30, 16, tzinfo=UTC)


# --- what the NucleoView profile refuses, and why ---------------------------------------------


def test_a_results_table_is_not_read_as_key_and_value_lines():
    with pytest.raises(InstrumentFileInvalid) as caught:
        NucleoViewNC200().parse(_bytes("nc-view-results-table.csv"), "t.csv")
    assert caught.value.line == 1
    assert (
        "line 1 is the header of a table with one sample per row (columns TOTAL (cells/ml), "
        in (caught.value.reason)
    )
    with pytest.raises(InstrumentFileInvalid, match="no import profile recognises"):
        _recognised_as("nc-view-results-table.csv")
    with pytest.raises(
        InstrumentFileInvalid, match=r"table with one sample per row \(columns Viab"
    ):
        NucleoViewNC200().parse(_bytes("vi-cell-blu-export.csv"), "v.csv")


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        (
            "Viability (%): 68.2\nLive (cells/ml): 2.45E6\n",
            1,
            "'Viability \\(%\\): 68.2' is written 'Key: value', without a semicolon, comma or tab",
        ),
        ("Image;A;\nOperator;me;\n", None, "the file's keys are Image, Operator. This is not"),
        ("hello world\n", None, "no line is written as key;value \\(the first line is 'hello"),
    ],
)
def test_a_file_without_count_lines_is_refused_with_what_it_holds(text, line, reason):
    with pytest.raises(InstrumentFileInvalid, match=reason) as caught:
        _nucleo(text)
    assert caught.value.line == line
    assert caught.value.reason.startswith(("no line holds a cell count", "'Viability"))
