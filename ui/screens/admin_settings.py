"""Administration, settings tab: the site's lockout threshold, idle-lock time and who records
release test results, changed with a reason (audited by core). A new idle time takes effect in
this session at once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from core.i18n import N_, _, first_upper, ngettext
from core.words import Words
from ui import theme
from ui.widgets.busy import run_for
from ui.widgets.common import Message, TouchCombo, button, field, form_label, label
from ui.widgets.number_field import NumberField, stepper

if TYPE_CHECKING:
    from core.auth.policy import SitePolicy
    from ui.context import AppContext

KEYS = ("lockout_attempts", "idle_lock_minutes", "import_max_mb")
RELEASE = "release_results_by"
# The choices core takes for RELEASE (core.auth.policy.RELEASE_RECORDERS), in words.
RELEASE_WORDS: Words[str] = Words(
    {
        "qc": N_("QC analysts only"),
        "qc_or_supervisor": N_(
            "QC analysts or supervisors (never the lot's own manufacturing staff)"
        ),
    }
)


ZONE, MARK = "time_zone", "decimal_mark"
# The decimal marks core takes (core.values.DECIMAL_MARKS), in words.
MARK_WORDS: Words[str] = Words(
    {
        "auto": N_("A point or a comma (1,000 and 12.500 refused as ambiguous)"),
        "point": N_("Point: 1,234.5"),
        "comma": N_("Comma: 1.234,5"),
    }
)


def save_settings(
    db, admin, changes: dict[str, int | str], reason: str, password: str
) -> SitePolicy:
    """The changed settings through core, together, after the administrator's password."""
    from core.services.settings import change_settings

    return change_settings(
        db, admin, {k: str(v) for k, v in changes.items()}, reason, admin_password=password
    )


def confirm_settings(owner: QWidget, changes: dict[str, int | str], reason: str, saved) -> Any:
    """The administrator's password before a site-wide change (as for a user's account): a
    dialog listing the changes; ``saved(policy)`` once core has stored them all."""
    from core.services.settings import MEANINGS
    from ui.dialogs.reauth import ReauthDialog

    context = owner.context
    db, admin = context.db, context.actor
    listed = "<br>".join(f"• {_(MEANINGS[k])}: <b>{v}</b>" for k, v in changes.items())
    dialog = ReauthDialog(
        context,
        _("Change site settings"),
        _("For every workstation using this database:<br>{listed}<br>Reason: {reason}").format(
            listed=listed, reason=reason
        ),
        _("Save settings"),
        lambda password, _text, _path: save_settings(db, admin, changes, reason, password),
        working=_("Saving…"),
        parent=owner,
    )
    dialog.finished_with.connect(saved)
    dialog.open()
    return dialog


def _zone_names() -> list[str]:
    from zoneinfo import available_timezones

    return sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))


