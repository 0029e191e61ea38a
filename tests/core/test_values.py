"""core.values: the one parser for typed and scanned values, and its formatter."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import InvalidValue
from core.values import (
    ParsedValue,
    format_number,
    parse_number,
    parse_value,
    round_for_comparison,
    same_unit,
)

D = Decimal

# --- numbers: accepted forms ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("7.2", "7.2"),
        ("7,2", "7.2"),
        ("1.2e6", "1200000"),
        ("1.2E+06", "1200000"),
        ("1,2×10^6", "1200000"),
        ("1.2x10^6", "1200000"),
        ("1.2X10^6", "1200000"),
        ("1.2 × 10^6", "1200000"),
        ("1.2×10⁶", "1200000"),
        ("1.0×10⁻³", "0.001"),
        ("2.5e-3", "0.0025"),
        ("1.2×10^-3", "0.0012"),
        ("-150", "-150"),
        ("−150", "-150"),
        ("+5", "5"),
        ("  7.2  ", "7.2"),
        ("\t7.2\n", "7.2"),
        (".5", "0.5"),
        (",5", "0.5"),
        ("0", "0"),
        ("1e100", "1e100"),
        ("1e-100", "1e-100"),
    ],
)
def test_parse_number_accepts(raw: str, expected: str) -> None:
    assert parse_number(raw) == D(expected)


def test_parse_number_is_exact_and_keeps_the_digits_typed() -> None:
    # A float would turn 0.1 into 0.1000000000000000055511151231257827...
    assert parse_number("0.1") == D("0.1")
    assert str(parse_number("7.20")) == "7.20"
    assert parse_number("123456789012345678901234567890.123") == D(
        "123456789012345678901234567890.123"
    )


def test_negative_zero_is_recorded_as_zero() -> None:
    value = parse_number("-0.0")
    assert value == 0
    assert not value.is_signed()


@pytest.mark.parametrize(
    ("raw", "unit", "expected"),
    [
        ("7,2 %", "%", "7.2"),
        ("7.2%", "%", "7.2"),
        ("2.45E6 cells/ml", "cells/mL", "2450000"),
        ("2.45×10⁶ cells/mL", "cells/mL", "2450000"),
        ("37 °C", "°C", "37"),
        ("37 degC", "°C", "37"),
        ("37 ºC", "°C", "37"),
        ("5 um", "µm", "5"),
        ("0.4 EU/mL", "EU/mL", "0.4"),
        ("0.4EU/mL", "EU/mL", "0.4"),
        ("7.2", "%", "7.2"),  # the unit may be left out
        ("2.5 ×10⁶/kg", "×10⁶/kg", "2.5"),  # a unit that starts with a power of ten
    ],
)
def test_parse_number_accepts_the_fields_unit(raw: str, unit: str, expected: str) -> None:
    assert parse_number(raw, unit) == D(expected)


# --- numbers: refusals --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("", ["nothing was entered", "7.2"]),
        ("   ", ["nothing was entered"]),
        ("nan", ["'nan'", "not a finite number"]),
        ("NaN", ["not a finite number"]),
        ("inf", ["not a finite number"]),
        ("-Infinity", ["not a finite number"]),
        ("INF", ["not a finite number"]),
        ("abc", ["'abc' is not a number", "one decimal point or comma"]),
        ("7.2.3", ["'7.2.3' is not a number", "7.2 or 7,2"]),
        ("7,2,3", ["'7,2,3' is not a number"]),
        ("1,234.5", ["ambiguous", "both a point and a comma", "1234.5", "decimal mark"]),
        ("1.234,5", ["ambiguous", "both a point and a comma", "1234,5"]),
        ("1,000", ["ambiguous", "thousands separator", "1 or 1000", "site's decimal mark"]),
        ("1 234", ["space between digits", "1234"]),
        ("1e400", ["out of range", "exponent"]),
        ("1e-400", ["out of range"]),
        ("1" + "0" * 150, ["out of range"]),
        ("1e99999999999999999999999", ["out of range"]),
        ("1.2×10^", ["power of ten", "incomplete"]),
        ("- 5", ["is not a number"]),
        ("1e5.5", ["is not a number"]),
    ],
)
def test_parse_number_refuses(raw: str, words: list[str]) -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_number(raw)
    message = str(caught.value).lower()
    for word in words:
        assert word.lower() in message


def test_wrong_unit_names_both_units() -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_number("7.2 mL", "%")
    assert "'mL' is not the unit of this field; it takes %." in str(caught.value)


def test_unit_on_a_field_without_unit_is_refused() -> None:
    with pytest.raises(InvalidValue, match=r"no unit.*'%'"):
        parse_number("7.2 %")


def test_a_long_typed_text_is_shortened_in_the_message() -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_number("x" * 500)
    assert len(str(caught.value)) < 150


# --- units ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("cells/ml", "cells/mL"),
        ("um", "µm"),
        ("µm", "μm"),  # micro sign U+00B5 and Greek mu U+03BC
        ("ug/kg", "µg/kg"),
        ("cells/uL", "cells/µL"),
        ("degC", "°C"),
        ("ºC", "°C"),
        ("deg C", "°C"),
        ("cells / mL", "cells/mL"),
        ("EU/mL", "eu/ml"),
    ],
)
def test_same_unit(a: str, b: str) -> None:
    assert same_unit(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("mL", "L"), ("%", "cells/mL"), ("IU/mL", "µ/mL"), ("U/mL", "µ/mL"), ("°C", "°F")],
)
def test_different_units(a: str, b: str) -> None:
    assert not same_unit(a, b)


# --- parse_value: kinds ---------------------------------------------------------------------


def test_parse_value_number_keeps_raw_and_field_unit() -> None:
    value = parse_value(" 7,2 % ", kind="number", unit="%")
    assert value == ParsedValue(raw=" 7,2 % ", kind="number", number=D("7.2"), text=None, unit="%")
    assert value.display() == "7.2 %"


def test_display_scientific_with_unit() -> None:
    value = parse_value("2450000", kind="number", unit="cells/mL")
    assert value.display(3, "sci") == "2.45×10⁶ cells/mL"


def test_parsed_value_is_frozen() -> None:
    value = parse_value("7", kind="number")
    with pytest.raises(AttributeError):
        value.number = D(8)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("pass", "pass"), ("PASS", "pass"), (" p ", "pass"), ("Fail", "fail"), ("f", "fail")],
)
def test_passfail_default_labels(raw: str, expected: str) -> None:
    value = parse_value(raw, kind="passfail")
    assert (value.kind, value.text, value.number, value.display()) == (
        "passfail",
        expected,
        None,
        expected,
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Negative", "pass"),
        ("negative", "pass"),
        ("POSITIVE", "fail"),
        ("pass", "pass"),
        ("fail", "fail"),
        ("f", "fail"),
    ],
)
def test_passfail_with_labels(raw: str, expected: str) -> None:
    value = parse_value(raw, kind="passfail", pass_label="Negative", fail_label="Positive")
    assert value.text == expected


def test_passfail_letter_that_could_mean_the_fail_label_is_refused() -> None:
    # With labels Negative/Positive, "p" could be read as "Positive": it must not record a pass.
    with pytest.raises(InvalidValue) as caught:
        parse_value("p", kind="passfail", pass_label="Negative", fail_label="Positive")
    assert "Negative" in str(caught.value) and "Positive" in str(caught.value)


def test_passfail_refusal_lists_what_is_accepted() -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_value("maybe", kind="passfail")
    message = str(caught.value)
    assert "'maybe' is not a result" in message
    for word in ("Pass", "Fail", "p", "f"):
        assert word in message


def test_passfail_empty_is_refused() -> None:
    with pytest.raises(InvalidValue, match="Nothing was entered"):
        parse_value("  ", kind="passfail")


def test_choice_matches_case_insensitively_and_keeps_template_spelling() -> None:
    value = parse_value(" not DETECTED ", kind="choice", choices=("Detected", "Not detected"))
    assert value.text == "Not detected"
    assert value.display() == "Not detected"


def test_choice_refusal_lists_the_choices() -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_value("cloudy", kind="choice", choices=("Clear", "Slightly opalescent"))
    assert "'cloudy'" in str(caught.value)
    assert "Clear, Slightly opalescent" in str(caught.value)


def test_choice_without_choices_is_a_template_error() -> None:
    with pytest.raises(ValueError, match="at least one choice"):
        parse_value("x", kind="choice")


def test_scan_strips_what_a_wedge_scanner_adds() -> None:
    value = parse_value("\x02 LOT-2024-017\r\n\t", kind="scan")
    assert value.text == "LOT-2024-017"
    assert value.raw == "\x02 LOT-2024-017\r\n\t"


def test_scan_keeps_inner_separators() -> None:
    # GS1 codes carry a group separator (0x1D) between fields; only the edges are trimmed.
    assert parse_value("]C1 01\x1d10ABC\r", kind="scan").text == "]C1 01\x1d10ABC"


@pytest.mark.parametrize("raw", ["", "\r\n", "\x00\x1b\t "])
def test_empty_scan_is_refused(raw: str) -> None:
    with pytest.raises(InvalidValue, match="Nothing was scanned"):
        parse_value(raw, kind="scan")


def test_text_is_stripped_and_empty_text_refused() -> None:
    assert parse_value("  clear, colourless  ", kind="text").text == "clear, colourless"
    with pytest.raises(InvalidValue, match="Nothing was entered"):
        parse_value(" \n ", kind="text")


def test_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown value kind"):
        parse_value("1", kind="integer")


# --- formatting and rounding ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "precision", "notation", "expected"),
    [
        ("70", 1, "fixed", "70.0"),
        ("69.95", 1, "fixed", "70.0"),  # half-up, not half-even
        ("0.25", 1, "fixed", "0.3"),
        ("-0.25", 1, "fixed", "-0.3"),
        ("-0.04", 1, "fixed", "0.0"),  # never "-0.0"
        ("7.20", None, "fixed", "7.20"),
        ("1.2E+6", None, "fixed", "1200000"),
        ("1E-7", None, "fixed", "0.0000001"),
        ("2450000", 3, "sci", "2.45×10⁶"),
        ("0.001", 2, "sci", "1.0×10⁻³"),
        ("7.25", 2, "sci", "7.3"),  # exponent 0: plain mantissa
        ("9.996", 3, "sci", "1.00×10¹"),
        ("0", 3, "sci", "0.00"),
        ("-123456", 2, "sci", "-1.2×10⁵"),
        ("2.45E+6", None, "sci", "2.45×10⁶"),
    ],
)
def test_format_number(value: str, precision: int | None, notation: str, expected: str) -> None:
    assert format_number(D(value), precision, notation) == expected


@pytest.mark.parametrize(
    ("value", "precision", "notation", "expected"),
    [
        ("69.94", 1, "fixed", "69.9"),
        ("69.96", 1, "fixed", "70.0"),
        ("0.05", 1, "fixed", "0.1"),
        ("2449999", 3, "sci", "2.45E+6"),
        ("0.0012345", 3, "sci", "0.00123"),
        ("0.0012355", 3, "sci", "0.00124"),
        ("7.2345", None, "fixed", "7.2345"),
    ],
)
def test_round_for_comparison(
    value: str, precision: int | None, notation: str, expected: str
) -> None:
    assert round_for_comparison(D(value), precision, notation) == D(expected)


def test_format_rejects_bad_settings() -> None:
    with pytest.raises(ValueError, match="notation"):
        format_number(D(1), 1, "engineering")
    with pytest.raises(ValueError, match="precision"):
        format_number(D(1), 0, "sci")
    with pytest.raises(InvalidValue, match="finite"):
        format_number(D("NaN"))


# --- properties ---------------------------------------------------------------------------

finite_decimals = st.builds(
    lambda i, e: Decimal(f"{i}E{e}"),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.integers(min_value=-30, max_value=30),
)
formats = st.one_of(
    st.tuples(st.one_of(st.none(), st.integers(0, 8)), st.just("fixed")),
    st.tuples(st.one_of(st.none(), st.integers(1, 10)), st.just("sci")),
)


@given(finite_decimals, formats)
def test_format_then_parse_round_trips(x: Decimal, fmt: tuple[int | None, str]) -> None:
    precision, notation = fmt
    text = format_number(x, precision, notation)
    assert parse_number(text, decimal_mark="point") == round_for_comparison(x, precision, notation)


@given(finite_decimals, formats)
def test_display_then_parse_value_round_trips(x: Decimal, fmt: tuple[int | None, str]) -> None:
    precision, notation = fmt
    shown = ParsedValue(str(x), "number", x, None, "cells/mL").display(precision, notation)
    again = parse_value(shown, kind="number", unit="cells/mL", decimal_mark="point")
    assert again.number == round_for_comparison(x, precision, notation)


def _thousands_like(whole: str, frac: str) -> bool:
    """The shape "auto" refuses: 1–3 digits (no leading zero), one mark, exactly 3 digits."""
    return 1 <= len(whole) <= 3 and whole[0] != "0" and len(frac) == 3


@given(
    st.booleans(),
    st.text(alphabet="0123456789", min_size=1, max_size=20),
    st.text(alphabet="0123456789", min_size=1, max_size=20),
)
def test_decimal_point_and_comma_give_the_same_number(neg: bool, whole: str, frac: str) -> None:
    sign = "-" if neg else ""
    expected = Decimal(f"{sign}{whole}.{frac}")
    for typed in (f"{sign}{whole}.{frac}", f"{sign}{whole},{frac}"):
        if _thousands_like(whole, frac):
            with pytest.raises(InvalidValue, match="ambiguous"):
                parse_number(typed)
        else:
            assert parse_number(typed) == expected
    assert parse_number(f"{sign}{whole}.{frac}", decimal_mark="point") == expected
    assert parse_number(f"{sign}{whole},{frac}", decimal_mark="comma") == expected


def _parse_or_refuse(raw: str, unit: str | None) -> None:
    try:
        value = parse_number(raw, unit)
    except InvalidValue:
        return
    assert isinstance(value, Decimal)
    assert value.is_finite()
    assert float(value) == float(value)  # not NaN
    assert abs(float(value)) != float("inf")


@given(st.text(), st.sampled_from([None, "%", "cells/mL"]))
def test_arbitrary_text_only_ever_raises_invalid_value(raw: str, unit: str | None) -> None:
    _parse_or_refuse(raw, unit)


@given(st.text(alphabet="0123456789.,eE+-−×xX^⁰¹²³⁴⁵⁶⁷⁸⁹⁻ %nafity∞\t", max_size=30))
def test_number_like_text_only_ever_raises_invalid_value(raw: str) -> None:
    _parse_or_refuse(raw, "%")


@given(st.text(), st.sampled_from(["passfail", "text", "scan", "choice"]))
def test_other_kinds_only_ever_raise_invalid_value(raw: str, kind: str) -> None:
    try:
        value = parse_value(raw, kind=kind, choices=("Clear", "Cloudy"))
    except InvalidValue:
        return
    assert value.text


# --- the decimal mark: ambiguous values refused, the site's or field's mark -----------------------


@pytest.mark.parametrize(
    "raw",
    [
        *("1,000", "12.500", "-1,234", "+1,234", "999.999", "1,000 %", "1,234.5", "1.234,5"),
        *("1,234,567", "1.234.567", "12,345,678.5"),
    ],
)
def test_a_value_that_may_hold_a_thousands_separator_is_refused_as_ambiguous(raw: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_number(raw, "%")
    message = str(caught.value)
    assert "ambiguous" in message and "site's decimal mark" in message
    assert "\n" not in message


def test_the_ambiguity_message_says_how_to_type_the_value() -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_number("1,234")
    assert str(caught.value) == (
        "'1,234' is ambiguous: is the comma a decimal mark or a thousands separator? "
        "Type 1234, or ask an administrator to set the site's decimal mark."
    )
    with pytest.raises(InvalidValue, match=r"Type 12\.5 or 12500,"):
        parse_number("12.500")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1,5", "1.5"),
        ("1.25", "1.25"),
        ("0,123", "0.123"),  # a leading zero is never a thousands group
        ("0.500", "0.5"),
        ("1234,567", "1234.567"),  # four digits before: not a group
        ("1,2345", "1.2345"),
        ("12,34", "12.34"),
        ("1,234e6", "1234000"),  # scientific notation: the mark is decimal
        ("2.450×10⁶", "2450000"),
        ("1.234 × 10^3", "1234"),
    ],
)
def test_auto_reads_a_mark_that_cannot_separate_thousands_as_decimal(raw: str, expected) -> None:
    assert parse_number(raw) == D(expected)


@pytest.mark.parametrize(
    ("raw", "point", "comma"),
    [
        ("1,234", "1234", "1.234"),
        ("1.234", "1.234", "1234"),
        ("-1,000", "-1000", "-1"),
        ("1,234.5", "1234.5", None),
        ("1.234,5", None, "1234.5"),
        ("1,234,567.89", "1234567.89", None),
        ("1.234.567,89", None, "1234567.89"),
        ("12.500 %", "12.5", "12500"),
        ("1,5", None, "1.5"),
        ("1.5", "1.5", None),
        ("0,123", None, "0.123"),  # a group never starts with 0
        ("1234,567", None, "1234.567"),  # nor has four digits
        ("12,34,567", None, None),  # groups of three only
        ("1,234e6", None, "1.234e6"),  # no grouping with a power of ten
        ("1.2.3", None, None),
        ("7.2e6", "7.2e6", None),
    ],
)
def test_a_set_mark_makes_the_other_a_thousands_separator(raw, point, comma) -> None:
    for mark, expected in (("point", point), ("comma", comma)):
        if expected is None:
            with pytest.raises(InvalidValue):
                parse_number(raw, "%", decimal_mark=mark)
        else:
            assert parse_number(raw, "%", decimal_mark=mark) == D(expected), mark


def test_a_value_that_does_not_fit_the_set_mark_says_what_to_type() -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_number("7,5", decimal_mark="point")
    message = str(caught.value)
    assert "the decimal mark is a point" in message and "Type 7.5." in message


def test_a_unit_that_starts_with_a_power_of_ten_keeps_the_rule() -> None:
    with pytest.raises(InvalidValue, match="ambiguous"):
        parse_number("2,500 ×10⁶/kg", "×10⁶/kg")
    assert parse_number("2,500 ×10⁶/kg", "×10⁶/kg", decimal_mark="comma") == D("2.5")
    assert parse_number("2,5 ×10⁶/kg", "×10⁶/kg") == D("2.5")


def test_parse_value_passes_the_mark_on() -> None:
    assert parse_value("1.234,5", kind="number", decimal_mark="comma").number == D("1234.5")
    with pytest.raises(InvalidValue, match="ambiguous"):
        parse_value("1.234", kind="number")


def test_an_unknown_mark_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="decimal mark"):
        parse_number("1", decimal_mark="dot")


def _grouped(text: str, group: str) -> str:
    """``text`` (format_number's fixed output) with its whole digits grouped by threes."""
    sign = "-" if text.startswith("-") else ""
    whole, dot, frac = text.lstrip("-").partition(".")
    head = len(whole) % 3 or 3
    parts = [whole[:head]] + [whole[i : i + 3] for i in range(head, len(whole), 3)]
    return sign + group.join(parts) + dot + frac


@given(finite_decimals, formats, st.sampled_from(["point", "comma"]), st.booleans())
def test_a_number_written_by_the_sites_convention_reads_back(
    x: Decimal, fmt: tuple[int | None, str], mark: str, group: bool
) -> None:
    precision, notation = fmt
    text = format_number(x, precision, notation)  # with a decimal point
    if group and notation == "fixed":
        text = _grouped(text, ",")
    if mark == "comma":
        text = text.translate(str.maketrans(".,", ",."))
    assert parse_number(text, decimal_mark=mark) == round_for_comparison(x, precision, notation)


@given(finite_decimals, formats, st.sampled_from([".", ","]))
def test_auto_reads_a_formatted_number_back_or_refuses_it_as_ambiguous(
    x: Decimal, fmt: tuple[int | None, str], mark: str
) -> None:
    precision, notation = fmt
    text = format_number(x, precision, notation).replace(".", mark)
    whole, _, frac = text.lstrip("-").partition(mark)
    try:
        value = parse_number(text)
    except InvalidValue as refused:
        assert "ambiguous" in str(refused)
        assert "×10" not in text and _thousands_like(whole, frac)  # "1.000" (sci, 10⁰) too
        return
    assert value == round_for_comparison(x, precision, notation)


_digits = st.text(alphabet="0123456789", min_size=1, max_size=4)
_mark = st.sampled_from(".,")
_group = st.builds("{}{}".format, _mark, st.text(alphabet="0123456789", min_size=3, max_size=3))
_number_like = st.one_of(
    st.builds(  # digits, then marks each before three digits (a thousands group, or not), a tail
        "{}{}{}{}".format,
        st.sampled_from(["", "-", "+"]),
        _digits,
        st.builds("".join, st.lists(_group, max_size=3)),
        st.one_of(st.just(""), st.builds("{}{}".format, _mark, _digits)),
    ),
    st.text(alphabet="0123456789.,+-e", max_size=14),
    st.builds(
        "".join,
        st.lists(
            st.one_of(
                st.text(alphabet="0123456789", min_size=1, max_size=4), st.sampled_from(".,")
            ),
            max_size=8,
        ),
    ),
)


@given(_number_like, st.sampled_from(["", " %", "e3", "×10⁶"]))
def test_nothing_ambiguous_is_silently_accepted(raw: str, suffix: str) -> None:
    """Whatever "auto" accepts means the same with either mark set: no value it records could
    have been meant otherwise."""
    typed = raw + suffix
    try:
        value = parse_number(typed, "%")
    except InvalidValue:
        return
    mantissa = re.match(r"[+-]?([0-9.,]*)", typed).group(1)
    marks = [c for c in mantissa if c in ".,"]
    assert len(marks) <= 1, typed  # two marks: one of them would separate thousands
    if marks and suffix in ("", " %"):
        whole, frac = mantissa.split(marks[0])
        assert not _thousands_like(whole, frac), typed
    for mark in ("point", "comma"):
        try:
            other = parse_number(typed, "%", decimal_mark=mark)
        except InvalidValue:
            continue
        assert other == value, (typed, mark)
