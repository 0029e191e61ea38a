"""Labels as ZPL II for Zebra-class printers: one ``^XA … ^XZ`` format per label, laid out as
the PDF is (core/labels/layout.py) at the printer's resolution.

Each format sets the label's size (``^PW``, ``^LL``) and UTF-8 (``^CI28``), draws the QR code with
``^BQN`` (model 2; its error correction and automatic mode in ``^FD``), and each text line in the
printer's scalable font 0 (narrower than DejaVu Sans, so a line that fits in the PDF fits here),
inside a one-line field block (``^FB``) as wide as the text column, so nothing runs off the label.
Text goes through ``^FH`` with ``\\`` as the escape, so ``^``, ``~`` and ``\\`` in it are printed,
never obeyed. Font 0 lacks a few symbols: they are written as their ASCII equivalents (≤ as <=)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from core.labels.content import LabelContent
from core.labels.layout import LabelLayout, PlacedCode, lay_out
from core.labels.stock import LabelStock

DPI_CHOICES = (203, 300, 600)
_FONT_0 = str.maketrans({"≤": "<=", "≥": ">=", "−": "-", "–": "-", "—": "-", "₂": "2"})


def render_zpl(labels: Sequence[LabelContent], stock: LabelStock, *, dpi: int = 203) -> bytes:
    """The ZPL of ``labels`` on ``stock`` for a printer of ``dpi`` dots per inch."""
    if dpi not in DPI_CHOICES:
        raise ValueError(f"a ZPL printer prints at {DPI_CHOICES}, not {dpi} dpi")
    if not labels:
        raise ValueError("no labels to render")
    layouts = [lay_out(label, stock) for label in labels]
    return "".join(label_format(layout, dpi) for layout in layouts).encode("utf-8")


def label_format(layout: LabelLayout, dpi: int) -> str:
    """One label's ``^XA … ^XZ``."""

    def dots(value_mm: float) -> int:
        return round(value_mm / 25.4 * dpi)

    stock = layout.stock
    parts = [
        "^XA",
        "^CI28",
        f"^PW{dots(stock.width_mm)}",
        f"^LL{dots(stock.height_mm)}",
        "^LH0,0",
        _code(layout.code, stock.height_mm, dots),
    ]
    column = dots(layout.text_width_mm)
    for line in layout.lines:
        height = max(10, dots(line.size_pt * 25.4 / 72))
        text = _escaped(line.text.translate(_FONT_0))
        parts.append(
            f"^FO{dots(line.x_mm)},{dots(line.top_mm)}^A0N,{height},{height}"
            f"^FB{column},1,0,L,0^FH\\^FD{text}^FS"
        )
    parts.append("^PQ1")
    parts.append("^XZ")
    return "\n".join(parts) + "\n"


def _code(code: PlacedCode, label_height_mm: float, dots: Callable[[float], int]) -> str:
    modules = len(code.modules)
    side = dots(code.side_mm)
    quiet = 8  # ^BQ draws no quiet zone: 4 modules each side are left white around it
    magnification = max(1, min(10, side // (modules + quiet)))
    offset = (side - modules * magnification) // 2
    x = dots(code.x_mm) + offset
    y = dots(label_height_mm - code.y_mm - code.side_mm) + offset
    return f"^FO{x},{y}^BQN,2,{magnification}^FD{code.level}A,{code.payload}^FS"


def _escaped(text: str) -> str:
    return "".join(f"\\{ord(ch):02X}" if ch in "^~\\" else ch for ch in text)
