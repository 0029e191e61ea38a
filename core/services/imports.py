"""Importing an instrument file into a batch: all or nothing, kept as the original bytes.

The file is read by its profile (core/instruments); then, in one unit of work: the exact bytes and
their SHA-256 are stored (the same file twice is refused), counter readings are recorded as the
values of the checks they measure (source "file:<sha256>", out-of-spec values held for a comment
or deviation), trace points are stored in blocks, excursions beyond the template's alarm bands are
recorded, and one audit event names the file, its hash and what it brought."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from core.auth import Actor, Permission
from core.clock import utc_iso
from core.errors import AlreadyExists, Conflict, DomainError
from core.i18n import _
from core.instruments.model import (
    CountReading,
    InstrumentFileInvalid,
    ParsedFile,
    Profile,
    SampleNamesNoStep,
    Trace,
)
from core.models import EntryKind, InstrumentFile, table_of
from core.models.batches import TAKES_RESULTS
from core.paths import data_dir
from core.records.accounts import check_account
from core.records.result_rows import (
    BatchRow,
    account_and_batch,
    no_batch,
    template_of,
    versions,
)
from core.series.blocks import channel_ids, write_points
from core.series.excursions import Band, find_excursions
from core.services.excursions import record_excursion
from core.services.measurements import MeasurementTimes, remember_measurement
from core.services.recording import enter_in
from core.services.result_writes import Entry, Written
from core.store import Database, UnitOfWork
from core.templates.model import CheckDef, StepDef, TemplateDef
from core.text_rules import REASON, optional_text

_FILES = table_of(InstrumentFile)


@dataclass(frozen=True)
class ImportOutcome:
    lot: str
    filename: str
    sha256: str
    profile: str
    kind: str
    rows: int
    recorded: tuple[tuple[str, str, str], ...]  # (check id, value as shown, verdict)
    points: dict[str, int]  # channel key → points stored
    excursions: int
    notes: tuple[str, ...]


def profiles() -> list[Profile]:
    """The built-in profiles, the example site profiles, and the site's own (data/profiles)."""
    from core.instruments.registry import load_profiles

    return load_profiles([data_dir() / "profiles"])


def read_file(
    data: bytes, filename: str, profile: str | None = None, timezone: str | None = None
) -> ParsedFile:
    """Parse a file as a whole with the named profile, or the one that recognises it."""
    from core.instruments.decode import decode
    from core.instruments.registry import find, recognise

    known = profiles()
    if profile:
        chosen = find(known, profile)
    else:
        text, _encoding = decode(data, filename)
        chosen = recognise(known, text)
    return chosen.parse(data, filename, timezone=timezone)


def import_file(
    db: Database,
    actor: Actor,
    lot: str,
    path: Path,
    *,
    profile: str | None = None,
    timezone: str | None = None,
    step: str | None = None,
    reason: str | None = None,
) -> ImportOutcome:
    data = read_instrument_file(db, path)
    if not data:
        raise InstrumentFileInvalid(path.name, None, _("the file is empty."))
    return import_bytes(
        db,
        actor,
        lot,
        data,
        path.name,
        profile=profile,
        timezone=timezone,
        step=step,
        reason=reason,
    )


def read_instrument_file(db: Database, path: Path) -> bytes:
    """The bytes of an instrument file: a regular file only (never a folder, a named pipe or a
    device), no larger than the site's ``import_max_mb``, read with a timeout (core/inputs)."""
    from core.inputs import MB, read_regular_file
    from core.services.settings import show_policy

    limit = show_policy(db).import_max_mb
    return read_regular_file(path, max_bytes=limit * MB, limit_name="import_max_mb")


