"""Cell-counter exports: the real Vi-CELL BLU and NucleoView NC-200 samples, re-encoded and
re-localised, and the damaged files they must refuse."""

from __future__ import annotations

import codecs
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from core.instruments.model import InstrumentFileInvalid
from core.instruments.nucleoview import NucleoViewNC200
from core.instruments.vicell import ViCellBlu
from tests.data import INSTRUMENT_SAMPLES as SAMPLES

VICELL = (SAMPLES / "vi-cell-blu-export.csv").read_bytes()
NUCLEO = (SAMPLES / "nucleoview-nc200-export.csv").read_bytes()
D = Decimal


def _localised_vicell(text: str) -> str:
    """The Vi-CELL export as a German-language PC writes it: ';' and decimal commas."""
    return "\n".join(line.replace(",", ";").replace(".", ",") for line in text.split("\n"))


def _encodings(text: str) -> list[bytes]:
    return [
        text.encode("utf-8"),
        codecs.BOM_UTF8 + text.encode("utf-8"),
        text.encode("utf-16"),
        text.encode("utf-16-le"),
        text.replace("\n", "\r\n").encode("utf-8"),
    ]


# --- Vi-CELL BLU ------------------------------------------------------------------------------


def _check_vicell(parsed) -> None:
    assert parsed.profile == "vi-cell-blu" and parsed.kind == "counts" and parsed.rows == 10
    first, last = parsed.counts[0], parsed.counts[-1]
    assert first.line == 2 and first.sample_id == "CLB001"
    assert first.values == {
        "viable_cell_density": D(750000),
        "total_cell_density": D(780000),
        "dead_cell_density": D(30000),
        "viability": D("96.9"),
        "cell_diameter": D("18.51"),
    }
    assert str(first.values["viable_cell_density"]) == "750000"
    assert first.measured_at == datetime(2022, 3, 21, 15, 56, tzinfo=UTC)  # 16:56 CET
    assert (first.zone, first.instrument) == ("Europe/Berlin", None)  # "Analysis by" is a person
    assert first.raw["Cell type"] == "Mammalian"
    assert last.sample_id == "CLB011" and last.values["viability"] == D("72.06")
    assert last.values["viable_cell_density"] == D(2510000)
    assert last.measured_at == datetime(2022, 3, 28, 8, 12, tzinfo=UTC)  # 10:12 CEST


def test_the_real_vicell_export_is_read():
    parsed = ViCellBlu().parse(VICELL, "vicell.csv", timezone="Europe/Berlin")
    _check_vicell(parsed)
    assert (parsed.delimiter, parsed.decimal, parsed.encoding) == (",", ".", "utf-8")
    assert any("Europe/Berlin" in note for note in parsed.notes)


@pytest.mark.parametrize("index", range(5))
def test_the_vicell_export_reencoded_and_localised_reads_the_same(index):
    text = VICELL.decode("utf-8")
    for variant in (text, _localised_vicell(text)):
        data = _encodings(variant)[index]
        _check_vicell(ViCellBlu().parse(data, "vicell.csv", timezone="Europe/Berlin"))
    localised = ViCellBlu().parse(
        _encodings(_localised_vicell(text))[index], "v.csv", timezone="Europe/Berlin"
    )
    assert (localised.delimiter, localised.decimal) == (";", ",")


def test_either_micro_sign_names_the_diameter():
    greek = VICELL.decode("utf-8")
    assert "\u03bcm" in greek
    micro = greek.replace("\u03bcm", "\u00b5m").encode("cp1252")
    parsed = ViCellBlu().parse(micro, "vicell.csv", timezone="UTC")
    assert parsed.encoding == "cp1252"
    assert parsed.counts[0].values["cell_diameter"] == D("18.51")


def test_a_vicell_time_without_the_site_zone_is_refused():
    with pytest.raises(InstrumentFileInvalid) as caught:
        ViCellBlu().parse(VICELL, "vicell.csv")
    assert caught.value.line == 2
    assert "the time 3/21/2022 16:56 has no time zone: give the site's time zone" in str(
        caught.value
    )


def _vicell_lines() -> list[str]:
    return VICELL.decode("utf-8").split("\n")


