"""Saving what a plot shows as a PNG: a non-native file dialog opened without blocking, then
pyqtgraph's image exporter with antialiasing off (with it on, a dense chart takes seconds)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtWidgets import QFileDialog, QWidget

from core.i18n import _
from ui.file_dialogs import place


def save_png(item: object, path: str | Path, width: int | None = None) -> Path:
    """Render ``item`` (a scene or a graphics item) into ``path``; the suffix .png is added.
    Written through core's safe writer (never over a database, a folder or a device; whole or
    not at all; owner-only); the save dialog has asked before an existing file is replaced."""
    from pyqtgraph.exporters import ImageExporter

    from core.errors import DomainError
    from core.outputs import write_via

    path = Path(path)
    if path.suffix.lower() != ".png":
        path = path.with_suffix(".png")
    exporter = ImageExporter(item)
    params = exporter.parameters()
    params["antialias"] = False
    params["background"] = pg.mkColor("w")
    if width:
        params["width"] = int(width)

    def render(temporary: Path) -> None:
        exporter.export(str(temporary))
        if temporary.stat().st_size == 0:  # Qt could not write the image
            raise DomainError(
                _("{file} could not be rendered as a PNG image.").format(file=path.name)
            )

    return write_via(path, render, force=True)


def ask_png(parent: QWidget, suggested: str, on_chosen: Callable[[str], None]) -> QFileDialog:
    """A save dialog (Qt's own, so it looks and behaves the same on every bench PC), opened with
    ``open()`` so the event loop keeps running; ``on_chosen`` gets the path."""
    title = _("Export the curves as a PNG image")
    dialog = QFileDialog(parent, title)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setNameFilter(_("PNG images (*.png)"))
    dialog.setDefaultSuffix("png")
    place(dialog)
    dialog.selectFile(suggested)
    dialog.setAccessibleName(title)
    dialog.fileSelected.connect(on_chosen)
    dialog.open()
    return dialog
