"""The batch list as a table: one row per batch (a frozen BatchSummary), statuses in words."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from core.clock import local_text, utc_iso
from core.i18n import N_, _, first_upper, ngettext
from core.readmodels import BatchSummary
from core.words import STATUS_SHORT
from ui import theme

Index = QModelIndex | QPersistentModelIndex
TOP = QModelIndex()  # the invisible root: a table has no children

FAMILIES = ("CAR-T", "MSC", "AAV", "LV")
# Statuses that need someone now (BatchStatus.POST_RELEASE_OOS: a result failed after release,
# QA has to acknowledge it): listed first whatever the sort, as core lists them, and marked by an
# icon and a word as well as colour.
from core.models.batches import ATTENTION  # noqa: E402  (statuses listed first)

ATTENTION_ICON = "✖"
COLUMNS = (
    N_("Lot"),
    N_("Product"),
    N_("Template"),
    N_("Chain of identity"),
    N_("Status"),
    N_("Started"),
    N_("By"),
)
LOT, FAMILY, TEMPLATE, COI, STATUS, STARTED, BY = range(len(COLUMNS))


def short_local(when: datetime) -> str:
    """Local time to the minute, zone named, for a list ("2026-11-02 09:00 CET"); the full
    `local_text` (seconds, UTC offset) is in the cell's tooltip."""
    local = when.astimezone()
    offset = local.strftime("%z")
    numeric = "UTC" if offset == "+0000" else f"UTC{offset[:3]}:{offset[3:]}"
    zone = local.strftime("%Z")
    if not zone or zone[0] in "+-" or zone == "UTC":
        zone = numeric
    return f"{local:%Y-%m-%d %H:%M} {zone}"


def local_midnight(day: date) -> datetime:
    """The start of a local calendar day as an aware datetime (core compares in UTC)."""
    return datetime(day.year, day.month, day.day).astimezone()


def started_between(first: date, last: date) -> tuple[datetime, datetime]:
    """Local dates, both included → [since, until) for `list_batches`."""
    return local_midnight(first), local_midnight(last + timedelta(days=1))


def status_words(status: str) -> str:
    return STATUS_SHORT.get(status) or first_upper(status.replace("_", " "))


def status_cell(status: str) -> str:
    """The status as the list shows it: with an icon when it needs someone now."""
    words = status_words(status)
    return f"{ATTENTION_ICON} {words}" if status in ATTENTION else words


def attention_text(rows: list[BatchSummary]) -> str:
    """The lots that need QA now, in a sentence ("" when none)."""
    if not rows:
        return ""
    lots = ", ".join(r.lot for r in rows)
    sentence = ngettext(
        "{n} lot with a result out of specification after release, awaiting QA "
        "acknowledgement: {lots} (listed first).",
        "{n} lots with a result out of specification after release, awaiting QA "
        "acknowledgement: {lots} (listed first).",
        len(rows),
    ).format(n=len(rows), lots=lots)
    return f"{ATTENTION_ICON} {sentence}"


def _text(row: BatchSummary, column: int) -> str:
    if column == LOT:
        return row.lot
    if column == FAMILY:
        return row.product_family
    if column == TEMPLATE:
        return f"{row.template_key} v{row.template_version}"
    if column == COI:
        return row.coi_id or "—"
    if column == STATUS:
        return status_cell(row.status)
    if column == STARTED:
        return short_local(row.started_at)
    return row.started_by


def _sort_key(row: BatchSummary, column: int) -> object:
    if column == STARTED:
        return row.started_at
    if column == TEMPLATE:
        return (row.template_key, row.template_version)
    return _text(row, column).lower()


class BatchTableModel(QAbstractTableModel):
    LotRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[BatchSummary] = []
        self._order: tuple[int, Qt.SortOrder] | None = None  # None: as core lists them

    def set_rows(self, rows: list[BatchSummary]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._sort_rows()
        self.endResetModel()

    def batch(self, row: int) -> BatchSummary:
        return self._rows[row]

    def lots(self) -> list[str]:
        return [r.lot for r in self._rows]

    def rowCount(self, parent: Index = TOP) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = TOP) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row, column = self._rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return _text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == STARTED:
                return _("{local}; stored as {utc}").format(
                    local=local_text(row.started_at), utc=utc_iso(row.started_at)
                )
            if row.status in ATTENTION:
                return _(
                    "Lot {lot}: {status}. A result failed after release; "
                    "QA acknowledges it from the review. Enter or double-click opens the lot."
                ).format(lot=row.lot, status=status_words(row.status))
            if column == STATUS:
                return _("Lot {lot}: {status}. Enter or double-click opens it.").format(
                    lot=row.lot, status=status_words(row.status)
                )
            return _("Lot {lot}: press Enter or double-click to open it").format(lot=row.lot)
        if role == self.LotRole:
            return row.lot
        if row.status in ATTENTION:
            if role == Qt.ItemDataRole.ForegroundRole and column in (LOT, STATUS):
                return QColor(theme.VERMILLION)
            if role == Qt.ItemDataRole.FontRole and column in (LOT, STATUS):
                font = QFont()
                font.setBold(True)
                return font
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.AccessibleTextRole,
        ):
            return _(COLUMNS[section])
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.beginResetModel()
        self._order = (column, order) if 0 <= column < len(COLUMNS) else None
        self._sort_rows()
        self.endResetModel()

    def _sort_rows(self) -> None:
        if self._order is not None:
            column, order = self._order
            self._rows.sort(
                key=lambda r: _sort_key(r, column), reverse=order == Qt.SortOrder.DescendingOrder
            )
        self._rows.sort(key=lambda r: r.status not in ATTENTION)  # stable: those first

    def attention(self) -> list[BatchSummary]:
        """The batches that need someone now (a result failed after release)."""
        return [r for r in self._rows if r.status in ATTENTION]
