"""core.calculations: derived values over Decimal (cgt-processes §5), checked by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.calculations import CALCULATIONS, compute
from core.errors import CalculationError

D = Decimal


def calc(name: str, **inputs: str | int) -> Decimal:
    return compute(name, {key: D(value) for key, value in inputs.items()})


# --- the registry that templates code against ---------------------------------------------

EXPECTED_PARAMS = {
    "viability_pct": ("live", "dead"),
    "viable_cell_density": ("live_counted", "volume_counted_ml", "dilution"),
    "total_viable_cells": ("vcd", "volume_ml"),
    "recovery_pct": ("amount_out", "amount_in"),
    "fold_expansion": ("tvc", "tvc0"),
    "population_doublings": ("n_final", "n_initial"),
    "cumulative_pd": ("previous_cpd", "pd"),
    "doubling_time_h": ("duration_h", "n_final", "n_initial"),
    "specific_growth_rate": ("duration_h", "n_final", "n_initial"),
    "car_pos_viable_t_cells": ("tvc", "pct_cd3", "pct_car"),
    "dose_per_kg": ("cells", "weight_kg"),
    "flat_dose": ("cells",),
    "dose_volume_ml": ("target_cells", "cells_per_ml"),
    "moi": ("titer_tu_per_ml", "vector_volume_ml", "viable_cells"),
    "vector_volume_ml": ("moi", "viable_cells", "titer_tu_per_ml"),
    "lv_functional_titer": (
        "cells_at_transduction",
        "pct_positive",
        "vector_volume_ml",
        "dilution",
    ),
    "vcn_average": ("transgene_copies", "reference_copies"),
    "vcn_per_transduced_cell": ("vcn_avg", "pct_transduced"),
    "full_capsid_pct": ("full", "partial", "empty"),
    "full_pct_from_titers": ("vg_per_ml", "capsids_per_ml"),
    "vg_to_iu_ratio": ("vg_titer", "infectious_titer"),
    "aav_dose_volume_ml": ("dose_vg_per_kg", "weight_kg", "titer_vg_per_ml"),
    "cell_specific_yield": ("vg_per_ml", "vcd_at_transfection"),
    "endotoxin_limit_km": ("k_eu_per_kg", "dose_volume_ml", "weight_kg"),
    "endotoxin_per_kg": ("eu_per_ml", "dose_volume_ml", "weight_kg"),
    "log_reduction": ("load_in", "load_out"),
    "residual_dna_per_dose": ("ng_per_ml", "dose_volume_ml"),
    "label_balance": ("printed", "used", "destroyed"),
}


def test_registry_has_exactly_the_agreed_names_and_params() -> None:
    assert {name: c.params for name, c in CALCULATIONS.items()} == EXPECTED_PARAMS


@pytest.mark.parametrize("name", sorted(EXPECTED_PARAMS))
def test_each_calculation_is_documented(name: str) -> None:
    entry = CALCULATIONS[name]
    assert entry.name == name
    assert entry.reference == "cgt-processes §5"
    assert entry.title
    for param in entry.params:  # the hover formula speaks the param names
        assert param in entry.formula


def test_fixed_units() -> None:
    units = {name: c.unit for name, c in CALCULATIONS.items()}
    assert units["viability_pct"] == "%"
    assert units["fold_expansion"] == "fold"
    assert units["doubling_time_h"] == "h"
    assert units["endotoxin_limit_km"] == "EU/mL"
    assert units["aav_dose_volume_ml"] == "mL"
    assert units["moi"] is None


def test_registry_is_read_only() -> None:
    with pytest.raises(TypeError):
        CALCULATIONS["viability_pct"] = CALCULATIONS["moi"]  # type: ignore[index]


# --- reference values, computed by hand --------------------------------------------------


@pytest.mark.parametrize(
    ("name", "inputs", "expected"),
    [
        # 95 ÷ (95 + 5) × 100 = 95
        ("viability_pct", {"live": 95, "dead": 5}, "95"),
        # 1 ÷ 3 × 100 = 33.333…, kept to 28 significant digits
        ("viability_pct", {"live": 1, "dead": 2}, "33.33333333333333333333333333"),
        # 250 cells in 1 large haemocytometer square (0.0001 mL), diluted 1:2: 250 ÷ 0.0001 × 2
        (
            "viable_cell_density",
            {"live_counted": 250, "volume_counted_ml": "0.0001", "dilution": 2},
            "5000000",
        ),
        # 2.5×10⁶ cells/mL × 200 mL = 5×10⁸
        ("total_viable_cells", {"vcd": "2.5e6", "volume_ml": 200}, "5e8"),
        # 4.2×10⁸ ÷ 6.0×10⁸ × 100 = 70
        ("recovery_pct", {"amount_out": "4.2e8", "amount_in": "6.0e8"}, "70"),
        # 1.5×10⁹ ÷ 5×10⁷ = 30
        ("fold_expansion", {"tvc": "1.5e9", "tvc0": "5e7"}, "30"),
        # MSC table P1: log₂(80 ÷ 10) = log₂ 8 = 3 exactly
        ("population_doublings", {"n_final": 80, "n_initial": 10}, "3"),
        # MSC table P1 → P2: CPD 3.0 + 3.17 = 6.17 (table shows 6.2)
        ("cumulative_pd", {"previous_cpd": "3.0", "pd": "3.17"}, "6.17"),
        # MSC table P1: 6 d = 144 h; 144 × ln 2 ÷ ln 8 = 144 ÷ 3 = 48 h
        ("doubling_time_h", {"duration_h": 144, "n_final": 80, "n_initial": 10}, "48"),
        # log reduction: log₁₀(10⁶ ÷ 10²) = 4 exactly
        ("log_reduction", {"load_in": "1e6", "load_out": 100}, "4"),
        # 10⁹ × 90/100 × 40/100 = 3.6×10⁸ CAR+ viable T cells
        ("car_pos_viable_t_cells", {"tvc": "1e9", "pct_cd3": 90, "pct_car": 40}, "3.6e8"),
        # 1.5×10⁸ cells ÷ 75 kg = 2×10⁶ cells/kg
        ("dose_per_kg", {"cells": "1.5e8", "weight_kg": 75}, "2e6"),
        # a flat dose is the whole product: 5.1×10⁷ cells
        ("flat_dose", {"cells": "5.1e7"}, "5.1e7"),
        # 10⁸ cells ÷ 2×10⁶ cells/mL = 50 mL
        ("dose_volume_ml", {"target_cells": "1e8", "cells_per_ml": "2e6"}, "50"),
        # 10⁸ TU/mL × 0.5 mL ÷ 10⁷ cells = 5
        ("moi", {"titer_tu_per_ml": "1e8", "vector_volume_ml": "0.5", "viable_cells": "1e7"}, "5"),
        # 5 × 10⁷ cells ÷ 10⁸ TU/mL = 0.5 mL
        ("vector_volume_ml", {"moi": 5, "viable_cells": "1e7", "titer_tu_per_ml": "1e8"}, "0.5"),
        # 10⁵ cells × 10/100 ÷ 0.01 mL × 100 = 10⁴ ÷ 0.01 × 100 = 10⁸ TU/mL
        (
            "lv_functional_titer",
            {
                "cells_at_transduction": "1e5",
                "pct_positive": 10,
                "vector_volume_ml": "0.01",
                "dilution": 100,
            },
            "1e8",
        ),
        # 3000 ÷ (2000 ÷ 2) = 3 copies/cell
        ("vcn_average", {"transgene_copies": 3000, "reference_copies": 2000}, "3"),
        # 1.5 ÷ (50 ÷ 100) = 3 copies per transduced cell
        ("vcn_per_transduced_cell", {"vcn_avg": "1.5", "pct_transduced": 50}, "3"),
        # 60 ÷ (60 + 10 + 30) × 100 = 60 %
        ("full_capsid_pct", {"full": 60, "partial": 10, "empty": 30}, "60"),
        # 10¹³ ÷ 5×10¹³ × 100 = 20 %
        ("full_pct_from_titers", {"vg_per_ml": "1e13", "capsids_per_ml": "5e13"}, "20"),
        # 10¹³ ÷ 10¹⁰ = 1000
        ("vg_to_iu_ratio", {"vg_titer": "1e13", "infectious_titer": "1e10"}, "1000"),
        # Zolgensma: 1.1×10¹⁴ vg/kg × 1 kg ÷ 2.0×10¹³ vg/mL = 5.5 mL per kg
        (
            "aav_dose_volume_ml",
            {"dose_vg_per_kg": "1.1e14", "weight_kg": 1, "titer_vg_per_ml": "2.0e13"},
            "5.5",
        ),
        # … and 5.5 mL/kg × 3.0 kg = 16.5 mL
        (
            "aav_dose_volume_ml",
            {"dose_vg_per_kg": "1.1e14", "weight_kg": "3.0", "titer_vg_per_ml": "2.0e13"},
            "16.5",
        ),
        # 10¹¹ vg/mL ÷ 2×10⁶ cells/mL = 5×10⁴ vg/cell
        ("cell_specific_yield", {"vg_per_ml": "1e11", "vcd_at_transfection": "2e6"}, "5e4"),
        # 70 kg, 68 mL in 1 h: M = 68/70 mL/kg; K/M = 5 × 70 ÷ 68 = 350/68 = 5.14705882352941…
        (
            "endotoxin_limit_km",
            {"k_eu_per_kg": 5, "dose_volume_ml": 68, "weight_kg": 70},
            "5.147058823529411764705882353",
        ),
        # 0.5 EU/mL × 68 mL ÷ 70 kg = 34/70 = 0.485714…
        (
            "endotoxin_per_kg",
            {"eu_per_ml": "0.5", "dose_volume_ml": 68, "weight_kg": 70},
            "0.4857142857142857142857142857",
        ),
        # 2.5 ng/mL × 4 mL = 10 ng per dose
        ("residual_dna_per_dose", {"ng_per_ml": "2.5", "dose_volume_ml": 4}, "10"),
    ],
)
def test_reference_value(name: str, inputs: dict[str, str | int], expected: str) -> None:
    assert calc(name, **inputs) == D(expected)


def test_msc_passage_two() -> None:
    # MSC table P2: 80 → 720 (×10⁶) over 6 d = 144 h.
    # PD = log₂ 9 = 2 × log₂ 3 = 3.16992500144231236290747788789…  (table: 3.2)
    pd = calc("population_doublings", n_final=720, n_initial=80)
    assert pd == D("3.169925001442312362907477888")
    assert pd.quantize(D("0.01")) == D("3.17")
    # PDT = 144 × ln 2 ÷ ln 9 = 144 ÷ 3.16992… = 45.4269422571449354711659522…  (table: 45)
    pdt = calc("doubling_time_h", duration_h=144, n_final=720, n_initial=80)
    assert pdt == D("45.42694225714493547116595223")
    assert pdt.quantize(D("0.1")) == D("45.4")


def test_specific_growth_rate() -> None:
    # ln(80 ÷ 10) ÷ 144 h = 2.07944154167983592825… ÷ 144 = 0.0144405662616655272795256692 h⁻¹
    mu = calc("specific_growth_rate", duration_h=144, n_final=80, n_initial=10)
    assert mu == D("0.01444056626166552727952566920")
    # and μ × PDT = ln 2
    assert abs(mu * 48 - D(2).ln()) < D("1e-25")


def test_endotoxin_example_rounds_to_5_15() -> None:
    limit = calc("endotoxin_limit_km", k_eu_per_kg=5, dose_volume_ml=68, weight_kg=70)
    assert limit.quantize(D("0.01")) == D("5.15")


def test_decline_gives_negative_doublings_and_growth_rate() -> None:
    # log₂(5 ÷ 10) = -1; cells that die are recorded, not refused.
    assert calc("population_doublings", n_final=5, n_initial=10) == D(-1)
    assert calc("cumulative_pd", previous_cpd="6.2", pd="-1") == D("5.2")
    assert calc("specific_growth_rate", duration_h=24, n_final=5, n_initial=10) < 0


def test_results_have_at_most_28_significant_digits() -> None:
    result = calc("viability_pct", live=2, dead=1)  # 66.666…
    assert len(result.as_tuple().digits) == 28
    assert result == D("66.66666666666666666666666667")


def test_int_inputs_are_accepted() -> None:
    assert compute("viability_pct", {"live": 9, "dead": 1}) == 90


# --- refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "inputs", "message"),
    [
        (
            "viability_pct",
            {"live": 0, "dead": 0},
            "Viability cannot be calculated: live + dead is 0.",
        ),
        (
            "viable_cell_density",
            {"live_counted": 10, "volume_counted_ml": 0, "dilution": 1},
            "volume counted is 0 mL",
        ),
        (
            "viable_cell_density",
            {"live_counted": 10, "volume_counted_ml": 1, "dilution": 0},
            "dilution factor is 0. Enter 1 for an undiluted sample",
        ),
        ("recovery_pct", {"amount_out": 1, "amount_in": 0}, "amount in is 0"),
        ("fold_expansion", {"tvc": 1, "tvc0": 0}, "tvc0 (cells at the start) is 0"),
        ("population_doublings", {"n_final": 10, "n_initial": 0}, "n_initial (cells seeded) is 0"),
        ("population_doublings", {"n_final": 0, "n_initial": 10}, "no cells were harvested"),
        (
            "doubling_time_h",
            {"duration_h": 144, "n_final": 10, "n_initial": 10},
            "no growth (n_final is not above n_initial), doubling time undefined",
        ),
        ("doubling_time_h", {"duration_h": 144, "n_final": 5, "n_initial": 10}, "no growth"),
        ("doubling_time_h", {"duration_h": 0, "n_final": 80, "n_initial": 10}, "duration is 0 h"),
        (
            "specific_growth_rate",
            {"duration_h": 0, "n_final": 80, "n_initial": 10},
            "duration is 0 h",
        ),
        (
            "specific_growth_rate",
            {"duration_h": 24, "n_final": 0, "n_initial": 10},
            "no cells were harvested",
        ),
        ("dose_per_kg", {"cells": 1, "weight_kg": 0}, "body weight is 0 kg"),
        ("dose_volume_ml", {"target_cells": 1, "cells_per_ml": 0}, "0 cells/mL"),
        (
            "moi",
            {"titer_tu_per_ml": 1, "vector_volume_ml": 1, "viable_cells": 0},
            "viable cells is 0",
        ),
        (
            "vector_volume_ml",
            {"moi": 5, "viable_cells": 1, "titer_tu_per_ml": 0},
            "vector titer is 0",
        ),
        (
            "lv_functional_titer",
            {"cells_at_transduction": 1, "pct_positive": 5, "vector_volume_ml": 0, "dilution": 1},
            "vector volume is 0",
        ),
        (
            "lv_functional_titer",
            {"cells_at_transduction": 1, "pct_positive": 5, "vector_volume_ml": 1, "dilution": 0},
            "dilution factor is 0",
        ),
        (
            "vcn_average",
            {"transgene_copies": 1, "reference_copies": 0},
            "reference-gene copies are 0",
        ),
        ("vcn_per_transduced_cell", {"vcn_avg": 1, "pct_transduced": 0}, "no cells are transduced"),
        ("full_capsid_pct", {"full": 0, "partial": 0, "empty": 0}, "full + partial + empty is 0"),
        ("full_pct_from_titers", {"vg_per_ml": 1, "capsids_per_ml": 0}, "capsid titer is 0"),
        ("vg_to_iu_ratio", {"vg_titer": 1, "infectious_titer": 0}, "infectious titer is 0"),
        (
            "aav_dose_volume_ml",
            {"dose_vg_per_kg": 1, "weight_kg": 1, "titer_vg_per_ml": 0},
            "titer is 0 vg/mL",
        ),
        (
            "cell_specific_yield",
            {"vg_per_ml": 1, "vcd_at_transfection": 0},
            "cell density at transfection is 0",
        ),
        (
            "endotoxin_limit_km",
            {"k_eu_per_kg": 5, "dose_volume_ml": 68, "weight_kg": 0},
            "body weight is 0 kg",
        ),
        (
            "endotoxin_limit_km",
            {"k_eu_per_kg": 5, "dose_volume_ml": 0, "weight_kg": 70},
            "dose volume is 0 mL",
        ),
        (
            "endotoxin_per_kg",
            {"eu_per_ml": 1, "dose_volume_ml": 1, "weight_kg": 0},
            "body weight is 0 kg",
        ),
        ("log_reduction", {"load_in": 100, "load_out": 0}, "Enter the detection limit"),
        ("log_reduction", {"load_in": 0, "load_out": 100}, "load in is 0"),
    ],
)
def test_cannot_be_calculated(name: str, inputs: dict[str, int], message: str) -> None:
    with pytest.raises(CalculationError) as caught:
        calc(name, **inputs)
    text = str(caught.value)
    assert text.startswith(f"{CALCULATIONS[name].title} cannot be calculated: ")
    assert message in text


def test_unknown_calculation() -> None:
    with pytest.raises(CalculationError, match="'viability' is not a calculation Lotbook knows"):
        compute("viability", {"live": D(1), "dead": D(1)})


def test_missing_input() -> None:
    with pytest.raises(CalculationError, match="Viability cannot be calculated: dead is missing"):
        compute("viability_pct", {"live": D(1)})
    with pytest.raises(CalculationError, match="live, dead are missing"):
        compute("viability_pct", {})


def test_extra_input() -> None:
    with pytest.raises(CalculationError, match=r"total is not an input.*takes live, dead"):
        compute("viability_pct", {"live": D(1), "dead": D(1), "total": D(2)})


@pytest.mark.parametrize("bad", [1.5, "7.2", D("NaN"), D("Infinity"), True, None])
def test_inputs_must_be_finite_decimals(bad: object) -> None:
    with pytest.raises(CalculationError, match=r"live is .* not a finite decimal number"):
        compute("viability_pct", {"live": bad, "dead": D(1)})  # type: ignore[dict-item]


def test_negative_amounts_are_refused() -> None:
    with pytest.raises(CalculationError, match="dead is -3; it cannot be negative"):
        calc("viability_pct", live=10, dead=-3)


def test_percentages_above_100_are_refused() -> None:
    with pytest.raises(CalculationError, match="pct_cd3 is 120 %; a percentage is at most 100"):
        calc("car_pos_viable_t_cells", tvc="1e9", pct_cd3=120, pct_car=40)


def test_the_callers_decimal_context_is_untouched() -> None:
    from decimal import getcontext

    before = getcontext().prec
    calc("population_doublings", n_final=720, n_initial=80)
    assert getcontext().prec == before
