"""A template version described for its readers: every check of every step in order, the spec in
words, the rules that apply, and NOT CONFIRMED on a draft's example limits only."""

from __future__ import annotations

from core.services.template_contents import template_contents
from core.services.templates import get_template


def test_every_check_in_order_with_its_spec_and_rules(site):
    shown = template_contents(site, "cart-auto-lv")
    tdef = get_template(site, "cart-auto-lv")
    assert [c.check_id for c in shown.checks] == [c.id for s in tdef.all_steps() for c in s.checks]
    coi = next(c for c in shown.checks if c.check_id == "CART-IPC-00-COI")
    assert coi.spec == "must match the batch's chain-of-identity id"
    assert "gates release" in coi.rules and coi.step_id == "CART-S00"
    assert shown.summary.approved and shown.summary.approved_by_name
    assert not any("NOT CONFIRMED" in c.rules for c in shown.checks)


def test_a_drafts_example_limits_read_not_confirmed(draft_site):
    shown = template_contents(draft_site, "cart-auto-lv")
    assert not shown.summary.approved and shown.summary.example_limits > 0
    marked = {c.check_id for c in shown.checks if "NOT CONFIRMED" in c.rules}
    tdef = get_template(draft_site, "cart-auto-lv")
    assert marked == {check.id for check in tdef.example_limits()}  # each repeat of a step too
