"""A scratch site for the self-test and the operational qualification, on the site's own engine:
a new SQLite database in a fresh temporary folder (never the user's data folder), or for a
PostgreSQL site a new database `lotbook_oq_<random>` on the same server, made by the site's role
(it needs CREATEDB) and dropped afterwards. People of every role with passwords of their own and
issued certificates, and a CAR-T batch. Built through the same services a user calls, so every
act is judged, signed and audited as in production; the passwords are random and die with the
run."""

from __future__ import annotations

import secrets
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from core.auth import Actor
from core.clock import Clock
from core.errors import DomainError
from core.i18n import _
from core.services import batches, signing_keys, users
from core.services.site import init_site
from core.store import Database
from core.store.engine import is_sqlite
from core.store.faults import shown_url

TEMPLATE = "cart-auto-lv"
COI = "COI-SELFTEST-000001"
PEOPLE = {
    # key: (username, full name, role)
    "tech": ("tess", "Tess Technician", "technician"),
    "tech2": ("vic", "Vic Verifier", "technician"),
    "sup": ("sam", "Sam Supervisor", "supervisor"),
    "qc": ("cleo", "Cleo Control", "qc"),
    "qa": ("quinn", "Quinn Quality", "qa"),
}


def new_password(username: str) -> str:
    """A random password that meets the site's rules (length, variety, not the username)."""
    while True:
        password = "St-" + secrets.token_urlsafe(18)
        if username.lower() not in password.lower() and len(set(password)) >= 4:
            return password


def scratch_folder(prefix: str = "lotbook-scratch-") -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))


def remove_folder(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


class ScratchRefused(DomainError):
    """The scratch database cannot be made where the site's data lives (a missing privilege)."""


@dataclass
class ScratchSite:
    folder: Path
    db: Database
    admin: Actor
    passwords: dict[str, str]  # username → password
    people: dict[str, Actor] = field(default_factory=dict)  # "tech", "tech2", "sup", "qc", "qa"
    drop: Callable[[], None] | None = None  # removes a scratch database on a server

    @property
    def url(self) -> str:
        return self.db.url

    @property
    def on_server(self) -> bool:
        return not is_sqlite(self.db.url)

    @property
    def path(self) -> Path:
        """The scratch file (SQLite only)."""
        return self.folder / "scratch.db"

    def password(self, key: str) -> str:
        return self.passwords[self.people[key].username]

    def close(self) -> None:
        self.db.dispose()
        if self.drop is not None:
            drop, self.drop = self.drop, None
            drop()


def create_site(
    folder: Path, clock: Clock | None = None, site_url: str | None = None
) -> ScratchSite:
    """A new site: admin 'ada', the site CA, the built-in templates. In ``folder`` as a SQLite
    file, or (``site_url`` a PostgreSQL site) a new database on the site's server."""
    folder.mkdir(parents=True, exist_ok=True)
    if site_url is None or is_sqlite(site_url):
        url, drop = f"sqlite:///{folder / 'scratch.db'}", None
    else:
        url, drop = server_database(site_url)
    password = new_password("ada")
    try:
        db = init_site(url, "ada", "Ada Admin", password, clock=clock)
    except BaseException:
        if drop is not None:
            drop()
        raise
    admin = users.authenticate(db, "ada", password)
    return ScratchSite(folder=folder, db=db, admin=admin, passwords={"ada": password}, drop=drop)


# -- a scratch database on the site's PostgreSQL server ------------------------------------------

SCRATCH_PREFIX = "lotbook_oq_"


def _autocommit(url: str) -> sa.Engine:
    # CREATE and DROP DATABASE run outside a transaction; the server's maintenance database
    # "postgres" is where a role connects when it is not in the database it acts on
    target = make_url(url).set(database="postgres")
    return sa.create_engine(target, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)


def server_database(
    site_url: str, prefix: str = SCRATCH_PREFIX, template: str | None = None
) -> tuple[str, Callable[[], None]]:
    """A new database on the site's server (empty, or a copy of ``template``), made by the site's
    own role; returns its URL and the function that drops it. Refused (ScratchRefused) when the
    role lacks CREATEDB."""
    name = prefix + secrets.token_hex(6)
    create = f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")
    role = make_url(site_url).username or _("(the connecting role)")
    admin = _autocommit(site_url)
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(create)
    except sa.exc.DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) == "42501":  # insufficient_privilege
            raise ScratchRefused(
                _(
                    "The database role '{role}' may not create databases on {server}, and the "
                    "operational qualification runs on a scratch database there (created and "
                    "dropped again). Ask the database administrator to run ALTER ROLE {role} "
                    "CREATEDB, then validate again."
                ).format(role=role, server=shown_url(site_url))
            ) from None
        raise
    finally:
        admin.dispose()

    def drop() -> None:
        engine = _autocommit(site_url)
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            engine.dispose()

    return make_url(site_url).set(database=name).render_as_string(hide_password=False), drop


def engine_label(url: str) -> str:
    """Which engine (and server version) a database URL names, as the OQ report states it."""
    if is_sqlite(url):
        return _("SQLite {version}, a scratch file in a new temporary folder").format(
            version=sqlite3.sqlite_version
        )
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            version = conn.exec_driver_sql("SHOW server_version").scalar()
    finally:
        engine.dispose()
    parsed = make_url(url)
    return _(
        "PostgreSQL {version} at {host}:{port}, a scratch database ({prefix}…) created there and "
        "dropped afterwards"
    ).format(
        version=str(version).split()[0],
        host=parsed.host,
        port=parsed.port or 5432,
        prefix=SCRATCH_PREFIX,
    )


def add_people(site: ScratchSite) -> None:
    """A technician, a second technician, a supervisor, a QC analyst and QA, each with a password
    of their own and an issued signing certificate; QA approves the built-in templates."""
    for key, (username, full_name, role) in PEOPLE.items():
        initial, own = new_password(username), new_password(username)
        users.create_user(site.db, site.admin, username, full_name, role, initial)
        users.change_password(site.db, username, initial, own)
        site.passwords[username] = own
        site.people[key] = users.authenticate(site.db, username, own)
    issued = signing_keys.issue_certificates(site.db, site.admin, site.passwords["ada"])
    missing = {a.username for a in site.people.values()} - {v.username for v in issued}
    if missing:
        raise RuntimeError("no certificate was issued for " + ", ".join(sorted(missing)))
    from core.services.template_approval import approve_drafts

    approve_drafts(
        site.db, site.people["qa"], site.password("qa"), "Scratch site: example limits confirmed"
    )
    from core.demo.stock import stock_site

    people = site.people
    today = site.db.clock.now().date()
    stock_site(site.db, site.admin, people["tech"], people["qa"], site.password("qa"), today=today)


def start_batch(site: ScratchSite, lot: str) -> None:
    batches.start_batch(site.db, site.people["tech"], TEMPLATE, lot, COI)


def copy_database(site: ScratchSite, target: Path) -> Path:
    """A consistent copy of the scratch database file (SQLite's backup API; SQLite only)."""
    source = sqlite3.connect(site.path)
    try:
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()
    return target
