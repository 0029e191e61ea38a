"""Site profiles written in TOML, and the registry that finds and recognises profiles."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from core.errors import NotFound
from core.instruments.decode import decode
from core.instruments.generic import ProfileInvalid, load_profile, profile_from_toml
from core.instruments.model import InstrumentFileInvalid
from core.instruments.registry import builtin_profiles, find, load_profiles, recognise
from tests.data import INSTRUMENT_SAMPLES as SAMPLES

CEDEX = Path(__file__).resolve().parents[2] / "resources" / "profiles" / "cedex-hires.toml"
CEDEX_FILE = (
    "Sample ID;Viable cell conc. [10E5 cells/mL];Viability [%];"
    "Total cell conc. [10E5 cells/mL];Date/Time\n"
    "S-01;12,5;95,2;13,1;01.05.2024 08:30:15\n"
    "S-02;3,0;90,0;3,3;01.05.2024 09:00:00\n"
)
TRACE_PROFILE = """
[profile]
name = "incubator-x"
title = "Incubator X log"
kind = "trace"
delimiter = "tab"
timezone = "Europe/Berlin"
time_column = "Zeit"
time_format = "%d.%m.%Y %H:%M:%S"

[[columns]]
column = "CO2 [%]"
channel = "co2"
unit = "%"

