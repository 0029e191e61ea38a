"""Sample values inside every spec of a template (for the demo, the self-test and benchmarks).

Never used on a real batch: it writes through the same services as a technician and a QC analyst
would, so every value is judged, audited and derived values follow, but the values themselves are
made up. For the CAR-T template they are a plausible record of one run (cgt-processes §1); for the
others, values chosen inside each check's limits.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from core.auth import Actor
from core.check_kinds import kind_of
from core.demo.stock import SCAN_VALUES
from core.errors import JustificationRequired
from core.services import recording
from core.services.batches import show_batch
from core.store import Database
from core.templates.model import CheckDef, TemplateDef

# One plausible CAR-T run (cgt-processes §1.1, §1.2, §1.3 A): every typed value of the template.
# Weight 68 kg: the flat-dose band applies (> 50 kg); 5.1×10⁷ CAR+ cells in 50 mL.
CART_VALUES: dict[str, str] = {
    "CART-IPC-00-PATIENT": "pass",
    "CART-IPC-00-SLOT": "Suite 2, slot 14",
    "CART-IPC-01-DIN": "W1234 26 000042",
    "CART-IPC-01-CD3": "2.6e9",
    "CART-IPC-01-TNC": "5.6e9",
    "CART-IPC-02-FORM": "Fresh (2–8 °C)",
    "CART-IPC-02-TEMPLOG": "pass",
    "CART-IPC-02-TIME": "26.5",
    "CART-IPC-03-BAG": "pass",
    "CART-IPC-03-TEMP": "4.8",
    "CART-IPC-03-VOL": "212",
    "CART-IPC-03-WBC": "6.1e9",
    "CART-IPC-03-VIAB": "96.1",
    "CART-IPC-03-CD3": "46.0",
    "CART-IPC-03-CD19": "8.5",
    "CART-IPC-03-CD14": "18.0",
    "CART-IPC-03-STER": "pass",
    "CART-IPC-04-METHOD": "CD4/CD8 immunomagnetic selection",
    "CART-IPC-04-IN": "3.2e9",
    "CART-IPC-04-OUT": "1.8e9",
    "CART-IPC-04-VIAB": "93.0",
    "CART-IPC-04-CD3": "89.5",
    "CART-IPC-04-CD4CD8": "98.0",
    "CART-IPC-05-REAGENT": "TransAct",
    "CART-IPC-05-LOT": "TA-24-1187",
    "CART-IPC-05-SEED": "1.0e6",
    "CART-IPC-05-CYTO": "100",
    "CART-IPC-05-IL2": SCAN_VALUES["material:IL2"],
    "CART-IPC-05-IL2-VIALS": "1",
    "CART-IPC-05-BSC": SCAN_VALUES["equipment:biosafety_cabinet"],
    "CART-IPC-06-LOT": SCAN_VALUES["material:LV-CD19"],
    "CART-IPC-06-TITER": "1.0e8",
    "CART-IPC-06-CELLS": "9.5e7",
    "CART-IPC-06-VOL": "5.0",
    "CART-IPC-07A-CAR": "34.5",
    "CART-IPC-07A-VIAB": "94.0",
    "CART-IPC-07A-CD3": "97.2",
    "CART-IPC-07A-ENDO": "0.08",
    "CART-IPC-07B-STER": "pass",
    "CART-IPC-07B-MYCO": "pass",
    "CART-IPC-09-VCD": "1.40e7",
    "CART-IPC-09-VOL": "200",
    "CART-IPC-09-DEAD": "1.2e6",
    "CART-IPC-09-CD3": "97.0",
    "CART-IPC-09-CAR": "35.0",
    "CART-IPC-09-SAMPLES": "pass",
    "CART-IPC-10-WEIGHT": "68.0",
    "CART-IPC-10-VCD": "3.0e6",
    "CART-IPC-10-FILL": "50.0",
    "CART-IPC-10-BAGS": "1",
    "CART-IPC-10-CD3": "97.0",
    "CART-IPC-10-CAR": "35.0",
    "CART-IPC-10-AUTO": "pass",
    "CART-IPC-10-LBL-PRINTED": "3",  # bag labels printed (Lotbook counts them)
    "CART-IPC-10-LBL-USED": "3",
    "CART-IPC-10-LBL-DESTROYED": "0",
    "CART-IPC-11-RUN": "CRF-2026-118",
    "CART-IPC-11-CRF": SCAN_VALUES["equipment:controlled_rate_freezer"],
    "CART-IPC-11-RATE": "1.0",
    "CART-IPC-11-RECORD": "pass",
    "CART-IPC-12-LOCATION": "LN2-03 / rack B / position 14",
    "CART-IPC-12-TEMP": "-150",
    "CART-REL-01": "pass",
    "CART-REL-02": "pass",
    "CART-REL-03": "35.0",
    "CART-REL-04": "97.0",
    "CART-REL-05": "91.0",
    "CART-REL-06-CELLS": "5.1e7",
    "CART-REL-07": "850",
    "CART-REL-07-KILL": "68.0",
    "CART-REL-08-TG": "1.2e3",
    "CART-REL-08-REF": "2.0e3",
    "CART-REL-09": "pass",
    "CART-REL-11": "pass",
    "CART-REL-12-GRAM": "pass",
    "CART-REL-12": "pass",
    "CART-REL-13": "pass",
    "CART-REL-14": "0.12",
    "CART-REL-15": "pass",
    "CART-REL-16": "CD4:CD8 1.4; central memory 38 %",
}
# Expansion, §1.3 A: viable cell density (cells/mL), culture volume (mL), viability (%) by day.
CART_DAYS: dict[int, tuple[str, str, str]] = {
    0: ("1.00e6", "100", "92.0"),
    1: ("0.95e6", "100", "88.0"),
    2: ("1.10e6", "100", "87.0"),
    3: ("1.20e6", "150", "90.0"),
    4: ("1.60e6", "200", "92.0"),
    5: ("1.83e6", "300", "94.0"),
    6: ("1.80e6", "500", "95.0"),
    7: ("2.00e6", "700", "95.0"),
    8: ("2.00e6", "1000", "95.0"),
    9: ("2.60e6", "1000", "94.0"),
    10: ("3.10e6", "1000", "93.0"),
}
for _day, (_vcd, _vol, _viab) in CART_DAYS.items():
    CART_VALUES[f"CART-IPC-07-VCD-D{_day}"] = _vcd
    CART_VALUES[f"CART-IPC-07-VOL-D{_day}"] = _vol
    CART_VALUES[f"CART-IPC-07-VIAB-D{_day}"] = _viab

SAMPLE_VALUES: dict[str, dict[str, str]] = {"cart-auto-lv": CART_VALUES}


def sample_value(check: CheckDef, coi: str | None, recorded: dict[str, str]) -> str | None:
    """A value that passes ``check``'s spec, or None when it cannot be made up here."""
    if check.point_of_use:  # what the demo and scratch sites have in stock (core/demo/stock.py)
        return SCAN_VALUES.get(check.expect or "")
    return kind_of(check).sample(check, coi, recorded)


