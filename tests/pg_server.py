"""A throw-away PostgreSQL 15 server for the test run: Debian's binaries, a cluster made by initdb
in a temporary folder, listening on a free port of 127.0.0.1 only, stopped and removed at the end.

initdb and postgres refuse to run as root (as CI does): then the server runs as the unprivileged
`postgres` account the Debian package creates (through runuser), and the folder is given to it.

Two roles: the superuser `lotbook_test` (password in a pgpass file the tests point PGPASSFILE at,
never in a URL), and `lotbook_plain`, a role without CREATEDB (for refusals that depend on it).
"""

from __future__ import annotations

import os
import pwd
import secrets
import shlex
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BIN = Path(os.environ.get("LOTBOOK_PG_BIN", "/usr/lib/postgresql/15/bin"))
SUPERUSER = "lotbook_test"
PLAIN_ROLE = "lotbook_plain"
TEMPLATE_DB = "lotbook_template"
HOST = "127.0.0.1"
RUN_AS = "postgres"  # the account the Debian package creates, used when we are root

# Settings for a throw-away cluster: durability traded for speed (a crash loses the run anyway).
SETTINGS = {
    "listen_addresses": HOST,
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "300",
    "shared_buffers": "64MB",
    "log_min_messages": "warning",
    "log_min_error_statement": "panic",
}


class ServerUnavailable(RuntimeError):
    """The test server could not be started; the message says why."""


