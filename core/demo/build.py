"""Demo data: a site with one user per role and three batches at realistic stages.

Built through the same services a user calls, in time order, with times in the recent past, so
the audit trail of the demo is a real one. The curves follow the illustrative runs of the domain
reference: CAR-T expansion (§1.3 A), BM-MSC passages (§2.3 A), AAV production (§3.3).
The demo lives in its own database file; a site database is never filled with demo data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.auth import Actor
from core.clock import Clock, FixedClock, SystemClock
from core.demo.history import HISTORY, history_steps
from core.demo.people import DEMO_PASSWORD, DEMO_USERS, DEMO_VERSION, INITIAL_PASSWORD
from core.errors import DomainError
from core.services import batches, deviations, recording, signing_keys, users
from core.services.signing import sign
from core.services.site import init_site
from core.store import Database

CART_LOT, CART_COI = "CT-2026-0042", "COI-W123426000042"
MSC_LOT, AAV_LOT = "MSC-2026-0007", "AAV-2026-0003"
CART_RUNNING_DAY = 9  # the running CAR-T batch has its day-9 count; harvest is tomorrow

# BM-MSC in hPL, §2.3 A: seeded and harvested viable cells, hours in culture, viability.
MSC_PASSAGES = [
    (1, "10e6", "80e6", "144", "95.0", "3000", "85"),
    (2, "80e6", "720e6", "144", "95.0", "3000", "88"),
    (3, "720e6", "6000e6", "144", "94.0", "3000", "94"),  # over-confluent: out of spec
    (4, "6000e6", "45000e6", "168", "93.0", "3000", "82"),
]


@dataclass(frozen=True)
class _Step:
    at: datetime
    user: str
    act: Callable[[Database, Actor], object]


def _rec(lot: str, check: str, value: str) -> Callable[[Database, Actor], object]:
    from core.demo.sample_batch import record_sample

    return lambda db, actor: record_sample(db, actor, lot, check, value)


def _rec_under_deviation(
    lot: str, check: str, value: str, opened: dict[str, str]
) -> Callable[[Database, Actor], object]:
    """Record under the deviation opened for ``check`` by an earlier step (looked up when run)."""
    return lambda db, actor: recording.record_value(
        db, actor, lot, check, value, deviation=opened[check]
    )


def _sign(lot: str, meaning: str, step: str | None = None) -> Callable[[Database, Actor], object]:
    return lambda db, actor: sign(db, actor, DEMO_PASSWORD, lot, meaning, step_id=step)


def _cart(d0: datetime) -> list[_Step]:
    """The running CAR-T batch, day 9 of expansion: each step entered on its day, performed and
    verified; one alert (viability after enrichment), one count mistyped, signed, then corrected
    (its signature shows as invalidated)."""
    from core.demo.history import PLAN, VERIFIED_STEPS
    from core.demo.sample_batch import CART_DAYS, CART_VALUES

    def at(day: float, hour: float) -> datetime:
        return d0 + timedelta(days=day, hours=hour - 9)

    value = dict(CART_VALUES)
    value |= {
        "CART-IPC-00-COI": CART_COI,
        "CART-IPC-03-COI": CART_COI,
        "CART-IPC-06-VIAL": CART_VALUES["CART-IPC-06-LOT"],
        "CART-IPC-01-CD3": "2.1e9",
        "CART-IPC-01-TNC": "4.8e9",
        "CART-IPC-04-VIAB": "78.5",  # below the 80 % alert limit, above the 70 % action limit
    }
    steps = [
        _Step(
            at(-1, 10),
            "tess",
            lambda db, a: batches.start_batch(db, a, "cart-auto-lv", CART_LOT, CART_COI),
        )
    ]
    steps += _cart_custody(at)
    for day, hour, who, step, checks in PLAN:
        if day > 5:
            continue
        if step == "CART-S05":  # the expired IL-2 lot is scanned first: refused, on the record
            steps.append(_Step(at(day, hour - 0.05), who, _scan_expired_lot))
            # the overdue cabinet: refused, then used on QA's override (a deviation, reviewed)
            steps.append(_Step(at(day, hour - 0.04), who, _scan_overdue_cabinet))
        for n, check in enumerate(checks):
            if check == "CART-IPC-05-BSC":
                continue  # recorded on QA's override above
            steps.append(_Step(at(day, hour + n / 60), who, _rec(CART_LOT, check, value[check])))
        done = at(day, hour + len(checks) / 60 + 0.05)
        steps.append(_Step(done, who, _sign(CART_LOT, "PERFORMED", step)))
        if step in VERIFIED_STEPS:
            other = "vic" if who == "tess" else "tess"
            steps.append(
                _Step(done + timedelta(minutes=10), other, _sign(CART_LOT, "VERIFIED", step))
            )
    for day, (vcd, volume, viability) in CART_DAYS.items():
        if day > CART_RUNNING_DAY:
            continue
        who = "tess" if day % 2 == 0 else "vic"
        typed = "1.6e7" if day == 4 else vcd  # a transcription slip, corrected below
        steps += [
            _Step(at(day, 8.5), who, _rec(CART_LOT, f"CART-IPC-07-VCD-D{day}", typed)),
            _Step(at(day, 8.6), who, _rec(CART_LOT, f"CART-IPC-07-VOL-D{day}", volume)),
            _Step(at(day, 8.7), who, _rec(CART_LOT, f"CART-IPC-07-VIAB-D{day}", viability)),
        ]
        if day == 4:  # signed, then corrected: the signature shows as invalidated
            steps.append(_Step(at(day, 8.8), who, _sign(CART_LOT, "PERFORMED", "CART-S07-D4")))
    steps.append(
        _Step(
            at(4, 9.5),
            "tess",
            lambda db, a: recording.correct_value(
                db,
                a,
                CART_LOT,
                "CART-IPC-07-VCD-D4",
                "1.6e6",
                "Transcription error: exponent typed as 10^7; print-out reads 1.6×10^6 cells/mL",
            ),
        )
    )
    return steps


def _cart_custody(at: Callable[[float, float], datetime]) -> list[_Step]:
    """CT-2026-0042's custody so far: collected at the clinical site, shipped, received (signed;
    entered once the batch was started, dated when they happened), and at the hand-off into the
    cleanroom a bag of another patient scanned first, refused."""
    from core.services.custody import record_custody

    def event(kind: str, day: float, hour: float, where: str, **kw: str) -> _Step:
        when = at(day, hour).astimezone().strftime("%Y-%m-%d %H:%M")
        recorded = max(at(day, hour + 0.1), at(-1, 10.05))  # once the batch exists
        return _Step(
            recorded,
            "tess",
            lambda db, a: record_custody(
                db, a, CART_LOT, kind, coi_scanned=CART_COI, occurred_at=when,
                location=where, password=DEMO_PASSWORD, **kw,
            ),
        )  # fmt: skip

    return [
        event("collected", -2, 9, "University Hospital, apheresis unit", container_id="BAG-A-0042"),
        event(
            "shipped",
            -2,
            13,
            "University Hospital",
            container_id="SHIP-2291",
            logger_id="TL-7781",
            temperature="2–8 °C throughout",
        ),
        event(
            "received",
            -1,
            9.5,
            "Manufacturing site, goods-in",
            container_id="SHIP-2291",
            logger_id="TL-7781",
            temperature="4.1 °C on arrival, no excursion",
        ),
        _Step(at(-1, 14.2), "tess", _scan_another_patients_bag),
        event("handoff", -1, 14.3, "Cleanroom B, suite 2", container_id="BAG-A-0042"),
    ]


def _scan_another_patients_bag(db: Database, actor: Actor) -> None:
    from core.errors import ScanMismatch
    from core.services.custody import record_custody

    when = db.clock.now().astimezone().strftime("%Y-%m-%d %H:%M")
    try:
        record_custody(
            db, actor, CART_LOT, "handoff", coi_scanned="COI-W123426000043", occurred_at=when,
            location="Cleanroom B, suite 2", container_id="BAG-A-0043",
        )  # fmt: skip
    except (ScanMismatch, DomainError):
        return
    raise RuntimeError("the demo's wrong COI was not refused")


def _scan_overdue_cabinet(db: Database, actor: Actor) -> None:
    from core.demo.stock import OVERDUE_CABINET
    from core.errors import UseRefused

    try:
        recording.record_value(db, actor, CART_LOT, "CART-IPC-05-BSC", OVERDUE_CABINET)
    except UseRefused:
        recording.record_with_override(
            db,
            actor,
            CART_LOT,
            "CART-IPC-05-BSC",
            OVERDUE_CABINET,
            qa_username="quinn",
            qa_password=DEMO_PASSWORD,
            reason="BSC-01 and BSC-02 closed for fumigation; BSC-03 passed its calibration on "
            "site yesterday, the certificate is awaited from the service company",
        )
        return
    raise RuntimeError(f"the demo's overdue cabinet {OVERDUE_CABINET} was not refused")


def _scan_expired_lot(db: Database, actor: Actor) -> None:
    from core.demo.stock import IL2_EXPIRED_LOT
    from core.errors import UseRefused

    try:
        recording.record_value(db, actor, CART_LOT, "CART-IPC-05-IL2", IL2_EXPIRED_LOT)
    except UseRefused:
        return
    raise RuntimeError(f"the demo's expired lot {IL2_EXPIRED_LOT} was not refused")


def _msc(start: datetime, opened: dict[str, str]) -> list[_Step]:
    steps = [
        _Step(
            start,
            "tess",
            lambda db, a: batches.start_batch(db, a, "msc-expanded", MSC_LOT, "DON-BM-2026-0113"),
        ),
        _Step(
            start + timedelta(minutes=5), "tess", _rec(MSC_LOT, "MSC-IPC-00-SOURCE", "Bone marrow")
        ),
        _Step(
            start + timedelta(minutes=6),
            "tess",
            _rec(MSC_LOT, "MSC-IPC-00-DONOR", "DON-BM-2026-0113"),
        ),
        _Step(start + timedelta(minutes=7), "tess", _rec(MSC_LOT, "MSC-IPC-00-BMVOL", "12,0")),
        _Step(
            start + timedelta(hours=1),
            "tess",
            _rec(MSC_LOT, "MSC-IPC-02-METHOD", "BM: density gradient"),
        ),
        _Step(start + timedelta(hours=2), "tess", _rec(MSC_LOT, "MSC-IPC-03-SUPP", "hPL")),
        _Step(start + timedelta(hours=2, minutes=1), "tess", _rec(MSC_LOT, "MSC-IPC-03-HPL", "5")),
    ]
    when = start + timedelta(days=4)
    for p, seeded, harvested, hours, viability, density, confluence in MSC_PASSAGES:
        seeded_at = when
        harvest_at = when + timedelta(hours=int(hours))
        ids = {
            k: f"MSC-IPC-04-{k}-P{p}"
            for k in ("SEEDED", "DENSITY", "CONF", "DURATION", "HARVESTED", "VIAB")
        }
        steps += [
            _Step(seeded_at, "sam" if p == 2 else "tess", _rec(MSC_LOT, ids["SEEDED"], seeded)),
            _Step(seeded_at + timedelta(minutes=1), "tess", _rec(MSC_LOT, ids["DENSITY"], density)),
        ]
        if p == 3:
            steps.append(
                _Step(
                    harvest_at - timedelta(minutes=30),
                    "tess",
                    lambda db, a: _open_confluence_deviation(db, a, opened),
                )
            )
            steps.append(
                _Step(
                    harvest_at,
                    "tess",
                    _rec_under_deviation(MSC_LOT, ids["CONF"], confluence, opened),
                )
            )
        else:
            steps.append(_Step(harvest_at, "tess", _rec(MSC_LOT, ids["CONF"], confluence)))
        steps += [
            _Step(harvest_at + timedelta(minutes=1), "tess", _rec(MSC_LOT, ids["DURATION"], hours)),
            _Step(
                harvest_at + timedelta(minutes=2),
                "tess",
                _rec(MSC_LOT, ids["HARVESTED"], harvested),
            ),
            _Step(harvest_at + timedelta(minutes=3), "tess", _rec(MSC_LOT, ids["VIAB"], viability)),
        ]
        when = harvest_at + timedelta(hours=2)
    return steps


def _open_confluence_deviation(db: Database, actor: Actor, opened: dict[str, str]) -> None:
    view = deviations.open_deviation(
        db,
        actor,
        MSC_LOT,
        "minor",
        "Passage 3 harvested at 94 % confluence, above the 70–90 % window: the harvest fell on a "
        "weekend. Cells spindle-shaped, no differentiation seen; impact assessment by QA.",
        "MSC-IPC-04-CONF-P3",
    )
    opened["MSC-IPC-04-CONF-P3"] = view.ref


def _aav(start: datetime) -> list[_Step]:
    def at(hours: float) -> datetime:
        return start + timedelta(hours=hours)

    entries = [
        (0.1, "AAV-IPC-01-BANK", "WCB-HEK293-07, vial 23"),
        (0.2, "AAV-IPC-01-VIAB", "96,5"),
        (0.3, "AAV-IPC-01-VCD", "1,1e6"),
        (24, "AAV-IPC-02-VCD", "2,1e6"),
        (24.1, "AAV-IPC-02-VIAB", "97,2"),
        (24.2, "AAV-IPC-02-PDT", "26"),
        (24.3, "AAV-IPC-02-PASSAGE", "4"),
        (26, "AAV-IPC-03-TEMP", "37,0"),
        (26.1, "AAV-IPC-03-PH", "7,00"),
        (26.2, "AAV-IPC-03-DO", "40"),
        (26.3, "AAV-IPC-03-RPM", "210"),
        (48, "AAV-IPC-04-LOTS", "pHelper PH-551, pRC9 RC-212, pGOI GOI-088, PEI P-19"),
        (48.1, "AAV-IPC-04-VCD", "1,8e6"),
        (48.2, "AAV-IPC-04-VIAB", "96,0"),
        (48.3, "AAV-IPC-04-DNA", "1,00"),
        (48.4, "AAV-IPC-04-PEI", "2,0"),
        (48.5, "AAV-IPC-04-RATIO", "24 : 46 : 30"),
        (48.6, "AAV-IPC-04-COMPLEX", "15"),
        (72, "AAV-IPC-05-VCD-D1", "1,9e6"),
        (72.1, "AAV-IPC-05-VIAB-D1", "91,0"),
        (72.2, "AAV-IPC-05-GLC-D1", "25,1"),
        (72.3, "AAV-IPC-05-LAC-D1", "8,2"),
        (72.4, "AAV-IPC-05-PH-D1", "7,02"),
        (96, "AAV-IPC-05-VCD-D2", "1,7e6"),
        (96.1, "AAV-IPC-05-VIAB-D2", "86,0"),
        (96.2, "AAV-IPC-05-GLC-D2", "18,4"),
        (96.3, "AAV-IPC-05-LAC-D2", "14,0"),
        (96.4, "AAV-IPC-05-PH-D2", "6,95"),
    ]
    steps = [_Step(start, "vic", lambda db, a: batches.start_batch(db, a, "aav-hek293", AAV_LOT))]
    steps += [_Step(at(h), "vic", _rec(AAV_LOT, check, value)) for h, check, value in entries]
    return steps


def build_demo(url: str, now: datetime | None = None) -> Database:
    """Create the demo database at ``url`` (which must not exist yet)."""
    real_clock: Clock = SystemClock()
    now = now or real_clock.now()
    today = now.replace(hour=9, minute=0, second=0, microsecond=0)
    if today > now - timedelta(hours=1):
        today -= timedelta(days=1)
    first_history = max(past.days_ago for past in HISTORY)
    clock = FixedClock(today - timedelta(days=first_history + 2), step=timedelta(milliseconds=7))
    db = init_site(url, "ada", "Ada Admin", DEMO_PASSWORD, clock=clock)
    try:
        _populate(db, clock, today)
    except BaseException:
        db.dispose()
        raise
    db.clock = real_clock
    return db


def open_demo(url: str) -> Database:
    """The demo database: built when missing, rebuilt when an older Lotbook made it (the old file
    is kept beside it, renamed), else opened (and migrated) as it is."""
    from core.paths import sqlite_path
    from core.store import open_database

    path = sqlite_path(url)
    if path is not None and not path.exists():
        return build_demo(url)
    db = open_database(url)
    if path is None or _demo_version(db) == DEMO_VERSION:
        return db
    db.dispose()
    stamp = SystemClock().now().strftime("%Y%m%dT%H%M%SZ")
    for suffix in ("", "-wal", "-shm"):
        old = path.with_name(path.name + suffix)
        if old.exists():
            old.rename(path.with_name(f"{path.stem}-before-{stamp}{path.suffix}{suffix}"))
    return build_demo(url)


def _demo_version(db: Database) -> str | None:
    from core.models import SiteSetting

    with db.read() as session:
        row = session.get(SiteSetting, "demo_version")
        return row.value if row else None


def _populate(db: Database, clock: FixedClock, today: datetime) -> None:
    admin = users.authenticate(db, "ada", DEMO_PASSWORD)
    for name, (full_name, role) in DEMO_USERS.items():
        users.create_user(db, admin, name, full_name, role, INITIAL_PASSWORD)
        users.change_password(db, name, INITIAL_PASSWORD, DEMO_PASSWORD)
    actors = {name: users.authenticate(db, name, DEMO_PASSWORD) for name in DEMO_USERS}
    signing_keys.issue_certificates(db, admin, DEMO_PASSWORD)
    from core.services.template_approval import approve_drafts

    approve_drafts(
        db,
        actors["quinn"],
        DEMO_PASSWORD,
        "Demo site: the example limits are taken as this site's own (not for GMP use)",
    )
    from core.demo.stock import stock_site

    stock_site(
        db,
        admin,
        actors["tess"],
        actors["quinn"],
        DEMO_PASSWORD,
        today=clock.now().date(),
        expired_after=(today - timedelta(days=CART_RUNNING_DAY + 1)).date(),
        dues_from=today.date(),
    )
    opened: dict[str, str] = {}  # deviation references, known once the deviation is opened
    plan = _msc(today - timedelta(days=31), opened)
    plan += _cart(today - timedelta(days=CART_RUNNING_DAY))
    plan += _aav(today - timedelta(days=4))
    # what falls after today (the pending lot's RCL result) has not happened yet
    plan += [_Step(at, who, act) for at, who, act in history_steps(today) if at <= today]
    for step in sorted(plan, key=lambda s: s.at):
        clock.set(step.at)
        step.act(db, actors[step.user])
    clock.set(today + timedelta(minutes=30))
    _import_bioreactor_trace(db, actors["tess"], today - timedelta(days=CART_RUNNING_DAY))
    from core.models import SiteSetting

    with db.unit_of_work("system") as uow:
        uow.session.add(SiteSetting(key="demo_version", value=DEMO_VERSION))
        uow.audit("demo.version", "site_setting", "demo_version", new={"value": DEMO_VERSION})


def _import_bioreactor_trace(db: Database, actor: Actor, d0: datetime) -> None:
    """The CAR-T batch's bioreactor log from activation until this morning (simulated, with one
    temperature excursion), imported like any instrument file."""
    import tempfile
    from pathlib import Path

    from core.instruments.simulator import simulate
    from core.services.imports import import_file

    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / f"{CART_LOT}-bioreactor.csv"
        simulate(log, days=8.9, rate_hz=1 / 30, start=d0, seed=42)
        import_file(db, actor, CART_LOT, log, profile="bioreactor-log")
