"""One check of the batch record, as a row of the step's form: what to measure, the entry field,
the verdict (icon and word), who recorded it and when (and, for an instrument value, when the
instrument measured it); in place, the out-of-spec demand.

A check that does not apply to this batch (core's ``applies`` is False), or whose applicability
is not known yet (None), says so with the condition core wrote and takes no entry. An example
limit the site's QA has not confirmed carries core's caveat wherever the limit shows.

The row only shows what core decided (verdict, rule, display value, applicability); it computes
nothing."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCompleter,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QWidget,
)

from core.check_kinds import kind_of
from core.clock import local_text
from core.i18n import N_, _
from core.readmodels import CheckView
from core.specs import Verdict
from ui import theme
from ui.models.history import ENTRY_KIND_WORDS, measured_text, timing_text
from ui.widgets.common import Message, TouchCombo, button, field, label

NOT_APPLICABLE = theme.Verdict("–", N_("Does not apply"), theme.GREY, "none")
NOT_KNOWN = theme.Verdict("?", N_("Not known yet"), theme.GREY, "none")


def _show(widget: QWidget, visible: bool) -> None:
    """Change visibility only when it changes: each change costs a new layout of the form."""
    if widget.isHidden() == visible:
        widget.setVisible(visible)


def applicability_text(check: CheckView) -> str:
    """Why a check takes no entry: it does not apply, or it is not known yet ("" if it applies)."""
    when = check.condition or _("its condition holds")
    if check.applies is False:
        return _("does not apply — applies only when {condition}").format(condition=when)
    if check.applies is None:
        return _("not known yet — applies only when {condition}: record that check first").format(
            condition=when
        )
    return ""


def spec_text(check: CheckView, short: bool = False) -> str:
    """The limit in words, with core's caveat when it is an example QA has not confirmed (only
    its mark when ``short``: the row's who line, which has the room, says it in full)."""
    if not check.caveat:
        return check.spec
    return f"{check.spec} ⚠" if short else f"{check.spec} ⚠ {check.caveat}"


def who_text(check: CheckView) -> str:
    """Who recorded the current value and when (see ``recorded_text``), or why the check takes
    no entry; then core's caveat on an example limit (the meta line marks the limit with ⚠)."""
    text = recorded_text(check) if check.current is not None else applicability_text(check)
    if check.caveat:
        text = f"{text} · ⚠ {check.caveat}" if text else f"⚠ {check.caveat}"
    return text


def recorded_text(check: CheckView) -> str:
    """Who recorded the current value and when; for an instrument value when it was measured
    (local time, and the zone the instrument's time was read in) and why an unusual measurement
    time was accepted; then any comment, deviation, and the applicability note."""
    current = check.current
    when = local_text(current.recorded_at)
    if current.measured_at is not None:
        when = _("entered {when} · {measured}").format(when=when, measured=measured_text(current))
    kind = ENTRY_KIND_WORDS.get(current.kind, current.kind)
    version = f" · v{current.version} ({kind})" if current.version > 1 else ""
    notes = [n for n in (timing_text(current),) if n]
    if current.comment:
        notes.append(_("comment: {comment}").format(comment=current.comment))
    if current.deviation:
        notes.append(current.deviation)
    if check.applies is not True:
        notes.append(applicability_text(check))
    tail = f" · {'; '.join(notes)}" if notes else ""
    return f"{current.shown_rule} — {current.recorded_by_name}, {when}{version}{tail}"


def entry_hint(check: CheckView) -> str:
    if check.applies is False:
        return _("does not apply")
    if check.applies is None:
        return _("not known yet")
    if check.derived:
        return _("calculated")
    return kind_of(check).entry_hint(check)


class UnitLabel(QLabel):
    """A unit beside its value: never narrower than its longest word ("cells/mL" whole in large
    text too), never wider than a common unit ("copies/µL"): a long one wraps onto two lines."""

    WIDEST = "copies/µL "

    def _capped(self, hint):
        metrics = self.fontMetrics()
        longest = max((metrics.horizontalAdvance(w) for w in self.text().split()), default=0)
        hint.setWidth(min(hint.width(), max(longest, metrics.horizontalAdvance(self.WIDEST))))
        return hint

    def sizeHint(self):
        return self._capped(super().sizeHint())

    def minimumSizeHint(self):
        return self._capped(super().minimumSizeHint())


