"""A table sized for the bench: rows tall enough to tap, whole-row selection, Tab leaves the
table, row height following the font (large-text mode) and columns fitted to their contents."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget

from ui import theme


class BenchTable(QTableView):
    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setTabKeyNavigation(False)  # Tab moves on to the next control, as everywhere else
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setResizeContentsPrecision(200)  # fit columns on a sample: big trails stay fast
        self._fit_rows()

    def _fit_rows(self) -> None:
        height = max(theme.TOUCH, round(self.fontMetrics().height() * 1.9))
        rows = self.verticalHeader()
        rows.setMinimumSectionSize(theme.TOUCH)
        rows.setDefaultSectionSize(height)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_rows()
            self.fit_columns()

    def set_column_caps(self, caps: dict[int, int], widest: int = 40) -> None:
        """Widest a column may grow when fitted, in average characters (so it scales with the
        font): ``caps`` by column, ``widest`` for the others."""
        self._caps, self._widest = dict(caps), widest
        self.fit_columns()

    def fit_columns(self) -> None:
        """Columns as wide as their contents (sampled), capped; the last one takes the rest."""
        model = self.model()
        if model is None:
            return
        self.resizeColumnsToContents()
        char = self.fontMetrics().horizontalAdvance("0")  # digits: wider than the average
        caps = getattr(self, "_caps", {})
        widest = getattr(self, "_widest", 40)
        for column in range(model.columnCount()):
            cap = caps.get(column, widest) * char
            if self.columnWidth(column) > cap:
                self.setColumnWidth(column, cap)
        header = self.horizontalHeader()
        if header.stretchLastSection():  # fitting the last column undid its stretch: again
            header.setStretchLastSection(False)
            header.setStretchLastSection(True)

    def selected_row(self) -> int | None:
        rows = self.selectionModel().selectedRows() if self.selectionModel() else []
        return rows[0].row() if rows else None

    def select_row(self, row: int) -> None:
        model = self.model()
        if model is None or not 0 <= row < model.rowCount():
            return
        index = model.index(row, 0)
        self.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
