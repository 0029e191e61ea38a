"""Signature manifestations as printed (21 CFR 11.50): printed name, username, role, date and
time with zone, meaning and its statement, scope, disposition and reason, content hash, and a
state that never lets an invalidated or broken signature look valid."""

from __future__ import annotations

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
from core.reports.text import ReportContext, disposition_label, signature_state
from core.signing_views import SignatureView

COLUMNS = (100, 64, 140, 56, 75, 80)


def scope_text(signature: SignatureView) -> str:
    return "batch" if signature.scope == "batch" else f"step {signature.step_id or signature.scope}"


def state_markup(signature: SignatureView) -> str:
    text = signature_state(signature)
    return esc(text) if signature.valid else BOLD_RED_MARKUP.format(esc(text))


def signature_line(signature: SignatureView, ctx: ReportContext) -> Paragraph:
    """One signature as a compact paragraph (under a step, on the certificate)."""
    parts = [
        f"<b>{esc(signature.label)}</b> {esc(signature.signer_name)} "
        f"({esc(signature.signer)}, {esc(signature.signer_role)})",
        esc(ctx.time(signature.signed_at)),
    ]
    if signature.disposition:
        parts.append(f"disposition <b>{esc(disposition_label(signature.disposition))}</b>")
    if signature.reason:
        parts.append(f"reason: {esc(signature.reason)}")
    parts.append(f"“{esc(signature.statement)}”")
    parts.append(f"content SHA-256 {esc(signature.content_sha256[:16])}…")
    parts.append(state_markup(signature))
    return markup(" · ".join(parts), TINY)


def signatures_table(signatures: tuple[SignatureView, ...], ctx: ReportContext) -> Table | None:
    if not signatures:
        return None
    rows: list[list] = [
        head_cells("Signer", "Signed at", "Meaning", "Scope", "Disposition", "Content · state")
    ]
    extra: list[tuple] = []
    for signature in sorted(signatures, key=lambda s: s.signed_at):
        disposition = ""
        if signature.meaning == "APPROVED":
            disposition = (
                f"<b>{esc(disposition_label(signature.disposition))}</b><br/>"
                f"reason: {esc(signature.reason or '—')}"
            )
        rows.append(
            [
                markup(
                    f"<b>{esc(signature.signer_name)}</b><br/>{esc(signature.signer)} · "
                    f"{esc(signature.signer_role)}",
                    TINY,
                ),
                para(ctx.time(signature.signed_at), TINY),
                markup(f"<b>{esc(signature.label)}</b><br/>{esc(signature.statement)}", TINY),
                para(scope_text(signature), TINY),
                markup(disposition, TINY),
                markup(
                    f"SHA-256 {esc(signature.content_sha256[:16])}…<br/>"
                    f"cert. {esc(signature.certificate_serial[:12])}<br/>"
                    + (
                        "valid"
                        if signature.valid
                        else BOLD_RED_MARKUP.format(esc(signature_state(signature).split(" – ")[0]))
                    ),
                    TINY,
                ),
            ]
        )
        if not signature.valid:
            extra.append(("BACKGROUND", (0, len(rows) - 1), (-1, len(rows)), INVALID_BG))
            rows.append([markup(state_markup(signature), TINY), "", "", "", "", ""])
            extra.append(("SPAN", (0, len(rows) - 1), (-1, len(rows) - 1)))
    widths = [w * WIDTH / sum(COLUMNS) for w in COLUMNS]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(grid() + extra))
    return table
