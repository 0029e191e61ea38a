"""Plausibility before specification: an impossible value is refused with its reason and never
recorded; a template may narrow a range, and widen a percentage that may exceed 100 %."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import InvalidValue, TemplateInvalid
from core.plausibility import ImplausibleValue, check_plausible, physical_range
from core.services import audit_trail, batches, recording
from core.templates import parse_template

COI = "COI-W123426000042"


@pytest.fixture
def cart(site, tech):
    batches.start_batch(site, tech, "cart-auto-lv", "CT-0042", COI)
    return "CT-0042"


@pytest.mark.parametrize(
    ("check", "typed", "reason"),
    [
        ("CART-IPC-10-WEIGHT", "-70", "body weight lies between 0.2 and 700 kg"),
        ("CART-IPC-10-WEIGHT", "0", "body weight lies between 0.2 and 700 kg"),
        ("CART-IPC-07-VCD-D3", "-1.2e6", "never negative"),
        ("CART-IPC-03-VIAB", "105", "percentage lies between 0 and 100 %"),
        ("CART-IPC-03-VIAB", "100,5", "percentage lies between 0 and 100 %"),
        ("CART-IPC-04-CD3", "120", "percentage lies between 0 and 100 %"),
        ("CART-IPC-12-TEMP", "-300", "absolute zero"),
        ("CART-IPC-06-VOL", "-5", "never negative"),
    ],
)
def test_impossible_values_are_refused_and_not_recorded(site, tech, cart, check, typed, reason):
    before = len(audit_trail.events(site, lot=cart))
    with pytest.raises(ImplausibleValue, match=reason) as refused:
        recording.record_value(site, tech, cart, check, typed, comment="forced")
    assert "nothing was recorded" in str(refused.value)
    assert batches.show_batch(site, cart).check(check).current is None
    assert len(audit_trail.events(site, lot=cart)) == before


def test_a_release_viability_above_100_never_passes_the_spec(site, people, lot):
    with pytest.raises(ImplausibleValue):
        recording.record_value(site, people["qc"], lot, "CART-REL-05", "100.5")
    out = recording.record_value(site, people["qc"], lot, "CART-REL-05", "100")
    assert out.entry.current.verdict == "pass"


def test_possible_edges_are_taken(site, tech, cart):
    for check, typed in (
        ("CART-IPC-03-CD19", "0"),
        ("CART-IPC-04-CD3", "100"),
        ("CART-IPC-12-TEMP", "-196"),
        ("CART-IPC-10-WEIGHT", "0.8"),
    ):
        recording.record_value(site, tech, cart, check, typed, comment="edge")


def test_a_correction_is_judged_the_same_way(site, tech, cart):
    recording.record_value(site, tech, cart, "CART-IPC-03-VIAB", "95")
    with pytest.raises(ImplausibleValue):
        recording.correct_value(site, tech, cart, "CART-IPC-03-VIAB", "195", "typo")
    assert batches.show_batch(site, cart).check("CART-IPC-03-VIAB").current.value == "95"


@given(st.decimals(min_value=Decimal("-1e6"), max_value=Decimal("1e6"), places=3))
def test_percentages_outside_0_100_are_always_refused(value):
    outside = value < 0 or value > 100
    try:
        check_plausible(value, name="X", unit="%")
    except ImplausibleValue:
        assert outside
    else:
        assert not outside


def test_a_template_range_narrows_and_may_widen_a_percentage():
    check_plausible(Decimal(150), name="Yield", unit="%", template_range=(Decimal(0), Decimal(200)))
    with pytest.raises(ImplausibleValue, match="between 0 and 200 %"):
        check_plausible(
            Decimal(250), name="Yield", unit="%", template_range=(Decimal(0), Decimal(200))
        )
    with pytest.raises(ImplausibleValue, match="between 1 and 30 kg"):
        check_plausible(Decimal(40), name="W", unit="kg", template_range=(Decimal(1), Decimal(30)))
    assert physical_range("PD") is None  # population doublings may be negative


TEMPLATE = """schema = 1
[template]
key = "t"
version = 1
title = "T"
product_family = "MSC"
autologous = false
[[steps]]
id = "T-S01"
name = "Step"
[[steps.checks]]
id = "T-IPC-01"
name = "Yield"
type = "number"
unit = "{unit}"
source = "[T]"
range = {range}
[release]
name = "Release"
[[release.checks]]
id = "T-REL-01"
name = "Appearance"
attribute = "appearance"
type = "passfail"
source = "[T]"
"""


@pytest.mark.parametrize(
    ("unit", "range_", "refusal"),
    [
        ("cells", "[-1, 10]", "never negative"),
        ("pH", "[0, 15]", "ends above what is possible"),
        ("%", "[50, 10]", "from a lower to a higher value"),
    ],
)
def test_the_loader_refuses_a_range_beyond_what_is_possible(unit, range_, refusal):
    with pytest.raises(TemplateInvalid, match=refusal):
        parse_template(TEMPLATE.format(unit=unit, range=range_).encode(), "t.toml")
    parse_template(TEMPLATE.format(unit="%", range="[0, 400]").encode(), "t.toml")
    parse_template(TEMPLATE.format(unit="%", range="[-100, 100]").encode(), "t.toml")


def test_invalid_value_is_the_base_of_the_refusal():
    assert issubclass(ImplausibleValue, InvalidValue)
