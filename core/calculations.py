"""Derived values: pure functions over Decimal, registered by name (cgt-processes §5).

``compute(name, inputs)`` checks the inputs, runs the formula with 28 significant digits (logarithms
carry a few guard digits inside) and raises ``CalculationError`` with a message a technician can
act on when the result cannot be calculated.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import (
    ROUND_HALF_EVEN,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from types import MappingProxyType

from core.errors import CalculationError
from core.i18n import N_, _, ngettext

PRECISION = 28  # significant digits of every result
_GUARD = 6  # extra digits carried while the formula runs, so ln 8 ÷ ln 2 gives exactly 3
_REFERENCE = "cgt-processes §5"
_MAY_BE_NEGATIVE = frozenset({"previous_cpd", "pd"})  # every other input is a measured amount


@dataclass(frozen=True)
class Calculation:
    name: str
    params: tuple[str, ...]  # parameter names, in order
    formula: str  # human formula shown on hover, using the param names
    unit: str | None  # the unit of the result where fixed, else None
    reference: str  # where it comes from
    func: Callable[..., Decimal]
    title: str = ""  # what the result is called in messages, e.g. "Viability" (marked N_())


class _Undefined(CalculationError):
    """Why a formula has no result; ``compute`` puts the calculation's title in front."""


def _require_nonzero(value: Decimal, reason: str) -> None:
    if value == 0:
        raise _Undefined(reason)


def _ln(value: Decimal, reason: str) -> Decimal:
    if value <= 0:
        raise _Undefined(reason)
    return value.ln()


def _log2(value: Decimal, reason: str) -> Decimal:
    return _ln(value, reason) / Decimal(2).ln()


# --- cells: counts, growth --------------------------------------------------------------------


def viability_pct(live: Decimal, dead: Decimal) -> Decimal:
    _require_nonzero(live + dead, _("live + dead is 0. Check the live and dead counts."))
    return live / (live + dead) * 100


def viable_cell_density(
    live_counted: Decimal, volume_counted_ml: Decimal, dilution: Decimal
) -> Decimal:
    _require_nonzero(volume_counted_ml, _("the volume counted is 0 mL. Enter the volume counted."))
    _require_nonzero(dilution, _("the dilution factor is 0. Enter 1 for an undiluted sample."))
    return live_counted / volume_counted_ml * dilution


def total_viable_cells(vcd: Decimal, volume_ml: Decimal) -> Decimal:
    return vcd * volume_ml


def recovery_pct(amount_out: Decimal, amount_in: Decimal) -> Decimal:
    _require_nonzero(amount_in, _("the amount in is 0. Check the amount before the step."))
    return amount_out / amount_in * 100


def fold_expansion(tvc: Decimal, tvc0: Decimal) -> Decimal:
    _require_nonzero(tvc0, _("tvc0 (cells at the start) is 0. Check the cells seeded."))
    return tvc / tvc0


def population_doublings(n_final: Decimal, n_initial: Decimal) -> Decimal:
    _require_nonzero(n_initial, _("n_initial (cells seeded) is 0. Check the cells seeded."))
    return _log2(n_final / n_initial, _("no cells were harvested (n_final is 0). Check the count."))


def cumulative_pd(previous_cpd: Decimal, pd: Decimal) -> Decimal:
    return previous_cpd + pd


def doubling_time_h(duration_h: Decimal, n_final: Decimal, n_initial: Decimal) -> Decimal:
    _require_nonzero(n_initial, _("n_initial (cells seeded) is 0. Check the cells seeded."))
    _require_nonzero(duration_h, _("the duration is 0 h. Check the start and end times."))
    if n_final <= n_initial:
        raise _Undefined(
            _(
                "no growth (n_final is not above n_initial), doubling time undefined. "
                "Check the counts; record the growth as a deviation if it is real."
            )
        )
    return duration_h * Decimal(2).ln() / (n_final / n_initial).ln()


def specific_growth_rate(duration_h: Decimal, n_final: Decimal, n_initial: Decimal) -> Decimal:
    _require_nonzero(n_initial, _("n_initial (cells seeded) is 0. Check the cells seeded."))
    _require_nonzero(duration_h, _("the duration is 0 h. Check the start and end times."))
    growth = _ln(n_final / n_initial, _("no cells were harvested (n_final is 0). Check the count."))
    return growth / duration_h


