"""Batch list (placeholder until the batch list screen lands)."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout

from ui.screens.base import Screen
from ui.widgets.common import label


class BatchListScreen(Screen):
    title = "Batches"

    def __init__(self, context, parent=None) -> None:
        super().__init__(context, parent)
        layout = QVBoxLayout(self)
        layout.addWidget(label("Batches", self, role="title"))
        layout.addStretch(1)
