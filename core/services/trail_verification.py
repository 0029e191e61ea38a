"""`audit verify` in full: the chain, the state it describes, and the anchors that pin it.

1. The chain: every event's hash recomputed in order (core/audit.py).
2. The state: every sealed row (results, signatures, batches, users, settings, deviations,
   templates and their approvals, keys, reviews, checkpoints, clock incidents, backups) must be
   what the newest seal in the chain says, and every sealed row the chain names must exist.
   An event of an action that always changes state but seals nothing was not written by Lotbook.
3. The anchors: each e-signature and each signed checkpoint names the chain head it was made on
   (sequence number and hash), inside the statement its signer's key signed. The chain must
   still hold that hash at that place: a chain cut below an anchor, or rewritten under it, fails.
   A PDF's printed chain head is checked the same way (``pdf_heads``).
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

import sqlalchemy as sa
from sqlmodel import Session, col, select

from core.audit import ChainReport, ChainWalk, verify_chain
from core.audit_seals import read_row_seals, row_words
from core.i18n import _, ngettext
from core.models import AuditCheckpoint, Signature, SigningKey
from core.records.signature_states import stored_fields
from core.services.checkpoints import checkpoint_statement
from core.signatures import statement_text
from core.store import Database

# Actions whose unit of work always changes a sealed row: such an event without seals is forged.
MUST_SEAL = frozenset(
    {
        "result.record",
        "result.correct",
        "result.justify",
        "signature.sign",
        "batch.start",
        "batch.disposition",
        "batch.status",
        "template.load",
        "template.approve",
        "user.create",
        "user.deactivate",
        "user.unlock",
        "user.lock",
        "user.password_reset",
        "user.password_change",
        "setting.change",
        "deviation.open",
        "deviation.close",
        "deviation.link",
        "excursion.assess",
        "audit_trail.review",
        "audit.checkpoint",
        "clock.incident",
        "clock.clear",
        "equipment.register",
        "equipment.calibration",
        "equipment.qualification",
        "equipment.maintenance",
        "equipment.status",
        "material.define",
        "material_lot.receive",
        "material_lot.decide",
    }
)
MAX_PROBLEMS = 20


@dataclass(frozen=True)
class PdfHead:
    """The chain head a PDF printed: where it came from, and what it claims."""

    source: str
    seq: int
    hash: str


def verify_trail(
    db: Database,
    progress: Callable[[int, int], None] | None = None,
    pdf_heads: Iterable[PdfHead] = (),
) -> ChainReport:
    with db.read() as session:
        if session.get_bind().dialect.name == "postgresql":  # one snapshot for every statement
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        head = _head(session.connection())
        rows = RowSealReader.start(db, head)
        try:
            return _verify(session, progress, tuple(pdf_heads), rows)
        finally:
            rows.join()


class RowSealReader:
    """The row-state half of verify, read on a second connection while the chain is walked.

    Most of its time is the database rendering rows, which runs outside Python's lock, so on two
    cores the two halves overlap. Its answer counts only when its snapshot ends at the same chain
    head as the walk's (every change to a sealed row moves the head); otherwise, or on a database
    a second connection cannot share (in memory), the rows are read again on the walk's session."""

    def __init__(self, head: tuple[int, str] | None) -> None:
        self.head = head
        self.found: dict[str, str] | None = None
        self._thread: threading.Thread | None = None

    @classmethod
    def start(cls, db: Database, head: tuple[int, str] | None) -> RowSealReader:
        reader = cls(head)
        if db.path is not None or db.engine.dialect.name == "postgresql":
            reader._thread = threading.Thread(
                target=reader._read, args=(db,), name="row-seals", daemon=True
            )
            reader._thread.start()
        return reader

    def _read(self, db: Database) -> None:
        try:
            options = {}
            if db.engine.dialect.name == "postgresql":
                options["isolation_level"] = "REPEATABLE READ"
            with db.engine.connect().execution_options(**options) as connection:
                if _head(connection) == self.head:
                    self.found = _row_seals(connection)
                connection.rollback()
        except Exception:  # the walk's session reads them itself, and reports what fails there
            self.found = None

    def join(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def result(self, session: Session) -> dict[str, str]:
        self.join()
        return self.found if self.found is not None else _row_seals(session.connection())


def _head(connection: sa.Connection) -> tuple[int, str] | None:
    row = connection.execute(sa.text("SELECT seq, hash FROM audit_head WHERE id = 1")).first()
    return (int(row[0]), str(row[1])) if row else None


def _row_seals(connection: sa.Connection) -> dict[str, str]:
    cursor = connection.connection.cursor()
    try:
        return read_row_seals(cursor, connection.dialect.name)
    finally:
        cursor.close()


def _verify(
    session: Session,
    progress: Callable[[int, int], None] | None,
    pdf_heads: tuple[PdfHead, ...],
    rows: RowSealReader,
) -> ChainReport:
    signatures = session.exec(select(Signature).where(col(Signature.chain_seq).is_not(None))).all()
    checkpoints = session.exec(select(AuditCheckpoint)).all()
    # the query already keeps only anchored signatures; the test narrows the type
    watch = {s.chain_seq for s in signatures if s.chain_seq is not None}
    watch |= {c.seq for c in checkpoints}
    watch |= {p.seq for p in pdf_heads}
    walk = ChainWalk(seals={}, watch=watch, found={}, unsealed=[], must_seal=MUST_SEAL)
    report = verify_chain(session, progress, walk=walk)
    if not report.intact:
        return report
    problems: list[str] = []
    anchors = _anchor_problems(session, report, walk, signatures, checkpoints, pdf_heads, problems)
    found = rows.result(session)
    _state_problems(found, walk, problems)
    for seq in walk.unsealed[:MAX_PROBLEMS]:
        problems.append(
            _("event {seq} records a change but seals no row: not written by Lotbook").format(
                seq=seq
            )
        )
    if problems:
        more = len(problems) - 1
        reason = problems[0]
        if more:
            reason = ngettext("{problem} (and {n} more)", "{problem} (and {n} more)", more).format(
                problem=reason, n=more
            )
        return replace(
            report,
            intact=False,
            reason=reason,
            state_rows=len(found),
            anchors=anchors,
            problems=tuple(problems[:MAX_PROBLEMS]),
        )
    return replace(report, state_rows=len(found), anchors=anchors)


def _state_problems(found: dict[str, str], walk: ChainWalk, problems: list[str]) -> None:
    """Every sealed row's seal now against the newest the chain holds for it."""
    expected = {k: v for k, v in walk.seals.items() if v is not None}
    if found != expected:  # the usual answer is a single comparison of two dicts
        for key in sorted(found.keys() - expected.keys()):
            _add(
                problems,
                _("{row} is not in the audit trail (added outside Lotbook)").format(
                    row=row_words(key)
                ),
            )
        for key in sorted(expected.keys() - found.keys()):
            _add(
                problems,
                _("{row} is sealed in the audit trail but missing (removed)").format(
                    row=row_words(key)
                ),
            )
        for key in sorted(k for k in found.keys() & expected.keys() if found[k] != expected[k]):
            _add(
                problems,
                _("{row} differs from what the audit trail sealed (changed)").format(
                    row=row_words(key)
                ),
            )


def _anchor_problems(
    session: Session,
    report: ChainReport,
    walk: ChainWalk,
    signatures: Sequence[Signature],
    checkpoints: Sequence[AuditCheckpoint],
    pdf_heads: tuple[PdfHead, ...],
    problems: list[str],
) -> int:
    from core.crypto.statements import verify_statement

    certs = {k.id: k.cert_pem for k in session.exec(select(SigningKey)).all()}
    held = 0

    def holds(what: str, seq: int, digest: str) -> bool:
        if seq > report.events:
            _add(
                problems,
                _("{what} was made on event {seq}, beyond the trail's end (cut)").format(
                    what=what, seq=seq
                ),
            )
            return False
        if walk.found.get(seq, "") != digest:
            _add(
                problems,
                _("{what} was made on a chain that no longer holds event {seq} as seen").format(
                    what=what, seq=seq
                ),
            )
            return False
        return True

    for sig in signatures:
        what = _("signature {id} ({lot} {meaning})").format(
            id=sig.id, lot=sig.lot, meaning=sig.meaning
        )
        cert = certs.get(sig.signing_key_id)
        if statement_text(stored_fields(sig)) != sig.statement or not _signed(
            verify_statement, cert, sig.statement, sig.crypto_signature
        ):
            _add(problems, f"{what} does not verify against its signer's key")
        elif holds(what, sig.chain_seq or 0, sig.chain_hash or ""):
            held += 1
    for cp in checkpoints:
        what = _("checkpoint {id} ({purpose}, by {signer})").format(
            id=cp.id, purpose=cp.purpose, signer=cp.signer
        )
        cert = certs.get(cp.signing_key_id)
        if checkpoint_statement(cp) != cp.statement or not _signed(
            verify_statement, cert, cp.statement, cp.crypto_signature
        ):
            _add(problems, f"{what} does not verify against its signer's key")
        elif holds(what, cp.seq, cp.hash):
            held += 1
    for pdf in pdf_heads:
        if holds(_("the PDF {source}").format(source=pdf.source), pdf.seq, pdf.hash):
            held += 1
    return held


def _signed(verify, cert: str | None, statement: str, signature: str) -> bool:
    if not cert:
        return False
    try:
        raw = base64.b64decode(signature, validate=True)
    except ValueError:
        return False
    return verify(cert.encode("ascii"), statement.encode("utf-8"), raw)


def _add(problems: list[str], text: str) -> None:
    if len(problems) < MAX_PROBLEMS * 5:
        problems.append(text)


def event_hash(db: Database, seq: int) -> str | None:
    """The hash the chain holds at ``seq`` (None beyond its end)."""
    with db.read() as session:
        return (
            session.connection()
            .execute(sa.text("SELECT hash FROM audit_event WHERE seq = :seq"), {"seq": seq})
            .scalar_one_or_none()
        )


def pdf_head(pdf: bytes, source: str) -> PdfHead | None:
    """The chain head a Lotbook batch PDF printed (None when it carries none)."""
    from core.reports.embedded import EMBEDDED_NAME
    from core.reports.verify_pdf import embedded_files

    try:
        data = json.loads(embedded_files(pdf)[EMBEDDED_NAME])
        head = data["audit_chain_head"]
        return PdfHead(source, int(head["seq"]), str(head["hash"]))
    except (KeyError, TypeError, ValueError):
        return None
    except Exception:  # an unreadable PDF has no head to check; verify-pdf says why it fails
        return None


def pdf_head_problem(db: Database, head: PdfHead | None) -> str | None:
    """Why the database's chain no longer holds the head a PDF printed; None when it does."""
    if head is None:
        return _("the PDF names no audit chain head to check against the database")
    found = event_hash(db, head.seq)
    if found is None:
        return _(
            "the PDF was made on audit event {seq}, which the database's trail no longer holds "
            "(cut or another database)"
        ).format(seq=head.seq)
    if found != head.hash:
        return _(
            "the PDF was made on a chain whose event {seq} had hash {printed}…; the database's "
            "trail holds {found}… there (rewritten or another database)"
        ).format(seq=head.seq, printed=head.hash[:16], found=found[:16])
    return None
