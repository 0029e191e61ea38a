"""Operational qualification of materials and equipment at the point of use: what may not be used
is refused (a lot in quarantine, expired by status or by date, of another material; an item out of
service or past its calibration), and only QA overrides a refusal, which opens a deviation that
the review lists. Each check drives the real services on the scratch site (its own lot) and
returns what it observed, or raises Deviates."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from core.demo.stock import IL2_LOT, VECTOR_LOT
from core.errors import PermissionDenied, UseRefused
from core.i18n import SOURCE, _, in_language
from core.services import batches, equipment, material_lots, recording
from core.services.deviations import list_deviations
from core.services.review import review_batch
from core.states import DeviationStatus, ItemKind, LotStatus, Verdict
from core.validation.oq_checks import Bench, Deviates, current, expect
from core.validation.scratch import COI, TEMPLATE

IL2_CHECK, CABINET_CHECK = "CART-IPC-05-IL2", "CART-IPC-05-BSC"


def _refusal(b: Bench, lot: str, check: str, scanned: str) -> str:
    """The refusal's words, in the language they are written in (they are compared)."""
    try:
        with in_language(SOURCE):
            recording.record_value(b.site.db, b.who("tech"), lot, check, scanned)
    except UseRefused as error:
        return error.message
    raise Deviates(_("{scanned} was recorded at {check}").format(scanned=scanned, check=check))


def refused_lots(b: Bench) -> str:
    db, tech, qa = b.site.db, b.who("tech"), b.who("qa")
    lot = "OQ-MAT-1"
    batches.start_batch(db, tech, TEMPLATE, lot, COI)
    today = b.clock.now().date()
    coa = Path(b.site.folder) / "oq-coa.txt"
    coa.write_text("Certificate of analysis (OQ)\n", "utf-8")
    later = (today + timedelta(days=90)).isoformat()
    material_lots.receive_lot(db, tech, "IL2", "OQ-IL2-Q", later, "5")
    seen = [_refusal(b, lot, IL2_CHECK, "OQ-IL2-Q")]
    expect("quarantine" in seen[-1], _("a quarantined lot: {why}").format(why=seen[-1]))
    seen.append(_refusal(b, lot, IL2_CHECK, VECTOR_LOT))
    expect("not IL2" in seen[-1], _("a lot of another material: {why}").format(why=seen[-1]))
    seen.append(_refusal(b, lot, IL2_CHECK, "OQ-NO-SUCH-LOT"))
    expect("has been received" in seen[-1], _("an unknown lot: {why}").format(why=seen[-1]))
    material_lots.receive_lot(db, tech, "IL2", "OQ-IL2-D", today.isoformat(), "5", coa=coa)
    material_lots.decide_lot(
        db, qa, b.pw("qa"), "IL2", "OQ-IL2-D", LotStatus.RELEASED, "OQ: CoA reviewed, conforms"
    )
    b.clock.set(b.clock.now() + timedelta(days=1, minutes=1))  # the lot's last day has passed
    seen.append(_refusal(b, lot, IL2_CHECK, "OQ-IL2-D"))
    expect("expired on" in seen[-1], _("a lot past its expiry date: {why}").format(why=seen[-1]))
    recorded = current(recording.record_value(db, tech, lot, IL2_CHECK, IL2_LOT).entry)
    expect(
        recorded.verdict == Verdict.PASS,
        _("the released lot in date was judged {verdict}").format(verdict=recorded.verdict),
    )
    return _(
        "refused: quarantined lot, lot of another material, unknown lot, lot past its expiry "
        "(“{why}…”); the released lot in date recorded"
    ).format(why=seen[-1][:90])


def refused_equipment_and_override(b: Bench) -> str:
    db, admin, tech, qa = b.site.db, b.site.admin, b.who("tech"), b.who("qa")
    lot = "OQ-MAT-2"
    batches.start_batch(db, tech, TEMPLATE, lot, COI)
    today = b.clock.now().date()
    equipment.register_equipment(
        db, admin, "OQ-BSC-9", "biosafety_cabinet", "OQ cabinet", "OQ room",
        calibration_due=today - timedelta(days=1),
    )  # fmt: skip
    why = _refusal(b, lot, CABINET_CHECK, "OQ-BSC-9")
    expect("calibration was due on" in why, _("an overdue cabinet: {why}").format(why=why))
    reason = "OQ: calibration certificate on file, entry pending"
    try:
        recording.record_with_override(
            db, tech, lot, CABINET_CHECK, "OQ-BSC-9",
            qa_username=b.who("tech2").username, qa_password=b.pw("tech2"), reason=reason,
        )  # fmt: skip
        raise Deviates(_("a technician overrode a refusal"))
    except PermissionDenied:
        pass
    out = recording.record_with_override(
        db, tech, lot, CABINET_CHECK, "OQ-BSC-9",
        qa_username=qa.username, qa_password=b.pw("qa"), reason=reason,
    )  # fmt: skip
    value = current(out.entry)
    devs = list_deviations(db, lot)
    expect(
        len(devs) == 1 and devs[0].status == DeviationStatus.OPEN,
        _("deviations: {deviations}").format(deviations=devs),
    )
    expect(
        value.deviation == devs[0].ref,
        _("the value cites {deviation}").format(deviation=value.deviation),
    )
    kinds = {i.kind for i in review_batch(db, lot).items}
    expect(
        {ItemKind.USE_OVERRIDE, ItemKind.OPEN_DEVIATION} <= kinds,
        _("review lists {kinds}").format(kinds=kinds),
    )
    return _(
        "overdue cabinet refused (“{why}…”); a technician's override refused; QA's override "
        "recorded citing {deviation} (open), listed in the review"
    ).format(why=why[:80], deviation=devs[0].ref)


def custody_refuses_another_patient(b: Bench) -> str:
    """At a hand-off the chain-of-identity id scanned must be the batch's own: another patient's
    is refused, on the audit trail, and nothing is written; the right one is recorded."""
    from core.errors import ScanMismatch
    from core.services import audit_trail
    from core.services.custody import custody_trail, record_custody

    db, tech = b.site.db, b.who("tech")
    lot = "OQ-CUS-1"
    batches.start_batch(db, tech, TEMPLATE, lot, COI)
    when = b.clock.now().astimezone().strftime("%Y-%m-%d %H:%M")
    other = COI[:-1] + ("2" if COI[-1] != "2" else "3")
    try:
        record_custody(
            db, tech, lot, "collected", coi_scanned=other, occurred_at=when,
            location="OQ clinical site",
        )  # fmt: skip
        raise Deviates(_("another patient's chain-of-identity id was accepted"))
    except ScanMismatch as error:
        why = error.message
    expect(custody_trail(db, lot).events == (), _("a custody event was written"))
    refused = [e for e in audit_trail.events(db, lot=lot) if e.action == "custody.coi_mismatch"]
    expect(len(refused) == 1, _("{n} refusal events on the audit trail").format(n=len(refused)))
    trail = record_custody(
        db, tech, lot, "collected", coi_scanned=COI, occurred_at=when, location="OQ clinical site"
    )
    expect([e.kind for e in trail.events] == ["collected"], _("the right scan was not recorded"))
    expect(not trail.complete, _("a trail of one hand-off reads complete"))
    return _(
        "another patient's COI refused and audited (“{why}…”); the batch's own recorded"
    ).format(why=why[:80])