# --- CAR-T and LV: dose, MOI, titer, VCN -----------------------------------------------------


def car_pos_viable_t_cells(tvc: Decimal, pct_cd3: Decimal, pct_car: Decimal) -> Decimal:
    return tvc * pct_cd3 / 100 * pct_car / 100


def dose_per_kg(cells: Decimal, weight_kg: Decimal) -> Decimal:
    _require_nonzero(weight_kg, _("the body weight is 0 kg. Enter the patient's weight."))
    return cells / weight_kg


def flat_dose(cells: Decimal) -> Decimal:
    """The whole product as the dose: a flat (total) dose, judged against a total band."""
    return cells


def dose_volume_ml(target_cells: Decimal, cells_per_ml: Decimal) -> Decimal:
    _require_nonzero(cells_per_ml, _("the product has 0 cells/mL. Check the product count."))
    return target_cells / cells_per_ml


def moi(titer_tu_per_ml: Decimal, vector_volume_ml: Decimal, viable_cells: Decimal) -> Decimal:
    _require_nonzero(viable_cells, _("the number of viable cells is 0. Check the cell count."))
    return titer_tu_per_ml * vector_volume_ml / viable_cells


def vector_volume_ml(moi: Decimal, viable_cells: Decimal, titer_tu_per_ml: Decimal) -> Decimal:
    _require_nonzero(titer_tu_per_ml, _("the vector titer is 0 TU/mL. Check the titer entered."))
    return moi * viable_cells / titer_tu_per_ml


def lv_functional_titer(
    cells_at_transduction: Decimal,
    pct_positive: Decimal,
    vector_volume_ml: Decimal,
    dilution: Decimal,
) -> Decimal:
    _require_nonzero(vector_volume_ml, _("the vector volume is 0 mL. Enter the volume added."))
    _require_nonzero(dilution, _("the dilution factor is 0. Enter 1 for undiluted vector."))
    return cells_at_transduction * pct_positive / 100 / vector_volume_ml * dilution


def vcn_average(transgene_copies: Decimal, reference_copies: Decimal) -> Decimal:
    _require_nonzero(
        reference_copies, _("the reference-gene copies are 0. Check the reference-gene result.")
    )
    return transgene_copies / (reference_copies / 2)


def vcn_per_transduced_cell(vcn_avg: Decimal, pct_transduced: Decimal) -> Decimal:
    _require_nonzero(pct_transduced, _("no cells are transduced (0 %). Check the % transduced."))
    return vcn_avg / (pct_transduced / 100)


# --- AAV: capsids, dose, yield ---------------------------------------------------------------


def full_capsid_pct(full: Decimal, partial: Decimal, empty: Decimal) -> Decimal:
    total = full + partial + empty
    _require_nonzero(total, _("full + partial + empty is 0. Check the capsid counts."))
    return full / total * 100


def full_pct_from_titers(vg_per_ml: Decimal, capsids_per_ml: Decimal) -> Decimal:
    _require_nonzero(capsids_per_ml, _("the capsid titer is 0. Check the capsid titer."))
    return vg_per_ml / capsids_per_ml * 100


def vg_to_iu_ratio(vg_titer: Decimal, infectious_titer: Decimal) -> Decimal:
    _require_nonzero(infectious_titer, _("the infectious titer is 0. Check the infectious titer."))
    return vg_titer / infectious_titer


def aav_dose_volume_ml(
    dose_vg_per_kg: Decimal, weight_kg: Decimal, titer_vg_per_ml: Decimal
) -> Decimal:
    _require_nonzero(titer_vg_per_ml, _("the titer is 0 vg/mL. Check the titer entered."))
    return dose_vg_per_kg * weight_kg / titer_vg_per_ml


def cell_specific_yield(vg_per_ml: Decimal, vcd_at_transfection: Decimal) -> Decimal:
    _require_nonzero(
        vcd_at_transfection, _("the cell density at transfection is 0. Check the cell count.")
    )
    return vg_per_ml / vcd_at_transfection


# --- safety and impurities -------------------------------------------------------------------


