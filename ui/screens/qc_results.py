"""QC results: the release tests of a batch, grouped by quality attribute (appearance, identity,
strength, viability, purity, potency, safety), with the same entry rules as the process steps."""

from __future__ import annotations

from typing import Any

from core.i18n import N_
from ui.screens.batch_record import BatchScreen


class QCResultsScreen(BatchScreen):
    title = N_("QC results")

    def __init__(self, context, parent=None) -> None:
        super().__init__(context, parent)
        self.release_only = True
        self.header.qc.hide()  # this screen is the release view; the batch screen has the steps
        self.header.record.show()
        self.header.record.clicked.connect(lambda: self.context.go("batch", lot=self.lot))

    def activate(self, lot: str | None = None, **arguments: Any) -> None:
        super().activate(lot=lot, release=True)
