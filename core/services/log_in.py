"""Logging in: the password checked (core/services/users.py), then the day's first checkpoint of
the audit chain signed with the user's key while their password is at hand."""

from __future__ import annotations

import logging

from core.auth import Actor
from core.errors import DomainError
from core.services.checkpoints import daily_checkpoint
from core.services.users import authenticate
from core.store import Database

log = logging.getLogger("lotbook.log_in")


def log_in(db: Database, username: str, password: str, *, allow_initial: bool = False) -> Actor:
    actor = authenticate(db, username, password, allow_initial=allow_initial)
    try:
        daily_checkpoint(db, actor.username, password)
    except DomainError as error:  # a checkpoint that cannot be signed never refuses the log-in
        log.info("no daily checkpoint at the log-in of %s: %s", actor.username, error)
    return actor
