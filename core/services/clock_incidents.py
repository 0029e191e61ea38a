"""Clock incidents: audit events dated ahead of a later write's clock, and their clearing.

An incident is opened by the unit of work that found it (core/store/database.py) and stays open
— flagged on the audit trail and in the review of every lot with events in its range — until an
administrator clears it: re-authenticated, with a reason that says which clock was wrong, and an
e-signature over the incident as found.
"""

from __future__ import annotations

import base64

from core.auth import Actor, Permission
from core.clock import utc_iso
from core.errors import Conflict, DomainError, NotFound
from core.i18n import N_, _
from core.models import ClockIncident
from core.records.clock_incidents import ClockIncidentView, incident_view, incident_views
from core.signatures import canonical
from core.signed_reading import as_read
from core.store import Database

MIN_REASON = 10


def incidents(db: Database, *, only_open: bool = False) -> list[ClockIncidentView]:
    with db.read() as session:
        return incident_views(session, only_open=only_open)


# What an administrator's clearing means (21 CFR 11.50): shown in the clear dialog and kept, as
# they read it and in their language, inside the signed statement ("read")
CLEAR_MEANING = N_("I found which clock was wrong and how, and it is right now.")


def clear_statement(row: ClockIncident, read: dict | None = None) -> str:
    return canonical(
        {
            **({} if read is None else {"read": read}),
            "v": 1,
            "kind": "clock_incident_clear",
            "incident": row.id,
            "events_dated_ahead": [row.ahead_from_seq, row.ahead_to_seq],
            "ahead_at": row.ahead_at,
            "clock_read": row.clock_read,
            "reason": row.clear_reason,
            "signer": row.cleared_by,
            "signed_at": utc_iso(row.cleared_at) if row.cleared_at else None,
            "certificate_serial": row.certificate_serial,
        }
    )


def clear_incident(
    db: Database, admin: Actor, password: str, incident_id: int, reason: str
) -> ClockIncidentView:
    """An administrator clears an open incident with a reason and an e-signature."""
    from core.crypto.statements import sign_statement
    from core.services import signing_keys
    from core.services.users import acting_user, authenticate

    reason = " ".join((reason or "").split())
    if len(reason) < MIN_REASON:
        raise DomainError(
            _(
                "Say which clock was wrong and how that was established (at least "
                "{n} characters), e.g. 'PC-07 ran 30 days ahead; NTP restored 2026-12-04'."
            ).format(n=MIN_REASON)
        )
    authenticate(db, admin.username, password)
    with db.unit_of_work(admin.username) as uow:
        acting_user(uow.session, admin, Permission.KEEP_SYSTEM)
        row = uow.session.get(ClockIncident, incident_id)
        if row is None:
            raise NotFound(_("There is no clock incident {id}.").format(id=incident_id))
        if row.cleared_by is not None:
            raise Conflict(
                _("Clock incident {id} was already cleared by {user}.").format(
                    id=incident_id, user=row.cleared_by
                )
            )
        key_row, private_key = signing_keys.unlock(uow.session, admin.username, password)
        row.cleared_by = admin.username
        row.cleared_at = uow.now
        row.clear_reason = reason
        row.certificate_serial = key_row.serial_hex or ""
        row.statement = clear_statement(row, as_read(_(CLEAR_MEANING)))
        row.crypto_signature = base64.b64encode(
            sign_statement(private_key, row.statement.encode("utf-8"))
        ).decode("ascii")
        uow.session.add(row)
        uow.flush()
        uow.audit(
            "clock.clear",
            "clock_incident",
            str(row.id),
            old={"state": "open"},
            new={"state": "cleared", "certificate": row.certificate_serial},
            reason=reason,
        )
        return incident_view(row)
