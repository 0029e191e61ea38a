"""Fixtures: every test gets its own data folder and database in tmp_path; the user's real data
folder is never touched (LOTBOOK_DATA_DIR, XDG_DATA_HOME and HOME point into tmp_path)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The suite reads English whatever the machine's locale (a test that wants another language asks
# for it: --lang, core.i18n.in_language, or its own environment)
os.environ["LANGUAGE"] = "en"

ADMIN_PASSWORD = "admin-pass-2026"
USER_PASSWORD = "bench-pass-2026"


def _cheap_key_derivation() -> None:
    """argon2id at its cheapest for the suite (thousands of log-ins and signatures, 20 ms each at
    the production cost); tests/core/test_kdf_parameters.py checks the production parameters in
    a fresh process, where nothing was swapped."""
    from argon2 import PasswordHasher, Type

    from core.auth import passwords
    from core.crypto import keys

    cheap = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}
    passwords.HASHER = PasswordHasher(**cheap, type=Type.ID)
    keys.KDF_PARAMS = cheap


_cheap_key_derivation()


@pytest.fixture
def production_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id at the product's parameters, for the tests about them (ask for it before
    ``site`` so that the site's first hashes are made at that cost too)."""
    from argon2 import PasswordHasher, Type

    from core.auth import passwords
    from core.crypto import keys

    monkeypatch.setattr(passwords, "HASHER", PasswordHasher(**passwords.PARAMETERS, type=Type.ID))
    monkeypatch.setattr(
        keys, "KDF_PARAMS", {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1}
    )


@pytest.fixture(autouse=True)
def _isolated_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("LOTBOOK_DATA_DIR", str(tmp_path / "data"))
    for name in ("LOTBOOK_DB", "LOTBOOK_PASSWORD", "LOTBOOK_NEW_PASSWORD"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _english_again() -> Iterator[None]:
    """Whatever language (and decimal mark) a test chose for the process, the next one starts in
    English with the default mark."""
    yield
    from core.i18n import set_language
    from core.number_display import set_site_mark

    set_language("en")
    set_site_mark("auto")


@pytest.fixture
def clock():
    from core.clock import FixedClock

    return FixedClock(datetime(2026, 11, 2, 8, 0, tzinfo=UTC), step=timedelta(seconds=1))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "sqlite_only(reason): the test is about SQLite itself (raw sqlite3, the file, WAL); "
        "it does not run on PostgreSQL",
    )


@pytest.fixture(scope="session")
def pg_server() -> Iterator:
    """The run's PostgreSQL server (tests/pg_server.py), started on first use. A server that
    cannot start fails the PostgreSQL tests; LOTBOOK_TEST_PG=0 skips them instead."""
    if os.environ.get("LOTBOOK_TEST_PG") == "0":
        pytest.skip("LOTBOOK_TEST_PG=0: the PostgreSQL runs are switched off")
    import atexit

    from tests.pg_server import ServerUnavailable, start_server

    try:
        server = start_server()
    except ServerUnavailable as error:
        why = str(error)
    else:
        why = None
    if why is not None:
        pytest.fail(
            f"The PostgreSQL test server could not be started: {why}. Set LOTBOOK_TEST_PG=0 to "
            "run without PostgreSQL.",
            pytrace=False,
        )
    atexit.register(server.stop)  # also when the run is interrupted
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new, empty site database: a SQLite file in tmp_path, or (tests under tests/core and
    tests/cli run on both) a database of the PostgreSQL test server with the migrated schema,
    dropped afterwards."""
    engine = getattr(request, "param", "sqlite")
    if engine == "sqlite":
        yield f"sqlite:///{tmp_path / 'site.db'}"
        return
    server = request.getfixturevalue("pg_server")
    name = server.new_database()
    try:
        yield server.url(name)
    finally:
        server.drop_database(name)


@pytest.fixture
def draft_site(db_url: str, clock) -> Iterator:
    """A new site database with an admin 'ada' and the built-in templates, still drafts."""
    from core.services.site import init_site

    db = init_site(db_url, "ada", "Ada Admin", ADMIN_PASSWORD, clock=clock)
    yield db
    db.dispose()


APPROVER = "tqa"


def approve_templates(db, admin) -> None:
    """QA user 'tqa' (with a certificate) approves every built-in template, as a site's QA does
    before its first batch."""
    from core.services import signing_keys
    from core.services.template_approval import approve_drafts

    qa = make_user(db, admin, APPROVER, "qa", "Tara Template-Approver")
    signing_keys.issue_certificates(db, admin, ADMIN_PASSWORD)
    approve_drafts(db, qa, USER_PASSWORD, "Example limits confirmed for tests (CC-TEST-1)")


@pytest.fixture
def site(draft_site) -> Iterator:
    """A new site database with an admin 'ada' and the built-in templates approved by QA."""
    from core.services.users import authenticate

    approve_templates(draft_site, authenticate(draft_site, "ada", ADMIN_PASSWORD))
    return draft_site


@pytest.fixture
def admin(site):
    from core.services.users import authenticate

    return authenticate(site, "ada", ADMIN_PASSWORD)


def make_user(db, admin, username: str, role: str, full_name: str | None = None):
    """A user with their own (non-initial) password, as after a first log-in."""
    from core.services.users import authenticate, change_password, create_user

    create_user(
        db,
        admin,
        username,
        full_name or username.title() + " Example",
        role,
        "initial-" + USER_PASSWORD,
    )
    change_password(db, username, "initial-" + USER_PASSWORD, USER_PASSWORD)
    return authenticate(db, username, USER_PASSWORD)


@pytest.fixture
def tech(site, admin):
    return make_user(site, admin, "tess", "technician", "Tess Technician")


@pytest.fixture
def tech2(site, admin):
    return make_user(site, admin, "vic", "technician", "Vic Verifier")


@pytest.fixture
def people(site, admin, tech, tech2):
    """Technicians tess and vic, supervisor sam, QC analyst cleo and QA quinn, each holding an
    issued certificate."""
    from core.services import signing_keys

    sup = make_user(site, admin, "sam", "supervisor", "Sam Supervisor")
    qc = make_user(site, admin, "cleo", "qc", "Cleo Control")
    qa = make_user(site, admin, "quinn", "qa", "Quinn Quality")
    signing_keys.issue_certificates(site, admin, ADMIN_PASSWORD)
    return {"tech": tech, "tech2": tech2, "sup": sup, "qc": qc, "qa": qa}


@pytest.fixture
def stocked(site, admin, people):
    """The people, and the IL-2 and vector lots (released by QA) and the equipment that the
    CAR-T template's point-of-use checks scan (core/demo/stock.py), as on the demo site."""
    from core.demo.stock import stock_site

    stock_site(
        site, admin, people["tech"], people["qa"], USER_PASSWORD, today=site.clock.now().date()
    )
    return people


@pytest.fixture
def lot(site, stocked):
    """A CAR-T batch started by tess, for signing tests (the site stocked for its point-of-use
    checks)."""
    from core.services import batches

    people = stocked

    batches.start_batch(site, people["tech"], "cart-auto-lv", "CT-0100", "COI-W123426000042")
    return "CT-0100"
