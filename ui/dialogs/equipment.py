"""Equipment dialogs: register an item, record a calibration, qualification or maintenance
(performed on, next due, passed or failed, the certificate's reference and file), and take an
item out of service or back in (with a reason). Each is one core call
(core/services/equipment.py) on a worker; core reads the dates (YYYY-MM-DD), decides what the
outcome means (a failed calibration takes the item out of service) and refuses in words; the
refusal stays here with everything typed kept."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QRadioButton, QWidget

from core.i18n import N_, _, ngettext
from core.words import EQUIPMENT_EVENT_WORDS, EQUIPMENT_TYPE_WORDS
from ui.dialogs.form_dialog import FormDialog, scan_field, text_box
from ui.models.equipment import due_text, status_text, usable_text
from ui.widgets.common import TouchCombo, label

if TYPE_CHECKING:
    from core.records.equipment import EquipmentView
    from ui.context import AppContext

DAY = N_("YYYY-MM-DD")
CERTIFICATE_FILES = [N_("Certificates (*.pdf *.png *.jpg *.jpeg *.tif *.tiff *.txt)")]


def item_facts(item: EquipmentView) -> str:
    dues = " · ".join(f"{d.words}: {due_text(d)}" for d in item.dues)
    return _(
        "<b>{code}</b> — {name} ({type}), {location} · {status}<br>Due dates: {dues}<br>{usable}"
    ).format(
        code=item.code,
        name=item.name,
        type=item.type_words,
        location=item.location,
        status=status_text(item),
        dues=dues,
        usable=usable_text(item),
    )


class RegisterEquipmentDialog(FormDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(
            context,
            _("Register equipment"),
            _(
                "The item is registered in use, with the due dates it has; a scan check that names "
                "its type (equipment:TYPE) accepts it while none of them has passed. Type or scan "
                "the asset code from its label."
            ),
            _("Register"),
            parent=parent,
        )
        from core.states import EquipmentType

        self.code = self.row(_("Asset &code"), scan_field(_("Asset code"), self, _("e.g. BSC-01")))
        self.type = self.row(_("&Type"), TouchCombo(self))
        self.type.setAccessibleName(_("Equipment type"))
        for kind in EquipmentType:
            self.type.addItem(EQUIPMENT_TYPE_WORDS[kind], kind.value)
        self.name = self.field(
            _("&Name"), _("Equipment name"), _("make and model, as on the asset list")
        )
        self.location = self.field(
            _("&Location"), _("Location"), _("room or area, e.g. Cleanroom 2")
        )
        or_none = _("{day} or none").format(day=_(DAY))
        self.calibration = self.field(_("Ca&libration due"), _("Calibration due date"), or_none)
        self.qualification = self.field(
            _("&Qualification due"), _("Qualification due date"), or_none
        )
        self.maintenance = self.field(_("&Maintenance due"), _("Maintenance due date"), or_none)
        self.code.setFocus()

    def send(self) -> None:
        from core.services.equipment import register_equipment

        self.run(
            register_equipment,
            self.context.db,
            self.context.actor,
            self.code.text(),
            self.type.currentData(),
            self.name.text(),
            self.location.text(),
            calibration_due=self.calibration.text(),
            qualification_due=self.qualification.text(),
            maintenance_due=self.maintenance.text(),
        )

    def after_refusal(self, error: BaseException) -> None:
        self.code.setFocus()


class RecordEventDialog(FormDialog):
    """A calibration, qualification or maintenance performed on the item."""

    def __init__(
        self,
        context: AppContext,
        item: EquipmentView,
        kind: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            context,
            _("Record calibration, qualification or maintenance · {code}").format(code=item.code),
            item_facts(item),
            _("Record"),
            parent=parent,
        )
        from core.services.equipment_inputs import RECORDED

        self.setMinimumWidth(860)
        self.item = item
        self.kind = self.row(_("&What"), TouchCombo(self))
        self.kind.setAccessibleName(_("What was performed"))
        for what in RECORDED:
            self.kind.addItem(EQUIPMENT_EVENT_WORDS[what], what.value)
        if kind is not None and (index := self.kind.findData(kind)) >= 0:
            self.kind.setCurrentIndex(index)
        self.performed = self.field(
            _("&Performed on"),
            _("Performed on"),
            _("{day}, as on the certificate").format(day=_(DAY)),
        )
        self.performed.setText(QDate.currentDate().toString("yyyy-MM-dd"))
        self.next_due = self.field(_("&Next due"), _("Next due date"), _(DAY))
        self.passed = QRadioButton(_("✔ Pa&ssed"), self)
        self.passed.setAccessibleName(_("Passed"))
        self.failed = QRadioButton(_("✖ F&ailed"), self)
        self.failed.setAccessibleName(_("Failed"))
        self.outcome = QButtonGroup(self)
        for radio in (self.passed, self.failed):
            self.outcome.addButton(radio)
        choice = QHBoxLayout()
        choice.setSpacing(24)
        choice.addWidget(self.passed)
        choice.addWidget(self.failed)
        choice.addStretch(1)
        self.outcome_caption = label(_("Outcome"), self)
        self.form.addRow(self.outcome_caption, choice)
        self.outcome_caption.setMinimumHeight(44)
        self.certificate = self.field(
            _("&Certificate ref"), _("Certificate reference"), _("the certificate's number")
        )
        self.certificate_file = self.file_row(
            _("Certificate &file"),
            _("Certificate file"),
            _("Choose the certificate"),
            [_(f) for f in CERTIFICATE_FILES],
        )
        self.note = self.row(_("N&ote"), text_box(_("Note"), self, _("optional")))
        self.note.setMaximumHeight(44 * 2)
        self.failing = label(
            _(
                "✖ A failed calibration or qualification takes the item out of service at once; "
                "its due date stays as it was (leave the next due date empty)."
            ),
            self,
        )
        self.failing.setAccessibleName(_("What a failure does"))
        self.failing.hide()
        self.body.addWidget(self.failing)
        self.kind.currentIndexChanged.connect(self._kind_chosen)
        self.failed.toggled.connect(self._outcome_chosen)
        self._kind_chosen()
        self.kind.setFocus()

    def _judged(self) -> bool:
        from core.services.equipment_inputs import JUDGED

        return self.kind.currentData() in JUDGED

    def _kind_chosen(self) -> None:
        """Passed or failed only for what is judged (core's JUDGED): maintenance is done."""
        judged = self._judged()
        for widget in (self.passed, self.failed, self.outcome_caption):
            widget.setVisible(judged)
        self._outcome_chosen()

    def _outcome_chosen(self) -> None:
        self.failing.setVisible(self._judged() and self.failed.isChecked())
        self.fit()

    def send(self) -> None:
        from core.services.equipment import record_event

        passed = None
        if self._judged() and self.outcome.checkedButton() is not None:
            passed = self.passed.isChecked()
        typed = self.certificate_file.text().strip()
        self.run(
            record_event,
            self.context.db,
            self.context.actor,
            self.item.code,
            self.kind.currentData(),
            self.performed.text(),
            next_due=self.next_due.text(),
            passed=passed,
            certificate=self.certificate.text(),
            certificate_file=Path(typed) if typed else None,
            note=self.note.toPlainText(),
        )

    def after_refusal(self, error: BaseException) -> None:
        self.kind.setFocus()


class EquipmentStatusDialog(FormDialog):
    """Take the item out of service, or back into service, with the reason."""

    def __init__(self, context: AppContext, item: EquipmentView, parent: QWidget | None = None):
        from core.services.equipment import MIN_REASON
        from core.states import EquipmentStatus

        self.item = item
        self.wanted = (
            EquipmentStatus.OUT_OF_SERVICE
            if item.status == EquipmentStatus.IN_USE
            else EquipmentStatus.IN_USE
        )
        going_out = self.wanted == EquipmentStatus.OUT_OF_SERVICE
        title = _("Take out of service") if going_out else _("Back into service")
        what = (
            _("No batch may use it until it is back in service.")
            if going_out
            else _("Batches may use it again, if none of its due dates has passed.")
        )
        super().__init__(
            context,
            (
                _("Take out of service · {code}") if going_out else _("Back into service · {code}")
            ).format(code=item.code),
            f"{item_facts(item)}<br><br><b>{what}</b>",
            title,
            parent=parent,
        )
        self.reason = self.row(
            ngettext(
                "&Reason (at least {n} character)", "&Reason (at least {n} characters)", MIN_REASON
            ).format(n=MIN_REASON),
            text_box(
                _("Reason"),
                self,
                _("e.g. door seal torn, service call 4411")
                if going_out
                else _("e.g. repaired and requalified, report QR-2026-118"),
            ),
        )
        self.reason.setFocus()

    def send(self) -> None:
        from core.services.equipment import set_status

        self.run(
            set_status,
            self.context.db,
            self.context.actor,
            self.item.code,
            self.wanted.value,
            self.reason.toPlainText(),
        )

    def after_refusal(self, error: BaseException) -> None:
        self.reason.setFocus()
