"""A bench table whose columns show whole while the table has the room, and whose descriptive
columns (names, types, places) give way first when it has not (large text on a 1366 px screen):
the columns that carry a verdict or a state (OVERDUE, EXPIRED) keep their width."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ui.widgets.tables import BenchTable


class FittingTable(BenchTable):
    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(name, parent)
        self._yielding: dict[int, int] = {}

    def set_yielding(self, columns: dict[int, int]) -> None:
        """Columns that narrow when the table is short of room, down to so many characters."""
        self._yielding = dict(columns)
        self.fit_columns()

    def fit_columns(self) -> None:
        super().fit_columns()
        model = self.model()
        yielding = getattr(self, "_yielding", {})
        if model is None or not yielding or model.columnCount() == 0:
            return
        last = model.columnCount() - 1
        widths = [self.columnWidth(c) for c in range(last)]
        need = sum(widths) + max(self.sizeHintForColumn(last), 0)
        short = need - self.viewport().width()
        char = self.fontMetrics().horizontalAdvance("0")
        for column, least in yielding.items():
            if short <= 0:
                break
            give = min(short, widths[column] - least * char)
            if give > 0:
                self.setColumnWidth(column, widths[column] - give)
                short -= give

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if getattr(self, "_yielding", None):
            self.fit_columns()