def import_bytes(
    db: Database,
    actor: Actor,
    lot: str,
    data: bytes,
    filename: str,
    *,
    profile: str | None = None,
    timezone: str | None = None,
    step: str | None = None,
    reason: str | None = None,
) -> ImportOutcome:
    """Import one file. ``reason`` accepts counts measured outside their expected time (before
    the batch started, in the future, far from the step's planned day); it is kept with each
    value and shown in the review."""
    timezone = timezone or site_timezone(db)
    reason = optional_text(reason, REASON)
    parsed = read_file(data, filename, profile, timezone)  # before any write: all or nothing
    sha = hashlib.sha256(data).hexdigest()
    with db.unit_of_work(actor.username) as uow:
        batch = batch_taking_data(uow, actor, lot)
        _refuse_twice(uow, sha, filename)
        tdef = template_of(uow.connection, batch)
        file_id = _keep_original(uow, batch, parsed, filename, data, sha)
        source = f"file:{sha}"
        recorded: list[tuple[str, str, str]] = []
        points: dict[str, int] = {}
        found = 0
        if parsed.kind == "counts":
            how = CountImport(filename, source, file_id, step, reason)
            recorded = _record_counts(uow, actor, batch, tdef, parsed, how)
        elif parsed.trace is not None:
            points, found = _store_trace(uow, batch, tdef, parsed.trace, source)
        uow.audit(
            "instrument.import",
            "instrument_file",
            sha,
            lot=batch.lot,
            new={
                "file": filename,
                "sha256": sha,
                "size": len(data),
                "profile": parsed.profile,
                "kind": parsed.kind,
                "encoding": parsed.encoding,
                "rows": parsed.rows,
                "recorded": [r[0] for r in recorded],
                "points": points,
                "excursions": found,
                "file_id": file_id,
            },
        )
    return ImportOutcome(
        lot=batch.lot,
        filename=filename,
        sha256=sha,
        profile=parsed.profile,
        kind=parsed.kind,
        rows=parsed.rows,
        recorded=tuple(recorded),
        points=points,
        excursions=found,
        notes=parsed.notes,
    )


def batch_taking_data(uow: UnitOfWork, actor: Actor, lot: str) -> BatchRow:
    """The batch an instrument file or a followed log goes into: the user may record values and
    the batch is still in progress."""
    account, batch = account_and_batch(uow.connection, actor.username, lot)
    check_account(account, actor, Permission.RECORD)
    if batch is None:
        raise no_batch(lot)
    if batch.status not in TAKES_RESULTS:
        raise Conflict(
            _(
                "Lot {lot} is {status}: its record is locked and takes no more instrument data."
            ).format(lot=batch.lot, status=batch.status.replace("_", " "))
        )
    return batch


def site_timezone(db: Database) -> str | None:
    from core.services.settings import show_policy

    return show_policy(db).time_zone


def _refuse_twice(uow: UnitOfWork, sha: str, filename: str) -> None:
    f = _FILES.c
    row = uow.connection.execute(
        sa.select(f.filename, f.imported_at, f.imported_by, f.batch_id).where(f.sha256 == sha)
    ).first()
    if row is not None:
        raise AlreadyExists(
            _(
                "{file} was imported before (as {earlier}, {at} "
                "UTC, by {user}; SHA-256 {sha}…). A file is imported once."
            ).format(
                file=filename,
                earlier=row.filename,
                at=utc_iso(row.imported_at)[:16],
                user=row.imported_by,
                sha=sha[:16],
            )
        )


def _keep_original(
    uow: UnitOfWork, batch: BatchRow, parsed: ParsedFile, filename: str, data: bytes, sha: str
) -> int:
    result = uow.connection.execute(
        _FILES.insert().values(
            batch_id=batch.id,
            profile=parsed.profile,
            kind=parsed.kind,
            filename=filename,
            sha256=sha,
            size=len(data),
            encoding=parsed.encoding,
            rows=parsed.rows,
            content=data,
            imported_at=uow.now,
            imported_by=uow.username,
        )
    )
    key = result.inserted_primary_key
    if key is None:
        raise RuntimeError(f"{filename} was stored without an id.")
    return int(key[0])


# -- counts -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CountImport:
    """Where a file's counts come from and how they may be accepted."""

    filename: str
    source: str  # "file:<sha256>"
    file_id: int
    step_id: str | None  # --step: the step a one-sample file belongs to
    reason: str | None  # accepts measurement times outside their window


