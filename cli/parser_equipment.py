"""The equipment commands of the command line: equipment register | calibrate | qualify | maintain
| out-of-service | in-service | show | list."""

from __future__ import annotations

import argparse

from cli import commands_equipment as equipment
from cli.command_table import command_help
from cli.options import as_user, json_option
from core.i18n import _

_DAY = "YYYY-MM-DD"


def add_equipment_commands(sub, common: argparse.ArgumentParser) -> None:
    group = sub.add_parser("equipment", help=command_help("equipment"))
    actions = group.add_subparsers(dest="action", required=True, metavar="ACTION")

    p = actions.add_parser(
        "register", parents=[common], help=_("register an item (supervisor, QA, admin)")
    )
    p.add_argument("code", help=_("the asset code on its label, e.g. BSC-01"))
    p.add_argument("--type", required=True, help=_("biosafety_cabinet, incubator, bioreactor, …"))
    p.add_argument("--name", required=True)
    p.add_argument("--location", required=True)
    p.add_argument("--calibration-due", metavar=_DAY)
    p.add_argument("--qualification-due", metavar=_DAY)
    p.add_argument("--maintenance-due", metavar=_DAY)
    as_user(p)
    json_option(p)
    p.set_defaults(func=equipment.cmd_equipment_register)

    for name, kind, helptext, on_help, next_help in (
        (
            "calibrate",
            "calibration",
            _("record a calibration, with its certificate"),
            _("the day the calibration was done"),
            _("the day the next calibration is due (not when failed)"),
        ),
        (
            "qualify",
            "qualification",
            _("record a qualification, with its certificate"),
            _("the day the qualification was done"),
            _("the day the next qualification is due (not when failed)"),
        ),
        (
            "maintain",
            "maintenance",
            _("record maintenance"),
            _("the day the maintenance was done"),
            _("the day the next maintenance is due (not when failed)"),
        ),
    ):
        p = actions.add_parser(name, parents=[common], help=helptext)
        p.add_argument("code")
        p.add_argument("--on", required=True, metavar=_DAY, help=on_help)
        p.add_argument("--next-due", metavar=_DAY, help=next_help)
        if kind != "maintenance":
            outcome = p.add_mutually_exclusive_group()
            outcome.add_argument(
                "--passed", dest="passed", action="store_true", default=None, help=_("it passed")
            )
            outcome.add_argument(
                "--failed",
                dest="passed",
                action="store_false",
                help=_("takes the item out of service"),
            )
        p.add_argument("--certificate", metavar="REF", help=_("the certificate's number"))
        p.add_argument(
            "--certificate-file", metavar="FILE", help=_("kept with the record (SHA-256)")
        )
        p.add_argument("--note")
        as_user(p)
        json_option(p)
        p.set_defaults(func=equipment.cmd_equipment_event, kind=kind)

    for name, status, helptext in (
        ("out-of-service", "out_of_service", _("take an item out of service (reason required)")),
        ("in-service", "in_use", _("take an item back into service (nothing past due)")),
    ):
        p = actions.add_parser(name, parents=[common], help=helptext)
        p.add_argument("code")
        p.add_argument("--reason", required=True)
        as_user(p)
        json_option(p)
        p.set_defaults(func=equipment.cmd_equipment_status, status=status)

    p = actions.add_parser(
        "show", parents=[common], help=_("an item: due dates, events, certificates, batches")
    )
    p.add_argument("code")
    json_option(p)
    p.set_defaults(func=equipment.cmd_equipment_show)

    p = actions.add_parser("list", parents=[common], help=_("every item with its due dates"))
    p.add_argument("--type", help=_("only items of this type"))
    p.add_argument(
        "--due-within", type=int, metavar="DAYS", help=_("only items due within DAYS (or past due)")
    )
    json_option(p)
    p.set_defaults(func=equipment.cmd_equipment_list)
