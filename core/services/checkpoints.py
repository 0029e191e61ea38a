"""Signed checkpoints of the audit chain's head.

A checkpoint is a statement "the chain held event N with hash H at time T", signed with the key
of a person whose certificate the site CA issued. One is written at the first log-in of each UTC
day by a user who can sign, on every backup, and on request (`audit checkpoint`). `audit verify`
checks every checkpoint: a chain cut below one, or rewritten under it, no longer holds what was
signed, and a checkpoint forged into the table does not verify against any key.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime, time

from sqlmodel import Session, col, select

from core.auth import Actor
from core.clock import utc_iso
from core.errors import DomainError
from core.i18n import _
from core.models import AuditCheckpoint, id_of
from core.signatures import canonical
from core.store import Database
from core.store.database import UnitOfWork

STATEMENT_KIND = "audit_checkpoint"
PURPOSES = ("daily", "backup", "request")


@dataclass(frozen=True)
class CheckpointView:
    id: int
    seq: int
    hash: str
    at: datetime
    purpose: str
    signer: str
    certificate_serial: str


def checkpoint_statement(row: AuditCheckpoint) -> str:
    return canonical(
        {
            "v": 1,
            "kind": STATEMENT_KIND,
            "seq": row.seq,
            "hash": row.hash,
            "at": utc_iso(row.at),
            "purpose": row.purpose,
            "signer": row.signer,
            "certificate_serial": row.certificate_serial,
        }
    )


def write_checkpoint(
    db: Database,
    actor: Actor,
    password: str,
    purpose: str = "request",
    *,
    reauthenticate: bool = True,
) -> CheckpointView:
    """Sign the chain's current head with ``actor``'s key (their password unlocks it).
    ``reauthenticate=False``: the caller has just checked the password itself (a backup)."""
    if purpose not in PURPOSES:
        raise DomainError(
            _("'{purpose}' is not a checkpoint purpose ({purposes}).").format(
                purpose=purpose, purposes=", ".join(PURPOSES)
            )
        )
    from core.services import signing_keys
    from core.services.users import authenticate

    if reauthenticate:
        authenticate(db, actor.username, password)  # a wrong password counts towards lockout
    with db.unit_of_work(actor.username) as uow:
        key_row, private_key = signing_keys.unlock(uow.session, actor.username, password)
        return _write(uow, actor.username, key_row, private_key, purpose)


def daily_checkpoint(db: Database, username: str, password: str) -> CheckpointView | None:
    """The day's first checkpoint, at a log-in, when none was written today (UTC) and the user
    holds an issued signing key; None otherwise. Never refuses the log-in."""
    from core.services import signing_keys

    midnight = datetime.combine(db.clock.now().date(), time.min, tzinfo=db.clock.now().tzinfo)
    with db.read() as session:
        if _since(session, midnight):
            return None
        key = signing_keys.active_key(session, username)
        if key is None or key.cert_pem is None:
            return None
    with db.unit_of_work(username) as uow:
        if _since(uow.session, midnight):  # another workstation was quicker
            return None
        key_row, private_key = signing_keys.unlock(uow.session, username, password)
        return _write(uow, username, key_row, private_key, "daily")


def checkpoints(db: Database) -> list[CheckpointView]:
    with db.read() as session:
        rows = session.exec(select(AuditCheckpoint).order_by(col(AuditCheckpoint.id))).all()
        return [_view(r) for r in rows]


def _since(session: Session, moment: datetime) -> bool:
    found = session.exec(
        select(AuditCheckpoint.id).where(AuditCheckpoint.at >= moment).limit(1)
    ).first()
    return found is not None


def _write(uow: UnitOfWork, username: str, key_row, private_key, purpose: str) -> CheckpointView:
    from core.crypto.statements import sign_statement

    seq, digest = uow.start_head
    row = AuditCheckpoint(
        seq=seq,
        hash=digest,
        at=uow.now,
        purpose=purpose,
        signer=username,
        statement="",
        crypto_signature="",
        signing_key_id=key_row.id,
        certificate_serial=key_row.serial_hex or "",
    )
    row.statement = checkpoint_statement(row)
    row.crypto_signature = base64.b64encode(
        sign_statement(private_key, row.statement.encode("utf-8"))
    ).decode("ascii")
    uow.session.add(row)
    uow.flush()
    uow.audit(
        "audit.checkpoint",
        "audit_checkpoint",
        str(row.id),
        new={"seq": seq, "hash": digest, "purpose": purpose, "certificate": row.certificate_serial},
    )
    return _view(row)


def _view(row: AuditCheckpoint) -> CheckpointView:
    return CheckpointView(
        id_of(row), row.seq, row.hash, row.at, row.purpose, row.signer, row.certificate_serial
    )
