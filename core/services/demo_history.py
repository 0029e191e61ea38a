"""Demo only: three earlier CAR-T batches, released, so that a running batch's growth can be
compared with them. Their daily counts follow the domain reference; the rest of each record is
filled with in-spec sample values, then verified, reviewed and released with real e-signatures."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from core.auth import Actor
from core.services import batches, recording
from core.services.review import mark_audit_trail_reviewed
from core.services.sample_batch import fill_batch
from core.services.signing import sign
from core.store import Database

# (lot, chain of identity, growth relative to the typical run, viability offset)
HISTORY = (
    ("CT-2026-0031", "COI-W123426000031", 0.75, -3.0),
    ("CT-2026-0035", "COI-W123426000035", 1.00, 0.0),
    ("CT-2026-0038", "COI-W123426000038", 1.30, 1.0),
)
# the illustrative run of the domain reference §1.3 A: total viable cells (×10⁶), viability %
TYPICAL = [
    (100, 92),
    (95, 88),
    (110, 87),
    (180, 90),
    (320, 92),
    (550, 94),
    (900, 95),
    (1400, 95),
    (2000, 95),
    (2600, 94),
    (3100, 93),
]


def history_steps(
    start: datetime,
) -> list[tuple[datetime, str, Callable[[Database, Actor], object]]]:
    """(when, who, what) for each past batch: started, counted daily D0–D10, released."""
    steps = []
    for n, (lot, coi, factor, offset) in enumerate(HISTORY):
        d0 = start + timedelta(days=14 * n)
        steps.append(
            (
                d0 - timedelta(hours=20),
                "tess",
                lambda db, a, lot=lot, coi=coi: batches.start_batch(
                    db, a, "cart-auto-lv", lot, coi
                ),
            )
        )
        for day, (tvc, viability) in enumerate(TYPICAL):
            volume = 100 if day < 3 else 150 if day < 4 else 200 * (1 + day // 3)
            vcd = tvc * 1e6 * (factor ** (day / 10)) / volume
            for hour, check, value in (
                (8.5, f"CART-IPC-07-VCD-D{day}", f"{vcd:.3g}"),
                (8.6, f"CART-IPC-07-VOL-D{day}", str(volume)),
                (8.7, f"CART-IPC-07-VIAB-D{day}", f"{min(99.0, viability + offset):.1f}"),
            ):
                steps.append(
                    (
                        d0 + timedelta(days=day, hours=hour - 9),
                        "tess",
                        lambda db, a, lot=lot, check=check, value=value: recording.record_value(
                            db, a, lot, check, value, comment="demo"
                        ),
                    )
                )
            steps.append(  # the day's other checks (glucose, lactate …), at the time of the count
                (
                    d0 + timedelta(days=day, hours=-0.2),
                    "tess",
                    lambda db, a, lot=lot, day=day: fill_batch(
                        db, a, lot, steps=frozenset({f"CART-S07-D{day}"})
                    ),
                )
            )
        release = d0 + timedelta(days=12)
        steps += [
            (release, "tess", lambda db, a, lot=lot: fill_batch(db, a, lot)),
            (release + timedelta(hours=2), "vic", lambda db, a, lot=lot: _verify_steps(db, a, lot)),
            (
                release + timedelta(hours=26),
                "sam",
                lambda db, a, lot=lot: _sign(db, a, lot, "REVIEWED"),
            ),
            (release + timedelta(hours=29), "quinn", lambda db, a, lot=lot: _release(db, a, lot)),
        ]
    return steps


def _sign(db: Database, actor: Actor, lot: str, meaning: str, **kw: str) -> None:
    from core.services.demo import DEMO_PASSWORD

    sign(db, actor, DEMO_PASSWORD, lot, meaning, **kw)


def _verify_steps(db: Database, verifier: Actor, lot: str) -> None:
    for step in batches.show_batch(db, lot).steps:
        if step.verify and not step.verified:
            _sign(db, verifier, lot, "VERIFIED", step_id=step.id)


def _release(db: Database, qa: Actor, lot: str) -> None:
    from core.services.demo import DEMO_PASSWORD

    mark_audit_trail_reviewed(db, qa, DEMO_PASSWORD, lot, "no unexplained changes")
    _sign(
        db,
        qa,
        lot,
        "APPROVED",
        disposition="released",
        reason="All release tests within specification; record reviewed",
    )
