"""Ordinary faults in the app: a task that meets a full disk or a read-only database hands the
screen a one-line reason (core/faults.py), not "something unexpected"; a defect is still logged
— and when the log cannot be written (full disk, read-only media) the message says so and the
error handling itself never fails."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from tests.mounts import fill, mounts_in
from tests.ui.conftest import settle


@pytest.fixture
def tmpfs(tmp_path):
    yield from mounts_in(tmp_path)


@pytest.fixture
def app_log():
    """The app's own log handler (ui/app.py), as the running app has it."""
    from ui.app import _setup_logging

    root = logging.getLogger()
    before = list(root.handlers)
    _setup_logging()
    yield
    for handler in root.handlers[:]:
        if handler not in before:
            root.removeHandler(handler)


def run_task(qtbot, context, fn):
    """Run ``fn`` as a screen would (off the GUI thread) and return what on_error was given."""
    got: list[BaseException] = []
    context.tasks.run(fn, on_done=lambda _r: None, on_error=got.append)
    settle(qtbot, context)
    assert len(got) == 1
    return got[0]


def full_database(tmp_path):
    """A real SQLite "database or disk is full", raised through SQLAlchemy."""
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'tiny.db'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (b BLOB)")

    def write() -> None:
        with engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA max_page_count=3")
            conn.execute(sa.text("INSERT INTO t VALUES (:b)"), {"b": b"\x00" * 100_000})

    return write


def test_a_full_disk_reaches_the_screen_as_one_line(qtbot, context, tmp_path, app_log):
    from core.errors import DomainError
    from core.paths import log_dir
    from ui.errors import message_of

    context.tasks.database_url = f"sqlite:///{tmp_path / 'tiny.db'}"
    error = run_task(qtbot, context, full_database(tmp_path))
    assert isinstance(error, DomainError)
    assert message_of(error) == (
        f"The disk holding the database {tmp_path / 'tiny.db'} is full; nothing was saved. Free "
        "some space and try again."
    )
    log = log_dir() / "lotbook.log"
    assert not log.exists() or "unexpected error" not in log.read_text()  # not a defect


def test_a_defect_is_logged_and_the_message_says_where(qtbot, context, app_log):
    from core.paths import log_dir
    from ui.errors import message_of

    def defect() -> None:
        raise RuntimeError("a defect in a screen's call")

    error = run_task(qtbot, context, defect)
    log = log_dir() / "lotbook.log"
    assert "a defect in a screen's call" in log.read_text()
    assert message_of(error) == (
        "Something unexpected went wrong (RuntimeError). Data already saved is safe, and what "
        f"you typed is still on the screen; details in {log}."
    )


def test_when_the_log_cannot_be_written_the_message_says_so(
    qtbot, context, tmpfs, monkeypatch, app_log, capfd
):
    from ui.errors import message_of

    folder = tmpfs(size="256k")
    monkeypatch.setenv("LOTBOOK_DATA_DIR", str(folder / "data"))
    fill(folder)

    def defect() -> None:
        raise RuntimeError("lost")

    error = run_task(qtbot, context, defect)  # logging on a full disk neither raises nor prints
    assert "Logging error" not in capfd.readouterr().err
    assert message_of(error).endswith(
        "what you typed is still on the screen; the details could not be written to the log "
        "(the disk is full)."
    )


def test_a_curve_image_goes_through_the_safe_writer(qtbot, context, tmp_path):
    import stat

    from tests.ui.test_plots import _trace_panel

    panel = _trace_panel(qtbot)
    panel.export_png(str(tmp_path / "missing" / "trace.png"))
    assert panel.message.text() == (
        f"✖ The image was not saved: The folder {tmp_path / 'missing'} does not exist; nothing "
        "was written. Create it first, or choose another folder."
    )
    link = tmp_path / "trace.png"
    link.symlink_to(context.db.path)
    panel.export_png(str(link))
    assert "is the Lotbook database" in panel.message.text()
    link.unlink()
    panel.export_png(str(link))
    assert panel.message.text().startswith("✔ Saved")
    assert stat.S_IMODE(link.stat().st_mode) == 0o600 and link.stat().st_size > 10_000
    assert not [p for p in tmp_path.iterdir() if ".part" in p.name]
