"""Label printing from the batch record: the header's "Labels…" reads what was printed for the
batch (on a worker), opens ui/dialogs/label_print.py with it, and once core has printed, says what
was written and reads the batch again (core recorded the printed count into the template's
``counts = "labels"`` check, and its reconciliation was recalculated)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from core.i18n import _, ngettext

if TYPE_CHECKING:
    from core.records.labels import LabelRecord
    from core.services.labels import PrintOutcome


def printed_message(outcome: PrintOutcome) -> str:
    if outcome.count == 1:
        printed = _("Printed {n} {kind} label (serial {first}, {stock}) to {path}.")
    else:
        printed = ngettext(
            "Printed {n} {kind} label (serials {first}–{last}, {stock}) to {path}.",
            "Printed {n} {kind} labels (serials {first}–{last}, {stock}) to {path}.",
            outcome.count,
        )
    text = (
        printed.format(
            n=outcome.count,
            kind=outcome.kind_words,
            first=outcome.first_serial,
            last=outcome.last_serial,
            stock=outcome.stock_words,
            path=outcome.path,
        )
        + " "
        + ngettext(
            "{n} labels printed for lot {lot} in all.",
            "{n} labels printed for lot {lot} in all.",
            outcome.printed,
        ).format(n=outcome.printed, lot=outcome.lot)
    )
    counted = [f"{c.id} {c.current.display}" for c in outcome.counted if c.current is not None]
    if counted:
        text += " " + _("Recorded: {values}.").format(values=", ".join(counted))
    return " ".join([text, *outcome.notes])


class LabelPrinting(QObject):
    """Opens the label print dialog for the batch on one batch screen."""

    def __init__(self, screen: Any) -> None:
        super().__init__(screen)
        self.screen = screen
        self.dialog: Any = None  # the dialog opened last (tests type into it)

    def open(self) -> None:
        from core.services.labels import labels_printed

        screen = self.screen
        if screen.lot is None or (self.dialog is not None and self.dialog.isVisible()):
            return
        screen.context.tasks.run(
            labels_printed,
            screen.context.db,
            screen.lot,
            on_done=self._show,
            on_error=screen._failed,
            owner=screen,
        )

    def _show(self, record: LabelRecord) -> None:
        from ui.dialogs.label_print import LabelPrintDialog

        screen = self.screen
        if self.dialog is not None and not self.dialog.busy:
            self.dialog.deleteLater()
        self.dialog = LabelPrintDialog(screen.context, record, screen)
        self.dialog.finished_with.connect(self._printed)
        self.dialog.open()

    def _printed(self, outcome: PrintOutcome) -> None:
        self.screen.message.info(printed_message(outcome))
        self.screen.reload()  # the counted checks and their reconciliation
