"""Who may record release results, what a lot takes after its release, and where a result that
arrives after release moves the lot.

- Release tests are recorded by QC (the ``qc`` role; a site setting may also allow supervisors),
  never by someone who performed or recorded the batch's manufacturing steps.
- A lot released with results pending takes only its pending release results (and corrections of
  them); a released, exceptionally released or rejected lot takes nothing.
- When a pending result arrives the lot moves: to *released* once nothing is pending and every
  gating result conforms, to *post-release out of specification* when one fails. Every move is
  audited with the result that caused it.
"""

from __future__ import annotations

import sqlalchemy as sa

from core.auth.policy import read_policy
from core.auth.roles import Permission, Role, allows, role_words
from core.errors import Conflict, PermissionDenied
from core.i18n import N_, _
from core.models import Batch, Result, Signature, table_of
from core.models.batches import AFTER_RELEASE, TAKES_RESULTS, BatchStatus
from core.records.result_rows import BatchRow
from core.release_rules import after_release_status
from core.signing_views import Meaning
from core.states import EntryKind
from core.store import UnitOfWork
from core.templates.model import CheckDef, TemplateDef

SUPERVISORS_MAY = "qc_or_supervisor"  # the site setting release_results_by that lets them


def open_for(batch: BatchRow, tdef: TemplateDef, check: CheckDef) -> None:
    """Refuse an entry the lot's state does not take."""
    if batch.status in TAKES_RESULTS:
        return
    state = batch.status.replace("_", " ")
    if batch.status in AFTER_RELEASE:
        if tdef.step_of(check.id).is_release and check.pending_allowed:
            return
        pending = [c.id for c in tdef.release.checks if c.pending_allowed]
        raise Conflict(
            _(
                "Lot {lot} is {state}: only its pending release results ({checks}) can be "
                "recorded now."
            ).format(lot=batch.lot, state=state, checks=", ".join(pending) or _("none"))
        )
    raise Conflict(
        _("Lot {lot} is {state}: its record is locked.").format(lot=batch.lot, state=state)
    )


def release_recorder(
    uow: UnitOfWork, username: str, role: str, batch: BatchRow, tdef: TemplateDef
) -> None:
    """Refuse a release result from anyone but QC (or a supervisor, where the site allows it),
    and from anyone who performed or recorded the batch's manufacturing steps."""
    supervisors = read_policy(uow.session).release_results_by == SUPERVISORS_MAY
    if not (allows(role, Permission.RECORD_RELEASE) or (supervisors and role == Role.SUPERVISOR)):
        if supervisors:
            raise PermissionDenied.said(
                N_(
                    "Release test results are recorded by QC analysts or supervisors, not by a "
                    "{role}. Ask QC to record this result."
                ),
                role=role,
                shown={"role": role_words(role)},
            )
        raise PermissionDenied.said(
            N_(
                "Release test results are recorded by QC analysts, not by a {role}. Ask QC to "
                "record this result."
            ),
            role=role,
            shown={"role": role_words(role)},
        )
    release_ids = [c.id for c in tdef.release.checks]
    r = table_of(Result).c
    recorded = uow.connection.execute(
        sa.select(r.check_id)
        .where(
            r.batch_id == batch.id,
            r.recorded_by == username,
            r.kind != EntryKind.CALCULATION,
            r.check_id.not_in(release_ids),
        )
        .limit(1)
    ).first()
    s = table_of(Signature).c
    performed = uow.connection.execute(
        sa.select(s.scope)
        .where(
            s.batch_id == batch.id,
            s.signer == username,
            s.meaning == Meaning.PERFORMED,
            s.scope != f"step:{tdef.release.id}",
        )
        .limit(1)
    ).first()
    if recorded is not None:
        where = recorded[0]
    elif performed is not None:
        where = performed[0].split(":", 1)[-1]
    else:
        return
    raise PermissionDenied.said(
        N_(
            "You ({user}) took part in manufacturing lot {lot} ({where}): its release results "
            "are recorded by someone independent of its manufacture."
        ),
        user=username,
        lot=batch.lot,
        where=where,
    )


def after_release_move(uow: UnitOfWork, lot: str, check_id: str) -> str | None:
    """Move a released-with-results-pending lot as its pending results arrive; the note says
    where it went (None: it stays)."""
    from core.records.batch_record import build_batch_view, load_batch

    batch: Batch = load_batch(uow.session, lot, for_update=True)
    if batch.status not in AFTER_RELEASE:
        return None
    target = after_release_status(build_batch_view(uow.session, batch))
    if target is None or target == batch.status:
        return None
    if batch.status == BatchStatus.POST_RELEASE_OOS_ACK and target == BatchStatus.POST_RELEASE_OOS:
        return None  # QA already acknowledged the failure; a later result does not undo it
    if batch.status in (BatchStatus.POST_RELEASE_OOS, BatchStatus.POST_RELEASE_OOS_ACK):
        return None  # a failed lot does not become released again
    old = batch.status
    batch.status = target
    uow.session.add(batch)
    uow.audit(
        "batch.status",
        "batch",
        batch.lot,
        lot=batch.lot,
        old={"status": old},
        new={"status": str(target)},  # a BatchStatus (StrEnum): str() is its value
        reason=(
            f"pending release result {check_id} arrived: "
            + (
                "every release result is in and conforms"
                if target == BatchStatus.RELEASED
                else "it is out of specification after release"
            )
        ),
    )
    uow.flush()
    if target == BatchStatus.RELEASED:
        return _("Lot {lot} is now released: its last pending result is in and conforms.").format(
            lot=batch.lot
        )
    return _(
        "Lot {lot} is now out of specification after release: QA must acknowledge it "
        "(deviation, physician notified)."
    ).format(lot=batch.lot)
