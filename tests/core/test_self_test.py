"""The self-test: the scenario passes end to end without Qt, and a broken step fails it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from core.audit import ChainReport
from core.validation.self_test import STEPS, run_self_test

ROOT = Path(__file__).resolve().parents[2]
NO_QT = (
    "import sys\n"
    "class Block:\n"
    "    def find_spec(self, name, path=None, target=None):\n"
    "        if name.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6', 'ui'):\n"
    "            raise ImportError('blocked: ' + name)\n"
    "sys.meta_path.insert(0, Block())\n"
    "import main\n"
    "sys.exit(main.main(sys.argv[1:]))\n"
)


@pytest.mark.slow  # an end-to-end run the whole suite (make test) keeps
def test_the_scenario_passes_without_qt_or_a_display(tmp_path, monkeypatch):
    keep = tmp_path / "kept"
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    proc = subprocess.run(
        [sys.executable, "-c", NO_QT, "self-test", "--json", "--keep", str(keep)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads(proc.stdout)
    assert report["passed"] is True
    assert [s["name"] for s in report["steps"]] == [name for _, name, _, _ in STEPS]
    assert all(s["passed"] is True and s["seconds"] >= 0 for s in report["steps"])
    assert report["seconds"] < 30
    # kept on request: the scratch database and the sealed PDF, nowhere near the data folder
    assert (keep / "scratch.db").exists() and (keep / "self-test-summary.pdf").exists()
    assert not (tmp_path / "data").exists()


def test_a_broken_audit_chain_fails_the_self_test_and_the_exit_code(tmp_path, monkeypatch):
    from cli.app import main
    from core.services import audit_trail
    from core.validation import scratch

    work = tmp_path / "scratch"
    monkeypatch.setattr(scratch, "scratch_folder", lambda prefix="": work)
    broken = ChainReport(False, 7, "0" * 64, 7, "its content does not match its hash (changed)")
    monkeypatch.setattr(audit_trail, "verify", lambda db, progress=None: broken)
    lines: list[str] = []
    monkeypatch.setattr("cli.commands_validation.info", lines.append)
    assert main(["self-test"]) == 1
    out = "\n".join(lines)
    assert "FAIL  verify the audit chain" in out
    assert "Audit trail BROKEN at event 7" in out
    assert "Self-test FAILED: 12 of 13 steps passed; failed: verify the audit chain" in out
    assert "PASS  export a sealed PDF batch summary" in out
    assert not work.exists()  # the temporary folder is removed afterwards


def test_a_failed_step_skips_the_steps_that_need_it(monkeypatch):
    from core.services import reports

    def refuse(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(reports, "export_pdf", refuse)
    seen = []
    report = run_self_test(on_step=seen.append)
    assert not report.passed and seen == list(report.steps)
    by_name = {s.name: s for s in report.steps}
    export = by_name["export a sealed PDF batch summary"]
    assert export.passed is False and "OSError: disk full" in export.detail
    skipped = by_name["verify the PDF (and a copy with one flipped byte fails)"]
    assert skipped.passed is None and skipped.word == "SKIP" and "needs" in skipped.detail
    assert by_name["verify the audit chain"].passed is True
