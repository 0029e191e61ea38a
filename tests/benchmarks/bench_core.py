"""Issue 2 benchmarks.

(a) Recording one value through the service (parse, evaluate, derived values, audit hash, commit)
    against the floor: a raw sqlite3 INSERT + COMMIT with the same pragmas. 1,000 entries each,
    interleaved so both see the same disk; median per entry and the ratio (goal ≤ 3).
(b) `audit verify` over 100,000 events against hashlib over the same canonical bytes
    (goal ≤ 3× the floor); medians of 5 runs.
"""

from __future__ import annotations

import hashlib
import sqlite3
import statistics
import time
from decimal import Decimal

from core.audit import canonical_json, chain_hash, event_bytes
from core.services import audit_trail, batches, recording, users
from core.services.site import init_site
from core.services.templates import get_template
from tests.benchmarks.sites import approve_templates, entry_plan

ENTRIES = 1000
EVENTS = 100_000
PASSWORD = "bench-pass-2026"


def _value_for(check) -> str | None:
    """A typical in-spec value for a check, as a technician would type it."""
    if check.derived or check.type == "scan":
        return None
    if check.type == "passfail":
        return check.spec.expected if check.spec and check.spec.expected else "pass"
    if check.type == "choice":
        accepted = check.spec.accepted if check.spec and check.spec.accepted else check.choices
        return accepted[0]
    if check.type == "text":
        return "lot 2026-11 ok"
    spec = check.spec
    low = (
        spec.alert_lower if spec and spec.alert_lower is not None else spec.lower if spec else None
    )
    high = (
        spec.alert_upper if spec and spec.alert_upper is not None else spec.upper if spec else None
    )
    if low is not None and high is not None:
        value = (low + high) / 2
    elif low is not None:
        value = low * Decimal("1.2") + 1
    elif high is not None:
        value = high / 2
    else:
        value = Decimal(2)
    return f"{value:.4g}".replace(".", ",")


def _floor_db(path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "busy_timeout=10000"):
        conn.execute(f"PRAGMA {pragma}")
    conn.execute(
        "CREATE TABLE result (id INTEGER PRIMARY KEY, batch_id INTEGER, check_id TEXT, "
        "version INTEGER, kind TEXT, raw_text TEXT, value TEXT, value_number REAL, unit TEXT, "
        "verdict TEXT, rule TEXT, final INTEGER, recorded_by TEXT, recorded_at TEXT)"
    )
    return conn


def test_record_value_against_raw_insert(tmp_path, report):
    db = init_site(f"sqlite:///{tmp_path / 'bench.db'}", "ada", "Ada Admin", PASSWORD)
    admin = users.authenticate(db, "ada", PASSWORD)
    users.create_user(db, admin, "tess", "Tess Technician", "technician", "initial-" + PASSWORD)
    users.change_password(db, "tess", "initial-" + PASSWORD, PASSWORD)
    tech = users.authenticate(db, "tess", PASSWORD)
    approve_templates(db, admin, PASSWORD, PASSWORD)
    tdef = get_template(db, "cart-auto-lv")
    plan = [(c.id, v) for c, v in entry_plan(tdef, _value_for)]
    floor = _floor_db(tmp_path / "floor.db")
    service_times, floor_times = [], []
    lot_no, position = 0, len(plan)
    for i in range(ENTRIES):
        if position == len(plan):
            lot_no += 1
            batches.start_batch(db, tech, "cart-auto-lv", f"CT-B{lot_no:03d}", "COI-BENCH-1")
            position = 0
        check_id, text = plan[position]
        position += 1
        start = time.perf_counter()
        recording.record_value(db, tech, f"CT-B{lot_no:03d}", check_id, text, comment="bench")
        service_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        floor.execute("BEGIN IMMEDIATE")
        floor.execute(
            "INSERT INTO result (batch_id, check_id, version, kind, raw_text, value, value_number,"
            " unit, verdict, rule, final, recorded_by, recorded_at) "
            "VALUES (?, ?, 1, 'entry', ?, ?, ?, '%', 'pass', 'within spec', 1, 'tess', ?)",
            (lot_no, check_id, text, text, float(i), "2026-11-25T12:00:00.000000+00:00"),
        )
        floor.execute("COMMIT")
        floor_times.append(time.perf_counter() - start)
    floor.close()
    assert audit_trail.verify(db).intact
    service = statistics.median(service_times)
    raw = statistics.median(floor_times)
    ratio = service / raw
    report(
        "record_value",
        {
            "entries": ENTRIES,
            "batches": lot_no,
            "service_median_ms": round(service * 1000, 3),
            "raw_insert_commit_median_ms": round(raw * 1000, 3),
            "median_ratio": round(ratio, 2),
            "goal": "<= 3",
        },
    )
    db.dispose()
    assert ratio <= 3, f"record_value is {ratio:.2f}x the raw INSERT+COMMIT floor (goal <= 3)"


