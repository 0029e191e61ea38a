"""The header of the batch screen, never scrolled away: what is being made, for whom, its state,
and its exceptions counted in words."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QWidget

from core.models.batches import TAKES_RESULTS
from core.readmodels import BatchView
from ui.widgets.common import button, label
from ui.widgets.signatures_panel import signatures_html


class BatchHeader(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "panel")
        self.product = label("", self, role="subtle")
        self.lot = label("", self, role="title")
        self.lot.setAccessibleName("Lot")
        self.coi = QLabel("", self)
        self.coi.setProperty("role", "coi")
        self.coi.setAccessibleName("Chain of identity")
        self.status = QLabel("", self)
        self.status.setAccessibleName("Batch status")
        self.exceptions = QLabel("", self)
        self.exceptions.setAccessibleName("Exceptions")
        self.signatures = label("", self)  # the batch's own: review, QA disposition
        self.signatures.setAccessibleName("Batch signatures")
        self.signatures.hide()
        self.qc = button("QC results", self, tip="Release QC results, grouped by attribute")
        self.custody = button("Custody", self, tip="Chain of custody of the patient's material")
        self.labels = button("Labels…", self, tip="Print bag, sample or vial labels for this batch")
        self.back = button("Batches", self, tip="Back to the batch list (Alt+B)")
        self.record = button("Batch record", self, tip="The steps of this batch")
        self.record.hide()  # shown on the QC results screen, the way back to the steps
        grid = QGridLayout(self)
        grid.setContentsMargins(12, 6, 12, 6)
        grid.addWidget(self.product, 0, 0, 1, 2)
        grid.addWidget(self.lot, 1, 0)
        grid.addWidget(self.coi, 1, 1)
        grid.addWidget(self.status, 2, 0)
        grid.addWidget(self.exceptions, 2, 1)
        grid.addWidget(self.signatures, 3, 0, 1, 3)
        buttons = QHBoxLayout()
        buttons.addWidget(self.qc)
        buttons.addWidget(self.record)
        buttons.addWidget(self.custody)
        buttons.addWidget(self.labels)
        buttons.addWidget(self.back)
        grid.addLayout(buttons, 1, 2)
        grid.setColumnStretch(1, 1)

    def show_batch(self, view: BatchView, release_only: bool) -> None:
        self.product.setText(
            f"{view.product_family} · {view.template_title} · template {view.template_key} "
            f"v{view.template_version}"
        )
        self.lot.setText(f"Lot {view.lot}")
        self.coi.setText(f"COI {view.coi_id}" if view.coi_id else "")
        self.coi.setVisible(bool(view.coi_id))
        self.custody.setVisible(view.autologous)  # an autologous batch keeps a custody trail
        self.labels.setVisible(not release_only and view.status in TAKES_RESULTS)
        from ui.models.batches import status_words

        self.status.setText(f"Status: <b>{status_words(view.status)}</b>")
        self.show_counts(view)
        self.signatures.setText(signatures_html(view.batch_signatures))
        self.signatures.setVisible(bool(view.batch_signatures))
        if release_only:
            self.product.setText(self.product.text() + " · QC results")

    def show_counts(self, view: BatchView) -> None:
        ex = view.exceptions
        parts = [
            _count(ex["out_of_spec"], "out of spec"),
            _count(ex["awaiting_justification"], "awaiting a comment or deviation"),
            _count(ex["corrected"], "corrected"),
            _count(ex["open_deviations"], "open deviation", "open deviations"),
            _count(ex["process_excursions"], "process excursion", "process excursions"),
            _count(
                ex.get("invalidated_signatures", 0),
                "signature not valid",
                "signatures not valid",
            ),
        ]
        shown = [p for p in parts if p]
        marker = "✖ " if ex["out_of_spec"] or ex["awaiting_justification"] else ""
        text = marker + (" · ".join(shown) if shown else "no exceptions")
        if text != self.exceptions.text():
            self.exceptions.setText(text)


def _count(n: int, one: str, many: str | None = None) -> str:
    if not n:
        return ""
    return f"{n} {one if n == 1 else (many or one)}"
