"""Printing a batch's bag, sample and vial labels, to a PDF (a page per label, sized for the
label stock) or to ZPL for a Zebra-class printer; each print is kept (``label_print``: kind,
serials, stock, format, the SHA-256 of the file written) and audited ("label.print").

Serials run per batch and kind: a print continues where the last one of its kind ended, and a
reprint (labels of that kind already printed) says why. The expiry is a real date, not before the
site's today; the storage condition is given. Labels are printed while the batch is in progress
or on hold.

A template check that declares ``counts = "labels"`` is written here, never typed (a person's
entry is refused, core/services/label_counts.py): in the same unit of work as the print, it is
recorded with the batch's total printed (first print) or corrected to it (later prints), through
the recording rules (core/services/recording.py ``enter_in``), so a ``label_balance`` check
computed from it (printed − used − destroyed) is recalculated, and judged, at once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from core import outputs
from core.auth import Actor, Permission
from core.errors import Conflict, DomainError, InvalidValue
from core.i18n import N_, _, first_upper, ngettext
from core.labels.content import label_run
from core.labels.pdf import render_pdf
from core.labels.stock import LabelStock, stock_named
from core.labels.zpl import DPI_CHOICES, render_zpl
from core.models import LabelPrint, id_of
from core.models.batches import TAKES_RESULTS
from core.readmodels import CheckView
from core.records.accounts import acting_user, check_account
from core.records.batch_record import batch_template, load_batch
from core.records.labels import LabelPrintView, LabelRecord, label_record, print_views
from core.records.result_rows import BatchRow, account_and_batch, no_batch, template_of, versions
from core.services.equipment_inputs import required_day
from core.services.label_counts import COUNTED_SOURCE
from core.services.point_of_use import site_today
from core.services.recording import enter_in
from core.services.result_writes import Entry, Written
from core.services.review import site_zone
from core.states import EntryKind, LabelKind
from core.store import Database, UnitOfWork
from core.templates.model import TemplateDef
from core.text_rules import REASON, TextKind, clean_text, optional_text
from core.words import LABEL_KIND_WORDS

MAX_COUNT = 500  # labels in one print
FORMATS = ("pdf", "zpl")
STORAGE = TextKind(N_("storage condition"), 200)
_SUFFIX = {"pdf": ".pdf", "zpl": ".zpl"}


@dataclass(frozen=True)
class PrintOutcome:
    lot: str
    kind: str  # LabelKind
    kind_words: str
    count: int
    first_serial: int
    last_serial: int
    stock: str
    stock_words: str
    format: str
    path: Path
    sha256: str
    size: int
    printed: int  # every label printed for the batch now, of every kind
    counted: tuple[CheckView, ...] = ()  # the checks that count them and what they derive
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Order:
    """A print as asked for, its inputs checked."""

    kind: LabelKind
    count: int
    stock: LabelStock
    format: str
    expiry: date
    storage: str
    reason: str | None
    dpi: int


def label_kind(value: str | LabelKind) -> LabelKind:
    try:
        return LabelKind((value or "").strip().lower())
    except ValueError:
        kinds = ", ".join(k.value for k in LabelKind)
        raise InvalidValue(
            _("'{value}' is not a kind of label: use {kinds}.").format(value=value, kinds=kinds)
        ) from None


def labels_printed(db: Database, lot: str) -> LabelRecord:
    """What was printed for the batch: the counts per kind and every print."""
    with db.read() as session:
        return label_record(session, load_batch(session, lot))


def print_labels(
    db: Database,
    actor: Actor,
    lot: str,
    kind: str | LabelKind,
    count: int,
    stock: str,
    out_path: Path | str,
    *,
    fmt: str = "pdf",
    expiry: str | date,
    storage: str,
    reason: str | None = None,
    force: bool = False,
    dpi: int = 203,
) -> PrintOutcome:
    """Print ``count`` labels of ``kind`` for ``lot`` on ``stock`` to ``out_path`` (a .pdf, or a
    .zpl with ``fmt="zpl"`` for a printer of ``dpi``); ``force`` replaces an existing file (never
    a database, folder or device: core/outputs)."""
    order = _order(kind, count, stock, fmt, expiry, storage, reason, dpi)
    path = Path(out_path)
    outputs.check_target(path, force=force)  # before the work; checked again when written
    if path.suffix.lower() != _SUFFIX[order.format]:
        raise DomainError(
            _("Give the {format} file a {suffix} name, not '{name}'.").format(
                format=order.format.upper(), suffix=_SUFFIX[order.format], name=path.name
            )
        )
    with db.read() as session:
        acting_user(session, actor, Permission.RECORD)
        batch = load_batch(session, lot)
        _version, tdef = batch_template(session, batch)
        today = db.clock.now().astimezone(site_zone(session)).date()
        first = _first_serial(
            batch.lot, batch.status, print_views(session, id_of(batch)), order, today
        )
        labels = label_run(
            kind=order.kind,
            lot=batch.lot,
            coi=batch.coi_id,
            product=tdef.title,
            product_key=tdef.key,
            autologous=tdef.autologous,
            first_serial=first,
            count=order.count,
            expiry=order.expiry,
            storage=order.storage,
        )
    if order.format == "pdf":
        data = render_pdf(labels, order.stock)
    else:
        data = render_zpl(labels, order.stock, dpi=order.dpi)
    digest = hashlib.sha256(data).hexdigest()
    with outputs.output_file(path, force=force) as partial:
        partial.write_bytes(data)
        with db.unit_of_work(actor.username) as uow:
            row, tdef, prints = _batch_in(uow, actor, lot)
            if _first_serial(row.lot, row.status, prints, order, site_today(uow)) != first:
                raise Conflict(
                    first_upper(
                        _(
                            "{kind} labels were printed for lot "
                            "{lot} meanwhile; nothing was written. Print again: the serials "
                            "continue after theirs."
                        ).format(kind=LABEL_KIND_WORDS[order.kind], lot=row.lot)
                    )
                )
            kept = LabelPrint(
                batch_id=row.id,
                kind=order.kind.value,
                count=order.count,
                first_serial=first,
                stock=order.stock.name,
                format=order.format,
                sha256=digest,
                reason=order.reason,
                printed_by=actor.username,
                printed_at=uow.now,
            )
            uow.session.add(kept)
            uow.flush()
            last = first + order.count - 1
            uow.audit(
                "label.print",
                "label_print",
                str(kept.id),
                lot=row.lot,
                new={
                    "kind": order.kind.value,
                    "count": order.count,
                    "serials": [first, last],
                    "stock": order.stock.name,
                    "format": order.format,
                    **({"dpi": order.dpi} if order.format == "zpl" else {}),
                    "expiry": order.expiry.isoformat(),
                    "storage": order.storage,
                    "file": path.name,
                    "sha256": digest,
                },
                reason=order.reason,
            )
            printed = sum(p.count for p in prints) + order.count
            counted, notes = _count_printed(uow, actor, row, tdef, printed, order)
    return PrintOutcome(
        lot=row.lot,
        kind=order.kind.value,
        kind_words=LABEL_KIND_WORDS[order.kind],
        count=order.count,
        first_serial=first,
        last_serial=last,
        stock=order.stock.name,
        stock_words=f"{order.stock.words} ({order.stock.size_text})",
        format=order.format,
        path=path,
        sha256=digest,
        size=len(data),
        printed=printed,
        counted=counted,
        notes=notes,
    )


def _order(
    kind: str | LabelKind,
    count: int,
    stock: str,
    fmt: str,
    expiry: str | date,
    storage: str,
    reason: str | None,
    dpi: int,
) -> _Order:
    what = label_kind(kind)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
        raise InvalidValue(
            _("Print 1 to {most} labels at a time, not {count}.").format(
                most=MAX_COUNT, count=count
            )
        )
    form = (fmt or "").strip().lower()
    if form not in FORMATS:
        raise InvalidValue(_("'{fmt}' is not a label format: use pdf or zpl.").format(fmt=fmt))
    if form == "zpl" and dpi not in DPI_CHOICES:
        shown = ", ".join(map(str, DPI_CHOICES))
        raise InvalidValue(
            _("A ZPL printer prints at {choices} dpi, not {dpi}.").format(choices=shown, dpi=dpi)
        )
    if not (storage or "").strip():
        raise InvalidValue(
            _("Give the storage condition the labels state, e.g. '≤ −150 °C, vapour-phase LN2'."),
            cli_hint=_("Add --storage TEXT."),
        )
    return _Order(
        kind=what,
        count=count,
        stock=stock_named(stock),
        format=form,
        expiry=required_day(expiry, _("expiry date on the labels")),
        storage=clean_text(storage, STORAGE),
        reason=optional_text(reason, REASON),
        dpi=dpi,
    )


def _first_serial(
    lot: str, status: str, prints: tuple[LabelPrintView, ...], order: _Order, today: date
) -> int:
    """The first serial of the print, once the batch, the expiry and a reprint's reason allow it."""
    if status not in TAKES_RESULTS:
        raise Conflict(
            _(
                "Lot {lot} is {status}: labels are printed while a batch is in progress or on hold."
            ).format(lot=lot, status=status.replace("_", " "))
        )
    if order.expiry < today:
        raise InvalidValue(
            _(
                "The expiry date {expiry} is in the past (the site's today is "
                "{today}): give the product's expiry date."
            ).format(expiry=order.expiry.isoformat(), today=today.isoformat())
        )
    earlier = [p for p in prints if p.kind == order.kind]
    if earlier and not order.reason:
        words = LABEL_KIND_WORDS[order.kind]
        done = sum(p.count for p in earlier)
        last = max(p.last_serial for p in earlier)
        # the same English for one and many (as ever); the catalogue gives each language its forms
        raise DomainError(
            ngettext(
                "{n} {kind} labels were already printed for lot {lot} (serials 1–{last}): say "
                "why more are printed (e.g. 'label torn at filling, replaced').",
                "{n} {kind} labels were already printed for lot {lot} (serials 1–{last}): say "
                "why more are printed (e.g. 'label torn at filling, replaced').",
                done,
            ).format(n=done, kind=words, lot=lot, last=last),
            cli_hint=_("Add --reason TEXT."),
        )
    return max((p.last_serial for p in earlier), default=0) + 1