@dataclass
class PgServer:
    folder: Path
    port: int = 0
    password: str = field(default_factory=lambda: "pw-" + secrets.token_urlsafe(12))
    plain_password: str = field(default_factory=lambda: "pw-" + secrets.token_urlsafe(12))
    _running: bool = False
    _counter: int = 0

    # -- paths and commands ---------------------------------------------------------------------

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def socket_dir(self) -> Path:
        return self.folder / "socket"

    @property
    def log(self) -> Path:
        return self.folder / "server.log"

    @property
    def passfile(self) -> Path:
        return self.folder / "pgpass"

    @staticmethod
    def as_root() -> bool:
        return os.geteuid() == 0

    def _command(self, *argv: str) -> list[str]:
        if self.as_root():
            return ["runuser", "-u", RUN_AS, "--", *argv]
        return list(argv)

    def _run(self, *argv: str, timeout: float = 120) -> subprocess.CompletedProcess:
        proc = subprocess.run(
            self._command(*argv),
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=self.folder,
        )
        if proc.returncode != 0:
            detail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
            raise ServerUnavailable(f"{Path(argv[0]).name} failed: {' / '.join(detail)}")
        return proc

    # -- life cycle -----------------------------------------------------------------------------

    def start(self) -> None:
        for tool in ("initdb", "pg_ctl", "postgres"):
            if not (BIN / tool).exists():
                raise ServerUnavailable(
                    f"{BIN / tool} is missing: install Debian's 'postgresql' package "
                    "(tools/bootstrap.sh test does)"
                )
        if self.as_root():
            try:
                account = pwd.getpwnam(RUN_AS)
            except KeyError:
                raise ServerUnavailable(
                    f"running as root, and there is no '{RUN_AS}' account to run the server as "
                    "(Debian's postgresql package creates it)"
                ) from None
            if shutil.which("runuser") is None:
                raise ServerUnavailable("running as root, and runuser (util-linux) is missing")
            # the server's account must reach its folder (and only its folder)
            self.folder.chmod(0o755)
            os.chown(self.folder, account.pw_uid, account.pw_gid)
        self.socket_dir.mkdir()
        pwfile = self.folder / "initdb-password"
        pwfile.write_text(self.password + "\n")
        if self.as_root():
            os.chown(self.socket_dir, account.pw_uid, account.pw_gid)
            os.chown(pwfile, account.pw_uid, account.pw_gid)
        try:
            self._run(
                str(BIN / "initdb"),
                "-D",
                str(self.data),
                "-U",
                SUPERUSER,
                "--pwfile",
                str(pwfile),
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            )
        finally:
            pwfile.unlink(missing_ok=True)
        self._start_on_free_port()
        self.passfile.write_text(
            f"{HOST}:{self.port}:*:{SUPERUSER}:{self.password}\n"
            f"{HOST}:{self.port}:*:{PLAIN_ROLE}:{self.plain_password}\n"
        )
        self.passfile.chmod(0o600)
        self.admin_sql(
            f"CREATE ROLE {PLAIN_ROLE} LOGIN NOCREATEDB NOSUPERUSER "
            f"PASSWORD '{self.plain_password}'"
        )

    def _start_on_free_port(self) -> None:
        last = ""
        for _ in range(5):  # another process may take the port between asking and binding
            self.port = free_port()
            options = " ".join(
                f"-c {k}={v}"
                for k, v in {**SETTINGS, "unix_socket_directories": str(self.socket_dir)}.items()
            )
            proc = subprocess.run(
                self._command(
                    str(BIN / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-l",
                    str(self.log),
                    "-o",
                    f"-p {self.port} {options}",
                    "-w",
                    "-t",
                    "60",
                    "start",
                ),
                capture_output=True,
                text=True,
                timeout=120,
                cwd=self.folder,
            )
            if proc.returncode == 0:
                self._running = True
                self._watch()
                return
            last = self._log_tail() or proc.stderr.strip()
            if "already in use" not in last:
                break
        raise ServerUnavailable(f"the server did not start: {last}")

    def _watch(self) -> None:
        """A watchdog that stops the server and removes its folder once this process is gone,
        however it ended (a test run killed, or interrupted before its fixtures' teardown)."""
        stop = " ".join(
            shlex.quote(a)
            for a in self._command(
                str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"
            )
        )
        script = (
            f"while kill -0 {os.getpid()} 2>/dev/null; do sleep 1; done; "
            f"[ -d {shlex.quote(str(self.data))} ] && {stop} >/dev/null 2>&1; "
            f"rm -rf {shlex.quote(str(self.folder))}"
        )
        subprocess.Popen(
            ["sh", "-c", script],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def _log_tail(self) -> str:
        try:
            lines = self.log.read_text(errors="replace").strip().splitlines()
        except OSError:
            return ""
        return " / ".join(lines[-3:])

    def stop(self) -> None:
        """Stop the server (at once: nothing in it is kept) and remove its folder."""
        if self._running:
            subprocess.run(
                self._command(str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"),
                capture_output=True,
                timeout=60,
                cwd=self.folder,
            )
            self._running = False
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- databases --------------------------------------------------------------------------------

    def url(self, database: str, *, user: str = SUPERUSER, password: str | None = None) -> str:
        """A SQLAlchemy URL; the password comes from PGPASSFILE unless one is given."""
        auth = user if password is None else f"{user}:{password}"
        return f"postgresql+psycopg://{auth}@{HOST}:{self.port}/{database}"

    def admin_sql(self, *statements: str) -> None:
        """Run statements as the superuser, each in its own autocommit transaction."""
        import psycopg

        with psycopg.connect(
            host=HOST,
            port=self.port,
            user=SUPERUSER,
            password=self.password,
            dbname="postgres",
            autocommit=True,
        ) as conn:
            for statement in statements:
                conn.execute(statement)

    def make_template(self) -> None:
        """A database migrated to this Lotbook's schema, copied for every test's database."""
        from core.store import open_database

        self.admin_sql(f"CREATE DATABASE {TEMPLATE_DB}")
        db = open_database(self.url(TEMPLATE_DB), create=True)
        db.dispose()
        # no connections may stay on a template database while it is copied
        self.admin_sql(f"ALTER DATABASE {TEMPLATE_DB} WITH ALLOW_CONNECTIONS false")

    def new_database(self, prefix: str = "t") -> str:
        """A fresh database with the migrated schema; returns its name."""
        self._counter += 1
        name = f"{prefix}_{os.getpid()}_{self._counter}"
        self.admin_sql(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE_DB}")
        return name

    def empty_database(self, prefix: str = "e") -> str:
        self._counter += 1
        name = f"{prefix}_{os.getpid()}_{self._counter}"
        self.admin_sql(f"CREATE DATABASE {name}")
        return name

    def drop_database(self, name: str) -> None:
        self.admin_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_server() -> PgServer:
    """Start a server with its template database; raises ServerUnavailable with the reason."""
    server = PgServer(Path(tempfile.mkdtemp(prefix="lotbook-pg-")))
    began = time.perf_counter()
    try:
        server.start()
        os.environ["PGPASSFILE"] = str(server.passfile)
        server.make_template()
    except ServerUnavailable:
        server.stop()
        raise
    except Exception as error:
        server.stop()
        raise ServerUnavailable(f"{type(error).__name__}: {error}") from error
    server.started_in = time.perf_counter() - began  # type: ignore[attr-defined]
    return server


ENGINES = ("sqlite", "postgresql")
SQLITE_ONLY = "sqlite_only"


def parametrize_db_url(metafunc) -> None:
    """Run a test that uses ``db_url`` once on SQLite and once on PostgreSQL, unless it is marked
    ``sqlite_only`` (with its reason)."""
    if "db_url" not in metafunc.fixturenames:
        return
    only = metafunc.definition.get_closest_marker(SQLITE_ONLY)
    engines = ENGINES[:1] if only is not None else ENGINES
    metafunc.parametrize("db_url", engines, indirect=True, scope="function")
