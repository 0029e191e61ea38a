"""A material lot's page: what it is and how it stands today, then in tabs QA's e-signed
decisions (who, printed name, when in local time, meaning, reason, whether the signature
verifies), its certificates of analysis (file, SHA-256) and "Used by": the batches that used it,
use by use — recall, the same read the CLI's `material recall` prints. Read only; the lot comes
from core as a frozen read model (core/records/materials.py LotView)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QDialog, QHBoxLayout, QTabWidget, QVBoxLayout, QWidget

from core.clock import local_text
from core.i18n import _, ngettext
from ui.models.materials import (
    AttachmentsModel,
    DecisionsModel,
    UsesModel,
    effective_sentence,
    lot_title,
    quantity,
)
from ui.widgets.common import button, label
from ui.widgets.tables import BenchTable

if TYPE_CHECKING:
    from core.records.materials import LotView


def summary_text(lot: LotView) -> str:
    batches = list(dict.fromkeys(u.batch_lot for u in lot.uses))
    used_by = (
        ngettext(
            "Used by {n} batch: {batches}.", "Used by {n} batches: {batches}.", len(batches)
        ).format(n=len(batches), batches=", ".join(batches))
        if batches
        else _("No batch has used it.")
    )
    return _(
        "<b>{material}</b> · expiry <b>{expiry}</b> · {today}<br>"
        "Received {received} by {person}, {when}; used {used}; "
        "<b>on hand {on_hand}</b>. {used_by}"
    ).format(
        material=lot.material_name,
        expiry=lot.expiry.isoformat(),
        today=effective_sentence(lot),
        received=quantity(lot.quantity_received, lot.unit),
        person=lot.received_by,
        when=local_text(lot.received_at),
        used=quantity(lot.quantity_used, lot.unit),
        on_hand=quantity(lot.on_hand, lot.unit),
        used_by=used_by,
    )


def _table(name: str, model, parent: QWidget, caps: dict[int, int]) -> BenchTable:
    table = BenchTable(name, parent)
    table.setModel(model)
    table.set_column_caps(caps, widest=24)
    return table


class LotPageDialog(QDialog):
    def __init__(self, lot: LotView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lot = lot
        title = _("Lot page · {lot}").format(lot=lot_title(lot))
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setModal(True)
        self.setMinimumWidth(960)  # the tabs whole (no scroll buttons), in large text too
        self.heading = label(lot_title(lot), self, role="title")
        self.summary = label(summary_text(lot), self)
        self.summary.setAccessibleName(_("The lot today"))
        self.decisions_model = DecisionsModel(self, lot.decisions)
        self.attachments_model = AttachmentsModel(self, lot.attachments)
        self.uses_model = UsesModel(self)
        self.uses_model.set_uses(lot.uses, lot.unit)
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName(_("The lot's records"))
        self.tabs.tabBar().setUsesScrollButtons(False)
        self.decisions = _table(_("QA decisions"), self.decisions_model, self, {1: 34})
        self.attachments = _table(
            _("Certificates of analysis"), self.attachments_model, self, {0: 30, 1: 66}
        )
        self.uses = _table(_("Used by"), self.uses_model, self, {1: 24})
        for table, text in (
            (self.decisions, _("QA &decisions ({n})").format(n=len(lot.decisions))),
            (self.attachments, _("&Certificates ({n})").format(n=len(lot.attachments))),
            (self.uses, _("&Used by (recall) ({n})").format(n=len(lot.uses))),
        ):
            self.tabs.addTab(table, text)
        filled = [i for i, n in enumerate((lot.decisions, lot.attachments, lot.uses)) if n]
        self.tabs.setCurrentIndex(filled[0] if filled else 0)  # the first with something in it
        self.close_button = button(_("Close"), self, tip=_("Esc"), default=True)
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        layout.addWidget(self.heading)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)
        self.resize(self.sizeHint())

    def sizeHint(self) -> QSize:
        """As large as is useful on the bench screen, within the screen it is on."""
        room = self.screen().availableGeometry()
        return QSize(min(1240, room.width() - 40), min(640, room.height() - 40))