[[columns]]
column = "Temperatur [°C]"
channel = "temperature"
unit = "°C"
"""


def test_the_example_cedex_profile_reads_its_files():
    profile = load_profile(CEDEX)
    assert (profile.name, profile.kind) == ("cedex-hires", "counts")
    parsed = profile.parse(CEDEX_FILE.encode("cp1252"), "cedex.csv", timezone="Europe/Berlin")
    assert (parsed.delimiter, parsed.decimal, parsed.rows) == (";", ",", 2)
    first, second = parsed.counts
    assert first.sample_id == "S-01" and first.line == 2
    assert first.values == {
        "viable_cell_density": Decimal(1250000),
        "total_cell_density": Decimal(1310000),
        "dead_cell_density": Decimal(60000),
        "viability": Decimal("95.2"),
    }
    assert str(second.values["viability"]) == "90.0"  # as written: no scale, no rounding
    assert first.measured_at == datetime(2024, 5, 1, 6, 30, 15, tzinfo=UTC)


def test_a_cedex_file_with_a_bad_cell_is_refused_at_its_line():
    profile = load_profile(CEDEX)
    bad = CEDEX_FILE.replace("3,0;", "drei;")
    with pytest.raises(InstrumentFileInvalid, match="line 3: 'drei' in column Viable cell conc"):
        profile.parse(bad.encode(), "cedex.csv", timezone="UTC")
    missing = CEDEX_FILE.replace("Viability [%]", "Vitality [%]")
    with pytest.raises(InstrumentFileInvalid, match="line 1: the header has no column Viability"):
        profile.parse(missing.encode(), "cedex.csv", timezone="UTC")
    with pytest.raises(
        InstrumentFileInvalid, match=r"line 2: the time 01\.05\.2024 08:30:15 has no"
    ):
        profile.parse(CEDEX_FILE.encode(), "cedex.csv")


def test_a_trace_profile_reads_a_tab_separated_log_in_its_zone():
    profile = profile_from_toml(TRACE_PROFILE, "incubator.toml")
    text = (
        "Zeit\tCO2 [%]\tTür\tTemperatur [°C]\n"
        "01.05.2024 10:00:00\t5,0\tzu\t37,0\n"
        "01.05.2024 10:01:00\t\tauf\t36,5\n"
    )
    parsed = profile.parse(text.encode("cp1252"), "incubator.txt", timezone="UTC")
    trace = parsed.trace
    assert trace.times.tolist() == [1714550400.0, 1714550460.0]  # 08:00 UTC: the profile's zone
    co2, temperature = trace.channels
    assert (co2.key, co2.name, co2.unit) == ("co2", "CO2 [%]", "%")
    assert co2.values[0] == 5.0 and np.isnan(co2.values[1]) and temperature.values[1] == 36.5
    assert "as the profile states" in parsed.notes[0]
    backwards = text.replace("10:01:00", "09:59:00")
    with pytest.raises(InstrumentFileInvalid, match=r"line 3: the time 01\.05\.2024 09:59:00 is"):
        profile.parse(backwards.encode(), "incubator.txt")


@pytest.mark.parametrize(
    ("edit", "line", "reason"),
    [
        (('kind = "trace"', 'kind = "curve"'), 5, "kind is 'curve'"),
        (('name = "incubator-x"', 'name = "Incubator X"'), 3, "lower case letters"),
        (('delimiter = "tab"', 'delimiter = "|"'), 6, "delimiter must be"),
        (('timezone = "Europe/Berlin"', 'timezone = "Berlin"'), 7, "not a time zone"),
        (('time_format = "%d.%m.%Y %H:%M:%S"', 'time_format = "dd.mm.yyyy"'), 9, "strptime"),
        (('channel = "co2"', 'channel = "CO₂"'), 13, "lower-case key"),
        (('unit = "%"', 'unit = "%"\nscale = 2'), 15, "has no key scale"),
        (('channel = "temperature"', 'channel = "co2"'), None, "channel co2 appears in two"),
        (('title = "Incubator X log"', 'titel = "Incubator X log"'), 4, "has no key titel"),
        (('time_column = "Zeit"\n', ""), None, "needs time_column"),
        (("[[columns]]", "[[columns]"), 11, "not valid TOML"),
        (("[profile]", "[profil]"), None, "unknown section profil"),
    ],
)
def test_a_malformed_profile_is_refused_with_file_line_and_reason(edit, line, reason):
    old, new = edit
    assert old in TRACE_PROFILE
    with pytest.raises(ProfileInvalid, match=reason) as caught:
        profile_from_toml(TRACE_PROFILE.replace(old, new, 1), "incubator.toml")
    assert caught.value.line == line and caught.value.file == "incubator.toml"
    assert str(caught.value).startswith("Import profile incubator.toml")


def test_malformed_counts_columns_are_refused():
    base = '[profile]\nname = "c"\ntitle = "C"\nkind = "counts"\nsample_column = "ID"\n'
    with pytest.raises(ProfileInvalid, match="quantity must be one of"):
        profile_from_toml(base + '[[columns]]\ncolumn = "V"\nquantity = "vcd"\n', "c.toml")
    with pytest.raises(ProfileInvalid, match="scale must be a positive number"):
        profile_from_toml(
            base + '[[columns]]\ncolumn = "V"\nquantity = "viability"\nscale = -1\n', "c.toml"
        )
    with pytest.raises(ProfileInvalid, match="needs at least one"):
        profile_from_toml(base, "c.toml")
    with pytest.raises(ProfileInvalid, match="needs sample_column"):
        profile_from_toml(base.replace('sample_column = "ID"\n', ""), "c.toml")
    with pytest.raises(ProfileInvalid, match="both the delimiter and the decimal"):
        profile_from_toml(base.replace("[profile]", '[profile]\ndelimiter=","\ndecimal=","'), "c")


def test_an_optional_column_may_be_empty():
    toml = (
        '[profile]\nname = "c"\ntitle = "C"\nkind = "counts"\nsample_column = "ID"\n'
        '[[columns]]\ncolumn = "Viab"\nquantity = "viability"\n'
        '[[columns]]\ncolumn = "Diam"\nquantity = "cell_diameter"\noptional = true\n'
    )
    profile = profile_from_toml(toml, "c.toml")
    parsed = profile.parse(b"ID,Viab,Diam\nA,90.5,\nB,91,12.1\n", "c.csv")
    assert parsed.counts[0].values == {"viability": Decimal("90.5")}
    assert parsed.counts[0].measured_at is None
    assert parsed.counts[1].values["cell_diameter"] == Decimal("12.1")


# --- the registry ----------------------------------------------------------------------------


def test_profiles_are_found_by_name_and_by_their_files(tmp_path):
    (tmp_path / "incubator.toml").write_text(TRACE_PROFILE, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a profile")
    profiles = load_profiles([tmp_path, tmp_path / "absent"])
    names = [p.name for p in profiles]
    assert names == [
        "vi-cell-blu",
        "nucleoview-nc200",
        "bioreactor-log",
        "cedex-hires",
        "incubator-x",
    ]
    assert find(profiles, "incubator-x").kind == "trace"
    with pytest.raises(NotFound, match=r"No import profile is named 'cedex'\. Profiles: vi-cell"):
        find(profiles, "cedex")
    for sample, name in [
        ("vi-cell-blu-export.csv", "vi-cell-blu"),
        ("nucleoview-nc200-export.csv", "nucleoview-nc200"),
    ]:
        text, _ = decode((SAMPLES / sample).read_bytes(), sample)
        assert recognise(profiles, text).name == name
    assert recognise(profiles, CEDEX_FILE).name == "cedex-hires"
    assert recognise(profiles, "timestamp,pH\n2024-05-01T08:00:00Z,7.2\n").name == "bioreactor-log"


def test_a_file_no_profile_or_several_recognise_asks_for_the_profile():
    """In words for the app; the command line adds its flag (``cli_hint``)."""
    with pytest.raises(InstrumentFileInvalid, match=r"no import profile recognises") as refused:
        recognise(builtin_profiles(), "hello,world\n1,2\n", "x.csv")
    assert "--" not in str(refused.value) and "ask an administrator" in str(refused.value)
    assert refused.value.cli_hint == "If one of them fits, name it with --profile."
    twin = profile_from_toml(
        '[profile]\nname = "ph-log"\ntitle = "pH"\nkind = "trace"\ntime_column = "timestamp"\n'
        '[[columns]]\ncolumn = "pH"\nchannel = "ph"\n',
        "ph.toml",
    )
    with pytest.raises(InstrumentFileInvalid, match=r"several .*\(bioreactor-log, ph-log\)"):
        recognise([*builtin_profiles(), twin], "timestamp,pH\n2024-05-01T08:00:00Z,7.2\n")


def test_a_duplicate_or_malformed_profile_in_a_folder_is_refused(tmp_path):
    (tmp_path / "again.toml").write_text((CEDEX.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(ProfileInvalid, match="the name cedex-hires is already used"):
        load_profiles([tmp_path])
    (tmp_path / "again.toml").write_text("[profile\n", encoding="utf-8")
    with pytest.raises(ProfileInvalid, match=r"again\.toml, line 1: is not valid TOML"):
        load_profiles([tmp_path])


def test_a_counts_profile_names_the_instrument_and_the_zone_of_each_time():
    toml = (
        '[profile]\nname = "c"\ntitle = "C"\nkind = "counts"\nsample_column = "ID"\n'
        'time_column = "When"\ninstrument_column = "Counter"\n'
        '[[columns]]\ncolumn = "Viab"\nquantity = "viability"\n'
    )
    profile = profile_from_toml(toml, "c.toml")
    text = (
        "ID;Viab;When;Counter;\n"  # every line ends with the delimiter
        "A;90,5;2024-05-01T10:00:00+02:00;S/N: 9002020102201902;\n"
        "B;91;2024-05-01T08:30:00Z; ;\n"
        "C;92;2024-05-01T11:00:00;Counter 2;\n"
    )
    parsed = profile.parse(text.encode(), "c.csv", timezone="Europe/Berlin")
    a, b, c = parsed.counts
    assert (a.zone, a.instrument, a.measured_at) == (
        "+02:00",
        "9002020102201902",
        datetime(2024, 5, 1, 8, 0, tzinfo=UTC),
    )
    assert (b.zone, b.instrument) == ("UTC", None)
    assert (c.zone, c.instrument) == ("Europe/Berlin", "Counter 2")
    assert c.measured_at == datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
    assert "" not in a.raw and a.raw["Counter"] == "S/N: 9002020102201902"  # as written


def test_readings_without_a_time_have_no_zone_and_without_a_column_no_instrument():
    parsed = load_profile(CEDEX).parse(CEDEX_FILE.encode(), "cedex.csv", timezone="UTC")
    assert {(c.zone, c.instrument) for c in parsed.counts} == {("UTC", None)}
    toml = (
        '[profile]\nname = "c"\ntitle = "C"\nkind = "counts"\nsample_column = "ID"\n'
        '[[columns]]\ncolumn = "Viab"\nquantity = "viability"\n'
    )
    (reading,) = profile_from_toml(toml, "c.toml").parse(b"ID,Viab\nA,90\n", "c.csv").counts
    assert (reading.measured_at, reading.zone, reading.instrument) == (None, None, None)


def test_instrument_column_belongs_to_counts_profiles():
    with pytest.raises(ProfileInvalid, match="instrument_column is for counts profiles") as caught:
        profile_from_toml(
            TRACE_PROFILE.replace("[[columns]]", 'instrument_column = "X"\n\n[[columns]]', 1),
            "t.toml",
        )
    assert caught.value.line == 11
