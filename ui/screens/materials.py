"""Materials and equipment, the material lots tab: every lot with its status as QA decided it and
as it is today (EXPIRED past its expiry date), its stock and whether its certificate of analysis
is kept; filtered by material and status. From here QA or an administrator defines a material, a
technician, supervisor or QA receives a lot and attaches its certificate, QA decides (release,
reject, quarantine, expire: an e-signature), and anyone opens a lot's page (its decisions,
certificates and the batches that used it: recall). A scan on the tab finds the lot it names.

Each button is shown to the roles that may use it (core refuses anyway); everything is read and
done by core (core/services/materials.py, material_lots.py) on a worker."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from core.i18n import _, ngettext
from ui.models.materials import LotsModel, effective_words, lot_title, past_expiry
from ui.widgets.busy import run_for
from ui.widgets.common import Message, TouchCombo, button, label
from ui.widgets.fitting_table import FittingTable

if TYPE_CHECKING:
    from core.records.materials import LotView, MaterialView
    from ui.context import AppContext

ALL = ""  # the filters' "any" choice


def load_lots(db, material: str | None, status: str | None) -> tuple[list, list]:
    """The catalogue and the lots the filters ask for, in one call on a worker."""
    from core.services.materials import lots, materials

    return materials(db), lots(db, material, status)


def state_text(lots: list[LotView], filtered: bool) -> str:
    if not lots:
        return _("No lots match the filters.") if filtered else _("No lot has been received yet.")
    expired = sum(1 for lot in lots if past_expiry(lot))
    text = ngettext("{n} lot", "{n} lots", len(lots)).format(n=len(lots))
    if expired:
        text += " · ⊘ " + ngettext("{n} past expiry", "{n} past expiry", expired).format(n=expired)
    return text


class MaterialLotsTab(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from core.auth.roles import Permission
        from core.states import LotStatus
        from ui.models.materials import status_words

        self.context = context
        self.setAccessibleName(_("Material lots"))
        self.dialog: Any = None  # the dialog opened last (tests type into it)
        self.catalogue: list[MaterialView] = []
        self.may_define = context.can(Permission.MANAGE_MATERIALS)
        self.may_receive = context.can(Permission.RECEIVE_MATERIALS)
        self.may_decide = context.can(Permission.DECIDE_MATERIAL_LOT)

        self.material = TouchCombo(self)
        self.material.setAccessibleName(_("Material filter"))
        self.material.addItem(_("All materials"), ALL)
        # a material's name may be long: the list opens wide, the box itself stays modest
        self.material.setSizeAdjustPolicy(
            TouchCombo.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.material.setMinimumContentsLength(24)
        self.status = TouchCombo(self)
        self.status.setAccessibleName(_("Status filter"))
        self.status.addItem(_("Any status"), ALL)
        for status in LotStatus:
            self.status.addItem(
                _("{status} (today)").format(status=status_words(status)), status.value
            )
        self.state = label(_("Reading the lots…"), self)
        self.state.setAccessibleName(_("Lots state"))
        self.message = Message(self)
        self.message.setAccessibleName(_("Materials message"))
        self.model = LotsModel(self)
        self.table = FittingTable(_("Material lots"), self)
        self.table.setModel(self.model)
        self.table.set_column_caps({1: 30, 2: 20}, widest=20)
        self.table.set_yielding({1: 10})  # the material's name gives way first

        self.open_page = button(
            _("Lot page…"), self, tip=_("Decisions, certificates, used by (Enter)")
        )
        self.open_page.setAccessibleName(_("Open the lot page"))
        self.receive = button(
            _("Receive lot…"), self, tip=_("Receive a delivered lot into quarantine")
        )
        self.attach = button(
            _("Attach CoA…"), self, tip=_("Keep the lot's certificate of analysis")
        )
        self.decide = button(
            _("QA decision…"),
            self,
            tip=_("Release, reject, quarantine or expire the selected lot (your e-signature)"),
        )
        self.define = button(
            _("Define material…"), self, tip=_("A new material its lots are received of")
        )
        self.receive.setVisible(self.may_receive)
        self.attach.setVisible(self.may_receive)
        self.decide.setVisible(self.may_decide)
        self.define.setVisible(self.may_define)

        filters = QHBoxLayout()
        filters.setSpacing(8)
        filters.addWidget(label(_("Material"), self))
        filters.addWidget(self.material, 2)
        filters.addWidget(label(_("Status"), self))
        filters.addWidget(self.status, 1)
        filters.addWidget(self.state, 2)
        actions = QHBoxLayout()
        actions.setSpacing(8)
        for widget in (self.open_page, self.receive, self.attach, self.decide, self.define):
            actions.addWidget(widget)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 8)
        layout.setSpacing(8)
        layout.addLayout(filters)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)

        self.material.activated.connect(lambda _i: self.reload())
        self.status.activated.connect(lambda _i: self.reload())
        self.table.activated.connect(lambda _index: self.open_lot_page())  # Enter, double-click
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.open_page.clicked.connect(self.open_lot_page)
        self.receive.clicked.connect(self.open_receive)
        self.attach.clicked.connect(self.open_attach)
        self.decide.clicked.connect(self.open_decide)
        self.define.clicked.connect(self.open_define)
        self._selection_changed()

    # -- data ------------------------------------------------------------------------------------

    def reload(self, select: tuple[str, str] | None = None) -> None:
        current = self.selected_lot()
        keep = select or ((current.material_code, current.lot_number) if current else None)
        material = self.material.currentData() or None
        status = self.status.currentData() or None
        run_for(
            self,
            load_lots,
            self.context.db,
            material,
            status,
            on_done=lambda both: self._loaded(*both, keep, bool(material or status)),
            on_error=self._failed,
        )

    def _loaded(
        self, catalogue: list[MaterialView], lots: list[LotView], keep, filtered: bool
    ) -> None:
        self.catalogue = catalogue
        self._fill_materials(catalogue)
        self.model.set_items(lots)
        self.table.fit_columns()
        row = self.model.row_of(*keep) if keep else None
        self.table.select_row(row if row is not None else 0)
        self.state.setText(state_text(lots, filtered))
        self._selection_changed()

    def _fill_materials(self, catalogue: list[MaterialView]) -> None:
        chosen = self.material.currentData()
        self.material.clear()
        self.material.addItem(_("All materials"), ALL)
        # a material's name may be long: the list opens wide, the box itself stays modest
        self.material.setSizeAdjustPolicy(
            TouchCombo.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.material.setMinimumContentsLength(24)
        for m in catalogue:
            self.material.addItem(f"{m.code} — {m.name} ({m.unit})", m.code)
        self.material.setCurrentIndex(max(0, self.material.findData(chosen)))

    def _failed(self, error: BaseException) -> None:
        from ui.errors import message_of

        self.message.error(message_of(error))

    def selected_lot(self) -> LotView | None:
        row = self.table.selected_row()
        return self.model.lot_at(row) if row is not None else None

    def _selection_changed(self, *_args: Any) -> None:
        from ui.dialogs.lot_decision import final_text

        lot = self.selected_lot()
        none = _("Select a lot in the list first")
        for widget in (self.open_page, self.attach, self.decide):
            widget.setEnabled(lot is not None)
        if lot is None:
            for widget in (self.open_page, self.attach, self.decide):
                widget.setToolTip(none)
            return
        name = lot_title(lot)
        self.open_page.setToolTip(
            _("{name}: decisions, certificates, used by (Enter)").format(name=name)
        )
        self.attach.setToolTip(_("Keep the certificate of analysis of {name}").format(name=name))
        final = final_text(lot)
        self.decide.setEnabled(not final)
        self.decide.setToolTip(
            final
            or _(
                "{name} is {status}: release, reject, quarantine or expire it (your e-signature)"
            ).format(name=name, status=effective_words(lot))
        )

    def handle_scan(self, code: str) -> None:
        """A scanned lot number: select that lot (the filters let go if it is hidden by them)."""
        wanted = " ".join(code.split()).upper()
        row = self.model.row_where(lambda v: v.lot_number.upper() == wanted)
        if row is not None:
            self.table.select_row(row)
            self.table.setFocus()
            self.message.info(
                _("Scanned {code}: {lot}.").format(code=code, lot=lot_title(self.model.lot_at(row)))
            )
            return
        self.message.error(
            _(
                "Scanned {code}: no lot with that number is listed. Clear the filters, or receive "
                "it (Receive lot…)."
            ).format(code=code)
        )

    # -- acts ------------------------------------------------------------------------------------

    def open_lot_page(self) -> None:
        lot = self.selected_lot()
        if lot is None:
            return
        from ui.dialogs.lot_page import LotPageDialog

        self._open(LotPageDialog(lot, self), None)

    def open_receive(self) -> None:
        if not self.may_receive:
            return
        from ui.dialogs.materials import ReceiveLotDialog

        chosen = self.material.currentData() or None
        self._open(ReceiveLotDialog(self.context, self.catalogue, chosen, self), self._received)

    def _received(self, lot: LotView) -> None:
        said = (
            _("{lot} received into quarantine (with its certificate of analysis).")
            if lot.has_coa
            else _("{lot} received into quarantine (no certificate yet).")
        )
        self.message.ok(said.format(lot=lot_title(lot)))
        self.reload(select=(lot.material_code, lot.lot_number))

    def open_attach(self) -> None:
        lot = self.selected_lot()
        if lot is None or not self.may_receive:
            return
        from ui.dialogs.materials import AttachCoaDialog

        self._open(AttachCoaDialog(self.context, lot, self), self._attached)

    def _attached(self, lot: LotView) -> None:
        newest = lot.attachments[-1]
        self.message.ok(
            _("Certificate {file} kept with {lot} (SHA-256 {sha}…).").format(
                file=newest.filename, lot=lot_title(lot), sha=newest.sha256[:16]
            )
        )
        self.reload(select=(lot.material_code, lot.lot_number))

    def open_decide(self, status: str | None = None) -> None:
        lot = self.selected_lot()
        if lot is None or not self.may_decide:
            return
        from ui.dialogs.lot_decision import DecideLotDialog

        self._open(DecideLotDialog(self.context, lot, status or None, self), self._decided)

    def _decided(self, lot: LotView) -> None:
        decision = lot.decisions[-1]
        self.message.ok(
            _("{lot}: {meaning}, signed by {who}. Today it is {status}.").format(
                lot=lot_title(lot),
                meaning=decision.meaning,
                who=decision.decided_by_name,
                status=effective_words(lot),
            )
        )
        self.reload(select=(lot.material_code, lot.lot_number))

    def open_define(self) -> None:
        if not self.may_define:
            return
        from ui.dialogs.materials import DefineMaterialDialog

        self._open(DefineMaterialDialog(self.context, self), self._defined)

    def _defined(self, material: MaterialView) -> None:
        self.message.ok(
            _(
                "Material {code} ({name}, counted in {unit}) defined: receive its lots with "
                "Receive lot…"
            ).format(code=material.code, name=material.name, unit=material.unit)
        )
        self.reload()

    def _open(self, dialog: Any, on_done: Any) -> None:
        if self.dialog is not None and not getattr(self.dialog, "busy", False):
            self.dialog.deleteLater()
        self.message.clear()
        self.dialog = dialog
        if on_done is not None:
            dialog.finished_with.connect(on_done)
        dialog.open()
