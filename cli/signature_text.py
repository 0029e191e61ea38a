"""A signature in one line of the command line's words: printed name, date-time with zone and
meaning (21 CFR 11.50), disposition, state; and what the signer attested, as signed."""

from __future__ import annotations

from core.auth.roles import role_words
from core.clock import local_text
from core.i18n import _
from core.signing_views import DISPOSITION_LABEL, SignatureState, SignatureView


def manifestation(sig: SignatureView) -> str:
    """Printed name, date-time with zone and meaning (21 CFR 11.50), and the state."""
    what = sig.label + (f" [{sig.scope}]" if sig.scope != "batch" else "")
    line = _("{what}: {name} ({who}, {role}) {at}").format(
        what=what,
        name=sig.signer_name,
        who=sig.signer,
        role=role_words(sig.signer_role),
        at=local_text(sig.signed_at),
    )
    if sig.disposition:
        line += f" — {DISPOSITION_LABEL.get(sig.disposition, sig.disposition)}: {sig.reason}"
        if sig.deviation:
            line += _("; deviation {ref}").format(ref=sig.deviation)
        if sig.physician_notification:
            line += _("; physician notified: {notification}").format(
                notification=sig.physician_notification
            )
    elif sig.reason:
        line += f" — {sig.reason}"
    if sig.state == SignatureState.INVALIDATED:
        line += "  " + _("INVALIDATED: {detail}").format(detail=sig.state_detail)
    elif sig.state != SignatureState.VALID:
        line += "  " + _("NOT VALID: {detail}").format(detail=sig.state_detail)
    return line
