"""The custody trail of an autologous batch as read: each hand-off of the patient's material in
the order it happened (who, when, where, container, temperature logger, the e-signature and
whether it still verifies), measured against the template's custody plan — which expected
hand-offs are done, which are missing, and whether the trail is complete.

Written by core/services/custody.py (rows of ``custody_event``, append-only). A signed event's
statement is rebuilt here from the row (``statement_fields``) and must say exactly that, and
verify with the signer's own certificate, issued by the site's CA and valid when it was signed.
"""

from __future__ import annotations

import base64
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from core.auth.policy import read_policy
from core.clock import local_zone_name, utc_iso
from core.i18n import N_, _
from core.models import Batch, CustodyEvent, SigningKey, SiteAuthority, id_of
from core.records.accounts import full_names
from core.records.batch_record import batch_template, load_batch
from core.signed_reading import read_of, words_read
from core.states import CUSTODY_AFTER_RELEASE, CustodyKind
from core.templates.custody import REPEATABLE, CustodyPlan
from core.words import CUSTODY_KIND_WORDS

STATEMENT_KIND = "custody_event"
# What the recorder's e-signature means (21 CFR 11.50). Part of every signed statement: changing
# these words would make the statements signed before no longer verify. The recorder reads it in
# their language; those words and the language are kept in the statement too ("read").
MEANING = N_("I handed over or received this material as recorded (chain of custody)")


@dataclass(frozen=True)
class CustodyEventView:
    """One hand-off as recorded, with its place in the plan."""

    id: int
    kind: str  # CustodyKind
    words: str  # the kind in words ("received at manufacturing")
    occurred_at: datetime  # UTC
    location: str
    container_id: str | None
    logger_id: str | None
    temperature: str | None
    coi_scanned: str
    note: str | None
    recorded_by: str
    recorded_by_name: str
    recorded_at: datetime
    signer_name: str | None  # printed name, when e-signed
    certificate_serial: str | None
    signed: bool
    signature_valid: bool  # signed, bound to this row, verifies with the signer's certificate
    signature_required: bool  # the plan asks the recorder's e-signature for this kind
    out_of_order: bool  # its kind comes before a kind already recorded, in the plan's order
    repeated: bool  # a second event of a kind that happens once (collected, infused …)
    in_plan: bool  # the plan expects this kind (always True for a free trail)


@dataclass(frozen=True)
class ExpectedEvent:
    """One hand-off the plan expects; ``number`` of ``of`` for a kind expected more than once."""

    kind: str  # CustodyKind
    words: str
    number: int
    of: int
    done: bool
    signature_required: bool

    @property
    def label(self) -> str:
        if self.of > 1:
            return _("{kind} ({number} of {of})").format(
                kind=self.words, number=self.number, of=self.of
            )
        return self.words


