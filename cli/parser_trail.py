"""The command line's audit-anchor and clock commands: clock incidents | clear."""

from __future__ import annotations

import argparse

from cli import commands_trail as trail
from cli.command_table import command_help
from cli.options import as_user, json_option
from core.i18n import _


def add_audit_checkpoint(audit_actions, common: argparse.ArgumentParser) -> None:
    p = audit_actions.add_parser(
        "checkpoint", parents=[common], help=_("sign the audit chain's head now (a checkpoint)")
    )
    as_user(p)
    json_option(p)
    p.set_defaults(func=trail.cmd_audit_checkpoint)


def add_clock_commands(sub, common: argparse.ArgumentParser) -> None:
    clock = sub.add_parser("clock", help=command_help("clock"))
    cs = clock.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = cs.add_parser(
        "incidents", parents=[common], help=_("audit events dated ahead of a later clock")
    )
    p.add_argument("--all", action="store_true", help=_("cleared incidents too"))
    json_option(p)
    p.set_defaults(func=trail.cmd_clock_incidents)
    p = cs.add_parser(
        "clear", parents=[common], help=_("clear an incident with a reason and an e-signature")
    )
    p.add_argument("incident", type=int, metavar="ID")
    p.add_argument("--reason", required=True, help=_("which clock was wrong, and how you know"))
    as_user(p)
    p.set_defaults(func=trail.cmd_clock_clear)
