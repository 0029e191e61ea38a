"""Process templates: the built-in files load, expand and resolve; broken files are refused with
the file, the line of the offending text and a reason."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import pytest

from core.errors import NotFound, TemplateInvalid
from core.templates import (
    InputRef,
    builtin_template_dir,
    load_builtin_templates,
    load_template_file,
    parse_template,
)
from core.templates.fields import SOURCE_PATTERN

BUILTIN_KEYS = {"cart-auto-lv", "msc-expanded", "aav-hek293", "lv-hek293t"}


@pytest.fixture(scope="module")
def templates():
    return {t.key: t for t in load_builtin_templates()}


@pytest.fixture(scope="module")
def cart(templates):
    return templates["cart-auto-lv"]


@pytest.fixture(scope="module")
def msc(templates):
    return templates["msc-expanded"]


# ------------------------------------------------------------------ built-in templates


def test_every_builtin_template_loads(templates):
    assert set(templates) == BUILTIN_KEYS
    families = {t.key: t.product_family for t in templates.values()}
    assert families == {
        "cart-auto-lv": "CAR-T",
        "msc-expanded": "MSC",
        "aav-hek293": "AAV",
        "lv-hek293t": "LV",
    }
    assert templates["cart-auto-lv"].autologous
    assert not templates["msc-expanded"].autologous
    for template in templates.values():
        assert template.version == 2
        assert template.release.is_release
        assert not any(step.is_release for step in template.steps)
        assert template.all_steps()[-1] is template.release
        for check in template.checks():
            assert SOURCE_PATTERN.match(check.source), check.id
            assert template.step_of(check.id).id == check.step_id
            if check.type == "number":
                assert check.unit, check.id
            if check.step_id == template.release.id:
                assert check.attribute, check.id


def test_sha256_is_the_hash_of_the_file_bytes(templates):
    for template in templates.values():
        data = Path(template.source_file).read_bytes()
        assert template.sha256 == hashlib.sha256(data).hexdigest()
    data = (builtin_template_dir() / "lv-hek293t.toml").read_bytes()
    assert parse_template(data, "x.toml").sha256 == hashlib.sha256(data).hexdigest()
    changed = parse_template(data + b"\n# comment\n", "x.toml")
    assert changed.sha256 != hashlib.sha256(data).hexdigest()


def test_product_specific_limits_carry_a_note(templates):
    for template in templates.values():
        for check in template.checks():
            spec = check.spec
            limited = spec is not None and (spec.has_limits or spec.target is not None)
            if "[P]" in check.source and limited:
                assert check.note, check.id


def test_check_order_follows_the_file(cart):
    ids = [c.id for c in cart.checks()]
    assert ids[0] == "CART-IPC-00-COI"
    assert ids.index("CART-IPC-06-MOI") < ids.index("CART-IPC-07-VCD-D0")
    assert ids.index("CART-IPC-07-FOLD-D10") < ids.index("CART-REL-01")
    assert ids[-1] == "CART-REL-16"
    assert len(ids) == len(set(ids))


# ------------------------------------------------------------------ expansion


def test_repeated_step_expands_per_day(cart):
    days = [s for s in cart.steps if s.base_id == "CART-S07"]
    assert [s.id for s in days] == [f"CART-S07-D{n}" for n in range(11)]
    day3 = cart.step("CART-S07-D3")
    assert (day3.name, day3.day, day3.instance) == ("Expansion — D3", "D3", "D3")
    assert (day3.instance_number, day3.instance_unit) == (3, "day")
    assert [c.id for c in day3.checks][:3] == [
        "CART-IPC-07-VCD-D3",
        "CART-IPC-07-VOL-D3",
        "CART-IPC-07-TVC-D3",
    ]
    tvc = cart.check("CART-IPC-07-TVC-D3")
    assert (tvc.base_id, tvc.step_id, tvc.instance, tvc.calc) == (
        "CART-IPC-07-TVC",
        "CART-S07-D3",
        "D3",
        "total_viable_cells",
    )
    assert tvc.inputs == (
        InputRef("vcd", check_id="CART-IPC-07-VCD-D3"),
        InputRef("volume_ml", check_id="CART-IPC-07-VOL-D3"),
    )
    fold = cart.check("CART-IPC-07-FOLD-D3")
    assert fold.inputs == (
        InputRef("tvc", check_id="CART-IPC-07-TVC-D3"),
        InputRef("tvc0", check_id="CART-IPC-07-TVC-D0"),
    )
    vcd = cart.instances("CART-IPC-07-VCD")
    assert [c.id for c in vcd] == [f"CART-IPC-07-VCD-D{n}" for n in range(11)]
    assert cart.instances("CART-IPC-07-NOPE") == ()


def test_unrepeated_step_keeps_its_ids(cart):
    step = cart.step("CART-S10")
    assert (step.base_id, step.instance, step.instance_number) == ("CART-S10", None, None)
    dose = cart.check("CART-IPC-10-DOSE")
    assert dose.base_id == dose.id and dose.instance is None
    assert dose.derived and dose.verify and dose.gates_release
    assert dose.spec.lower == Decimal("200000.0") and dose.spec.upper == Decimal("5000000.0")
    assert not cart.check("CART-IPC-10-WEIGHT").derived


def test_step_verify_is_set_by_any_verified_check(cart):
    assert not cart.step("CART-S04").verify
    assert cart.step("CART-S10").verify  # the file does not say so; its checks do


def test_prev_and_first_resolve_to_the_previous_passage(msc):
    first = msc.check("MSC-IPC-04-CPD-P1")
    assert first.inputs == (
        InputRef("previous_cpd", constant=Decimal(0)),
        InputRef("pd", check_id="MSC-IPC-04-PD-P1"),
    )
    third = msc.check("MSC-IPC-04-CPD-P3")
    assert third.inputs[0] == InputRef("previous_cpd", check_id="MSC-IPC-04-CPD-P2")
    passage = msc.step("MSC-S04-P2")
    assert (passage.instance, passage.instance_unit, passage.name) == (
        "P2",
        "passage",
        "Expansion passage — P2",
    )


def test_constants_and_scan_expectations(cart, msc):
    km = cart.check("CART-REL-14-KM")
    assert km.inputs[0] == InputRef("k_eu_per_kg", constant=Decimal(5))
    assert cart.check("CART-IPC-03-COI").expect == "coi"
    assert cart.check("CART-IPC-06-VIAL").expect == "check:CART-IPC-06-LOT"
    assert msc.check("MSC-IPC-06-LABEL").expect == "check:MSC-IPC-00-DONOR"


# ------------------------------------------------------------------ dependents


def _assert_inputs_first(template, ordered):
    seen = set()
    for check in ordered:
        for used in check.input_check_ids:
            if used in {c.id for c in ordered}:
                assert used in seen, f"{check.id} comes before its input {used}"
        seen.add(check.id)


def test_dependents_in_input_order(cart):
    deps = cart.dependents("CART-IPC-07-VCD-D0")
    ids = [c.id for c in deps]
    assert ids[0] == "CART-IPC-07-TVC-D0"
    assert set(ids) == {"CART-IPC-07-TVC-D0"} | {f"CART-IPC-07-FOLD-D{n}" for n in range(11)}
    _assert_inputs_first(cart, deps)

    chain = [c.id for c in cart.dependents("CART-IPC-10-VCD")]
    assert chain[:2] == ["CART-IPC-10-TVC", "CART-IPC-10-CARCELLS"]
    assert set(chain[2:]) == {"CART-IPC-10-DOSE", "CART-IPC-10-DOSE-TOTAL"}

    fill = [c.id for c in cart.dependents("CART-IPC-10-FILL")]
    assert set(fill) == {
        "CART-IPC-10-TVC",
        "CART-IPC-10-CARCELLS",
        "CART-IPC-10-DOSE",
        "CART-IPC-10-DOSE-TOTAL",
        "CART-REL-14-KM",
        "CART-REL-14-PERKG",
    }
    assert fill.index("CART-IPC-10-CARCELLS") < fill.index("CART-IPC-10-DOSE")
    assert cart.dependents("CART-REL-01") == ()


def test_dependents_cross_passages(msc):
    ids = [c.id for c in msc.dependents("MSC-IPC-04-HARVESTED-P2")]
    assert ids == [
        "MSC-IPC-04-PD-P2",
        "MSC-IPC-04-CPD-P2",
        "MSC-IPC-04-PDT-P2",
        "MSC-IPC-04-CPD-P3",
        "MSC-IPC-04-CPD-P4",
    ]


def test_evaluation_order_puts_inputs_first(templates):
    for template in templates.values():
        order = template.evaluation_order()
        assert all(c.derived for c in order)
        _assert_inputs_first(template, order)


# ------------------------------------------------------------------ lookups


def test_lookups(cart):
    assert cart.check("CART-REL-05").attribute == "viability"
    assert cart.step_of("CART-REL-05") is cart.release
    assert cart.step("CART-S13") is cart.release
    assert cart.check("CART-REL-12").pending_allowed
    assert cart.has_check("CART-IPC-07-TVC-D10") and not cart.has_check("CART-IPC-07-TVC")


def test_unknown_ids_raise_not_found(cart):
    with pytest.raises(NotFound) as err:
        cart.check("CART-IPC-99")
    assert str(err.value) == (
        "Check CART-IPC-99 is not in template cart-auto-lv v2. Its steps and checks are listed "
        "under Templates."
    )
    assert err.value.cli_hint == "See `python main.py template show cart-auto-lv`."
    with pytest.raises(NotFound, match="CART-IPC-07-TVC-D0 … CART-IPC-07-TVC-D10"):
        cart.check("CART-IPC-07-TVC")
    with pytest.raises(NotFound, match="CART-S07-D0 … CART-S07-D10"):
        cart.step("CART-S07")
    with pytest.raises(NotFound, match="Check NOPE-1"):
        cart.step_of("NOPE-1")
    with pytest.raises(NotFound):
        cart.dependents("NOPE-1")


# ------------------------------------------------------------------ refusals

BASE = """\
schema = 1

