"""Signatures in the batch record: under the checks of a step, its signatures in words (who,
with what meaning, when, and whether the signature still holds) and the buttons to sign it;
for the header, the batch's own signatures (review, QA disposition).

A signature that no longer holds says so in red capitals with core's reason ("INVALIDATED —
Changed after signing: …"). Whether someone may sign is core's decision: the buttons follow the
role only, and core's refusal is shown in the sign dialog."""

from __future__ import annotations

from dataclasses import replace
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from core.auth.roles import permission_words, role_words
from core.i18n import _
from core.signing_views import DISPOSITION_LABEL, Meaning, SignatureState, signed_words
from ui import theme
from ui.models.batches import short_local
from ui.widgets.common import button, label

if TYPE_CHECKING:
    from core.readmodels import BatchView, StepView
    from core.signing_views import SignatureView
    from ui.context import AppContext


def _who(sig: SignatureView) -> str:
    role = role_words(sig.signer_role)
    text = f"{sig.label} {sig.signer_name} ({role}) · {short_local(sig.signed_at)}"
    if sig.disposition:
        text += f" · {DISPOSITION_LABEL.get(sig.disposition, sig.disposition)}"
    if sig.reason:
        text += " — " + _("reason: {reason}").format(reason=sig.reason)
    if sig.deviation:
        text += " · " + _("deviation {deviation}").format(deviation=sig.deviation)
    if sig.physician_notification:
        text += " · " + _("physician notified: {notification}").format(
            notification=sig.physician_notification
        )
    return text


def state_text(sig: SignatureView) -> str:
    if sig.valid:
        return "✔ " + _("valid")
    word = _("INVALIDATED") if sig.state == SignatureState.INVALIDATED else _("NOT VALID")
    return f"✖ {word} — {sig.state_detail}" if sig.state_detail else f"✖ {word}"


def signature_text(sig: SignatureView) -> str:
    """One signature in words: "Verified by Vic Verifier (technician) · 2026-11-25 14:03 CET ·
    ✔ valid" (or "· ✖ INVALIDATED — Changed after signing: …")."""
    return f"{_who(sig)} · {state_text(sig)}"


def signature_html(sig: SignatureView, statement: bool = False) -> str:
    """One signature in rich text; with ``statement``, what the signer attested below it, as
    they read it (and its translation for a reader of another language)."""
    state = escape(state_text(sig))
    if not sig.valid:
        state = f'<span style="color:{theme.VERMILLION}; font-weight:bold">{state}</span>'
    else:
        state = f'<span style="color:{theme.GREEN}">{state}</span>'
    line = f"{escape(_who(sig))} · {state}"
    if statement:
        line += f'<br><span style="color:{theme.GREY}">{escape(signed_words(sig))}</span>'
    return line


def signatures_html(signatures: tuple[SignatureView, ...], statement: bool = False) -> str:
    return "<br>".join(signature_html(s, statement) for s in signatures)


def statements_tip(signatures: tuple[SignatureView, ...]) -> str:
    """What each signer attested, as signed (a tooltip where a line has no room for it)."""
    return "\n".join(f"{s.label} {s.signer_name}: {signed_words(s)}" for s in signatures)


def with_signatures(view: BatchView, fresh: BatchView) -> BatchView:
    """``view`` with the signatures (and their states) of ``fresh``: the checks on screen stay
    (an entry saved after ``fresh`` was read is not lost)."""
    by_step = {s.id: s.signatures for s in fresh.steps}
    steps = tuple(replace(s, signatures=by_step.get(s.id, s.signatures)) for s in view.steps)
    return replace(view, steps=steps, signatures=fresh.signatures)


def _short(line: str, most: int = 110) -> str:
    return line if len(line) <= most else line[: most - 1].rstrip(" ,;") + "…"


def _refusal(context: AppContext, permission: Any) -> str:
    role = role_words(context.actor.role) if context.actor else _("nobody")
    return _("Your role ({role}) may not {what}.").format(
        role=role, what=permission_words(permission)
    )


