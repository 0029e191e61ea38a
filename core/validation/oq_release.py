"""Operational qualification of the release decisions: release gating, results pending only where
the template allows it, plausibility before specification, template approval, and release results
recorded by QC. Each check drives the real services on the scratch site (its own lots, so the
other checks' lot is untouched) and returns what it observed, or raises Deviates."""

from __future__ import annotations

from core.demo.sample_batch import fill_batch
from core.errors import Conflict, PermissionDenied
from core.i18n import SOURCE, _, in_language, ngettext
from core.models.batches import BatchStatus
from core.plausibility import ImplausibleValue
from core.services import batches, recording
from core.services.review import mark_audit_trail_reviewed
from core.services.signing import sign
from core.validation.oq_checks import Bench, Deviates, current, expect
from core.validation.scratch import COI, TEMPLATE

VIABILITY, MYCOPLASMA, STERILITY = "CART-REL-05", "CART-REL-13", "CART-REL-12"


def _lot(
    b: Bench,
    lot: str,
    *,
    values: dict[str, tuple[str, str]] | None = None,
    skip=(),
    review: bool = True,
) -> str:
    """A lot filled in spec (release tests by QC) except ``values`` and ``skip``, verified,
    reviewed, its audit trail reviewed: ready for QA's decision."""
    db, tech, qc = b.site.db, b.who("tech"), b.who("qc")
    batches.start_batch(db, tech, TEMPLATE, lot, COI)
    values = values or {}
    for check, (value, comment) in values.items():
        recording.record_value(db, qc, lot, check, value, comment=comment)
    fill_batch(db, tech, lot, qc=qc, skip=frozenset(skip) | set(values), password=b.pw("tech"))
    for step in batches.show_batch(db, lot).steps:
        complete = all(c.current for c in step.checks if c.required)
        if step.verify and not step.verified and complete:
            sign(db, b.who("tech2"), b.pw("tech2"), lot, "VERIFIED", step_id=step.id)
    if review:
        _review(b, lot)
    return lot


def _review(b: Bench, lot: str) -> None:
    sign(b.site.db, b.who("qa"), b.pw("qa"), lot, "REVIEWED")  # (the supervisor: locked, OQ-10)
    mark_audit_trail_reviewed(b.site.db, b.who("qa"), b.pw("qa"), lot)


def _refused(b: Bench, lot: str, disposition: str) -> str:
    """The refusal's words, in the language they are written in (they are compared)."""
    try:
        with in_language(SOURCE):
            sign(
                b.site.db,
                b.who("qa"),
                b.pw("qa"),
                lot,
                "APPROVED",
                disposition=disposition,
                reason="OQ release attempt",
            )
    except Conflict as error:
        return error.message
    raise Deviates(
        _("lot {lot} was approved as {disposition}").format(lot=lot, disposition=disposition)
    )


def release_gating(b: Bench) -> str:
    lot = _lot(b, "OQ-REL-1", values={VIABILITY: ("60.0", "OQ: out of specification")})
    why = _refused(b, lot, "released")
    expect(VIABILITY in why, _("refused for another reason: {why}").format(why=why))
    status = batches.show_batch(b.site.db, lot).status
    expect(status == "in_progress", _("the lot is now {status}").format(status=status))
    return _("release viability 60 % (spec ≥ 80 %), justified: released refused (“{why}…”)").format(
        why=why[:110]
    )


def pending_enforcement(b: Bench) -> str:
    db, qc = b.site.db, b.who("qc")
    lot = _lot(b, "OQ-REL-2", skip=(MYCOPLASMA, STERILITY), review=False)
    why = _refused(b, lot, "released_pending")
    expect(
        MYCOPLASMA in why and "may not follow release" in why,
        _("refused: {why}").format(why=why),
    )
    recording.record_value(db, qc, lot, MYCOPLASMA, "pass")
    _review(b, lot)
    sign(
        db,
        b.who("qa"),
        b.pw("qa"),
        lot,
        "APPROVED",
        disposition="released_pending",
        reason="OQ: sterility follows release",
    )
    expect(
        batches.show_batch(db, lot).status == BatchStatus.RELEASED_PENDING,
        _("not released pending"),
    )
    recording.record_value(db, qc, lot, STERILITY, "pass")
    status = batches.show_batch(db, lot).status
    expect(
        status == "released",
        _("after the pending result arrived the lot is {status}").format(status=status),
    )
    return _(
        "with mycoplasma (not pending-allowed) missing: refused; with only sterility missing: "
        "released pending; sterility arrived → {status}"
    ).format(status=status)


