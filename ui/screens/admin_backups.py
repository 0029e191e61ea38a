"""Administration, backups tab: the last good backup (when, who, file, verified), whether the last
attempt failed and why, when the next scheduled backup is due, the schedule (folder and interval,
changed with a reason), "Back up now" (the administrator's password, ui/dialogs/reauth.py) and
the history of backups. Everything is decided and done by core (core/services/backup.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QFileDialog, QFormLayout, QHBoxLayout, QVBoxLayout, QWidget

from core.i18n import N_, _
from ui.models.base import ReadModelTable
from ui.screens.admin_settings import confirm_settings
from ui.widgets.busy import release, run_for
from ui.widgets.common import Message, button, field, form_label, label, panel
from ui.widgets.number_field import NumberField
from ui.widgets.tables import BenchTable

if TYPE_CHECKING:
    from core.backup.views import BackupStatus, BackupView
    from ui.context import AppContext

HISTORY = 50


def load_backups(db) -> tuple[BackupStatus, list[BackupView]]:
    """The status and the recent history, in one call on a worker."""
    from core.services.backup import backup_status, history

    return backup_status(db), history(db, HISTORY)


def when(moment) -> str:
    from core.clock import local_text

    return local_text(moment)


def who(view: BackupView) -> str:
    return _("scheduled (system)") if view.kind == "scheduled" else view.made_by


class BackupsModel(ReadModelTable):
    columns = (N_("When"), N_("By"), N_("Result"), N_("File"), N_("SHA-256 or why it failed"))

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        view = self.item_at(index.row())
        if view is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                when(view.made_at),
                who(view),
                _("Verified") if view.ok else _("FAILED"),
                view.file,
                view.sha256 if view.ok else view.verification,
            )[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return view.verification
        return None


class BackupsTab(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from core.services.settings import LIMITS

        self.context = context
        self.setAccessibleName(_("Backups"))
        self.status: BackupStatus | None = None
        self.dialog: Any = None  # the dialog opened last (tests type into it)

        box = panel(self)
        self.last_good = label(_("Reading the backups…"), box)
        self.last_good.setAccessibleName(_("Last good backup"))
        self.last_good.setTextFormat(Qt.TextFormat.RichText)
        self.failure = Message(box)
        self.failure.setAccessibleName(_("Last backup attempt"))
        self.next_due = label("", box, role="subtle")
        self.next_due.setAccessibleName(_("Next scheduled backup"))
        self.back_up = button(
            _("Back up now…"),
            box,
            tip=_("A verified backup into the backup folder (your password needed)"),
        )
        top = QHBoxLayout(box)
        top.setContentsMargins(12, 10, 12, 10)
        text = QVBoxLayout()
        for widget in (self.last_good, self.failure, self.next_due):
            text.addWidget(widget)
        top.addLayout(text, 1)
        top.addWidget(self.back_up, 0, Qt.AlignmentFlag.AlignTop)

        self.folder = field(
            _("Backup folder"), self, placeholder=_("an absolute path, ideally on another disk")
        )
        self.choose = button(_("Choose…"), self, tip=_("Pick the folder"))
        self.choose.setAutoDefault(False)
        low, high, _meaning = LIMITS["backup_every_hours"]
        self.every = NumberField(low, high, self)
        self.every.setAccessibleName(_("Hours between scheduled backups"))
        self.every.setToolTip(
            _("From {low} to {high}; 0 switches scheduled backups off").format(low=low, high=high)
        )
        self.reason = field(
            _("Reason"), self, placeholder=_("why the schedule changes (kept in the trail)")
        )
        self.save = button(_("Save schedule"), self)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.choose)
        every_row = QHBoxLayout()
        every_row.addWidget(self.every)
        every_row.addWidget(label(_("0 switches scheduled backups off"), self, role="subtle"), 1)
        form = QFormLayout()
        form.setSpacing(10)
        for caption, row, buddy in (
            (_("Backup folder"), folder_row, self.folder),
            (_("Hours between scheduled backups"), every_row, self.every),
        ):
            title = form_label(caption, self)
            title.setBuddy(buddy)
            form.addRow(title, row)
        reason_title = form_label(_("Reason for the change"), self)
        reason_title.setBuddy(self.reason)
        form.addRow(reason_title, self.reason)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.save)
        self.message = Message(self)
        self.message.setAccessibleName(_("Backups message"))
        self.model = BackupsModel(self)
        self.table = BenchTable(_("Backup history"), self)
        self.table.setModel(self.model)
        self.table.set_column_caps({3: 46, 4: 30}, widest=24)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 8)
        layout.setSpacing(8)
        layout.addWidget(box)
        layout.addWidget(self.message)
        layout.addLayout(form)
        layout.addLayout(save_row)
        layout.addWidget(label(_("<b>History</b>"), self))
        layout.addWidget(self.table, 1)

        self.back_up.clicked.connect(self.open_backup)
        self.choose.clicked.connect(self._choose_folder)
        self.save.clicked.connect(self.save_schedule)
        self.reason.returnPressed.connect(self.save_schedule)

    # -- data ------------------------------------------------------------------------------------

    def reload(self) -> None:
        run_for(self, load_backups, self.context.db, on_done=self._show, on_error=self._failed)

    def _failed(self, error: BaseException) -> None:
        from ui.errors import message_of

        self.message.error(message_of(error))

    def _show(self, loaded: tuple[BackupStatus, list[BackupView]]) -> None:
        status, views = loaded
        self.status = status
        good = status.last_good
        if good is None:
            self.last_good.setText(_("<b>No good backup yet.</b>"))
        else:
            self.last_good.setText(
                _(
                    "<b>Last good backup:</b> {when} by {who}<br>"
                    "{file}<br>✔ verified: integrity, audit trail, row counts, chain head "
                    "(event {seq}); SHA-256 {sha}…"
                ).format(
                    when=when(good.made_at),
                    who=who(good),
                    file=good.file,
                    seq=good.chain_seq,
                    sha=good.sha256[:16],
                )
            )
        attempt = status.last_attempt
        if status.failing and attempt is not None:
            self.failure.error(
                _("The last backup attempt failed ({when}, {who}): {why}").format(
                    when=when(attempt.made_at), who=who(attempt), why=attempt.verification
                )
            )
        else:
            self.failure.clear()
        self.next_due.setText(self._due_text(status))
        self.folder.setText(status.folder or "")
        self.every.setValue(status.every_hours)
        self.model.set_items(views)
        self.table.fit_columns()

    @staticmethod
    def _due_text(status: BackupStatus) -> str:
        if status.next_due is None:
            return _("Scheduled backups are off (0 hours between them).")
        if status.due:
            return _(
                "A scheduled backup is due now: the app makes it at the next log-in, and tries "
                "every hour while someone is logged in."
            )
        return _("Next scheduled backup: {when}.").format(when=when(status.next_due))

    def _choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, _("Backup folder"), self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    # -- acts ------------------------------------------------------------------------------------

    def save_schedule(self) -> None:
        if self.status is None or not self.save.isEnabled():
            return
        every = self.every.value()
        if every is None:
            self.message.error(
                _("Type a whole number from {low} to {high}.").format(
                    low=self.every.low, high=self.every.high
                )
            )
            self.every.setFocus()
            return
        changes: dict[str, int | str] = {}
        if self.folder.text().strip() != (self.status.folder or ""):
            changes["backup_folder"] = self.folder.text().strip()
        if every != self.status.every_hours:
            changes["backup_every_hours"] = every
        if not changes:
            self.message.info(_("Nothing to save: the schedule is as stored."))
            return
        if len(self.reason.text().strip()) < 3:
            self.message.error(_("Give a reason for the change: it is kept in the audit trail."))
            self.reason.setFocus()
            return
        self.dialog = confirm_settings(self, changes, self.reason.text(), self._saved)

    def _saved(self, _policy: Any) -> None:
        self.reason.clear()
        self.message.ok(_("Schedule saved."))
        self.reload()

    def _refused(self, error: BaseException) -> None:
        from ui.errors import message_of

        release(self.save)
        self.message.error(message_of(error))
        if self.status is not None:
            run_for(self, load_backups, self.context.db, on_done=self._keep_typed)

    def _keep_typed(self, loaded: tuple[BackupStatus, list[BackupView]]) -> None:
        self.status = loaded[0]  # one of two changes may have been saved; the typed values stay

    def open_backup(self) -> None:
        from core.services.backup import backup_now
        from ui.dialogs.reauth import ReauthDialog

        db, admin = self.context.db, self.context.actor
        folder = self.status.folder if self.status is not None else None
        where = (
            _("into <b>{folder}</b>").format(folder=folder)
            if folder
            else _("into the backup folder (none is set yet)")
        )
        dialog = ReauthDialog(
            self.context,
            _("Back up now"),
            _(
                "A copy of the site database is written {where} with its manifest, and verified "
                "before it is kept: integrity, the audit trail, the row count of every table and "
                "the chain head. A signed checkpoint of the audit trail is written first, so the "
                "backup holds it."
            ).format(where=where),
            _("Back up"),
            lambda password, _text, _path: backup_now(db, admin, password),
            working=_("Backing up…"),
            parent=self,
        )
        if self.dialog is not None and not self.dialog.busy:
            self.dialog.deleteLater()
        self.message.clear()
        self.dialog = dialog
        dialog.finished_with.connect(self._backed_up)
        dialog.rejected.connect(self.reload)  # a failed attempt is on record: show it
        dialog.open()

    def _backed_up(self, view: BackupView) -> None:
        self.message.ok(_("Backed up to {file} and verified.").format(file=view.file))
        self.reload()
