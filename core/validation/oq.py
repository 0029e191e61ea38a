"""Operational qualification: a scripted run of each data-integrity behaviour against a scratch
database on the site's own engine (a SQLite file in a temporary folder, or a database of the
site's PostgreSQL server; never the site database), each check with its id, the requirement
clauses it gives evidence for, what is expected and what was observed."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from core.auth.policy import SitePolicy
from core.clock import FixedClock
from core.errors import DomainError
from core.i18n import N_, _
from core.validation import oq_backup as b
from core.validation import oq_checks as c
from core.validation import oq_materials as m
from core.validation import oq_release as r
from core.validation import oq_tamper as g
from core.validation import oq_trail as t
from core.validation import scratch
from core.validation.model import Item, Outcome

LOT = "OQ-0001"


@dataclass(frozen=True)
class OqCheck:
    id: str
    title: str  # marked N_(): shown as _(title)
    clauses: tuple[str, ...]
    expected: str  # marked N_(): shown as _(expected)
    run: Callable[[c.Bench], str]


CHECKS: tuple[OqCheck, ...] = (
    OqCheck(
        "OQ-01",
        N_("Audit event with every change, in the same transaction"),
        ("11.10(e)", "A11-9"),
        N_(
            "a correction writes an event naming who, when (UTC), old and new value and why, at "
            "the value's own transaction time; a rolled-back transaction leaves no event"
        ),
        c.audit_event_with_every_change,
    ),
    OqCheck(
        "OQ-02",
        N_("The audit trail cannot be changed"),
        ("11.10(c)", "11.10(e)", "A11-7", "A11-9"),
        N_("UPDATE and DELETE of an audit event refused by the database"),
        g.audit_trail_cannot_be_changed,
    ),
    OqCheck(
        "OQ-03",
        N_("Tampering with the audit trail is detected"),
        ("11.10(a)", "11.10(c)", "11.10(e)", "A11-7", "A11-9"),
        N_(
            "with the guard triggers dropped, an edited event makes `audit verify` fail and name it"
        ),
        g.tampering_is_detected,
    ),
    OqCheck(
        "OQ-04",
        N_("Signing re-authenticates the signer"),
        ("11.200", "11.10(d)", "A11-12", "A11-14"),
        N_("a wrong password is refused, no signature is written, the failed attempt is audited"),
        c.reauthentication,
    ),
    OqCheck(
        "OQ-05",
        N_("Separation of duties"),
        ("11.10(g)", "A11-12"),
        N_("the performer cannot verify their own step; a technician cannot approve a disposition"),
        c.separation_of_duties,
    ),
    OqCheck(
        "OQ-06",
        N_("Out-of-specification result demands a comment or deviation"),
        ("11.10(f)",),
        N_("refused and not stored without one; accepted, judged OOS and final with a comment"),
        c.out_of_spec_needs_justification,
    ),
    OqCheck(
        "OQ-07",
        N_("A correction keeps the old value and needs a reason"),
        ("11.10(e)", "A11-9"),
        N_("refused without a reason; with one, a new version and the old one kept"),
        c.correction_keeps_old_value,
    ),
    OqCheck(
        "OQ-08",
        N_("A change after signing invalidates the signature"),
        ("11.70", "A11-14"),
        N_("after a signed value is corrected, the step's signatures show as invalidated"),
        c.change_after_signing_invalidates,
    ),
    OqCheck(
        "OQ-09",
        N_("A clock out of step is an incident, not a lockout"),
        ("11.10(e)", "11.10(f)"),
        N_(
            "with the clock behind the newest audit event the write is kept and a clock incident "
            "is opened and audited; the administrator clears it with a reason and an e-signature"
        ),
        c.clock_incident_flagged,
    ),
    OqCheck(
        "OQ-10",
        N_("Lockout after the site's number of failed log-ins"),
        ("11.300", "11.10(d)", "A11-12"),
        N_("the account locks after the site's number of wrong passwords; the lock is audited"),
        c.lockout,
    ),
    OqCheck(
        "OQ-11",
        N_("Idle-lock policy"),
        ("11.10(d)", "A11-12"),
        N_("the site's idle-lock minutes exist within their limits; out-of-range values refused"),
        c.idle_lock_policy,
    ),
    OqCheck(
        "OQ-12",
        N_("The signed PDF verifies; a one-byte change fails it"),
        ("11.10(a)", "11.10(b)", "11.70", "A11-7", "A11-8", "A11-14"),
        N_(
            "the sealed batch summary verifies against the site CA; a copy with one byte changed "
            "does not"
        ),
        c.signed_pdf_verifies,
    ),
    OqCheck(
        "OQ-13",
        N_("Signature manifestation in the PDF"),
        ("11.50", "11.10(b)", "A11-8", "A11-14"),
        N_(
            "each signature's printed name, date and time (with zone) and meaning are in the PDF "
            "text"
        ),
        c.manifestation_in_pdf,
    ),
    OqCheck(
        "OQ-14",
        N_("User identities are unique"),
        ("11.100", "11.300"),
        N_("a username already given is refused; each signing certificate has its own serial"),
        c.unique_user_ids,
    ),
    OqCheck(
        "OQ-15",
        N_("Release gating"),
        ("11.10(f)", "A11-15"),
        N_(
            "a gating release result out of specification, even justified, blocks the release "
            "disposition; the lot stays in progress"
        ),
        r.release_gating,
    ),
    OqCheck(
        "OQ-16",
        N_("Released with results pending only for pending-allowed results"),
        ("11.10(f)", "A11-15"),
        N_(
            "released pending is refused while a result that may not follow release is missing, "
            "allowed when only pending-allowed results are missing; the result arriving releases it"
        ),
        r.pending_enforcement,
    ),
    OqCheck(
        "OQ-17",
        N_("Impossible values are refused before any specification"),
        ("11.10(h)", "A11-6"),
        N_(
            "a viability of 105 % and a body weight of −70 kg are refused with the reason; nothing "
            "is recorded"
        ),
        r.plausibility,
    ),
    OqCheck(
        "OQ-18",
        N_("Template approval before use"),
        ("11.10(a)", "11.10(g)", "A11-10"),
        N_(
            "a draft template starts no batch; an administrator cannot approve it; QA approves it "
            "with an e-signature confirming its example limits; then a batch starts"
        ),
        r.template_approval,
    ),
    OqCheck(
        "OQ-19",
        N_("Release results recorded by QC"),
        ("11.10(g)", "A11-12"),
        N_(
            "a technician's release result is refused; QC's is recorded; a QC analyst who recorded "
            "a manufacturing value of the lot is refused"
        ),
        r.release_results_by_qc,
    ),
    OqCheck(*b.RESTORE_DRILL),
    OqCheck(*t.STATE_RECONCILED),
    OqCheck(
        "OQ-22",
        N_("What may not be used is refused at its point of use"),
        ("11.10(f)", "A11-6"),
        N_(
            "a lot in quarantine, of another material, unknown, or past its expiry date is refused "
            "when scanned into the batch record; a released lot in date is recorded"
        ),
        m.refused_lots,
    ),
    OqCheck(
        "OQ-23",
        N_("Equipment past a due date is refused; only QA overrides, with a deviation"),
        ("11.10(f)", "11.10(g)", "A11-6"),
        N_(
            "a cabinet past its calibration date is refused; a technician cannot override; QA's "
            "override records it citing a new open deviation, which the review lists"
        ),
        m.refused_equipment_and_override,
    ),
    OqCheck(
        "OQ-24",
        N_("A custody hand-off of another patient's material is refused"),
        ("11.10(f)", "A11-6"),
        N_(
            "scanning another chain-of-identity id at a hand-off is refused and audited, nothing "
            "is written; the batch's own id is recorded and the trail reads incomplete"
        ),
        m.custody_refuses_another_patient,
    ),
)


def _bench(folder: Path, policy: SitePolicy, site_url: str | None) -> c.Bench:
    from core.services.recording import record_value
    from core.services.settings import set_setting

    clock = FixedClock(datetime.now(UTC), step=timedelta(milliseconds=10))
    site = scratch.create_site(folder, clock=clock, site_url=site_url)
    try:
        if policy.lockout_attempts != 5:
            set_setting(
                site.db, site.admin, "lockout_attempts", str(policy.lockout_attempts), "the site's"
            )
        scratch.add_people(site)
        scratch.start_batch(site, LOT)
        for check_id, value in (
            ("CART-IPC-00-COI", scratch.COI),
            ("CART-IPC-00-PATIENT", "pass"),
            ("CART-IPC-00-SLOT", "SLOT-1"),
        ):
            record_value(site.db, site.people["tech"], LOT, check_id, value)
    except BaseException:
        site.close()
        raise
    return c.Bench(
        site=site,
        clock=clock,
        lot=LOT,
        lockout_attempts=policy.lockout_attempts,
        idle_lock_minutes=policy.idle_lock_minutes,
    )


def _reason(error: BaseException) -> str:
    if isinstance(error, c.Deviates | DomainError):
        return str(error)
    return f"{type(error).__name__}: {error}"


def run_oq(
    policy: SitePolicy | None = None,
    *,
    on_item: Callable[[Item], None] | None = None,
    checks: tuple[OqCheck, ...] = CHECKS,
    site_url: str | None = None,
) -> list[Item]:
    """Run every OQ check on a fresh scratch site that uses the site's ``policy`` (lockout and
    idle-lock settings) and the site's engine (``site_url``: a PostgreSQL site's OQ runs on a
    scratch database of its server; SQLite otherwise); the scratch site is removed afterwards.
    Raises ScratchRefused when the site's role may not create that database."""
    policy = policy or SitePolicy()
    folder = scratch.scratch_folder("lotbook-oq-")
    items: list[Item] = []
    bench: c.Bench | None = None
    try:
        try:
            bench = _bench(folder, policy, site_url)
            setup_error = None
        except scratch.ScratchRefused:
            raise
        except Exception as error:
            setup_error = _("the scratch site could not be set up: {reason}").format(
                reason=_reason(error)
            )
        for check in checks:
            began = time.perf_counter()
            if bench is None:
                observed, ok = setup_error or _("not run"), False
            else:
                try:
                    observed, ok = check.run(bench), True
                except Exception as error:
                    observed, ok = _reason(error), False
            item = Item(
                check.id,
                _(check.title),
                _(check.expected),
                observed,
                Outcome.PASS if ok else Outcome.FAIL,
                check.clauses,
                time.perf_counter() - began,
            )
            items.append(item)
            if on_item is not None:
                on_item(item)
    finally:
        if bench is not None:
            bench.site.close()
        scratch.remove_folder(folder)
    return items
