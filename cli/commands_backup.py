"""backup -o FILE | --if-due, backup list, backup verify FILE, restore FILE --to PATH."""

from __future__ import annotations

import sys

from cli import credentials
from cli.context import open_db
from cli.output import emit_json, info, table
from core.clock import local_text


def cmd_backup(args) -> int:
    from core.services import backup

    if bool(args.output) == bool(args.if_due):
        args.backup_parser.error("give either -o FILE (with --user) or --if-due")
    if args.output and not args.user:
        args.backup_parser.error("-o FILE needs --user ADMIN (who makes the backup)")
    db = open_db(args)
    if args.if_due:
        run = backup.backup_if_due(db)
        info(run.message)
        if run.made and run.backup is not None:
            _made(run.backup)
        return 0
    from core.services.users import authenticate

    password = credentials.password(args, "Password (to back up): ")
    admin = authenticate(db, args.user, password)
    _made(backup.backup(db, admin, password, args.output, force=args.force))
    return 0


def _made(view) -> None:
    info(f"Backed up to {view.file} (manifest beside it: {view.file}.manifest.json).")
    info(f"  chain head: event {view.chain_seq}, {view.chain_hash}")
    info(f"  SHA-256:    {view.sha256}")
    info(f"  verified:   {view.verification}")


def cmd_backup_list(args) -> int:
    from core.services import backup

    views = backup.history(open_db(args))
    if args.json:
        emit_json(views)
        return 0
    if not views:
        info("No backup has been made of this database.")
        return 0
    rows = [
        (
            local_text(v.made_at),
            v.made_by,
            v.kind,
            "verified" if v.ok else "FAILED",
            v.file,
            v.sha256 or v.verification,
        )
        for v in views
    ]
    table(("WHEN", "WHO", "KIND", "RESULT", "FILE", "SHA-256 / WHY IT FAILED"), rows)
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
        print(f"lotbook: {args.file} is not a good backup: {report.problems[0]}", file=sys.stderr)
        return 1
    return 0


def cmd_restore(args) -> int:
    from core.services import backup

    result = backup.restore(args.file, args.to)
    if args.json:
        emit_json({"target": result.target, "next_step": result.next_step, **_plain(result.report)})
        return 0
    info(f"Restored {args.file} into {result.target} (verified before it was put in place).")
    _report(result.report)
    info(result.next_step)
    return 0


def _report(report) -> None:
    made = report.made_at[:19].replace("T", " ")
    info(f"  made:       {made} UTC by {report.made_by} from {report.source}")
    info(f"  Lotbook:    {report.app_version}, schema {report.schema_revision}")
    info(f"  integrity:  {report.integrity}")
    info(f"  audit:      {report.chain}")
    info(f"  counts:     {'match the manifest' if report.counts_match else 'not matched'}")
    info(f"  chain head: event {report.chain_seq}, {report.chain_hash}")
    info(f"  SHA-256:    {report.sha256}")
    for problem in report.problems:
        info(f"  PROBLEM:    {problem}")
    if report.ok:
        info("  Good backup.")


def _plain(report) -> dict:
    from dataclasses import asdict

    return asdict(report)


def _names_server(args) -> bool:
    """A PostgreSQL archive can be checked by a scratch restore on the site's server."""
    from cli.context import db_url
    from core.paths import is_sqlite

    return not is_sqlite(db_url(args))
