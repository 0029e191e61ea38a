"""A scratch site for the self-test and the operational qualification: a new SQLite database in a
fresh temporary folder (never the user's data folder), people of every role with passwords of
their own and issued certificates, and a CAR-T batch. Built through the same services a user
calls, so every act is judged, signed and audited as in production; the passwords are random and
die with the run."""

from __future__ import annotations

import secrets
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from core.auth import Actor
from core.clock import Clock
from core.services import batches, signing_keys, users
from core.services.site import init_site
from core.store import Database

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


@dataclass
class ScratchSite:
    folder: Path
    db: Database
    admin: Actor
    passwords: dict[str, str]  # username → password
    people: dict[str, Actor] = field(default_factory=dict)  # "tech", "tech2", "sup", "qc", "qa"

    @property
    def path(self) -> Path:
        return self.folder / "scratch.db"

    def password(self, key: str) -> str:
        return self.passwords[self.people[key].username]

    def close(self) -> None:
        self.db.dispose()


def create_site(folder: Path, clock: Clock | None = None) -> ScratchSite:
    """A new site database in ``folder``: admin 'ada', the site CA, the built-in templates."""
    folder.mkdir(parents=True, exist_ok=True)
    password = new_password("ada")
    db = init_site(f"sqlite:///{folder / 'scratch.db'}", "ada", "Ada Admin", password, clock=clock)
    admin = users.authenticate(db, "ada", password)
    return ScratchSite(folder=folder, db=db, admin=admin, passwords={"ada": password})


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


def start_batch(site: ScratchSite, lot: str) -> None:
    batches.start_batch(site.db, site.people["tech"], TEMPLATE, lot, COI)


def copy_database(site: ScratchSite, target: Path) -> Path:
    """A consistent copy of the scratch database file (SQLite's backup API)."""
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