def test_audit_verify_against_hashlib(tmp_path, report):
    db = init_site(f"sqlite:///{tmp_path / 'verify.db'}", "ada", "Ada Admin", PASSWORD)
    db.dispose()
    conn = sqlite3.connect(tmp_path / "verify.db")
    head_seq, prev = conn.execute("SELECT seq, hash FROM audit_head").fetchone()
    first_prev = prev  # the site's own first events come before the generated ones
    rows, bodies = [], []
    for seq in range(head_seq + 1, head_seq + EVENTS + 1):
        minute, second, milli = seq // 60000 % 60, seq // 1000 % 60, seq % 1000
        at = f"2026-11-25T12:{minute:02d}:{second:02d}.{milli:03d}000+00:00"
        lot = f"CT-{seq % 50:04d}"
        new = canonical_json({"value": str(seq % 97), "unit": "%", "verdict": "pass"})
        fields = dict(
            seq=seq,
            at=at,
            user="tess",
            action="result.record",
            entity="result",
            entity_id=f"{lot}/CART-IPC-04-VIAB/v1",
            lot=lot,
            old=None,
            new=new,
            reason=None,
            app_version="0.1.0",
        )
        body = event_bytes(**fields)
        digest = chain_hash(prev, body)
        rows.append((seq, prev, digest, body.decode("utf-8")))
        bodies.append(body)
        prev = digest
    conn.executemany(
        "INSERT INTO audit_event (seq, prev_hash, hash, body) VALUES (?, ?, ?, ?)", rows
    )
    conn.execute("UPDATE audit_head SET seq = ?, hash = ?, at = ?", (rows[-1][0], prev, at))
    conn.commit()
    conn.close()

    from core.store import open_database

    db = open_database(f"sqlite:///{tmp_path / 'verify.db'}")
    verify_times, floor_times = [], []
    for _ in range(5):
        start = time.perf_counter()
        result = audit_trail.verify(db)
        verify_times.append(time.perf_counter() - start)
        assert result.intact and result.events == head_seq + EVENTS
        start = time.perf_counter()
        h = first_prev
        sha256 = hashlib.sha256
        for body in bodies:
            h = sha256(h.encode("ascii") + body).hexdigest()
        floor_times.append(time.perf_counter() - start)
    assert h == prev
    verify_s = statistics.median(verify_times)
    floor_s = statistics.median(floor_times)
    ratio = verify_s / floor_s
    report(
        "audit_verify",
        {
            "events": head_seq + EVENTS,
            "verify_median_s": round(verify_s, 3),
            "hashlib_floor_median_s": round(floor_s, 3),
            "ratio": round(ratio, 2),
            "goal": "<= 3",
        },
    )
    db.dispose()
    assert ratio <= 3, f"audit verify is {ratio:.2f}x the hashlib floor (goal <= 3)"
