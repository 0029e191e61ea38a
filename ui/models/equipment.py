"""Equipment as tables (Equipment tab and an item's page): every item with its status and its
calibration, qualification and maintenance due dates, flagged OVERDUE or due soon by icon and
word as core judged them on the site's today; an item's events and the batches that used it.
Formatting only: the read models come from core (core/records/equipment.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.clock import local_text
from core.states import EquipmentEventKind, EquipmentStatus
from ui.models.cells import CellsTable

if TYPE_CHECKING:
    from core.records.equipment import DueView, EquipmentEventView, EquipmentUseView, EquipmentView

DUE_KINDS = (
    EquipmentEventKind.CALIBRATION,
    EquipmentEventKind.QUALIFICATION,
    EquipmentEventKind.MAINTENANCE,
)


def status_text(item: EquipmentView) -> str:
    icon = "✔" if item.status == EquipmentStatus.IN_USE else "✖"
    return f"{icon} {item.status_words}"


def due_text(due: DueView) -> str:
    """'2026-12-01', '▲ 2026-11-10 due soon', '✖ 2026-10-01 OVERDUE' or '—' (none set)."""
    if due.due is None:
        return "—"
    day = due.due.isoformat()
    if due.overdue:
        return f"✖ {day} OVERDUE"
    if due.due_soon:
        return f"▲ {day} due soon"
    return day


def due_sentence(due: DueView, today_iso: str) -> str:
    if due.due is None:
        return f"No {due.words} due date is set."
    if due.overdue:
        return (
            f"{due.words.capitalize()} was due on {due.due.isoformat()} (today is {today_iso}): "
            f"the item may not be used until a {due.words} is recorded."
        )
    if due.due_soon:
        return f"{due.words.capitalize()} is due soon, on {due.due.isoformat()}: plan it."
    return f"{due.words.capitalize()} is due on {due.due.isoformat()}."


def usable_text(item: EquipmentView) -> str:
    """Whether the item may be used today, in one line (core's reason when it may not)."""
    if item.refusal is None:
        return f"✔ May be used today ({item.today.isoformat()})."
    return f"✖ May not be used today ({item.today.isoformat()}): {item.refusal}"


class EquipmentModel(CellsTable):
    columns = (
        "Code",
        "Type",
        "Name",
        "Location",
        "Status",
        "Calibration\ndue",  # two lines: the dates, not the headings, set the widths
        "Qualification\ndue",
        "Maintenance\ndue",
    )
    STATUS, FIRST_DUE = 4, 5

    def item_at(self, row: int) -> EquipmentView | None:
        return super().item_at(row)

    def row_of(self, code: str) -> int | None:
        return self.row_where(lambda v: v.code == code)

    def cells(self, item: EquipmentView) -> tuple[str, ...]:
        return (
            item.code,
            item.type_words,
            item.name,
            item.location,
            status_text(item),
            *(due_text(item.due(kind)) for kind in DUE_KINDS),
        )

    def _due(self, item: EquipmentView, column: int) -> DueView | None:
        if column < self.FIRST_DUE:
            return None
        return item.due(DUE_KINDS[column - self.FIRST_DUE])

    def tip(self, item: EquipmentView, column: int) -> str | None:
        due = self._due(item, column)
        if due is not None:
            return due_sentence(due, item.today.isoformat())
        if column == self.STATUS:
            return usable_text(item)
        return None

    def strong(self, item: EquipmentView, column: int) -> bool:
        """Bold for the status only: three due dates in bold would not fit 1366 px in large
        text (the icon, the word and the colour say OVERDUE)."""
        return column == self.STATUS and self.warning(item, column)

    def warning(self, item: EquipmentView, column: int) -> bool:
        due = self._due(item, column)
        if due is not None:
            return due.overdue
        return column == self.STATUS and item.status != EquipmentStatus.IN_USE


def outcome_text(event: EquipmentEventView) -> str:
    if event.status_words is not None:
        return f"→ {event.status_words}"
    if event.passed is None:
        return "done"
    return "✔ passed" if event.passed else "✖ FAILED"


class EventsModel(CellsTable):
    """An item's calibrations, qualifications, maintenance and status changes, oldest first."""

    columns = (
        "Performed",
        "What",
        "Outcome",
        "Next due",
        "Certificate",
        "File (SHA-256)",
        "Note / reason",
        "Recorded by",
        "Recorded at",
    )
    OUTCOME, FILE = 2, 5

    def cells(self, e: EquipmentEventView) -> tuple[str, ...]:
        kept = (
            f"{e.attachment_filename} ({(e.attachment_sha256 or '')[:12]}…)"
            if e.attachment_filename
            else ""
        )
        return (
            e.performed_on.isoformat(),
            e.kind_words,
            outcome_text(e),
            e.next_due.isoformat() if e.next_due else "",
            e.certificate or "",
            kept,
            e.note or "",
            e.recorded_by,
            local_text(e.recorded_at),
        )

    def tip(self, e: EquipmentEventView, column: int) -> str | None:
        if column == self.FILE and e.attachment_filename:
            return f"{e.attachment_filename}\nSHA-256 {e.attachment_sha256}"
        return None

    def warning(self, e: EquipmentEventView, column: int) -> bool:
        return column == self.OUTCOME and e.passed is False


class ItemUsesModel(CellsTable):
    """The batches that used the item, with its status and due date when used."""

    columns = ("Batch", "Check", "When", "By", "Status then", "Due then", "Deviation")
    DEVIATION = 6

    def cells(self, u: EquipmentUseView) -> tuple[str, ...]:
        from core.words import EQUIPMENT_STATUS_WORDS

        return (
            u.lot,
            u.check_id,
            local_text(u.used_at),
            u.used_by,
            EQUIPMENT_STATUS_WORDS.get(u.status_at_use, u.status_at_use),
            u.due_at_use.isoformat() if u.due_at_use else "",
            f"⚠ {u.deviation} (QA override)" if u.deviation else "",
        )

    def warning(self, u: EquipmentUseView, column: int) -> bool:
        return column == self.DEVIATION and u.deviation is not None