class CheckEntry(QLineEdit):
    """The entry field of a check. Keys typed into it once it is recorded (read-only) are not
    silently lost: the row says how to change a recorded value instead."""

    typed_into_read_only = None  # set by the row
    ROOM = "COI-W123426000042 "  # a chain-of-identity id, the longest code typed or scanned

    WHOLE = 32  # characters of a recorded value the field makes room for

    def minimumSizeHint(self):
        """Room for a chain-of-identity id in the font of the moment (large text too), and for
        a recorded value of up to WHOLE characters, so that it shows whole."""
        hint = super().minimumSizeHint()
        text = self.ROOM
        if self.isReadOnly() and len(self.text()) >= len(text):
            text = self.text()[: self.WHOLE] + " "
        hint.setWidth(max(hint.width(), self._width(text)))
        return hint

    def _width(self, text: str) -> int:
        return self.fontMetrics().horizontalAdvance(text) + 28

    def keyPressEvent(self, event) -> None:
        text = event.text()
        if self.isReadOnly() and text and text.isprintable() and self.typed_into_read_only:
            self.typed_into_read_only()
        super().keyPressEvent(event)


class CheckRow(QFrame):
    submitted = Signal(str, str)  # check id, typed text
    advance = Signal(str)  # Enter on a recorded field: move on
    correct_requested = Signal(str)
    history_requested = Signal(str)
    justify_requested = Signal(str, str, str)  # check id, comment, deviation reference
    open_deviation_requested = Signal(str)
    draft_changed = Signal(str, str)  # check id, text

    def __init__(self, check: CheckView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "panel")
        self.check = check
        self._busy = False
        grid = QGridLayout(self)
        grid.setContentsMargins(12, 8, 12, 8)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(4)

        self.name = QLabel(f"<b>{check.name}</b>", self)
        self.name.setWordWrap(True)
        self.meta = label(self._meta_text(check), self, role="subtle")
        self.entry = CheckEntry(self)
        self.entry.setMinimumHeight(theme.TOUCH)
        self.entry.setAccessibleName(f"{check.name} ({check.id})")
        self.entry.setPlaceholderText(entry_hint(check))
        self.entry.typed_into_read_only = self._typed_into_recorded
        self.unit = UnitLabel(check.unit or "", self)
        # never narrower than its text (a fixed minimum let "cells/mL" be cut in large text)
        self.unit.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Preferred)
        self.unit.setWordWrap(True)  # a long unit ("beads per 3×10⁶ cells") takes two lines
        self.verdict = QLabel("", self)
        self.verdict.setAccessibleName(_("Verdict of {check}").format(check=check.id))
        self.verdict.setMinimumWidth(120)  # "– Does not apply" wraps rather than crowd the value
        self.verdict.setWordWrap(True)
        self.who = label("", self, role="subtle")
        self.message = Message(self)
        self.history = button(_("History"), self, tip=_("All versions, who, when, why (Ctrl+H)"))
        self.correct = button(_("Correct"), self, tip=_("Correct this value, with a reason (F2)"))
        actions = QHBoxLayout()
        actions.setSpacing(6)
        actions.addWidget(self.history)
        actions.addWidget(self.correct)

        grid.addWidget(self.name, 0, 0)
        grid.addWidget(self.entry, 0, 1)
        grid.addWidget(self.unit, 0, 2)
        grid.addWidget(self.verdict, 0, 3)
        grid.addLayout(actions, 0, 4)
        grid.addWidget(self.meta, 1, 0)
        # who/when (with an instrument's measurement time) or why no entry: the width of the row
        grid.addWidget(self.who, 1, 1, 1, 4)
        grid.addWidget(self.message, 2, 1, 1, 4)
        for wide in (self.who, self.message):  # they wrap in the room the row has, not widen it
            wide.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 4)  # a recorded value shows whole where the row has room
        grid.setColumnStretch(3, 1)
        self.demand = self._build_demand()
        grid.addWidget(self.demand, 3, 0, 1, 5)

        if completions := kind_of(check).completions(check):
            completer = QCompleter(list(completions), self.entry)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            self.entry.setCompleter(completer)
        self.entry.returnPressed.connect(self._enter)
        self._shortcuts()
        self.entry.textEdited.connect(lambda text: self.draft_changed.emit(self.check.id, text))
        if check.derived:
            self.correct.hide()  # a calculated value is corrected through its inputs
        self.history.clicked.connect(lambda: self.history_requested.emit(self.check.id))
        self.correct.clicked.connect(lambda: self.correct_requested.emit(self.check.id))
        if check.formula:
            self.setToolTip(_("Calculated: {formula}").format(formula=check.formula))
        self.set_check(check)

    # -- the out-of-spec demand, in place ----------------------------------------------------------

    def _build_demand(self) -> QFrame:
        frame = QFrame(self)
        frame.setProperty("role", "demand")
        row = QGridLayout(frame)
        row.setContentsMargins(10, 8, 10, 8)
        self.demand_text = label("", frame)
        self.comment = field(
            _("Comment on the out-of-spec result"),
            frame,
            placeholder=_("why it is out of spec, what was done"),
        )
        self.deviation = TouchCombo(frame)
        self.deviation.setMinimumHeight(theme.TOUCH)
        self.deviation.setAccessibleName(_("Deviation reference"))
        self.new_deviation = button(
            _("Open deviation…"), frame, tip=_("Open a deviation for this check")
        )
        self.justify = button(_("Save justification"), frame, tip=_("Enter"), default=True)
        row.addWidget(self.demand_text, 0, 0, 1, 4)
        row.addWidget(self.comment, 1, 0)
        row.addWidget(self.deviation, 1, 1)
        row.addWidget(self.new_deviation, 1, 2)
        row.addWidget(self.justify, 1, 3)
        row.setColumnStretch(0, 3)
        self.comment.returnPressed.connect(self._justify)
        self.justify.clicked.connect(self._justify)
        self.new_deviation.clicked.connect(
            lambda: self.open_deviation_requested.emit(self.check.id)
        )
        frame.hide()
        return frame

    def set_deviations(self, refs: list[str], select: str | None = None) -> None:
        self.deviation.clear()
        self.deviation.addItem(_("no deviation"), "")
        for ref in refs:
            self.deviation.addItem(ref, ref)
        if select:
            self.deviation.setCurrentIndex(self.deviation.findData(select))

    def _justify(self) -> None:
        comment = self.comment.text().strip()
        ref = self.deviation.currentData() or ""
        if not comment and not ref:
            self.message.error(_("Give a comment or choose a deviation."))
            self.comment.setFocus()
            return
        self.justify_requested.emit(self.check.id, comment, ref)

    # -- showing what core decided ---------------------------------------------------------------

    @staticmethod
    def _meta_text(check: CheckView) -> str:
        parts = [check.id]
        if check.method:
            parts.append(check.method)
        parts.append(_("spec: {spec}").format(spec=spec_text(check, short=True)))
        return " · ".join(parts)

    def set_check(self, check: CheckView, keep_text: str | None = None) -> None:
        self.check = check
        current = check.current
        recorded = current is not None
        takes_entry = not check.derived and check.applies is True
        self.entry.setReadOnly(recorded or not takes_entry)
        focus = (
            Qt.FocusPolicy.StrongFocus
            if not check.derived and (recorded or takes_entry)
            else Qt.FocusPolicy.NoFocus  # Tab and Enter pass it by
        )
        if self.entry.focusPolicy() != focus:
            self.entry.setFocusPolicy(focus)
        for widget, text in ((self.meta, self._meta_text(check)), (self.who, who_text(check))):
            if widget.text() != text:  # each change costs a layout of the form
                widget.setText(text)
        if self.entry.placeholderText() != (hint := entry_hint(check)):
            self.entry.setPlaceholderText(hint)
        if recorded:
            if self.entry.text() != current.shown_amount:
                self.entry.setText(current.shown_amount)
                self.entry.setCursorPosition(0)  # a long code shows from its start
        elif keep_text is not None:
            self.entry.setText(keep_text)
        if recorded:
            style = theme.verdict_style(current.verdict, current.final)
        elif check.applies is False:
            style = NOT_APPLICABLE
        elif check.applies is None:
            style = NOT_KNOWN
        else:
            style = theme.PENDING
        self._show_verdict(style)
        rule = f"{current.shown_rule} ⚠ {check.caveat}" if recorded and check.caveat else None
        self.verdict.setToolTip(rule or (current.shown_rule if recorded else spec_text(check)))
        # why there is no entry is said in plain text, not small grey: it is what to do next
        role = "subtle" if recorded or check.applies is True else ""
        if self.who.property("role") != role:
            self.who.setProperty("role", role)
            self.who.style().unpolish(self.who)
            self.who.style().polish(self.who)
        self.entry.setAccessibleDescription(applicability_text(check))
        # Only a recorded value has a history or can be corrected. The buttons stay in place
        # (disabled until then): the form does not jump, and showing them would cost a layout.
        self.history.setEnabled(recorded)
        self.correct.setEnabled(recorded and not check.derived)
        needs_demand = recorded and current.verdict == Verdict.OOS and not current.final
        _show(self.demand, needs_demand)
        if needs_demand:
            self.demand_text.setText(
                "✖ "
                + _(
                    "Out of specification: {rule}. Add a comment or a deviation before "
                    "this result is final."
                ).format(rule=current.shown_rule)
            )
        if not self.message.isHidden():
            self.message.clear()

    def show_verdict(self, check: CheckView) -> None:
        """The value as core stored it and its verdict — first, before the rest of the row."""
        current = check.current
        if current is not None:
            self.entry.setText(current.shown_amount)  # the unit stands beside it, once
            self.entry.setCursorPosition(0)
            self._show_verdict(theme.verdict_style(current.verdict, current.final))

    def show_refusal(self, text: str) -> None:
        """Core's refusal (an invalid or impossible value …): nothing was recorded; the typed
        text stays, selected, so the next try replaces it."""
        self.message.error(text)
        self.entry.setAccessibleDescription(text)
        if not self.entry.isReadOnly():
            self.entry.selectAll()

    def show_mismatch(self, text: str) -> None:
        """A refused scan: the step is blocked; the refused code stays, selected, so the next
        scan replaces it; the message is the field's description for assistive tools."""
        self._show_verdict(theme.MISMATCH)
        self.message.error(text)
        self.entry.setAccessibleDescription(text)
        self.entry.selectAll()

    def _show_verdict(self, style: theme.Verdict) -> None:
        # icon and word carry the meaning; the colour (inline: no re-polish) only underlines it
        self.verdict_text = f"{style.icon} {style.word}"
        self.verdict.setAccessibleDescription(self.verdict_text)
        self.verdict.setText(
            f'<span style="color:{style.colour}; font-weight:bold">{style.icon} {style.word}</span>'
        )

    def set_busy(self, busy: bool) -> None:
        """While core saves (Enter is ignored meanwhile)."""
        self._busy = busy

    def hint_if_slow(self) -> None:
        """A save still running (on a site server): say so if it lasts."""
        if self._busy:
            QTimer.singleShot(400, self._still_busy)

    def _still_busy(self) -> None:
        if self._busy:
            self.message.info(_("Saving…"))

    @property
    def open(self) -> bool:
        """Waiting for an entry: not recorded, not calculated, and it applies to this batch."""
        check = self.check
        return check.current is None and not check.derived and check.applies is True

    # -- keys ------------------------------------------------------------------------------------

    def _enter(self) -> None:
        if self._busy:
            return
        if self.entry.isReadOnly():
            self.advance.emit(self.check.id)
            return
        text = self.entry.text()
        if not text.strip():
            self.message.error(_("Type a value first (or Tab to move on)."))
            return
        self.submitted.emit(self.check.id, text)

    def _escape(self) -> None:
        """Esc: what was typed goes, the stored value (if any) stays."""
        if not self.entry.isReadOnly():
            self.entry.clear()
            self.draft_changed.emit(self.check.id, "")
            self.message.clear()

    def _typed_into_recorded(self) -> None:
        if self.check.current is not None:
            self.message.info(
                _("{check} is recorded: F2 corrects it (with a reason). Nothing was typed.").format(
                    check=self.check.id
                )
            )
        elif self.check.derived:
            self.message.info(
                _("{check} is calculated from other checks: nothing to type.").format(
                    check=self.check.id
                )
            )
        else:
            self.message.info(
                _("{check} takes no entry: {why}.").format(
                    check=self.check.id, why=applicability_text(self.check)
                )
            )

    def _shortcuts(self) -> None:
        # Handled by Qt itself while the field has the focus: no Python call per key press.
        for keys, slot in (
            ("Esc", self._escape),
            ("F2", lambda: self.correct.isEnabled() and self.correct_requested.emit(self.check.id)),
            (
                "Ctrl+H",
                lambda: self.history.isEnabled() and self.history_requested.emit(self.check.id),
            ),
        ):
            shortcut = QShortcut(QKeySequence(keys), self.entry)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)

    def contextMenuEvent(self, event) -> None:
        from PySide6.QtWidgets import QMenu

        menu = QMenu(self)
        correct = menu.addAction(_("Correct…  (F2)"))
        correct.setEnabled(self.correct.isEnabled())
        history = menu.addAction(_("History…  (Ctrl+H)"))
        history.setEnabled(self.history.isEnabled())
        chosen = menu.exec(event.globalPos())
        if chosen is correct:
            self.correct_requested.emit(self.check.id)
        elif chosen is history:
            self.history_requested.emit(self.check.id)
