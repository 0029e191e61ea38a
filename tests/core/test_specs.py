"""core.specs: verdicts against specifications, and specs described in words."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.specs import Evaluation, Spec, Verdict, describe, evaluate
from core.values import parse_value

D = Decimal


def number(raw: str, unit: str | None = None):
    return parse_value(raw, kind="number", unit=unit, decimal_mark="point")  # "4.999": a decimal


VIABILITY = Spec(lower=D(70), alert_lower=D(80))  # ≥ 70 %, alert below 80 %


# --- rounding before comparison (USP General Notices) ---------------------------------------


@pytest.mark.parametrize(
    ("raw", "verdict", "compared"),
    [
        ("69.94", Verdict.OOS, "69.9"),
        ("69.96", Verdict.ALERT, "70.0"),  # rounds onto the inclusive action limit: not OOS
        ("79.94", Verdict.ALERT, "79.9"),
        ("79.99", Verdict.PASS, "80.0"),  # rounds onto the alert limit: not an alert
        ("80.0", Verdict.PASS, "80.0"),
        ("100", Verdict.PASS, "100.0"),
    ],
)
def test_viability_rounded_before_comparison(raw: str, verdict: Verdict, compared: str) -> None:
    result = evaluate(number(raw, "%"), VIABILITY, precision=1)
    assert result.verdict is verdict
    assert result.compared == D(compared)


def test_oos_rule_names_the_action_limit() -> None:
    result = evaluate(number("69.94", "%"), VIABILITY, precision=1)
    assert result == Evaluation(
        Verdict.OOS, "below 70.0 % (action limit)", D(70), "action", D("69.9")
    )


def test_alert_rule_names_the_alert_limit() -> None:
    result = evaluate(number("69.96", "%"), VIABILITY, precision=1)
    assert result == Evaluation(
        Verdict.ALERT, "below 80.0 % (alert limit)", D(80), "alert", D("70.0")
    )


def test_pass_rule_states_the_range() -> None:
    result = evaluate(number("95", "%"), VIABILITY)
    assert result == Evaluation(Verdict.PASS, "within ≥ 70 %", None, None, D(95))


def test_without_precision_the_value_is_compared_as_typed() -> None:
    result = evaluate(number("69.99", "%"), VIABILITY)
    assert result.verdict is Verdict.OOS
    assert result.compared == D("69.99")


def test_scientific_rounding_to_significant_digits() -> None:
    spec = Spec(lower=D("1.0E6"))
    # 9.96×10⁵ to 2 significant digits is 1.0×10⁶: on the limit, passes.
    assert evaluate(number("9.96e5"), spec, precision=2, notation="sci").verdict is Verdict.PASS
    # 9.94×10⁵ → 9.9×10⁵: below.
    result = evaluate(number("9.94e5"), spec, precision=2, notation="sci")
    assert result.verdict is Verdict.OOS
    assert result.rule == "below 1.0×10⁶ (action limit)"


# --- edges on inclusive and exclusive limits ---------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "raw", "verdict"),
    [
        (Spec(lower=D(5)), "5", Verdict.PASS),  # ≥ 5: on the limit passes
        (Spec(lower=D(5)), "4.999", Verdict.OOS),
        (Spec(lower=D(5), lower_inclusive=False), "5", Verdict.OOS),  # > 5: on the limit fails
        (Spec(lower=D(5), lower_inclusive=False), "5.001", Verdict.PASS),
        (Spec(upper=D(5)), "5", Verdict.PASS),  # ≤ 5
        (Spec(upper=D(5)), "5.001", Verdict.OOS),
        (Spec(upper=D(5), upper_inclusive=False), "5", Verdict.OOS),  # < 5
        (Spec(upper=D(5), upper_inclusive=False), "4.999", Verdict.PASS),
    ],
)
def test_edges(spec: Spec, raw: str, verdict: Verdict) -> None:
    assert evaluate(number(raw), spec).verdict is verdict


def test_exclusive_upper_rule() -> None:
    vcn = Spec(lower=D(0), upper=D(5), lower_inclusive=False, upper_inclusive=False)
    result = evaluate(number("5", "copies/cell"), vcn)
    assert result.verdict is Verdict.OOS
    assert result.rule == "not below 5 copies/cell (action limit < 5)"
    assert (result.limit, result.limit_kind) == (D(5), "action")


def test_exclusive_lower_rule() -> None:
    vcn = Spec(lower=D(0), upper=D(5), lower_inclusive=False, upper_inclusive=False)
    result = evaluate(number("0", "copies/cell"), vcn)
    assert result.verdict is Verdict.OOS
    assert result.rule == "not above 0 copies/cell (action limit > 0)"
    assert result.limit == D(0)


def test_upper_action_rule() -> None:
    result = evaluate(number("7.6"), Spec(lower=D("6.8"), upper=D("7.5")), precision=1)
    assert (result.verdict, result.rule, result.limit) == (
        Verdict.OOS,
        "above 7.5 (action limit)",
        D("7.5"),
    )


def test_rounding_onto_an_exclusive_limit_is_oos() -> None:
    # < 5 with 1 decimal: 4.96 rounds to 5.0, which is not below 5.
    spec = Spec(upper=D(5), upper_inclusive=False)
    assert evaluate(number("4.96"), spec, precision=1).verdict is Verdict.OOS
    assert evaluate(number("4.94"), spec, precision=1).verdict is Verdict.PASS


# --- action before alert -------------------------------------------------------------------


PH = Spec(lower=D("6.8"), upper=D("7.6"), alert_lower=D("7.0"), alert_upper=D("7.4"))


@pytest.mark.parametrize(
    ("raw", "verdict", "rule", "kind"),
    [
        ("6.7", Verdict.OOS, "below 6.8 (action limit)", "action"),
        ("6.9", Verdict.ALERT, "below 7.0 (alert limit)", "alert"),
        ("7.0", Verdict.PASS, "within 6.8 – 7.6", None),
        ("7.4", Verdict.PASS, "within 6.8 – 7.6", None),
        ("7.5", Verdict.ALERT, "above 7.4 (alert limit)", "alert"),
        ("7.7", Verdict.OOS, "above 7.6 (action limit)", "action"),
    ],
)
def test_action_limits_take_precedence_over_alerts(
    raw: str, verdict: Verdict, rule: str, kind: str | None
) -> None:
    result = evaluate(number(raw), PH, precision=1)
    assert (result.verdict, result.rule, result.limit_kind) == (verdict, rule, kind)


def test_alert_limits_alone() -> None:
    spec = Spec(alert_upper=D("0.4"))
    assert evaluate(number("0.5"), spec).verdict is Verdict.ALERT
    result = evaluate(number("0.3"), spec)
    assert (result.verdict, result.rule) == (Verdict.PASS, "within the alert limits")


# --- report only -------------------------------------------------------------------------


def test_number_without_spec_is_report_only() -> None:
    result = evaluate(number("12.345"), None, precision=1)
    assert result == Evaluation(
        Verdict.REPORT, "no specification (report only)", None, None, D("12.3")
    )


def test_target_alone_is_not_a_limit() -> None:
    assert evaluate(number("1000"), Spec(target=D(1))).verdict is Verdict.REPORT


@pytest.mark.parametrize("kind", ["text", "scan"])
def test_text_and_scan_are_report_only(kind: str) -> None:
    value = parse_value("LOT-1", kind=kind)
    result = evaluate(value, Spec(expected="pass", accepted=("LOT-2",)))
    assert result.verdict is Verdict.REPORT
    assert "report only" in result.rule


# --- pass/fail and choice ----------------------------------------------------------------


def test_passfail_with_labels() -> None:
    sterility = Spec(expected="pass")
    labels = {"pass_label": "Negative", "fail_label": "Positive"}
    negative = parse_value("negative", kind="passfail", **labels)
    positive = parse_value("Positive", kind="passfail", **labels)
    ok = evaluate(negative, sterility, **labels)
    bad = evaluate(positive, sterility, **labels)
    assert (ok.verdict, ok.rule) == (Verdict.PASS, "result Negative, as expected")
    assert (bad.verdict, bad.rule) == (Verdict.OOS, "result Positive, expected Negative")
    assert bad.limit is None and bad.compared is None


def test_passfail_expecting_fail() -> None:
    # e.g. a positive control that must show growth
    result = evaluate(parse_value("pass", kind="passfail"), Spec(expected="fail"))
    assert (result.verdict, result.rule) == (Verdict.OOS, "result Pass, expected Fail")


def test_passfail_without_expected_is_report_only() -> None:
    value = parse_value("fail", kind="passfail")
    assert evaluate(value, None).verdict is Verdict.REPORT
    assert evaluate(value, Spec(text="for information")).verdict is Verdict.REPORT


def test_spec_expected_must_be_pass_or_fail() -> None:
    with pytest.raises(ValueError, match="expected"):
        Spec(expected="Negative")


def test_choice() -> None:
    spec = Spec(accepted=("Clear", "Slightly opalescent"))
    options = ("Clear", "Slightly opalescent", "Cloudy")
    ok = evaluate(parse_value("clear", kind="choice", choices=options), spec)
    bad = evaluate(parse_value("cloudy", kind="choice", choices=options), spec)
    assert (ok.verdict, ok.rule) == (Verdict.PASS, "result Clear, accepted")
    assert bad.verdict is Verdict.OOS
    assert bad.rule == "result Cloudy, accepted: Clear or Slightly opalescent"


def test_choice_without_accepted_options_is_report_only() -> None:
    value = parse_value("Cloudy", kind="choice", choices=("Clear", "Cloudy"))
    assert evaluate(value, Spec()).verdict is Verdict.REPORT


# --- describe ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "unit", "precision", "expected"),
    [
        (Spec(lower=D(70)), "%", None, "≥ 70 %"),
        (Spec(lower=D(70), upper=D(100)), "%", 1, "70.0 – 100.0 %"),
        (
            Spec(lower=D(0), upper=D(5), lower_inclusive=False, upper_inclusive=False),
            "copies/cell",
            None,
            "> 0 and < 5 copies/cell",
        ),
        (Spec(lower=D(0), upper=D(5), upper_inclusive=False), None, None, "≥ 0 and < 5"),
        (
            Spec(upper=D("0.5"), alert_upper=D("0.4"), target=D("0.1")),
            "EU/mL",
            None,
            "≤ 0.5 EU/mL; alert above 0.4 EU/mL; target 0.1 EU/mL",
        ),
        (Spec(upper=D(5), upper_inclusive=False), None, None, "< 5"),
        (Spec(lower=D(2), lower_inclusive=False), None, None, "> 2"),
        (PH, None, 1, "6.8 – 7.6; alert below 7.0 or above 7.4"),
        (Spec(lower=D(70), alert_lower=D(80)), "%", None, "≥ 70 %; alert below 80 %"),
        (Spec(accepted=("Not detected",)), None, None, "Not detected"),
        (Spec(accepted=("A", "B", "C")), None, None, "A, B or C"),
        (Spec(text="Conforms to reference [S4]"), None, None, "Conforms to reference [S4]"),
        (Spec(), None, None, "report only"),
        (None, "%", 1, "report only"),
    ],
)
def test_describe(
    spec: Spec | None, unit: str | None, precision: int | None, expected: str
) -> None:
    assert describe(spec, unit, precision=precision) == expected


def test_describe_passfail_uses_the_labels() -> None:
    spec = Spec(expected="pass")
    assert describe(spec, None, pass_label="Negative", fail_label="Positive") == "Negative"
    assert describe(Spec(expected="fail"), None) == "Fail"


def test_describe_scientific() -> None:
    spec = Spec(lower=D("2E8"), upper=D("5E8"))
    assert describe(spec, "cells", precision=2, notation="sci") == "2.0×10⁸ – 5.0×10⁸ cells"


def test_describe_never_rounds_a_limit_into_a_different_number() -> None:
    # A limit of 0.25 at 1 decimal would read "0.3"; it is shown as written instead.
    assert describe(Spec(upper=D("0.25")), "EU/mL", precision=1) == "≤ 0.25 EU/mL"
