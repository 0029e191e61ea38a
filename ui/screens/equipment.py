"""Materials and equipment, the equipment tab: every item with its type, location, status and its
calibration, qualification and maintenance due dates, OVERDUE or due soon shown by icon and word
as core judged them on the site's today; filtered by type, or to what is due soon. A supervisor,
QA or an administrator registers an item, records a calibration, qualification or maintenance,
and takes an item out of service or back in; anyone opens an item's page (its events and the
batches that used it). A scan on the tab finds the item it names.

Each button is shown to the roles that may use it (core refuses anyway); everything is read and
done by core (core/services/equipment.py) on a worker."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QVBoxLayout, QWidget

from core.i18n import _, ngettext
from ui.models.equipment import EquipmentModel, status_text
from ui.widgets.busy import run_for
from ui.widgets.common import Message, TouchCombo, button, label
from ui.widgets.fitting_table import FittingTable

if TYPE_CHECKING:
    from core.records.equipment import EquipmentOutcome, EquipmentView
    from ui.context import AppContext


def state_text(items: list[EquipmentView], filtered: bool) -> str:
    from core.states import EquipmentStatus

    if not items:
        if filtered:
            return _("No equipment matches the filters.")
        return _("No equipment registered yet.")
    overdue = sum(1 for i in items if i.overdue)
    soon = sum(1 for i in items if i.due_soon and not i.overdue)
    out = sum(1 for i in items if i.status != EquipmentStatus.IN_USE)
    parts = [ngettext("{n} item", "{n} items", len(items)).format(n=len(items))]
    if overdue:
        parts.append("✖ " + ngettext("{n} overdue", "{n} overdue", overdue).format(n=overdue))
    if soon:
        parts.append("▲ " + ngettext("{n} due soon", "{n} due soon", soon).format(n=soon))
    if out:
        parts.append("✖ " + ngettext("{n} out of service", "{n} out of service", out).format(n=out))
    return " · ".join(parts)


class EquipmentTab(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from core.auth.roles import Permission
        from core.records.equipment import DUE_SOON_DAYS
        from core.states import EquipmentType
        from core.words import EQUIPMENT_TYPE_WORDS

        self.context = context
        self.setAccessibleName(_("Equipment"))
        self.dialog: Any = None  # the dialog opened last (tests type into it)
        self.may_manage = context.can(Permission.MANAGE_EQUIPMENT)
        self.due_days = DUE_SOON_DAYS

        self.type = TouchCombo(self)
        self.type.setAccessibleName(_("Type filter"))
        self.type.addItem(_("All types"), "")
        for kind in EquipmentType:
            self.type.addItem(EQUIPMENT_TYPE_WORDS[kind], kind.value)
        self.due_only = QCheckBox(
            _("Only due within {days} days or overdue").format(days=DUE_SOON_DAYS), self
        )
        self.due_only.setAccessibleName(_("Only due soon or overdue"))
        self.state = label(_("Reading the equipment…"), self)
        self.state.setAccessibleName(_("Equipment state"))
        self.message = Message(self)
        self.message.setAccessibleName(_("Equipment message"))
        self.model = EquipmentModel(self)
        self.table = FittingTable(_("Equipment"), self)
        self.table.setModel(self.model)
        self.table.set_column_caps({2: 24, 3: 18, 5: 22, 6: 22, 7: 22}, widest=24)
        self.table.set_yielding({2: 10, 3: 8, 1: 10})  # name, location, type: the flags stay

        self.open_page = button(
            _("Item page…"), self, tip=_("Its events and the batches that used it")
        )
        self.open_page.setAccessibleName(_("Open the item page"))
        self.register = button(_("Register…"), self, tip=_("Register a new item of equipment"))
        self.record = button(
            _("Record calibration / qualification / maintenance…"),
            self,
            tip=_("Record what was performed on the selected item, with its certificate"),
        )
        self.record.setAccessibleName(_("Record calibration, qualification or maintenance"))
        self.status = button(_("Take out of service…"), self)
        for widget in (self.register, self.record, self.status):
            widget.setVisible(self.may_manage)

        filters = QHBoxLayout()
        filters.setSpacing(8)
        filters.addWidget(label(_("Type"), self))
        filters.addWidget(self.type, 1)
        filters.addWidget(self.due_only)
        filters.addSpacing(16)
        filters.addWidget(self.state, 2)
        actions = QHBoxLayout()
        actions.setSpacing(8)
        for widget in (self.open_page, self.register, self.record, self.status):
            actions.addWidget(widget)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 8)
        layout.setSpacing(8)
        layout.addLayout(filters)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)

        self.type.activated.connect(lambda _i: self.reload())
        self.due_only.toggled.connect(lambda _on: self.reload())
        self.table.activated.connect(lambda _index: self.open_item_page())  # Enter, double-click
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.open_page.clicked.connect(self.open_item_page)
        self.register.clicked.connect(self.open_register)
        self.record.clicked.connect(lambda: self.open_record())
        self.status.clicked.connect(self.open_status)
        self._selection_changed()

    # -- data ------------------------------------------------------------------------------------

    def reload(self, select: str | None = None) -> None:
        from core.services.equipment import list_equipment

        current = self.selected_item()
        keep = select or (current.code if current else None)
        kind = self.type.currentData() or None
        within = self.due_days if self.due_only.isChecked() else None
        run_for(
            self,
            list_equipment,
            self.context.db,
            type=kind,
            due_within=within,
            on_done=lambda items: self._loaded(items, keep, bool(kind or within is not None)),
            on_error=self._failed,
        )

    def _loaded(self, items: list[EquipmentView], keep: str | None, filtered: bool) -> None:
        self.model.set_items(items)
        self.table.fit_columns()
        row = self.model.row_of(keep) if keep else None
        self.table.select_row(row if row is not None else 0)
        self.state.setText(state_text(items, filtered))
        self._selection_changed()

    def _failed(self, error: BaseException) -> None:
        from ui.errors import message_of

        self.message.error(message_of(error))

    def selected_item(self) -> EquipmentView | None:
        row = self.table.selected_row()
        return self.model.item_at(row) if row is not None else None

    def _selection_changed(self, *_args: Any) -> None:
        from core.states import EquipmentStatus

        item = self.selected_item()
        for widget in (self.open_page, self.record, self.status):
            widget.setEnabled(item is not None)
            if item is None:
                widget.setToolTip(_("Select an item in the list first"))
        if item is None:
            return
        self.open_page.setToolTip(
            _("{code}: its events and the batches that used it (Enter)").format(code=item.code)
        )
        self.record.setToolTip(
            _("Record what was performed on {code}, with its certificate").format(code=item.code)
        )
        going_out = item.status == EquipmentStatus.IN_USE
        self.status.setText(_("Take out of service…") if going_out else _("Back into service…"))
        self.status.setAccessibleName(self.status.text().rstrip("…"))
        tip = (
            _("{code} is {status}: take it out of service, with the reason")
            if going_out
            else _("{code} is {status}: the reason it may be used again")
        )
        self.status.setToolTip(tip.format(code=item.code, status=status_text(item)))

    def handle_scan(self, code: str) -> None:
        """A scanned asset code: select that item."""
        wanted = "".join(code.split()).upper()
        row = self.model.row_of(wanted)
        if row is not None:
            self.table.select_row(row)
            self.table.setFocus()
            self.message.info(
                _("Scanned {code}: {name}.").format(code=wanted, name=self.model.item_at(row).name)
            )
            return
        self.message.error(
            _(
                "Scanned {code}: no item with that asset code is listed. Clear the filters, or "
                "register it (Register…)."
            ).format(code=wanted)
        )

    # -- acts ------------------------------------------------------------------------------------

    def open_item_page(self) -> None:
        item = self.selected_item()
        if item is None:
            return
        from ui.dialogs.equipment_page import EquipmentPageDialog

        self._open(EquipmentPageDialog(self.context, item.code, self), None)

    def open_register(self) -> None:
        if not self.may_manage:
            return
        from ui.dialogs.equipment import RegisterEquipmentDialog

        self._open(RegisterEquipmentDialog(self.context, self), self._registered)

    def _registered(self, item: EquipmentView) -> None:
        self.message.ok(
            _("{code} ({name}, {type}) registered, in use.").format(
                code=item.code, name=item.name, type=item.type_words
            )
        )
        self.reload(select=item.code)

    def open_record(self, kind: str | None = None) -> None:
        item = self.selected_item()
        if item is None or not self.may_manage:
            return
        from ui.dialogs.equipment import RecordEventDialog

        self._open(RecordEventDialog(self.context, item, kind, self), self._changed)

    def open_status(self) -> None:
        item = self.selected_item()
        if item is None or not self.may_manage:
            return
        from ui.dialogs.equipment import EquipmentStatusDialog

        self._open(EquipmentStatusDialog(self.context, item, self), self._changed)

    def _changed(self, outcome: EquipmentOutcome) -> None:
        item, event = outcome.item, outcome.event
        if event is None:
            text = _("{code}: changed.").format(code=item.code)
        elif event.status_words is not None:
            text = _("{code}: now {status}.").format(code=item.code, status=event.status_words)
        else:
            text = _("{code}: {what} recorded.").format(code=item.code, what=event.kind_words)
        if outcome.notice:
            text += " " + outcome.notice
        if outcome.taken_out_of_service:
            self.message.error(text)
        elif outcome.notice:
            self.message.info(f"⚠ {text}")
        else:
            self.message.ok(text)
        self.reload(select=item.code)

    def _open(self, dialog: Any, on_done: Any) -> None:
        if self.dialog is not None and not getattr(self.dialog, "busy", False):
            self.dialog.deleteLater()
        self.message.clear()
        self.dialog = dialog
        if on_done is not None:
            dialog.finished_with.connect(on_done)
        dialog.open()
