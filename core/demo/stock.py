"""The materials and equipment a demo or scratch site works with, received, released and
registered through the same services a site uses: an IL-2 lot and a lentiviral vector lot in
date and released by QA (each with its certificate of analysis), an IL-2 lot that has since
expired (a batch that scans it is refused), biosafety cabinets and a controlled-rate freezer
whose calibration falls due within days.

``SCAN_VALUES`` is what a technician scans at each point-of-use check of the built-in CAR-T
template: the demo and the sample batches record it."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from core.auth import Actor
from core.services import equipment as equipment_services
from core.services import material_lots, materials
from core.states import LotStatus
from core.store import Database

IL2_LOT = "IL2-26A031"
IL2_EXPIRED_LOT = "IL2-25K118"
VECTOR_LOT = "LV-CD19-0311"
CABINET = "BSC-01"
OVERDUE_CABINET = "BSC-03"
FREEZER = "CRF-01"
SCAN_VALUES: dict[str, str] = {
    "material:IL2": IL2_LOT,
    "material:LV-CD19": VECTOR_LOT,
    "equipment:biosafety_cabinet": CABINET,
    "equipment:controlled_rate_freezer": FREEZER,
}
MATERIALS = (
    ("IL2", "Interleukin-2 (recombinant human), 1 × 10⁶ IU vial", "cytokine", "vial"),
    ("LV-CD19", "Lentiviral vector, anti-CD19 CAR (clinical lot)", "vector", "mL"),
)


@dataclass(frozen=True)
class _Lot:
    material: str
    lot: str
    expires_in_days: int  # from the site's date when the stock is laid in
    quantity: str


LOTS = (
    _Lot("IL2", IL2_LOT, 400, "60"),
    _Lot("LV-CD19", VECTOR_LOT, 500, "100"),
    _Lot("IL2", IL2_EXPIRED_LOT, 0, "20"),  # in date when received; past its expiry since
)
# (code, type, name, location, days until its calibration is due)
EQUIPMENT = (
    (CABINET, "biosafety_cabinet", "Class II biosafety cabinet", "Cleanroom B, suite 2", 150),
    ("BSC-02", "biosafety_cabinet", "Class II biosafety cabinet", "Cleanroom B, suite 3", 90),
    # its calibration fell due before the running batch's activation: refused when scanned
    (
        OVERDUE_CABINET,
        "biosafety_cabinet",
        "Class II biosafety cabinet",
        "Cleanroom B, suite 4",
        -12,
    ),
    ("INC-03", "incubator", "CO₂ incubator", "Cleanroom B, suite 2", 60),
    ("CC-01", "cell_counter", "NucleoCounter NC-200", "QC laboratory", 120),
    (FREEZER, "controlled_rate_freezer", "Controlled-rate freezer", "Cryo room", 5),  # due soon
)


def stock_site(
    db: Database,
    admin: Actor,
    receiver: Actor,
    qa: Actor,
    qa_password: str,
    *,
    today: date,
    expired_after: date | None = None,
    dues_from: date | None = None,
) -> None:
    """Define the materials, receive and release their lots, register the equipment. ``today``
    is the site's date now; the expired lot's expiry is ``expired_after`` (default: today); the
    equipment's due dates count from ``dues_from`` (default: today), the freezer's calibration
    falling due five days after it."""
    dues = dues_from or today
    for code, name, kind, unit in MATERIALS:
        materials.define_material(db, admin, code, name, kind, "Demo Supplier GmbH", unit)
    with tempfile.TemporaryDirectory() as folder:
        for item in LOTS:
            expiry = today + timedelta(days=item.expires_in_days)
            if item.lot == IL2_EXPIRED_LOT:
                expiry = max(expired_after or today, today)
            coa = Path(folder) / f"CoA-{item.lot}.txt"
            coa.write_text(_coa_text(item, expiry), "utf-8")
            material_lots.receive_lot(
                db, receiver, item.material, item.lot, expiry.isoformat(), item.quantity, coa=coa
            )
            material_lots.decide_lot(
                db,
                qa,
                qa_password,
                item.material,
                item.lot,
                LotStatus.RELEASED,
                "CoA reviewed against the specification; identity and sterility conform",
            )
    for code, kind, name, location, due_in in EQUIPMENT:
        equipment_services.register_equipment(
            db,
            admin,
            code,
            kind,
            name,
            location,
            calibration_due=dues + timedelta(days=due_in),
            qualification_due=dues + timedelta(days=300),
            maintenance_due=dues + timedelta(days=180),
        )


def _coa_text(item: _Lot, expiry: date) -> str:
    return (
        f"CERTIFICATE OF ANALYSIS\nMaterial: {item.material}\nLot: {item.lot}\n"
        f"Expiry: {expiry.isoformat()}\nSterility: no growth\nEndotoxin: < 0.5 EU/mL\n"
        "Identity: conforms\nReleased by the supplier's quality unit.\n"
    )