def _batch_in(
    uow: UnitOfWork, actor: Actor, lot: str
) -> tuple[BatchRow, TemplateDef, tuple[LabelPrintView, ...]]:
    account, row = account_and_batch(uow.connection, actor.username, lot)
    check_account(account, actor, Permission.RECORD)
    if row is None:
        raise no_batch(lot)
    return row, template_of(uow.connection, row), print_views(uow.session, row.id)


def _count_printed(
    uow: UnitOfWork,
    actor: Actor,
    batch: BatchRow,
    tdef: TemplateDef,
    printed: int,
    order: _Order,
) -> tuple[tuple[CheckView, ...], tuple[str, ...]]:
    """Record (first print) or correct (later prints) every check that counts labels to the
    batch's total printed, inside the print's unit of work; an out-of-spec value it derives (a
    label balance) is held for its justification, not refused."""
    views: list[CheckView] = []
    notes: list[str] = []
    for check in (c for c in tdef.checks() if c.counts == "labels"):
        history = versions(uow.connection, batch.id, [check.id]).get(check.id)
        # stored (the correction's reason): in the source words, whatever the reader's language
        why = f"{order.count} more labels printed: " + (
            order.reason or f"first {LABEL_KIND_WORDS.raw[order.kind]} labels"
        )
        how = Entry(
            EntryKind.CORRECTION if history else EntryKind.ENTRY,
            Permission.RECORD,
            why if history else None,
            COUNTED_SOURCE,
        )
        written = Written(None, None, True, COUNTED_SOURCE)
        outcome = enter_in(
            uow, actor, batch, tdef, check, str(printed), how, written, decimal_mark="point"
        )
        if isinstance(outcome, DomainError):  # a number check is never a scan or a use
            raise outcome
        views += [outcome.entry, *outcome.derived]
        notes += outcome.notes
    for view in views:
        if view.current is not None and not view.current.final:
            notes.append(
                _(
                    "{check} {name} is {value}, out of specification "
                    "({rule}): it waits for a comment or deviation."
                ).format(
                    check=view.id,
                    name=view.name,
                    value=view.current.display,
                    rule=view.current.shown_rule,
                )
            )
    return tuple(views), tuple(notes)
