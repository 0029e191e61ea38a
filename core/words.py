"""The words people read for the states logic works with, gathered in one place (one place to
translate): step states, signing-key states, signature meanings and statements, dispositions,
review items, verdicts and batch statuses. Logic compares the enums (core/states.py); screens,
the CLI and the PDF show these words."""

from __future__ import annotations

from core.states import (
    BatchStatus,
    CustodyKind,
    Disposition,
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

STEP_STATE_WORDS: dict[StepState, str] = {
    StepState.NOT_APPLICABLE: "does not apply",
    StepState.NOT_STARTED: "not started",
    StepState.IN_PROGRESS: "in progress",
    StepState.HAS_EXCEPTIONS: "has exceptions",
    StepState.SIGNATURE_INVALIDATED: "signature invalidated",
    StepState.AWAITING_VERIFICATION: "awaiting verification",
    StepState.VERIFIED: "verified",
    StepState.COMPLETE: "complete",
}
KEY_STATE_WORDS: dict[KeyState, str] = {
    KeyState.NONE: "none",
    KeyState.AWAITING_ISSUE: "awaiting issue",
    KeyState.ISSUED: "issued",
}


def step_state_words(state: StepState) -> str:
    return STEP_STATE_WORDS[state]


def key_state_words(state: str) -> str:
    return KEY_STATE_WORDS[KeyState(state)]


# What each meaning attests, in the words shown beside every signature (21 CFR 11.50).
MEANING_LABEL: dict[str, str] = {
    Meaning.PERFORMED: "Performed by",
    Meaning.VERIFIED: "Verified by",
    Meaning.REVIEWED: "Reviewed by",
    Meaning.APPROVED: "Approved by (QA disposition)",
}
MEANING_STATEMENT: dict[str, str] = {
    Meaning.PERFORMED: "I performed this step and entered its results as recorded.",
    Meaning.VERIFIED: (
        "I independently checked this step as recorded: values, calculations, labels and "
        "identity. I did not perform it."
    ),
    Meaning.REVIEWED: (
        "I reviewed this batch record: it is complete and correct, its exceptions are "
        "explained and its deviations linked. I did not perform the entries reviewed."
    ),
    Meaning.APPROVED: "I approve the disposition of this batch stated here, for the reason given.",
}

DISPOSITION_LABEL: dict[str, str] = {
    Disposition.RELEASED: "Released",
    Disposition.RELEASED_PENDING: "Released with results pending",
    Disposition.EXCEPTIONAL_RELEASE: "Exceptional release (out of specification)",
    Disposition.QUARANTINED: "Quarantined",
    Disposition.REJECTED: "Rejected",
    Disposition.POST_RELEASE_OOS: "Post-release out of specification, acknowledged",
}

ITEM_KIND_LABEL: dict[str, str] = {
    ItemKind.OUT_OF_SPEC: "Out of specification",
    ItemKind.AWAITING_JUSTIFICATION: "Out of specification, not justified",
    ItemKind.OPEN_DEVIATION: "Open deviation",
    ItemKind.CORRECTION: "Correction",
    ItemKind.LATE_ENTRY: "Late entry",
    ItemKind.EDIT_AFTER_SIGNING: "Edited after signing",
    ItemKind.INVALIDATED_SIGNATURE: "Signature invalidated",
    ItemKind.EXCURSION: "Process excursion",
    ItemKind.MISSING_VALUE: "Missing required value",
    ItemKind.AWAITING_VERIFICATION: "Step awaiting verification",
    ItemKind.IMPORTED_FILE: "Imported instrument file",
    ItemKind.POST_RELEASE_OOS: "Out of specification after release",
    ItemKind.ALERT: "Alert limit exceeded",
    ItemKind.OUT_OF_WINDOW: "Entered outside the step's window",
    ItemKind.OUT_OF_ORDER: "Entered out of order",
    ItemKind.MEASUREMENT_TIME: "Instrument time outside its window",
    ItemKind.CLOCK_INCIDENT: "Clock incident not cleared",
    ItemKind.USE_OVERRIDE: "Used though refused (QA override)",
    ItemKind.CUSTODY_INCOMPLETE: "Custody trail incomplete",
}

# A value's verdict in words: on screens and in the CLI (the icon and colour live with the GUI's
# theme), shortened in the PDF's dense tables, and in a curve's legend.
VERDICT_WORDS: dict[str, str] = {
    Verdict.PASS: "Pass",
    Verdict.ALERT: "Alert",
    Verdict.OOS: "Out of spec",
    Verdict.REPORT: "Recorded",
}
VERDICT_NOT_FINAL = "Out of spec · not final"  # out of spec, its comment or deviation still due
VERDICT_MISMATCH = "Mismatch"  # a scan that does not match what the check expects
VERDICT_PENDING = "Not recorded"
VERDICT_MARKS: dict[str, str] = {
    Verdict.PASS: "pass",
    Verdict.ALERT: "ALERT",
    Verdict.OOS: "OOS",
    Verdict.REPORT: "report",
}
VERDICT_LEGEND: dict[str, str] = {**VERDICT_MARKS, Verdict.REPORT: "report only"}

# A batch's status as a QA reviewer says it (the PDF), and shortened for a list's column.
STATUS_WORDS: dict[str, str] = {
    BatchStatus.IN_PROGRESS: "In progress",
    BatchStatus.AWAITING_REVIEW: "Awaiting review",
    BatchStatus.QUARANTINED: "Quarantined",
    BatchStatus.RELEASED: "Released",
    BatchStatus.RELEASED_PENDING: "Released with results pending",
    BatchStatus.EXCEPTIONAL_RELEASE: "Exceptional release (out of specification)",
    BatchStatus.POST_RELEASE_OOS: (
        "Out of specification after release: awaiting QA acknowledgement"
    ),
    BatchStatus.POST_RELEASE_OOS_ACK: "Out of specification after release: acknowledged by QA",
    BatchStatus.REJECTED: "Rejected",
}
STATUS_SHORT: dict[str, str] = {
    **STATUS_WORDS,
    BatchStatus.RELEASED_PENDING: "Released – results pending",
    BatchStatus.POST_RELEASE_OOS: "Out of spec after release – awaiting QA",
    BatchStatus.POST_RELEASE_OOS_ACK: "Out of spec after release – acknowledged by QA",
}

MATERIAL_KIND_WORDS: dict[str, str] = {
    MaterialKind.REAGENT: "reagent",
    MaterialKind.MEDIUM: "medium",
    MaterialKind.CYTOKINE: "cytokine",
    MaterialKind.VECTOR: "vector lot",
    MaterialKind.BAG: "bag",
    MaterialKind.CRYOPROTECTANT: "cryoprotectant",
}
LOT_STATUS_WORDS: dict[str, str] = {
    LotStatus.QUARANTINE: "quarantine",
    LotStatus.RELEASED: "released",
    LotStatus.REJECTED: "rejected",
    LotStatus.EXPIRED: "expired",
}
EQUIPMENT_TYPE_WORDS: dict[str, str] = {
    EquipmentType.BIOSAFETY_CABINET: "biosafety cabinet",
    EquipmentType.INCUBATOR: "incubator",
    EquipmentType.BIOREACTOR: "bioreactor",
    EquipmentType.CELL_COUNTER: "cell counter",
    EquipmentType.CONTROLLED_RATE_FREEZER: "controlled-rate freezer",
    EquipmentType.LN2_FREEZER: "LN₂ freezer",
    EquipmentType.CENTRIFUGE: "centrifuge",
    EquipmentType.PIPETTE: "pipette",
}
EQUIPMENT_STATUS_WORDS: dict[str, str] = {
    EquipmentStatus.IN_USE: "in use",
    EquipmentStatus.OUT_OF_SERVICE: "out of service",
}
EQUIPMENT_EVENT_WORDS: dict[str, str] = {
    EquipmentEventKind.CALIBRATION: "calibration",
    EquipmentEventKind.QUALIFICATION: "qualification",
    EquipmentEventKind.MAINTENANCE: "maintenance",
    EquipmentEventKind.STATUS: "status change",
}
CUSTODY_KIND_WORDS: dict[str, str] = {
    CustodyKind.COLLECTED: "collected",
    CustodyKind.SHIPPED: "shipped to manufacturing",
    CustodyKind.RECEIVED: "received at manufacturing",
    CustodyKind.HANDOFF: "manufacturing hand-off",
    CustodyKind.QC_SAMPLE: "QC sample taken",
    CustodyKind.STORED: "stored",
    CustodyKind.PRODUCT_SHIPPED: "product shipped",
    CustodyKind.PRODUCT_RECEIVED: "product received at the treatment site",
    CustodyKind.THAWED: "thawed",
    CustodyKind.INFUSED: "infused",
}
LABEL_KIND_WORDS: dict[str, str] = {
    LabelKind.BAG: "bag",
    LabelKind.SAMPLE: "sample",
    LabelKind.VIAL: "vial",
}
