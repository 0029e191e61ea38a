"""Template channels (`[[channels]]`) and what checks `measure`: read, validated, refused."""

from __future__ import annotations

import pytest

from core.errors import TemplateInvalid
from core.templates.loader import builtin_template_dir, parse_template


def _cart() -> bytes:
    return (builtin_template_dir() / "cart-auto-lv.toml").read_bytes()


def test_the_car_t_template_has_its_bioreactor_channels_with_bands():
    tdef = parse_template(_cart(), "cart-auto-lv.toml")
    channels = {c.key: c for c in tdef.channels}
    assert list(channels) == ["temperature", "ph", "do", "glucose", "lactate", "agitation"]
    temp = channels["temperature"]
    assert (float(temp.setpoint), float(temp.alarm_low), float(temp.alarm_high)) == (37, 36, 38)
    assert temp.hold_minutes == 10 and temp.has_band and temp.source == "[T]"
    assert not channels["do"].has_band and channels["glucose"].alarm_high is None
    assert tdef.check("CART-IPC-07-VCD-D3").measures == "viable_cell_density"
    assert tdef.check("CART-IPC-07-FOLD-D3").measures == "fold_expansion"


def _broken(old: str, new: str) -> bytes:
    data = _cart().decode()
    assert old in data
    return data.replace(old, new, 1).encode()


@pytest.mark.parametrize(
    "old, new, words",
    [
        (
            "alarm_low = 36.0\nalarm_high = 38.0",
            "alarm_low = 38.0\nalarm_high = 36.0",
            "alarm_low must be below alarm_high",
        ),
        (
            "setpoint = 37.0\nalarm_low = 36.0",
            "setpoint = 39.0\nalarm_low = 36.0",
            "setpoint must lie within",
        ),
        ('key = "ph"', 'key = "temperature"', "defined twice"),
        (
            'hold_minutes = 10\nsource = "[T]"\nnote = "Setpoint 37.0',
            'source = "[T]"\nnote = "Setpoint 37.0',
            "needs hold_minutes",
        ),
        ('measures = "viable_cell_density"', 'measures = "cell_happiness"', "measures must be"),
        ("alarm_high = 38.0", "alarm_hi = 38.0", "alarm_hi"),
    ],
)
def test_bad_channels_are_refused_with_their_line(old, new, words):
    data = _broken(old, new)
    with pytest.raises(TemplateInvalid, match=words) as caught:
        parse_template(data, "cart-auto-lv.toml")
    assert caught.value.line is not None
    original = _cart().decode()
    changed = original[: original.index(old)].count("\n") + 1  # where the edit is
    # the line of the bad key, or of the channel's table when a key is missing
    assert changed - 12 <= caught.value.line <= changed
