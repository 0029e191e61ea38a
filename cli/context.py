"""What every command needs: the database it names, and the acting user, authenticated."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cli import credentials
from core.auth import Actor
from core.paths import resolve_db_url
from core.services.log_in import log_in
from core.services.site import open_site

if TYPE_CHECKING:
    from core.store import Database


def db_url(args, *, demo: bool = False) -> str:
    """--db wins, then LOTBOOK_DB, then the default file (the demo file for demo commands)."""
    return resolve_db_url(getattr(args, "db", None), demo=demo)


def open_db(args) -> Database:
    from core.number_display import set_site_mark
    from core.services.language import site_reading

    db = open_site(db_url(args))
    set_site_mark(site_reading(db)[1])  # numbers are shown with the site's decimal mark
    return db


def acting(db: Database, args, *, allow_initial: bool = False) -> Actor:
    return log_in(db, args.user, credentials.password(args), allow_initial=allow_initial)