def endotoxin_limit_km(
    k_eu_per_kg: Decimal, dose_volume_ml: Decimal, weight_kg: Decimal
) -> Decimal:
    _require_nonzero(weight_kg, _("the body weight is 0 kg. Enter the patient's weight."))
    _require_nonzero(dose_volume_ml, _("the dose volume is 0 mL. Enter the volume given in 1 h."))
    return k_eu_per_kg * weight_kg / dose_volume_ml  # K ÷ M, with M = dose_volume_ml ÷ weight_kg


def endotoxin_per_kg(eu_per_ml: Decimal, dose_volume_ml: Decimal, weight_kg: Decimal) -> Decimal:
    _require_nonzero(weight_kg, _("the body weight is 0 kg. Enter the patient's weight."))
    return eu_per_ml * dose_volume_ml / weight_kg


def log_reduction(load_in: Decimal, load_out: Decimal) -> Decimal:
    _require_nonzero(
        load_out, _("the load out is 0. Enter the detection limit if nothing was detected.")
    )
    ratio = _ln(load_in / load_out, _("the load in is 0. Check the load before the step."))
    return ratio / Decimal(10).ln()


def residual_dna_per_dose(ng_per_ml: Decimal, dose_volume_ml: Decimal) -> Decimal:
    return ng_per_ml * dose_volume_ml


# --- labels ----------------------------------------------------------------------------------


def label_balance(printed: Decimal, used: Decimal, destroyed: Decimal) -> Decimal:
    """Labels printed for the batch that are neither used nor destroyed: 0 when they reconcile
    (a negative balance: more used or destroyed than printed)."""
    return printed - used - destroyed


# --- registry --------------------------------------------------------------------------------

_TABLE: tuple[tuple[Callable[..., Decimal], str, str, str | None], ...] = (
    (viability_pct, N_("Viability"), "live ÷ (live + dead) × 100", "%"),
    (
        viable_cell_density,
        N_("Viable cell density"),
        "live_counted ÷ volume_counted_ml × dilution",
        "cells/mL",
    ),
    (total_viable_cells, N_("Total viable cells"), "vcd × volume_ml", "cells"),
    (recovery_pct, N_("Recovery"), "amount_out ÷ amount_in × 100", "%"),
    (fold_expansion, N_("Fold expansion"), "tvc ÷ tvc0", "fold"),
    (population_doublings, N_("Population doublings"), "log₂(n_final ÷ n_initial)", None),
    (cumulative_pd, N_("Cumulative population doublings"), "previous_cpd + pd", None),
    (doubling_time_h, N_("Doubling time"), "duration_h × ln 2 ÷ ln(n_final ÷ n_initial)", "h"),
    (
        specific_growth_rate,
        N_("Specific growth rate"),
        "ln(n_final ÷ n_initial) ÷ duration_h",
        "h⁻¹",
    ),
    (
        car_pos_viable_t_cells,
        N_("CAR+ viable T cells"),
        "tvc × pct_cd3 ÷ 100 × pct_car ÷ 100",
        "cells",
    ),
    (dose_per_kg, N_("Dose per kg"), "cells ÷ weight_kg", "cells/kg"),
    (flat_dose, N_("Flat dose"), "cells (the whole product is the dose)", "cells"),
    (dose_volume_ml, N_("Dose volume"), "target_cells ÷ cells_per_ml", "mL"),
    (moi, N_("MOI"), "titer_tu_per_ml × vector_volume_ml ÷ viable_cells", None),
    (vector_volume_ml, N_("Vector volume"), "moi × viable_cells ÷ titer_tu_per_ml", "mL"),
    (
        lv_functional_titer,
        N_("LV functional titer"),
        "cells_at_transduction × pct_positive ÷ 100 ÷ vector_volume_ml × dilution",
        "TU/mL",
    ),
    (vcn_average, N_("Average VCN"), "transgene_copies ÷ (reference_copies ÷ 2)", "copies/cell"),
    (
        vcn_per_transduced_cell,
        N_("VCN per transduced cell"),
        "vcn_avg ÷ (pct_transduced ÷ 100)",
        "copies/cell",
    ),
    (full_capsid_pct, N_("Full capsids"), "full ÷ (full + partial + empty) × 100", "%"),
    (full_pct_from_titers, N_("Full capsids from titers"), "vg_per_ml ÷ capsids_per_ml × 100", "%"),
    (vg_to_iu_ratio, N_("vg : IU ratio"), "vg_titer ÷ infectious_titer", None),
    (
        aav_dose_volume_ml,
        N_("AAV dose volume"),
        "dose_vg_per_kg × weight_kg ÷ titer_vg_per_ml",
        "mL",
    ),
    (cell_specific_yield, N_("Cell-specific yield"), "vg_per_ml ÷ vcd_at_transfection", "vg/cell"),
    (
        endotoxin_limit_km,
        N_("Endotoxin limit"),
        "k_eu_per_kg ÷ (dose_volume_ml ÷ weight_kg)",
        "EU/mL",
    ),
    (endotoxin_per_kg, N_("Endotoxin per kg"), "eu_per_ml × dose_volume_ml ÷ weight_kg", "EU/kg"),
    (log_reduction, N_("Log reduction value"), "log₁₀(load_in ÷ load_out)", None),
    (residual_dna_per_dose, N_("Residual DNA per dose"), "ng_per_ml × dose_volume_ml", "ng/dose"),
    (label_balance, N_("Label balance"), "printed − used − destroyed", None),
)