[template]
key = "mini"
version = 1
title = "Mini"
product_family = "CAR-T"
autologous = true

[[steps]]
id = "X-S01"
name = "Count"
source = "[T]"

[[steps.checks]]
id = "X-IPC-01-LIVE"
name = "Live cells"
type = "number"
unit = "cells"
source = "[T]"

[[steps.checks]]
id = "X-IPC-01-DEAD"
name = "Dead cells"
type = "number"
unit = "cells"
source = "[T]"

[[steps.checks]]
id = "X-IPC-01-VIAB"
name = "Viability"
type = "number"
unit = "%"
precision = 1
calc = "viability_pct"
inputs = { live = "X-IPC-01-LIVE", dead = "X-IPC-01-DEAD" }
source = "[T]"
spec = { lower = 70, alert_lower = 80 }

[[steps]]
id = "X-S02"
name = "Expansion"
repeat = { unit = "day", prefix = "D", values = [0, 1] }
source = "[T]"

[[steps.checks]]
id = "X-IPC-02-VCD"
name = "VCD"
type = "number"
unit = "cells/mL"
notation = "sci"
precision = 3
source = "[T]"

[[steps.checks]]
id = "X-IPC-02-VOL"
name = "Volume"
type = "number"
unit = "mL"
source = "[T]"

