"""Demo only: the custody trail of an earlier CAR-T lot, as it happened — collected at the
clinical site, shipped, received at manufacturing (e-signed), handed into the cleanroom, a QC
sample taken at harvest, stored after cryopreservation; after QA's release, the product shipped
to the treatment centre, received there (e-signed), thawed and infused (e-signed). Each hand-off
is entered shortly after it happened (a hand-off before the batch existed, once it was started),
with the lot's own chain-of-identity id scanned."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from core.auth import Actor
from core.store import Database

At = Callable[[float, float], datetime]
HOSPITAL = "University Hospital, apheresis unit"
CENTRE = "University Hospital, cell therapy unit"

# (day, hour, who, kind, where, details); days from activation (day 0), the batch started on
# day -1 at 10:00; the product's hand-offs are counted from the day QA's decision was due (QA
# approves the next day, at 14:00: core/demo/history.py).
BEFORE_RELEASE: tuple[tuple[float, float, str, str, str, dict[str, str]], ...] = (
    (-2, 9.0, "tess", "collected", HOSPITAL, {"container_id": "BAG-A"}),
    (-2, 13.0, "tess", "shipped", HOSPITAL, {"logger_id": "TL-7702", "temperature": "2–8 °C"}),
    (-1, 9.5, "tess", "received", "Manufacturing site, goods-in", {"logger_id": "TL-7702"}),
    (-1, 14.3, "tess", "handoff", "Cleanroom B, suite 2", {"container_id": "BAG-A"}),
    (10, 14.5, "tess", "qc_sample", "Cleanroom B, suite 2", {"container_id": "QC-SET"}),
    (11, 9.5, "tess", "stored", "LN2 store, vapour phase", {"container_id": "CASSETTE"}),
)
AFTER_RELEASE: tuple[tuple[float, float, str, str, str, dict[str, str]], ...] = (
    (2, 9.0, "sam", "product_shipped", "Manufacturing site, dispatch", {"logger_id": "DS-118"}),
    (2, 15.0, "sam", "product_received", CENTRE, {"temperature": "≤ −150 °C throughout"}),
    (3, 10.0, "sam", "thawed", CENTRE, {}),
    (3, 10.5, "sam", "infused", CENTRE, {"note": "infusion confirmation returned by the centre"}),
)


def custody_steps(
    lot: str, coi: str, at: At, decided: float
) -> list[tuple[datetime, str, Callable[[Database, Actor], object]]]:
    """(when, who, what) for every hand-off of the lot: those before the release on their day,
    the product's own counted from the day QA decided (``decided``)."""
    started = at(-1, 10.05)
    out = []
    for day, hour, who, kind, where, extra in BEFORE_RELEASE:
        happened = at(day, hour)
        out.append((max(happened + timedelta(minutes=6), started), who,
                    _record(lot, coi, kind, happened, where, extra)))  # fmt: skip
    for day, hour, who, kind, where, extra in AFTER_RELEASE:
        happened = at(decided + day, hour)
        out.append((happened + timedelta(minutes=20), who,
                    _record(lot, coi, kind, happened, where, extra)))  # fmt: skip
    return out


def _record(
    lot: str, coi: str, kind: str, happened: datetime, where: str, extra: dict[str, Any]
) -> Callable[[Database, Actor], object]:
    from core.demo.people import DEMO_PASSWORD
    from core.services.custody import record_custody

    def act(db: Database, actor: Actor) -> object:
        from core.services.review import site_zone

        with db.read() as session:
            zone = site_zone(session)
        return record_custody(
            db, actor, lot, kind, coi_scanned=coi,
            occurred_at=happened.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            location=where, password=DEMO_PASSWORD, **extra,
        )  # fmt: skip

    return act
