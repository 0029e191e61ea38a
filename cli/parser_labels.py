"""The label commands of the command line: label print | list."""

from __future__ import annotations

import argparse

from cli import commands_labels as labels
from cli.command_table import command_help
from cli.options import as_user, force_option, json_option
from core.i18n import _
from core.labels.stock import STOCKS
from core.labels.zpl import DPI_CHOICES
from core.states import LabelKind


def add_label_commands(sub, common: argparse.ArgumentParser) -> None:
    group = sub.add_parser("label", help=command_help("label"))
    actions = group.add_subparsers(dest="action", required=True, metavar="ACTION")

    stocks = ", ".join(f"{s.name} ({s.words})" for s in STOCKS.values())
    p = actions.add_parser(
        "print",
        parents=[common],
        help=_("print labels for a batch to a PDF (a page per label) or, with --zpl, to ZPL"),
    )
    p.add_argument("lot")
    p.add_argument("--kind", required=True, help=", ".join(k.value for k in LabelKind))
    p.add_argument("--count", required=True, type=int, help=_("how many labels (1–500)"))
    p.add_argument(
        "--stock", required=True, help=_("the label stock: {stocks}").format(stocks=stocks)
    )
    p.add_argument("--out", "-o", required=True, metavar="FILE", help=_("a .pdf, or a .zpl"))
    p.add_argument("--zpl", action="store_true", help=_("ZPL II for a Zebra-class printer"))
    p.add_argument(
        "--dpi",
        type=int,
        default=203,
        choices=DPI_CHOICES,
        help=_("the ZPL printer's resolution (default 203)"),
    )
    p.add_argument("--expiry", required=True, metavar="YYYY-MM-DD", help=_("printed on the labels"))
    p.add_argument("--storage", required=True, metavar="TEXT", help=_("the storage condition"))
    p.add_argument("--reason", help=_("why more labels of this kind are printed (a reprint)"))
    force_option(p)
    as_user(p)
    json_option(p)
    p.set_defaults(func=labels.cmd_label_print)

    p = actions.add_parser(
        "list", parents=[common], help=_("the labels printed for a batch: counts per kind, prints")
    )
    p.add_argument("lot")
    json_option(p)
    p.set_defaults(func=labels.cmd_label_list)
