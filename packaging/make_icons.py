"""Render resources/icons/lotbook.svg to the PNG (Linux menu, 256 px) and ICO (Windows) beside it.

    .venv/bin/python packaging/make_icons.py

Rendered with Qt's own SVG renderer (QtSvg, offscreen), the ICO assembled with Pillow. The
rendered files are kept in the repository, so a build does not need to run this."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render_png(svg: Path, size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(svg)).render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data)


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    svg = ICONS / "lotbook.svg"
    (ICONS / "lotbook.png").write_bytes(render_png(svg, 256))
    from PIL import Image

    big = Image.open(io.BytesIO(render_png(svg, 256)))
    big.save(ICONS / "lotbook.ico", sizes=[(s, s) for s in ICO_SIZES])
    print(f"wrote {ICONS / 'lotbook.png'} and {ICONS / 'lotbook.ico'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
