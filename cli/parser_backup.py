"""The backup commands of the command line: backup -o FILE, backup --if-due, backup list,
backup verify FILE, restore FILE --to PATH."""

from __future__ import annotations

import argparse

from cli import commands_backup as backup
from cli.command_table import command_help
from cli.options import json_option
from core.i18n import _


def add_backup_commands(sub, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "backup",
        parents=[common],
        help=command_help("backup"),
    )
    p.add_argument("-o", "--output", metavar="FILE", help=_("the backup file to write"))
    p.add_argument("--force", action="store_true", help=_("replace an existing backup file"))
    p.add_argument(
        "--if-due",
        action="store_true",
        help=_(
            "the scheduled backup, when due (site settings backup_folder, backup_every_hours); "
            "for cron or a systemd timer, no password"
        ),
    )
    p.add_argument("--user", metavar="NAME", help=_("the administrator (with -o)"))
    p.add_argument(
        "--password-stdin",
        action="store_true",
        help=_("read the password from standard input (else LOTBOOK_PASSWORD, else a prompt)"),
    )
    p.set_defaults(func=backup.cmd_backup, backup_parser=p)
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    q = actions.add_parser(
        "list", parents=[common], help=_("every backup: when, who, file, verified")
    )
    json_option(q)
    q.set_defaults(func=backup.cmd_backup_list)
    q = actions.add_parser(
        "verify",
        parents=[common],
        help=_("check a backup file and its manifest (exit 1: not good)"),
    )
    q.add_argument("file")
    json_option(q)
    q.set_defaults(func=backup.cmd_backup_verify)

    p = sub.add_parser(
        "restore",
        help=command_help("restore"),
    )
    p.add_argument("file", help=_("the backup file (its manifest beside it)"))
    p.add_argument("--to", required=True, metavar="PATH", help=_("the new database file"))
    json_option(p)
    p.set_defaults(func=backup.cmd_restore)
