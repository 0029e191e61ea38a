"""The custody trail as a table (batch record → Custody): one row per hand-off in the order it
happened, times in local time with the zone, the e-signature's state and the plan's flags in
icon and words (never colour alone). Formatting only: the trail comes from core
(core/records/custody.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from core.clock import local_text
from ui import theme
from ui.models.base import ReadModelTable
from ui.models.batches import short_local

if TYPE_CHECKING:
    from core.records.custody import CustodyEventView, CustodyTrail

_Index = QModelIndex | QPersistentModelIndex

SIGNED = "✔ e-signed"
NOT_VALID = "✖ signature not valid"
MISSING = "✖ signature missing"


def signature_text(event: CustodyEventView) -> str:
    if event.signed and event.signature_valid:
        return SIGNED
    if event.signed:
        return NOT_VALID
    return MISSING if event.signature_required else "—"


def flags_text(event: CustodyEventView) -> str:
    flags = []
    if event.out_of_order:
        flags.append("⚠ out of the plan's order")
    if event.repeated:
        flags.append("⚠ recorded again")
    if not event.in_plan:
        flags.append("⚠ not in the plan")
    return "; ".join(flags)


def event_details(event: CustodyEventView) -> str:
    """Everything about one hand-off in a few lines (the row's tooltip, the screen's details)."""
    logger = event.logger_id or "—"
    if event.temperature:
        logger += f" ({event.temperature})"
    lines = [
        f"{event.words}: {local_text(event.occurred_at)}, at {event.location}",
        f"Container / shipper {event.container_id or '—'} · temperature logger {logger} · "
        f"chain of identity {event.coi_scanned} scanned, matched",
    ]
    recorded = f"Recorded by {event.recorded_by_name} ({event.recorded_by}), "
    recorded += local_text(event.recorded_at)
    if event.signed:
        state = "verifies" if event.signature_valid else "DOES NOT VERIFY"
        recorded += (
            f" · e-signed by {event.signer_name}, certificate {event.certificate_serial}: {state}"
        )
    elif event.signature_required:
        recorded += " · e-signature required, missing"
    lines.append(recorded)
    if event.note:
        lines.append(f"Note: {event.note}")
    flags = flags_text(event)
    if flags:
        lines.append(flags)
    return "\n".join(lines)


class CustodyModel(ReadModelTable):
    columns = (
        "When",
        "Event",
        "By",
        "E-signature",
        "Where",
        "Container",
        "Logger",
        "Temperature",
        "Flags",
    )

    def set_trail(self, trail: CustodyTrail | None) -> None:
        self.set_items(trail.events if trail is not None else ())

    def event_at(self, row: int) -> CustodyEventView | None:
        return self.item_at(row)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        event: CustodyEventView = self._items[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(event, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return event_details(event)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == 3 and event.signed and event.signature_valid:
                return QColor(theme.GREEN)
            if column == 3 and event.signature_required and not event.signature_valid:
                return QColor(theme.VERMILLION)
            if column == 8 and flags_text(event):
                return QColor(theme.ORANGE)
        return None

    @staticmethod
    def _text(event: CustodyEventView, column: int) -> str:
        if column == 0:
            return short_local(event.occurred_at)
        if column == 1:
            return event.words
        if column == 2:
            return event.recorded_by_name
        if column == 3:
            return signature_text(event)
        if column == 4:
            return event.location
        if column == 5:
            return event.container_id or ""
        if column == 6:
            return event.logger_id or ""
        if column == 7:
            return event.temperature or ""
        return flags_text(event)
