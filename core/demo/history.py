"""Demo only: four earlier CAR-T lots, each recorded as it would have happened, so that a running
batch's growth can be compared with them and every release rule has an example.

Each step is entered on its planned day by the technician who did it, signed as performed, then
verified by a second technician where the template asks; release tests are recorded by the QC
analyst on the day each test ends (sterility 14 days after its sample, RCL weeks later); the
supervisor reviews, QA reviews the audit trail and approves the disposition.

- CT-2026-0031 and CT-2026-0038: released, every result in and conforming.
- CT-2026-0035: released with results pending; its sterility arrived later, its RCL is still due.
- CT-2026-0040: exceptional release: release viability 76 % (spec ≥ 80 %), its deviation closed by
  QA, the treating physician notified and asking for the product.

Each lot's custody trail is complete, from collection to infusion (core/demo/history_custody.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.auth import Actor
from core.demo.history_custody import custody_steps
from core.demo.sample_batch import CART_DAYS, CART_VALUES
from core.services import batches, deviations, recording
from core.services.review import mark_audit_trail_reviewed
from core.services.signing import sign
from core.store import Database

Act = Callable[[Database, Actor], object]
TEMPLATE = "cart-auto-lv"


@dataclass(frozen=True)
class PastLot:
    lot: str
    coi: str
    days_ago: int  # day 0 (activation), counted back from the demo's today
    growth: float  # expansion relative to the typical run
    viability: float  # offset of the daily viability (%)
    weight: str  # patient body weight (kg): ≤ 50 per kg dose, above a flat dose
    fate: str  # "released" | "pending" | "exceptional"


HISTORY = (
    PastLot("CT-2026-0031", "COI-W123426000031", 120, 0.75, -3.0, "42.0", "released"),
    PastLot("CT-2026-0038", "COI-W123426000038", 100, 1.30, 1.0, "68.0", "released"),
    PastLot("CT-2026-0040", "COI-W123426000040", 80, 0.60, -5.0, "74.5", "exceptional"),
    PastLot("CT-2026-0035", "COI-W123426000035", 40, 1.00, 0.0, "55.0", "pending"),
)
# (day, hour, who, step, checks recorded then); the step is signed performed by who recorded it,
# and verified by the other technician when the template asks for a second person.
PLAN: tuple[tuple[int, float, str, str, tuple[str, ...]], ...] = (
    (-1, 10.1, "tess", "CART-S00", ("CART-IPC-00-COI", "CART-IPC-00-PATIENT", "CART-IPC-00-SLOT")),
    (-1, 10.5, "tess", "CART-S01", ("CART-IPC-01-DIN", "CART-IPC-01-CD3", "CART-IPC-01-TNC")),
    (-1, 14.0, "tess", "CART-S02", ("CART-IPC-02-FORM", "CART-IPC-02-TEMPLOG", "CART-IPC-02-TIME")),
    (
        -1,
        14.5,
        "tess",
        "CART-S03",
        (
            "CART-IPC-03-COI",
            "CART-IPC-03-BAG",
            "CART-IPC-03-TEMP",
            "CART-IPC-03-VOL",
            "CART-IPC-03-WBC",
            "CART-IPC-03-VIAB",
            "CART-IPC-03-CD3",
            "CART-IPC-03-CD19",
            "CART-IPC-03-CD14",
            "CART-IPC-03-STER",
        ),
    ),
    (
        0,
        9.0,
        "tess",
        "CART-S04",
        (
            "CART-IPC-04-METHOD",
            "CART-IPC-04-IN",
            "CART-IPC-04-OUT",
            "CART-IPC-04-VIAB",
            "CART-IPC-04-CD3",
            "CART-IPC-04-CD4CD8",
        ),
    ),
    (
        0,
        12.0,
        "tess",
        "CART-S05",
        (
            "CART-IPC-05-REAGENT",
            "CART-IPC-05-LOT",
            "CART-IPC-05-IL2",
            "CART-IPC-05-IL2-VIALS",
            "CART-IPC-05-BSC",
            "CART-IPC-05-SEED",
            "CART-IPC-05-CYTO",
        ),
    ),
    (
        1,
        10.0,
        "vic",
        "CART-S06",
        (
            "CART-IPC-06-LOT",
            "CART-IPC-06-VIAL",
            "CART-IPC-06-TITER",
            "CART-IPC-06-CELLS",
            "CART-IPC-06-VOL",
        ),
    ),
    (
        5,
        11.0,
        "tess",
        "CART-S07A",
        ("CART-IPC-07A-CAR", "CART-IPC-07A-VIAB", "CART-IPC-07A-CD3", "CART-IPC-07A-ENDO"),
    ),
    (10, 10.0, "tess", "CART-S07B", ("CART-IPC-07B-STER", "CART-IPC-07B-MYCO")),
    (
        10,
        14.0,
        "tess",
        "CART-S09",
        (
            "CART-IPC-09-VCD",
            "CART-IPC-09-VOL",
            "CART-IPC-09-DEAD",
            "CART-IPC-09-CD3",
            "CART-IPC-09-CAR",
            "CART-IPC-09-SAMPLES",
        ),
    ),
    (
        10,
        16.0,
        "tess",
        "CART-S10",
        (
            "CART-IPC-10-WEIGHT",
            "CART-IPC-10-VCD",
            "CART-IPC-10-FILL",
            "CART-IPC-10-BAGS",
            "CART-IPC-10-CD3",
            "CART-IPC-10-CAR",
            "CART-IPC-10-LABEL",
            "CART-IPC-10-AUTO",
            "CART-IPC-10-LBL-PRINTED",
            "CART-IPC-10-LBL-USED",
            "CART-IPC-10-LBL-DESTROYED",
        ),
    ),
    (
        10,
        18.0,
        "tess",
        "CART-S11",
        ("CART-IPC-11-RUN", "CART-IPC-11-CRF", "CART-IPC-11-RATE", "CART-IPC-11-RECORD"),
    ),
    (11, 9.0, "tess", "CART-S12", ("CART-IPC-12-LOCATION", "CART-IPC-12-TEMP")),
)
VERIFIED_STEPS = frozenset(
    {"CART-S00", "CART-S01", "CART-S02", "CART-S03", "CART-S05", "CART-S06", "CART-S09"}
    | {"CART-S10", "CART-S11", "CART-S12"}
)
# Release tests by the QC analyst on the day each ends (cgt-processes §6.2): (day, checks).
RELEASE_TESTS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (
        11,
        (
            "CART-REL-01",
            "CART-REL-02",
            "CART-REL-03",
            "CART-REL-04",
            "CART-REL-05",
            "CART-REL-06-CELLS",
            "CART-REL-11",
            "CART-REL-12-GRAM",
            "CART-REL-13",
            "CART-REL-14",
            "CART-REL-15",
            "CART-REL-16",
        ),
    ),
    (12, ("CART-REL-08-TG", "CART-REL-08-REF")),  # VCN: 1–2 days
    (13, ("CART-REL-07", "CART-REL-07-KILL")),  # potency: 1–3 days
    (24, ("CART-REL-12",)),  # sterility: 14 days after the D10 sample
    (45, ("CART-REL-09",)),  # RCL, cell-based: weeks
)
PHYSICIAN = (
    "Dr Hana Novak, treating haematologist, University Hospital: informed by phone of the "
    "release viability of 76 %; she requested the product for infusion (no alternative therapy)"
)


def lot_values(past: PastLot) -> dict[str, str]:
    """The run's values: the typical run scaled by the lot's growth and viability."""
    values = dict(CART_VALUES)
    for day, (vcd, _volume, viability) in CART_DAYS.items():
        scaled = float(vcd) * past.growth ** (day / 10)
        values[f"CART-IPC-07-VCD-D{day}"] = f"{scaled:.3g}"
        values[f"CART-IPC-07-VIAB-D{day}"] = f"{min(99.0, float(viability) + past.viability):.1f}"
    d10 = float(values["CART-IPC-07-VCD-D10"]) * float(CART_DAYS[10][1])
    harvest = d10 * 0.9 / 200  # 90 % recovered into 200 mL
    viable = 92.0 + past.viability
    values["CART-IPC-09-VCD"] = f"{harvest:.3g}"
    values["CART-IPC-09-DEAD"] = f"{harvest * (100 - viable) / viable:.3g}"
    values["CART-IPC-10-WEIGHT"] = past.weight
    if past.fate == "exceptional":
        values["CART-REL-05"] = "76.0"
    return values


def history_steps(today: datetime) -> list[tuple[datetime, str, Act]]:
    """(when, who, what) for every past lot, in no particular order."""
    steps: list[tuple[datetime, str, Act]] = []
    for past in HISTORY:
        steps += _lot_steps(past, today - timedelta(days=past.days_ago))
    return steps


def _rec(lot: str, check: str, value: str) -> Act:
    from core.demo.sample_batch import record_sample

    return lambda db, a: record_sample(db, a, lot, check, value)


def _sign(lot: str, meaning: str, **kw: str) -> Act:
    from core.demo.people import DEMO_PASSWORD

    return lambda db, a: sign(db, a, DEMO_PASSWORD, lot, meaning, **kw)


def _lot_steps(past: PastLot, d0: datetime) -> list[tuple[datetime, str, Act]]:
    def at(day: float, hour: float) -> datetime:
        return d0 + timedelta(days=day, hours=hour - 9)

    lot, values = past.lot, lot_values(past)
    value = {**values, "CART-IPC-00-COI": past.coi, "CART-IPC-03-COI": past.coi}
    value["CART-IPC-10-LABEL"] = past.coi
    value["CART-IPC-06-VIAL"] = values["CART-IPC-06-LOT"]
    out: list[tuple[datetime, str, Act]] = [
        (
            at(-1, 10),
            "tess",
            lambda db, a: batches.start_batch(db, a, TEMPLATE, lot, past.coi),
        )
    ]
    for day, hour, who, step, checks in PLAN:
        for n, check in enumerate(checks):
            out.append((at(day, hour + n / 60), who, _rec(lot, check, value[check])))
        done = at(day, hour + len(checks) / 60 + 0.05)
        out.append((done, who, _sign(lot, "PERFORMED", step_id=step)))
        if step in VERIFIED_STEPS:
            other = "vic" if who == "tess" else "tess"
            out.append((done + timedelta(minutes=10), other, _sign(lot, "VERIFIED", step_id=step)))
    for day in CART_DAYS:
        who = "tess" if day % 2 == 0 else "vic"
        for n, kind in enumerate(("VCD", "VOL", "VIAB")):
            check = f"CART-IPC-07-{kind}-D{day}"
            out.append((at(day, 8.5 + n / 60), who, _rec(lot, check, value[check])))
    out += _release_steps(past, at, value)
    out += custody_steps(lot, past.coi, at, decided_day(past))
    return out


def decided_day(past: PastLot) -> int:
    """The day QA decided: after potency for a release with results pending, else once the
    last result (RCL) is in."""
    return 13 if past.fate == "pending" else 45


def _release_steps(past: PastLot, at, value: dict[str, str]) -> list[tuple[datetime, str, Act]]:
    lot = past.lot
    out: list[tuple[datetime, str, Act]] = []
    for day, checks in RELEASE_TESTS:
        for n, check in enumerate(checks):
            when = at(day, 15 + n / 60)
            if past.fate == "exceptional" and check == "CART-REL-05":
                out.append((when - timedelta(minutes=5), "cleo", _open_viability_deviation(lot)))
                out.append((when, "cleo", _rec_with_deviation(lot, check, value[check])))
            else:
                out.append((when, "cleo", _rec(lot, check, value[check])))
    if past.fate == "exceptional":
        out.append((at(20, 11), "quinn", _close_deviation(lot)))
    decided = decided_day(past)
    if past.fate == "pending":  # released after potency; sterility and RCL follow release
        out.append((at(decided, 16), "cleo", _sign(lot, "PERFORMED", step_id="CART-S13")))
    else:
        out.append((at(decided, 16), "cleo", _sign(lot, "PERFORMED", step_id="CART-S13")))
        out.append((at(decided, 17), "sam", _sign(lot, "VERIFIED", step_id="CART-S13")))
    out.append((at(decided + 1, 10), "sam", _sign(lot, "REVIEWED")))
    out.append((at(decided + 1, 13), "quinn", _audit_review(lot)))
    out.append((at(decided + 1, 14), "quinn", _disposition(past)))
    return out


def _open_viability_deviation(lot: str) -> Act:
    def act(db: Database, actor: Actor) -> None:
        deviations.open_deviation(
            db,
            actor,
            lot,
            "major",
            "Release viability 76.0 % (trypan blue), below the ≥ 80 % specification. Retest of "
            "the retained sample gave 75.4 %.",
            "CART-REL-05",
        )

    return act


def _viability_deviation(db: Database, lot: str) -> str:
    return next(d.ref for d in deviations.list_deviations(db, lot) if "CART-REL-05" in d.checks)


def _rec_with_deviation(lot: str, check: str, value: str) -> Act:
    def act(db: Database, actor: Actor) -> object:
        ref = _viability_deviation(db, lot)
        return recording.record_value(db, actor, lot, check, value, deviation=ref)

    return act


def _close_deviation(lot: str) -> Act:
    def act(db: Database, actor: Actor) -> None:
        from core.demo.people import DEMO_PASSWORD

        deviations.close_deviation(
            db,
            actor,
            DEMO_PASSWORD,
            _viability_deviation(db, lot),
            "Root cause: the patient's heavily pre-treated T cells (day-1 viability 83 %); the "
            "process ran as specified. No impact on other lots. The product may be supplied "
            "only as an exceptional release at the treating physician's request. CAPA: none.",
        )

    return act


def _audit_review(lot: str) -> Act:
    def act(db: Database, actor: Actor) -> None:
        from core.demo.people import DEMO_PASSWORD

        mark_audit_trail_reviewed(db, actor, DEMO_PASSWORD, lot, "no unexplained changes")

    return act


def _disposition(past: PastLot) -> Act:
    lot = past.lot
    if past.fate == "released":
        return _sign(
            lot,
            "APPROVED",
            disposition="released",
            reason="Every release test in and within specification; record reviewed",
        )
    if past.fate == "pending":
        return _sign(
            lot,
            "APPROVED",
            disposition="released_pending",
            reason="Cryopreserved product needed for the patient's infusion slot; sterility and "
            "RCL follow release (pending-allowed results)",
        )

    def act(db: Database, actor: Actor) -> object:
        from core.demo.people import DEMO_PASSWORD

        return sign(
            db,
            actor,
            DEMO_PASSWORD,
            lot,
            "APPROVED",
            disposition="exceptional_release",
            reason="Out-of-specification viability; the treating physician requested the product "
            "(FDA/EMA exceptional release for autologous CAR-T)",
            deviation=_viability_deviation(db, lot),
            physician=PHYSICIAN,
        )

    return act
