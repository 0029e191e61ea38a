"""Materials and equipment at the bench screen's size, 1366×768, in normal and large text: the
two tabs (with their lots and items), every dialog of theirs, and the batch record offering QA's
override fit with nothing cut, every input named and at least 44 px (tests/ui/layout_check.py,
test_dialog_layout.py, test_accessibility.py). The PNGs are saved for a person to look at."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from core.services import batches, equipment, materials
from tests.ui.conftest import login, settle, shot
from tests.ui.layout_check import fit, layout_problems
from tests.ui.test_accessibility import _problems as unnamed_or_small
from tests.ui.test_dialog_layout import _all_problems
from tests.ui.test_use_override_ui import (
    CHECK,
    LOT,
    batch_screen,
    enter,
    stock,  # noqa: F401  (a fixture: lots, items, a batch)
)
from ui import theme

LARGE = [False, True]
IDS = ["normal_text", "large_text"]


def _settle_layout() -> None:
    for _ in range(3):
        QApplication.processEvents()


@pytest.mark.parametrize("large", LARGE, ids=IDS)
def test_the_materials_and_equipment_tabs_fit(qtbot, window, site, stock, large):  # noqa: F811
    login(qtbot, window, "quinn")  # QA: every button of both tabs
    screen = window.open_screen("materials", {"tab": "lots"})
    settle(qtbot, window.context)
    assert screen.lots.model.rowCount() == 2 and screen.equipment.model.rowCount() == 1
    theme.apply(QApplication.instance(), large=large)
    found: list[str] = []
    try:
        for tab in (screen.lots, screen.equipment):
            screen.tabs.setCurrentWidget(tab)
            fit(window, 1366, 768)
            _settle_layout()
            name = tab.accessibleName().replace(" ", "_").lower()
            shot(window, f"layout_{name}_1366_{int(large)}")
            found += [f"{tab.accessibleName()}: {p}" for p in layout_problems(window, 1366, 768)]
            found += [f"{tab.accessibleName()}: {p}" for p in unnamed_or_small(window)]
    finally:
        theme.apply(QApplication.instance(), large=False)
    assert found == [], "\n".join(found)


def _dialogs(window, site):
    from ui.dialogs.equipment import (
        EquipmentStatusDialog,
        RecordEventDialog,
        RegisterEquipmentDialog,
    )
    from ui.dialogs.equipment_page import EquipmentPageDialog
    from ui.dialogs.lot_decision import DecideLotDialog
    from ui.dialogs.lot_page import LotPageDialog
    from ui.dialogs.materials import AttachCoaDialog, DefineMaterialDialog, ReceiveLotDialog
    from ui.dialogs.use_override import UseOverrideDialog

    context = window.context
    catalogue = materials.materials(site)
    quarantined = materials.lot(site, "IL7", "IL7-Q")
    released = materials.lot(site, "IL7", "IL7-OK")
    item = equipment.show_equipment(site, "HOOD-01").item
    yield "define_material", DefineMaterialDialog(context, window)
    yield "receive_lot", ReceiveLotDialog(context, catalogue, "IL7", window)
    yield "attach_coa", AttachCoaDialog(context, released, window)
    yield "decide_lot", DecideLotDialog(context, quarantined, "released", window)
    yield "lot_page", LotPageDialog(released, window)
    yield "register_equipment", RegisterEquipmentDialog(context, window)
    record = RecordEventDialog(context, item, "calibration", window)
    record.failed.setChecked(True)  # the line saying what a failure does, shown
    yield "record_event", record
    yield "equipment_status", EquipmentStatusDialog(context, item, window)
    yield "equipment_page", EquipmentPageDialog(context, "HOOD-01", window)
    check = next(c for c in batches.show_batch(site, LOT).checks() if c.id == CHECK)
    refusal = (
        f"{CHECK} IL-7 lot: Lot IL7-Q of IL7 (Interleukin-7) is quarantine, not released by QA: "
        "use a released lot, or ask QA."
    )
    yield "use_override", UseOverrideDialog(context, LOT, check, "IL7-Q", refusal, window)


@pytest.mark.parametrize("large", LARGE, ids=IDS)
def test_the_materials_and_equipment_dialogs_fit(qtbot, window, site, stock, large):  # noqa: F811
    login(qtbot, window, "quinn")
    found = _all_problems(qtbot, _dialogs(window, site), (1366, 768), large)
    settle(qtbot, window.context)
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("large", LARGE, ids=IDS)
def test_the_batch_record_offering_an_override_fits(qtbot, window, site, stock, large):  # noqa: F811
    screen = batch_screen(qtbot, window)
    row = enter(qtbot, screen, CHECK, "IL7-Q")
    override = screen.overrides.button_of(row)
    theme.apply(QApplication.instance(), large=large)
    try:
        fit(window, 1366, 768)
        _settle_layout()
        screen.form.ensureWidgetVisible(override)
        _settle_layout()
        assert override.isVisible() and override.height() >= 44
        shot(window, f"layout_override_offered_1366_{int(large)}")
        found = layout_problems(window, 1366, 768) + unnamed_or_small(window)
    finally:
        theme.apply(QApplication.instance(), large=False)
    assert found == [], "\n".join(found)
