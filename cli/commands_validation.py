"""self-test and validate: is this installation working, and the IQ/OQ report that says so."""

from __future__ import annotations

from pathlib import Path

from cli import credentials
from cli.context import open_db
from cli.output import emit_json, info
from core.i18n import _, ngettext
from core.number_display import with_shown_mark

OBSERVED_WIDTH = 150


def cmd_self_test(args) -> int:
    from core.validation.self_test import STEPS, run_self_test

    width = max(len(name) for _, name, _, _ in STEPS)

    def show(step) -> None:
        info(f"{step.word}  {step.name:<{width}}  {with_shown_mark(f'{step.seconds:5.2f}')} s")
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
            _("Self-test passed: {good} of {total} steps ({seconds} s, Lotbook {version})").format(
                good=good,
                total=total,
                seconds=with_shown_mark(f"{report.seconds:.1f}"),
                version=report.app_version,
            )
        )
    else:
        failed = [s.name for s in report.steps if s.passed is False]
        skipped = [s.name for s in report.steps if s.passed is None]
        if skipped:
            line = _(
                "Self-test FAILED: {good} of {total} steps passed; failed: {failed}; skipped: "
                "{skipped}"
            )
        else:
            line = _("Self-test FAILED: {good} of {total} steps passed; failed: {failed}")
        info(
            line.format(
                good=good, total=total, failed="; ".join(failed), skipped="; ".join(skipped)
            )
        )
    if keep is not None:
        info(_("Scratch database and PDF kept in {folder}").format(folder=keep))
    return 0 if report.passed else 1


def _observed(text: str) -> str:
    return text if len(text) <= OBSERVED_WIDTH else text[: OBSERVED_WIDTH - 1] + "…"


def cmd_validate(args) -> int:
    from core.validation.run import run_validation

    db = open_db(args)
    password = credentials.password(args, _("Password (to seal the report): "))

    def show(item) -> None:
        info(f"{item.result.word:<4}  {item.id}  {item.title}: {_observed(item.observed)}")

    outcome = run_validation(
        db, args.user, password, Path(args.report), on_item=show, force=args.force
    )
    run = outcome.run
    wrote = ngettext(
        "Wrote {file} ({pages} pages), sealed by {name}. SHA-256 {sha256}",
        "Wrote {file} ({pages} pages), sealed by {name}. SHA-256 {sha256}",
        outcome.pages,
    )  # the same English for one and many (as before); translators give each form its words
    info(
        wrote.format(
            file=outcome.path,
            pages=outcome.pages,
            name=outcome.sealed_by_name,
            sha256=outcome.sha256,
        )
    )
    if run.passed:
        info(
            _("Validation passed: {iq} IQ and {oq} OQ items, none failed.").format(
                iq=len(run.iq), oq=len(run.oq)
            )
        )
        return 0
    info(_("Validation FAILED: {failed}").format(failed=", ".join(i.id for i in run.failed)))
    return 1
