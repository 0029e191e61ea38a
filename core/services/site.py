"""Creating a site database (schema, first administrator, the built-in process templates) and
opening one: the fronts reach the database through here, never through core/store."""

from __future__ import annotations

from pathlib import Path

from core.auth.passwords import check_new_password
from core.clock import Clock
from core.errors import DomainError
from core.fields import Field, about
from core.i18n import _
from core.paths import sqlite_path
from core.services.settings import check_time_zone, record_time_zone
from core.services.signing_keys import create_site_authority
from core.services.templates import install_builtin_templates
from core.services.usernames import typed_username
from core.services.users import USERNAME, create_first_admin
from core.store import Database, open_database
from core.store.migrate import head_revision
from core.version import app_version


def init_site(
    url: str,
    admin_username: str,
    admin_full_name: str,
    password: str,
    clock: Clock | None = None,
    time_zone: str | None = None,
) -> Database:
    """Create a new database at ``url`` with its first admin, the site CA and (when given) the
    site's time zone; nothing is left behind on failure."""
    username = typed_username(admin_username)
    if not USERNAME.match(username):
        raise DomainError(
            _(
                "'{username}' cannot be a username: 2–32 lower-case letters, digits, '.', '_' "
                "or '-', starting with a letter."
            ).format(username=admin_username),
            field=Field.USERNAME,
        )
    with about(Field.PASSWORD):
        check_new_password(password, username)
    if time_zone:
        time_zone = check_time_zone(time_zone)
    db = open_database(url, create=True, clock=clock)
    try:
        with db.unit_of_work(username) as uow:
            uow.audit(
                "site.create",
                "site",
                db.display_name,
                new={"schema": head_revision(), "app_version": app_version()},
            )
            admin = create_first_admin(uow, username, admin_full_name, password)
            uow.flush()
            create_site_authority(uow, admin, password, site_label(db))
            install_builtin_templates(uow)
            if time_zone:
                record_time_zone(uow, time_zone, "set when the site was created")
    except BaseException:
        db.dispose()
        _remove_new_database(url)
        raise
    return db


def site_label(db: Database) -> str:
    """A short name of the site for its CA and reports: the database file's or database's name."""
    path = db.path
    return path.stem if path else (db.engine.url.database or "site")


def _remove_new_database(url: str) -> None:
    path = sqlite_path(url)
    if path is None:
        return
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        candidate.unlink(missing_ok=True)


def open_site(url: str) -> Database:
    """The site (or demo) database at ``url``, its schema brought up to date; refused with a
    reason when it is not there, not a Lotbook database, or read-only where a write is due."""
    return open_database(url)
