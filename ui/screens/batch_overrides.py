"""The point-of-use override on the batch record: when core refuses a lot or an item of equipment
scanned at a check (core.errors.UseRefused: not released, expired, out of service, overdue…), the
check's row shows the refusal and offers "QA override…" under it (44 px, next in the Tab order
after the field, Alt+O); it opens ui/dialogs/use_override.py for the value that was refused. On
success the value is shown as any entry is (the screen's ``_applied``) and the batch is read again,
so the header counts the deviation core opened. The button goes with the refusal: hidden when the
row's message goes, when another value is typed, or when core refuses for another reason."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QGridLayout, QWidget

from core.i18n import _
from ui.widgets.common import button

if TYPE_CHECKING:
    from core.readmodels import RecordOutcome
    from ui.widgets.check_row import CheckRow

OVERRIDE_ROW = 4  # the row's grid: under its message (2) and its out-of-spec demand (3)


class UseOverrides(QObject):
    """Offers QA's override on the rows of one batch screen."""

    def __init__(self, screen: Any) -> None:
        super().__init__(screen)
        self.screen = screen
        self.dialog: Any = None  # the override dialog opened last (tests type into it)

    def after_refusal(self, row: CheckRow, error: BaseException) -> None:
        """Core refused what was typed at ``row``: offer the override for a refused use only."""
        from core.errors import UseRefused

        if isinstance(error, UseRefused):
            self.offer(row, row.entry.text(), str(error))
        else:
            self.withdraw(row)

    def offer(self, row: CheckRow, scanned: str, refusal: str) -> None:
        found = self.button_of(row)
        if found is None:
            found = self._make_button(row)
        found.setProperty("scanned", scanned)
        found.setProperty("refusal", refusal)
        found.setToolTip(
            _(
                "QA may let {scanned} be used here, with their password and a reason; a major "
                "deviation is opened (Alt+O)"
            ).format(scanned=scanned)
        )
        found.show()

    def withdraw(self, row: CheckRow) -> None:
        found = self.button_of(row)
        if found is not None:
            found.hide()

    @staticmethod
    def button_of(row: CheckRow) -> QWidget | None:
        return getattr(row, "override_button", None)

    def _make_button(self, row: CheckRow) -> QWidget:
        made = button(_("QA &override…"), row)
        made.setAccessibleName(_("QA override"))
        made.setAutoDefault(False)
        grid = row.layout()
        assert isinstance(grid, QGridLayout)
        grid.addWidget(made, OVERRIDE_ROW, 1, 1, 4, Qt.AlignmentFlag.AlignLeft)
        QWidget.setTabOrder(row.entry, made)  # Tab from the refused value reaches it
        row.override_button = made
        made.clicked.connect(lambda: self.open(row))
        row.entry.textEdited.connect(lambda _text: self.withdraw(row))
        row.message.installEventFilter(_GoesWithMessage(made, row.message))
        return made

    def open(self, row: CheckRow) -> None:
        from ui.dialogs.use_override import UseOverrideDialog

        made = self.button_of(row)
        screen = self.screen
        if made is None or screen.view is None:
            return
        if self.dialog is not None and not self.dialog.busy:
            self.dialog.deleteLater()
        self.dialog = UseOverrideDialog(
            screen.context,
            screen.view.lot,
            row.check,
            made.property("scanned"),
            made.property("refusal"),
            screen,
        )
        self.dialog.finished_with.connect(self._recorded)
        self.dialog.open()

    def _recorded(self, outcome: RecordOutcome) -> None:
        screen = self.screen
        screen._applied(outcome)  # the value and its verdict, the focus on the next check
        focus = screen.window().focusWidget()  # the dialog is still the active window
        rows = screen.form.rows
        focused = next((cid for cid, r in rows.items() if r.entry is focus), outcome.entry.id)
        screen._goto = (None, focused)  # where the focus stays once the batch is read again
        screen.reload()  # the deviation core opened: counted in the header, listed


class _GoesWithMessage(QObject):
    """Hides the override button when the row's refusal message is hidden."""

    def __init__(self, made: QWidget, message: QWidget) -> None:
        super().__init__(message)
        self.made = made

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.HideToParent:  # hidden itself, not with its window
            self.made.hide()
        return False
