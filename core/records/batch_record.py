"""Reading a batch record: the batch, its pinned template, every version of every value, as views.

Shared by the services that write (they need the current values) and by the fronts (batch show,
the batch screen, reports)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import cast

from sqlmodel import Session, col, func, select

from core.check_kinds import kind_of
from core.errors import NotFound
from core.i18n import _
from core.models import Batch, Deviation, DeviationLink, Excursion, TemplateVersion, id_of
from core.readmodels import BatchView, CheckView, DeviationView, ResultVersionView, StepView
from core.records import result_rows
from core.records.accounts import full_names
from core.records.result_rows import ResultRow
from core.records.signature_states import signature_views, with_signatures
from core.records.template_versions import template_approved, template_def
from core.templates.describe import (
    caveat_text,
    condition_text,
    display_value,
    formula_text,
    spec_text,
)
from core.templates.model import CheckDef, TemplateDef


def load_batch(session: Session, lot: str, *, for_update: bool = False) -> Batch:
    stmt = select(Batch).where(Batch.lot == lot.strip())
    if for_update:
        stmt = stmt.with_for_update()
    batch = session.exec(stmt).first()
    if batch is None:
        raise NotFound(
            _("There is no batch with lot '{lot}'. Check the lot number on the label.").format(
                lot=lot
            )
        )
    return batch


def batch_template(session: Session, batch: Batch) -> tuple[TemplateVersion, TemplateDef]:
    row = session.get(TemplateVersion, batch.template_version_id)
    if row is None:  # the foreign key makes this impossible short of tampering
        raise NotFound(
            _("The template of batch {lot} is missing from the database.").format(lot=batch.lot)
        )
    return row, template_def(row)


def version_view(
    check: CheckDef, row: ResultRow, names: dict[str, str], deviation_refs: dict[int, str]
) -> ResultVersionView:
    display = display_value(check, row.value)
    # the same text without its unit (display_value ends a number's text with " <unit>")
    unit = check.unit.strip() if kind_of(check).numeric and check.unit else ""
    amount = display[: len(display) - len(unit)].rstrip() if unit else display
    return ResultVersionView(
        version=row.version,
        kind=row.kind,
        value=row.value,
        display=display,
        amount=amount,
        raw_text=row.raw_text,
        unit=row.unit,
        verdict=row.verdict,
        rule=row.rule,
        final=row.final,
        comment=row.comment,
        deviation=deviation_refs.get(row.deviation_id) if row.deviation_id else None,
        reason=row.reason,
        source=row.source,
        recorded_by=row.recorded_by,
        recorded_by_name=names.get(row.recorded_by, row.recorded_by),
        recorded_at=row.recorded_at,
        measured_at=row.measured_at,
        measured_zone=row.measured_zone,
        timing_reason=row.timing_reason,
    )


def applicability(check: CheckDef, versions: Mapping[str, list[ResultRow]]) -> bool | None:
    """Whether ``check`` applies given the current values in ``versions``."""
    cond = check.applies_when
    if cond is None:
        return True
    rows = versions.get(cond.check_id)
    if not rows:
        return None
    return check.applies_given((rows[-1].value, rows[-1].number))


def check_view(
    check: CheckDef,
    versions: list[ResultRow],
    names: dict[str, str],
    deviation_refs: dict[int, str],
    *,
    applies: bool | None = True,
    condition: str | None = None,
    approved: bool = True,
) -> CheckView:
    spec = check.spec
    history = result_rows.history_views(
        versions, lambda r: version_view(check, r, names, deviation_refs)
    )
    return CheckView(
        id=check.id,
        name=check.name,
        step_id=check.step_id,
        type=check.type,
        unit=check.unit,
        precision=check.precision,
        notation=check.notation,
        method=check.method,
        spec=spec_text(check),
        lower=spec.lower if spec else None,
        upper=spec.upper if spec else None,
        lower_inclusive=spec.lower_inclusive if spec else True,
        upper_inclusive=spec.upper_inclusive if spec else True,
        alert_lower=spec.alert_lower if spec else None,
        alert_upper=spec.alert_upper if spec else None,
        target=spec.target if spec else None,
        gates_release=check.gates_release,
        verify=check.verify,
        required=check.required and applies is not False,
        derived=check.derived,
        formula=formula_text(check),
        source=check.source,
        attribute=check.attribute,
        choices=check.choices,
        pass_label=check.pass_label,
        fail_label=check.fail_label,
        expect=check.expect,
        note=check.note,
        measures=check.measures,
        current=history[-1] if history else None,
        history=history,
        applies=applies,
        condition=condition,
        caveat=None if approved or not check.example_limit else caveat_text(check),
        pending_allowed=check.pending_allowed,
        accepts_scan=check.accepts_scan,
    )


def deviation_refs(session: Session, batch_id: int) -> dict[int, str]:
    rows = session.exec(select(Deviation.id, Deviation.ref).where(Deviation.batch_id == batch_id))
    # cast: the id of a stored row (its primary key) is never NULL
    return {cast(int, row[0]): row[1] for row in rows.all()}


def deviation_views(session: Session, batch: Batch) -> tuple[DeviationView, ...]:
    deviations = session.exec(
        select(Deviation).where(Deviation.batch_id == batch.id).order_by(col(Deviation.id))
    ).all()
    links: dict[int, list[str]] = defaultdict(list)
    for link in session.exec(select(DeviationLink).where(DeviationLink.batch_id == batch.id)).all():
        links[link.deviation_id].append(link.check_id)
    return tuple(
        DeviationView(
            ref=d.ref,
            lot=batch.lot,
            classification=d.classification,
            description=d.description,
            status=d.status,
            opened_by=d.opened_by,
            opened_at=d.opened_at,
            checks=tuple(links.get(id_of(d), ())),
            closed_by=d.closed_by,
            closed_at=d.closed_at,
            conclusion=d.conclusion,
        )
        for d in deviations
    )


def view_in_batch(
    tdef: TemplateDef,
    check: CheckDef,
    versions: Mapping[str, list[ResultRow]],
    names: dict[str, str],
    refs: dict[int, str],
    approved: bool,
) -> CheckView:
    """A check's view with its history, whether it applies (from the other checks' values in
    ``versions``) and its caveat while the template is not approved."""
    return check_view(
        check,
        versions.get(check.id, []),
        names,
        refs,
        applies=applicability(check, versions),
        condition=condition_text(tdef, check),
        approved=approved,
    )


def build_batch_view(session: Session, batch: Batch) -> BatchView:
    row, tdef = batch_template(session, batch)
    versions = result_rows.versions(session.connection(), id_of(batch))
    names = full_names(session)
    refs = deviation_refs(session, id_of(batch))
    approved = template_approved(session.connection(), id_of(row))

    steps = tuple(
        StepView(
            id=step.id,
            name=step.name,
            day=step.day,
            instance=step.instance,
            verify=step.verify,
            is_release=step.is_release,
            checks=tuple(
                view_in_batch(tdef, c, versions, names, refs, approved) for c in step.checks
            ),
        )
        for step in tdef.all_steps()
    )
    batch_view = BatchView(
        lot=batch.lot,
        template_key=row.key,
        template_version=row.version,
        template_title=row.title,
        template_sha256=row.sha256,
        product_family=batch.product_family,
        coi_id=batch.coi_id,
        status=batch.status,
        started_at=batch.started_at,
        started_by=batch.started_by,
        steps=steps,
        deviations=deviation_views(session, batch),
        process_excursions=session.exec(
            select(func.count()).select_from(Excursion).where(Excursion.batch_id == batch.id)
        ).one(),
        autologous=tdef.autologous,
        template_approved=approved,
    )
    return with_signatures(batch_view, signature_views(session, batch, batch_view))
