"""A backup's manifest: a JSON file beside the backup (``<backup>.manifest.json``) that says what
the backup holds and how to check it — the app version and schema revision that wrote it, the
database it came from, when (UTC) and by whom, the row count of every table, the audit chain
head (sequence number and hash), the signed checkpoint written just before the copy, what was
verified, and the SHA-256 and size of the backup file."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from core.backup import BackupFailed

FORMAT = "lotbook-backup"
FORMAT_VERSION = 1
SUFFIX = ".manifest.json"


@dataclass(frozen=True)
class Manifest:
    engine: str  # "sqlite" | "postgresql" (a pg_dump custom-format archive)
    file: str  # the backup file's name (the manifest lies beside it)
    sha256: str
    size_bytes: int
    app_version: str
    schema_revision: str | None
    source: str  # the database it was taken from (never a password)
    made_at: str  # canonical UTC ISO text
    made_by: str  # username, or "system" for a scheduled backup
    kind: str  # "manual" | "scheduled"
    chain_seq: int
    chain_hash: str
    counts: Mapping[str, int] = field(default_factory=dict)  # rows of every table
    checkpoint: Mapping[str, Any] | None = None  # id, seq, hash, signer
    verified: Mapping[str, str] = field(default_factory=dict)  # what was checked, in words
    format: str = FORMAT
    format_version: int = FORMAT_VERSION

    def to_bytes(self) -> bytes:
        data = asdict(self)
        data["counts"] = dict(sorted(self.counts.items()))
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def manifest_path(backup: Path) -> Path:
    return backup.with_name(backup.name + SUFFIX)


def read_manifest(backup: Path) -> Manifest:
    """The manifest beside ``backup``, or a refusal saying what is wrong with it."""
    path = manifest_path(backup)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupFailed(
            f"No manifest beside {backup.name} ({path.name} is missing): the backup cannot be "
            "checked. Copy the manifest with the backup."
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupFailed(f"The manifest {path.name} cannot be read: {error}.") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupFailed(f"{path.name} is not a Lotbook backup manifest.")
    if data.get("format_version") != FORMAT_VERSION:
        raise BackupFailed(
            f"{path.name} has manifest format {data.get('format_version')}; this Lotbook reads "
            f"format {FORMAT_VERSION}. Use the Lotbook version that made the backup."
        )
    known = set(Manifest.__dataclass_fields__)
    try:
        return Manifest(**{k: v for k, v in data.items() if k in known})
    except TypeError as error:
        raise BackupFailed(f"The manifest {path.name} is incomplete: {error}.") from None