class StepSignatures(QFrame):
    """The selected step's signatures and the buttons that sign it."""

    signed = Signal(object)  # SignatureView

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setProperty("role", "panel")
        self.setAccessibleName(_("Signatures of the step"))
        self.lot: str | None = None
        self.step: StepView | None = None
        self._known: dict[tuple[str, str], dict] = {}  # core's last refusals, by (lot, step)
        self.dialog: Any = None
        self.heading = label("", self)
        self.heading.setAccessibleName(_("Step signatures"))
        self.list = QLabel("", self)
        self.list.setWordWrap(True)
        self.list.setTextFormat(Qt.TextFormat.RichText)
        self.list.setAccessibleName(_("Signatures"))
        self.perform = button(
            _("Sign as performed"),
            self,
            tip=_("Sign that you performed this step and entered its results (password needed)"),
        )
        self.verify = button(
            _("Verify step"),
            self,
            tip=_("Sign as the second person who checked this step (password needed)"),
        )
        for b in (self.perform, self.verify):
            b.setProperty("tip", b.toolTip())
        # why a button is off, in words on the panel (no hover needed with gloves or keys)
        self.why = label("", self)
        self.why.setAccessibleName(_("Why signing is not possible"))
        self.why.setWordWrap(True)
        self.why.hide()
        self.list.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        scroll = self.scroll = QScrollArea(self)  # many signatures (re-signed …) scroll
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.list)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setStyleSheet("QScrollArea, QScrollArea QWidget { background: transparent; }")
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.perform)
        top.addWidget(self.verify)
        column = QVBoxLayout(self)
        column.setContentsMargins(10, 6, 10, 6)
        column.setSpacing(4)
        column.addLayout(top)
        column.addWidget(self.why)
        column.addWidget(scroll)
        self.perform.clicked.connect(lambda: self.open_sign(Meaning.PERFORMED))
        self.verify.clicked.connect(lambda: self.open_sign(Meaning.VERIFIED))
        self.hide()

    @property
    def lines(self) -> list[str]:
        """The signatures as shown, in plain words (tests, screen readers)."""
        return [signature_text(s) for s in (self.step.signatures if self.step else ())]

    def show_step(self, lot: str, step: StepView | None) -> None:
        from core.auth.roles import Permission

        self.lot, self.step = lot, step
        if step is None:
            self.hide()
            return
        state = step.state_words
        self.heading.setText(
            _("<b>Signatures of {step}</b> · step state: <b>{state}</b>").format(
                step=step.id, state=state
            )
        )
        if step.signatures:
            self.list.setText(signatures_html(step.signatures))
            self.list.setToolTip(statements_tip(step.signatures))
        else:
            self.list.setToolTip("")
            self.list.setText(_("No signatures yet."))
        self.list.setAccessibleDescription("\n".join(self.lines) or _("No signatures yet."))
        self._fit_list()
        for b, permission in (
            (self.perform, Permission.RECORD),
            (self.verify, Permission.VERIFY_STEP),
        ):
            allowed = self.context.can(permission)
            b.setEnabled(allowed)
            b.setToolTip(b.property("tip") if allowed else _refusal(self.context, permission))
        known = self._known.get((lot, step.id))
        if known is not None:  # core's last answer for this step stands until the next one
            self._apply_refusals(known)
        else:
            self._show_why({})
        self.show()
        self._ask_core(lot, step)

    def _ask_core(self, lot: str, step: StepView) -> None:
        """Core's rules, before any password: a button the signer may not use is turned off with
        its reason (their own step to verify, nothing recorded yet, no certificate …)."""
        if self.context.db is None or self.context.actor is None:
            return
        from core.auth.roles import Permission

        roles = {Meaning.PERFORMED: Permission.RECORD, Meaning.VERIFIED: Permission.VERIFY_STEP}
        wanted = [m for m in self._buttons() if self.context.can(roles[m])]
        if not wanted:
            return
        db, actor = self.context.db, self.context.actor
        from core.services.signing_rules import refusals

        self.context.tasks.run(
            refusals,
            db,
            actor,
            lot,
            tuple(wanted),
            step.id,
            on_done=lambda answer: self._refusals_read(lot, step.id, answer),
            owner=self,
        )

    def _buttons(self) -> dict[Meaning, Any]:
        return {Meaning.PERFORMED: self.perform, Meaning.VERIFIED: self.verify}

    def _refusals_read(self, lot: str, step_id: str, refusals: dict) -> None:
        self._known[(lot, step_id)] = refusals
        if self.lot != lot or self.step is None or self.step.id != step_id:
            return  # another step is shown meanwhile
        self._apply_refusals(refusals)

    def _apply_refusals(self, refusals: dict) -> None:
        for meaning, reason in refusals.items():
            b = self._buttons()[meaning]
            b.setEnabled(reason is None)
            b.setToolTip(b.property("tip") if reason is None else reason)
            b.setAccessibleDescription(reason or "")
        self._show_why(refusals)

    def _show_why(self, refusals: dict) -> None:
        """One short line per button that is off (the checks keep their room at 1366×768); the
        reason whole on hover and for assistive tools."""
        lines = [
            f"{self._buttons()[m].text()}: {reason}" for m, reason in refusals.items() if reason
        ]
        self.why.setText("\n".join(_short(line) for line in lines))
        self.why.setToolTip("\n".join(lines))
        self.why.setAccessibleDescription("\n".join(lines))
        self.why.setVisible(bool(lines))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_list()

    def _fit_list(self) -> None:
        """As tall as the signatures need, up to four lines (then it scrolls)."""
        bar = self.scroll.verticalScrollBar().sizeHint().width()
        width = (self.scroll.width() or self.width() or 600) - bar  # as if it had to scroll
        need = self.list.heightForWidth(width) + 4
        most = self.fontMetrics().lineSpacing() * 4 + 6
        self.scroll.setFixedHeight(max(self.fontMetrics().lineSpacing(), min(need, most)))

    def open_sign(self, meaning: str) -> None:
        from ui.dialogs.sign import SignDialog

        if self.step is None or self.lot is None:
            return
        dialog = SignDialog(
            self.context, self.lot, meaning, step_id=self.step.id, parent=self.window()
        )
        dialog.accepted.connect(lambda d=dialog: self.signed.emit(d.signature))
        self.dialog = dialog
        dialog.open()
