"""Following a growing bioreactor log while the batch runs.

``LiveFeed.start`` opens a capture (audited); each ``poll`` takes the complete lines written since
(a partial last line waits for its newline; a rotated file starts again), stores their exact bytes
with their SHA-256 and their points, detects excursions against the template's alarm bands
(one audit event each), and returns the new points for the plot. ``stop`` closes the capture
(audited). A line that cannot be read stops the feed with its line number: nothing of that poll
is stored, and the log itself is untouched for a later import."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import sqlalchemy as sa

from core.auth import Actor
from core.errors import Conflict
from core.i18n import _
from core.instruments.model import InstrumentFileInvalid, Trace
from core.models import CaptureChunk, LiveCapture, table_of
from core.records.result_rows import template_of
from core.series.blocks import channel_ids, write_points
from core.series.excursions import Band, ExcursionEvent, ExcursionTracker
from core.services.excursions import close_excursion, record_excursion
from core.store import Database
from core.templates.channels import ChannelDef

_CAPTURES = table_of(LiveCapture)
_CHUNKS = table_of(CaptureChunk)


@dataclass(frozen=True)
class LiveUpdate:
    lines: int  # data lines taken in by this poll
    points: dict[str, tuple[np.ndarray, np.ndarray]]  # channel → (times, values) just stored
    excursions: tuple[tuple[str, ExcursionEvent], ...]  # (channel, event) detected or ended
    rotated: bool


class LiveFeed:
    def __init__(
        self,
        db: Database,
        actor: Actor,
        lot: str,
        path: Path,
        capture_id: int,
        batch_id: int,
        channels: tuple[ChannelDef, ...],
        profile: str,
        timezone: str | None,
    ) -> None:
        from core.instruments.tail import LogTail

        self.db, self.actor, self.lot, self.path = db, actor, lot, path
        self.capture_id, self.batch_id = capture_id, batch_id
        self.profile, self.timezone = profile, timezone
        self.tail = LogTail(path)
        self.header: list[str] = []
        self.header_done = False
        self.defined = {c.key: c for c in channels}
        self.trackers = {
            c.key: ExcursionTracker(Band(_f(c.alarm_low), _f(c.alarm_high), c.hold_minutes * 60.0))
            for c in channels
            if c.has_band
        }
        self.open_excursions: dict[str, int] = {}
        self.seq = 0
        self.stopped = False

    @classmethod
    def start(
        cls,
        db: Database,
        actor: Actor,
        lot: str,
        path: Path,
        *,
        profile: str = "bioreactor-log",
        timezone: str | None = None,
    ) -> LiveFeed:
        from core.services.imports import batch_taking_data, site_timezone

        timezone = timezone or site_timezone(db)
        with db.unit_of_work(actor.username) as uow:
            batch = batch_taking_data(uow, actor, lot)
            tdef = template_of(uow.connection, batch)
            result = uow.connection.execute(
                _CAPTURES.insert().values(
                    batch_id=batch.id,
                    path=str(path),
                    profile=profile,
                    started_at=uow.now,
                    started_by=uow.username,
                    lines=0,
                    points=0,
                )
            )
            inserted = result.inserted_primary_key
            if inserted is None:
                raise RuntimeError("The database returned no id for the new live capture.")
            capture_id = int(inserted[0])
            uow.audit(
                "series.live_start",
                "live_capture",
                str(capture_id),
                lot=batch.lot,
                new={"path": str(path), "profile": profile},
            )
        return cls(
            db, actor, batch.lot, path, capture_id, batch.id, tdef.channels, profile, timezone
        )

    def poll(self) -> LiveUpdate:
        if self.stopped:
            raise Conflict(_("This live capture has stopped."))
        lines = self.tail.read_lines()
        rotated = self.tail.rotated  # the file was replaced: its header comes again
        if rotated:
            self.header, self.header_done = [], False
        data: list[tuple[int, str]] = []
        for number, line in lines:
            if not self.header_done:
                self.header.append(line)
                if line.strip() and not line.lstrip().startswith("#"):
                    self.header_done = True  # the column header
                continue
            if line.strip():
                data.append((number, line))
        if not data:
            return LiveUpdate(0, {}, (), rotated)
        trace = self._parse(data)
        raw = "".join(line + "\n" for _number, line in data).encode("utf-8")
        with self.db.unit_of_work(self.actor.username) as uow:
            self.seq += 1
            uow.connection.execute(
                _CHUNKS.insert().values(
                    capture_id=self.capture_id,
                    seq=self.seq,
                    first_line=data[0][0],
                    last_line=data[-1][0],
                    content=raw,
                    sha256=hashlib.sha256(raw).hexdigest(),
                    received_at=uow.now,
                )
            )
            ids = channel_ids(
                uow.connection,
                self.batch_id,
                [
                    (c.key, self._name(c.key, c.name), self._unit(c.key, c.unit))
                    for c in trace.channels
                ],
            )
            source = f"live:{self.capture_id}"
            points: dict[str, tuple[np.ndarray, np.ndarray]] = {}
            stored = 0
            events: list[tuple[str, ExcursionEvent]] = []
            for channel in trace.channels:
                stored += write_points(
                    uow.connection, ids[channel.key], trace.times, channel.values, source
                )
                keep = np.isfinite(channel.values)
                points[channel.key] = (trace.times[keep], channel.values[keep])
                tracker = self.trackers.get(channel.key)
                if tracker is None:
                    continue
                for event in tracker.feed(trace.times, channel.values):
                    events.append((channel.key, event))
                    spec = self.defined[channel.key]
                    if event.kind == "detected":
                        self.open_excursions[channel.key] = record_excursion(
                            uow, self.batch_id, self.lot, spec, event, source
                        )
                    elif channel.key in self.open_excursions:
                        close_excursion(uow, self.open_excursions.pop(channel.key), event)
            c = _CAPTURES.c
            uow.connection.execute(
                _CAPTURES.update()
                .where(c.id == self.capture_id)
                .values(lines=c.lines + len(data), points=c.points + stored)
            )
        return LiveUpdate(len(data), points, tuple(events), rotated)

    def stop(self) -> None:
        if self.stopped:
            return
        self.stopped = True
        with self.db.unit_of_work(self.actor.username) as uow:
            c = _CAPTURES.c
            row = uow.connection.execute(
                sa.select(c.lines, c.points).where(c.id == self.capture_id)
            ).one()
            uow.connection.execute(
                _CAPTURES.update().where(c.id == self.capture_id).values(stopped_at=uow.now)
            )
            uow.audit(
                "series.live_stop",
                "live_capture",
                str(self.capture_id),
                lot=self.lot,
                new={
                    "path": str(self.path),
                    "lines": row.lines,
                    "points": row.points,
                    "chunks": self.seq,
                },
            )

    # -- helpers ---------------------------------------------------------------------------------

    def _parse(self, data: list[tuple[int, str]]) -> Trace:
        from core.instruments.registry import find
        from core.services.imports import profiles

        text = "\n".join([*self.header, *(line for _number, line in data)]) + "\n"
        try:
            parsed = find(profiles(), self.profile).parse(
                text.encode("utf-8"), self.path.name, timezone=self.timezone
            )
        except InstrumentFileInvalid as error:
            line = error.line
            if line is not None and line > len(self.header):
                line = data[min(line - len(self.header), len(data)) - 1][0]
            raise InstrumentFileInvalid(self.path.name, line, error.reason) from None
        if parsed.trace is None:
            raise InstrumentFileInvalid(
                self.path.name, None, _("this profile does not read traces.")
            )
        return parsed.trace

    def _name(self, key: str, name: str) -> str:
        return self.defined[key].name if key in self.defined else name

    def _unit(self, key: str, unit: str | None) -> str | None:
        return self.defined[key].unit if key in self.defined else unit


def _f(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
