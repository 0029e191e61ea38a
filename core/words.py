"""The words people read for the states logic works with, gathered in one place and translated
on every look-up (core/i18n.py): step states, signing-key states, signature meanings and
statements, dispositions, review items, verdicts, batch statuses, entry kinds, deviations,
materials, equipment, custody and labels. Logic compares the enums (core/states.py); screens, the
CLI and the PDF show these words."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TypeVar

from core.i18n import N_, _
from core.states import (
    BatchStatus,
    CustodyKind,
    DeviationStatus,
    Disposition,
    EntryKind,
    EquipmentEventKind,
    EquipmentStatus,
    EquipmentType,
    ItemKind,
    KeyState,
    LabelKind,
    LotStatus,
    MaterialKind,
    Meaning,
    StepState,
    Verdict,
)

K = TypeVar("K")


class Words(Mapping[K, str]):
    """A table of words, each marked ``N_()`` for the catalogue: a look-up gives the word in the
    language of the moment (``raw`` keeps the source words, for a table built on another)."""

    def __init__(self, raw: Mapping[K, str]) -> None:
        self.raw: dict[K, str] = dict(raw)

    def __getitem__(self, key: K) -> str:
        return _(self.raw[key])

    def __iter__(self) -> Iterator[K]:
        return iter(self.raw)

    def __len__(self) -> int:
        return len(self.raw)


STEP_STATE_WORDS: Words[StepState] = Words(
    {
        StepState.NOT_APPLICABLE: N_("does not apply"),
        StepState.NOT_STARTED: N_("not started"),
        StepState.IN_PROGRESS: N_("in progress"),
        StepState.HAS_EXCEPTIONS: N_("has exceptions"),
        StepState.SIGNATURE_INVALIDATED: N_("signature invalidated"),
        StepState.AWAITING_VERIFICATION: N_("awaiting verification"),
        StepState.VERIFIED: N_("verified"),
        StepState.COMPLETE: N_("complete"),
    }
)
KEY_STATE_WORDS: Words[KeyState] = Words(
    {
        KeyState.NONE: N_("none"),
        KeyState.AWAITING_ISSUE: N_("awaiting issue"),
        KeyState.ISSUED: N_("issued"),
    }
)


def step_state_words(state: StepState) -> str:
    return STEP_STATE_WORDS[state]


def key_state_words(state: str) -> str:
    return KEY_STATE_WORDS[KeyState(state)]


# What each meaning attests, in the words shown beside every signature (21 CFR 11.50).
MEANING_LABEL: Words[str] = Words(
    {
        Meaning.PERFORMED: N_("Performed by"),
        Meaning.VERIFIED: N_("Verified by"),
        Meaning.REVIEWED: N_("Reviewed by"),
        Meaning.APPROVED: N_("Approved by (QA disposition)"),
    }
)
MEANING_STATEMENT: Words[str] = Words(
    {
        Meaning.PERFORMED: N_("I performed this step and entered its results as recorded."),
        Meaning.VERIFIED: N_(
            "I independently checked this step as recorded: values, calculations, labels and "
            "identity. I did not perform it."
        ),
        Meaning.REVIEWED: N_(
            "I reviewed this batch record: it is complete and correct, its exceptions are "
            "explained and its deviations linked. I did not perform the entries reviewed."
        ),
        Meaning.APPROVED: N_(
            "I approve the disposition of this batch stated here, for the reason given."
        ),
    }
)

DISPOSITION_LABEL: Words[str] = Words(
    {
        Disposition.RELEASED: N_("Released"),
        Disposition.RELEASED_PENDING: N_("Released with results pending"),
        Disposition.EXCEPTIONAL_RELEASE: N_("Exceptional release (out of specification)"),
        Disposition.QUARANTINED: N_("Quarantined"),
        Disposition.REJECTED: N_("Rejected"),
        Disposition.POST_RELEASE_OOS: N_("Post-release out of specification, acknowledged"),
    }
)

# A disposition inside a sentence ("Lot {lot} cannot be {disposition} yet"), where the label
# above would open it: each form is its own word, so a translator writes each properly.
DISPOSITION_WORDS: Words[str] = Words(
    {
        Disposition.RELEASED: N_("released"),
        Disposition.RELEASED_PENDING: N_("released with results pending"),
        Disposition.EXCEPTIONAL_RELEASE: N_("exceptional release (out of specification)"),
        Disposition.QUARANTINED: N_("quarantined"),
        Disposition.REJECTED: N_("rejected"),
        Disposition.POST_RELEASE_OOS: N_("post-release out of specification, acknowledged"),
    }
)

ITEM_KIND_LABEL: Words[str] = Words(
    {
        ItemKind.OUT_OF_SPEC: N_("Out of specification"),
        ItemKind.AWAITING_JUSTIFICATION: N_("Out of specification, not justified"),
        ItemKind.OPEN_DEVIATION: N_("Open deviation"),
        ItemKind.CORRECTION: N_("Correction"),
        ItemKind.LATE_ENTRY: N_("Late entry"),
        ItemKind.EDIT_AFTER_SIGNING: N_("Edited after signing"),
        ItemKind.INVALIDATED_SIGNATURE: N_("Signature invalidated"),
        ItemKind.EXCURSION: N_("Process excursion"),
        ItemKind.MISSING_VALUE: N_("Missing required value"),
        ItemKind.AWAITING_VERIFICATION: N_("Step awaiting verification"),
        ItemKind.IMPORTED_FILE: N_("Imported instrument file"),
        ItemKind.POST_RELEASE_OOS: N_("Out of specification after release"),
        ItemKind.ALERT: N_("Alert limit exceeded"),
        ItemKind.OUT_OF_WINDOW: N_("Entered outside the step's window"),
        ItemKind.OUT_OF_ORDER: N_("Entered out of order"),
        ItemKind.MEASUREMENT_TIME: N_("Instrument time outside its window"),
        ItemKind.CLOCK_INCIDENT: N_("Clock incident not cleared"),
        ItemKind.USE_OVERRIDE: N_("Used though refused (QA override)"),
        ItemKind.CUSTODY_INCOMPLETE: N_("Custody trail incomplete"),
    }
)

# A value's verdict in words: on screens and in the CLI (the icon and colour live with the GUI's
# theme), shortened in the PDF's dense tables, and in a curve's legend.
VERDICT_WORDS: Words[str] = Words(
    {
        Verdict.PASS: N_("Pass"),
        Verdict.ALERT: N_("Alert"),
        Verdict.OOS: N_("Out of spec"),
        Verdict.REPORT: N_("Recorded"),
    }
)
VERDICT_NOT_FINAL = N_("Out of spec · not final")  # out of spec, its comment or deviation still due
VERDICT_MISMATCH = N_("Mismatch")  # a scan that does not match what the check expects
VERDICT_PENDING = N_("Not recorded")
VERDICT_MARKS: Words[str] = Words(
    {
        Verdict.PASS: N_("pass"),
        Verdict.ALERT: N_("ALERT"),
        Verdict.OOS: N_("OOS"),
        Verdict.REPORT: N_("report"),
    }
)
VERDICT_LEGEND: Words[str] = Words({**VERDICT_MARKS.raw, Verdict.REPORT: N_("report only")})

# A batch's status as a QA reviewer says it (the PDF), and shortened for a list's column.
STATUS_WORDS: Words[str] = Words(
    {
        BatchStatus.IN_PROGRESS: N_("In progress"),
        BatchStatus.AWAITING_REVIEW: N_("Awaiting review"),
        BatchStatus.QUARANTINED: N_("Quarantined"),
        BatchStatus.RELEASED: N_("Released"),
        BatchStatus.RELEASED_PENDING: N_("Released with results pending"),
        BatchStatus.EXCEPTIONAL_RELEASE: N_("Exceptional release (out of specification)"),
        BatchStatus.POST_RELEASE_OOS: N_(
            "Out of specification after release: awaiting QA acknowledgement"
        ),
        BatchStatus.POST_RELEASE_OOS_ACK: N_(
            "Out of specification after release: acknowledged by QA"
        ),
        BatchStatus.REJECTED: N_("Rejected"),
    }
)
STATUS_SHORT: Words[str] = Words(
    {
        **STATUS_WORDS.raw,
        BatchStatus.RELEASED_PENDING: N_("Released – results pending"),
        BatchStatus.POST_RELEASE_OOS: N_("Out of spec after release – awaiting QA"),
        BatchStatus.POST_RELEASE_OOS_ACK: N_("Out of spec after release – acknowledged by QA"),
    }
)

MATERIAL_KIND_WORDS: Words[str] = Words(
    {
        MaterialKind.REAGENT: N_("reagent"),
        MaterialKind.MEDIUM: N_("medium"),
        MaterialKind.CYTOKINE: N_("cytokine"),
        MaterialKind.VECTOR: N_("vector lot"),
        MaterialKind.BAG: N_("bag"),
        MaterialKind.CRYOPROTECTANT: N_("cryoprotectant"),
    }
)
LOT_STATUS_WORDS: Words[str] = Words(
    {
        LotStatus.QUARANTINE: N_("quarantine"),
        LotStatus.RELEASED: N_("released"),
        LotStatus.REJECTED: N_("rejected"),
        LotStatus.EXPIRED: N_("expired"),
    }
)
EQUIPMENT_TYPE_WORDS: Words[str] = Words(
    {
        EquipmentType.BIOSAFETY_CABINET: N_("biosafety cabinet"),
        EquipmentType.INCUBATOR: N_("incubator"),
        EquipmentType.BIOREACTOR: N_("bioreactor"),
        EquipmentType.CELL_COUNTER: N_("cell counter"),
        EquipmentType.CONTROLLED_RATE_FREEZER: N_("controlled-rate freezer"),
        EquipmentType.LN2_FREEZER: N_("LN₂ freezer"),
        EquipmentType.CENTRIFUGE: N_("centrifuge"),
        EquipmentType.PIPETTE: N_("pipette"),
    }
)
EQUIPMENT_STATUS_WORDS: Words[str] = Words(
    {
        EquipmentStatus.IN_USE: N_("in use"),
        EquipmentStatus.OUT_OF_SERVICE: N_("out of service"),
    }
)
EQUIPMENT_EVENT_WORDS: Words[str] = Words(
    {
        EquipmentEventKind.CALIBRATION: N_("calibration"),
        EquipmentEventKind.QUALIFICATION: N_("qualification"),
        EquipmentEventKind.MAINTENANCE: N_("maintenance"),
        EquipmentEventKind.STATUS: N_("status change"),
    }
)
CUSTODY_KIND_WORDS: Words[str] = Words(
    {
        CustodyKind.COLLECTED: N_("collected"),
        CustodyKind.SHIPPED: N_("shipped to manufacturing"),
        CustodyKind.RECEIVED: N_("received at manufacturing"),
        CustodyKind.HANDOFF: N_("manufacturing hand-off"),
        CustodyKind.QC_SAMPLE: N_("QC sample taken"),
        CustodyKind.STORED: N_("stored"),
        CustodyKind.PRODUCT_SHIPPED: N_("product shipped"),
        CustodyKind.PRODUCT_RECEIVED: N_("product received at the treatment site"),
        CustodyKind.THAWED: N_("thawed"),
        CustodyKind.INFUSED: N_("infused"),
    }
)
LABEL_KIND_WORDS: Words[str] = Words(
    {
        LabelKind.BAG: N_("bag"),
        LabelKind.SAMPLE: N_("sample"),
        LabelKind.VIAL: N_("vial"),
    }
)

# What a version of a value is, in words (a history's "v2 · correction", a review item)
ENTRY_KIND_WORDS: Words[str] = Words(
    {
        EntryKind.ENTRY: N_("entry"),
        EntryKind.CORRECTION: N_("correction"),
        EntryKind.JUSTIFICATION: N_("justification"),
        EntryKind.CALCULATION: N_("calculation"),
    }
)
# A deviation's class and status as a table cell or a sentence shows them (stored: the values)
DEVIATION_CLASS_WORDS: Words[str] = Words(
    {"minor": N_("minor"), "major": N_("major"), "critical": N_("critical")}
)
DEVIATION_STATUS_WORDS: Words[str] = Words(
    {
        DeviationStatus.OPEN: N_("open"),
        DeviationStatus.UNDER_INVESTIGATION: N_("under investigation"),
        DeviationStatus.CLOSED: N_("closed"),
    }
)


def deviation_class_words(classification: str) -> str:
    return DEVIATION_CLASS_WORDS.get(classification, classification)


def deviation_status_words(status: str) -> str:
    return DEVIATION_STATUS_WORDS.get(status, status.replace("_", " "))
