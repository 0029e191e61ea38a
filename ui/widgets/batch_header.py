"""The header of the batch screen, never scrolled away: what is being made, for whom, its state,
and its exceptions counted in words."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QWidget

from core.i18n import _, ngettext
from core.models.batches import TAKES_RESULTS
from core.readmodels import BatchView
from ui.widgets.common import button, label
from ui.widgets.signatures_panel import signatures_html, statements_tip


class BatchHeader(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "panel")
        self.product = label("", self, role="subtle")
        self.lot = label("", self, role="title")
        self.lot.setAccessibleName(_("Lot"))
        self.coi = QLabel("", self)
        self.coi.setProperty("role", "coi")
        self.coi.setAccessibleName(_("Chain of identity"))
        self.status = QLabel("", self)
        self.status.setAccessibleName(_("Batch status"))
        self.exceptions = QLabel("", self)
        self.exceptions.setAccessibleName(_("Exceptions"))
        self.signatures = label("", self)  # the batch's own: review, QA disposition
        self.signatures.setAccessibleName(_("Batch signatures"))
        self.signatures.hide()
        self.qc = button(_("QC results"), self, tip=_("Release QC results, grouped by attribute"))
        self.custody = button(
            _("Custody"), self, tip=_("Chain of custody of the patient's material")
        )
        self.labels = button(
            _("Labels…"), self, tip=_("Print bag, sample or vial labels for this batch")
        )
        self.back = button(_("Batches"), self, tip=_("Back to the batch list (Alt+B)"))
        self.record = button(_("Batch record"), self, tip=_("The steps of this batch"))
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
            _("{family} · {title} · template {key} v{version}").format(
                family=view.product_family,
                title=view.template_title,
                key=view.template_key,
                version=view.template_version,
            )
        )
        self.lot.setText(_("Lot {lot}").format(lot=view.lot))
        self.coi.setText(_("COI {coi}").format(coi=view.coi_id) if view.coi_id else "")
        self.coi.setVisible(bool(view.coi_id))
        self.custody.setVisible(view.autologous)  # an autologous batch keeps a custody trail
        self.labels.setVisible(not release_only and view.status in TAKES_RESULTS)
        from ui.models.batches import status_words

        self.status.setText(_("Status: <b>{status}</b>").format(status=status_words(view.status)))
        self.show_counts(view)
        self.signatures.setText(signatures_html(view.batch_signatures))
        self.signatures.setToolTip(statements_tip(view.batch_signatures))
        self.signatures.setVisible(bool(view.batch_signatures))
        if release_only:
            self.product.setText(self.product.text() + " · " + _("QC results"))

    def show_counts(self, view: BatchView) -> None:
        ex = view.exceptions
        oos, awaiting, corrected = ex["out_of_spec"], ex["awaiting_justification"], ex["corrected"]
        deviations, excursions = ex["open_deviations"], ex["process_excursions"]
        invalid = ex.get("invalidated_signatures", 0)
        parts = [
            _count(oos, ngettext("{n} out of spec", "{n} out of spec", oos)),
            _count(
                awaiting,
                ngettext(
                    "{n} awaiting a comment or deviation",
                    "{n} awaiting a comment or deviation",
                    awaiting,
                ),
            ),
            _count(corrected, ngettext("{n} corrected", "{n} corrected", corrected)),
            _count(deviations, ngettext("{n} open deviation", "{n} open deviations", deviations)),
            _count(
                excursions,
                ngettext("{n} process excursion", "{n} process excursions", excursions),
            ),
            _count(
                invalid, ngettext("{n} signature not valid", "{n} signatures not valid", invalid)
            ),
        ]
        shown = [p for p in parts if p]
        marker = "✖ " if oos or awaiting else ""
        text = marker + (" · ".join(shown) if shown else _("no exceptions"))
        if text != self.exceptions.text():
            self.exceptions.setText(text)


def _count(n: int, words: str) -> str:
    """``words`` (ngettext's, with ``{n}``) for a count; nothing for none."""
    return words.format(n=n) if n else ""
