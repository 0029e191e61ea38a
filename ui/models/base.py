"""The common part of the table models: a list of frozen read models shown as rows."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from core.i18n import _

Index = QModelIndex | QPersistentModelIndex
_TOP = QModelIndex()


class ReadModelTable(QAbstractTableModel):
    """Rows are read models (core.readmodels), replaced as a whole; subclasses say ``columns``
    (each marked ``N_()``: translated where shown, in ``headerData``) and implement ``data``."""

    columns: tuple[str, ...] = ()

    def __init__(self, parent: Any = None, items: Iterable[Any] = ()) -> None:
        super().__init__(parent)
        self._items: list[Any] = list(items)

    def set_items(self, items: Iterable[Any]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def item_at(self, row: int) -> Any:
        return self._items[row] if 0 <= row < len(self._items) else None

    def rowCount(self, parent: Index = _TOP) -> int:
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = _TOP) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(self.columns[section])
        return None
