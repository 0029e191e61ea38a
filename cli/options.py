"""Options many commands share: --db, --user with the password's source, --json."""

from __future__ import annotations

import argparse


def common_options(default: object = argparse.SUPPRESS) -> argparse.ArgumentParser:
    """--db, accepted before or after the command (a sub-command must not reset it to None)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db", metavar="URL", default=default, help="database URL or SQLite file (else LOTBOOK_DB)"
    )
    return common


def as_user(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", required=True, metavar="NAME", help="who is acting")
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input (else LOTBOOK_PASSWORD, else a prompt)",
    )


def json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print data as JSON")


def force_option(parser: argparse.ArgumentParser) -> None:
    """--force: replace an existing output file (never a database, a folder or a device)."""
    parser.add_argument("--force", action="store_true", help="replace the output file if it exists")
