"""The signing, review and release commands of the command line: sign, review, export-pdf,
verify-pdf, ca, and the options a QA disposition takes."""

from __future__ import annotations

import argparse

from cli import commands_signing as signing
from cli.command_table import command_help
from cli.options import as_user, force_option, json_option
from core.i18n import _

DISPOSITIONS = (
    "released",
    "released_pending",
    "exceptional_release",
    "quarantined",
    "rejected",
    "post_release_oos",
)


def _disposition_details(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--deviation",
        metavar="REF",
        help=_("exceptional_release / post_release_oos: the deviation the disposition rests on"),
    )
    parser.add_argument(
        "--physician",
        metavar="TEXT",
        help=_(
            "exceptional_release / post_release_oos: who notified the treating physician, "
            "when and how"
        ),
    )


def add_signing_commands(sub, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "sign",
        parents=[common],
        help=command_help("sign") + ": " + ", ".join(DISPOSITIONS),
    )
    p.add_argument("lot")
    p.add_argument(
        "--meaning",
        required=True,
        type=str.upper,
        choices=("PERFORMED", "VERIFIED", "REVIEWED", "APPROVED"),
    )
    p.add_argument("--step", metavar="STEP_ID", help=_("the step (PERFORMED, VERIFIED)"))
    p.add_argument("--disposition", choices=DISPOSITIONS, help=_("QA disposition (APPROVED)"))
    p.add_argument("--reason", help=_("why (required with a disposition)"))
    _disposition_details(p)
    as_user(p)
    json_option(p)
    p.set_defaults(func=signing.cmd_sign)
    p = sub.add_parser("review", parents=[common], help=command_help("review"))
    p.add_argument("lot")
    json_option(p)
    p.set_defaults(func=signing.cmd_review)
    p = sub.add_parser(
        "export-pdf",
        parents=[common],
        help=command_help("export-pdf"),
    )
    p.add_argument("lot")
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    force_option(p)
    p.add_argument("--coa", action="store_true", help=_("the certificate of analysis instead"))
    p.add_argument(
        "--approve",
        metavar="DISPOSITION",
        choices=DISPOSITIONS,
        help=_("QA: approve this disposition and seal the summary in one act (needs --reason)"),
    )
    p.add_argument("--reason")
    _disposition_details(p)
    p.add_argument(
        "--draft",
        action="store_true",
        help=_("with --coa: a draft of a lot without a disposition, marked DRAFT on every page"),
    )
    as_user(p)
    p.set_defaults(func=signing.cmd_export_pdf)
    p = sub.add_parser(
        "verify-pdf",
        parents=[common],
        help=command_help("verify-pdf"),
    )
    p.add_argument("file")
    p.add_argument(
        "--ca", metavar="CERT", help=_("the site CA certificate (else from the database)")
    )
    json_option(p)
    p.set_defaults(func=signing.cmd_verify_pdf)
    ca = sub.add_parser("ca", help=command_help("ca"))
    cs = ca.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = cs.add_parser("export", parents=[common], help=_("write the site CA certificate (PEM)"))
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    force_option(p)
    p.set_defaults(func=signing.cmd_ca_export)
    p = cs.add_parser("issue", parents=[common], help=_("issue waiting user certificates (admin)"))
    p.add_argument(
        "names", nargs="*", metavar="USER", help=_("only these users (else all waiting)")
    )
    as_user(p)
    p.set_defaults(func=signing.cmd_ca_issue)
    p = cs.add_parser("status", parents=[common], help=_("each user's signing key and certificate"))
    json_option(p)
    p.set_defaults(func=signing.cmd_ca_status)
    p = cs.add_parser(
        "create", parents=[common], help=_("create the CA of an older database (admin)")
    )
    as_user(p)
    p.set_defaults(func=signing.cmd_ca_create)
