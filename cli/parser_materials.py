"""The material commands of the command line: define, receive, attach-coa, release | reject |
expire | quarantine (QA, e-signed), show, list, catalogue, recall."""

from __future__ import annotations

import argparse

from cli import commands_materials as materials
from cli.command_table import command_help
from cli.options import as_user, json_option
from core.i18n import N_, _
from core.states import LotStatus, MaterialKind

# QA's decisions, one action each: (action, the status it sets, its help)
DECISIONS = (
    ("release", LotStatus.RELEASED, N_("QA: release a lot for use (needs its CoA; e-signature)")),
    ("reject", LotStatus.REJECTED, N_("QA: reject a lot, for good (e-signature)")),
    ("expire", LotStatus.EXPIRED, N_("QA: expire a lot, for good (e.g. a shorter shelf life)")),
    ("quarantine", LotStatus.QUARANTINE, N_("QA: put a released lot back in quarantine")),
)


def _lot(p: argparse.ArgumentParser) -> None:
    p.add_argument("code", metavar="CODE", help=_("the material's code, e.g. IL2"))
    p.add_argument("lot", metavar="LOT", help=_("the supplier's lot number, as on the label"))


def add_material_commands(sub, common: argparse.ArgumentParser) -> None:
    material = sub.add_parser("material", help=command_help("material"))
    ms = material.add_subparsers(dest="action", required=True, metavar="ACTION")

    p = ms.add_parser("define", parents=[common], help=_("define a material (QA, admin)"))
    p.add_argument("code", metavar="CODE", help=_("1–32 letters, digits, '.', '_' or '-'"))
    p.add_argument("--name", required=True)
    p.add_argument("--kind", required=True, choices=[k.value for k in MaterialKind])
    p.add_argument("--supplier", required=True)
    p.add_argument("--unit", required=True, help=_("what its stock is counted in: mL, vial, µg …"))
    as_user(p)
    json_option(p)
    p.set_defaults(func=materials.cmd_material_define)

    p = ms.add_parser("receive", parents=[common], help=_("receive a lot into quarantine"))
    _lot(p)
    p.add_argument("--expiry", required=True, metavar="YYYY-MM-DD")
    p.add_argument(
        "--quantity", required=True, help=_("in the material's unit, e.g. 500 or 500 mL")
    )
    p.add_argument(
        "--coa", metavar="FILE", help=_("its certificate of analysis, kept with the lot")
    )
    as_user(p)
    json_option(p)
    p.set_defaults(func=materials.cmd_material_receive)

    p = ms.add_parser(
        "attach-coa", parents=[common], help=_("keep a lot's certificate of analysis (a file)")
    )
    _lot(p)
    p.add_argument("file", metavar="FILE")
    as_user(p)
    p.set_defaults(func=materials.cmd_material_attach_coa)

    for action, status, helptext in DECISIONS:
        p = ms.add_parser(action, parents=[common], help=_(helptext))
        _lot(p)
        p.add_argument("--reason", required=True, help=_("what the decision rests on (10+ chars)"))
        as_user(p)
        p.set_defaults(func=materials.cmd_material_decide, status=status.value)

    p = ms.add_parser(
        "show", parents=[common], help=_("a lot: stock, status, decisions, CoA, uses by batches")
    )
    _lot(p)
    json_option(p)
    p.set_defaults(func=materials.cmd_material_show)

    p = ms.add_parser("list", parents=[common], help=_("lots, with their status today and stock"))
    p.add_argument("--material", metavar="CODE", help=_("the lots of one material"))
    p.add_argument(
        "--status",
        choices=[s.value for s in LotStatus],
        help=_("only lots with this status today (a lot past its expiry is expired)"),
    )
    json_option(p)
    p.set_defaults(func=materials.cmd_material_list)

    p = ms.add_parser("catalogue", parents=[common], help=_("the materials defined"))
    json_option(p)
    p.set_defaults(func=materials.cmd_material_catalogue)

    p = ms.add_parser("recall", parents=[common], help=_("which batches used a lot (recall)"))
    _lot(p)
    json_option(p)
    p.set_defaults(func=materials.cmd_material_recall)
