"""The one parser for values a technician types or scans, and the one formatter that echoes them.

Numbers are read straight into ``Decimal`` (never through float) so what was typed is kept exactly.
Every refusal is an ``InvalidValue`` whose message says what was wrong and what to type instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from core.errors import InvalidValue

KINDS = ("number", "passfail", "text", "choice", "scan")
NOTATIONS = ("fixed", "sci")
MAX_EXPONENT = 100  # numbers from 10⁻¹⁰⁰ to 10¹⁰⁰ in size: always finite as a float too

_TYPE_DIGITS = "Type digits with one decimal point or comma, e.g. 7.2 or 7,2."
_SUPERSCRIPT_TO_ASCII = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_ASCII_TO_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")

_MANTISSA = r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)"
_NUMBER = re.compile(
    rf"(?P<mant>{_MANTISSA})"
    r"(?:[eE](?P<e>[+-]?[0-9]+)"
    r"|\s*[×xX*]\s*10\s*(?:\^\s*(?P<caret>[+-]?[0-9]+)|(?P<sup>[⁺⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)))?"
    r"\s*(?P<rest>.*)",
    re.DOTALL,
)
_PLAIN = re.compile(rf"(?P<mant>{_MANTISSA})\s*(?P<rest>.*)", re.DOTALL)
_HEAD = re.compile(r"[+-]?[0-9.,]*(?:\s+[0-9.,]+)*")  # the leading run of digits and separators
_NOT_FINITE = re.compile(r"[+-]?\s*(?:s?nan|infinity|inf|∞)(?![a-z])", re.IGNORECASE)
_BROKEN_POWER = re.compile(r"[×*^]|[eExX]\s*[0-9+\-^]")
_SCAN_EDGES = re.compile(r"^[\s\x00-\x1f\x7f]+|[\s\x00-\x1f\x7f]+$")

# Unit spellings that mean the same thing, applied after spaces are removed and case is folded.
_UNIT_ALIASES = (("μ", "µ"), ("º", "°"), ("℃", "°c"), ("degc", "°c"))
_MICRO_U = re.compile(r"(?<![a-z])u(?=[mlg])")  # "um", "ul", "ug" written with a plain u


@dataclass(frozen=True)
class ParsedValue:
    """A value as typed (``raw``) and as understood (``number`` or canonical ``text``)."""

    raw: str
    kind: str
    number: Decimal | None
    text: str | None
    unit: str | None

    def display(self, precision: int | None = None, notation: str = "fixed") -> str:
        """Canonical echo of the value, e.g. "7.2 %", "2.45×10⁶ cells/mL", "pass"."""
        if self.kind == "number" and self.number is not None:
            shown = format_number(self.number, precision, notation)
            return f"{shown} {self.unit}" if self.unit else shown
        return self.text or ""


def parse_value(
    raw: str,
    *,
    kind: str,
    unit: str | None = None,
    choices: Sequence[str] = (),
    pass_label: str = "Pass",
    fail_label: str = "Fail",
) -> ParsedValue:
    """Read ``raw`` as a field of ``kind`` requires; raise ``InvalidValue`` saying what to type."""
    if kind == "number":
        return ParsedValue(raw, kind, parse_number(raw, unit), None, unit)
    if kind == "passfail":
        return ParsedValue(raw, kind, None, _parse_passfail(raw, pass_label, fail_label), None)
    if kind == "choice":
        return ParsedValue(raw, kind, None, _parse_choice(raw, choices), None)
    if kind == "scan":
        code = _SCAN_EDGES.sub("", raw)
        if not code:
            raise InvalidValue("Nothing was scanned. Scan the label again, or type the code.")
        return ParsedValue(raw, kind, None, code, None)
    if kind == "text":
        text = raw.strip()
        if not text:
            raise InvalidValue("Nothing was entered. Type the text for this field.")
        return ParsedValue(raw, kind, None, text, None)
    raise ValueError(f"unknown value kind {kind!r}; expected one of {', '.join(KINDS)}")


def parse_number(raw: str, unit: str | None = None) -> Decimal:
    """Read a typed number (optionally followed by the field's ``unit``) exactly, as a Decimal."""
    text = raw.replace("\u2212", "-").strip()
    shown = _shown(raw)
    if not text:
        raise InvalidValue(f"Nothing was entered. {_TYPE_DIGITS}")
    if unit:  # the field's unit may itself start with a power of ten, e.g. "×10⁶ cells/kg"
        plain = _PLAIN.fullmatch(text)
        if plain and plain["rest"] and same_unit(plain["rest"], unit):
            return _to_decimal(raw, plain["mant"], "0")
    head = _HEAD.match(text).group()
    if re.search(r"[0-9.,]\s+[0-9.,]", head):
        raise InvalidValue(
            f"'{shown}' has a space between digits. Do not group digits: type 1234, not 1 234."
        )
    if "." in head and "," in head:
        raise InvalidValue(
            f"'{shown}' has both a point and a comma. Do not use thousands separators: "
            "type 1234.5 or 1234,5."
        )
    if head.count(".") + head.count(",") > 1:
        raise InvalidValue(f"'{shown}' is not a number. {_TYPE_DIGITS}")
    match = _NUMBER.fullmatch(text)
    if match is None:
        if _NOT_FINITE.match(text):
            raise InvalidValue(
                f"'{shown}' is not a finite number. Type the measured value in digits, e.g. 7.2."
            )
        raise InvalidValue(f"'{shown}' is not a number. {_TYPE_DIGITS}")
    rest = match["rest"].strip()
    if rest:
        _check_unit_text(shown, rest, unit)
    superscript = (match["sup"] or "0").translate(_SUPERSCRIPT_TO_ASCII)
    exponent = match["e"] or match["caret"] or superscript
    return _to_decimal(raw, match["mant"], exponent)


def same_unit(a: str, b: str) -> bool:
    """True when two spellings mean the same unit ("cells/ml" and "cells/mL", "um" and "µm")."""
    return _unit_key(a) == _unit_key(b)


def format_number(value: Decimal, precision: int | None = None, notation: str = "fixed") -> str:
    """Show ``value`` rounded half-up: decimals ("fixed") or significant digits ("sci", 2.45×10⁶).

    The result is always accepted back by ``parse_number``.
    """
    rounded = round_for_comparison(value, precision, notation)
    if notation == "fixed":
        text = format(rounded, "f")
    else:
        exponent = 0 if rounded.is_zero() else rounded.adjusted()
        sign, digits, exp = rounded.as_tuple()
        mantissa = format(Decimal((sign, digits, exp - exponent)), "f")
        power = "" if exponent == 0 else "×10" + str(exponent).translate(_ASCII_TO_SUPERSCRIPT)
        text = mantissa + power
    if rounded.is_zero():
        text = text.lstrip("-")  # never show "-0.0"
    return text


def round_for_comparison(value: Decimal, precision: int | None, notation: str = "fixed") -> Decimal:
    """Round half-up as the USP General Notices ask before a result is compared with a limit.

    "fixed": to ``precision`` decimals; "sci": to ``precision`` significant digits; None: unchanged.
    """
    _check_format(precision, notation)
    if not value.is_finite():
        raise InvalidValue(f"'{value}' is not a finite number and cannot be shown or compared.")
    if precision is None:
        return value
    if notation == "fixed":
        return _quantize(value, -precision)
    if value.is_zero():
        return _quantize(value, 1 - precision)
    rounded = _quantize(value, value.adjusted() + 1 - precision)
    if rounded.adjusted() > value.adjusted():  # 9.996 → 10.00: keep `precision` digits, 10.0
        rounded = _quantize(rounded, rounded.adjusted() + 1 - precision)
    return rounded


def _quantize(value: Decimal, exponent: int) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = max(28, abs(value.adjusted()) + abs(exponent) + 3)
        return value.quantize(Decimal((0, (1,), exponent)), rounding=ROUND_HALF_UP)


def _check_format(precision: int | None, notation: str) -> None:
    if notation not in NOTATIONS:
        raise ValueError(f"unknown notation {notation!r}; expected one of {', '.join(NOTATIONS)}")
    lowest = 1 if notation == "sci" else 0
    if precision is not None and precision < lowest:
        raise ValueError(f"precision {precision} is too small for {notation!r} notation")


def _to_decimal(raw: str, mantissa: str, exponent: str) -> Decimal:
    sign = "-" if exponent.startswith("-") else ""
    digits = exponent.lstrip("+-").lstrip("0") or "0"
    if len(digits) > 3 or int(digits) > MAX_EXPONENT:
        raise _out_of_range(raw)
    value = Decimal(f"{mantissa.replace(',', '.')}E{sign}{digits}")  # exact: no context rounding
    if value.is_zero():
        return value.copy_abs()  # "-0" is recorded as 0
    if abs(value.adjusted()) > MAX_EXPONENT:
        raise _out_of_range(raw)
    return value


def _out_of_range(raw: str) -> InvalidValue:
    return InvalidValue(
        f"'{_shown(raw)}' is out of range: numbers must lie between 10⁻¹⁰⁰ and 10¹⁰⁰ in size. "
        "Check the exponent and the number of digits."
    )


def _check_unit_text(shown: str, rest: str, unit: str | None) -> None:
    """Refuse what follows the number unless it is the field's unit."""
    if rest[0] in "0123456789.,":
        raise InvalidValue(f"'{shown}' is not a number. {_TYPE_DIGITS}")
    if _BROKEN_POWER.match(rest):
        raise InvalidValue(
            f"The power of ten in '{shown}' is incomplete. Write it as 1.2e6 or 1.2×10^6."
        )
    if not unit:
        raise InvalidValue(
            f"This field has no unit, but '{_shown(rest)}' was typed after the number. "
            "Type the number alone."
        )
    if not same_unit(rest, unit):
        raise InvalidValue(
            f"'{_shown(rest)}' is not the unit of this field; it takes {unit}. "
            f"Type the value in {unit}, or the number alone."
        )


def _unit_key(unit: str) -> str:
    key = "".join(unit.split()).lower()
    for alias, canonical in _UNIT_ALIASES:
        key = key.replace(alias, canonical)
    return _MICRO_U.sub("µ", key)


def _parse_passfail(raw: str, pass_label: str, fail_label: str) -> str:
    typed = raw.strip().casefold()
    meanings: dict[str, str] = {"pass": "pass", "fail": "fail"}
    # A one-letter shortcut is refused when a label starts with it and means the opposite
    # ("p" must not record a pass when the fail label is "Positive").
    if not fail_label.strip().casefold().startswith("p"):
        meanings["p"] = "pass"
    if not pass_label.strip().casefold().startswith("f"):
        meanings["f"] = "fail"
    meanings[pass_label.strip().casefold()] = "pass"
    meanings[fail_label.strip().casefold()] = "fail"
    if typed in meanings:
        return meanings[typed]
    accepted = [pass_label, fail_label]
    accepted += [w for w in meanings if w not in {a.strip().casefold() for a in accepted}]
    listed = ", ".join(accepted)
    if not typed:
        raise InvalidValue(f"Nothing was entered. Type {pass_label} or {fail_label} ({listed}).")
    raise InvalidValue(f"'{_shown(raw)}' is not a result for this check. Type one of: {listed}.")


def _parse_choice(raw: str, choices: Sequence[str]) -> str:
    if not choices:
        raise ValueError("a choice field needs at least one choice")
    typed = raw.strip().casefold()
    for choice in choices:
        if choice.strip().casefold() == typed:
            return choice
    listed = ", ".join(choices)
    if not typed:
        raise InvalidValue(f"Nothing was chosen. Choose one of: {listed}.")
    raise InvalidValue(f"'{_shown(raw)}' is not one of the options. Choose one of: {listed}.")


def _shown(text: str, limit: int = 40) -> str:
    """The typed text as quoted back in a message: trimmed, control characters hidden, short."""
    cleaned = "".join(c if c.isprintable() else " " for c in text.strip())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"