[[steps.checks]]
id = "X-IPC-02-TVC"
name = "TVC"
type = "number"
unit = "cells"
calc = "total_viable_cells"
inputs = { vcd = "X-IPC-02-VCD", volume_ml = "X-IPC-02-VOL" }
source = "[T]"

[release]
name = "Release"

[[release.checks]]
id = "X-REL-01"
name = "Sterility"
type = "passfail"
attribute = "safety"
source = "[S36]"
spec = { expected = "pass" }
"""


def _line(text: str, marker: str) -> int:
    """1-based line of the only line containing ``marker``."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if marker in line]
    assert len(hits) == 1, f"marker {marker!r} found on lines {hits}"
    return hits[0]


def _refused(text: str) -> TemplateInvalid:
    with pytest.raises(TemplateInvalid) as err:
        parse_template(text.encode(), "bad.toml")
    assert err.value.file == "bad.toml"
    assert str(err.value).startswith(f"Template bad.toml, line {err.value.line}: ")
    return err.value


def _mutate(old: str, new: str, count: int = 1) -> str:
    assert BASE.count(old) >= count, old
    return BASE.replace(old, new, count)


def test_the_base_template_is_valid():
    template = parse_template(BASE.encode(), "mini.toml")
    assert template.release.id == "X-REL"  # default: the family prefix of its first check + REL
    assert [s.id for s in template.steps] == ["X-S01", "X-S02-D0", "X-S02-D1"]
    assert template.check("X-IPC-01-VIAB").line == _line(BASE, 'id = "X-IPC-01-VIAB"')


def test_toml_syntax_error_names_the_line():
    text = _mutate('name = "Dead cells"', 'name = "Dead cells')
    error = _refused(text)
    assert error.line == _line(text, 'name = "Dead cells')
    assert "TOML syntax error" in error.reason


def test_unknown_key_is_refused_with_its_line():
    text = _mutate(
        'precision = 1\ncalc = "viability_pct"', 'precision = 1\nuper = 5\ncalc = "viability_pct"'
    )
    error = _refused(text)
    assert error.line == _line(text, "uper = 5")
    assert "unknown key 'uper'" in error.reason and "did you mean 'upper'" in error.reason


