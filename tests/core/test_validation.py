"""IQ and OQ: the manifest check, the installation facts, each OQ check on the real code, and an
OQ check that fails when the behaviour it proves is broken."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

import pytest

from core.auth.policy import SitePolicy
from core.validation import iq
from core.validation.clauses import CLAUSES, PROCEDURAL, coverage
from core.validation.model import Outcome
from core.validation.oq import CHECKS, run_oq
from core.version import app_version


def _bundle(tmp_path: Path) -> Path:
    """A made-up installed bundle and its manifest."""
    root = tmp_path / "bundle"
    (root / "_internal" / "resources").mkdir(parents=True)
    files = {"lotbook": b"\x7fELF binary", "_internal/resources/a.toml": b"key = 1\n"}
    for name, data in files.items():
        (root / name).write_bytes(data)
    manifest = root / iq.MANIFEST_NAME
    manifest.write_text(
        json.dumps(
            {
                "name": "lotbook",
                "version": app_version(),
                "built_at": "2026-11-20T10:00:00+00:00",
                "python": "3.11.7",
                "platform": "linux-x86_64",
                "files": {n: hashlib.sha256(d).hexdigest() for n, d in files.items()},
            }
        ),
        "utf-8",
    )
    return manifest


def test_manifest_of_an_intact_bundle_passes_and_notes_extra_files(tmp_path):
    manifest = _bundle(tmp_path)
    (manifest.parent / "notes.txt").write_text("left by someone")
    item = iq.check_bundle(manifest)
    assert item.id == "IQ-01" and item.result == Outcome.PASS, item.observed
    assert "2 files checked" in item.observed and "notes.txt" in item.observed


def test_a_changed_file_fails_the_manifest_check_and_is_named(tmp_path):
    manifest = _bundle(tmp_path)
    (manifest.parent / "_internal" / "resources" / "a.toml").write_bytes(b"key = 2\n")
    item = iq.check_bundle(manifest)
    assert item.result == Outcome.FAIL
    assert "CHANGED 1: _internal/resources/a.toml" in item.observed


def test_a_missing_file_fails_the_manifest_check_and_is_named(tmp_path):
    manifest = _bundle(tmp_path)
    (manifest.parent / "lotbook").unlink()
    item = iq.check_bundle(manifest)
    assert item.result == Outcome.FAIL and "MISSING 1: lotbook" in item.observed


def test_an_unreadable_manifest_fails(tmp_path):
    manifest = tmp_path / iq.MANIFEST_NAME
    manifest.write_text("{not json")
    assert iq.check_bundle(manifest).result == Outcome.FAIL


def test_running_from_source_has_no_manifest(site, monkeypatch):
    assert iq.default_manifest() is None
    items = {i.id: i for i in iq.run_iq(site)}
    assert items["IQ-01"].result == Outcome.NOT_APPLICABLE
    assert items["IQ-01"].observed == "running from source (no bundle manifest)"
    assert not any(i.failed for i in items.values()), [i for i in items.values() if i.failed]
    assert "Lotbook " + app_version() == items["IQ-02"].observed
    assert "schema" in items["IQ-12"].observed and site.display_name in items["IQ-12"].observed
    assert "cart-auto-lv v2" in items["IQ-14"].observed
    # frozen, the manifest is looked for beside the executable
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", "/opt/lotbook/lotbook")
    assert iq.default_manifest() == Path("/opt/lotbook/lotbook-manifest.json")


@pytest.mark.parametrize(
    ("version", "spec", "ok"),
    [
        ("5.1.0", "==5.1.0", True),
        ("5.1.1", "==5.1.0", False),
        ("48.0.1", ">=48,<49", True),
        ("49.0", ">=48,<49", False),
        ("3.11.7", ">=3.11,<3.12", True),
    ],
)
def test_version_specifiers(version, spec, ok):
    assert iq.satisfies(version, spec) is ok


@pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")
def test_data_folder_writable_by_everyone_fails(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    assert iq.data_folder_item(folder, None).result == Outcome.PASS
    folder.chmod(0o777)
    item = iq.data_folder_item(folder, None)
    assert item.result == Outcome.FAIL and "0777" in item.observed
    missing = iq.data_folder_item(tmp_path / "gone", tmp_path / "gone" / "lotbook.db")
    assert missing.result == Outcome.FAIL


def test_every_oq_check_passes_on_the_real_code(site):
    before = set(Path(os.environ["LOTBOOK_DATA_DIR"]).parent.iterdir())
    seen = []
    items = run_oq(SitePolicy(), on_item=seen.append)
    assert [i.id for i in items] == [f"OQ-{n:02d}" for n in range(1, 25)] and seen == items
    failed = [(i.id, i.observed) for i in items if i.result != Outcome.PASS]
    assert not failed
    assert set(Path(os.environ["LOTBOOK_DATA_DIR"]).parent.iterdir()) == before
    keys = {c.key for c in CLAUSES}
    assert all(set(check.clauses) <= keys for check in CHECKS)
    by_key = {c.clause.key: c for c in coverage(items)}
    assert by_key["A11-11"].covered_by == PROCEDURAL
    assert "OQ-01" in by_key["11.10(e)"].items and by_key["11.50"].items == ("OQ-13",)
    # the release decisions are qualified too
    assert by_key["A11-15"].items == ("OQ-15", "OQ-16") and by_key["11.10(h)"].items == ("OQ-17",)
    assert "OQ-18" in by_key["A11-10"].items
    assert "OQ-20" in by_key["A11-7"].items  # the restore drill
    assert "OQ-21" in by_key["A11-7"].items  # the trail covers the state
    # materials and equipment at their point of use
    assert {"OQ-22", "OQ-23", "OQ-24"} <= set(by_key["A11-6"].items)


def test_an_oq_check_fails_when_the_behaviour_is_broken(monkeypatch):
    from core.services import settings
    from core.store.database import UnitOfWork

    real_audit = UnitOfWork.audit

    def no_correction_events(self, action, *args, **kwargs):
        if action == "result.correct":
            return self.head.seq  # the service "forgets" its audit event
        return real_audit(self, action, *args, **kwargs)

    monkeypatch.setattr(UnitOfWork, "audit", no_correction_events)
    monkeypatch.setitem(settings.LIMITS, "idle_lock_minutes", (0, 600, "minutes"))
    wanted = tuple(c for c in CHECKS if c.id in ("OQ-01", "OQ-11"))
    audit, idle = run_oq(SitePolicy(lockout_attempts=3), checks=wanted)
    assert audit.result == Outcome.FAIL
    assert audit.observed == "no audit event was written for the correction"
    assert idle.result == Outcome.FAIL and "allows 0–600 min" in idle.observed


def test_lockout_follows_the_sites_setting():
    (item,) = run_oq(SitePolicy(lockout_attempts=3), checks=(CHECKS[9],))
    assert item.result == Outcome.PASS and "after 3 wrong passwords" in item.observed
