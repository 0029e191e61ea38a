"""Where a file dialog opens: the folder last used in this session, else the user's documents
folder, else their home — never the folder the app is installed in."""

from __future__ import annotations

from pathlib import Path

_last: Path | None = None


def start_folder() -> str:
    if _last is not None and _last.is_dir():
        return str(_last)
    from PySide6.QtCore import QStandardPaths

    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if documents and Path(documents).is_dir():
        return documents
    return str(Path.home())


def remember(path: str) -> None:
    """The folder of a file chosen: the next dialog opens there."""
    global _last
    if path:
        _last = Path(path).parent


def place(dialog) -> None:
    """Open ``dialog`` (a QFileDialog) in the start folder; remember where its file is chosen."""
    dialog.setDirectory(start_folder())
    dialog.fileSelected.connect(remember)
