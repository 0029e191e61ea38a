"""backup -o FILE | --if-due, backup list, backup verify FILE, restore FILE --to PATH."""

from __future__ import annotations

import sys

from cli import credentials
from cli.context import open_db
from cli.output import emit_json, info, table
from core.clock import local_text
from core.i18n import _


def cmd_backup(args) -> int:
    from core.services import backup

    if bool(args.output) == bool(args.if_due):
        args.backup_parser.error(_("give either -o FILE (with --user) or --if-due"))
    if args.output and not args.user:
        args.backup_parser.error(_("-o FILE needs --user ADMIN (who makes the backup)"))
    db = open_db(args)
    if args.if_due:
        run = backup.backup_if_due(db)
        info(run.message)
        if run.made and run.backup is not None:
            _made(run.backup)
        return 0
    from core.services.users import authenticate

    password = credentials.password(args, _("Password (to back up): "))
    admin = authenticate(db, args.user, password)
    _made(backup.backup(db, admin, password, args.output, force=args.force))
    return 0


def _made(view) -> None:
    info(
        _("Backed up to {file} (manifest beside it: {file}.manifest.json).").format(file=view.file)
    )
    info(_("  chain head: event {seq}, {hash}").format(seq=view.chain_seq, hash=view.chain_hash))
    info(_("  SHA-256:    {sha256}").format(sha256=view.sha256))
    info(_("  verified:   {verification}").format(verification=view.verification))


def cmd_backup_list(args) -> int:
    from core.services import backup

    views = backup.history(open_db(args))
    if args.json:
        emit_json(views)
        return 0
    if not views:
        info(_("No backup has been made of this database."))
        return 0
    rows = [
        (
            local_text(v.made_at),
            v.made_by,
            v.kind,
            _("verified") if v.ok else _("FAILED"),
            v.file,
            v.sha256 or v.verification,
        )
        for v in views
    ]
    headers = (_("WHEN"), _("WHO"), _("KIND"), _("RESULT"), _("FILE"))
    table((*headers, _("SHA-256 / WHY IT FAILED")), rows)
    return 0


def cmd_backup_verify(args) -> int:
    from core.services import backup

    db = open_db(args) if _names_server(args) else None
    report = backup.verify_backup(args.file, db)
    if args.json:
        emit_json({**_plain(report), "ok": report.ok})
    else:
        _report(report)
    if not report.ok:
        refused = _("{file} is not a good backup: {problem}").format(
            file=args.file, problem=report.problems[0]
        )
        print(f"lotbook: {refused}", file=sys.stderr)
        return 1
    return 0


def cmd_restore(args) -> int:
    from core.services import backup

    result = backup.restore(args.file, args.to)
    if args.json:
        emit_json({"target": result.target, "next_step": result.next_step, **_plain(result.report)})
        return 0
    info(
        _("Restored {file} into {target} (verified before it was put in place).").format(
            file=args.file, target=result.target
        )
    )
    _report(result.report)
    info(result.next_step)
    return 0


def _report(report) -> None:
    made = report.made_at[:19].replace("T", " ")
    info(
        _("  made:       {made} UTC by {who} from {source}").format(
            made=made, who=report.made_by, source=report.source
        )
    )
    info(
        _("  Lotbook:    {version}, schema {revision}").format(
            version=report.app_version, revision=report.schema_revision
        )
    )
    info(_("  integrity:  {integrity}").format(integrity=report.integrity))
    info(_("  audit:      {chain}").format(chain=report.chain))
    info(
        _("  counts:     match the manifest")
        if report.counts_match
        else _("  counts:     not matched")
    )
    info(
        _("  chain head: event {seq}, {hash}").format(seq=report.chain_seq, hash=report.chain_hash)
    )
    info(_("  SHA-256:    {sha256}").format(sha256=report.sha256))
    for problem in report.problems:
        info(_("  PROBLEM:    {problem}").format(problem=problem))
    if report.ok:
        info(_("  Good backup."))


def _plain(report) -> dict:
    from dataclasses import asdict

    return asdict(report)


def _names_server(args) -> bool:
    """A PostgreSQL archive can be checked by a scratch restore on the site's server."""
    from cli.context import db_url
    from core.paths import is_sqlite

    return not is_sqlite(db_url(args))
