"""Administration, templates tab: every loaded version of every process template, and loading a
new one from a file. A refused file is named in place with its line and the reason."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QVBoxLayout, QWidget

from ui.models.template_versions import TemplateVersionsModel
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
    line = f"line {error.line}" if error.line else "the file as a whole"
    return (
        f"The template file {where} was not loaded. {line[0].upper()}{line[1:]}: {error.reason}.\n"
        f"Nothing was changed. Correct the file and load it again. (File: {error.file})"
    )


class TemplatesTab(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setAccessibleName("Templates")
        self.file_dialog: QFileDialog | None = None
        self.model = TemplateVersionsModel(self)
        self.table = BenchTable("Template versions", self)
        self.table.setModel(self.model)
        self.table.set_column_caps({2: 40, 7: 30}, widest=20)
        self.load = button(
            "Load template file…", self, tip="Check a process template file and add it as a version"
        )
        self.message = Message(self)
        self.message.setAccessibleName("Template message")
        hint = label(
            "A batch keeps the template version it started on. Loading a file with a higher "
            "version adds a version; nothing already loaded changes.",
            self,
            role="subtle",
        )
        top = QHBoxLayout()
        top.addWidget(self.load)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 8)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint)
        self.load.clicked.connect(self.choose_file)

    def reload(self, select: tuple[str, int] | None = None) -> None:
        from core.services.templates import list_templates

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

    def choose_file(self) -> None:
        dialog = QFileDialog(self, "Load a process template file")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        dialog.setNameFilters(["Process templates (*.toml)", "All files (*)"])
        dialog.setDirectory(str(Path.home()))
        dialog.fileSelected.connect(self.load_file)
        self.file_dialog = dialog
        dialog.open()

    def load_file(self, path: str) -> None:
        from core.services.templates import load_template

        name = Path(path).name
        hold(self.load)
        self.message.info(f"Checking {name}…")
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
                f"{name}: exactly this template version is already loaded. Nothing changed."
            )
            self.reload()
            return
        self.message.ok(
            f"Loaded {summary.key} version {summary.version} ({summary.title}) from {name}: "
            f"{summary.steps} steps, {summary.checks} checks, SHA-256 {summary.sha256[:12]}…"
        )
        self.reload(select=(summary.key, summary.version))

    def _refused(self, error: BaseException) -> None:
        release(self.load)
        self.message.error(refusal_text(error))

    def selected(self) -> Any:
        row = self.table.selected_row()
        return self.model.template_at(row) if row is not None else None
