"""What a label says: the product, lot, chain-of-identity id, the label's serial, its expiry and
storage, and "For autologous use only" exactly when the batch's template is autologous; and the
barcode's payload, a compact text of the same essentials that a scanner reads back.

The payload is ``LB1|L=<lot>|C=<COI>|K=<kind>|S=<n>/<N>|E=<expiry>|P=<template key>|A=<Y|N>``:
its fields always in this order, each keyed, joined by ``|`` (a character no lot number, COI,
template key or date can hold), ASCII only, so it reads the same on every scanner.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from core.states import LabelKind
from core.words import LABEL_KIND_WORDS

AUTOLOGOUS_ONLY = "For autologous use only"
PAYLOAD_VERSION = "LB1"
SEPARATOR = "|"
_KEYS = ("L", "C", "K", "S", "E", "P", "A")
_SAFE = re.compile(r"[A-Za-z0-9._/-]*")  # what a lot, COI and template key are made of


@dataclass(frozen=True)
class LabelLine:
    """One line of the label's human-readable text, before it is laid out on a stock."""

    text: str
    bold: bool = False


@dataclass(frozen=True)
class LabelContent:
    """One printed label. ``serial`` runs per batch and kind; ``of`` is the last serial printed
    of that kind when this label was (the label says "Bag 4 of 5")."""

    kind: LabelKind
    lot: str
    coi: str | None
    product: str  # the template's title, printed
    product_key: str  # the template's key, in the barcode
    serial: int
    of: int
    autologous: bool
    expiry: date
    storage: str

    def __post_init__(self) -> None:
        if not 1 <= self.serial <= self.of:
            raise ValueError(
                f"serial {self.serial} of {self.of}: a serial runs from 1 to its total"
            )
        for name in ("lot", "coi", "product_key"):
            value = getattr(self, name) or ""
            if not _SAFE.fullmatch(value):
                raise ValueError(f"the {name} {value!r} cannot go into a label's barcode")

    @property
    def kind_words(self) -> str:
        """The kind of label in the reader's language ("bag")."""
        return LABEL_KIND_WORDS[self.kind]

    @property
    def printed_kind(self) -> str:
        """The kind of label as printed on it: the source words, whatever the reader's language
        (what a label says is not translated yet: that is a regulatory decision)."""
        return LABEL_KIND_WORDS.raw[self.kind]

    @property
    def serial_text(self) -> str:
        return f"{self.serial} of {self.of}"

    @property
    def lines(self) -> tuple[LabelLine, ...]:
        """The human-readable text, top to bottom."""
        kind = self.printed_kind
        lines = [
            LabelLine(self.product, bold=True),
            LabelLine(f"Lot {self.lot}"),
            *([LabelLine(f"COI {self.coi}")] if self.coi else []),
            LabelLine(f"{kind[:1].upper()}{kind[1:]} {self.serial_text}"),
            LabelLine(f"Expiry {self.expiry.isoformat()}"),
            LabelLine(f"Store {self.storage}"),
        ]
        if self.autologous:
            lines.append(LabelLine(AUTOLOGOUS_ONLY, bold=True))
        return tuple(lines)

    @property
    def packed_lines(self) -> tuple[LabelLine, ...]:
        """The same text in fewer lines, for a small label: the serial beside the lot, the
        storage beside the expiry."""
        full = self.lines
        has_coi = self.coi is not None and self.coi != ""
        lot, serial = full[1], full[3 if has_coi else 2]
        expiry, storage = full[-3 if self.autologous else -2], full[-2 if self.autologous else -1]
        return (
            full[0],
            LabelLine(f"{lot.text} · {serial.text}"),
            *(full[2:3] if has_coi else ()),
            LabelLine(f"{expiry.text} · {storage.text}"),
            *(full[-1:] if self.autologous else ()),
        )

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def payload(self) -> str:
        """What the 2-D barcode holds (see the module's docstring)."""
        values = (
            self.lot,
            self.coi or "",
            self.kind.value,
            f"{self.serial}/{self.of}",
            self.expiry.isoformat(),
            self.product_key,
            "Y" if self.autologous else "N",
        )
        fields = (f"{key}={value}" for key, value in zip(_KEYS, values, strict=True))
        return SEPARATOR.join((PAYLOAD_VERSION, *fields))


def read_payload(text: str) -> dict[str, str]:
    """A label's payload as read by a scanner, field by field (``L`` lot, ``C`` COI, ``K`` kind,
    ``S`` serial/total, ``E`` expiry, ``P`` template key, ``A`` autologous); ValueError when it
    is not a Lotbook label's."""
    parts = text.strip().split(SEPARATOR)
    if len(parts) != len(_KEYS) + 1 or parts[0] != PAYLOAD_VERSION:
        raise ValueError(f"{text!r} is not the barcode of a Lotbook label")
    found: dict[str, str] = {}
    for key, part in zip(_KEYS, parts[1:], strict=True):
        name, equals, value = part.partition("=")
        if name != key or not equals:
            raise ValueError(f"{text!r} is not the barcode of a Lotbook label (at {part!r})")
        found[key] = value
    return found


def label_run(
    *,
    kind: LabelKind,
    lot: str,
    coi: str | None,
    product: str,
    product_key: str,
    autologous: bool,
    first_serial: int,
    count: int,
    expiry: date,
    storage: str,
) -> tuple[LabelContent, ...]:
    """The labels of one print: serials ``first_serial`` … ``first_serial + count − 1``."""
    last = first_serial + count - 1
    return tuple(
        LabelContent(
            kind=kind,
            lot=lot,
            coi=coi,
            product=product,
            product_key=product_key,
            serial=serial,
            of=last,
            autologous=autologous,
            expiry=expiry,
            storage=storage,
        )
        for serial in range(first_serial, last + 1)
    )
