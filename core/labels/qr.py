"""The QR code's modules, from reportlab's own encoder (reportlab.graphics.barcode), for the PDF
to draw and the ZPL to size.

reportlab's Data Matrix (``ECC200DataMatrix``) is not used: it is a fixed 44 × 44 C40 symbol that
mis-encodes '|' and pads short data with a NUL a scanner then reads back."""

from __future__ import annotations

from core.reports.fonts import register_fonts

register_fonts()  # before reportlab.graphics is imported (core/reports/fonts.py)

from reportlab.graphics.barcode.qr import QrCodeWidget  # noqa: E402

QUIET_ZONE = 4  # modules of white around a QR code (ISO/IEC 18004)


def qr_modules(payload: str, level: str) -> tuple[tuple[bool, ...], ...]:
    """The dark (True) and light modules of ``payload``'s QR code, row by row from the top."""
    widget = QrCodeWidget(payload, barLevel=level, barBorder=QUIET_ZONE)
    widget.qr.make()
    return tuple(tuple(bool(m) for m in row) for row in widget.qr.modules)
