"""Core tests that use a site database run on SQLite and on PostgreSQL (tests/pg_server.py)."""

from tests.pg_server import parametrize_db_url


def pytest_generate_tests(metafunc) -> None:
    parametrize_db_url(metafunc)
