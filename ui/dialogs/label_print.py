"""Print a batch's labels (batch record → "Labels…"): what was printed so far, per kind, then the
print — kind (bag, sample, vial), how many, the label stock (the kind's own by default), PDF or ZPL
(and the printer's dpi), the expiry and storage the labels state, a reason when labels of that
kind were printed before (a reprint), and the file to write.

One core call (core/services/labels.py ``print_labels``) on a worker: it writes the file, keeps the
print with its SHA-256, audits it and records the printed count into the template's
``counts = "labels"`` check in the same unit of work. Core's refusal (an expiry in the past, a
reprint without a reason, a file that exists, a batch not in progress) stays here in words with
everything typed kept."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QWidget

from core.i18n import N_, _, first_upper, ngettext
from core.labels.stock import STOCKS
from core.labels.zpl import DPI_CHOICES
from core.services.labels import MAX_COUNT
from core.states import LabelKind
from core.words import LABEL_KIND_WORDS
from ui.dialogs.form_dialog import FormDialog, text_box
from ui.file_dialogs import place, start_folder
from ui.widgets.common import TouchCombo, button, field, form_label, label
from ui.widgets.number_field import NumberField, stepper

if TYPE_CHECKING:
    from core.records.labels import LabelRecord
    from ui.context import AppContext

# the stock each kind is printed on unless the technician chooses another
KIND_STOCK = {LabelKind.BAG: "100x50", LabelKind.SAMPLE: "50x25", LabelKind.VIAL: "38x13"}
FILTERS = {"pdf": N_("PDF labels (*.pdf)"), "zpl": N_("ZPL for a label printer (*.zpl)")}


def printed_text(record: LabelRecord) -> str:
    """What was printed for the batch so far, per kind, in words."""
    done = [c for c in record.counts if c.printed]
    if not done:
        return _("No labels printed for this batch yet.")
    parts = [
        ngettext(
            "{printed} {kind} (serials 1–{last}, {prints} print)",
            "{printed} {kind} (serials 1–{last}, {prints} prints)",
            c.prints,
        ).format(printed=c.printed, kind=c.kind_words, last=c.last_serial, prints=c.prints)
        for c in done
    ]
    return _("Printed so far: {parts}.").format(parts="; ".join(parts))


class LabelPrintDialog(FormDialog):
    def __init__(
        self, context: AppContext, record: LabelRecord, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            context,
            _("Print labels — lot {lot}").format(lot=record.lot),
            _(
                "Labels carry the lot, the product, the chain-of-identity id where there is one, "
                "the expiry and storage, in words and as a QR code. Lotbook keeps each print and "
                "counts the labels printed for the reconciliation."
            ),
            _("Print labels"),
            working=_("Printing…"),
            parent=parent,
        )
        self.record = record
        self.file_dialog = None
        self.so_far = label(printed_text(record), self)
        self.so_far.setAccessibleName(_("Labels printed so far"))
        top = self.layout()
        top.insertWidget(top.indexOf(self.explanation) + 1, self.so_far)

        self.setMinimumWidth(860)
        self.kind = TouchCombo(self)
        self.kind.setAccessibleName(_("Kind of label"))
        for kind in LabelKind:
            self.kind.addItem(first_upper(LABEL_KIND_WORDS[kind]), kind.value)
        self.count = NumberField(1, MAX_COUNT, self)
        self.count.setValue(1)
        self.count.setAccessibleName(_("Number of labels"))
        self.count.setToolTip(
            _("1 to {most}; type a number or use − and + (or ↓ and ↑)").format(most=MAX_COUNT)
        )
        holder, _less, _more = stepper(self.count, _("Number of labels"), self)
        number = form_label(_("&Number"), self)
        number.setBuddy(self.count)
        line = QHBoxLayout()
        line.addWidget(self.kind, 1)
        line.addSpacing(16)
        line.addWidget(number)
        line.addWidget(holder)
        self.row(_("&Kind"), line, buddy=self.kind)
        self.stock = TouchCombo(self)
        self.stock.setAccessibleName(_("Label stock"))
        for stock in STOCKS.values():
            self.stock.addItem(f"{stock.words} ({stock.size_text})", stock.name)
        self.format = TouchCombo(self)
        self.format.setAccessibleName(_("Label format"))
        self.format.addItem("PDF", "pdf")
        self.format.addItem(_("ZPL (Zebra-class printer)"), "zpl")
        self.dpi = TouchCombo(self)
        self.dpi.setAccessibleName(_("Printer resolution"))
        for dpi in DPI_CHOICES:
            self.dpi.addItem(f"{dpi} dpi", dpi)
        form_caption = form_label(_("&Format"), self)
        form_caption.setBuddy(self.format)
        line = QHBoxLayout()
        line.addWidget(self.stock, 1)
        line.addSpacing(16)
        line.addWidget(form_caption)
        line.addWidget(self.format, 1)
        line.addWidget(self.dpi)
        self.row(_("&Stock"), line, buddy=self.stock)
        self.expiry = self.field(
            _("&Expiry"), _("Expiry date"), _("YYYY-MM-DD, the product's expiry")
        )
        self.storage = self.field(
            _("S&torage"),
            _("Storage condition"),
            _("as the label states it, e.g. ≤ −150 °C, LN₂ vapour"),
        )
        self.reason = self.row(_("&Reason"), text_box(_("Reason for a reprint"), self))
        self.path = field(_("Label file"), self, placeholder=_("the file to write"))
        choose = button(_("Choose…"), self, tip=_("Choose where the label file is written"))
        choose.setAccessibleName(_("Choose the label file"))
        choose.setAutoDefault(False)
        choose.clicked.connect(self._choose_target)
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(choose)
        self.row(_("F&ile"), where, buddy=self.path)

        self.kind.currentIndexChanged.connect(self._kind_chosen)
        self.format.currentIndexChanged.connect(self._format_chosen)
        self._kind_chosen()
        self._format_chosen()
        self.kind.setFocus()

    # -- the form follows the choices -------------------------------------------------------------

    def chosen_kind(self) -> LabelKind:
        return LabelKind(self.kind.currentData())

    def reprint(self) -> bool:
        kind = self.chosen_kind()
        return any(c.kind == kind and c.printed for c in self.record.counts)

    def _kind_chosen(self) -> None:
        kind = self.chosen_kind()
        self.stock.setCurrentIndex(max(0, self.stock.findData(KIND_STOCK[kind])))
        self.reason.setPlaceholderText(
            _("Required: labels of this kind were printed before (e.g. label torn, replaced)")
            if self.reprint()
            else _("Only for a reprint")
        )
        self._suggest_path()

    def _format_chosen(self) -> None:
        self.dpi.setVisible(self.format.currentData() == "zpl")
        self._suggest_path()

    def _suggest_path(self) -> None:
        """A file name that says what it holds, in the folder last used; a path the technician
        typed or chose keeps its folder."""
        name = f"{self.record.lot}-{self.chosen_kind().value}-labels.{self.format.currentData()}"
        typed = self.path.text().strip()
        folder = Path(typed).parent if typed else Path(start_folder())
        self.path.setText(str(folder / name))

    def _choose_target(self) -> None:
        fmt = str(self.format.currentData())
        dialog = QFileDialog(self, _("Write the labels to"))
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilters([_(FILTERS[fmt])])
        dialog.setDefaultSuffix(fmt)
        place(dialog)
        dialog.selectFile(Path(self.path.text()).name)
        dialog.fileSelected.connect(self.path.setText)
        self.file_dialog = dialog
        dialog.open()

    # -- printing ---------------------------------------------------------------------------------

    def send(self) -> None:
        from core.services.labels import print_labels

        if not self.path.text().strip():
            self.refuse(_("Choose the file the labels are written to."), self.path)
            return
        if self.reprint() and not self.reason.toPlainText().strip():
            self.refuse(
                first_upper(
                    _(
                        "{kind} labels were printed for this batch before: say why more are "
                        "printed."
                    ).format(kind=LABEL_KIND_WORDS[self.chosen_kind()])
                ),
                self.reason,
            )
            return
        self.run(
            print_labels,
            self.context.db,
            self.context.actor,
            self.record.lot,
            self.chosen_kind().value,
            self.count.value() or 0,
            self.stock.currentData(),
            Path(self.path.text().strip()),
            fmt=self.format.currentData(),
            expiry=self.expiry.text(),
            storage=self.storage.text(),
            reason=self.reason.toPlainText() or None,
            dpi=int(self.dpi.currentData()),
        )
