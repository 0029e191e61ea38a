"""The labels printed for a batch, as read: every print (kind, serials, stock, format, the
SHA-256 of what was sent to the printer, who and when, and a reprint's reason), and the counts per
kind that reconciliation starts from. The verb that prints is core/services/labels.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from core.models import Batch, LabelPrint, id_of
from core.states import LabelKind
from core.words import LABEL_KIND_WORDS


@dataclass(frozen=True)
class LabelPrintView:
    kind: str  # LabelKind
    kind_words: str
    count: int
    first_serial: int
    last_serial: int
    stock: str
    format: str  # pdf | zpl
    sha256: str
    reason: str | None
    printed_by: str
    printed_at: datetime


@dataclass(frozen=True)
class LabelCount:
    """The labels of one kind printed for the batch: how many, in how many prints."""

    kind: str
    kind_words: str
    printed: int
    prints: int
    last_serial: int


@dataclass(frozen=True)
class LabelRecord:
    lot: str
    counts: tuple[LabelCount, ...]  # one per kind, bag, sample, vial
    prints: tuple[LabelPrintView, ...]  # oldest first

    @property
    def printed(self) -> int:
        """Every label printed for the batch, of every kind."""
        return sum(count.printed for count in self.counts)


def print_views(session: Session, batch_id: int) -> tuple[LabelPrintView, ...]:
    rows = session.exec(
        select(LabelPrint).where(LabelPrint.batch_id == batch_id).order_by(col(LabelPrint.id))
    ).all()
    return tuple(
        LabelPrintView(
            kind=row.kind,
            kind_words=LABEL_KIND_WORDS.get(row.kind, row.kind),
            count=row.count,
            first_serial=row.first_serial,
            last_serial=row.first_serial + row.count - 1,
            stock=row.stock,
            format=row.format,
            sha256=row.sha256,
            reason=row.reason,
            printed_by=row.printed_by,
            printed_at=row.printed_at,
        )
        for row in rows
    )


def label_counts(prints: tuple[LabelPrintView, ...]) -> tuple[LabelCount, ...]:
    counts = []
    for kind in LabelKind:
        mine = [p for p in prints if p.kind == kind]
        counts.append(
            LabelCount(
                kind=kind.value,
                kind_words=LABEL_KIND_WORDS[kind],
                printed=sum(p.count for p in mine),
                prints=len(mine),
                last_serial=max((p.last_serial for p in mine), default=0),
            )
        )
    return tuple(counts)


def label_record(session: Session, batch: Batch) -> LabelRecord:
    prints = print_views(session, id_of(batch))
    return LabelRecord(lot=batch.lot, counts=label_counts(prints), prints=prints)
