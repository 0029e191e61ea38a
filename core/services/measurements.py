"""An instrument's measurements as evidence: each kept once, each at its own time.

- The same measurement (same instrument, sample, measurement time and values) is imported once,
  whatever file it comes in (a fingerprint; identical bytes are refused separately).
- A measurement time before the batch started, in the future, or far from the planned day of the
  step it is filed under is refused, unless the person importing gives a reason: the reason is
  kept with each value and the review lists it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

import sqlalchemy as sa

from core.clock import local_text, utc_iso
from core.errors import AlreadyExists, NeedsReason
from core.i18n import _
from core.instruments.model import CountReading
from core.models import InstrumentFile, InstrumentMeasurement, table_of
from core.records.result_rows import BatchRow
from core.schedule import FUTURE_TOLERANCE, day_number, day_zero, window
from core.store import UnitOfWork
from core.version import command_name

if TYPE_CHECKING:
    from core.readmodels import BatchView

_MEASUREMENTS = table_of(InstrumentMeasurement)
_FILES = table_of(InstrumentFile)
BEFORE_START_TOLERANCE = timedelta(hours=1)  # an instrument clock a little behind the bench PC's
MIN_REASON = 10  # characters: a reason that says something


def fingerprint(profile: str, reading: CountReading) -> str:
    """The same measurement gives the same fingerprint in any file layout."""
    values = {k: format(v.normalize(), "f") for k, v in sorted(reading.values.items())}
    data = {
        "profile": profile,
        "instrument": reading.instrument,
        "sample": reading.sample_id.strip(),
        "measured_at": utc_iso(reading.measured_at) if reading.measured_at else None,
        "values": values,
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode("utf-8")).hexdigest()


def remember_measurement(
    uow: UnitOfWork, batch: BatchRow, file_id: int, profile: str, reading: CountReading, file: str
) -> None:
    """Keep the measurement's fingerprint, refusing one imported before from any file."""
    key = fingerprint(profile, reading)
    m, f = _MEASUREMENTS.c, _FILES.c
    seen = uow.connection.execute(
        sa.select(f.filename, f.imported_at, f.imported_by)
        .select_from(_MEASUREMENTS.join(_FILES, m.file_id == f.id))
        .where(m.fingerprint == key)
    ).first()
    if seen is not None:
        names = {
            "file": file,
            "sample": reading.sample_id,
            "source": seen.filename,
            "imported": local_text(seen.imported_at),
            "user": seen.imported_by,
        }
        if reading.measured_at:
            message = _(
                "{file}: sample {sample} measured {measured} was imported before, from {source} "
                "({imported}, by {user}). The same measurement is imported once, whichever file "
                "holds it. Nothing was imported."
            ).format(measured=local_text(reading.measured_at), **names)
        else:
            message = _(
                "{file}: sample {sample} was imported before, from {source} ({imported}, by "
                "{user}). The same measurement is imported once, whichever file holds it. "
                "Nothing was imported."
            ).format(**names)
        raise AlreadyExists(message)
    uow.connection.execute(
        _MEASUREMENTS.insert().values(
            batch_id=batch.id,
            file_id=file_id,
            profile=profile,
            instrument=reading.instrument,
            sample_id=reading.sample_id.strip()[:200],
            measured_at=reading.measured_at,
            fingerprint=key,
        )
    )


class MeasurementTimes:
    """Checks each reading's measurement time against the batch and the step it is filed under
    (the batch record is read once, on the first reading that has a time)."""

    def __init__(self, uow: UnitOfWork, batch: BatchRow) -> None:
        self.uow = uow
        self.batch = batch
        self._loaded: tuple[BatchView, tzinfo] | None = None

    def _load(self) -> tuple[BatchView, tzinfo]:
        if self._loaded is None:
            from core.records.batch_record import build_batch_view, load_batch
            from core.services.review import site_zone

            session = self.uow.session
            view = build_batch_view(session, load_batch(session, self.batch.lot))
            self._loaded = (view, site_zone(session))
        return self._loaded

    def check(
        self, step_id: str, reading: CountReading, reason: str | None, file: str
    ) -> str | None:
        """None when the time fits; the reason when it does not and one was given; else
        ``NeedsReason`` saying what is wrong."""
        moment = reading.measured_at
        if moment is None:
            return None
        problem = self._problem(step_id, moment)
        if problem is None:
            return None
        if reason and len(reason) >= MIN_REASON:
            return reason
        if reason:
            raise NeedsReason(
                _(
                    "{file}: the reason given is too short to stand on the record: say in {n} "
                    "characters or more why sample {sample}'s time is right for this batch. "
                    "Nothing was imported."
                ).format(file=file, n=MIN_REASON, sample=reading.sample_id)
            )
        measured = local_text(moment)
        if reading.zone:
            measured = _("{time} (instrument time read in {zone})").format(
                time=measured, zone=reading.zone
            )
        raise NeedsReason(
            _(
                "{file}: sample {sample} was measured {measured}, {problem}. Nothing was "
                "imported. If the count does belong here, import it again with the reason why: "
                "it stays on the record and QA sees it in the review."
            ).format(file=file, sample=reading.sample_id, measured=measured, problem=problem),
            cli_hint=_('Give it with `{command} import … --reason "…"`.').format(
                command=command_name()
            ),
        )

    def _problem(self, step_id: str, moment: datetime) -> str | None:
        view, zone = self._load()
        if moment < view.started_at - BEFORE_START_TOLERANCE:
            return _("before lot {lot} was started ({started})").format(
                lot=view.lot, started=local_text(view.started_at)
            )
        now = self.uow.now
        if moment > now + FUTURE_TOLERANCE:
            return _("in the future (the time now is {now})").format(now=local_text(now))
        step = next((s for s in view.steps if s.id == step_id), None)
        zero = day_zero(view, zone)
        span = window(step, zero, zone) if step is not None else None
        if span is not None and zero is not None and not span.holds(moment):
            return _(
                "on day {day} of the batch, far from {step}'s planned {planned} (day 0 is {zero})"
            ).format(
                day=day_number(moment, zero, zone),
                step=step_id,
                planned=span.planned.words(),
                zero=zero.isoformat(),
            )
        return None
