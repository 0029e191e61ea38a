"""Rules every counter reading follows, whichever instrument wrote it.

Densities in cells/mL (scaled exactly, in Decimal), dead = total − viable when the instrument
does not report it, and the values a counter cannot produce (negative densities, a viability
outside 0–100 %, more viable than total cells) refused as a damaged or hand-edited file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, localcontext

from core.i18n import N_, _
from core.instruments.model import COUNT_QUANTITIES, CountReading, InstrumentFileInvalid

DENSITIES = ("viable_cell_density", "total_cell_density", "dead_cell_density")
LABELS = {  # marked for the catalogue, translated where a refusal names the quantity
    "viable_cell_density": N_("viable cell density"),
    "total_cell_density": N_("total cell density"),
    "dead_cell_density": N_("dead cell density"),
    "viability": N_("viability"),
    "cell_diameter": N_("cell diameter"),
}
_HUNDRED = Decimal(100)
_EXACT = 1000  # digits: enough for any number parse_number reads (exponents within ±100)
_SERIAL_PREFIX = re.compile(r"^s\s*/\s*n\b\s*[:.#]?\s*", re.IGNORECASE)


def scaled(value: Decimal, scale: Decimal) -> Decimal:
    """``value × scale``, exactly (a scale of 1 keeps the value as written: 90.0 stays 90.0)."""
    if scale == 1:
        return value
    with localcontext(prec=_EXACT):
        return value * scale


def plain_density(value: Decimal) -> Decimal:
    """A whole number of cells/mL written without exponent or decimals: 2.45E6 → 2450000."""
    if value == value.to_integral_value() and value.adjusted() < 28:
        return value.quantize(Decimal(1))
    return value


def instrument_id(text: str | None) -> str | None:
    """An instrument as recorded: its serial number without the "S/N" the files put before it
    ("s/n 9000201099909999", "S/N:9000201099909999" and "S/N: 9000201099909999" are one
    instrument), or its name; None when the file leaves it empty."""
    if text is None:
        return None
    cleaned = " ".join(text.split())
    return _SERIAL_PREFIX.sub("", cleaned, count=1).strip() or None


def reading(
    file: str,
    line: int,
    sample_id: str,
    measured_at: datetime | None,
    values: Mapping[str, Decimal],
    raw: Mapping[str, str],
    *,
    zone: str | None = None,
    instrument: str | None = None,
) -> CountReading:
    """A checked ``CountReading``; dead cells derived from total − viable when not given.
    ``zone`` is the zone ``measured_at`` was read in (timestamps.zone_label); ``instrument`` as the
    file states it (normalised by ``instrument_id``)."""
    sample = sample_id.strip()
    if not sample:
        raise InstrumentFileInvalid(
            file,
            line,
            _("the sample ID is empty: every sample needs the ID typed on the instrument."),
        )
    checked = dict(values)
    for quantity, value in checked.items():
        if quantity not in COUNT_QUANTITIES:
            raise ValueError(f"unknown count quantity {quantity!r}")
        if value < 0:
            raise InstrumentFileInvalid(
                file,
                line,
                _("the {quantity} of sample {sample} is negative ({value}).").format(
                    quantity=_(LABELS[quantity]), sample=sample, value=value
                ),
            )
    viability = checked.get("viability")
    if viability is not None and viability > _HUNDRED:
        raise InstrumentFileInvalid(
            file,
            line,
            _("the viability of sample {sample} is {viability} %, above 100 %.").format(
                sample=sample, viability=viability
            ),
        )
    viable, total = checked.get("viable_cell_density"), checked.get("total_cell_density")
    if viable is not None and total is not None:
        if viable > total:
            raise InstrumentFileInvalid(
                file,
                line,
                _(
                    "sample {sample} has more viable cells ({viable}/mL) than cells in total "
                    "({total}/mL): the file is damaged or was edited."
                ).format(sample=sample, viable=viable, total=total),
            )
        with localcontext(prec=_EXACT):
            checked.setdefault("dead_cell_density", total - viable)
    for quantity in DENSITIES:
        if quantity in checked:
            checked[quantity] = plain_density(checked[quantity])
    ordered = {q: checked[q] for q in COUNT_QUANTITIES if q in checked}
    return CountReading(
        line,
        sample,
        measured_at,
        ordered,
        dict(raw),
        zone=zone if measured_at is not None else None,
        instrument=instrument_id(instrument),
    )
