"""The custody trail as a table (batch record → Custody): one row per hand-off in the order it
happened, times in local time with the zone, the e-signature's state and the plan's flags in
icon and words (never colour alone). Formatting only: the trail comes from core
(core/records/custody.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from core.clock import local_text
from core.i18n import N_, _
from ui import theme
from ui.models.base import ReadModelTable
from ui.models.batches import short_local

if TYPE_CHECKING:
    from core.records.custody import CustodyEventView, CustodyTrail

_Index = QModelIndex | QPersistentModelIndex

SIGNED = N_("✔ e-signed")
NOT_VALID = N_("✖ signature not valid")
MISSING = N_("✖ signature missing")


def signature_text(event: CustodyEventView) -> str:
    if event.signed and event.signature_valid:
        return _(SIGNED)
    if event.signed:
        return _(NOT_VALID)
    return _(MISSING) if event.signature_required else "—"


def flags_text(event: CustodyEventView) -> str:
    flags = []
    if event.out_of_order:
        flags.append("⚠ " + _("out of the plan's order"))
    if event.repeated:
        flags.append("⚠ " + _("recorded again"))
    if not event.in_plan:
        flags.append("⚠ " + _("not in the plan"))
    return "; ".join(flags)


def event_details(event: CustodyEventView) -> str:
    """Everything about one hand-off in a few lines (the row's tooltip, the screen's details)."""
    logger = event.logger_id or "—"
    if event.temperature:
        logger += f" ({event.temperature})"
    lines = [
        _("{event}: {when}, at {where}").format(
            event=event.words, when=local_text(event.occurred_at), where=event.location
        ),
        _(
            "Container / shipper {container} · temperature logger {logger} · "
            "chain of identity {coi} scanned, matched"
        ).format(container=event.container_id or "—", logger=logger, coi=event.coi_scanned),
    ]
    recorded = _("Recorded by {name} ({username}), {when}").format(
        name=event.recorded_by_name, username=event.recorded_by, when=local_text(event.recorded_at)
    )
    if event.signed:
        signed = (
            _("e-signed by {signer}, certificate {serial}: verifies")
            if event.signature_valid
            else _("e-signed by {signer}, certificate {serial}: DOES NOT VERIFY")
        )
        recorded += " · " + signed.format(signer=event.signer_name, serial=event.certificate_serial)
    elif event.signature_required:
        recorded += " · " + _("e-signature required, missing")
    lines.append(recorded)
    if event.note:
        lines.append(_("Note: {note}").format(note=event.note))
    flags = flags_text(event)
    if flags:
        lines.append(flags)
    return "\n".join(lines)


class CustodyModel(ReadModelTable):
    columns = (
        N_("When"),
        N_("Event"),
        N_("By"),
        N_("E-signature"),
        N_("Where"),
        N_("Container"),
        N_("Logger"),
        N_("Temperature"),
        N_("Flags"),
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
