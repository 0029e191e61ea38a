"""Clearing a clock incident, and signing a checkpoint of the audit trail: the re-authentication
dialog (ui/dialogs/reauth.py) with its height kept to its content, so a refusal that appears
under the password never squeezes the explanation above it (a word-wrapped label in a top-level
window is otherwise given less height than its text needs, in large text most of all).

The clearing dialog says which incident, what clearing means, and asks the reason (which clock
was wrong, how that was established) and the administrator's password. A reason too short is
refused before anything is sent, counted as core counts it (runs of spaces fold into one); core's
refusals (a wrong password, an incident cleared meanwhile) stay in the dialog with the reason
kept."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import QWidget

from core.i18n import N_, _, ngettext
from core.services.clock_incidents import CLEAR_MEANING
from ui.dialogs.reauth import Action, ReauthDialog
from ui.models.clock_incidents import incident_text

if TYPE_CHECKING:
    from core.records.clock_incidents import ClockIncidentView
    from ui.context import AppContext

EXAMPLE = N_("e.g. PC-07 ran 30 days ahead (checked against the site time server); corrected")


class FittedReauthDialog(ReauthDialog):
    """A ReauthDialog that grows to show all of its text after each message."""

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.fit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            QTimer.singleShot(0, self, self.fit)  # large text switched on: the text needs more room

    def fit(self) -> None:
        """Tall enough for every line of text; the reason box may shrink to its minimum (it
        scrolls), and the dialog stays within the screen."""
        layout = self.layout()
        width = max(self.width(), self.minimumWidth())
        needed = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else -1
        if self.text is not None:
            needed -= max(0, self.text.sizeHint().height() - self.text.minimumHeight())
        needed = max(needed, layout.totalMinimumSize().height())
        screen = self.screen()
        if screen is not None:
            needed = min(needed, screen.availableGeometry().height() - 40)
        if needed > self.height():
            self.resize(width, needed)

    def _refused(self, error: BaseException) -> None:
        super()._refused(error)
        self.fit()

    def _submit(self) -> None:
        super()._submit()
        QTimer.singleShot(0, self, self.fit)  # "Write at least …" or "Type your password …"


class ClockClearDialog(FittedReauthDialog):
    def __init__(
        self,
        context: AppContext,
        incident: ClockIncidentView,
        action: Action,
        parent: QWidget | None = None,
    ) -> None:
        from core.services.clock_incidents import MIN_REASON

        self.min_reason = MIN_REASON
        super().__init__(
            context,
            _("Clear clock incident {id}").format(id=incident.id),
            f"<b>{_(CLEAR_MEANING)}</b><br><br>"
            + _(
                "{incident}.<br><br>Clearing says you found which clock was wrong "
                "and that it is right now. The events keep the dates they were written with (the "
                "trail is never changed); your reason and your e-signature are kept with the "
                "incident, and the lots with those events are no longer blocked by it."
            ).format(incident=incident_text(incident)),
            _("Clear incident"),
            action,
            text=(
                ngettext(
                    "Reason: which clock was wrong, and how you established it "
                    "(at least {n} character)",
                    "Reason: which clock was wrong, and how you established it "
                    "(at least {n} characters)",
                    MIN_REASON,
                ).format(n=MIN_REASON),
                _(EXAMPLE),
                MIN_REASON,
            ),
            working=_("Clearing…"),
            parent=parent,
        )
        self.incident = incident

    def _submit(self) -> None:
        if self.busy or self.text is None:
            return
        reason = " ".join(self.text.toPlainText().split())  # as core counts it
        if len(reason) < self.min_reason:
            self.message.error(
                ngettext(
                    "Say which clock was wrong and how you established it, in at least "
                    "{least} character ({typed} so far), {example}.",
                    "Say which clock was wrong and how you established it, in at least "
                    "{least} characters ({typed} so far), {example}.",
                    self.min_reason,
                ).format(least=self.min_reason, typed=len(reason), example=_(EXAMPLE))
            )
            self.text.setFocus()
            self.fit()
            return
        super()._submit()
