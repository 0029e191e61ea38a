"""QA's override of a lot or an item of equipment refused at its point of use: QA comes to the
bench, reads the refusal and the value scanned, gives their username and password (they are
re-authenticated: the person logged in is not QA) and the reason, and the value is recorded as
the technician's entry on QA's authority (core/services/recording.py ``record_with_override``,
on a worker). Core opens a major deviation for it, cited by the value, and the review lists the
use until QA closes it. What core refuses — a wrong password, someone who is not QA, a reason
too short, QA overriding their own entry, a value that needs no override — stays here in words;
what was typed is kept (a wrong password is cleared: it has to be typed again anyway)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from core.i18n import N_, _, ngettext
from ui.dialogs.form_dialog import FormDialog, text_box
from ui.widgets.common import field, label

if TYPE_CHECKING:
    from core.readmodels import CheckView
    from ui.context import AppContext

DEVIATION_LINE = N_("⚠ A major deviation will be opened and the review will list this use.")
EXAMPLE = N_("e.g. only lot on site; supplier confirmed stability in writing (ref. …)")


class UseOverrideDialog(FormDialog):
    def __init__(
        self,
        context: AppContext,
        lot: str,
        check: CheckView,
        scanned: str,
        refusal: str,
        parent: QWidget | None = None,
    ) -> None:
        from core.services.point_of_use import MIN_REASON

        actor = context.actor
        super().__init__(
            context,
            _("QA override · {check}").format(check=check.id),
            _("<b>{name}</b> ({check}) in lot <b>{lot}</b> was refused:").format(
                name=check.name, check=check.id, lot=lot
            ),
            _("Override and record"),
            working=_("Recording…"),
            parent=parent,
        )
        self.setMinimumWidth(820)
        self.lot, self.check, self.scanned = lot, check, scanned
        self.refusal = label(f"✖ {refusal}", self, role="error")
        self.refusal.setAccessibleName(_("Why it was refused"))
        self.form.insertRow(0, self.refusal)
        self.scanned_field = self.row(_("Scanned"), field(_("Scanned value"), self))
        self.scanned_field.setText(scanned)
        self.scanned_field.setReadOnly(True)
        self.who = label(
            _(
                "Recorded as the entry of <b>{name}</b> ({username}), on the "
                "authority of the QA person who signs below — never their own entry."
            ).format(name=actor.full_name, username=actor.username),
            self,
        )
        self.who.setAccessibleName(_("Whose entry"))
        self.form.addRow(self.who)
        self.qa_username = self.field(
            _("QA &username"), _("QA username"), _("the QA person's username")
        )
        self.qa_password = self.row(_("QA &password"), field(_("QA password"), self, password=True))
        self.reason = self.row(
            ngettext(
                "&Reason (at least {n} character)", "&Reason (at least {n} characters)", MIN_REASON
            ).format(n=MIN_REASON),
            text_box(_("Reason for the override"), self, _(EXAMPLE)),
        )
        self.deviation = label(f"<b>{_(DEVIATION_LINE)}</b>", self)
        self.deviation.setAccessibleName(_("What the override opens"))
        self.body.addWidget(self.deviation)
        self.qa_username.setFocus()

    def send(self) -> None:
        from core.services.recording import record_with_override

        if not self.qa_username.text().strip():
            self.refuse(_("Type the QA person's username."), self.qa_username)
            return
        if not self.qa_password.text():
            self.refuse(_("The QA person types their password to override."), self.qa_password)
            return
        self.run(
            record_with_override,
            self.context.db,
            self.context.actor,
            self.lot,
            self.check.id,
            self.scanned,
            qa_username=self.qa_username.text().strip(),
            qa_password=self.qa_password.text(),
            reason=self.reason.toPlainText(),
        )

    def after_refusal(self, error: BaseException) -> None:
        from core.errors import AuthenticationFailed, PermissionDenied

        if isinstance(error, AuthenticationFailed):
            self.qa_password.clear()
            self.qa_password.setFocus()
        elif isinstance(error, PermissionDenied):
            self.qa_username.setFocus()
            self.qa_username.selectAll()
        else:
            self.reason.setFocus()
