"""The QA disposition part of the sign dialog: the dispositions that fit the lot now, the reason,
and, for an exceptional release or QA's acknowledgement of a result that failed after release,
the deviation it rests on and how the treating physician was notified (core's NEEDS_PHYSICIAN).
It may seal the batch summary in the same act.

Which dispositions a lot may still get is core's table (core.services.signing); whether the lot is
autologous and a gating result fails is core's too (BatchView.autologous, release_gate). What a
chosen disposition still waits for comes from core's preview, shown beside this form."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QVBoxLayout,
    QWidget,
)

from core.i18n import N_, _
from core.signing_views import DISPOSITION_LABEL, NEEDS_PHYSICIAN, Disposition
from core.words import deviation_status_words
from ui.widgets.common import button, field, form_label, label
from ui.widgets.fitted import ElidingCombo, NoteEdit

if TYPE_CHECKING:
    from core.readmodels import BatchView

CHOOSE = N_("Choose the disposition…")
TIP = Qt.ItemDataRole.ToolTipRole
NEEDS_TEXT = {
    Disposition.EXCEPTIONAL_RELEASE: (
        N_(
            "An exceptional release names the closed deviation it rests on and how the treating "
            "physician was notified."
        )
    ),
    Disposition.POST_RELEASE_OOS: (
        N_(
            "The acknowledgement names the failure's deviation and how the treating physician was "
            "notified."
        )
    ),
}


def default_pdf_path(lot: str, kind: str = "batch summary") -> str:
    """In the user's documents folder when it exists, else in their home folder."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    where = Path(folder) if folder and Path(folder).is_dir() else Path.home()
    return str(where / f"{lot} {kind}.pdf")


def lot_facts(db: Any, lot: str) -> tuple[BatchView, tuple[str, ...]]:
    """On a worker: the batch as core reads it, and the dispositions core offers for it now."""
    from core.services.batches import show_batch
    from core.services.dispositions import dispositions_offered

    view = show_batch(db, lot)
    return view, tuple(str(d) for d in dispositions_offered(view))