def fill_batch(
    db: Database,
    actor: Actor,
    lot: str,
    *,
    skip: frozenset[str] = frozenset(),
    steps: Iterable[str] | None = None,
    qc: Actor | None = None,
    password: str | None = None,
) -> int:
    """Record a sample value for every check of ``lot`` (or of the ``steps`` named) that has
    none yet and applies: in-process checks as ``actor``, release tests as the QC analyst ``qc``
    (without one, the release tests are left alone). With ``actor``'s ``password``, an
    autologous lot's custody hand-offs due before release are recorded too (``record_custody``
    below), so that a whole filled lot may be released."""
    view = show_batch(db, lot)
    from core.records.batch_record import batch_template, load_batch

    with db.read() as session:
        _, tdef = batch_template(session, load_batch(session, lot))
    recorded = {c.id: c.current.value for c in view.checks() if c.current}
    values = SAMPLE_VALUES.get(view.template_key, {})
    wanted = None if steps is None else frozenset(steps)
    written = 0
    for step in tdef.all_steps():
        if wanted is not None and step.id not in wanted:
            continue
        who = qc if step.is_release else actor
        if who is None:
            continue
        for check in step.checks:
            if check.derived or check.id in recorded or check.id in skip:
                continue
            if not _applies(tdef, check, recorded):
                continue  # a check for another branch of the process
            value = values.get(check.id) or sample_value(check, view.coi_id, recorded)
            if check.counts == "labels":  # printed, not typed: the printing writes the count
                print_sample_labels(db, who, lot, int(value or "3"))
                recorded[check.id] = str(_counted(db, lot, check.id).entry.current.value)
                written += 1
                continue
            if value is None:
                continue
            out = record_sample(db, who, lot, check.id, value)
            recorded[check.id] = out.entry.current.value
            written += 1
    if password is not None and steps is None:
        record_custody(db, actor, lot, password)
    return written


