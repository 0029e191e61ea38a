"""Points of a process trace, kept in blocks: times and values as float64 arrays, one row per run
of up to an hour of 1 Hz data. Written with one bulk insert per import, read in bulk into numpy."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import sqlalchemy as sa

from core.models import SeriesBlock, SeriesChannel, table_of

BLOCK_POINTS = 3600
_BLOCKS = table_of(SeriesBlock)
_CHANNELS = table_of(SeriesChannel)
_F64 = np.dtype("<f8")


def channel_ids(
    conn: sa.Connection, batch_id: int, channels: Iterable[tuple[str, str, str | None]]
) -> dict[str, int]:
    """Channel key → id for a batch, creating the channels not seen before."""
    c = _CHANNELS.c
    known = dict(conn.execute(sa.select(c.key, c.id).where(c.batch_id == batch_id)).all())
    for key, name, unit in channels:
        if key not in known:
            result = conn.execute(
                _CHANNELS.insert().values(batch_id=batch_id, key=key, name=name, unit=unit)
            )
            inserted = result.inserted_primary_key
            if inserted is None:  # a single-row insert() always reports its primary key
                raise RuntimeError(f"the database reported no id for the new channel {key}")
            known[key] = int(inserted[0])
    return known


def write_points(
    conn: sa.Connection,
    channel_id: int,
    times: np.ndarray,
    values: np.ndarray,
    source: str,
    block_points: int = BLOCK_POINTS,
) -> int:
    """Store the finite points (times in order) as blocks; returns how many were stored."""
    keep = np.isfinite(values) & np.isfinite(times)
    t = np.ascontiguousarray(times[keep], dtype=_F64)
    v = np.ascontiguousarray(values[keep], dtype=_F64)
    if not len(t):
        return 0
    rows = []
    for start in range(0, len(t), block_points):
        tb, vb = t[start : start + block_points], v[start : start + block_points]
        rows.append(
            {
                "channel_id": channel_id,
                "t_first": float(tb[0]),
                "t_last": float(tb[-1]),
                "n": len(tb),
                "t_data": tb.tobytes(),
                "v_data": vb.tobytes(),
                "source": source,
            }
        )
    conn.execute(_BLOCKS.insert(), rows)
    return len(t)


def read_points(
    conn: sa.Connection, channel_id: int, since: float | None = None, until: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """All points of a channel in time order (optionally within [since, until])."""
    b = _BLOCKS.c
    stmt = sa.select(b.t_data, b.v_data).where(b.channel_id == channel_id)
    if since is not None:
        stmt = stmt.where(b.t_last >= since)
    if until is not None:
        stmt = stmt.where(b.t_first <= until)
    rows = conn.execute(stmt.order_by(b.t_first, b.id)).all()
    if not rows:
        return np.empty(0, _F64), np.empty(0, _F64)
    t = np.concatenate([np.frombuffer(r[0], dtype=_F64) for r in rows])
    v = np.concatenate([np.frombuffer(r[1], dtype=_F64) for r in rows])
    if len(rows) > 1 and np.any(np.diff(t) < 0):  # live blocks can interleave with an import
        order = np.argsort(t, kind="stable")
        t, v = t[order], v[order]
    if since is not None or until is not None:
        mask = np.ones(len(t), dtype=bool)
        if since is not None:
            mask &= t >= since
        if until is not None:
            mask &= t <= until
        t, v = t[mask], v[mask]
    return t, v
