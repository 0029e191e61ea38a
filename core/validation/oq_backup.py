"""Operational qualification of backup and restore (EU GMP Annex 11 §7.1, 21 CFR 11.10(c)): the
restore drill. The scratch site is backed up by its administrator through the real service,
restored into a new file, and the restored database is opened and its audit trail verified; its
row counts and chain head must be the backup's. A copy of the backup with one byte changed must
be refused. On a PostgreSQL site the backup's own verification restores it into a scratch
database of the same server."""

from __future__ import annotations

import shutil

from core.backup import BackupFailed
from core.backup.manifest import manifest_path
from core.i18n import N_, SOURCE, _, in_language
from core.services import audit_trail
from core.services import backup as backups
from core.store import open_database
from core.validation.oq_checks import Bench, Deviates, expect


def restore_drill(b: Bench) -> str:
    site = b.site
    db, admin, password = site.db, site.admin, site.passwords[site.admin.username]
    folder = site.folder / "restore-drill"
    folder.mkdir(exist_ok=True)
    backup_file = folder / "drill-backup"
    with in_language(SOURCE):  # its verification's words are compared below
        made = backups.backup(db, admin, password, backup_file)
    expect(made.ok, _("the backup did not verify: {why}").format(why=made.verification))
    if db.path is None:  # PostgreSQL: verified by a restore into a scratch database
        expect(
            "restored it into a scratch database" in made.verification,
            _("the archive was only listed, not restored: {why}").format(why=made.verification),
        )
        return _(
            "pg_dump archive of event {seq} ({size} bytes) restored into a scratch database of "
            "the same server: audit trail intact, every table's row count and the chain head "
            "equal the site's at the moment of the dump"
        ).format(seq=made.chain_seq, size=made.size_bytes)
    restored = backups.restore(backup_file, folder / "restored.db")
    report = restored.report
    expect(
        report.ok,
        _("the restored copy did not verify: {problems}").format(
            problems="; ".join(report.problems)
        ),
    )
    expect(report.counts_match, _("the restored row counts differ from the backup's"))
    expect(
        (report.chain_seq, report.chain_hash) == (made.chain_seq, made.chain_hash),
        _("the restored chain head is event {seq}, the backup's {expected}").format(
            seq=report.chain_seq, expected=made.chain_seq
        ),
    )
    reopened = open_database(f"sqlite:///{restored.target}")
    try:
        chain = audit_trail.verify(reopened)
    finally:
        reopened.dispose()
    expect(
        chain.intact,
        _("the restored database does not verify: {summary}").format(summary=chain.summary()),
    )
    expect(
        chain.events == made.chain_seq,
        _("it holds {n} events, not {expected}").format(n=chain.events, expected=made.chain_seq),
    )
    damaged = folder / "damaged-backup"
    shutil.copyfile(backup_file, damaged)
    shutil.copyfile(manifest_path(backup_file), manifest_path(damaged))
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0x01
    damaged.write_bytes(bytes(data))
    try:
        backups.restore(damaged, folder / "from-damaged.db")
    except BackupFailed as error:
        refused = error.message
    else:
        raise Deviates(_("a backup with one byte changed was restored"))
    expect(
        not (folder / "from-damaged.db").exists(), _("the damaged backup left a database behind")
    )
    return _(
        "backup of event {seq} ({size} bytes) verified; restored into a new file: {summary} Row "
        "counts of every table and chain head {head}… equal the backup's. A copy with one byte "
        "changed was refused: “{refused}…”"
    ).format(
        seq=made.chain_seq,
        size=made.size_bytes,
        summary=chain.summary(),
        head=report.chain_hash[:12],
        refused=refused[:90],
    )


# (id, title, clauses, expected, run): registered in core/validation/oq.py
RESTORE_DRILL = (
    "OQ-20",
    N_("Backup and restore drill"),
    ("11.10(c)", "A11-7"),
    N_(
        "an administrator's backup of the scratch site verifies (integrity, audit trail, row "
        "counts, chain head, signed checkpoint); restored into a new file, the database opens, its "
        "audit trail verifies and its row counts and chain head are the backup's; a backup with "
        "one byte changed is refused"
    ),
    restore_drill,
)