def record_custody(db: Database, who: Actor, lot: str, password: str) -> int:
    """Record, as ``who`` (signing with ``password`` where the plan asks), every hand-off of
    ``lot``'s custody plan due before release that is not recorded yet, now, at the manufacturing
    site, the batch's own chain-of-identity id scanned; returns how many were recorded."""
    from core.services.custody import custody_trail
    from core.services.custody import record_custody as record_one
    from core.services.review import site_zone

    trail = custody_trail(db, lot)
    if not trail.autologous or trail.coi_id is None:
        return 0
    with db.read() as session:  # the zone the service reads typed times in
        zone = site_zone(session)
    when = db.clock.now().astimezone(zone).strftime("%Y-%m-%d %H:%M")
    for expected in trail.missing_before_release:
        record_one(
            db, who, lot, expected.kind, coi_scanned=trail.coi_id, occurred_at=when,
            location="Manufacturing site",
            password=password if expected.signature_required else None,
        )  # fmt: skip
    return len(trail.missing_before_release)


def _applies(tdef: TemplateDef, check: CheckDef, recorded: dict[str, str]) -> bool:
    cond = check.applies_when
    if cond is None:
        return True
    value = recorded.get(cond.check_id)
    if value is None:
        return False
    number = Decimal(value) if kind_of(tdef.check(cond.check_id)).numeric else None
    return bool(check.applies_given((value, number)))


LABEL_COUNTS = frozenset({"CART-IPC-10-LBL-PRINTED"})  # the built-in template's counted check


def record_sample(db: Database, who: Actor, lot: str, check_id: str, value: str):
    """Record a value as the demo's technician types it; for the check Lotbook counts (labels
    printed), print that many bag labels instead, as the bench does (the printing writes the
    count)."""
    if check_id in LABEL_COUNTS:
        print_sample_labels(db, who, lot, int(value))
        return _counted(db, lot, check_id)
    return recording.record_value(db, who, lot, check_id, value)  # typed, as a person types it


def print_sample_labels(db: Database, who: Actor, lot: str, count: int) -> None:
    import tempfile
    from datetime import timedelta
    from pathlib import Path

    from core.services.labels import print_labels

    expiry = db.clock.now().date() + timedelta(days=270)  # the product's shelf life, about
    with tempfile.TemporaryDirectory() as folder:
        print_labels(
            db,
            who,
            lot,
            "bag",
            count,
            "100x50",
            Path(folder) / f"{lot}-bag-labels.pdf",
            expiry=expiry.isoformat(),
            storage="Vapour-phase LN₂, at or below −120 °C",
        )


class _Counted:
    """What record_sample returns for a counted check: its entry as now stored."""

    def __init__(self, entry) -> None:
        self.entry = entry


def _counted(db: Database, lot: str, check_id: str) -> _Counted:
    view = show_batch(db, lot)
    return _Counted(next(c for c in view.checks() if c.id == check_id))


def _record(db: Database, who: Actor, lot: str, check_id: str, value: str):
    point = "point"  # the values are written here, with a decimal point (never grouped)
    try:
        return recording.record_value(db, who, lot, check_id, value, decimal_mark=point)
    except JustificationRequired:
        return recording.record_value(
            db,
            who,
            lot,
            check_id,
            value,
            comment="sample value outside the derived spec",
            decimal_mark=point,
        )
