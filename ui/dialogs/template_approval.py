"""QA approves a draft template version with an e-signature.

The dialog says what the signature does, lists every example limit it confirms (exactly as core
will bind them into the signed statement: one line per limit, with its tags and note), and asks
for the reason and the password. Core decides (``template_approval.approve_template``: QA only,
the password again, a reason, not already approved); a refusal stays in the dialog, in place,
with the password cleared. On success ``approved`` carries core's TemplateApprovalView."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QTextBrowser, QVBoxLayout, QWidget

from core.i18n import N_, _, ngettext
from ui import theme
from ui.widgets.busy import run_for
from ui.widgets.common import Message, button, field, form_label, label

if TYPE_CHECKING:
    from core.readmodels import TemplateSummary
    from core.records.template_versions import ExampleLimit
    from ui.context import AppContext

# What the tags on an example limit mean (the template's source column).
TAGS = N_(
    "[P] a product- or study-specific example · [T] typical industry practice, not checked "
    "against a source · [?] uncertain: check it before use"
)


def read_limits(db: Any, key: str, version: int) -> tuple[ExampleLimit, ...]:
    """The example limits an approval of ``key`` v``version`` confirms (on a worker)."""
    from core.records.template_versions import example_limits
    from core.services.templates import get_template

    return example_limits(get_template(db, key, version))


def limits_html(limits: tuple[ExampleLimit, ...]) -> str:
    """Each limit as its line (check, name: limit, tags), its note below it."""
    parts = []
    for n, limit in enumerate(limits, 1):
        note = f"<br>{escape(limit.note)}" if limit.note else ""
        parts.append(
            f"<p>{n}. <b>{escape(limit.check)} {escape(limit.name)}</b>: "
            f"{escape(limit.limit)} <b>{escape(limit.tags)}</b>{note}</p>"
        )
    return "".join(parts)


class TemplateApprovalDialog(QDialog):
    approved = Signal(object)  # TemplateApprovalView

    def __init__(
        self, context: AppContext, template: TemplateSummary, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        from core.clock import local_text

        self.context = context
        self.template = template
        self.limits: tuple[ExampleLimit, ...] | None = None
        self.busy = False
        title = _("Approve {key} version {version}").format(
            key=template.key, version=template.version
        )
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setModal(True)
        self.setMinimumWidth(720)
        self.resize(1040, 700)  # inside a 1366×768 bench screen, with its task bar

        heading = label(title, self, role="title")
        self.explanation = label(
            _(
                "{title} ({family}), version {version}, "
                "SHA-256 {sha}…, loaded by {person} {when}.\n"
                "Your e-signature approves this version for new batches and confirms each example "
                "limit below as right for this product at this site. To change a limit, do not "
                "approve: have an administrator load a new version with the site's own limit."
            ).format(
                title=template.title,
                family=template.product_family,
                version=template.version,
                sha=template.sha256[:16],
                person=template.loaded_by,
                when=local_text(template.loaded_at),
            ),
            self,
        )
        from core.records.template_versions import APPROVAL_MEANING

        # what the signature means, in the words kept with it (as the approver reads them)
        self.meaning = label(f"<b>{_(APPROVAL_MEANING)}</b>", self)
        self.meaning.setAccessibleName(_("What the signature means"))
        self.count = label(_("Reading the example limits…"), self)
        self.count.setAccessibleName(_("Example limits"))
        self.list = QTextBrowser(self)
        self.list.setAccessibleName(_("Example limits this approval confirms"))
        self.list.setTabChangesFocus(True)
        self.list.setOpenLinks(False)
        self.list.setMinimumHeight(theme.TOUCH * 3)
        self.legend = label(_(TAGS), self, role="subtle")
        self.reason = field(
            _("Reason for the approval"),
            self,
            placeholder=_("what it rests on, e.g. change control CC-2026-014, limits checked"),
        )
        self.password = field(_("Your password"), self, password=True)
        form = QFormLayout()
        form.setSpacing(8)
        for caption, widget in ((_("Reason"), self.reason), (_("Your password"), self.password)):
            text = form_label(caption, self)
            text.setBuddy(widget)
            form.addRow(text, widget)
        self.message = Message(self)
        self.submit = button(_("Approve and sign"), self, default=True, tip=_("Enter"))
        self.cancel = button(_("Cancel"), self, tip=_("Esc: close without approving"))
        self.cancel.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.submit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(8)
        layout.addWidget(heading)
        layout.addWidget(self.meaning)
        layout.addWidget(self.explanation)
        layout.addWidget(self.count)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.legend)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.submit.clicked.connect(self._submit)
        self.cancel.clicked.connect(self.reject)
        self.submit.setEnabled(False)  # until the limits it confirms are on screen
        self.reason.setFocus()
        run_for(
            self,
            read_limits,
            context.db,
            template.key,
            template.version,
            on_done=self._limits_read,
            on_error=self._limits_failed,
        )

    # -- the limits --------------------------------------------------------------------------------

    def _limits_read(self, limits: tuple[ExampleLimit, ...]) -> None:
        self.limits = limits
        n = len(limits)
        if n:
            self.count.setText(
                ngettext(
                    "<b>This approval confirms {n} example limit</b> (scroll to read them all):",
                    "<b>This approval confirms {n} example limits</b> (scroll to read them all):",
                    n,
                ).format(n=n)
            )
        else:
            self.count.setText(_("<b>This version has no example limits to confirm.</b>"))
        self.list.setHtml(limits_html(limits))
        self.list.setVisible(bool(n))
        self.submit.setEnabled(not self.busy)

    def _limits_failed(self, error: BaseException) -> None:
        from ui.errors import message_of

        self.count.setText(_("The example limits could not be read; nothing can be approved."))
        self.message.error(message_of(error))

    # -- approving ---------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter in the reason moves on to the password while it is empty; else it approves."""
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and self.focusWidget() is self.reason and not self.password.text():
            self.password.setFocus()
            return
        super().keyPressEvent(event)

    def _submit(self) -> None:
        if self.busy or self.limits is None:
            return
        if not self.password.text():
            self.message.error(_("Type your password to sign the approval."))
            self.password.setFocus()
            return
        from core.services.template_approval import approve_template

        self._busy(True)
        self.message.info(_("Signing…"))
        run_for(
            self,
            approve_template,
            self.context.db,
            self.context.actor,
            self.password.text(),
            self.template.key,
            self.template.version,
            self.reason.text(),
            on_done=self._done,
            on_error=self._refused,
        )

    def _done(self, view: Any) -> None:
        self._busy(False)
        self.message.clear()
        self.approved.emit(view)
        self.accept()

    def _refused(self, error: BaseException) -> None:
        from ui.errors import message_of

        self._busy(False)
        self.message.error(message_of(error))
        self.password.clear()
        (self.password if self.reason.text().strip() else self.reason).setFocus()

    def _busy(self, busy: bool) -> None:
        self.busy = busy
        self.submit.setEnabled(not busy and self.limits is not None)
        self.submit.setText(_("Signing…") if busy else _("Approve and sign"))
        self.cancel.setEnabled(not busy)

    def reject(self) -> None:
        if self.busy:
            return  # the signature is being made: its outcome is shown here first
        super().reject()
