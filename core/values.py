"""The one parser for values a technician types or scans, and the one formatter that echoes them.

Numbers are read straight into ``Decimal`` (never through float) so what was typed is kept exactly.
Every refusal is an ``InvalidValue`` whose message says what was wrong and what to type instead.

The decimal mark: with ``decimal_mark="auto"`` (a site's default) a point or a comma is the
decimal mark, unless the value could as well be written with a thousands separator ("1,000",
"12.500", both marks, "1,234,567"): such a value is refused as ambiguous, never guessed. With
"point" or "comma" (a site setting, or a template check's own) that mark is the decimal mark and
the other one separates thousands, in groups of three only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from core.errors import InvalidValue
from core.i18n import N_, _
from core.text_rules import TEXT_VALUE, clean_text

KINDS = ("number", "passfail", "text", "choice", "scan")
NOTATIONS = ("fixed", "sci")
DECIMAL_MARKS = ("auto", "point", "comma")  # the site's decimal_mark setting, a check's own
MAX_EXPONENT = 100  # numbers from 10⁻¹⁰⁰ to 10¹⁰⁰ in size: always finite as a float too

_SUPERSCRIPT_TO_ASCII = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_ASCII_TO_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")

_MANTISSA = r"[+-]?[0-9.,]*[0-9][0-9.,]*"  # separators checked by _plain_mantissa
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
    decimal_mark: str = "auto",
) -> ParsedValue:
    """Read ``raw`` as a field of ``kind`` requires; raise ``InvalidValue`` saying what to type."""
    if kind == "number":
        return ParsedValue(
            raw, kind, parse_number(raw, unit, decimal_mark=decimal_mark), None, unit
        )
    if kind == "passfail":
        return ParsedValue(raw, kind, None, _parse_passfail(raw, pass_label, fail_label), None)
    if kind == "choice":
        return ParsedValue(raw, kind, None, _parse_choice(raw, choices), None)
    if kind == "scan":
        code = _SCAN_EDGES.sub("", raw)
        if not code:
            raise InvalidValue(_("Nothing was scanned. Scan the label again, or type the code."))
        return ParsedValue(raw, kind, None, code, None)
    if kind == "text":
        if not raw.strip():
            raise InvalidValue(_("Nothing was entered. Type the text for this field."))
        return ParsedValue(raw, kind, None, clean_text(raw, TEXT_VALUE), None)
    raise ValueError(f"unknown value kind {kind!r}; expected one of {', '.join(KINDS)}")


def parse_number(raw: str, unit: str | None = None, *, decimal_mark: str = "auto") -> Decimal:
    """Read a typed number (optionally followed by the field's ``unit``) exactly, as a Decimal.

    ``decimal_mark``: "auto" (a point or a comma; a value that could hold a thousands separator
    is refused as ambiguous), "point" or "comma" (the other mark separates thousands).
    """
    if decimal_mark not in DECIMAL_MARKS:
        raise ValueError(f"unknown decimal mark {decimal_mark!r}; expected one of {DECIMAL_MARKS}")
    text = raw.replace("\u2212", "-").strip()
    shown = _shown(raw)
    if not text:
        raise InvalidValue(
            _("Nothing was entered. Type digits with one decimal point or comma, e.g. 7.2 or 7,2.")
        )
    if unit:  # the field's unit may itself start with a power of ten, e.g. "×10⁶ cells/kg"
        plain = _PLAIN.fullmatch(text)
        if plain and plain["rest"] and same_unit(plain["rest"], unit):
            mantissa = _plain_mantissa(shown, plain["mant"], decimal_mark, powered=False)
            return _to_decimal(raw, mantissa, "0")
    head_match = _HEAD.match(text)  # every part of _HEAD is optional: it always matches
    head = head_match.group() if head_match else ""
    if re.search(r"[0-9.,]\s+[0-9.,]", head):
        raise InvalidValue(
            _(
                "'{shown}' has a space between digits. Do not group digits: type 1234, not 1 234."
            ).format(shown=shown)
        )
    match = _NUMBER.fullmatch(text)
    if match is None:
        if _NOT_FINITE.match(text):
            raise InvalidValue(
                _(
                    "'{shown}' is not a finite number. Type the measured value in digits, e.g. 7.2."
                ).format(shown=shown)
            )
        raise _not_a_number(shown)
    rest = match["rest"].strip()
    if rest:
        _check_unit_text(shown, rest, unit)
    powered = bool(match["e"] or match["caret"] or match["sup"])
    mantissa = _plain_mantissa(shown, match["mant"], decimal_mark, powered=powered)
    superscript = (match["sup"] or "0").translate(_SUPERSCRIPT_TO_ASCII)
    exponent = match["e"] or match["caret"] or superscript
    return _to_decimal(raw, mantissa, exponent)


_WORD = {".": N_("point"), ",": N_("comma")}  # a decimal mark in words, translated where shown
_MARK = {"point": ".", "comma": ","}


def _not_a_number(shown: str) -> InvalidValue:
    return InvalidValue(
        _(
            "'{shown}' is not a number. Type digits with one decimal point or comma, e.g. 7.2 "
            "or 7,2."
        ).format(shown=shown)
    )


def _grouped(whole: str, separator: str) -> bool:
    """True when ``whole`` is digits in thousands groups: 1–3 digits (no leading zero), then
    groups of exactly three, each after ``separator``."""
    groups = whole.split(separator)
    return (
        len(groups) > 1
        and 1 <= len(groups[0]) <= 3
        and groups[0].isdigit()
        and groups[0][0] != "0"
        and all(len(g) == 3 and g.isdigit() for g in groups[1:])
    )


def _plain_mantissa(shown: str, mantissa: str, mark: str, *, powered: bool) -> str:
    """The typed mantissa with a point as its decimal mark and no thousands separators, or a
    refusal: an ambiguous value (``mark`` "auto") or one that does not fit the decimal mark set.
    ``powered``: a power of ten follows (a mantissa in scientific notation is never grouped)."""
    sign = mantissa[0] if mantissa[0] in "+-" else ""
    body = mantissa[len(sign) :]
    if "." not in body and "," not in body:
        return mantissa
    if mark != "auto":
        return sign + _by_mark(shown, body, _MARK[mark], powered)
    if "." in body and "," in body:
        last = max(body.rfind("."), body.rfind(","))
        other = "," if body[last] == "." else "."
        if not _grouped(body[:last], other):
            raise _not_a_number(shown)
        plain = body[:last].replace(other, "") + body[last:]
        raise InvalidValue(
            _(
                "'{shown}' is ambiguous: it has both a point and a comma, so one of them "
                "separates thousands. Type it without thousands separators ({plain}), or ask an "
                "administrator to set the site's decimal mark."
            ).format(shown=shown, plain=sign + plain)
        )
    separator = "." if "." in body else ","
    if body.count(separator) > 1:
        if not _grouped(body, separator) or powered:
            raise _not_a_number(shown)
        raise InvalidValue(
            _(
                "'{shown}' is ambiguous: a {mark} is read as a thousands separator only where "
                "the site's decimal mark is set. Type {plain}, or ask an administrator to set "
                "the site's decimal mark."
            ).format(
                shown=shown, mark=_(_WORD[separator]), plain=sign + body.replace(separator, "")
            )
        )
    whole, frac = body.split(separator)
    if not powered and _grouped(body, separator):
        shorter = frac.rstrip("0")  # "12.500" may be typed 12.5, "1,000" as 1
        as_decimal = f"{whole}{separator}{shorter}" if shorter else whole
        mark, whole_number = _(_WORD[separator]), f"{sign}{whole}{frac}"
        if len(shorter) < 3:
            raise InvalidValue(
                _(
                    "'{shown}' is ambiguous: is the {mark} a decimal mark or a thousands "
                    "separator? Type {decimal} or {whole}, or ask an administrator to set the "
                    "site's decimal mark."
                ).format(shown=shown, mark=mark, decimal=sign + as_decimal, whole=whole_number)
            )
        raise InvalidValue(
            _(
                "'{shown}' is ambiguous: is the {mark} a decimal mark or a thousands separator? "
                "Type {whole}, or ask an administrator to set the site's decimal mark."
            ).format(shown=shown, mark=mark, whole=whole_number)
        )
    return f"{sign}{whole}.{frac}"


def _by_mark(shown: str, body: str, decimal: str, powered: bool) -> str:
    """``body`` read with ``decimal`` as the decimal mark and the other mark between thousands."""
    group = "," if decimal == "." else "."
    whole, point, frac = body.partition(decimal)
    if decimal in frac:
        raise InvalidValue(
            _(
                "'{shown}' has more than one decimal {mark}: the decimal mark is a {mark} here, "
                "and a {separator} separates thousands ({example})."
            ).format(
                shown=shown,
                mark=_(_WORD[decimal]),
                separator=_(_WORD[group]),
                example=f"1{group}234{decimal}5",
            )
        )
    if group in whole or group in frac:
        if powered:
            raise InvalidValue(
                _(
                    "'{shown}' has a thousands separator in a number with a power of ten. "
                    "Type the digits without it, e.g. {example}."
                ).format(shown=shown, example=f"1{decimal}2e6")
            )
        if group in frac or not _grouped(whole, group):
            swap = body.replace(group, decimal) if body.count(group) == 1 and not point else None
            refusal = _(
                "'{shown}' does not fit the decimal mark set here: the decimal mark is a {mark}, "
                "and a {separator} only separates thousands in groups of three ({example})."
            ).format(
                shown=shown,
                mark=_(_WORD[decimal]),
                separator=_(_WORD[group]),
                example=f"1{group}234{decimal}5",
            )
            if swap:
                refusal += " " + _("Type {value}.").format(value=swap)
            raise InvalidValue(refusal)
        whole = whole.replace(group, "")
    return f"{whole}.{frac}" if point else whole


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
        if not isinstance(exp, int):  # "n", "N" or "F": round_for_comparison refuses those
            raise InvalidValue(
                _("'{value}' is not a finite number and cannot be shown.").format(value=value)
            )
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
        raise InvalidValue(
            _("'{value}' is not a finite number and cannot be shown or compared.").format(
                value=value
            )
        )
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
    value = Decimal(f"{mantissa}E{sign}{digits}")  # exact: no context rounding
    if value.is_zero():
        return value.copy_abs()  # "-0" is recorded as 0
    if abs(value.adjusted()) > MAX_EXPONENT:
        raise _out_of_range(raw)
    return value


def _out_of_range(raw: str) -> InvalidValue:
    return InvalidValue(
        _(
            "'{shown}' is out of range: numbers must lie between 10⁻¹⁰⁰ and 10¹⁰⁰ in size. "
            "Check the exponent and the number of digits."
        ).format(shown=_shown(raw))
    )


def _check_unit_text(shown: str, rest: str, unit: str | None) -> None:
    """Refuse what follows the number unless it is the field's unit."""
    if rest[0] in "0123456789.,":
        raise _not_a_number(shown)
    if _BROKEN_POWER.match(rest):
        raise InvalidValue(
            _("The power of ten in '{shown}' is incomplete. Write it as 1.2e6 or 1.2×10^6.").format(
                shown=shown
            )
        )
    if not unit:
        raise InvalidValue(
            _(
                "This field has no unit, but '{typed}' was typed after the number. "
                "Type the number alone."
            ).format(typed=_shown(rest))
        )
    if not same_unit(rest, unit):
        raise InvalidValue(
            _(
                "'{typed}' is not the unit of this field; it takes {unit}. "
                "Type the value in {unit}, or the number alone."
            ).format(typed=_shown(rest), unit=unit)
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
        raise InvalidValue(
            _("Nothing was entered. Type {passed} or {failed} ({listed}).").format(
                passed=pass_label, failed=fail_label, listed=listed
            )
        )
    raise InvalidValue(
        _("'{typed}' is not a result for this check. Type one of: {listed}.").format(
            typed=_shown(raw), listed=listed
        )
    )


def _parse_choice(raw: str, choices: Sequence[str]) -> str:
    if not choices:
        raise ValueError("a choice field needs at least one choice")
    typed = raw.strip().casefold()
    for choice in choices:
        if choice.strip().casefold() == typed:
            return choice
    listed = ", ".join(choices)
    if not typed:
        raise InvalidValue(_("Nothing was chosen. Choose one of: {listed}.").format(listed=listed))
    raise InvalidValue(
        _("'{typed}' is not one of the options. Choose one of: {listed}.").format(
            typed=_shown(raw), listed=listed
        )
    )


def _shown(text: str, limit: int = 40) -> str:
    """The typed text as quoted back in a message: trimmed, control characters hidden, short."""
    cleaned = "".join(c if c.isprintable() else " " for c in text.strip())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"
