"""Process-trace channels of a template (`[[channels]]`): what a bioreactor log's columns mean for
this process, their setpoint and alarm band, and how long a value may stay outside the band
before it is an excursion. Also the quantities a check may say it `measures`, so that instrument
files and growth curves find the right checks."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from core.i18n import _
from core.templates import fields as read
from core.templates.locate import Where

CHANNEL_KEYS = (
    "key",
    "name",
    "unit",
    "precision",
    "setpoint",
    "alarm_low",
    "alarm_high",
    "hold_minutes",
    "source",
    "note",
)

# What a check may measure: a cell counter's quantities and the growth curve's.
MEASURES = (
    "viable_cell_density",
    "total_cell_density",
    "dead_cell_density",
    "viability",
    "cell_diameter",
    "total_viable_cells",
    "fold_expansion",
    "population_doublings",
    "cumulative_pd",
    "doubling_time",
    "body_weight",  # the patient's weight behind a dose (plausible range, certificate)
    "fill_volume",  # the product's total fill volume (certificate of analysis)
    "container_count",  # bags or vials filled (certificate of analysis)
)


@dataclass(frozen=True)
class ChannelDef:
    key: str  # "ph", "do", "temperature", "glucose", "lactate", "agitation", …
    name: str
    unit: str | None
    precision: int | None
    setpoint: Decimal | None
    alarm_low: Decimal | None
    alarm_high: Decimal | None
    hold_minutes: int  # outside the band longer than this is an excursion (0: at once)
    source: str
    note: str | None
    line: int | None = None

    @property
    def has_band(self) -> bool:
        return self.alarm_low is not None or self.alarm_high is not None


def parse_channels(doc: dict, root: Where) -> tuple[ChannelDef, ...]:
    raw = doc.get("channels", [])
    if not isinstance(raw, list):
        root.fail(_("'channels' must be [[channels]] tables"), "channels")
    seen: set[str] = set()
    out = []
    for i, item in enumerate(raw):
        where = root.at(("channels", i), _("channel #{n}").format(n=i + 1))
        table = read.table(item, where, "channels")
        read.check_keys(table, where, CHANNEL_KEYS, ("key", "name", "source"))
        key = read.text(table, where, "key", True)
        if not read.KEY_PATTERN.match(key.replace("_", "-")):
            where.fail(
                _("channel key {key!r} must be lower-case letters, digits or '_'").format(key=key),
                "key",
            )
        if key in seen:
            where.fail(_("channel {key!r} is defined twice").format(key=key), "key")
        seen.add(key)
        where = where.named(_("channel {key}").format(key=key))
        low, high, setpoint = (
            _number(table, where, k) for k in ("alarm_low", "alarm_high", "setpoint")
        )
        if low is not None and high is not None and low >= high:
            where.fail(_("alarm_low must be below alarm_high"), "alarm_low")
        if setpoint is not None and (
            (low is not None and setpoint < low) or (high is not None and setpoint > high)
        ):
            where.fail(_("the setpoint must lie within the alarm band"), "setpoint")
        hold = read.integer(table, where, "hold_minutes", 0)
        if (low is not None or high is not None) and hold is None:
            where.fail(_("a channel with an alarm band needs hold_minutes"), "hold_minutes")
        out.append(
            ChannelDef(
                key=key,
                name=read.text(table, where, "name", True),
                unit=read.text(table, where, "unit"),
                precision=read.integer(table, where, "precision", 0),
                setpoint=setpoint,
                alarm_low=low,
                alarm_high=high,
                hold_minutes=hold or 0,
                source=read.source(table, where, True),
                note=read.text(table, where, "note"),
                line=where.line("key"),
            )
        )
    return tuple(out)


def _number(table: dict, where: Where, key: str) -> Decimal | None:
    if key not in table:
        return None
    value: Any = table[key]
    return read.number(value, where, key)


def measures(table: dict, where: Where, ctype: str) -> str | None:
    value = read.text(table, where, "measures")
    if value is None:
        return None
    if value not in MEASURES:
        where.fail(
            _("measures must be one of {quantities}").format(quantities=", ".join(MEASURES)),
            "measures",
        )
    return value
