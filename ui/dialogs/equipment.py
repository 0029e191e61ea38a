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

from core.words import EQUIPMENT_EVENT_WORDS, EQUIPMENT_TYPE_WORDS
from ui.dialogs.form_dialog import FormDialog, scan_field, text_box
from ui.models.equipment import due_text, status_text, usable_text
from ui.widgets.common import TouchCombo, label

if TYPE_CHECKING:
    from core.records.equipment import EquipmentView
    from ui.context import AppContext

DAY = "YYYY-MM-DD"
CERTIFICATE_FILES = ["Certificates (*.pdf *.png *.jpg *.jpeg *.tif *.tiff *.txt)"]


def item_facts(item: EquipmentView) -> str:
    dues = " · ".join(f"{d.words}: {due_text(d)}" for d in item.dues)
    return (
        f"<b>{item.code}</b> — {item.name} ({item.type_words}), {item.location} · "
        f"{status_text(item)}<br>Due dates: {dues}<br>{usable_text(item)}"
    )


class RegisterEquipmentDialog(FormDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(
            context,
            "Register equipment",
            "The item is registered in use, with the due dates it has; a scan check that names "
            "its type (equipment:TYPE) accepts it while none of them has passed. Type or scan the "
            "asset code from its label.",
            "Register",
            parent=parent,
        )
        from core.states import EquipmentType

        self.code = self.row("Asset &code", scan_field("Asset code", self, "e.g. BSC-01"))
        self.type = self.row("&Type", TouchCombo(self))
        self.type.setAccessibleName("Equipment type")
        for kind in EquipmentType:
            self.type.addItem(EQUIPMENT_TYPE_WORDS[kind], kind.value)
        self.name = self.field("&Name", "Equipment name", "make and model, as on the asset list")
        self.location = self.field("&Location", "Location", "room or area, e.g. Cleanroom 2")
        self.calibration = self.field("Ca&libration due", "Calibration due date", f"{DAY} or none")
        self.qualification = self.field(
            "&Qualification due", "Qualification due date", f"{DAY} or none"
        )
        self.maintenance = self.field("&Maintenance due", "Maintenance due date", f"{DAY} or none")
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
            f"Record calibration, qualification or maintenance · {item.code}",
            item_facts(item),
            "Record",
            parent=parent,
        )
        from core.services.equipment_inputs import RECORDED

        self.setMinimumWidth(860)
        self.item = item
        self.kind = self.row("&What", TouchCombo(self))
        self.kind.setAccessibleName("What was performed")
        for what in RECORDED:
            self.kind.addItem(EQUIPMENT_EVENT_WORDS[what], what.value)
        if kind is not None and (index := self.kind.findData(kind)) >= 0:
            self.kind.setCurrentIndex(index)
        self.performed = self.field(
            "&Performed on", "Performed on", f"{DAY}, as on the certificate"
        )
        self.performed.setText(QDate.currentDate().toString("yyyy-MM-dd"))
        self.next_due = self.field("&Next due", "Next due date", DAY)
        self.passed = QRadioButton("✔ Pa&ssed", self)
        self.passed.setAccessibleName("Passed")
        self.failed = QRadioButton("✖ F&ailed", self)
        self.failed.setAccessibleName("Failed")
        self.outcome = QButtonGroup(self)
        for radio in (self.passed, self.failed):
            self.outcome.addButton(radio)
        choice = QHBoxLayout()
        choice.setSpacing(24)
        choice.addWidget(self.passed)
        choice.addWidget(self.failed)
        choice.addStretch(1)
        self.outcome_caption = label("Outcome", self)
        self.form.addRow(self.outcome_caption, choice)
        self.outcome_caption.setMinimumHeight(44)
        self.certificate = self.field(
            "&Certificate ref", "Certificate reference", "the certificate's number"
        )
        self.certificate_file = self.file_row(
            "Certificate &file", "Certificate file", "Choose the certificate", CERTIFICATE_FILES
        )
        self.note = self.row("N&ote", text_box("Note", self, "optional"))
        self.note.setMaximumHeight(44 * 2)
        self.failing = label(
            "✖ A failed calibration or qualification takes the item out of service at once; its "
            "due date stays as it was (leave the next due date empty).",
            self,
        )
        self.failing.setAccessibleName("What a failure does")
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
        title = "Take out of service" if going_out else "Back into service"
        what = (
            "No batch may use it until it is back in service."
            if going_out
            else "Batches may use it again, if none of its due dates has passed."
        )
        super().__init__(
            context,
            f"{title} · {item.code}",
            f"{item_facts(item)}<br><br><b>{what}</b>",
            title,
            parent=parent,
        )
        self.reason = self.row(
            f"&Reason (at least {MIN_REASON} characters)",
            text_box(
                "Reason",
                self,
                "e.g. door seal torn, service call 4411"
                if going_out
                else "e.g. repaired and requalified, report QR-2026-118",
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