@dataclass(frozen=True)
class CustodyTrail:
    lot: str
    coi_id: str | None
    autologous: bool
    planned: bool  # the template has a custody plan (else a free trail: nothing expected)
    events: tuple[CustodyEventView, ...]  # in the order they happened
    expected: tuple[ExpectedEvent, ...]  # in the plan's order
    sign: tuple[str, ...]  # the kinds whose recorder e-signs, in the plan's order
    time_zone: str = "UTC"  # the site's: hand-off times are typed in it (IANA name)

    @property
    def missing(self) -> tuple[ExpectedEvent, ...]:
        return tuple(e for e in self.expected if not e.done)

    @property
    def missing_before_release(self) -> tuple[ExpectedEvent, ...]:
        """Expected hand-offs not recorded that come before QA's release (all but the finished
        product's shipping, receipt, thaw and infusion)."""
        return tuple(e for e in self.missing if e.kind not in CUSTODY_AFTER_RELEASE)

    @property
    def done(self) -> tuple[ExpectedEvent, ...]:
        return tuple(e for e in self.expected if e.done)

    @property
    def signatures_not_valid(self) -> tuple[CustodyEventView, ...]:
        """Events whose kind needs the recorder's e-signature and whose signature does not hold."""
        return tuple(e for e in self.events if e.signature_required and not e.signature_valid)

    @property
    def out_of_order(self) -> tuple[CustodyEventView, ...]:
        return tuple(e for e in self.events if e.out_of_order)

    @property
    def complete(self) -> bool:
        """Every expected hand-off recorded and every required e-signature valid."""
        return self.planned and not self.missing and not self.signatures_not_valid

    def status_text(self) -> str:
        """COMPLETE, or INCOMPLETE with what is missing, in words (screen, CLI, PDF)."""
        if not self.autologous:
            return _("Lot {lot} is not autologous: no custody trail is kept.").format(lot=self.lot)
        if not self.planned:
            return _(
                "No custody plan: the template expects no hand-offs, and the events are kept as "
                "recorded ({n} so far)."
            ).format(n=len(self.events))
        if self.complete:
            return _(
                "COMPLETE: all {n} expected hand-offs recorded, every required e-signature valid."
            ).format(n=len(self.expected))
        missing = ", ".join(e.label for e in self.missing)
        not_valid = ", ".join(e.words for e in self.signatures_not_valid)
        if self.missing and self.signatures_not_valid:
            return _("INCOMPLETE: missing {missing}; e-signature not valid: {not_valid}.").format(
                missing=missing, not_valid=not_valid
            )
        if self.missing:
            return _("INCOMPLETE: missing {missing}.").format(missing=missing)
        return _("INCOMPLETE: e-signature not valid: {not_valid}.").format(not_valid=not_valid)


def statement_fields(
    row: CustodyEvent, lot: str, coi_id: str | None, read: dict[str, Any] | None = None
) -> dict[str, Any]:
    """What a signed event's statement says, from the stored row and its batch; ``read``: the
    meaning as the recorder read it ({"language", "text"}), kept since issue 16."""
    extra = {} if read is None else {"read": read}
    return {
        **extra,
        "v": 1,
        "statement": STATEMENT_KIND,
        "meaning": MEANING,
        "lot": lot,
        "coi": coi_id,
        "coi_scanned": row.coi_scanned,
        "event": row.kind,
        "occurred_at": utc_iso(row.occurred_at),
        "location": row.location,
        "container": row.container_id,
        "logger": row.logger_id,
        "temperature": row.temperature,
        "note": row.note,
        "recorder": row.recorded_by,
        "printed_name": row.signer_name,
        "signed_at": utc_iso(row.recorded_at),
        "certificate_serial": row.certificate_serial,
    }


def custody_trail(session: Session, lot: str) -> CustodyTrail:
    batch = load_batch(session, lot)
    _row, tdef = batch_template(session, batch)
    return build_trail(session, batch, tdef.custody, tdef.autologous)


def build_trail(
    session: Session, batch: Batch, plan: CustodyPlan, autologous: bool
) -> CustodyTrail:
    rows = session.exec(
        select(CustodyEvent)
        .where(CustodyEvent.batch_id == id_of(batch))
        .order_by(col(CustodyEvent.occurred_at), col(CustodyEvent.id))
    ).all()
    valid = _valid_signatures(session, batch, rows)
    names = full_names(session) if rows else {}
    events = _placed(rows, plan, valid, names)
    recorded = Counter(e.kind for e in events)
    expected = []
    seen: Counter[str] = Counter()
    for kind in plan.events:
        seen[kind] += 1
        expected.append(
            ExpectedEvent(
                kind=kind.value,
                words=CUSTODY_KIND_WORDS[kind],
                number=seen[kind],
                of=plan.expected_count(kind),
                done=recorded[kind] >= seen[kind],
                signature_required=plan.needs_signature(kind),
            )
        )
    return CustodyTrail(
        lot=batch.lot,
        coi_id=batch.coi_id,
        autologous=autologous,
        planned=not plan.empty,
        events=events,
        expected=tuple(expected),
        sign=tuple(k.value for k in plan.kinds() if plan.needs_signature(k)),
        time_zone=read_policy(session).time_zone or local_zone_name(),
    )


