"""Every loaded version of every process template: what it is, its SHA-256 (short, the full
digest on hover) and who loaded it when (local time with the zone)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from core.clock import local_text
from core.readmodels import TemplateSummary
from ui.models.base import ReadModelTable

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


class TemplateVersionsModel(ReadModelTable):
    columns = COLUMNS

    def set_templates(self, rows: list[TemplateSummary]) -> None:
        self.set_items(rows)

    def template_at(self, row: int) -> TemplateSummary | None:
        return self.item_at(row)

    def row_of(self, key: str, version: int) -> int | None:
        for row, t in enumerate(self._items):
            if t.key == key and t.version == version:
                return row
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        t = self._items[index.row()]
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