@pytest.mark.parametrize(
    ("line", "old", "new", "reason"),
    [
        (5, ",98.18,", ",abc,", "line 5: 'abc' in column Viability \\(%\\) is not a number"),
        (3, ",2.72,", ",,", "column Total \\(x10\\^6\\) cells/mL is empty"),
        (1, "Viability (%)", "Viab", "the header has no column Viability"),
        (3, "CLB002,", ",", "the sample ID is empty"),
        (4, ",0.53,", ",0.63,", "more viable cells"),
        (4, ",98.35,", ",198.35,", "above 100"),
        (6, "3/24/2022 9:06", "24/3/2022 9:06", "'24/3/2022 9:06' is not a valid time"),
        (7, ",1.01,", ",1e500,", "not a number"),
        (7, ",1.01,", ',"1,01",', "decimal comma, but the delimiter sets the decimal point"),
        (7, ",1.01,", ",-1.01,", "negative"),
        (1, "Sample ID,", "Sample ID,Sample ID,", "the column Sample ID twice"),
        (7, ",1.01,", ",1,01,", "has 34 fields but line 2 has 33: .* holds a comma without quotes"),
        (
            3,
            "Normal Wash,",
            "Normal Wash,,extra",
            r"'extra' \(field 34\) is beyond the last column",
        ),
    ],
)
def test_a_damaged_vicell_export_is_refused_at_its_line(line, old, new, reason):
    lines = _vicell_lines()
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    with pytest.raises(InstrumentFileInvalid, match=reason) as caught:
        ViCellBlu().parse("\n".join(lines).encode(), "vicell.csv", timezone="UTC")
    assert caught.value.line == line


def test_a_cut_off_vicell_export_is_refused_at_its_last_line():
    data = VICELL[: VICELL.rindex(b"Mammalian")]
    with pytest.raises(
        InstrumentFileInvalid,
        match="line 11: has 16 fields but the header \\(line 1\\) has 33: the row ends early, so "
        "the file is truncated",
    ):
        ViCellBlu().parse(data, "vicell.csv", timezone="UTC")


def test_a_vicell_header_alone_is_a_truncated_file():
    with pytest.raises(InstrumentFileInvalid, match=r"line 1: .*truncated"):
        ViCellBlu().parse(_vicell_lines()[0].encode(), "vicell.csv", timezone="UTC")


# --- NucleoView NC-200 ------------------------------------------------------------------------


def _check_nucleo(parsed) -> None:
    assert parsed.profile == "nucleoview-nc200" and parsed.rows == 1
    (sample,) = parsed.counts
    assert sample.sample_id == "20231120-0012-c-cellsABCD" and sample.line == 2
    assert sample.values == {
        "viable_cell_density": D("2.45E6"),
        "total_cell_density": D("3.58E6"),
        "dead_cell_density": D("1.14E6"),
        "viability": D("68.2"),
        "cell_diameter": D("9.1"),
    }
    assert str(sample.values["viable_cell_density"]) == "2450000"
    assert sample.measured_at == datetime(2023, 11, 20, 14, 30, 16, tzinfo=UTC)  # 16:30 at UTC+2
    assert sample.raw["Instrument type"] == "NucleoView NC-200"
    assert (sample.zone, sample.instrument) == ("+02:00", "9000201099909999")  # "s/n" dropped


def test_the_real_nucleoview_export_is_read():
    parsed = NucleoViewNC200().parse(NUCLEO, "nc200.csv")
    _check_nucleo(parsed)
    assert (parsed.delimiter, parsed.decimal) == (";", ".")
    assert "UTC+02:00" in parsed.notes[0]
    # the file states its zone: the site's zone does not change the time
    _check_nucleo(NucleoViewNC200().parse(NUCLEO, "nc200.csv", timezone="America/New_York"))


@pytest.mark.parametrize("index", range(5))
def test_the_nucleoview_export_reencoded_and_localised_reads_the_same(index):
    text = NUCLEO.decode("utf-8")
    localised = text.replace("2.45E6", "2,45E6").replace("68.2", "68,2")
    localised = localised.replace("1.14E6", "1,14E6").replace("3.58E6", "3,58E6")
    localised = localised.replace(";9.1;", ";9,1;").replace("6.9", "6,9")
    localised = localised.replace("200.0", "200,0").replace("0.000", "0,000")
    localised = localised.replace("1.000", "1,000")
    for variant in (text, localised):
        _check_nucleo(NucleoViewNC200().parse(_encodings(variant)[index], "nc200.csv"))