def _record_counts(
    uow: UnitOfWork,
    actor: Actor,
    batch: BatchRow,
    tdef: TemplateDef,
    parsed: ParsedFile,
    how_: CountImport,
) -> list[tuple[str, str, str]]:
    filename, step_id = how_.filename, how_.step_id
    if step_id and len(parsed.counts) != 1:
        raise InstrumentFileInvalid(
            filename,
            None,
            _(
                "one step was named for it, but the file holds {n} samples: give "
                "each sample the step's id (e.g. CART-S07-D3) as its sample id instead."
            ).format(n=len(parsed.counts)),
        )
    how = Entry(EntryKind.ENTRY, Permission.RECORD, None, how_.source)
    timing = MeasurementTimes(uow, batch)
    done: list[tuple[str, str, str]] = []
    for reading in parsed.counts:
        step = tdef.step(step_id) if step_id else _step_for(tdef, batch, reading, filename)
        targets = _targets(step, reading)
        if not targets:
            quantities = ", ".join(q.replace("_", " ") for q in reading.values)
            raise InstrumentFileInvalid(
                filename,
                reading.line,
                _("step {step} has no check for {quantities}.").format(
                    step=step.id, quantities=quantities
                ),
            )
        remember_measurement(uow, batch, how_.file_id, parsed.profile, reading, filename)
        accepted = timing.check(step.id, reading, how_.reason, filename)
        written = Written(
            None,
            None,
            True,
            how_.source,
            measured_at=reading.measured_at,
            measured_zone=reading.zone,
            timing_reason=accepted,
        )
        known = versions(uow.connection, batch.id, [c.id for c, _ in targets])
        for check, value in targets:
            if known.get(check.id):
                raise InstrumentFileInvalid(
                    filename,
                    reading.line,
                    _(
                        "{check} ({name}) already has a value; correct it by hand, with "
                        "a reason, if the instrument's value replaces it."
                    ).format(check=check.id, name=check.name),
                )
            text = _text(value)  # written by this program, with a decimal point
            outcome = enter_in(
                uow, actor, batch, tdef, check, text, how, written, decimal_mark="point"
            )
            if isinstance(outcome, DomainError):
                raise outcome
            current = outcome.entry.current
            if current is None:  # just recorded: the check's view holds that value
                raise RuntimeError(f"{check.id} shows no value after it was recorded.")
            done.append((check.id, current.display, current.verdict))
    return done


def _step_for(tdef: TemplateDef, batch: BatchRow, reading: CountReading, file: str) -> StepDef:
    """The step a sample id names: a step id (CART-S07-D3) or a repeated step's instance (D3,
    P2), optionally after the lot ("CT-0042 D3")."""
    wanted = reading.sample_id.strip().upper()
    for prefix in (batch.lot.upper(),):
        if wanted.startswith(prefix):
            wanted = wanted[len(prefix) :].lstrip(" /_-:")
    matches = [
        s for s in tdef.steps if s.id.upper() == wanted or (s.instance or "").upper() == wanted
    ]
    if len(matches) == 1:
        return matches[0]
    examples = ", ".join(s.instance or s.id for s in tdef.steps if s.instance)[:60]
    choices = tuple((s.id, s.name) for s in tdef.steps if _targets(s, reading))
    raise SampleNamesNoStep(
        file,
        reading.line,
        _(
            "the sample id {sample} names no step of lot {lot}. Choose the step "
            "it belongs to, or give the step id (e.g. {step}) or a day or passage "
            "({examples}) as the sample id on the instrument."
        ).format(
            sample=repr(reading.sample_id),
            lot=batch.lot,
            step=tdef.steps[0].id,
            examples=examples,
        ),
        choices,
    )


def _targets(step: StepDef, reading: CountReading) -> list[tuple[CheckDef, Decimal]]:
    pairs = []
    for check in step.checks:
        quantity = check.measures
        if quantity is not None and quantity in reading.values and not check.derived:
            pairs.append((check, reading.values[quantity]))
    return pairs


def _text(value: Decimal) -> str:
    return format(value.normalize(), "f") if abs(value.adjusted()) < 15 else str(value)


# -- traces -------------------------------------------------------------------------------------


def _store_trace(
    uow: UnitOfWork, batch: BatchRow, tdef: TemplateDef, trace: Trace, source: str
) -> tuple[dict[str, int], int]:
    defined = {c.key: c for c in tdef.channels}
    ids = channel_ids(
        uow.connection,
        batch.id,
        [
            (
                c.key,
                defined[c.key].name if c.key in defined else c.name,
                defined[c.key].unit if c.key in defined else c.unit,
            )
            for c in trace.channels
        ],
    )
    points: dict[str, int] = {}
    found = 0
    for channel in trace.channels:
        points[channel.key] = write_points(
            uow.connection, ids[channel.key], trace.times, channel.values, source
        )
        spec = defined.get(channel.key)
        if spec is None or not spec.has_band:
            continue
        band = Band(
            float(spec.alarm_low) if spec.alarm_low is not None else None,
            float(spec.alarm_high) if spec.alarm_high is not None else None,
            spec.hold_minutes * 60.0,
        )
        for event in find_excursions(trace.times, channel.values, band):
            record_excursion(uow, batch.id, batch.lot, spec, event, source)
            found += 1
    return points, found
