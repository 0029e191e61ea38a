"""Signature manifestations as printed (21 CFR 11.50): printed name, username, role, date and
time with zone, meaning and its statement, scope, disposition and reason (with the deviation and
the physician's notification an exceptional release rests on), content hash, and a state that
never lets an invalidated or broken signature look valid."""

from __future__ import annotations

from core.auth.roles import role_words
from core.i18n import _
from core.reports.styles import (
    BOLD_RED_MARKUP,
    INVALID_BG,
    TINY,
    WIDTH,
    Paragraph,
    Table,
    TableStyle,
    esc,
    grid,
    head_cells,
    markup,
    para,
)
from core.reports.text import (
    ReportContext,
    disposition_label,
    signature_state,
    signature_state_word,
)
from core.signing_views import NEEDS_PHYSICIAN, Meaning, SignatureView, signed_words

COLUMNS = (100, 64, 140, 56, 75, 80)


def scope_text(signature: SignatureView) -> str:
    if signature.scope == "batch":
        return _("batch")
    return _("step {step}").format(step=signature.step_id or signature.scope)


def state_markup(signature: SignatureView) -> str:
    text = signature_state(signature)
    return esc(text) if signature.valid else BOLD_RED_MARKUP.format(esc(text))


def disposition_details(signature: SignatureView) -> list[str]:
    """What an exceptional release or a post-release acknowledgement rests on."""
    out = []
    if signature.deviation:
        out.append(_("deviation {ref}").format(ref=signature.deviation))
    if signature.physician_notification:
        out.append(
            _("treating physician notified: {notification}").format(
                notification=signature.physician_notification
            )
        )
    return out


def signature_line(signature: SignatureView, ctx: ReportContext) -> Paragraph:
    """One signature as a compact paragraph (under a step, on the certificate)."""
    parts = [
        f"<b>{esc(signature.label)}</b> {esc(signature.signer_name)} "
        f"({esc(signature.signer)}, {esc(role_words(signature.signer_role))})",
        esc(ctx.time(signature.signed_at)),
    ]
    if signature.disposition:
        parts.append(
            _("disposition <b>{disposition}</b>").format(
                disposition=esc(disposition_label(signature.disposition))
            )
        )
    if signature.reason:
        parts.append(_("reason: {reason}").format(reason=esc(signature.reason)))
    parts += [esc(x) for x in disposition_details(signature)]
    parts.append(esc(signed_words(signature)))
    parts.append(_("content SHA-256 {sha}…").format(sha=esc(signature.content_sha256[:16])))
    parts.append(state_markup(signature))
    return markup(" · ".join(parts), TINY)


def signatures_table(signatures: tuple[SignatureView, ...], ctx: ReportContext) -> Table | None:
    if not signatures:
        return None
    rows: list[list] = [
        head_cells(
            _("Signer"),
            _("Signed at"),
            _("Meaning"),
            _("Scope"),
            _("Disposition"),
            _("Content · state"),
        )
    ]
    extra: list[tuple] = []
    for signature in sorted(signatures, key=lambda s: s.signed_at):
        disposition = ""
        if signature.meaning == Meaning.APPROVED:
            label = disposition_label(signature.disposition)
            special = signature.disposition in NEEDS_PHYSICIAN
            disposition = (
                (BOLD_RED_MARKUP.format(esc(label)) if special else f"<b>{esc(label)}</b>")
                + "<br/>"
                + _("reason: {reason}").format(reason=esc(signature.reason or "—"))
            )
        first = len(rows)
        rows.append(
            [
                markup(
                    f"<b>{esc(signature.signer_name)}</b><br/>{esc(signature.signer)} · "
                    f"{esc(role_words(signature.signer_role))}",
                    TINY,
                ),
                para(ctx.time(signature.signed_at), TINY),
                markup(f"<b>{esc(signature.label)}</b><br/>{esc(signed_words(signature))}", TINY),
                para(scope_text(signature), TINY),
                markup(disposition, TINY),
                markup(
                    f"SHA-256 {esc(signature.content_sha256[:16])}…<br/>"
                    + _("cert. {serial}").format(serial=esc(signature.certificate_serial[:12]))
                    + "<br/>"
                    + (
                        _("valid")
                        if signature.valid
                        else BOLD_RED_MARKUP.format(esc(signature_state_word(signature)))
                    ),
                    TINY,
                ),
            ]
        )
        details = disposition_details(signature)
        if details:
            rows.append([markup("↳ " + esc(" · ".join(details)), TINY), "", "", "", "", ""])
            extra.append(("SPAN", (0, len(rows) - 1), (-1, len(rows) - 1)))
        if not signature.valid:
            extra.append(("BACKGROUND", (0, first), (-1, len(rows)), INVALID_BG))
            rows.append([markup(state_markup(signature), TINY), "", "", "", "", ""])
            extra.append(("SPAN", (0, len(rows) - 1), (-1, len(rows) - 1)))
    widths = [w * WIDTH / sum(COLUMNS) for w in COLUMNS]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(grid() + extra))
    return table
