"""A database server that stops answering in the middle of an import (issue 12: "SQL and a binary
dump on the screen"): the command line says in one line that the server at host:port is not
answering and that nothing was saved — never the SQL, the file's bytes or the password — and
nothing of the import is kept. The connection runs through a small TCP relay that the test cuts
while the import's transaction is open, as a dying server or a pulled cable would."""

from __future__ import annotations

import contextlib
import socket
import threading

import pytest

from core.store.engine import is_sqlite
from tests.cli.conftest import TECH_PW
from tests.cli.test_cli_instruments import LOT, start_cart


class Relay:
    """127.0.0.1:<port> → the server, until ``cut()`` closes every connection and stops
    listening."""

    def __init__(self, host: str, port: int) -> None:
        self.upstream = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = [self.listener]
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            with self.lock:
                self.sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass

    def cut(self) -> None:
        with self.lock:
            for s in self.sockets:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()


def test_a_server_dying_mid_import_is_one_line_and_nothing_is_saved(
    site_cli, db_url, pg_server, tmp_path, monkeypatch
):
    if is_sqlite(db_url):
        pytest.skip("about a database server (the PostgreSQL run of this test)")
    from sqlalchemy.engine import make_url

    import core.services.imports as imports

    cli = site_cli
    start_cart(cli)
    log = tmp_path / "run.csv"
    args = ("--days", "0.2", "--rate", "0.05", "--start", "2026-11-02T08:00:00Z")
    assert cli("simulate", "bioreactor", "--out", str(log), *args).code == 0

    url = make_url(cli.url)
    relay = Relay(url.host, url.port)
    secret = pg_server.password
    relayed = url.set(port=relay.port, password=secret).render_as_string(hide_password=False)
    keep_original = imports._keep_original

    def kept_then_cut(*a, **kw):
        file_id = keep_original(*a, **kw)  # the file's bytes are in the open transaction
        relay.cut()
        return file_id

    monkeypatch.setattr(imports, "_keep_original", kept_then_cut)
    r = cli("import", str(log), "--batch", LOT, "--user", "tess", "--db", relayed, password=TECH_PW)
    assert r.code == 1
    assert r.err.strip() == (
        f"lotbook: The database server at 127.0.0.1:{relay.port} is not answering; nothing was "
        "saved. Check the network, or ask IT whether the server is running, then try again."
    )
    assert secret not in r.err and "INSERT" not in r.err and "\\x" not in r.err

    monkeypatch.setattr(imports, "_keep_original", keep_original)
    # asked of the server itself, directly: nothing of the import was kept
    events = cli("audit", "list", "--batch", LOT, "--action", "instrument.import", "--json")
    assert events.code == 0 and events.json() == []
    assert cli("audit", "verify").code == 0
