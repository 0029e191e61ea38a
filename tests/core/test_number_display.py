"""Numbers are shown with the site's decimal mark (else the reader's language's own); what is
stored, and what is composed for the record, keeps the point."""

from __future__ import annotations

import pytest

from core.i18n import SOURCE, in_language, set_language
from core.number_display import set_site_mark, shown_mark, with_shown_mark
from core.services import batches, recording
from core.services.settings import set_setting
from tests.raw_db import raw_sql

CHECK = "CART-IPC-00-SLOT"
VIABILITY = "CART-IPC-03-VIAB"


@pytest.mark.parametrize(
    ("site_mark", "code", "expected"),
    [
        ("auto", "en", "."),
        ("auto", "de", ","),  # German writes a decimal comma
        ("auto", "ko", "."),
        ("auto", "zh_CN", "."),
        ("comma", "en", ","),  # the site's choice wins over the language's
        ("point", "de", "."),
    ],
)
def test_the_mark_shown_follows_the_site_else_the_language(site_mark, code, expected):
    set_site_mark(site_mark)
    set_language(code)
    assert shown_mark() == expected
    assert with_shown_mark("7.2 % · 2.45×10⁶ cells/mL · CART-IPC-07") == (
        "7.2 % · 2.45×10⁶ cells/mL · CART-IPC-07"
        if expected == "."
        else "7,2 % · 2,45×10⁶ cells/mL · CART-IPC-07"
    )


def test_a_text_composed_for_the_record_keeps_the_point():
    set_site_mark("comma")
    set_language("de")
    with in_language(SOURCE):
        assert shown_mark() == "." and with_shown_mark("7.2 %") == "7.2 %"
    with in_language("de"):
        assert with_shown_mark("7.2 %") == "7,2 %"


def test_an_unknown_setting_shows_as_the_language_does():
    set_site_mark("semicolon")
    assert shown_mark() == "."


def test_values_and_limits_show_the_comma_while_the_stored_value_keeps_the_point(
    site, admin, stocked, lot
):
    tech = stocked["tech"]
    set_setting(site, admin, "decimal_mark", "comma", "the site writes decimal commas")
    set_site_mark("comma")
    recording.record_value(site, tech, lot, VIABILITY, "85,5")
    view = batches.show_batch(site, lot)
    viability = next(c for c in view.checks() if c.id == VIABILITY)
    assert viability.current is not None and viability.current.display == "85,5 %"
    assert viability.current.amount == "85,5"  # what a correction starts from: typed back as is
    assert viability.spec.startswith("≥ 70,0 %")
    ((stored, rule),) = raw_sql(
        site, f"SELECT value, rule FROM result WHERE check_id = '{VIABILITY}' ORDER BY id DESC"
    )
    assert stored == "85.5" and "70,0" not in (rule or "")
    set_site_mark("point")
    view = batches.show_batch(site, lot)
    again = next(c for c in view.checks() if c.id == VIABILITY)
    assert again.current is not None and again.current.display == "85.5 %"
    assert CHECK  # a check of the same template that shows no number is left alone
    slot = next(c for c in view.checks() if c.id == CHECK)
    assert slot.current is None or "," not in (slot.current.display or "")
