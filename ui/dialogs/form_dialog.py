"""The common shape of the materials and equipment dialogs: a title, what will happen, a form of
labelled fields, a message in place, Cancel and the action. The action is one core call on a
worker; core's refusal stays in the dialog, in words, with everything typed kept; on success
``finished_with`` carries core's answer and the dialog closes. Enter submits (except in a field
that takes a scan: its Enter, as a scanner ends a code, moves on to the next field); Esc closes,
not while the call runs. The dialog grows to show every line of its text."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from core.i18n import _
from ui import theme
from ui.file_dialogs import place
from ui.widgets.common import Message, button, field, form_label, label

if TYPE_CHECKING:
    from ui.context import AppContext


class ScanField(QLineEdit):
    """A field a wedge scanner types into: its Enter (or a person's) moves on to the next field
    instead of submitting the dialog half filled."""

    def keyPressEvent(self, event: Any) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            event.accept()
            self.focusNextChild()
            return
        super().keyPressEvent(event)


def scan_field(name: str, parent: QWidget, placeholder: str = "") -> ScanField:
    edit = ScanField(parent)
    edit.setMinimumHeight(theme.TOUCH)
    edit.setAccessibleName(name)
    edit.setPlaceholderText(placeholder)
    return edit


def text_box(name: str, parent: QWidget, placeholder: str = "") -> QPlainTextEdit:
    """A reason or note: Tab leaves it (a keyboard-only flow), two finger-heights tall."""
    box = QPlainTextEdit(parent)
    box.setAccessibleName(name)
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)
    box.setMinimumHeight(theme.TOUCH * 2)
    box.setMaximumHeight(theme.TOUCH * 3)
    return box


class FormDialog(QDialog):
    finished_with = Signal(object)  # core's answer

    def __init__(
        self,
        context: AppContext,
        title: str,
        explanation: str,
        submit: str,
        *,
        working: str | None = None,  # "Saving…"
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context, self.submit_text = context, submit
        self.working = working if working is not None else _("Saving…")
        self.busy = False
        self.result_value: Any = None
        self.file_dialog: QFileDialog | None = None
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setModal(True)
        self.setMinimumWidth(720)
        self.heading = label(title, self, role="title")
        self.explanation = label(explanation, self)
        self.explanation.setAccessibleName(_("What this does"))
        self.form = QFormLayout()
        self.form.setSpacing(10)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.message = Message(self)
        self.submit = button(submit, self, default=True, tip=_("Enter"))
        self.submit.setMinimumWidth(160)
        self.cancel = button(_("Cancel"), self, tip=_("Esc: close without changing anything"))
        self.cancel.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.submit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(10)
        layout.addWidget(self.heading)
        layout.addWidget(self.explanation)
        layout.addLayout(self.form)
        self.body = QVBoxLayout()  # what a dialog adds under its form (a warning line)
        layout.addLayout(self.body)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.submit.clicked.connect(self._submit)
        self.cancel.clicked.connect(self.reject)

    # -- building --------------------------------------------------------------------------------

    def row(self, caption: str, widget: QWidget | Any, buddy: QWidget | None = None) -> Any:
        """A labelled row (a widget, or a layout with ``buddy`` its field); the caption's
        mnemonic (&) focuses the field."""
        text = form_label(caption, self)
        if buddy is not None or isinstance(widget, QWidget):
            text.setBuddy(buddy or widget)
        self.form.addRow(text, widget)
        return widget

    def field(self, caption: str, name: str, placeholder: str = "") -> QLineEdit:
        return self.row(caption, field(name, self, placeholder=placeholder))

    def file_row(self, caption: str, name: str, choose_title: str, filters: list[str]) -> QLineEdit:
        """A file's path, typed or chosen with "Choose…"."""
        path = field(name, self, placeholder=_("no file"))
        choose = button(_("Choose…"), self, tip=choose_title)
        choose.setAccessibleName(_("Choose: {name}").format(name=name))  # the name as written
        choose.setAutoDefault(False)
        choose.clicked.connect(lambda: self._choose_file(path, choose_title, filters))
        line = QHBoxLayout()
        line.setSpacing(8)
        line.addWidget(path, 1)
        line.addWidget(choose)
        self.row(caption, line, buddy=path)
        return path

    def _choose_file(self, target: QLineEdit, title: str, filters: list[str]) -> None:
        dialog = QFileDialog(self, title)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        dialog.setNameFilters([*filters, _("All files (*)")])
        place(dialog)
        dialog.fileSelected.connect(target.setText)
        self.file_dialog = dialog
        dialog.open()

    # -- fitting ---------------------------------------------------------------------------------

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.fit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            QTimer.singleShot(0, self, self.fit)  # large text switched on

    def sizeHint(self) -> QSize:
        """Wide enough for its form, tall enough for every wrapped line at that width."""
        hint = super().sizeHint()
        layout = self.layout()
        width = max(hint.width(), self.minimumWidth())
        if layout is not None and layout.hasHeightForWidth():
            hint.setHeight(max(hint.height(), layout.totalHeightForWidth(width)))
        hint.setWidth(width)
        return hint

    def fit(self) -> None:
        """Tall enough for every line of its text, within the screen."""
        layout = self.layout()
        layout.activate()
        width = max(self.width(), self.minimumWidth())
        needed = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else -1
        needed = max(needed, layout.totalMinimumSize().height())
        screen = self.screen()
        if screen is not None:
            needed = min(needed, screen.availableGeometry().height() - 40)
        if needed > self.height():
            self.resize(width, needed)

    # -- acting ----------------------------------------------------------------------------------

    def _submit(self) -> None:
        if not self.busy:
            self.send()

    def send(self) -> None:
        """Read the form and ``run`` core's call (subclasses)."""
        raise NotImplementedError

    def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self._busy(True)
        self.message.info(self.working)
        self.fit()
        self.context.tasks.run(
            fn, *args, on_done=self._done, on_error=self._refused, owner=self, **kwargs
        )

    def _done(self, result: Any) -> None:
        self.result_value = result
        self._busy(False)
        self.message.clear()
        self.finished_with.emit(result)
        self.accept()

    def _refused(self, error: BaseException) -> None:
        from ui.errors import message_of

        self._busy(False)
        self.message.error(message_of(error))
        self.fit()
        self.after_refusal(error)

    def after_refusal(self, error: BaseException) -> None:
        """Where the focus goes once core said no (subclasses); nothing typed is cleared."""

    def refuse(self, text: str, widget: QWidget) -> None:
        """Refused before anything is sent (nothing typed yet where it is needed)."""
        self.message.error(text)
        self.fit()
        widget.setFocus()

    def _busy(self, busy: bool) -> None:
        self.busy = busy
        self.submit.setEnabled(not busy)
        self.submit.setText(self.working if busy else self.submit_text)
        self.cancel.setEnabled(not busy)

    def reject(self) -> None:
        if self.busy:
            return  # core is writing: its outcome is shown here first
        super().reject()
