"""The requirement clauses (21 CFR Part 11, EU GMP Annex 11) and which IQ/OQ items cover each.

Coverage is read off the items themselves (each names the clauses it gives evidence for); a clause
no item covers is marked procedural. The notes say what stays with the site either way."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from core.i18n import N_, _
from core.validation.model import Item

PROCEDURAL = N_("procedural (site SOP)")


@dataclass(frozen=True)
class Clause:
    key: str
    label: str  # "21 CFR 11.10(a)"
    requirement: str  # marked N_(): shown as _(requirement)
    note: str  # what the site's procedures keep, beside what the software shows (N_(), or "")


CLAUSES: tuple[Clause, ...] = (
    Clause(
        "11.10(a)",
        "21 CFR 11.10(a)",
        N_("Validation; ability to discern invalid or altered records"),
        N_(
            "this IQ/OQ is evidence for the validation; the site's validation plan, requirements "
            "and approval of this report are procedural"
        ),
    ),
    Clause(
        "11.10(b)",
        "21 CFR 11.10(b)",
        N_("Accurate and complete copies (human-readable and electronic)"),
        N_("sealed PDF with the batch data embedded"),
    ),
    Clause(
        "11.10(c)",
        "21 CFR 11.10(c)",
        N_("Protection of records for accurate, ready retrieval"),
        N_(
            "verified backups and a restore drill are in the software (OQ); how often, where the "
            "copies are kept and for how long are procedural"
        ),
    ),
    Clause(
        "11.10(d)",
        "21 CFR 11.10(d)",
        N_("Limiting system access to authorised individuals"),
        N_("granting accounts and physical access are procedural"),
    ),
    Clause(
        "11.10(e)",
        "21 CFR 11.10(e)",
        N_("Secure, computer-generated, time-stamped audit trails"),
        "",
    ),
    Clause("11.10(f)", "21 CFR 11.10(f)", N_("Operational checks (permitted sequencing)"), ""),
    Clause(
        "11.10(g)", "21 CFR 11.10(g)", N_("Authority checks"), N_("assigning roles is procedural")
    ),
    Clause(
        "11.10(h)",
        "21 CFR 11.10(h)",
        N_("Device checks (validity of the source of data input)"),
        N_("which terminals and instruments may be used is procedural"),
    ),
    Clause("11.50", "21 CFR 11.50", N_("Signature manifestations (name, date-time, meaning)"), ""),
    Clause("11.70", "21 CFR 11.70", N_("Signature/record linking"), ""),
    Clause(
        "11.100",
        "21 CFR 11.100",
        N_("Uniqueness of electronic signatures"),
        N_(
            "verifying a person's identity before an account is issued, and the certification "
            "to FDA, are procedural"
        ),
    ),
    Clause("11.200", "21 CFR 11.200", N_("Signature components: re-authentication at signing"), ""),
    Clause(
        "11.300",
        "21 CFR 11.300",
        N_("Password controls (lockout, unique identification codes)"),
        N_("periodic password review and loss management are procedural"),
    ),
    Clause(
        "A11-4",
        "Annex 11 §4",
        N_("Validation"),
        N_("validation plan, user requirements and supplier assessment are procedural"),
    ),
    Clause(
        "A11-6",
        "Annex 11 §6",
        N_("Accuracy checks of data entered manually"),
        N_("a second-person check where the process needs one is set in the template (verify)"),
    ),
    Clause(
        "A11-7",
        "Annex 11 §7",
        N_("Data storage: integrity checks"),
        N_(
            "the audit trail seals the stored state and is anchored by signatures and checkpoints; "
            "keeping backups off site and testing restores periodically are procedural"
        ),
    ),
    Clause("A11-8", "Annex 11 §8", N_("Printouts"), ""),
    Clause(
        "A11-9",
        "Annex 11 §9",
        N_("Audit trails"),
        N_("the review of audit trails is done by people (QA)"),
    ),
    Clause(
        "A11-10",
        "Annex 11 §10",
        N_("Change and configuration management"),
        N_("the change control behind a template version is procedural; its approval is recorded"),
    ),
    Clause(
        "A11-11",
        "Annex 11 §11",
        N_("Periodic evaluation"),
        N_("not covered by software: re-run this qualification as part of it"),
    ),
    Clause(
        "A11-12", "Annex 11 §12", N_("Security"), N_("physical and network security are procedural")
    ),
    Clause("A11-14", "Annex 11 §14", N_("Electronic signature"), ""),
    Clause(
        "A11-15",
        "Annex 11 §15",
        N_("Batch release: only authorised persons certify, with their e-signature"),
        N_("who is authorised (QA, QP) is procedural"),
    ),
)


@dataclass(frozen=True)
class Coverage:
    clause: Clause
    items: tuple[str, ...]  # ids of the items that give evidence for it

    @property
    def covered_by(self) -> str:
        return ", ".join(self.items) if self.items else _(PROCEDURAL)


def coverage(items: Iterable[Item]) -> list[Coverage]:
    items = list(items)
    return [
        Coverage(clause, tuple(i.id for i in items if clause.key in i.clauses))
        for clause in CLAUSES
    ]
