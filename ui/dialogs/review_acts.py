"""The password-confirmed acts of the review screen, each one core call in a ReauthDialog: close
a deviation, mark the audit trail reviewed, export the sealed batch summary, the certificate of
analysis, or (for a lot without a QA disposition) a DRAFT certificate, marked DRAFT on every
page and not a certificate."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.i18n import _
from ui.dialogs.disposition import default_pdf_path
from ui.dialogs.reauth import ReauthDialog

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from core.signing_views import ReviewItem
    from ui.context import AppContext


def close_deviation_dialog(context: AppContext, item: ReviewItem, parent: QWidget) -> ReauthDialog:
    from core.services.deviations import close_deviation

    db, actor, ref = context.db, context.actor, item.ref
    return ReauthDialog(
        context,
        _("Close deviation {ref}").format(ref=ref),
        _(
            "{title}<br>Closing it records your conclusion with your name and the time;"
            " it can no longer be changed."
        ).format(title=item.title),
        _("Close deviation"),
        lambda password, text, _path: close_deviation(db, actor, password, ref, text),
        text=(_("Conclusion"), _("root cause, impact on the batch, CAPA"), 10),
        working=_("Closing…"),
        parent=parent,
    )


def mark_audit_dialog(context: AppContext, lot: str, parent: QWidget) -> ReauthDialog:
    from core.services.review import mark_audit_trail_reviewed

    db, actor = context.db, context.actor
    return ReauthDialog(
        context,
        _("Audit trail of lot {lot} reviewed").format(lot=lot),
        _(
            "You confirm that you reviewed the audit trail of lot <b>{lot}</b> up to now. "
            "A later change to the batch's data makes this review out of date."
        ).format(lot=lot),
        _("Mark reviewed"),
        lambda password, text, _path: mark_audit_trail_reviewed(
            db, actor, password, lot, text or None
        ),
        text=(_("Comment (optional)"), _("what you looked at, anything noted"), 0),
        working=_("Saving…"),
        parent=parent,
    )


def export_dialog(
    context: AppContext, lot: str, *, coa: bool, draft: bool, parent: QWidget
) -> ReauthDialog:
    """``draft``: the lot has no QA disposition yet; only a DRAFT certificate is offered."""
    from core.services.reports import export_pdf

    db, actor = context.db, context.actor
    kind = "certificate of analysis" if coa else "batch summary"  # in the file's name
    draft = draft and coa
    if draft:
        title = _("Export a DRAFT certificate of analysis of lot {lot}").format(lot=lot)
        explanation = _(
            "Lot <b>{lot}</b> has no QA disposition yet, so no certificate of analysis can be "
            "issued. You can export a <b>DRAFT</b> to preview it: every page is marked DRAFT and "
            "it is not a certificate. It is sealed with your signing certificate and the export "
            "is kept in the audit trail with the file's SHA-256."
        ).format(lot=lot)
        submit, path = _("Seal and export the DRAFT"), default_pdf_path(lot, f"{kind} DRAFT")
    else:
        if coa:
            title = _("Export the certificate of analysis of lot {lot}").format(lot=lot)
            explanation = _(
                "The certificate of analysis is written as a PDF sealed with your signing "
                "certificate; the export is kept in the audit trail with the file's SHA-256."
            )
        else:
            title = _("Export the batch summary of lot {lot}").format(lot=lot)
            explanation = _(
                "The batch summary is written as a PDF sealed with your signing certificate; the "
                "export is kept in the audit trail with the file's SHA-256."
            )
        submit, path = _("Seal and export"), default_pdf_path(lot, kind)
    dialog = ReauthDialog(
        context,
        title,
        explanation,
        submit,
        lambda password, _text, chosen: export_pdf(
            db,
            actor,
            password,
            lot,
            Path(chosen),
            coa=coa,
            draft=draft,
            force=True,  # the file name is on screen: replacing an older PDF is what was asked
            language=dialog.chosen_language,  # a str taken from the combo box at submit
        ),
        path=path,
        pdf_language=True,
        working=_("Sealing the PDF…"),
        parent=parent,
    )
    return dialog


def exported_text(outcome: Any, draft: bool = False) -> str:
    from core.services.reports import COA

    coa = outcome.kind == COA
    if draft:
        sealed = (
            _(
                "DRAFT certificate of analysis of lot {lot} sealed by {name}: "
                "{path} ({pages} pages, SHA-256 {sha}…)."
            )
            if coa
            else _(
                "DRAFT batch summary of lot {lot} sealed by {name}: "
                "{path} ({pages} pages, SHA-256 {sha}…)."
            )
        )
    elif coa:
        sealed = _(
            "Certificate of analysis of lot {lot} sealed by {name}: "
            "{path} ({pages} pages, SHA-256 {sha}…)."
        )
    else:
        sealed = _(
            "Batch summary of lot {lot} sealed by {name}: {path} ({pages} pages, SHA-256 {sha}…)."
        )
    text = sealed.format(
        lot=outcome.lot,
        name=outcome.sealed_by_name,
        path=outcome.path,
        pages=outcome.pages,
        sha=outcome.sha256[:16],
    )
    if getattr(outcome, "note", None):
        text += " " + _("Note: {note}").format(note=outcome.note)
    return text