def test_several_samples_in_one_nucleoview_file_are_read_when_the_block_repeats():
    text = NUCLEO.decode("utf-8")
    body, trailer = text.split("//")
    second = body.replace("20231120-0012-c-cellsABCD", "second").replace("163016", "171500")
    parsed = NucleoViewNC200().parse((body + second + "//" + trailer).encode(), "nc200.csv")
    assert [c.sample_id for c in parsed.counts] == ["20231120-0012-c-cellsABCD", "second"]
    assert parsed.counts[1].measured_at == datetime(2023, 11, 20, 15, 15, tzinfo=UTC)
    assert parsed.counts[1].line == 2 + body.count("\n")


def test_several_samples_sharing_one_time_are_refused_clearly():
    text = NUCLEO.decode("utf-8")
    data_part, meta_part = text.split("cm filename")
    joined = data_part + data_part.replace("cellsABCD", "other") + "cm filename" + meta_part
    with pytest.raises(InstrumentFileInvalid, match="each needs its own Date time"):
        NucleoViewNC200().parse(joined.encode(), "nc200.csv")


@pytest.mark.parametrize(
    ("old", "new", "line", "reason"),
    [
        ("Live (cells/ml);2.45E6;", "Live (cells/ml);lots;", 5, "'lots' in Live"),
        ("Dead (cells/ml);1.14E6;", "", 45, "starts on line 2 has no Dead \\(cells/ml\\) line"),
        ("Time zone offset;2", "Date time;20231120 163016", 39, "a second Date time line"),
        ("Image;20231120-0012-c-cellsABCD;", "Image; ;", 2, "sample ID is empty"),
        ("Time zone offset;2", "Time zone offset;2.25x", 39, "not a number"),
        ("Time zone offset;2", "Time zone offset;15", 39, "between -14 and \\+14"),
        ("Date time;20231120 163016", "Date time;2023-11-20", 38, "not a valid time"),
        ("//[ECEC5A41]", "//[ECEC5A41]\nextra;1;", 48, "follows the closing checksum"),
        ("Operator;DrScientist;", "Operator DrScientist", 3, "not a key;value line"),
    ],
)
def test_a_damaged_nucleoview_export_is_refused_at_its_line(old, new, line, reason):
    text = NUCLEO.decode("utf-8")
    assert old in text
    with pytest.raises(InstrumentFileInvalid, match=reason) as caught:
        NucleoViewNC200().parse(text.replace(old, new).encode(), "nc200.csv")
    assert caught.value.line == line


def test_a_truncated_nucleoview_export_is_refused_at_its_last_line():
    text = NUCLEO.decode("utf-8")
    cut = text[: text.index("Instrument type")]
    with pytest.raises(InstrumentFileInvalid, match="no Date time line: the file is truncated"):
        NucleoViewNC200().parse(cut.encode(), "nc200.csv")
    cut = text[: text.index("Total (cells")]
    with pytest.raises(InstrumentFileInvalid, match=r"line 6: the sample .* no Total") as caught:
        NucleoViewNC200().parse(cut.encode(), "nc200.csv")
    assert caught.value.line == 6
    with pytest.raises(InstrumentFileInvalid, match="no line holds a cell count"):
        NucleoViewNC200().parse(b"Operator;me;\n", "nc200.csv")


def test_without_its_offset_a_nucleoview_time_takes_the_site_zone():
    text = NUCLEO.decode("utf-8").replace("Time zone offset;2\n", "")
    with pytest.raises(InstrumentFileInvalid, match="line 38: the time 20231120 163016 has no"):
        NucleoViewNC200().parse(text.encode(), "nc200.csv")
    parsed = NucleoViewNC200().parse(text.encode(), "nc200.csv", timezone="Europe/Helsinki")
    assert parsed.counts[0].measured_at == datetime(2023, 11, 20, 14, 30, 16, tzinfo=UTC)
    assert parsed.counts[0].zone == "Europe/Helsinki"


# --- recognition ------------------------------------------------------------------------------


def test_each_profile_recognises_its_own_export_only():
    vicell, nucleo = VICELL.decode("utf-8"), NUCLEO.decode("utf-8")
    assert ViCellBlu().recognises(vicell) and not ViCellBlu().recognises(nucleo)
    assert NucleoViewNC200().recognises(nucleo) and not NucleoViewNC200().recognises(vicell)
    assert ViCellBlu().recognises(_localised_vicell(vicell))