def test_unknown_key_inside_spec_is_refused():
    text = _mutate("spec = { lower = 70, alert_lower = 80 }", "spec = { lower = 70, uper = 90 }")
    error = _refused(text)
    assert error.line == _line(text, "uper = 90")
    assert "unknown key 'uper'" in error.reason


def test_duplicate_id_is_refused_at_the_second_one():
    text = _mutate('id = "X-IPC-01-DEAD"', 'id = "X-IPC-01-LIVE"')
    text = text.replace('name = "Dead cells"', 'name = "Dead cells (copy)"')
    error = _refused(text)
    second = [n for n, line in enumerate(text.splitlines(), 1) if 'id = "X-IPC-01-LIVE"' in line]
    assert error.line == second[1]
    assert "X-IPC-01-LIVE" in error.reason and "unique" in error.reason


def test_duplicate_id_after_expansion_is_refused():
    extra = (
        '[[steps.checks]]\nid = "X-IPC-02-VCD-D1"\nname = "Clash"\ntype = "text"\nsource = "[T]"\n'
    )
    text = BASE.replace("[release]", extra + "\n[release]")
    error = _refused(text)
    assert error.line == _line(text, 'id = "X-IPC-02-VCD-D1"')
    assert "X-IPC-02-VCD-D1" in error.reason


def test_lower_above_upper_is_refused():
    text = _mutate("spec = { lower = 70, alert_lower = 80 }", "spec = { lower = 90, upper = 80 }")
    error = _refused(text)
    assert error.line == _line(text, "lower = 90, upper = 80")
    assert "spec.lower (90) is above spec.upper (80)" in error.reason


def test_alert_limit_outside_action_limits_is_refused():
    text = _mutate(
        "spec = { lower = 70, alert_lower = 80 }", "spec = { lower = 70, alert_lower = 60 }"
    )
    error = _refused(text)
    assert error.line == _line(text, "alert_lower = 60")
    assert "spec.lower (70) is above spec.alert_lower (60)" in error.reason


def test_derived_input_naming_a_missing_check_is_refused():
    text = _mutate('dead = "X-IPC-01-DEAD"', 'dead = "X-IPC-01-DAED"')
    error = _refused(text)
    assert error.line == _line(text, "X-IPC-01-DAED")
    assert "X-IPC-01-DAED is not a check in this template" in error.reason


def test_derived_cycle_is_refused():
    text = _mutate(
        'inputs = { vcd = "X-IPC-02-VCD", volume_ml = "X-IPC-02-VOL" }',
        'inputs = { vcd = "X-IPC-02-LOOP", volume_ml = "X-IPC-02-VOL" }',
    )
    loop = (
        '[[steps.checks]]\nid = "X-IPC-02-LOOP"\nname = "Loop"\ntype = "number"\nunit = "cells"\n'
        'calc = "total_viable_cells"\n'
        'inputs = { vcd = "X-IPC-02-TVC", volume_ml = "X-IPC-02-VOL" } # loop back\n'
        'source = "[T]"\n'
    )
    text = text.replace("[release]", loop + "\n[release]")
    error = _refused(text)
    assert error.line == _line(text, 'vcd = "X-IPC-02-LOOP"')
    assert "cycle: X-IPC-02-TVC-D0 → X-IPC-02-LOOP-D0 → X-IPC-02-TVC-D0" in error.reason


def test_unknown_calc_is_refused():
    text = _mutate('calc = "viability_pct"', 'calc = "viabilty_pct"')
    error = _refused(text)
    assert error.line == _line(text, 'calc = "viabilty_pct"')
    assert "did you mean 'viability_pct'" in error.reason


def test_missing_source_is_refused_at_the_check():
    text = _mutate('unit = "cells"\nsource = "[T]"', 'unit = "cells"')
    error = _refused(text)
    assert error.line == _line(text, 'id = "X-IPC-01-LIVE"')
    assert "check X-IPC-01-LIVE: 'source' is missing" in str(error)


def test_malformed_source_is_refused():
    text = _mutate('source = "[S36]"', 'source = "S36"')
    error = _refused(text)
    assert error.line == _line(text, 'source = "S36"')
    assert "not shaped like the reference's tags" in error.reason


