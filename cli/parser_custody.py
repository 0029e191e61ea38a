"""The custody commands of the command line: custody record LOT KIND …, custody trail LOT."""

from __future__ import annotations

import argparse

from cli import commands_custody as custody
from cli.command_table import command_help
from cli.options import as_user, json_option
from core.i18n import _
from core.states import CustodyKind


def add_custody_commands(sub, common: argparse.ArgumentParser) -> None:
    group = sub.add_parser("custody", help=command_help("custody"))
    actions = group.add_subparsers(dest="action", required=True, metavar="ACTION")

    p = actions.add_parser(
        "record",
        parents=[common],
        help=_(
            "record a hand-off of the patient's material (the COI scanned is checked; the "
            "password signs it where the template's plan asks)"
        ),
    )
    p.add_argument("lot", metavar="LOT")
    p.add_argument("kind", metavar="KIND", choices=[k.value for k in CustodyKind])
    p.add_argument("--coi", required=True, metavar="SCANNED", help=_("the id scanned on the label"))
    p.add_argument(
        "--at", required=True, metavar='"YYYY-MM-DD HH:MM"', help=_("when, in the site's time")
    )
    p.add_argument("--location", required=True, help=_("a room, a site, a courier"))
    p.add_argument("--container", metavar="ID", help=_("bag, cassette or dry shipper id"))
    p.add_argument("--logger", metavar="ID", help=_("temperature logger id"))
    p.add_argument("--temperature", metavar="TEXT", help=_('the logger\'s summary, "≤ −150 °C"'))
    p.add_argument("--note")
    as_user(p)
    p.set_defaults(func=custody.cmd_custody_record)

    p = actions.add_parser(
        "trail",
        parents=[common],
        help=_("the custody trail: COMPLETE, or INCOMPLETE and what is missing"),
    )
    p.add_argument("lot", metavar="LOT")
    json_option(p)
    p.set_defaults(func=custody.cmd_custody_trail)
