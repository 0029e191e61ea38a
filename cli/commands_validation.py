"""self-test and validate: is this installation working, and the IQ/OQ report that says so."""

from __future__ import annotations

from pathlib import Path

from cli import credentials
from cli.context import open_db
from cli.output import emit_json, info

OBSERVED_WIDTH = 150


def cmd_self_test(args) -> int:
    from core.validation.self_test import STEPS, run_self_test

    width = max(len(name) for _, name, _, _ in STEPS)

    def show(step) -> None:
        info(f"{step.word}  {step.name:<{width}}  {step.seconds:5.2f} s")
        if not step.passed:
            info(f"      {step.detail}")

    keep = Path(args.keep) if args.keep else None
    report = run_self_test(keep, on_step=None if args.json else show)
    if args.json:
        emit_json(report)
        return 0 if report.passed else 1
    total, good = len(report.steps), sum(1 for s in report.steps if s.passed)
    if report.passed:
        info(
            f"Self-test passed: {good} of {total} steps ({report.seconds:.1f} s, "
            f"Lotbook {report.app_version})"
        )
    else:
        failed = [s.name for s in report.steps if s.passed is False]
        skipped = [s.name for s in report.steps if s.passed is None]
        line = f"Self-test FAILED: {good} of {total} steps passed; failed: {'; '.join(failed)}"
        if skipped:
            line += f"; skipped: {'; '.join(skipped)}"
        info(line)
    if keep is not None:
        info(f"Scratch database and PDF kept in {keep}")
    return 0 if report.passed else 1


def _observed(text: str) -> str:
    return text if len(text) <= OBSERVED_WIDTH else text[: OBSERVED_WIDTH - 1] + "…"


def cmd_validate(args) -> int:
    from core.validation.run import run_validation

    db = open_db(args)
    password = credentials.password(args, "Password (to seal the report): ")

    def show(item) -> None:
        info(f"{item.result.word:<4}  {item.id}  {item.title}: {_observed(item.observed)}")

    outcome = run_validation(
        db, args.user, password, Path(args.report), on_item=show, force=args.force
    )
    run = outcome.run
    info(
        f"Wrote {outcome.path} ({outcome.pages} pages), sealed by {outcome.sealed_by_name}. "
        f"SHA-256 {outcome.sha256}"
    )
    if run.passed:
        info(f"Validation passed: {len(run.iq)} IQ and {len(run.oq)} OQ items, none failed.")
        return 0
    info("Validation FAILED: " + ", ".join(i.id for i in run.failed))
    return 1