class SettingsTab(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from core.services.settings import LIMITS

        self.context = context
        self.setAccessibleName(_("Settings"))
        self.policy: SitePolicy | None = None
        self.dialog = None  # the password confirmation, while open
        self.spins: dict[str, NumberField] = {}
        self._holders: list[QWidget] = []
        self.steppers: dict[str, tuple[QPushButton, QPushButton]] = {}
        form = QFormLayout()
        form.setSpacing(12)
        for key in KEYS:
            low, high, meaning = LIMITS[key]
            name = first_upper(_(meaning))
            spin = NumberField(low, high, self)
            spin.setAccessibleName(name)
            spin.setToolTip(
                _("From {low} to {high}; type a number or use − and + (or ↓ and ↑)").format(
                    low=low, high=high
                )
            )
            self.spins[key] = spin
            caption = form_label(f"{name} ({low}–{high})", self)
            caption.setBuddy(spin)
            holder, less, more = stepper(spin, name, self)
            self.steppers[key] = (less, more)
            holder.setEnabled(False)  # until the current values are read
            self._holders.append(holder)
            form.addRow(caption, holder)
        self.release_by = TouchCombo(self)
        self.release_by.setAccessibleName(_("Who records release test results"))
        self.release_by.setMinimumHeight(theme.TOUCH)
        from core.auth.policy import RELEASE_RECORDERS
        from core.services.settings import MEANINGS

        for value in RELEASE_RECORDERS:
            self.release_by.addItem(RELEASE_WORDS.get(value, value), value)
        self.release_by.setToolTip(first_upper(_(MEANINGS[RELEASE])))
        self.release_by.setEnabled(False)  # until the current value is read
        release_caption = form_label(_("Release test results are recorded by"), self)
        release_caption.setBuddy(self.release_by)
        form.addRow(release_caption, self.release_by)
        self.time_zone = TouchCombo(self)
        self.time_zone.setEditable(True)  # type a few letters: the list narrows
        self.time_zone.addItems(_zone_names())
        self.time_zone.setAccessibleName(_("Site time zone"))
        self.time_zone.setMinimumHeight(theme.TOUCH)
        self.time_zone.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.time_zone.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.time_zone.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.time_zone.setToolTip(first_upper(_(MEANINGS[ZONE])))
        self.time_zone.setEnabled(False)  # until the current value is read
        zone_caption = form_label(_("Site time zone"), self)
        zone_caption.setBuddy(self.time_zone)
        form.addRow(zone_caption, self.time_zone)
        self.decimal_mark = TouchCombo(self)
        for value, words in MARK_WORDS.items():
            self.decimal_mark.addItem(words, value)
        self.decimal_mark.setAccessibleName(_("How numbers are typed and shown"))
        self.decimal_mark.setMinimumHeight(theme.TOUCH)
        self.decimal_mark.setToolTip(first_upper(_(MEANINGS[MARK])))
        self.decimal_mark.setEnabled(False)
        mark_caption = form_label(_("Decimal mark"), self)
        mark_caption.setBuddy(self.decimal_mark)
        form.addRow(mark_caption, self.decimal_mark)
        self.lockout_attempts = self.spins["lockout_attempts"]
        self.idle_minutes = self.spins["idle_lock_minutes"]
        self.reason = field(
            _("Reason"), self, placeholder=_("why the setting changes (kept in the trail)")
        )
        reason_caption = form_label(_("Reason for the change"), self)
        reason_caption.setBuddy(self.reason)
        form.addRow(reason_caption, self.reason)
        self.save = button(_("Save settings"), self, tip=_("Enter"), default=True)
        self.message = Message(self)
        self.message.setAccessibleName(_("Settings message"))
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.save)

        box = QWidget(self)
        box.setMaximumWidth(1150)
        inner = QVBoxLayout(box)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.setSpacing(12)
        inner.addWidget(
            label(
                _(
                    "These apply to every workstation using this database. Each change is kept "
                    "in the audit trail with its reason."
                ),
                box,
                role="subtle",
            )
        )
        inner.addLayout(form)
        inner.addWidget(self.message)
        inner.addLayout(row)
        holder = QWidget(self)  # in large text on the bench screen the settings scroll
        column = QVBoxLayout(holder)
        column.setContentsMargins(12, 16, 12, 8)
        column.addWidget(box)
        column.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(holder)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

        self.save.clicked.connect(self.apply)
        self.reason.returnPressed.connect(self.apply)
        for spin in self.spins.values():
            spin.returnPressed.connect(self.apply)

    def reload(self) -> None:
        from core.services.settings import show_policy

        run_for(self, show_policy, self.context.db, on_done=self._show, on_error=self._load_failed)

    def _load_failed(self, error: BaseException) -> None:
        from ui.errors import message_of

        self.message.error(message_of(error))

    def _show(self, policy: SitePolicy) -> None:
        self.policy = policy
        for key, spin in self.spins.items():
            spin.setValue(getattr(policy, key))
        index = self.release_by.findData(policy.release_results_by)
        if index < 0:  # a value this workstation does not know: shown as it is stored
            self.release_by.addItem(policy.release_results_by, policy.release_results_by)
            index = self.release_by.count() - 1
        self.release_by.setCurrentIndex(index)
        self.release_by.setEnabled(True)
        self.time_zone.setCurrentText(policy.time_zone or "")
        self.time_zone.lineEdit().setPlaceholderText(_("not set: instrument times need a zone"))
        mark = self.decimal_mark.findData(policy.decimal_mark)
        self.decimal_mark.setCurrentIndex(max(mark, 0))
        for combo in (self.time_zone, self.decimal_mark):
            combo.setEnabled(True)
        for holder in self._holders:
            holder.setEnabled(True)

    def apply(self) -> None:
        if self.policy is None or not self.save.isEnabled():
            return
        for spin in self.spins.values():
            if spin.value() is None:
                self.message.error(
                    _("Type a whole number from {low} to {high}.").format(
                        low=spin.low, high=spin.high
                    )
                )
                spin.setFocus()
                return
        changes: dict[str, int | str] = {
            key: spin.value()
            for key, spin in self.spins.items()
            if spin.value() != getattr(self.policy, key)
        }
        if self.release_by.currentData() != self.policy.release_results_by:
            changes[RELEASE] = self.release_by.currentData()
        zone = self.time_zone.currentText().strip()
        if zone and zone != (self.policy.time_zone or ""):
            changes[ZONE] = zone
        if self.decimal_mark.currentData() != self.policy.decimal_mark:
            changes[MARK] = self.decimal_mark.currentData()
        if not changes:
            self.message.info(_("Nothing to save: every setting is as stored."))
            return
        if len(self.reason.text().strip()) < 3:
            self.message.error(_("Give a reason for the change: it is kept in the audit trail."))
            self.reason.setFocus()
            return
        self._confirm(changes)

    def _confirm(self, changes: dict[str, int | str]) -> None:
        self.dialog = confirm_settings(self, changes, self.reason.text(), self._saved)

    def _saved(self, policy: SitePolicy) -> None:
        from core.number_display import set_site_mark
        from ui.context import MINUTE_MS

        self._show(policy)
        self.context.set_idle_ms(policy.idle_lock_minutes * MINUTE_MS)
        set_site_mark(policy.decimal_mark)  # numbers are shown with the new mark at once
        self.reason.clear()
        self.message.ok(
            ngettext(
                "Saved. Accounts lock after {attempts} failed log-ins; the screen locks after "
                "{minutes} minute without input. Release test results are recorded by {who}. "
                "Site time zone: {zone}.",
                "Saved. Accounts lock after {attempts} failed log-ins; the screen locks after "
                "{minutes} minutes without input. Release test results are recorded by {who}. "
                "Site time zone: {zone}.",
                policy.idle_lock_minutes,
            ).format(
                attempts=policy.lockout_attempts,
                minutes=policy.idle_lock_minutes,
                who=RELEASE_WORDS.get(policy.release_results_by, policy.release_results_by),
                zone=policy.time_zone or _("not set"),
            )
        )