class DispositionForm(QWidget):
    changed = Signal()  # the disposition chosen changed
    edited = Signal()  # a detail was typed or chosen

    def __init__(self, lot: str, offer_export: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lot = lot
        self.setAccessibleName(_("Disposition"))
        self.setObjectName("dispositionForm")
        self.choice = ElidingCombo(_("Disposition"), self)
        self.choice.addItem(_("Reading the lot…"), None)
        self.reason = NoteEdit(_("Reason for the disposition"), _("what it rests on"), self)
        self.needs = label("", self, role="subtle")
        self.needs.setAccessibleName(_("What this disposition needs"))
        self.deviation = ElidingCombo(_("Deviation the disposition rests on"), self)
        self.physician_caption = label(
            _("<b>Treating physician notified</b>: who, when and how"), self
        )
        self.physician = NoteEdit(
            _("Treating physician notified"),
            _("Dr A. Novak informed by phone on 3 Nov at 14:20 by …"),
            self,
        )
        self.exporting = self.path = None
        form = self.form = QFormLayout()
        form.setVerticalSpacing(8)
        form.addRow(form_label(_("<b>Disposition</b>"), self), self.choice)
        form.addRow(form_label(_("<b>Reason</b>"), self), self.reason)  # kept with the signature
        form.addRow(self.needs)
        form.addRow(form_label(_("<b>Deviation</b>"), self), self.deviation)
        form.addRow(self.physician_caption)
        form.addRow(self.physician)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addLayout(form)
        if offer_export:
            self.exporting = QCheckBox(_("Seal the batch summary (PDF) in the same act"), self)
            self.exporting.setAccessibleName(_("Seal the batch summary in the same act"))
            self.path = field(_("PDF file"), self)
            self.path.setText(default_pdf_path(lot))
            choose = self.choose_button = button(
                _("Choose…"), self, tip=_("Where the sealed PDF is written")
            )
            choose.setAutoDefault(False)
            choose.clicked.connect(self._choose_path)
            for widget in (self.path, choose):  # shown once asked for
                widget.setVisible(False)
                self.exporting.toggled.connect(widget.setVisible)
            row = QHBoxLayout()
            row.addWidget(self.path, 1)
            row.addWidget(choose)
            layout.addWidget(self.exporting)
            layout.addLayout(row)
        layout.addStretch(1)
        self.choice.currentIndexChanged.connect(self._chosen)
        self.reason.textChanged.connect(self.edited)
        self.deviation.activated.connect(self.edited)
        self.physician.textChanged.connect(self.edited)
        self._show_needs()

    # -- filling ---------------------------------------------------------------------------------

    def show_lot(self, view: BatchView, choices: tuple[str, ...]) -> tuple[str, ...]:
        """Offer the dispositions core offers for the lot, and its deviations; returns them."""
        self.choice.blockSignals(True)
        self.choice.clear()
        if len(choices) != 1:
            self.choice.addItem(
                _(CHOOSE) if choices else _("No disposition can be approved now"), None
            )
        for key in choices:
            self.choice.addItem(DISPOSITION_LABEL[key], str(key))
        self.choice.setEnabled(bool(choices))
        self.choice.blockSignals(False)
        self.deviation.clear()
        if len(view.deviations) != 1:
            what = _("Choose the deviation…") if view.deviations else _("This lot has no deviation")
            self.deviation.addItem(what, None)
        for dev in view.deviations:
            status = deviation_status_words(dev.status)
            self.deviation.addItem(f"{dev.ref} · {status} · {dev.description}", dev.ref)
            tip = f"{dev.ref} ({status}): {dev.description}"
            self.deviation.setItemData(self.deviation.count() - 1, tip, TIP)
        self._chosen()
        return choices

    def _choose_path(self) -> None:
        chosen, _filter = QFileDialog.getSaveFileName(
            self, _("Save the sealed batch summary"), self.path.text(), _("PDF files (*.pdf)")
        )
        if chosen:
            self.path.setText(chosen)
            self.exporting.setChecked(True)

    def _chosen(self, *_args: Any) -> None:
        self._show_needs()
        self.changed.emit()

    def _show_needs(self) -> None:
        needed = self.needs_physician()
        needs = NEEDS_TEXT.get(self.disposition() or "")
        self.needs.setText(_(needs) if needs else "")
        self.needs.setVisible(needed)
        for widget in (self.deviation, self.physician, self.physician_caption):
            widget.setVisible(needed)
        self.form.labelForField(self.deviation).setVisible(needed)

    # -- what was chosen -------------------------------------------------------------------------

    def disposition(self) -> str | None:
        return self.choice.currentData()

    def choose(self, key: str) -> None:
        index = self.choice.findData(key)
        if index >= 0:
            self.choice.setCurrentIndex(index)

    def choose_deviation(self, ref: str) -> None:
        index = self.deviation.findData(ref)
        if index >= 0:
            self.deviation.setCurrentIndex(index)

    def needs_physician(self) -> bool:
        return self.disposition() in NEEDS_PHYSICIAN

    def details(self) -> dict[str, Any]:
        """The keyword arguments of core's sign (and approve_and_export) for the disposition."""
        out: dict[str, Any] = {"disposition": self.disposition(), "reason": self.reason.text()}
        if self.needs_physician():
            out["deviation"] = self.deviation.currentData()
            out["physician"] = self.physician.text()
        return out

    def tab_chain(self) -> list[QWidget]:
        chain: list[QWidget] = [self.choice, self.reason, self.deviation, self.physician]
        if self.exporting is not None:
            chain += [self.exporting, self.path, self.choose_button]
        return chain

    def export_path(self) -> str | None:
        if self.exporting is not None and self.exporting.isChecked():
            return self.path.text().strip()
        return None
