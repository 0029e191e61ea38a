"""Equipment as tables (Equipment tab and an item's page): every item with its status and its
calibration, qualification and maintenance due dates, flagged OVERDUE or due soon by icon and
word as core judged them on the site's today; an item's events and the batches that used it.
Formatting only: the read models come from core (core/records/equipment.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.clock import local_text
from core.i18n import N_, _, first_upper
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
        return "✖ " + _("{day} OVERDUE").format(day=day)
    if due.due_soon:
        return "▲ " + _("{day} due soon").format(day=day)
    return day


def due_sentence(due: DueView, today_iso: str) -> str:
    if due.due is None:
        return _("No {what} due date is set.").format(what=due.words)
    # {What}: the kind capitalised, opening the sentence; {what}: as it reads within one
    what, capitalised, day = due.words, first_upper(due.words), due.due.isoformat()
    if due.overdue:
        return _(
            "{What} was due on {day} (today is {today}): "
            "the item may not be used until a {what} is recorded."
        ).format(What=capitalised, what=what, day=day, today=today_iso)
    if due.due_soon:
        return _("{What} is due soon, on {day}: plan it.").format(What=capitalised, day=day)
    return _("{What} is due on {day}.").format(What=capitalised, day=day)


def usable_text(item: EquipmentView) -> str:
    """Whether the item may be used today, in one line (core's reason when it may not)."""
    if item.refusal is None:
        return "✔ " + _("May be used today ({today}).").format(today=item.today.isoformat())
    return "✖ " + _("May not be used today ({today}): {reason}").format(
        today=item.today.isoformat(), reason=item.refusal
    )


class EquipmentModel(CellsTable):
    columns = (
        N_("Code"),
        N_("Type"),
        N_("Name"),
        N_("Location"),
        N_("Status"),
        N_("Calibration\ndue"),  # two lines: the dates, not the headings, set the widths
        N_("Qualification\ndue"),
        N_("Maintenance\ndue"),
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
        return _("done")
    return "✔ " + _("passed") if event.passed else "✖ " + _("FAILED")


class EventsModel(CellsTable):
    """An item's calibrations, qualifications, maintenance and status changes, oldest first."""

    columns = (
        N_("Performed"),
        N_("What"),
        N_("Outcome"),
        N_("Next due"),
        N_("Certificate"),
        N_("File (SHA-256)"),
        N_("Note / reason"),
        N_("Recorded by"),
        N_("Recorded at"),
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

    columns = (
        N_("Batch"),
        N_("Check"),
        N_("When"),
        N_("By"),
        N_("Status then"),
        N_("Due then"),
        N_("Deviation"),
    )
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
            "⚠ " + _("{deviation} (QA override)").format(deviation=u.deviation)
            if u.deviation
            else "",
        )

    def warning(self, u: EquipmentUseView, column: int) -> bool:
        return column == self.DEVIATION and u.deviation is not None
