"""The command line: argument parsing and dispatch.

Exit 0 ok, 1 refused or failed (one-line reason on stderr), 2 usage. Commands that act as a user
take --user; passwords never come from arguments.

The language of what people read is --lang's, else the environment's (LANGUAGE, LC_ALL,
LC_MESSAGES, LANG), else English; it is chosen before the parser is built (its help texts are
translated as they are made). --json output is always in English: it is for programs."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence

from cli import commands_audit as audit
from cli import commands_batches as batches
from cli import commands_instruments as instruments
from cli import commands_people as people
from cli import commands_signing as signing
from cli import commands_templates as templates
from cli import commands_validation as validation
from cli.command_table import command_help
from cli.options import as_user, choose_language, common_options, force_option, json_option
from cli.output import refusal
from cli.parser_backup import add_backup_commands
from cli.parser_custody import add_custody_commands
from cli.parser_equipment import add_equipment_commands
from cli.parser_materials import add_material_commands
from cli.parser_signing import add_signing_commands
from cli.parser_trail import add_audit_checkpoint, add_clock_commands
from core.errors import DomainError
from core.i18n import SOURCE, _, in_language, set_language

# argparse takes "-4,5" (a decimal comma) or "-1.2e3" for an option; values may be negative.
_NEGATIVE_NUMBER = re.compile(r"^-(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


def _accept_negative_numbers(parser: argparse.ArgumentParser) -> None:
    parser._negative_number_matcher = _NEGATIVE_NUMBER
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                _accept_negative_numbers(child)


def build_parser() -> argparse.ArgumentParser:
    common = common_options()
    parser = argparse.ArgumentParser(
        prog="lotbook" if getattr(sys, "frozen", False) else "main.py",
        parents=[common_options(default=None)],
        description=_(
            "Lotbook — bench batch record for cell and gene therapy manufacturing. "
            "Without a command, opens the app."
        ),
    )
    parser.add_argument("--demo", action="store_true", help=_("open the app on the demo database"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("init", parents=[common], help=command_help("init"))
    p.add_argument("--admin", required=True, metavar="NAME")
    p.add_argument("--full-name", required=True)
    p.add_argument("--timezone", metavar="ZONE", help=_("the site's time zone (IANA name)"))
    p.add_argument("--password-stdin", action="store_true")
    p.set_defaults(func=people.cmd_init)

    user = sub.add_parser("user", help=command_help("user"))
    us = user.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = us.add_parser(
        "add",
        parents=[common],
        help=_("add a user (initial password from LOTBOOK_NEW_PASSWORD or a prompt)"),
    )
    p.add_argument("name")
    p.add_argument(
        "--role", required=True, choices=("technician", "supervisor", "qc", "qa", "admin")
    )
    p.add_argument("--full-name", required=True)
    as_user(p)
    p.set_defaults(func=people.cmd_user_add)
    p = us.add_parser("deactivate", parents=[common], help=_("deactivate a user (never deleted)"))
    p.add_argument("name")
    p.add_argument("--reason", required=True)
    as_user(p)
    p.set_defaults(func=people.cmd_user_deactivate)
    p = us.add_parser("passwd", parents=[common], help=_("change your own password"))
    as_user(p)
    p.set_defaults(func=people.cmd_user_passwd)
    p = us.add_parser("unlock", parents=[common], help=_("unlock a locked account"))
    p.add_argument("name")
    p.add_argument("--reason", required=True)
    as_user(p)
    p.set_defaults(func=people.cmd_user_unlock)
    p = us.add_parser("reset-password", parents=[common], help=_("give a new initial password"))
    p.add_argument("name")
    p.add_argument("--reason", required=True)
    as_user(p)
    p.set_defaults(func=people.cmd_user_reset)
    p = us.add_parser("list", parents=[common], help=_("list users"))
    json_option(p)
    p.set_defaults(func=people.cmd_user_list)

    tpl = sub.add_parser("template", help=command_help("template"))
    ts = tpl.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = ts.add_parser("list", parents=[common], help=_("list loaded templates"))
    p.add_argument("--all", action="store_true", help=_("every version, not just the newest"))
    json_option(p)
    p.set_defaults(func=templates.cmd_template_list)
    p = ts.add_parser(
        "show", parents=[common], help=_("steps, checks (ids) and specs of a template")
    )
    p.add_argument("key")
    p.add_argument("--version", type=int)
    json_option(p)
    p.set_defaults(func=templates.cmd_template_show)
    p = ts.add_parser("load", parents=[common], help=_("validate and load a template file (admin)"))
    p.add_argument("file")
    as_user(p)
    p.set_defaults(func=templates.cmd_template_load)
    p = ts.add_parser(
        "approve",
        parents=[common],
        help=_("QA: approve a template version, confirming its example limits (e-signature)"),
    )
    p.add_argument("key")
    p.add_argument("--version", type=int, required=True)
    p.add_argument("--reason", required=True, help=_("what the approval rests on"))
    as_user(p)
    p.set_defaults(func=templates.cmd_template_approve)

    bat = sub.add_parser("batch", help=command_help("batch"))
    bs = bat.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = bs.add_parser("start", parents=[common], help=_("start a batch on a template"))
    p.add_argument("--template", required=True, metavar="KEY")
    p.add_argument("--lot", required=True)
    p.add_argument("--coi", metavar="ID", help=_("chain-of-identity id (autologous products)"))
    as_user(p)
    p.set_defaults(func=batches.cmd_batch_start)
    for name, func, helptext in (
        ("record", batches.cmd_batch_record, _("record the value of a check")),
        ("correct", batches.cmd_batch_correct, _("correct a recorded value (reason required)")),
    ):
        p = bs.add_parser(name, parents=[common], help=helptext)
        p.add_argument("lot")
        p.add_argument("check", metavar="CHECK_ID")
        p.add_argument("value")
        if name == "correct":
            p.add_argument("--reason", required=True)
        else:
            p.add_argument(
                "--qa-override",
                metavar="QA_USER",
                help=_(
                    "record a lot or an item of equipment refused at its point of use, on this "
                    "QA user's authority (their password is asked; a deviation is opened)"
                ),
            )
            p.add_argument("--reason", help=_("with --qa-override: why it is used though refused"))
        p.add_argument("--comment")
        p.add_argument("--deviation", metavar="ID")
        as_user(p)
        p.set_defaults(func=func)
    p = bs.add_parser("justify", parents=[common], help=_("justify a held out-of-spec value"))
    p.add_argument("lot")
    p.add_argument("check", metavar="CHECK_ID")
    p.add_argument("--comment")
    p.add_argument("--deviation", metavar="ID")
    as_user(p)
    p.set_defaults(func=batches.cmd_batch_justify)
    p = bs.add_parser("show", parents=[common], help=_("current values, verdicts, history"))
    p.add_argument("lot")
    p.add_argument("--all", action="store_true", help=_("also checks not recorded yet"))
    json_option(p)
    p.set_defaults(func=batches.cmd_batch_show)
    p = bs.add_parser("list", parents=[common], help=_("list batches"))
    p.add_argument("--search", metavar="TEXT", help=_("part of a lot or chain-of-identity id"))
    p.add_argument("--family", choices=("CAR-T", "MSC", "AAV", "LV"))
    p.add_argument("--status")
    json_option(p)
    p.set_defaults(func=batches.cmd_batch_list)

    dev = sub.add_parser("deviation", help=command_help("deviation"))
    ds = dev.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = ds.add_parser("open", parents=[common], help=_("open a deviation on a batch"))
    p.add_argument("lot")
    p.add_argument("--class", dest="cls", required=True, choices=("minor", "major", "critical"))
    p.add_argument("--text", required=True)
    p.add_argument("--check", metavar="CHECK_ID")
    as_user(p)
    json_option(p)
    p.set_defaults(func=batches.cmd_deviation_open)
    p = ds.add_parser("list", parents=[common], help=_("deviations of a batch"))
    p.add_argument("lot")
    json_option(p)
    p.set_defaults(func=batches.cmd_deviation_list)
    p = ds.add_parser(
        "close", parents=[common], help=_("close a deviation with its conclusion (QA)")
    )
    p.add_argument("ref")
    p.add_argument("--conclusion", required=True, help=_("root cause, impact on the batch, CAPA"))
    as_user(p)
    p.set_defaults(func=signing.cmd_deviation_close)

    exc = sub.add_parser("excursion", help=command_help("excursion"))
    es = exc.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = es.add_parser(
        "assess",
        parents=[common],
        help=_("link a deviation to an excursion, or (QA) assess it with a reason"),
    )
    p.add_argument("lot")
    p.add_argument("excursion", type=int, metavar="EXCURSION_ID", help=_("its number (review)"))
    p.add_argument("--deviation", metavar="REF")
    p.add_argument("--reason")
    as_user(p)
    p.set_defaults(func=batches.cmd_excursion_assess)

    aud = sub.add_parser("audit", help=command_help("audit"))
    au = aud.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = au.add_parser(
        "verify",
        parents=[common],
        help=_("the chain, the state it seals, its anchors (exit 1: not)"),
    )
    p.add_argument(
        "--pdf", nargs="+", default=[], metavar="FILE", help=_("also prove these PDFs' chain heads")
    )
    json_option(p)
    p.set_defaults(func=audit.cmd_audit_verify)
    p = au.add_parser("export", parents=[common], help=_("export events as CSV or JSON"))
    p.add_argument("--batch", metavar="LOT")
    p.add_argument("--format", required=True, choices=("csv", "json"))
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    force_option(p)
    p.set_defaults(func=audit.cmd_audit_export)
    p = au.add_parser(
        "review",
        parents=[common],
        help=_("mark a batch's audit trail reviewed (not an originator)"),
    )
    p.add_argument("lot")
    p.add_argument("--comment")
    as_user(p)
    p.set_defaults(func=signing.cmd_audit_review)
    p = au.add_parser("list", parents=[common], help=_("list events"))
    p.add_argument("--batch", metavar="LOT")
    p.add_argument("--by", metavar="USER")
    p.add_argument("--action", metavar="PREFIX")
    json_option(p)
    p.set_defaults(func=audit.cmd_audit_list)
    add_audit_checkpoint(au, common)
    add_clock_commands(sub, common)

    settings = sub.add_parser("settings", help=command_help("settings"))
    ss = settings.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = ss.add_parser("show", parents=[common], help=_("lockout threshold, idle-lock minutes"))
    json_option(p)
    p.set_defaults(func=people.cmd_settings_show)
    p = ss.add_parser("set", parents=[common], help=_("change a setting (audited)"))
    p.add_argument(
        "key",
        choices=(
            "lockout_attempts",
            "idle_lock_minutes",
            "import_max_mb",
            "time_zone",
            "release_results_by",
            "decimal_mark",
            "backup_folder",
            "backup_every_hours",
        ),
    )
    p.add_argument("value")
    p.add_argument("--reason", required=True)
    as_user(p)
    p.set_defaults(func=people.cmd_settings_set)

    p = sub.add_parser("profiles", parents=[common], help=command_help("profiles"))
    json_option(p)
    p.set_defaults(func=instruments.cmd_profiles)
    p = sub.add_parser("import", parents=[common], help=command_help("import"))
    p.add_argument("file")
    p.add_argument("--batch", required=True, metavar="LOT")
    p.add_argument("--profile", metavar="NAME", help=_("else recognised from the file"))
    p.add_argument("--timezone", metavar="ZONE", help=_("for times without a zone (IANA name)"))
    p.add_argument("--step", metavar="STEP_ID", help=_("the step a one-sample count belongs to"))
    p.add_argument(
        "--reason", help=_("accepts counts measured outside their expected time (kept, reviewed)")
    )
    as_user(p)
    p.set_defaults(func=instruments.cmd_import)
    p = sub.add_parser("simulate", parents=[common], help=command_help("simulate"))
    ss = p.add_subparsers(dest="what", required=True, metavar="WHAT")
    p = ss.add_parser("bioreactor", parents=[common], help=_("a bioreactor log (CSV)"))
    p.add_argument("--out", required=True, metavar="FILE")
    force_option(p)
    p.add_argument("--days", type=float, required=True)
    p.add_argument("--rate", type=float, required=True, metavar="HZ")
    p.add_argument("--speed", type=float, help=_("write in real time sped up X times (live demo)"))
    p.add_argument("--start", metavar="ISO", help=_("first time stamp (default: now, UTC)"))
    p.add_argument("--seed", type=int, default=1)
    p.set_defaults(func=instruments.cmd_simulate)

    add_signing_commands(sub, common)
    add_backup_commands(sub, common)
    add_equipment_commands(sub, common)
    add_material_commands(sub, common)
    add_custody_commands(sub, common)
    from cli.parser_labels import add_label_commands  # labels: print, list

    add_label_commands(sub, common)

    p = sub.add_parser("demo", parents=[common], help=command_help("demo"))
    p.set_defaults(func=audit.cmd_demo)

    p = sub.add_parser("self-test", help=command_help("self-test"))
    p.add_argument("--keep", metavar="DIR", help=_("keep the scratch database and PDF in DIR"))
    json_option(p)
    p.set_defaults(func=validation.cmd_self_test)
    p = sub.add_parser(
        "validate",
        parents=[common],
        help=command_help("validate"),
    )
    p.add_argument("--report", required=True, metavar="FILE.pdf")
    force_option(p)
    as_user(p)
    p.set_defaults(func=validation.cmd_validate)
    _accept_negative_numbers(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    try:
        if getattr(args, "json", False):  # for programs: the same whatever the language
            with in_language(SOURCE):
                return int(args.func(args) or 0)
        return int(args.func(args) or 0)
    except DomainError as error:
        hint = f" {error.cli_hint}" if error.cli_hint else ""
        print(f"lotbook: {refusal(str(error) + hint)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("lotbook: " + _("interrupted; nothing further was written."), file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except Exception as error:  # the one place that turns a crash into a message
        from core.faults import classify, summary

        fault = classify(error, url=_database_url(args))
        if fault is not None:  # a full disk, read-only media, a busy database, a server gone
            print(f"lotbook: {refusal(str(fault))}", file=sys.stderr)
            return 1
        message = _("unexpected error ({summary}). Committed data is safe; {details}.")
        print(
            "lotbook: " + message.format(summary=summary(error), details=_log_unexpected(error)),
            file=sys.stderr,
        )
        return 1


def _database_url(args: argparse.Namespace) -> str | None:
    from core.paths import resolve_db_url

    try:
        return resolve_db_url(getattr(args, "db", None))
    except Exception:  # no database to name
        return None


def _log_unexpected(error: Exception) -> str:
    """Write the error to the log if the data folder lets us; returns where the details are (or
    why they could not be written). Never raises."""
    from core.error_log import log_error

    return log_error(error, f"in {' '.join(sys.argv[1:2])}")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    choose_language(argv, dict(os.environ))
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "lang", None):  # as parsed (an abbreviated --lang, say)
        set_language(args.lang)
    if args.command is None:
        parser.print_help()
        return 2
    return run(args)
