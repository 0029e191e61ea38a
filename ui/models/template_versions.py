"""Every loaded version of every process template: what it is, its SHA-256 (short, the full
digest on hover) and who loaded it when (local time with the zone)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from core.clock import local_text
from core.readmodels import TemplateSummary

COLUMNS = (
    "Key",
    "Version",
    "Title",
    "Family",
    "Steps",
    "Checks",
    "SHA-256",
    "Loaded at",
    "Loaded by",
)
_NUMBERS = {1, 4, 5}

_Index = QModelIndex | QPersistentModelIndex


class TemplateVersionsModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[TemplateSummary] = []

    def set_templates(self, rows: list[TemplateSummary]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def template_at(self, row: int) -> TemplateSummary | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, key: str, version: int) -> int | None:
        for row, t in enumerate(self._rows):
            if t.key == key and t.version == version:
                return row
        return None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        t = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                t.key,
                str(t.version),
                t.title,
                t.product_family,
                str(t.steps),
                str(t.checks),
                f"{t.sha256[:12]}…",
                local_text(t.loaded_at),
                t.loaded_by,
            )[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 6:
                return f"SHA-256 {t.sha256}"
            if column == 2:
                return t.title
        if role == Qt.ItemDataRole.TextAlignmentRole and column in _NUMBERS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
