"""Start a batch: choose the process template, give the lot number and, for an autologous product,
the patient's chain-of-identity id twice (typed or scanned: a wedge scanner types the code and
Enter). Core starts it (`batches.start_batch`) on a worker and says why when it refuses."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from core.i18n import _
from ui import theme
from ui.context import AppContext
from ui.widgets.common import Message, TouchCombo, button, field, form_label, label

MONO_STYLE = f'font-family: "{theme.MONO}";'


class StartBatchDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._owner = context.actor.username if context.actor else None
        self._hidden_by_lock = False
        self.templates: list[Any] = []  # TemplateSummary, newest version of each
        self.setWindowTitle(_("Start a batch"))
        self.setAccessibleName(_("Start a batch"))
        self.setMinimumWidth(680)

        self.heading = label(_("Start a batch"), self, role="title")
        self.template = TouchCombo(self)
        self.template.setAccessibleName(_("Process template"))
        self.template.setMinimumHeight(theme.TOUCH)
        self.template.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.template.setPlaceholderText(_("Loading the process templates…"))
        self.template.setToolTip(_("The process this batch follows (the newest approved version)"))
        self.template_note = label("", self, role="subtle")
        self.template_note.setAccessibleName(_("About this template"))
        self.lot = field(_("Lot number"), self, placeholder=_("e.g. CT-2026-0043"))
        self.lot.setMaxLength(40)
        self.coi = field(
            _("Chain-of-identity id"), self, placeholder=_("Scan the apheresis bag label")
        )
        self.coi_again = field(
            _("Chain-of-identity id again"), self, placeholder=_("Scan or type it a second time")
        )
        for edit in (self.coi, self.coi_again):
            edit.setMaxLength(64)
            edit.setStyleSheet(MONO_STYLE)
        self.coi_label = form_label(_("Chain of identity"), self)
        self.coi_again_label = form_label(_("Again"), self)
        self.message = Message(self)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setAccessibleName(_("Working"))
        self.progress.setMaximumHeight(8)
        self.progress.hide()
        self.cancel = button(_("Cancel"), self, tip=_("Close without starting (Esc)"))
        self.submit = button(_("Start batch"), self, tip=_("Start the batch (Enter)"), default=True)

        form = QFormLayout()
        form.setVerticalSpacing(10)
        form.addRow(form_label(_("Template"), self), self.template)
        form.addRow("", self.template_note)
        form.setRowVisible(self.template_note, False)
        form.addRow(form_label(_("Lot number"), self), self.lot)
        form.addRow(self.coi_label, self.coi)
        form.addRow(self.coi_again_label, self.coi_again)
        self._form = form
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.submit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        layout.addLayout(buttons)

        self.template.currentIndexChanged.connect(self._template_chosen)
        self.coi_again.editingFinished.connect(self._compare_if_both)
        self.cancel.clicked.connect(self.reject)
        context.locked_changed.connect(self._locked)
        self.submit.clicked.connect(self.start)
        self._show_coi(False)
        self._busy(True)
        from core.services.templates import start_choices

        context.tasks.run(
            start_choices,
            context.db,
            on_done=self._templates_loaded,
            on_error=self._failed,
        )

    # -- templates -------------------------------------------------------------------------------

    def _templates_loaded(self, choices: list[Any]) -> None:
        self._busy(False)
        # core's order: the startable ones first, each group by family and title
        self.templates = [c.template for c in choices]
        drafts = {c.template.key: c.newer_draft for c in choices if c.newer_draft}
        self.template.setPlaceholderText(_("Choose the process template"))
        if not choices:
            self.message.error(_("No process template is loaded yet: ask an administrator."))
        elif not any(c.startable for c in choices):
            self.message.error(
                _(
                    "No process template is approved yet: a batch starts only on a version QA "
                    "approved. Ask QA to approve one (Templates)."
                )
            )
        model = self.template.model()
        for t in self.templates:
            if t.approved:
                newer = drafts.get(t.key)
                text = (
                    _("{family} — {title} (v{version}) · v{newer} awaits QA approval")
                    if newer
                    else _("{family} — {title} (v{version})")
                ).format(family=t.product_family, title=t.title, version=t.version, newer=newer)
                self.template.addItem(text, t.key)
                continue
            self.template.addItem(
                _("{family} — {title} (v{version}) — not approved by QA yet").format(
                    family=t.product_family, title=t.title, version=t.version
                ),
                t.key,
            )
            item = model.item(self.template.count() - 1)
            item.setEnabled(False)  # not offered: core starts no batch on a draft
            item.setToolTip(
                _("No version of this template is approved yet: QA approves it under Templates.")
            )
        self.template.setCurrentIndex(-1)
        self.template.setFocus()

    def chosen(self) -> Any | None:
        index = self.template.currentIndex()
        return self.templates[index] if 0 <= index < len(self.templates) else None

    def choose(self, key: str) -> None:
        """Select a template by key (tests, and a later 'start another like this')."""
        self.template.setCurrentIndex(self.template.findData(key))

    def _template_chosen(self) -> None:
        chosen = self.chosen()
        self.message.clear()
        self._form.setRowVisible(self.template_note, chosen is not None)
        if chosen is None:
            self.template_note.setText("")
            self._show_coi(False)
            return
        self._show_coi(True)
        if chosen.autologous:
            self.coi_label.setText(_("Chain of identity"))
            self.template_note.setText(
                _(
                    "Autologous: the patient's chain-of-identity id is needed, scanned or typed "
                    "twice."
                )
            )
            self.coi.setPlaceholderText(_("Scan the apheresis bag label"))
        else:
            self.coi_label.setText(_("Donor / COI id"))
            self.template_note.setText(
                _(
                    "{steps} steps, {checks} checks. A donor or chain-of-identity id "
                    "is optional; if you give one, give it twice."
                ).format(steps=chosen.steps, checks=chosen.checks)
            )
            self.coi.setPlaceholderText(_("Optional"))

    def _show_coi(self, visible: bool) -> None:
        for edit in (self.coi, self.coi_again):
            self._form.setRowVisible(edit, visible)

    def _fields(self) -> list[QLineEdit]:
        shown = [self.lot]
        if self.coi.isVisibleTo(self):
            shown += [self.coi, self.coi_again]
        return shown

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest:
            self._grow()  # rows and messages appear: the dialog grows to show them whole
        return handled

    def _grow(self) -> None:
        layout = self.layout()
        hint = layout.totalSizeHint()
        width = max(self.width(), hint.width())
        height = hint.height()
        if layout.hasHeightForWidth():
            height = layout.totalHeightForWidth(width)
        height = max(self.height(), height)
        if (width, height) != (self.width(), self.height()):
            self.resize(width, height)

    # -- keys ------------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter moves on to the next empty field (a scan ends with Enter); on the last, starts."""
        if event.key() not in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            super().keyPressEvent(event)
            return
        focus = self.focusWidget()
        if focus in (self.cancel, self.submit):
            focus.click()
            return
        if self.chosen() is None:
            self.start()  # says to choose the template first
            return
        fields = self._fields()
        after = fields[fields.index(focus) + 1 :] if focus in fields else fields
        if focus is self.coi_again and not self._ids_match():
            return
        for edit in after:
            if not edit.text().strip() and (edit is self.lot or self._coi_needed()):
                edit.setFocus()
                return
        self.start()

    def _coi_needed(self) -> bool:
        chosen = self.chosen()
        return bool(chosen and chosen.autologous) or bool(self.coi.text().strip())

    # -- starting --------------------------------------------------------------------------------

    def _ids_match(self, move_focus: bool = True) -> bool:
        first, second = self.coi.text().strip(), self.coi_again.text().strip()
        if first == second:
            return True
        if not second:
            self.message.error(_("Give the chain-of-identity id a second time (scan or type it)."))
        elif not first:
            self.message.error(_("Give the chain-of-identity id in the first field too."))
            if move_focus:
                self.coi.setFocus()
            return False
        else:
            self.message.error(
                _(
                    "The two chain-of-identity ids differ:\n"
                    "  first:   {first}\n"
                    "  second: {second}\n"
                    "Check the label, then scan or type the second one again."
                ).format(first=first, second=second)
            )
        if move_focus:
            self.coi_again.setFocus()
            self.coi_again.selectAll()  # a new scan replaces the wrong one
        return False

    def _compare_if_both(self) -> None:
        """On leaving the second field: say at once whether the two ids match (focus stays)."""
        first, second = self.coi.text().strip(), self.coi_again.text().strip()
        if first and second and self._ids_match(move_focus=False):
            self.message.ok(
                _("The two chain-of-identity ids match: {id}.").format(id=self.coi.text().strip())
            )

    def start(self) -> None:
        if not self.submit.isEnabled():
            return
        chosen = self.chosen()
        if chosen is None:
            self.message.error(_("Choose the process template first."))
            self.template.setFocus()
            return
        lot = self.lot.text().strip()
        if not lot:
            self.message.error(_("Give the lot number."))
            self.lot.setFocus()
            return
        coi = self.coi.text().strip()
        if chosen.autologous and not coi:
            self.message.error(
                _(
                    "{template} is autologous: scan or type the patient's chain-of-identity id "
                    "(from the apheresis label), twice."
                ).format(template=chosen.title)
            )
            self.coi.setFocus()
            return
        if (coi or self.coi_again.text().strip()) and not self._ids_match():
            return
        from core.services.batches import start_batch

        self._busy(True)
        self.message.info(_("Starting lot {lot}…").format(lot=lot))
        self.context.tasks.run(
            start_batch,
            self.context.db,
            self.context.actor,
            chosen.key,
            lot,
            coi or None,
            on_done=self._started,
            on_error=self._failed,
        )

    def _started(self, view: Any) -> None:
        self._busy(False)
        self.accept()
        self.context.go("batch", lot=view.lot)

    def _failed(self, error: BaseException) -> None:
        """Core's refusal in the dialog; the input it names (its ``field``, the same in every
        language) gets the focus, its text selected for the next scan or typing."""
        from core.fields import Field
        from ui.errors import message_of

        self._busy(False)
        self.message.error(message_of(error))
        edit = {Field.LOT: self.lot, Field.COI_ID: self.coi}.get(getattr(error, "field", None))
        if edit is not None:
            edit.setFocus()
            edit.selectAll()

    def _locked(self, locked: bool) -> None:
        """The idle lock hides the dialog (a patient's id is on it); the same user gets it back
        as it was; another user never sees it."""
        if locked and self.isVisible():
            self._hidden_by_lock = True
            self.hide()
        elif not locked and self._hidden_by_lock:
            self._hidden_by_lock = False
            actor = self.context.actor
            if actor is not None and actor.username == self._owner:
                self.open()
            else:
                self.reject()

    def _busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        for widget in (self.template, self.lot, self.coi, self.coi_again, self.submit):
            widget.setEnabled(not busy)
