"""The label stocks Lotbook lays labels out for, by name: their size in millimetres, the side of
the QR code (its quiet zone included), the text size to start from and the smallest it may
shrink to, and the code's error correction (a vial label, the smallest, trades some for bigger
modules)."""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import DomainError
from core.i18n import N_, _


@dataclass(frozen=True)
class LabelStock:
    name: str
    purpose: str  # what it is for, marked N_() (``words``: as a person reads it)
    width_mm: float
    height_mm: float
    margin_mm: float  # white edge kept free on every side
    code_mm: float  # the QR code's square, with its 4-module quiet zone
    font_pt: float  # the text's size, when everything fits at it
    min_font_pt: float  # the smallest it may shrink to before the label is refused
    code_level: str  # QR error correction: "M" (15 %) or "L" (7 %)
    packed: bool = False  # the serial beside the lot, the storage beside the expiry

    @property
    def words(self) -> str:
        """What the stock is for, in the reader's language ("bag labels")."""
        return _(self.purpose)

    @property
    def size_text(self) -> str:
        return f"{self.width_mm:g} × {self.height_mm:g} mm"


STOCKS: dict[str, LabelStock] = {
    stock.name: stock
    for stock in (
        LabelStock("100x50", N_("bag labels"), 100, 50, 3, 32, 9, 6, "M"),
        LabelStock("50x25", N_("sample labels"), 50, 25, 1.5, 18, 6, 4.5, "M"),
        LabelStock("38x13", N_("cryovial labels"), 38, 13, 0.5, 12, 4.6, 3.6, "L", packed=True),
    )
}


def stock_named(name: str) -> LabelStock:
    """The stock called ``name`` ("100x50", "50x25", "38x13"; "100×50" is read the same)."""
    key = "".join((name or "").split()).lower().replace("×", "x").removesuffix("mm")
    stock = STOCKS.get(key)
    if stock is None:
        known = ", ".join(f"{s.name} ({s.words}, {s.size_text})" for s in STOCKS.values())
        raise DomainError(
            _("'{name}' is not a label stock Lotbook lays out: use {known}.").format(
                name=name, known=known
            )
        )
    return stock