@pytest.mark.parametrize(
    ("old", "new", "marker", "reason"),
    [
        ("schema = 1", "schema = 2", "schema = 2", "schema = 1"),
        ('key = "mini"', 'key = "Mini Template"', "Mini Template", "lowercase slug"),
        ('type = "passfail"', 'type = "yesno"', "yesno", "is not one of"),
        ('unit = "mL"\n', "", 'id = "X-IPC-02-VOL"', "'unit' is missing"),
        ("precision = 1", "precision = -1", "precision = -1", "whole number"),
        ('unit = "mL"', 'unit = "mL"\nnotation = "eng"', 'notation = "eng"', "notation"),
        ("lower = 70,", 'lower = "70",', 'lower = "70"', "without quotes"),
        ('spec = { expected = "pass" }', "spec = { upper = 1 }", "upper = 1", "only for number"),
        ('spec = { expected = "pass" }', 'spec = { expected = "ok" }', '"ok"', "pass"),
        ('attribute = "safety"\n', "", 'id = "X-REL-01"', "'attribute' is missing"),
        ('attribute = "safety"', 'attribute = "safe"', '"safe"', "attribute must be"),
        (', dead = "X-IPC-01-DEAD"', "", "inputs = { live", "also needs dead"),
        (
            'dead = "X-IPC-01-DEAD"',
            'dead = "X-IPC-01-DEAD", alive = 1',
            "alive",
            "no input 'alive'",
        ),
        ('vcd = "X-IPC-02-VCD"', 'vcd = "X-S01"', 'vcd = "X-S01"', "not a check"),
        (
            'live = "X-IPC-01-LIVE"',
            'live = "X-IPC-02-VCD"',
            'live = "X-IPC-02-VCD"',
            "name one instance",
        ),
        ('live = "X-IPC-01-LIVE"', 'live = { prev = "X-IPC-01-LIVE", first = 0 }', "prev", "prev"),
        ("values = [0, 1]", "values = [1, 0]", "values = [1, 0]", "rising order"),
        ('unit = "%"', 'unit = "cells"', 'unit = "cells"\nprecision = 1', "gives %"),
    ],
)
def test_other_refusals_name_line_and_reason(old, new, marker, reason):
    text = _mutate(old, new)
    error = _refused(text)
    if "\n" in marker:  # a two-line marker: the first line of it
        first, second = marker.split("\n")
        lines = text.splitlines()
        hits = [n for n in range(1, len(lines)) if first in lines[n - 1] and second in lines[n]]
        assert error.line == hits[0]
    else:
        assert error.line == _line(text, marker)
    assert reason in error.reason


def test_scan_expectations_are_checked():
    scan = '[[steps.checks]]\nid = "X-IPC-01-BAG"\nname = "Bag"\ntype = "scan"\n'
    coi = BASE.replace(
        '[[steps]]\nid = "X-S02"',
        scan + 'expect = "coi"\nsource = "[T]"\n\n[[steps]]\nid = "X-S02"',
    )
    assert parse_template(coi.encode(), "ok.toml").check("X-IPC-01-BAG").expect == "coi"
    allogeneic = coi.replace("autologous = true", "autologous = false")
    error = _refused(allogeneic)
    assert error.line == _line(allogeneic, 'expect = "coi"')
    wrong = coi.replace('expect = "coi"', 'expect = "check:X-IPC-01-LIVE"')
    error = _refused(wrong)
    assert error.line == _line(wrong, "expect =")
    assert "text, scan or choice" in error.reason


def test_product_specific_limit_needs_a_note():
    text = _mutate('source = "[T]"\nspec = { lower', 'source = "[S3][P]"\nspec = { lower')
    error = _refused(text)
    assert error.line == _line(text, "spec = { lower")
    assert "[P]" in error.reason and "note" in error.reason


def test_unreadable_and_non_utf8_files_are_refused(tmp_path):
    with pytest.raises(TemplateInvalid) as err:
        load_template_file(tmp_path / "missing.toml")
    assert err.value.file.endswith("missing.toml") and "cannot read" in err.value.reason
    data = BASE.replace('title = "Mini"', 'title = "Mini \xff"').encode("latin-1")
    with pytest.raises(TemplateInvalid) as err:
        parse_template(data, "latin.toml")
    assert err.value.line == _line(BASE, 'title = "Mini"') and "UTF-8" in err.value.reason


def test_a_file_on_disk_loads_with_its_path(tmp_path):
    path = tmp_path / "mini.toml"
    path.write_text(BASE, encoding="utf-8")
    template = load_template_file(path)
    assert template.source_file == str(path)
    assert template.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
