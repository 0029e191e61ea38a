"""`validate`: run the IQ and OQ, render the report, seal it under the runner's own key, write it
atomically and audit the run in the site database.

The runner re-authenticates (any role may run it): the report is sealed with their issued
signing certificate, like an exported batch summary, and the results travel inside the PDF as
lotbook-validation.json.
"""

from __future__ import annotations

import hashlib
import json
import platform
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from core.auth.policy import read_policy
from core.clock import utc_iso
from core.errors import DomainError
from core.i18n import _
from core.services import signing_keys
from core.services.pdf_verification import VALIDATION_FORMAT, VALIDATION_NAME
from core.services.report_data import report_time_zone
from core.services.site import site_label
from core.services.users import acting_user, authenticate
from core.store import Database
from core.validation.clauses import coverage
from core.validation.iq import run_iq
from core.validation.model import Item, Outcome, ValidationRun
from core.validation.oq import run_oq
from core.validation.scratch import engine_label
from core.version import app_version

EMBEDDED_NAME = VALIDATION_NAME
EMBEDDED_FORMAT = VALIDATION_FORMAT
PURPOSE = "Installation and operational qualification"  # the seal's reason: kept in English


@dataclass(frozen=True)
class ValidationOutcome:
    path: Path
    run: ValidationRun
    sha256: str
    pages: int
    sealed_by_name: str


def results_json(run: ValidationRun) -> dict:
    """The results as embedded in the report (and printed by `validate --json`)."""

    def item(i: Item) -> dict:
        return {**asdict(i), "result": i.result.value, "clauses": list(i.clauses)}

    return {
        "format": EMBEDDED_FORMAT,
        "app_version": run.app_version,
        "machine": run.machine,
        "operating_system": run.operating_system,
        "site_database": run.site_database,
        "oq_database": run.oq_database,
        "site_name": run.site_name,
        "run_by": {"username": run.run_by, "name": run.run_by_name, "role": run.run_by_role},
        "started_at": utc_iso(run.started_at),
        "passed": run.passed,
        "iq": [item(i) for i in run.iq],
        "oq": [item(i) for i in run.oq],
        "coverage": [
            {"clause": c.clause.label, "covered_by": list(c.items), "note": c.clause.note}
            for c in coverage(run.items)
        ],
    }


def _check_path(path: Path, force: bool = False) -> Path:
    from core.outputs import check_target

    path = Path(path)
    if path.suffix.lower() != ".pdf":
        raise DomainError(_("Give the report a .pdf name, not '{name}'.").format(name=path.name))
    check_target(path, force=force)  # no database, folder or device; existing only with force
    return path


def run_validation(
    db: Database,
    username: str,
    password: str,
    report: Path,
    *,
    manifest: Path | None = None,
    on_item: Callable[[Item], None] | None = None,
    force: bool = False,
) -> ValidationOutcome:
    """IQ (for this installation and ``db``), OQ (on a scratch database), the sealed report at
    ``report``, and a "validation.run" audit event in ``db``."""
    from core.reports.seal import Attachment, seal_pdf
    from core.validation.report import render_report

    path = _check_path(report, force)
    actor = authenticate(db, username, password)
    with db.read() as session:
        role = acting_user(session, actor)
        key_row, key = signing_keys.unlock(session, actor.username, password)
        ca_pem = signing_keys.site_authority(session).cert_pem.encode("ascii")
        if key_row.cert_pem is None:  # unlock() refuses a key whose certificate is not issued
            raise RuntimeError(f"The signing key of '{actor.username}' has no certificate.")
        cert_pem = key_row.cert_pem.encode("ascii")
        policy = read_policy(session)
    started = db.clock.now()
    iq = run_iq(db, manifest=manifest)
    for item in iq:
        if on_item is not None:
            on_item(item)
    oq = run_oq(policy, on_item=on_item, site_url=db.url)
    run = ValidationRun(
        app_version=app_version(),
        machine=platform.node() or "(unnamed)",
        operating_system=platform.platform(),
        site_database=db.display_name,
        site_name=site_label(db),
        run_by=actor.username,
        run_by_name=actor.full_name,
        run_by_role=role,
        started_at=started,
        time_zone=report_time_zone(db),
        iq=tuple(iq),
        oq=tuple(oq),
        oq_database=engine_label(db.url),
    )
    rendered = render_report(run)
    data = json.dumps(results_json(run), ensure_ascii=False, indent=1).encode("utf-8")
    sealed = seal_pdf(
        rendered.data,
        key=key,
        cert_pem=cert_pem,
        ca_cert_pem=ca_pem,
        signer_name=actor.full_name,
        reason=PURPOSE,
        location=run.site_name,
        page=rendered.seal_page,
        box=rendered.seal_box,
        attachments=[
            Attachment(
                name=EMBEDDED_NAME,
                data=data,
                mime_type="application/json",
                description=_("IQ/OQ results of Lotbook {version} on {machine}").format(
                    version=run.app_version, machine=run.machine
                ),
            )
        ],
        now=db.clock.now(),
        time_zone=run.time_zone,
    )
    digest = hashlib.sha256(sealed).hexdigest()
    from core.outputs import output_file

    with output_file(path, force=force) as partial:  # owner-only, placed once audited
        partial.write_bytes(sealed)
        with db.unit_of_work(actor.username) as uow:
            uow.audit(
                "validation.run",
                "validation",
                path.name,
                new={
                    "file": path.name,
                    "sha256": digest,
                    "result": "passed" if run.passed else "failed",
                    "failed": [i.id for i in run.failed],
                    "not_applicable": [
                        i.id for i in run.items if i.result == Outcome.NOT_APPLICABLE
                    ],
                    "app_version": run.app_version,
                    "machine": run.machine,
                },
            )
    return ValidationOutcome(
        path=path, run=run, sha256=digest, pages=rendered.pages, sealed_by_name=actor.full_name
    )
