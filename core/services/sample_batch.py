"""Sample values inside every spec of a template (for the demo, the self-test and benchmarks).

Never used on a real batch: it writes through the same services as a technician would, so every
value is judged, audited and derived values follow, but the values themselves are made up.
"""

from __future__ import annotations

from decimal import Decimal

from core.auth import Actor
from core.errors import JustificationRequired
from core.services import recording
from core.services.batches import show_batch
from core.store import Database
from core.templates.model import CheckDef

# Inputs of derived checks whose sample midpoints would give a derived value out of spec.
COHERENT_INPUTS: dict[str, dict[str, str]] = {
    "cart-auto-lv": {
        "CART-IPC-10-WEIGHT": "50",
        "CART-IPC-10-VCD": "2.00e6",
        "CART-IPC-10-FILL": "100",
        "CART-IPC-10-CD3": "95.0",
        "CART-IPC-10-CAR": "40.0",
        "CART-REL-06-CELLS": "7.60e7",
        "CART-REL-03": "40.0",
        "CART-REL-08-TG": "1.50",
        "CART-REL-08-REF": "2.00",
    },
}


def sample_value(check: CheckDef, coi: str | None, recorded: dict[str, str]) -> str | None:
    """A value that passes ``check``'s spec, or None when it cannot be made up here."""
    spec = check.spec
    if check.type == "scan":
        if check.expect == "coi":
            return coi
        if check.expect and check.expect.startswith("check:"):
            return recorded.get(check.expect.split(":", 1)[1])
        return "SAMPLE-0001"
    if check.type == "passfail":
        return spec.expected if spec and spec.expected else "pass"
    if check.type == "choice":
        options = (spec.accepted if spec and spec.accepted else ()) or check.choices
        return options[0] if options else None
    if check.type == "text":
        return "sample"
    if check.type != "number":
        return None
    lo = spec.alert_lower if spec and spec.alert_lower is not None else spec and spec.lower
    hi = spec.alert_upper if spec and spec.alert_upper is not None else spec and spec.upper
    if spec and spec.target is not None:
        value = spec.target
    elif lo is not None and hi is not None:
        value = (Decimal(lo) + Decimal(hi)) / 2
    elif lo is not None:
        value = Decimal(lo) * Decimal("1.2") if lo > 0 else Decimal(lo) + 1
    elif hi is not None:
        value = Decimal(hi) / 2 if hi > 0 else Decimal(hi) - 1
    else:
        value = Decimal(10)
    places = check.precision if check.precision is not None else 3
    if check.notation == "scientific" or abs(value) >= Decimal("1e6"):
        return f"{value:.{max(places, 2)}e}"
    return f"{value:.{places}f}"


def fill_batch(
    db: Database,
    actor: Actor,
    lot: str,
    *,
    skip: frozenset[str] = frozenset(),
    steps: frozenset[str] | None = None,
) -> int:
    """Record an in-spec sample value for every check of ``lot`` (or of the ``steps`` named)
    that has none yet."""
    view = show_batch(db, lot)
    from core.services.batch_record import batch_template, load_batch

    with db.read() as session:
        _, tdef = batch_template(session, load_batch(session, lot))
    recorded = {c.id: c.current.value for c in view.checks() if c.current}
    coherent = COHERENT_INPUTS.get(view.template_key, {})
    written = 0
    chosen = [s for s in tdef.all_steps() if steps is None or s.id in steps]
    for check in (c for step in chosen for c in step.checks):
        if check.derived or check.id in recorded or check.id in skip:
            continue
        value = coherent.get(check.id) or sample_value(check, view.coi_id, recorded)
        if value is None:
            continue
        try:
            out = recording.record_value(db, actor, lot, check.id, value)
        except JustificationRequired:
            out = recording.record_value(
                db, actor, lot, check.id, value, comment="sample value outside the derived spec"
            )
        recorded[check.id] = out.entry.current.value
        written += 1
    return written