def _placed(
    rows: Sequence[CustodyEvent], plan: CustodyPlan, valid: set[int], names: dict[str, str]
) -> tuple[CustodyEventView, ...]:
    """Each event with its place in the plan: the n-th event of a kind fills the n-th place the
    plan gives that kind (the last one, beyond them); an event whose place comes before the
    furthest place reached so far is out of order."""
    places: dict[str, list[int]] = {}
    for index, planned in enumerate(plan.events):
        places.setdefault(planned.value, []).append(index)
    count: Counter[str] = Counter()
    furthest = -1
    out = []
    for row in rows:
        count[row.kind] += 1
        spots = places.get(row.kind)
        out_of_order = False
        if spots:
            place = spots[min(count[row.kind], len(spots)) - 1]
            out_of_order = place < furthest
            furthest = max(furthest, place)
        kind = _kind(row.kind)
        out.append(
            CustodyEventView(
                id=id_of(row),
                kind=row.kind,
                words=CUSTODY_KIND_WORDS.get(kind, row.kind) if kind else row.kind,
                occurred_at=row.occurred_at,
                location=row.location,
                container_id=row.container_id,
                logger_id=row.logger_id,
                temperature=row.temperature,
                coi_scanned=row.coi_scanned,
                note=row.note,
                recorded_by=row.recorded_by,
                recorded_by_name=names.get(row.recorded_by, row.recorded_by),
                recorded_at=row.recorded_at,
                signer_name=row.signer_name,
                certificate_serial=row.certificate_serial,
                signed=row.crypto_signature is not None,
                signature_valid=id_of(row) in valid,
                signature_required=plan.needs_signature(row.kind),
                out_of_order=out_of_order,
                repeated=count[row.kind] > 1 and kind not in REPEATABLE,
                in_plan=plan.empty or spots is not None,
            )
        )
    return tuple(out)


def _kind(value: str) -> CustodyKind | None:
    try:
        return CustodyKind(value)
    except ValueError:  # a kind only a later Lotbook knows
        return None


def _valid_signatures(session: Session, batch: Batch, rows: Sequence[CustodyEvent]) -> set[int]:
    """The ids of the signed rows whose statement binds the row and verifies with the recorder's
    own certificate, issued by the site's CA and valid when it was signed."""
    signed = [r for r in rows if r.crypto_signature and r.statement and r.certificate_serial]
    if not signed:
        return set()
    # imported here: a trail without signatures never loads the crypto library
    from core.crypto.statements import check_certificate, verify_statement

    authority = session.exec(select(SiteAuthority).order_by(col(SiteAuthority.id))).first()
    if authority is None:
        return set()
    serials = {r.certificate_serial for r in signed}
    keys = {
        k.serial_hex: k
        for k in session.exec(select(SigningKey).where(col(SigningKey.serial_hex).in_(serials)))
        if k.cert_pem
    }
    valid = set()
    for row in signed:
        key = keys.get(row.certificate_serial)
        if key is None or key.username != row.recorded_by or key.cert_pem is None:
            continue
        cert = key.cert_pem.encode("ascii")
        if (
            _binds(
                row.statement or "",
                statement_fields(row, batch.lot, batch.coi_id, read_of(row.statement)),
            )
            and check_certificate(cert, authority.cert_pem.encode("ascii"), row.recorded_at) is None
            and _verifies(verify_statement, cert, row.statement or "", row.crypto_signature or "")
        ):
            valid.add(id_of(row))
    return valid


def read_meaning(statement: str | None) -> tuple[str, str]:
    """The meaning as the recorder read it and its language (English before it was kept)."""
    return words_read(statement, MEANING)


def _binds(statement: str, expected: dict[str, Any]) -> bool:
    try:
        said = json.loads(statement)
    except ValueError:
        return False
    return said == expected


def _verifies(verify, cert: bytes, statement: str, signature: str) -> bool:
    try:
        raw = base64.b64decode(signature, validate=True)
    except ValueError:
        return False
    return bool(verify(cert, statement.encode("utf-8"), raw))
