"""OQ: the audit trail covers the state it describes. A batch set to released and a user's role
raised in the tables (the guard triggers dropped, as someone with the database file could) are
named by `audit verify`, in a copy of the scratch database (on the site's engine: oq_tamper)."""

from __future__ import annotations

import re

from core.i18n import N_, _
from core.services import audit_trail
from core.validation.oq_checks import Bench, expect
from core.validation.oq_tamper import tampered_copy


def state_changes_are_detected(b: Bench) -> str:
    def edit(run) -> None:
        run("UPDATE batch SET status = 'released' WHERE lot = :lot", {"lot": b.lot})
        run("UPDATE app_user SET role = 'qa' WHERE username = :u", {"u": b.who("tech").username})

    with tampered_copy(b, "state_tampered", edit) as (tampered, _edited):
        report = audit_trail.verify(tampered)
    expect(not report.intact, _("a batch set to released in the table was not detected"))
    named = " | ".join(report.problems)
    # the rows' seal keys (table:id) are the same in every language
    expect(
        re.search(r"\bbatch:", named),
        _("the batch row was not named: {named}").format(named=named),
    )
    expect(
        re.search(r"\bapp_user:", named),
        _("the user row was not named: {named}").format(named=named),
    )
    expect(audit_trail.verify(b.site.db).intact, _("the scratch site's own trail is not intact"))
    return _("in a copy, batch status and a role changed in the tables → {summary}").format(
        summary=report.summary()
    )


# (id, title, clauses, expected, run): registered in core/validation/oq.py
STATE_RECONCILED = (
    "OQ-21",
    N_("The audit trail covers the state"),
    ("11.10(a)", "11.10(e)", "A11-7", "A11-9"),
    N_(
        "with the guard triggers dropped, a batch set to released and a role raised in the tables "
        "make `audit verify` fail and name both rows"
    ),
    state_changes_are_detected,
)
