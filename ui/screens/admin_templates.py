"""Process template versions: every loaded version of every template with its status (draft, or
approved by whom and when). Administrators load new versions from a file; QA approves a draft
with an e-signature (ui/dialogs/template_approval.py). The same tab serves the administration
screen and QA's Templates screen: each button is there for whoever may use it, and says why not
for the others, before any password is typed. A refused file is named in place with its line."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QVBoxLayout, QWidget

from core.i18n import _
from ui.file_dialogs import place
from ui.models.template_versions import TemplateVersionsModel, details_text, status_sentence
from ui.widgets.busy import hold, release, run_for
from ui.widgets.common import Message, button, label
from ui.widgets.tables import BenchTable

if TYPE_CHECKING:
    from core.readmodels import TemplateSummary
    from ui.context import AppContext


def refusal_text(error: BaseException) -> str:
    """Core's refusal; a template file's names the file, the line and the reason apart."""
    from core.errors import TemplateInvalid
    from ui.errors import message_of

    if not isinstance(error, TemplateInvalid):
        return message_of(error)
    where = Path(error.file).name
    if error.line:
        said = _(
            "The template file {name} was not loaded. Line {line}: {reason}.\n"
            "Nothing was changed. Correct the file and load it again. (File: {file})"
        )
    else:
        said = _(
            "The template file {name} was not loaded. The file as a whole: {reason}.\n"
            "Nothing was changed. Correct the file and load it again. (File: {file})"
        )
    return said.format(name=where, line=error.line, reason=error.reason, file=error.file)


class TemplatesTab(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from core.auth.roles import Permission

        self.context = context
        self.setAccessibleName(_("Templates"))
        self.file_dialog: QFileDialog | None = None
        self.dialog: Any = None  # the approval dialog opened last (tests type into it)
        self.contents_dialog: Any = None  # the contents shown last
        self.may_load = context.can(Permission.MANAGE_TEMPLATES)
        self.may_approve = context.can(Permission.APPROVE_TEMPLATE)
        self.model = TemplateVersionsModel(self)
        self.table = BenchTable(_("Template versions"), self)
        self.table.setModel(self.model)
        self.table.set_column_caps({3: 24, 4: 30}, widest=20)
        self.load = button(
            _("Load template file…"),
            self,
            tip=_("Check a process template file and add it as a version"),
        )
        self.approve = button(
            _("Approve…"),
            self,
            tip=_(
                "Approve the selected draft with your e-signature, confirming its example limits"
            ),
        )
        self.approve.setAccessibleName(_("Approve the selected version"))
        self.show_contents = button(
            _("Show contents…"), self, tip=_("Every step and check of the selected version (Enter)")
        )
        self.show_contents.setAccessibleName(_("Show the contents of the selected version"))
        self.message = Message(self)
        self.message.setAccessibleName(_("Template message"))
        self.selection = label("", self)
        self.selection.setAccessibleName(_("Selected version"))
        self.rights = label(self._rights_text(), self, role="subtle")
        self.rights.setAccessibleName(_("Who does what"))
        hint = label(
            _(
                "A batch keeps the template version it started on; new batches start on the "
                "newest approved version. Loading a file with a higher version adds a draft; "
                "nothing already loaded changes."
            ),
            self,
            role="subtle",
        )
        top = QHBoxLayout()
        top.addWidget(self.load)
        top.addWidget(self.show_contents)
        top.addWidget(self.approve)
        top.addStretch(1)
        self.load.setVisible(self.may_load)
        self.approve.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 8)
        layout.addLayout(top)
        layout.addWidget(self.rights)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.selection)
        layout.addWidget(hint)
        self.load.clicked.connect(self.choose_file)
        self.approve.clicked.connect(self.open_approval)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.show_contents.clicked.connect(self.open_contents)
        self.table.activated.connect(lambda _index: self.open_contents())  # Enter, double-click
        self._selection_changed()

    def _rights_text(self) -> str:
        from core.auth.roles import Permission, role_words

        role = role_words(self.context.actor.role) if self.context.actor else _("nobody")
        if self.may_approve:
            return _(
                "Select a draft and approve it: your e-signature confirms each of its example "
                "limits for this site. Template files are loaded by an administrator."
            )
        return _(
            "Approving a version is QA's e-signature: your role ({role}) may not "
            "{what}. Ask QA to approve a draft (Templates)."
        ).format(role=role, what=Permission.APPROVE_TEMPLATE.value)

    # -- data ------------------------------------------------------------------------------------

    def reload(self, select: tuple[str, int] | None = None) -> None:
        from core.services.templates import list_templates

        if select is None and (chosen := self.selected()) is not None:
            select = (chosen.key, chosen.version)
        run_for(
            self,
            list_templates,
            self.context.db,
            True,
            on_done=lambda rows: self._loaded(rows, select),
            on_error=lambda error: self.message.error(refusal_text(error)),
        )

    def _loaded(self, rows: list[TemplateSummary], select: tuple[str, int] | None) -> None:
        self.model.set_templates(rows)
        self.table.fit_columns()
        row = self.model.row_of(*select) if select else None
        if row is not None:
            self.table.select_row(row)
        self._selection_changed()

    def selected(self) -> Any:
        row = self.table.selected_row()
        return self.model.template_at(row) if row is not None else None

    def select(self, key: str, version: int) -> None:
        row = self.model.row_of(key, version)
        if row is not None:
            self.table.select_row(row)

    def _selection_changed(self, *_args: Any) -> None:
        chosen = self.selected()
        self.approve.setEnabled(self.may_approve and chosen is not None and not chosen.approved)
        self.show_contents.setEnabled(chosen is not None)
        if chosen is None:
            self.selection.setText(_("Select a version to see its status."))
        else:
            self.selection.setText(f"{status_sentence(chosen)}\n{details_text(chosen)}")

    def open_contents(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        from ui.dialogs.template_contents import TemplateContentsDialog

        self.contents_dialog = TemplateContentsDialog(self.context, chosen, self)
        self.contents_dialog.open()

    # -- approving (QA) --------------------------------------------------------------------------

    def open_approval(self) -> None:
        chosen = self.selected()
        if chosen is None or not self.approve.isEnabled():
            return
        if self.dialog is not None and self.dialog.isVisible():
            return  # one approval at a time
        from ui.dialogs.template_approval import TemplateApprovalDialog

        self.dialog = TemplateApprovalDialog(self.context, chosen, self)
        self.dialog.approved.connect(self._approved)
        self.dialog.open()

    def _approved(self, view: Any) -> None:
        from core.clock import local_text

        self.message.ok(
            _(
                "{key} version {version} approved by {who}, {when}. New batches of {key} start "
                "on it."
            ).format(
                key=view.key,
                version=view.version,
                who=view.signer_name,
                when=local_text(view.signed_at),
            )
        )
        self.reload(select=(view.key, view.version))
        self.approve.setFocus()

    # -- loading files (administrators) ----------------------------------------------------------

    def choose_file(self) -> None:
        dialog = QFileDialog(self, _("Load a process template file"))
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        dialog.setNameFilters([_("Process templates (*.toml)"), _("All files (*)")])
        place(dialog)
        dialog.fileSelected.connect(self.load_file)
        self.file_dialog = dialog
        dialog.open()

    def load_file(self, path: str) -> None:
        from core.services.templates import load_template

        name = Path(path).name
        hold(self.load)
        self.message.info(_("Checking {name}…").format(name=name))
        run_for(
            self,
            load_template,
            self.context.db,
            self.context.actor,
            Path(path),
            on_done=lambda summary: self._done(name, summary),
            on_error=self._refused,
        )

    def _done(self, name: str, summary: TemplateSummary | None) -> None:
        release(self.load)
        if summary is None:
            self.message.info(
                _(
                    "{name}: exactly this template version is already loaded. Nothing changed."
                ).format(name=name)
            )
            self.reload()
            return
        self.message.ok(
            _(
                "Loaded {key} version {version} ({title}) from {name}: {steps} steps, {checks} "
                "checks (SHA-256 {sha}…)."
            ).format(
                key=summary.key,
                version=summary.version,
                title=summary.title,
                name=name,
                steps=summary.steps,
                checks=summary.checks,
                sha=summary.sha256[:12],
            )
            + " "
            + status_sentence(summary)
        )
        self.reload(select=(summary.key, summary.version))

    def _refused(self, error: BaseException) -> None:
        release(self.load)
        self.message.error(refusal_text(error))
