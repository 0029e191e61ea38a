"""audit verify | export | list, and demo."""

from __future__ import annotations

import sys
from pathlib import Path

from cli.context import db_url, open_db
from cli.output import emit_json, info, table
from core.auth.roles import role_words
from core.i18n import _, ngettext
from core.services import audit_trail
from core.services.trail_verification import verify_trail


def cmd_audit_verify(args) -> int:
    db = open_db(args)

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            shown = _("verified {done} of {total} events").format(done=done, total=total)
            print(f"\r{shown}", end="", file=sys.stderr, flush=True)

    heads = _pdf_heads(getattr(args, "pdf", []))
    report = verify_trail(db, progress, heads)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    if args.json:
        emit_json(report)
    else:
        info(report.summary())
        for problem in report.problems:
            info(f"  - {problem}")
    if not report.intact:
        print(f"lotbook: {report.summary()}", file=sys.stderr)
        return 1
    return 0


def _pdf_heads(files: list[str]) -> list:
    """The chain head each PDF printed; a PDF that names none is refused."""
    from core.errors import DomainError
    from core.inputs import MB, read_regular_file
    from core.services.trail_verification import pdf_head

    heads = []
    for name in files:
        pdf = read_regular_file(Path(name), max_bytes=200 * MB, done="nothing was verified")
        head = pdf_head(pdf, Path(name).name)
        if head is None:
            raise DomainError(
                _("{file} is not a Lotbook batch PDF: it names no audit chain head.").format(
                    file=name
                )
            )
        heads.append(head)
    return heads


def cmd_audit_export(args) -> int:
    count = audit_trail.export(
        open_db(args), Path(args.output), args.format, lot=args.batch, force=args.force
    )
    # the same English for one and many (as before); translators give each form its own words
    wrote = ngettext(
        "Wrote {count} audit events to {file}.", "Wrote {count} audit events to {file}.", count
    )
    info(wrote.format(count=count, file=args.output))
    return 0


def cmd_audit_list(args) -> int:
    views = audit_trail.events(open_db(args), lot=args.batch, user=args.by, action=args.action)
    if args.json:
        emit_json(views)
        return 0
    rows = [
        (e.seq, e.at[:19].replace("T", " "), e.user, e.action, e.entity_id, e.reason or "")
        for e in views
    ]
    table((_("SEQ"), _("AT (UTC)"), _("USER"), _("ACTION"), _("WHAT"), _("REASON")), rows)
    return 0


def cmd_demo(args) -> int:
    from core.demo.build import build_demo
    from core.demo.people import DEMO_PASSWORDS

    db = build_demo(db_url(args, demo=True))
    info(_("Demo database ready: {name}").format(name=db.display_name))
    table(
        (_("USERNAME"), _("ROLE"), _("PASSWORD")),
        [(u, role_words(r), p) for u, (r, p) in DEMO_PASSWORDS.items()],
    )
    db.dispose()
    return 0
