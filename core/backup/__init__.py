"""Backups of the site database: a consistent copy (SQLite's online backup API, or pg_dump), its
manifest, verification of a copy (integrity, audit chain, row counts, chain head) and where the
history of backups is kept. The verbs that use them are in core/services/backup.py.

This room, like core/store, speaks each database's own dialect (PRAGMAs, pg_dump)."""

from __future__ import annotations

from core.errors import DomainError


class BackupFailed(DomainError):
    """A backup or a restore could not be made, or its copy did not verify; nothing half-made is
    left behind."""
