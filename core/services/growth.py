"""Growth curves from recorded in-process values: total viable cells, viability, fold expansion,
population doublings, by day or by passage — with the spec of each check, every point's verdict,
and the same template's released batches as a median and min–max band for comparison."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import numpy as np
import sqlalchemy as sa

from core.curve_views import (
    LOG_SCALE,
    QUANTITIES,
    QUANTITY_WORDS,
    Comparison,
    GrowthPoint,
    GrowthSeries,
    GrowthView,
)
from core.models import Batch, BatchStatus, Result, TemplateVersion, id_of, table_of
from core.records.batch_record import batch_template, load_batch
from core.records.result_rows import versions
from core.store import Database
from core.templates.model import CheckDef, TemplateDef

RELEASED = (BatchStatus.RELEASED.value, BatchStatus.RELEASED_PENDING.value)


def _curve_checks(tdef: TemplateDef) -> dict[str, list[tuple[float, CheckDef]]]:
    """quantity → (day / passage number, check) of its checks in repeated steps, in that order."""
    found: dict[str, list[tuple[float, CheckDef]]] = defaultdict(list)
    for step in tdef.steps:
        if step.instance_number is None:
            continue
        for check in step.checks:
            if check.measures in QUANTITIES:
                found[check.measures].append((float(step.instance_number), check))
    return found


def _f(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def growth_view(db: Database, lot: str, compare: bool = True) -> GrowthView:
    with db.read() as session:
        batch = load_batch(session, lot)
        row, tdef = batch_template(session, batch)
        conn = session.connection()
        curves = _curve_checks(tdef)
        ids = [c.id for checks in curves.values() for _, c in checks]
        known = versions(conn, id_of(batch), ids)
        steps = {s.id: s for s in tdef.steps}
        history = _released_values(conn, row.key, id_of(batch), ids) if compare else {}
        series = []
        for quantity, checks in curves.items():
            points = []
            for x, check in checks:
                rows = known.get(check.id)
                last = rows[-1] if rows else None
                if last is not None and last.value_number is not None:
                    points.append(
                        GrowthPoint(
                            x,
                            float(last.value_number),
                            last.verdict,
                            last.final,
                            check.id,
                        )
                    )
            first = checks[0][1]
            spec = first.spec
            series.append(
                GrowthSeries(
                    quantity=quantity,
                    label=QUANTITY_WORDS[quantity],
                    unit=first.unit,
                    axis=steps[first.step_id].instance_unit or "day",
                    points=tuple(points),
                    lower=_f(spec.lower) if spec else None,
                    upper=_f(spec.upper) if spec else None,
                    alert_lower=_f(spec.alert_lower) if spec else None,
                    alert_upper=_f(spec.alert_upper) if spec else None,
                    log_scale=quantity in LOG_SCALE,
                    comparison=_comparison(checks, history),
                )
            )
        return GrowthView(lot=batch.lot, template_key=row.key, series=tuple(series))


def _released_values(
    conn: sa.Connection, key: str, this_batch: int, check_ids: list[str]
) -> dict[str, dict[int, float]]:
    """check id → {batch id: current value} over the released batches of the same template."""
    if not check_ids:
        return {}
    b, t, r = table_of(Batch).c, table_of(TemplateVersion).c, table_of(Result).c
    batch_ids = (
        conn.execute(
            sa.select(b.id)
            .join_from(table_of(Batch), table_of(TemplateVersion), b.template_version_id == t.id)
            .where(t.key == key, b.status.in_(RELEASED), b.id != this_batch)
        )
        .scalars()
        .all()
    )
    if not batch_ids:
        return {}
    rows = conn.execute(
        sa.select(r.batch_id, r.check_id, r.version, r.value_number)
        .where(r.batch_id.in_(batch_ids), r.check_id.in_(check_ids))
        .order_by(r.batch_id, r.check_id, r.version)
    ).all()
    values: dict[str, dict[int, float]] = defaultdict(dict)
    for batch_id, check_id, _version, number in rows:
        if number is not None:
            values[check_id][batch_id] = float(number)  # the newest version wins
    return values


def _comparison(
    checks: list[tuple[float, CheckDef]], history: dict[str, dict[int, float]]
) -> Comparison | None:
    xs: list[float] = []
    med: list[float] = []
    low: list[float] = []
    high: list[float] = []
    batches: set[int] = set()
    for x, check in checks:
        by_batch = history.get(check.id)
        if not by_batch:
            continue
        values = np.fromiter(by_batch.values(), dtype=float)
        xs.append(x)
        med.append(float(np.median(values)))
        low.append(float(values.min()))
        high.append(float(values.max()))
        batches.update(by_batch)
    if not xs:
        return None
    return Comparison(tuple(xs), tuple(med), tuple(low), tuple(high), len(batches))
