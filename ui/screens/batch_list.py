"""The batch list, the home screen after log-in: find a batch by lot or chain-of-identity id (typed
or scanned), narrow by product, status and start date, open it; start a new one.

Loading is done by core (`batches.list_batches`) on a worker; the newest answer wins."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, QEvent, QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.i18n import N_, _, ngettext
from ui import theme
from ui.context import AppContext
from ui.models.batches import (
    FAMILIES,
    STARTED,
    STATUS,
    BatchTableModel,
    attention_text,
    started_between,
    status_words,
)
from ui.screens.base import Screen
from ui.widgets.common import Message, TouchCombo, button, field, form_label, label
from ui.widgets.fitted import ElidingCombo

SEARCH_DELAY_MS = 250  # typing pauses this long before the list is asked for again
# Local touches, no sizes of text: a box big enough for a gloved thumb, dates that look off when
# they are off, and cells whose text does not touch the grid.
STYLE = f"""
QCheckBox::indicator {{ width: 26px; height: 26px; }}
QDateEdit:disabled {{ color: #8a8f96; background: {theme.PANEL}; }}
QTableView::item {{ padding: 0 10px; }}
QHeaderView::section {{ padding: 6px 10px; }}
"""


class BatchListScreen(Screen):
    title = N_("Batches")

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self._asked = 0  # number of the newest request: older answers are dropped
        self._open_when_loaded = ""  # a lot or COI typed/scanned + Enter: open it once listed
        self.start_dialog: Any = None

        heading = label(_("Batches"), self, role="title")
        heading.setWordWrap(False)
        self.count = label("", self, role="subtle")
        self.count.setAccessibleName(_("Number of batches shown"))
        self.open_button = button(_("Open"), self, tip=_("Open the selected batch (Enter)"))
        self.start_button = button(
            _("Start batch…"), self, tip=_("Start a new batch (Ctrl+N)"), default=True
        )
        self.start_button.setAutoDefault(False)  # stays the primary action when focus moves

        self.search = field(
            _("Search lot or chain-of-identity id"),
            self,
            placeholder=_("Lot or chain-of-identity id — type or scan"),
        )
        self.search.setToolTip(
            _("Part of a lot or chain-of-identity id; Enter opens an exact match")
        )
        self.family = self._combo(_("Product family"), [(_("All products"), None)])
        for family in FAMILIES:
            self.family.addItem(family, family)
        self.status = ElidingCombo(_("Batch status"), self)  # a long status ends in "…" when closed
        self.status.setMinimumContentsLength(18)
        self.status.addItem(_("All statuses"), None)
        from core.models.batches import BatchStatus

        for status in BatchStatus:
            self.status.addItem(status_words(status.value), status.value)
        self.by_date = QCheckBox(_("Started between"), self)
        self.by_date.setMinimumHeight(theme.TOUCH)
        self.by_date.setAccessibleName(_("Only batches started between two dates"))
        today = QDate.currentDate()
        self.since = self._date_edit(_("Started from (local date)"), today.addDays(-30))
        self.until = self._date_edit(_("Started to (local date, included)"), today)
        self.clear_button = button(
            _("Clear filters"), self, tip=_("Show every batch (Ctrl+Shift+X)")
        )

        self.message = Message(self)
        self.attention = label("", self, role="error")
        self.attention.setAccessibleName(_("Lots that need QA now"))
        self.attention.hide()
        self.model = BatchTableModel(self)
        self.table = QTableView(self)
        self.table.setAccessibleName(_("Batches"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, as everywhere else
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setMinimumSectionSize(theme.TOUCH)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSortIndicator(STARTED, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        self.table.installEventFilter(self)
        self._fit_rows()

        self.setStyleSheet(STYLE)
        self._layout(heading)
        self._connect()

    # -- building --------------------------------------------------------------------------------

    def _combo(self, name: str, items: list[tuple[str, str | None]]) -> QComboBox:
        combo = TouchCombo(self)
        combo.setMinimumHeight(theme.TOUCH)
        combo.setAccessibleName(name)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for text, data in items:
            combo.addItem(text, data)
        return combo

    def _date_edit(self, name: str, day: QDate) -> QDateEdit:
        edit = QDateEdit(day, self)
        edit.setMinimumHeight(theme.TOUCH)
        edit.setAccessibleName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setEnabled(False)
        return edit

    def _layout(self, heading: QWidget) -> None:
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.open_button)
        top.addWidget(self.start_button)

        filters = QHBoxLayout()
        filters.setSpacing(8)
        filters.addWidget(form_label(_("Search"), self))
        filters.addWidget(self.search, 3)
        filters.addSpacing(8)
        filters.addWidget(form_label(_("Product"), self))
        filters.addWidget(self.family, 1)
        filters.addSpacing(8)
        filters.addWidget(form_label(_("Status"), self))
        filters.addWidget(self.status, 1)

        dates = QHBoxLayout()
        dates.setSpacing(8)
        dates.addWidget(self.by_date)
        dates.addWidget(self.since)
        dates.addWidget(form_label(_("and"), self))
        dates.addWidget(self.until)
        dates.addStretch(1)
        dates.addWidget(self.clear_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addLayout(dates)
        layout.addWidget(self.message)
        layout.addWidget(self.attention)
        layout.addWidget(self.count)
        layout.addWidget(self.table, 1)

    def _connect(self) -> None:
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.reload)
        self.search.textEdited.connect(lambda _text: self._search_timer.start())
        self.search.returnPressed.connect(self._search_entered)
        self.family.currentIndexChanged.connect(self.reload)
        self.status.currentIndexChanged.connect(self.reload)
        self.by_date.toggled.connect(self._dates_toggled)
        self.since.dateChanged.connect(self.reload)
        self.until.dateChanged.connect(self.reload)
        self.clear_button.clicked.connect(self.clear_filters)
        self.table.activated.connect(self._open_index)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.open_button.clicked.connect(self._open_selected)
        self.start_button.clicked.connect(self.start_batch)
        self._start_shortcut = QShortcut(QKeySequence("Ctrl+N"), self, self.start_batch)
        QShortcut(QKeySequence("Ctrl+F"), self, self._focus_search)
        QShortcut(QKeySequence("Ctrl+Shift+X"), self, self.clear_filters)
        QShortcut(QKeySequence("F5"), self, self.reload)
        self.search.setToolTip(self.search.toolTip() + " (Ctrl+F)")
        self._selection_changed()

    # -- showing ---------------------------------------------------------------------------------

    def activate(self, **arguments: Any) -> None:
        from core.auth.roles import Permission

        allowed = self.context.can(Permission.START_BATCH)
        self.start_button.setVisible(allowed)
        self._start_shortcut.setEnabled(allowed)
        self.reload()
        self._focus_search()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() in (
            QEvent.Type.FontChange,
            QEvent.Type.StyleChange,
        ):
            self._fit_rows()  # large-text mode: rows follow the font
            if self.model.rowCount():
                self._fit_columns()
        return False

    def _fit_columns(self) -> None:
        """As wide as their contents; a long status gives way ("…") to keep every column in view."""
        self.table.resizeColumnsToContents()
        widths = [self.table.columnWidth(c) for c in range(self.model.columnCount())]
        over = sum(widths) - self.table.viewport().width()
        if over > 0:
            least = self.table.fontMetrics().horizontalAdvance("0") * 18
            self.table.setColumnWidth(STATUS, max(widths[STATUS] - over, least))

    def _fit_rows(self) -> None:
        height = max(theme.TOUCH + 4, round(self.table.fontMetrics().height() * 2.2))
        self.table.verticalHeader().setDefaultSectionSize(height)

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def filters(self) -> dict[str, Any] | None:
        """The keyword arguments for `list_batches`; None when the dates cannot match anything."""
        arguments: dict[str, Any] = {
            "text": self.search.text().strip() or None,
            "product_family": self.family.currentData(),
            "status": self.status.currentData(),
        }
        if self.by_date.isChecked():
            first, last = self.since.date().toPython(), self.until.date().toPython()
            if first > last:
                return None
            arguments["since"], arguments["until"] = started_between(first, last)
        return arguments

    def reload(self) -> None:
        self._search_timer.stop()
        if self.context.db is None:
            return
        arguments = self.filters()
        self._asked += 1
        if arguments is None:
            self.model.set_rows([])
            self.count.hide()
            self.attention.hide()
            self.message.error(
                _(
                    "The first date ({first}) is after the second ({last}): change one of them."
                ).format(
                    first=self.since.date().toString("yyyy-MM-dd"),
                    last=self.until.date().toString("yyyy-MM-dd"),
                )
            )
            return
        from core.services.batches import list_batches

        asked = self._asked
        self.count.setText(_("Loading…"))
        self.count.show()
        self.context.tasks.run(
            list_batches,
            self.context.db,
            **arguments,
            on_done=lambda rows: self._loaded(asked, rows),
            on_error=lambda error: self._failed(asked, error),
        )

    def _loaded(self, asked: int, rows: list) -> None:
        if asked != self._asked:
            return
        selected = self.selected_lot()
        self.model.set_rows(rows)
        self._fit_columns()
        self.count.setVisible(bool(rows))
        self.count.setText(
            ngettext(
                "{n} batch. Enter or double-click opens the selected one.",
                "{n} batches. Enter or double-click opens the selected one.",
                len(rows),
            ).format(n=len(rows))
        )
        text = attention_text(self.model.attention())  # a failure after release: named here too
        self.attention.setText(text)
        self.attention.setVisible(bool(text))
        if rows:
            self.message.clear()
        elif self._filtered():
            self.message.info(_("No batch matches these filters. “Clear filters” shows them all."))
        elif self.start_button.isVisibleTo(self):
            self.message.info(_("No batches yet. “Start batch…” (Ctrl+N) starts the first one."))
        else:
            self.message.info(_("No batches yet."))
        wanted = self._open_when_loaded
        self._open_when_loaded = ""
        if wanted and self._open_exact(wanted):
            return
        lots = self.model.lots()
        if selected in lots:
            self.table.selectRow(lots.index(selected))
        if wanted and rows:  # no exact match: the list takes the keys (Enter opens a row)
            self.table.selectRow(0)
            self.table.setFocus()
        self._selection_changed()

    def _failed(self, asked: int, error: BaseException) -> None:
        if asked != self._asked:
            return
        from ui.errors import message_of

        self._open_when_loaded = ""
        self.count.hide()
        self.attention.hide()
        self.message.error(message_of(error))

    def _filtered(self) -> bool:
        return bool(
            self.search.text().strip()
            or self.family.currentIndex() > 0
            or self.status.currentIndex() > 0
            or self.by_date.isChecked()
        )

    # -- actions ---------------------------------------------------------------------------------

    def clear_filters(self) -> None:
        for widget in (self.family, self.status, self.by_date, self.search):
            widget.blockSignals(True)
        self.search.clear()
        self.family.setCurrentIndex(0)
        self.status.setCurrentIndex(0)
        self.by_date.setChecked(False)
        self._dates_enabled(False)
        for widget in (self.family, self.status, self.by_date, self.search):
            widget.blockSignals(False)
        self.reload()
        self._focus_search()

    def _dates_toggled(self, on: bool) -> None:
        self._dates_enabled(on)
        self.reload()

    def _dates_enabled(self, on: bool) -> None:
        self.since.setEnabled(on)
        self.until.setEnabled(on)

    def handle_scan(self, code: str, _focus: QWidget | None) -> None:
        """A scan anywhere on the list is a search: it opens the batch it names exactly."""
        self.search.setText(code)
        self._focus_search()
        self._search_entered()

    def _search_entered(self) -> None:
        """Enter in the search (a scanner ends with Enter): open the batch it names exactly."""
        self._open_when_loaded = self.search.text().strip()
        self.reload()

    def _open_exact(self, text: str) -> bool:
        from core.services.batches import named_exactly

        batch = named_exactly([self.model.batch(i) for i in range(self.model.rowCount())], text)
        if batch is None:
            return False
        self.context.go("batch", lot=batch.lot)
        return True

    def selected_lot(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.batch(rows[0].row()).lot if rows else None

    def _selection_changed(self, *_args: object) -> None:
        self.open_button.setEnabled(self.selected_lot() is not None)

    def _open_selected(self) -> None:
        lot = self.selected_lot()
        if lot is not None:
            self.context.go("batch", lot=lot)

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.context.go("batch", lot=self.model.batch(index.row()).lot)

    def start_batch(self) -> None:
        from core.auth.roles import Permission

        if not self.context.can(Permission.START_BATCH) or self.context.db is None:
            return
        from ui.dialogs.start_batch import StartBatchDialog

        self.start_dialog = StartBatchDialog(self.context, self)
        self.start_dialog.open()
