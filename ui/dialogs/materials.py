"""Materials dialogs: define a material, receive a lot (into quarantine, its certificate of
analysis kept when it came with one) and attach a lot's certificate of analysis. Each is one core
call (core/services/materials.py, material_lots.py) on a worker; core checks the code, the date,
the quantity and the file, and its refusal stays here in words with everything typed kept. QA's
decisions on a lot are in ui/dialogs/lot_decision.py."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QWidget

from core.i18n import N_, _
from core.words import MATERIAL_KIND_WORDS
from ui.dialogs.form_dialog import FormDialog, scan_field
from ui.models.materials import lot_title, quantity
from ui.widgets.common import TouchCombo, field, label

if TYPE_CHECKING:
    from core.records.materials import LotView, MaterialView
    from ui.context import AppContext

COA_FILES = [N_("Certificates (*.pdf *.png *.jpg *.jpeg *.tif *.tiff *.txt)")]


def _path(text: str) -> Path | None:
    typed = text.strip()
    return Path(typed) if typed else None


class DefineMaterialDialog(FormDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(
            context,
            _("Define a material"),
            _(
                "A material is defined once; its lots are then received against its code, counted "
                "in its unit. The code is what a template's scan check names (material:CODE)."
            ),
            _("Define material"),
            parent=parent,
        )
        from core.states import MaterialKind

        self.code = self.field(
            _("&Code"), _("Material code"), _("e.g. IL7 (letters, digits, . _ -)")
        )
        self.name = self.field(_("&Name"), _("Material name"), _("e.g. Interleukin-7, GMP grade"))
        self.kind = self.row(_("&Kind"), TouchCombo(self))
        self.kind.setAccessibleName(_("Kind of material"))
        for kind in MaterialKind:
            self.kind.addItem(MATERIAL_KIND_WORDS[kind], kind.value)
        self.supplier = self.field(_("&Supplier"), _("Supplier"), _("who delivers it"))
        self.unit = self.field(
            _("&Unit"), _("Unit"), _("what stock is counted in: vial, mL, µg, bag")
        )
        self.code.setFocus()

    def send(self) -> None:
        from core.services.materials import define_material

        self.run(
            define_material,
            self.context.db,
            self.context.actor,
            self.code.text(),
            self.name.text(),
            self.kind.currentData(),
            self.supplier.text(),
            self.unit.text(),
        )

    def after_refusal(self, error: BaseException) -> None:
        self.code.setFocus()


class ReceiveLotDialog(FormDialog):
    """Material, lot number (typed or scanned from the label), expiry, quantity, and the
    certificate of analysis if it came with the delivery."""

    def __init__(
        self,
        context: AppContext,
        materials: list[MaterialView],
        chosen: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            context,
            _("Receive a lot"),
            _(
                "The lot is received into quarantine: it may be used once QA has released it, "
                "with its certificate of analysis attached. Type or scan the lot number from the "
                "label."
            ),
            _("Receive lot"),
            parent=parent,
        )
        self.materials = {m.code: m for m in materials}
        self.material = self.row(_("&Material"), TouchCombo(self))
        self.material.setAccessibleName(_("Material"))
        for m in materials:
            self.material.addItem(f"{m.code} — {m.name}", m.code)
        if chosen is not None and (index := self.material.findData(chosen)) >= 0:
            self.material.setCurrentIndex(index)
        self.lot_number = self.row(
            _("&Lot number"),
            scan_field(_("Lot number"), self, _("type or scan the label's lot number")),
        )
        self.expiry = self.field(_("&Expiry"), _("Expiry date"), _("YYYY-MM-DD, as on the label"))
        self.quantity = field(
            _("Quantity received"), self, placeholder=_("what the delivery holds")
        )
        self.unit = label("", self)
        self.unit.setAccessibleName(_("Unit of the quantity"))
        self.unit.setWordWrap(False)
        line = QHBoxLayout()
        line.addWidget(self.quantity, 1)
        line.addWidget(self.unit)
        self.row(_("&Quantity"), line, buddy=self.quantity)
        self.coa = self.file_row(
            _("&CoA (optional)"),
            _("Certificate of analysis file"),
            _("Choose the certificate of analysis"),
            [_(f) for f in COA_FILES],
        )
        self.material.currentIndexChanged.connect(self._show_unit)
        self._show_unit()
        if not materials:
            self.message.error(_("No material is defined yet: QA or an administrator defines it."))
            self.submit.setEnabled(False)
        (self.lot_number if chosen else self.material).setFocus()

    def _show_unit(self) -> None:
        material = self.materials.get(self.material.currentData())
        self.unit.setText(material.unit if material else "")

    def send(self) -> None:
        from core.services.material_lots import receive_lot

        if self.material.currentData() is None:
            self.refuse(_("Choose the material first."), self.material)
            return
        self.run(
            receive_lot,
            self.context.db,
            self.context.actor,
            self.material.currentData(),
            self.lot_number.text(),
            self.expiry.text(),
            self.quantity.text(),
            coa=_path(self.coa.text()),
        )

    def after_refusal(self, error: BaseException) -> None:
        self.lot_number.setFocus()


class AttachCoaDialog(FormDialog):
    """A lot's certificate of analysis, kept as its exact bytes with their SHA-256."""

    def __init__(self, context: AppContext, lot: LotView, parent: QWidget | None = None) -> None:
        kept = ", ".join(a.filename for a in lot.attachments) or _("none yet")
        super().__init__(
            context,
            _("Attach a certificate of analysis · {lot}").format(lot=lot_title(lot)),
            _(
                "{material}, lot {lot}, expiry {expiry}, {received} received. Certificates kept: "
                "{kept}.<br>The file is kept exactly as it is, with its SHA-256; QA's release "
                "rests on it."
            ).format(
                material=lot.material_name,
                lot=lot.lot_number,
                expiry=lot.expiry.isoformat(),
                received=quantity(lot.quantity_received, lot.unit),
                kept=kept,
            ),
            _("Attach"),
            parent=parent,
        )
        self.lot = lot
        self.coa = self.file_row(
            _("&File"),
            _("Certificate of analysis file"),
            _("Choose the certificate of analysis"),
            [_(f) for f in COA_FILES],
        )
        self.coa.setFocus()

    def send(self) -> None:
        from core.services.material_lots import attach_coa

        path = _path(self.coa.text())
        if path is None:
            self.refuse(_("Choose the certificate of analysis file."), self.coa)
            return
        self.run(
            attach_coa,
            self.context.db,
            self.context.actor,
            self.lot.material_code,
            self.lot.lot_number,
            path,
        )

    def after_refusal(self, error: BaseException) -> None:
        self.coa.setFocus()
