"""The history of one value: every version, oldest first, with who, when and why."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHeaderView, QTableView, QVBoxLayout, QWidget

from core.readmodels import CheckView
from ui.models.history import HistoryModel
from ui.widgets.common import button, label


class HistoryDialog(QDialog):
    def __init__(self, check: CheckView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"History of {check.name}")
        self.resize(1100, 420)
        self.model = HistoryModel(check.history, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName(f"History of {check.id}")
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        close = button("Close", self, default=True, tip="Esc")
        close.setMaximumWidth(200)
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(label(f"<b>{check.name}</b> ({check.id}) — spec: {check.spec}", self))
        layout.addWidget(self.table)
        layout.addWidget(close)
