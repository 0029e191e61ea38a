"""An account as it is now, checked inside the caller's transaction: still active, not locked,
its role as stored and the permission granted."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, select

from core.auth import Actor, Permission, require
from core.errors import PermissionDenied
from core.i18n import N_
from core.models import User, table_of

_u = table_of(User).c
_ACCOUNT = sa.select(_u.active, _u.locked, _u.role).where(_u.username == sa.bindparam("username"))


def acting_user(
    where: Session | sa.Connection, actor: Actor, permission: Permission | None = None
) -> str:
    """Check the actor's account as it is now (still active, not locked, role as stored, the
    permission granted) inside the caller's transaction; returns the stored role."""
    conn = where.connection() if isinstance(where, Session) else where
    row = conn.execute(_ACCOUNT, {"username": actor.username}).first()
    return check_account(row, actor, permission)


def check_account(row: sa.Row | None, actor: Actor, permission: Permission | None) -> str:
    """The rules of ``acting_user`` on an account row (active, locked, role) already read."""
    if row is None or not row.active:
        raise PermissionDenied.said(
            N_("The account '{user}' is no longer active."),
            keyword={"username": actor.username},
            user=actor.username,
        )
    if row.locked:
        raise PermissionDenied.said(
            N_("The account '{user}' is locked. Ask an administrator."),
            keyword={"username": actor.username},
            user=actor.username,
        )
    if permission is not None:
        require(row.role, permission, actor.username)
    return row.role


def full_names(session: Session) -> dict[str, str]:
    """Every user's full name by username (as signatures and records print them)."""
    return {u.username: u.full_name for u in session.exec(select(User)).all()}
