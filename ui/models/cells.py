"""A read-model table whose rows are shown as text cells: a subclass says ``columns`` and how one
item reads as cells, and optionally a tooltip and which cells are a warning (bold, in the warning
colour; the icon and word in the text carry the meaning, the colour only underlines it)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from ui import theme
from ui.models.base import ReadModelTable

_Index = QModelIndex | QPersistentModelIndex


class CellsTable(ReadModelTable):
    def cells(self, item: Any) -> tuple[str, ...]:
        raise NotImplementedError

    def tip(self, item: Any, column: int) -> str | None:
        """The tooltip of a cell (None: the cell's text, which may be elided in the table)."""
        return None

    def warning(self, item: Any, column: int) -> bool:
        """Whether the cell says something is wrong (expired, overdue, out of service…)."""
        return False

    def strong(self, item: Any, column: int) -> bool:
        """Whether the cell is bold: a warning, unless the column has no room for bold text."""
        return self.warning(item, column)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self._items[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.cells(item)[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tip(item, column) or self.cells(item)[column] or None
        if role == Qt.ItemDataRole.ForegroundRole and self.warning(item, column):
            return QColor(theme.VERMILLION)
        if role == Qt.ItemDataRole.FontRole and self.strong(item, column):
            font = QFont()
            font.setBold(True)
            return font
        return None

    def row_where(self, wanted: Any) -> int | None:
        """The row of the first item for which ``wanted(item)`` is true."""
        for row, item in enumerate(self._items):
            if wanted(item):
                return row
        return None