CALCULATIONS: Mapping[str, Calculation] = MappingProxyType(
    {
        func.__name__: Calculation(
            name=func.__name__,
            params=tuple(inspect.signature(func).parameters),
            formula=formula,
            unit=unit,
            reference=_REFERENCE,
            func=func,
            title=title,
        )
        for func, title, formula, unit in _TABLE
    }
)


def compute(name: str, inputs: Mapping[str, Decimal]) -> Decimal:
    """Run calculation ``name`` on ``inputs`` (exactly its params); the result has 28 digits."""
    calc = CALCULATIONS.get(name)
    if calc is None:
        raise CalculationError(
            _(
                "'{name}' is not a calculation Lotbook knows. The template must name one of: "
                "{names}."
            ).format(name=name, names=", ".join(CALCULATIONS))
        )
    values = _checked_inputs(calc, inputs)
    try:
        with localcontext() as ctx:
            ctx.prec = PRECISION + _GUARD
            ctx.rounding = ROUND_HALF_EVEN
            for trap in (InvalidOperation, DivisionByZero, Overflow):
                ctx.traps[trap] = True
            result = calc.func(**values)
            ctx.prec = PRECISION
            return +result
    except _Undefined as error:
        raise CalculationError(
            _("{title} cannot be calculated: {reason}").format(
                title=_(calc.title), reason=error.message
            )
        ) from error
    except ArithmeticError as error:
        raise CalculationError(
            _(
                "{title} cannot be calculated from these inputs ({error}). "
                "Check the values entered."
            ).format(title=_(calc.title), error=type(error).__name__)
        ) from error


def _checked_inputs(calc: Calculation, inputs: Mapping[str, Decimal]) -> dict[str, Decimal]:
    title = _(calc.title)
    missing = [p for p in calc.params if p not in inputs]
    if missing:
        raise CalculationError(
            ngettext(
                "{title} cannot be calculated: {names} is missing. Record the inputs first.",
                "{title} cannot be calculated: {names} are missing. Record the inputs first.",
                len(missing),
            ).format(title=title, names=", ".join(missing))
        )
    extra = [k for k in inputs if k not in calc.params]
    if extra:
        raise CalculationError(
            _(
                "{title} cannot be calculated: {names} is not an input of this calculation "
                "(it takes {params})."
            ).format(title=title, names=", ".join(map(str, extra)), params=", ".join(calc.params))
        )
    values: dict[str, Decimal] = {}
    for param in calc.params:
        value = inputs[param]
        if isinstance(value, int) and not isinstance(value, bool):
            value = Decimal(value)
        if not isinstance(value, Decimal) or not value.is_finite():
            raise CalculationError(
                _(
                    "{title} cannot be calculated: {param} is {value}, not a finite decimal number."
                ).format(title=title, param=param, value=repr(value))
            )
        if value < 0 and param not in _MAY_BE_NEGATIVE:
            raise CalculationError(
                _(
                    "{title} cannot be calculated: {param} is {value}; it cannot be negative. "
                    "Check the value entered."
                ).format(title=title, param=param, value=value)
            )
        if param.startswith("pct_") and value > 100:
            raise CalculationError(
                _(
                    "{title} cannot be calculated: {param} is {value} %; a percentage is at most "
                    "100. Check the value entered."
                ).format(title=title, param=param, value=value)
            )
        values[param] = value
    return values