def plausibility(b: Bench) -> str:
    db, tech, lot = b.site.db, b.who("tech"), b.lot
    seen = []
    for check, typed in (("CART-IPC-03-VIAB", "105"), ("CART-IPC-10-WEIGHT", "-70")):
        try:
            recording.record_value(db, tech, lot, check, typed, comment="OQ")
            raise Deviates(_("{check} = {typed} was recorded").format(check=check, typed=typed))
        except ImplausibleValue as error:
            why = error.message.split(" — ")[-1][:60]
            seen.append(_("{typed} refused (“{why}…”)").format(typed=typed, why=why))
        expect(
            b.check(check).current is None,
            _("{check} holds a value after the refusal").format(check=check),
        )
    return _("{refusals}; nothing recorded").format(refusals="; ".join(seen))


DRAFT_TEMPLATE = """schema = 1
[template]
key = "oq-draft"
version = 1
title = "OQ draft template"
product_family = "MSC"
autologous = false
[[steps]]
id = "OQ-S01"
name = "Count"
[[steps.checks]]
id = "OQ-IPC-01"
name = "Viability"
type = "number"
unit = "%"
source = "[T]"
spec = { lower = 70 }
[release]
name = "Release"
[[release.checks]]
id = "OQ-REL-01"
name = "Appearance"
attribute = "appearance"
type = "passfail"
source = "[T]"
"""


def template_approval(b: Bench) -> str:
    from core.services.template_approval import approve_template
    from core.services.templates import load_template

    db, tech = b.site.db, b.who("tech")
    path = b.site.folder / "oq-draft.toml"
    path.write_text(DRAFT_TEMPLATE, encoding="utf-8")
    load_template(db, b.site.admin, path)
    try:
        batches.start_batch(db, tech, "oq-draft", "OQ-DRAFT-1")
        raise Deviates(_("a batch started on a draft template"))
    except Conflict:
        pass
    try:
        approve_template(db, b.site.admin, b.site.passwords["ada"], "oq-draft", 1, "OQ attempt")
        raise Deviates(_("an administrator approved a template"))
    except PermissionDenied:
        pass
    view = approve_template(db, b.who("qa"), b.pw("qa"), "oq-draft", 1, "OQ: limits confirmed")
    expect(view.valid and view.confirmed, _("the approval does not verify or confirms nothing"))
    batches.start_batch(db, tech, "oq-draft", "OQ-DRAFT-1")
    done = ngettext(
        "draft: batch refused; admin approval refused; QA approval e-signed by {name} confirming "
        "{n} example limit(s); batch started",
        "draft: batch refused; admin approval refused; QA approval e-signed by {name} confirming "
        "{n} example limit(s); batch started",
        len(view.confirmed),
    )  # the same English for one and many (as before); translators give each form its words
    return done.format(name=view.signer_name, n=len(view.confirmed))


def release_results_by_qc(b: Bench) -> str:
    db, lot = b.site.db, b.lot
    try:
        recording.record_value(db, b.who("tech"), lot, MYCOPLASMA, "pass")
        raise Deviates(_("a technician recorded a release result"))
    except PermissionDenied as error:
        why = error.message
    out = recording.record_value(db, b.who("qc"), lot, MYCOPLASMA, "pass")
    expect(current(out.entry).recorded_by == b.who("qc").username, _("not recorded by QC"))
    recording.record_value(
        db, b.who("qc"), lot, "CART-IPC-03-CD14", "18.0"
    )  # a manufacturing value
    try:
        recording.record_value(db, b.who("qc"), lot, VIABILITY, "91")
        raise Deviates(_("QC who recorded a manufacturing value also recorded a release result"))
    except PermissionDenied as error:
        took_part = error.message
    return _(
        "technician refused (“{why}…”); QC recorded it; the same QC analyst after recording a "
        "manufacturing value refused (“{took_part}…”)"
    ).format(why=why[:60], took_part=took_part[:60])
