"""Whatever bytes arrive, a profile answers with a ParsedFile or an InstrumentFileInvalid, and
recognising a file never raises."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.instruments.generic import load_profile, profile_from_toml
from core.instruments.model import InstrumentFileInvalid, ParsedFile
from core.instruments.registry import builtin_profiles
from tests.data import INSTRUMENT_SAMPLES as SAMPLES

ROOT = Path(__file__).resolve().parents[2]

TRACE = profile_from_toml(
    '[profile]\nname = "t"\ntitle = "T"\nkind = "trace"\ntime_column = "time"\n'
    'time_format = "%Y%m%d %H%M%S"\n[[columns]]\ncolumn = "pH"\nchannel = "ph"\n',
    "t.toml",
)
PROFILES = [*builtin_profiles(), load_profile(ROOT / "resources/profiles/cedex-hires.toml"), TRACE]
IDS = [p.name for p in PROFILES]
SEEDS = [
    (SAMPLES / "vi-cell-blu-export.csv").read_bytes(),
    (SAMPLES / "nucleoview-nc200-export.csv").read_bytes(),
    b"# timezone: UTC\ntimestamp,pH,DO (%)\n2024-05-01T08:00:00Z,7.2,45\n2024-05-01T08:00:01Z,7,\n",
    b"time;pH\n20240501 080000;7,2\n20240501 080001;7,1\n",
    b"Sample ID;Viable cell conc. [10E5 cells/mL];Viability [%];Total cell conc. [10E5 "
    b"cells/mL];Date/Time\nS1;12,5;95,2;13,1;01.05.2024 08:30:15\n",
    # the other layouts the counter profiles read: their deeper paths get damaged files too
    (SAMPLES / "vi-cell-blu-detail.csv").read_bytes(),
    (SAMPLES / "vi-cell-blu-trailing-field.csv").read_bytes(),
    (SAMPLES / "nucleoview-nc202-tab.csv").read_bytes(),
    (SAMPLES / "nucleoview-nc200-flagged.csv").read_bytes(),
]
_TEXT = st.text(
    st.characters(min_codepoint=0, max_codepoint=0x2FF) | st.sampled_from(';,\t\n\r"#µμ×')
)
_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _answers(profile, data: bytes, timezone: str | None) -> None:
    try:
        result = profile.parse(data, "hostile.csv", timezone=timezone)
    except InstrumentFileInvalid as error:
        assert error.file == "hostile.csv" and error.reason
        return
    assert isinstance(result, ParsedFile) and result.profile == profile.name


@pytest.mark.parametrize("profile", PROFILES, ids=IDS)
@_SETTINGS
@given(data=st.binary(max_size=600), timezone=st.sampled_from([None, "UTC", "Europe/Berlin"]))
def test_arbitrary_bytes(profile, data, timezone):
    _answers(profile, data, timezone)
    assert profile.recognises(data.decode("latin-1")) in (True, False)


@pytest.mark.parametrize("profile", PROFILES, ids=IDS)
@_SETTINGS
@given(text=_TEXT, encoding=st.sampled_from(["utf-8", "utf-16", "cp1252"]))
def test_arbitrary_text(profile, text, encoding):
    assert profile.recognises(text) in (True, False)
    data = text.encode(encoding, errors="replace")
    _answers(profile, data, "Europe/Berlin")


@pytest.mark.parametrize("profile", PROFILES, ids=IDS)
@_SETTINGS
@given(
    seed=st.sampled_from(SEEDS),
    cuts=st.lists(st.tuples(st.integers(0, 2000), st.binary(max_size=4)), max_size=4),
    keep=st.integers(1, 2000),
)
def test_damaged_real_files(profile, seed, cuts, keep):
    """Real exports with bytes replaced and tails cut off: close to a valid file, so the parsers'
    deeper paths are reached."""
    data = bytearray(seed)
    for at, junk in cuts:
        at %= max(len(data), 1)
        data[at : at + len(junk)] = junk
    data = bytes(data[:keep])
    _answers(profile, data, "UTC")
    assert profile.recognises(data.decode("utf-8", errors="replace")) in (True, False)


@pytest.mark.parametrize("profile", PROFILES, ids=IDS)
def test_a_zone_that_is_not_a_zone_is_a_refusal(profile):
    own = {"vi-cell-blu": 0, "nucleoview-nc200": 1, "bioreactor-log": 2, "cedex-hires": 4, "t": 3}
    data = SEEDS[own[profile.name]]
    assert profile.parse(data, "f.csv", timezone="UTC").rows >= 1
    with pytest.raises(InstrumentFileInvalid, match="is not a time zone"):
        profile.parse(data, "f.csv", timezone="../../etc/passwd")


@pytest.mark.parametrize("profile", PROFILES, ids=IDS)
@pytest.mark.parametrize(
    ("data", "line", "reason"),
    [
        (b"", None, "The file is empty"),
        (b"\r\n \n", None, "The file is empty"),
        (b"Sample ID;x\n\x7fELF\x02\x01\x01\x00\x00\x00\x03", 2, "NUL bytes"),
        (b"Sample ID;x\nS1;\x1b[31m\n", 2, "control character"),
    ],
)
def test_empty_and_binary_files_are_refused_by_every_profile(profile, data, line, reason):
    with pytest.raises(InstrumentFileInvalid, match=reason) as caught:
        profile.parse(data, "junk.csv", timezone="UTC")
    assert caught.value.line == line
